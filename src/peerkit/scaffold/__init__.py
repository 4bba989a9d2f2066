"""`peerkit new` and `peerkit new-module`: an organisation's own site, and a module to fill in.

The site is the folder `site/` beside this file, with `@ORGANISATION@` replaced by the
organisation's name, plus what only this install knows: a module skeleton, a session plan and
`requirements.txt`, which pins peerkit (from wherever this peerkit came from) and every
package it runs on, at the versions installed here. The browser file for search from a
folder comes inside peerkit's wheel, so a new site downloads nothing from npm.
"""

from __future__ import annotations

import json
import re
import shutil
import typing
import unicodedata
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from pydantic import ValidationError

from peerkit.lockfile import locked_hashes
from peerkit.model import ShortText, Slug
from peerkit.site import Contact, SiteSettings

SITE = Path(__file__).parent / "site"
TOKEN = "@ORGANISATION@"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ORGANISATION_MAX = TITLE_MAX = typing.get_args(ShortText)[1].max_length
ID_MAX = typing.get_args(Slug)[1].max_length
"""The longest organisation name the site's settings accept (`peerkit check` checks them)."""
RENAMED = {"gitignore.txt": ".gitignore", "gitlab-ci.yml": ".gitlab-ci.yml"}


class ScaffoldError(Exception):
    """Why a site or module was not made (nothing was written)."""


def new_site(dest: Path, organisation: str, source: str | None = None) -> list[Path]:
    """Make a new site in `dest`, which must not exist yet; `source` is where its
    requirements.txt installs peerkit from. Returns the files written."""
    if dest.exists() or dest.is_symlink():
        raise ScaffoldError(f"{dest} already exists: choose a new folder (nothing was changed)")
    organisation = check_organisation(organisation)
    staging = dest.with_name(f".{dest.name}.partial")
    if staging.exists() or staging.is_symlink():
        raise ScaffoldError(
            f"{staging} exists, perhaps from a `peerkit new` that was stopped: look inside, then "
            "remove it or choose another folder (nothing was changed)"
        )
    try:
        _write_site(staging, organisation, source)
        staging.rename(dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # ours: made just now, by this call
        raise
    return sorted(p for p in dest.rglob("*") if p.is_file())


def check_organisation(organisation: str) -> str:
    """The organisation's name, spaces tidied; `ScaffoldError` if the new site's own
    `peerkit check` would refuse it (too long, or holding a character nobody can see)."""
    organisation = " ".join(organisation.split())
    if not organisation:
        raise ScaffoldError("the organisation needs a name")
    for char in organisation:
        if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}:
            raise ScaffoldError(
                f"the organisation's name holds U+{ord(char):04X}, a character that does not "
                "show: type the name again without it"
            )
    try:
        SiteSettings(organisation=organisation, contact=Contact(name=organisation))
    except ValidationError:
        raise ScaffoldError(
            f"the organisation's name is {len(organisation)} characters long: the site's "
            f"settings allow at most {ORGANISATION_MAX}, so use a shorter form of the name"
        ) from None
    return organisation


