"""peerkit as a guest in someone else's mkdocs-material site: adding `- peerkit` adds its pages
and leaves the host's own pages as they were (apart from nav entries for the new pages)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import yaml

from peerkit.headers import CONFIG_FILES

from conftest import ROOT, Build, Tagged, mkdocs_build, read_config, site_config

# A tenants' association's existing site: Google-hosted fonts (Material's default, left on
# as the host chose), admonitions, content tabs, a page that redirects, no minify plugin.
HOST_CONFIG = """\
site_name: Riverside Tenants' Association
site_url: https://tenants.example.org/
theme:
  name: material
  font:
    text: Roboto
  features:
    - content.tabs.link
markdown_extensions:
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - toc:
      permalink: true
plugins:
  - search
"""

HOST_PAGES = {
    "index.md": """\
# Welcome

!!! note "Meetings"
    We meet on the first Tuesday of each month in the community hall.

=== "Email"
    Write to the secretary at <secretary@tenants.example.org>.

=== "Phone"
    Ring 0131 496 0000 on weekday evenings.

See [how to join](join.md).
""",
    "join.md": """\
# Join us

??? tip "What it costs"
    Membership is free.

Fill in the form at the next meeting.
""",
    # What mkdocs-redirects writes: a page that sends the reader on.
    "old-meetings.md": """\
<meta http-equiv="refresh" content="0; url=../">

# Moved

This page has moved to the [home page](index.md).
""",
}

# The header and sidebars are the nav: peerkit's pages may add entries there, nothing else;
# with them comes the guard that keeps their titles' tooltips plain text (module titles are
# untrusted and the nav is on every page).
_NAV = re.compile(
    r'<div class="md-sidebar md-sidebar--primary".*?'
    r'(?=<div class="md-sidebar md-sidebar--secondary")'
    r'|<link rel="(?:prev|next)" href="[^"]*">'
    r'|\s*<script src="[^"]*assets/peerkit/text-tooltips\.js"></script>',
    re.S,
)


def host_site(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    for name, text in HOST_PAGES.items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(HOST_CONFIG, encoding="utf-8")
    return root


def add_peerkit(root: Path, **options: object) -> None:
    """peerkit added to the host's plugins, with `options`."""
    (root / "modules").mkdir(exist_ok=True)
    shutil.copy(ROOT / "modules" / "self-care.md", root / "modules" / "self-care.md")
    # As docs/plugin.md shows: packs follow PEERKIT_PACKS (off in these tests' builds).
    packs = Tagged("!ENV", ["PEERKIT_PACKS", True])
    with site_config(root) as config:
        config["plugins"].append({"peerkit": {"packs": packs, **options}})


def built_files(build: Build) -> set[str]:
    return {p.relative_to(build.site).as_posix() for p in build.site.rglob("*") if p.is_file()}


def without_nav(html: str) -> str:
    """The page with its nav taken out (and the blank lines Jinja leaves around it)."""
    return "\n".join(line for line in _NAV.sub("", html).splitlines() if line.strip())