def _write_site(staging: Path, organisation: str, source: str | None) -> None:
    # Never Python's caches: a build of the template in place, or an install, may leave them.
    shutil.copytree(SITE, staging, ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"))
    for stored, real in RENAMED.items():  # dotfiles are kept under plain names in the package
        (staging / stored).rename(staging / real)
    for path in staging.rglob("*"):
        if path.is_file() and path.suffix in {".md", ".yml", ".html", ".txt", ""}:
            text = path.read_text(encoding="utf-8")
            if TOKEN in text:
                path.write_text(text.replace(TOKEN, _as(path, organisation)), encoding="utf-8")
    (staging / "modules").mkdir(exist_ok=True)
    (staging / "modules" / "getting-started.md").write_text(
        module_skeleton("getting-started", "Getting started with peer support"), encoding="utf-8"
    )
    (staging / "sessions").mkdir(exist_ok=True)
    (staging / "sessions" / "first-session.yml").write_text(SESSION, encoding="utf-8")
    (staging / "requirements.txt").write_text(requirements(source), encoding="utf-8")


def _as(path: Path, value: str) -> str:
    """The organisation's name as `path` needs it written."""
    if path.suffix == ".yml":  # the token sits inside double quotes: JSON's escapes are YAML's
        return json.dumps(value, ensure_ascii=False)[1:-1]  # an emoji stays one character
    if path.suffix == ".html" or "docs" in path.parts:
        # Site pages: nothing may read as HTML, or as a macro to mkdocs-macros.
        escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return escaped.replace("{", "&#123;").replace("}", "&#125;")
    return value  # the README, the Makefile: plain text for people


def new_module(folder: Path, module_id: str, title: str | None = None) -> Path:
    """Write a module skeleton `folder/<module_id>.md`; refuses to overwrite."""
    if not SLUG.match(module_id):
        raise ScaffoldError(
            f"'{module_id}' cannot be a module id: use lowercase letters, digits and hyphens, "
            "like our-topic"
        )
    longest = ID_MAX - len("-closing-round")  # the skeleton's longest activity id
    if len(module_id) > longest:
        raise ScaffoldError(
            f"'{module_id[:20]}…' is {len(module_id)} characters long: a new module's id may "
            f"have at most {longest}, so that its activities' ids fit in {ID_MAX}"
        )
    title = title or module_id.replace("-", " ").capitalize()
    if len(" ".join(title.split())) > TITLE_MAX or not title.strip():
        raise ScaffoldError(f"a module's title needs 1 to {TITLE_MAX} characters")
    path = folder / f"{module_id}.md"
    if path.exists():
        raise ScaffoldError(f"{path} already exists (nothing was changed)")
    folder.mkdir(parents=True, exist_ok=True)
    text = module_skeleton(module_id, " ".join(title.split()))
    path.write_text(text, encoding="utf-8")
    return path


def module_skeleton(module_id: str, title: str) -> str:
    """A complete module that passes `peerkit check`, with every field explained."""
    return SKELETON.replace("@ID@", module_id).replace(
        "@TITLE@", json.dumps(title, ensure_ascii=False)
    )


def peerkit_source() -> str:
    """Where this peerkit was installed from, as a requirement line pip understands."""
    peerkit = metadata.distribution("peerkit")
    direct = peerkit.read_text("direct_url.json")
    if not direct:
        return f"peerkit=={peerkit.version}"
    found = json.loads(direct)
    vcs = found.get("vcs_info")
    if vcs:  # e.g. git+https://example.org/peerkit.git@<commit>
        return f"peerkit @ {vcs['vcs']}+{found['url']}@{vcs['commit_id']}"
    return f"peerkit @ {found['url']}"


def requirements(source: str | None = None) -> str:
    """peerkit, from `source` (default: where this install came from), and every package it
    needs (the packages of requested extras included), pinned at the versions installed here,
    each with the sha256 hashes peerkit's lock records for it."""
    peerkit = metadata.distribution("peerkit")
    lines = [
        "# Where peerkit comes from. A folder (file:///...) works only on the computer that",
        "# has it: to build anywhere else (GitHub or GitLab Pages, another computer), change",
        "# the next line to a git address, like: peerkit @ git+https://example.org/peerkit.git@v0.1.0",
        source
        if source and source.startswith("peerkit")
        else (f"peerkit @ {source}" if source else peerkit_source()),
        "# Everything peerkit runs on, at the versions it was tested with. The hashes are those",
        "# in peerkit's lock: `make setup` requires them, and refuses a file that does not match.",
    ]
    pins: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    base = {str(k): str(v) for k, v in default_environment().items()}
    todo = [(Requirement(r), "") for r in peerkit.requires or []]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker and not requirement.marker.evaluate(base | {"extra": extra}):
            continue
        key = requirement.name.lower().replace("_", "-")
        wanted = {""} | set(requirement.extras)
        if all((key, e) in seen for e in wanted):
            continue
        try:
            found = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            continue
        pins[key] = found.version
        for each in wanted - {e for k, e in seen if k == key}:
            seen.add((key, each))
            todo.extend((Requirement(r), each) for r in found.requires or [])
    locked = locked_hashes()
    for name, version in sorted(pins.items()):
        hashes = locked.get(name, {}).get(version, [])
        lines.append(" \\\n".join([f"{name}=={version}", *(f"    --hash={h}" for h in hashes)]))
    return "\n".join(lines) + "\n"


SESSION = """\
# A session plan: a running order, timed to the clock. Change it, or make one with the
# site's Session planner and download it. `make check` checks it; `make build` prints its packs.
title: Our first session
summary: Getting to know each other and what peer support means to us.
facilitators: [Lead facilitator, Co-facilitator]
start: "10:00"
available: 90
items:
  - welcome: Welcome, introductions and our group agreement
    minutes: 15
  - activity: getting-started-what-helps
  - break: Tea and coffee
    minutes: 15
  - activity: getting-started-closing-round
  - close: "Close: what we take away, and where to find support"
    minutes: 10
"""

SKELETON = """\
---
# A training module: this front-matter (between the --- lines) is the module's data, and
# the text after it is the page. Every key is explained on the line above it.
# `make check` reports any mistake as file:line: message.

# A short name for web addresses: lowercase letters, digits and hyphens.
id: @ID@
# The module's name.
title: @TITLE@
# One or two sentences for the module's card in the catalogue.
summary: >-
  Replace this with what the session covers and who it suits, in one or two sentences.
# Raise the version when you change the module.
version: "0.1"
# Total minutes for the session, breaks included, as a range.
duration: 60-75
# What a participant will take away.
outcomes:
  - Replace this with one thing a participant will be able to do or say afterwards.
# Short topic words from the site's vocabulary (mkdocs.yml): they are the theme filter and tags.
themes: [peer support]
# From this list only: connection (shown as Connectedness), hope, identity, meaning and
# empowerment (CHIME), and experience, authenticity, responsibility, mutuality (peer values).
values: [connection, mutuality]
# Who the module is for, in the words of the site's vocabulary (mkdocs.yml).
audience: [new peer supporters]
# in-person, online or both.
format: both
# How many people, as a range.
group_size: 4-12
# What the topic may stir up. Shown before anything else on the page.
content_notes:
  - Replace this with what the session may bring up, and that people can pass or step out.
# Ids of modules to run first (none yet).
prerequisites: []
# How others may reuse the module.
licence: CC BY-SA 4.0
# What the module was adapted from, if anything (remove the # to use it).
# adapted_from: Adapted from our 2024 workshop notes, with thanks to the group.
# Published training the module is modelled on, shown as "inspired by, not endorsed by"
# (remove the #s to use it; url and part are optional).
# inspired_by:
#   - title: Let's do Peer2Peer
#     publisher: Scottish Recovery Network
# Works whose facts the module uses: author, title, year and, if you like, publisher.
sources: []
# Notes for facilitators, folded away on the page.
facilitator_notes: >-
  Replace this with what a facilitator should prepare and look out for.
# An Easy Read summary: short sentences, one idea each.
easy_read:
  - This session is about peer support.
  - You can join in as much or as little as you like.
# Reflection questions for the whole module.
reflection:
  - Replace this with a question people can think about on their own.
# Handouts: each with an id, a title and its text (none yet).
handouts: []
# Where the break goes in the module's own run-sheet: the id of the activity it follows.
break_after: @ID@-what-helps
# The activities, in running order. Each id must be unique across every module.
activities:
  - id: @ID@-what-helps
    title: What helps
    # What the activity is for.
    aim: To share what helps us feel supported, in our own words.
    # Minutes, as a range; the steps' own times should add up to it.
    minutes: 20-30
    group_size: 4-12
    format: both
    materials: [flipchart paper, pens]
    preparation:
      - Write "What helps?" at the top of a flipchart sheet.
    # The steps, in order. They are numbered for you: do not number them.
    steps:
      - Introduce the activity and say that nobody has to share (2-3 minutes).
      - In pairs, talk about a time someone helped you feel supported (10-15 minutes).
      - Come back together and note on the flipchart what helped (8-12 minutes).
    facilitator_notes: Replace this with tips for running the activity.
    content_notes: []
    # How to run it online.
    online_variation: Use breakout rooms for the pairs and a shared document for the notes.
    # A gentler way to take part.
    alternative: Listen without sharing, or write a word on a sticky note instead of talking.
    reflection:
      - What is one thing that helps you that you could offer someone else?
    # Ids of the module's handouts this activity gives out.
    handouts: []
    # What the steps say to put on a slide or a printed sheet: each prints on its own page,
    # in large type, in the show sheets pack (remove the #s to use it).
    # show:
    #   - title: What helps?
    #     body: Think of a time someone helped you feel supported. What did they do?
    # Cards to cut out and sort, printed as a card sheet (remove the #s to use them).
    # cards:
    #   items: [Lending money, Sharing a phone number, Giving a lift]
    #   sort_into: [Fine, It depends, Not in the peer role]
  - id: @ID@-closing-round
    title: Closing round
    aim: To end the session gently, with one thing each person takes away.
    minutes: 10-15
    group_size: 4-12
    format: both
    steps:
      - Invite everyone to say one word or one thing they take away, or to pass (8-12 minutes).
      - Remind people where to find support, and thank them (2-3 minutes).
    online_variation: People can type their word in the chat instead.
    alternative: Pass, or write a word on paper to keep.
---
## About this module

Replace this with an introduction to the module, in Markdown. The activities, reflection
questions, handouts and the support list follow it, in running order. The site's guide to
writing modules shows how to place an activity elsewhere on the page.
"""