def test_adding_peerkit_adds_its_pages_and_leaves_the_hosts_pages_as_they_were(
    tmp_path: Path,
) -> None:
    root = host_site(tmp_path / "host")
    before = mkdocs_build(root, "--strict")
    assert before.returncode == 0, before.output
    shutil.move(before.site, root / "site-before")
    old_site = root / "site-before"

    add_peerkit(root)
    after = mkdocs_build(root)
    assert after.returncode == 0, after.output
    # The host chose Google-hosted fonts: that is theirs to decide, so no privacy warning.
    assert "from another site" not in after.output

    old_files = {p.relative_to(old_site).as_posix() for p in old_site.rglob("*") if p.is_file()}
    new_files = built_files(after)
    assert old_files <= new_files
    added = new_files - old_files
    assert "modules/self-care/index.html" in added
    assert "browse/catalogue/index.html" in added
    # Only peerkit's pages (modules, browse, run mode) and assets: no header files, no
    # offline search script, no shim.
    outside = sorted(
        f for f in added if f.split("/")[0] not in {"modules", "browse", "run", "assets"}
    )
    assert not outside, outside
    assert all(f.startswith("assets/peerkit/") for f in added if f.startswith("assets/")), added
    assert not [f for f in added if f in CONFIG_FILES or (f.endswith(".js") and "search" in f)]

    for name in sorted(f for f in old_files if f.endswith(".html")):
        was = (old_site / name).read_text(encoding="utf-8")
        now = (after.site / name).read_text(encoding="utf-8")
        assert was != now  # the nav did change, and the comparison below can see it
        assert without_nav(now) == without_nav(was), name
        assert "peerkit" not in without_nav(now), name

    # The new pages are in the host's nav, and carry peerkit's styles and no-referrer meta.
    assert 'href="modules/self-care/"' in (after.site / "index.html").read_text(encoding="utf-8")
    module_page = (after.site / "modules/self-care/index.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="../../assets/peerkit/peerkit.css">' in module_page
    assert '<script src="../../assets/peerkit/peerkit.js"></script>' in module_page
    assert '<meta name="referrer" content="no-referrer">' in module_page
    assert (after.site / "assets/peerkit/peerkit.css").is_file()

    # The host's pages are still found by search exactly as before.
    old_docs = json.loads((old_site / "search/search_index.json").read_text("utf-8"))["docs"]
    new_docs = json.loads((after.site / "search/search_index.json").read_text("utf-8"))["docs"]
    assert all(doc in new_docs for doc in old_docs)
    assert any(doc["location"].startswith("modules/self-care/") for doc in new_docs)


def test_each_addition_to_the_hosts_pages_is_a_setting(tmp_path: Path) -> None:
    root = host_site(tmp_path / "host")
    (root / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    add_peerkit(
        root,
        organisation="Riverside Tenants' Association",
        licence="Shared under CC BY-SA 4.0.",
        offline=True,
        headers=True,
        footer=True,
        privacy_check=True,
        every_page_assets=True,
    )
    build = mkdocs_build(root)
    assert build.returncode == 0, build.output
    files = built_files(build)
    assert {"_headers", ".htaccess", "nginx-headers.conf", "search/search_index.js"} <= files
    assert "assets/peerkit/iframe-worker.js" in files
    join = (build.site / "join" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="referrer" content="no-referrer">' in join
    assert "Shared under CC BY-SA 4.0." in join  # the footer line
    assert "assets/peerkit/peerkit.css" in join and "iframe-worker.js" in join
    # The privacy check now looks at the host's pages, theme included.
    assert "peerkit: join.md loads https://fonts.googleapis.com/" in build.output


def test_peerkit_adds_nav_sections_only_when_asked(tmp_path: Path) -> None:
    nav = [{"Home": "index.md"}, {"Join": "join.md"}, {"Modules": []}]
    for asked in (False, True):
        root = host_site(tmp_path / f"nav-{asked}")
        add_peerkit(root, **({"nav": True} if asked else {}))
        with site_config(root) as config:
            config["nav"] = nav
        build = mkdocs_build(root)
        assert build.returncode == 0, build.output
        home = (build.site / "index.html").read_text(encoding="utf-8")
        # The section the host named is filled either way; the others are added only if asked.
        assert 'href="modules/self-care/"' in home
        assert ('href="browse/catalogue/"' in home) is asked
        assert ("Find and plan" in home) is asked


def test_docs_plugin_md_lists_every_setting_with_its_default() -> None:
    from peerkit.mkdocs_plugin.config import PeerkitConfig

    text = (ROOT / "docs" / "plugin.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| (`[^`]*`|not set) \| (.+) \|$", text, re.M)
    documented = {name: default for name, default, _ in rows}
    assert len(documented) == len(rows)  # each setting once
    options = dict(PeerkitConfig._schema)
    assert set(documented) == set(options)
    for name, default in documented.items():
        expected = getattr(options[name], "default", None)
        if expected is None:
            assert default == "not set", name
        else:
            assert yaml.safe_load(default.strip("`")) == expected, name
    assert {"Plugin settings": "plugin.md"} in read_config(ROOT / "mkdocs.yml")["nav"]
