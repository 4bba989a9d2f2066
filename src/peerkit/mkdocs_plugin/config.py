"""The `peerkit` plugin's options in `mkdocs.yml`."""

from __future__ import annotations

from typing import Literal

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError


class OnOff(base.BaseConfigOption[bool | Literal["auto"]]):
    """A switch: true/false, or what `!ENV [NAME, default]` makes of an environment variable
    set to on/off, yes/no, true/false or 1/0; `auto` leaves the choice to the plugin."""

    def __init__(self, default: bool | Literal["auto"]) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> bool | Literal["auto"]:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() == "auto":
            return "auto"
        if value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _WORDS:
            return _WORDS[value.strip().lower()]
        raise ValidationError(f"expected true, false or auto (or on/off), not {value!r}")


_WORDS: dict[str, bool] = {"0": False, "1": True, "off": False, "on": True, "no": False}
_WORDS |= {"yes": True, "false": False, "true": True}


class PeerkitConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off (e.g. to build only the hand-written pages)."""

    engine = c.Choice(("auto", "mkdocs", "properdocs"), default="auto")
    """What `peerkit build` and `peerkit serve` run: MkDocs 1.6 or ProperDocs, its maintained
    fork; `auto` takes ProperDocs when it is installed (see docs/engines.md)."""

    modules_dir = c.Type(str, default="modules")
    """The folder of module files, relative to `mkdocs.yml`."""

    sessions_dir = c.Type(str, default="sessions")
    """The folder of session plans (*.yml), relative to `mkdocs.yml`; it may be absent."""

    pages_path = c.Type(str, default="modules")
    """Where module pages appear in the site: `modules/<id>/`."""

    sessions_path = c.Type(str, default="sessions")
    """Where session plan pages appear in the site: `sessions/<id>/`."""

    sessions_nav_section = c.Type(str, default="Sessions")
    """With an explicit `nav`, session pages fill the section with this title."""

    packs = OnOff(default="auto")
    """Build PDF packs into the site. `auto` (the default): on for `mkdocs build`, off for
    `mkdocs serve`, so editing stays quick. `packs: !ENV [PEERKIT_PACKS, true]` (as in
    peerkit's own and new sites' mkdocs.yml) lets `PEERKIT_PACKS=off` turn them off."""

    paper = c.Choice(("a4", "letter"), default="a4")
    """Paper size of the PDF packs."""

    card_sets = c.Choice(tuple(range(1, 7)), default=1)
    """How many lettered sets (Set A, Set B, ...) of each deck the card sheets print, one per
    small group, each with its own band pattern so groups' cards do not mix."""

    cache_dir = c.Type(str, default=".cache/peerkit")
    """Rendered PDFs, by content hash, relative to `mkdocs.yml`; a rebuild reuses them."""

    nav_section = c.Type(str, default="Modules")
    """With an explicit `nav`, module pages fill the section with this title (added if absent)."""

    organisation = c.Optional(c.Type(str))
    """The organisation's name, on packs' covers and running headers (default: site_name)."""

    contact = c.Optional(c.Type(dict))
    """How to reach the organisation: name, email, phone, address, url (the `contact()` macro)."""

    licence = c.Optional(c.Type(str))
    """How others may reuse the material: in the footer, and the `licence()` macro."""

    logo = c.Optional(c.Type(str))
    """An image for the packs' covers, relative to `mkdocs.yml` (default: the theme's logo)."""

    brand = c.Optional(c.Type(dict))
    """The site's colours: primary, accent, link, link_dark (hex). The build warns when text in
    them would fall below WCAG AA (4.5:1)."""

    reference_modules = c.Type((list, str), default=[])
    """Modules from peerkit's reference curriculum to include, by id, or `all`."""

    signposting_intro = c.Optional(c.Type(str))
    """The sentence above the support list (peerkit has a default)."""

    signposting = c.Type(list, default=[])
    """Support services and helplines: name, description, phone, text, email, hours, area, url.
    The list ends every module page and every pack."""

    safety = c.Optional(c.Type((dict, str)))
    """What a facilitator does when someone may not be safe: `during` and `after` (who to call:
    role, name, phone), `safeguarding_lead`, `record` (how a concern is written down and passed
    on) and `no_answer`. A site without them gets a warning; `required: true` (or
    `safety: required`) makes a strict build fail until they are all given."""

    safety_page = c.Type(str, default="safety.md")
    """The docs page with the `safety_page()` macro: where modules' mentions of "your
    organisation's procedures" link to (if the page exists)."""

    local_support = c.Type(list, default=[])
    """Services near the venues (name, description, phone, hours, venue, last_checked), printed
    beside the national list; a session plan may add its own."""

    browse = c.Type(bool, default=True)
    """Add the browse pages: catalogue, activity library, reflection bank, module map and
    session planner, all fed by one curriculum index (`assets/peerkit/index.json`)."""

    browse_path = c.Type(str, default="browse")
    """Where the browse pages appear in the site: `browse/catalogue.html` and so on."""

    browse_cards = c.Type(int, default=100)
    """How many cards the catalogue and the activity library hold in their HTML. A longer list
    shows that many, a "Show more" button (the script draws the rest from the index as the
    filters and the button ask) and every item as one line by theme, so a large site's browse
    pages stay quick to open and still reach every item without JavaScript."""

    browse_nav_section = c.Type(str, default="Find and plan")
    """With an explicit `nav`, the browse pages fill the section with this title."""

    synonyms = c.Type(list, default=[])
    """Words and phrases that mean the same to the people searching, as groups, e.g.
    `[[burnout, compassion fatigue], [breakout, small group]]`: search finds a section that
    holds one term of a group by any other term of it."""

    search_budget = c.Type(int, default=4_000)
    """Kilobytes of search index the site aims for. Each module always has its title, summary,
    tags, outcomes, activities (title and aim), headings and handout titles in the index; the
    rest (notes, reflection questions, prose, steps, handouts) fills what is left, shared
    evenly between the modules. 0 keeps all the text, however large the index grows."""

    search_prebuilt = c.Type(int, default=200)
    """From this many kilobytes of search index, the index is also built with the site
    (`search/search_lunr.json`), so the browser loads it in place of building it before the
    first result. -1: never."""

    nav_groups = c.Type((str, dict), default="auto")
    """How the Modules section of the navigation is grouped: `auto` (flat up to
    `nav_group_size` modules, by theme beyond), `none` (flat), `theme` (each module under its
    first theme), `title` (A to Z ranges of titles) or a mapping of group titles to module ids,
    e.g. `{Getting started: [peer-support-recovery, mutuality]}` (modules it leaves out go
    under "Other modules"). With `navigation.prune`, a page's nav then lists only its own
    group's modules."""

    nav_group_size = c.Type(int, default=30)
    """The most modules a nav group holds: a larger group is split into ranges of titles."""

    vocabulary = c.Optional(c.Type(dict))
    """The audiences and themes modules may use, as `audience:` and `themes:` lists: the
    catalogue's filters list them in this order, and `peerkit check` and the build report a
    module's term that is not listed, with the closest one. Without it, any term goes."""

    # --- what peerkit adds to the host's own pages: each off unless the site turns it on, so
    # adding `- peerkit` to an existing site leaves its other pages as they were.

    offline = c.Type(bool, default=False)
    """Make the site work from a folder opened with file://, search included: writes
    `search/search_index.js`, serves the iframe-worker shim from the site itself and puts
    peerkit's search on every page. Needs `use_directory_urls: false`."""

    search_shim = c.Type(str, default="node_modules/iframe-worker/shim/index.js")
    """With `offline`, the iframe-worker shim (npm, pinned in package-lock.json), relative to
    `mkdocs.yml`; without that file, the copy inside peerkit's wheel. Copied into the site,
    never loaded from a CDN."""

    headers = c.Type(bool, default=False)
    """Write `_headers`, `.htaccess` and `nginx-headers.conf` into the site (a
    Content-Security-Policy with the hash of every inline script, `Referrer-Policy:
    no-referrer`, `frame-ancestors 'none'`), and the same policy into every page as a
    `<meta>` (without `frame-ancestors`, which only a header can set) with a no-referrer
    `<meta>`. Off, only peerkit's own pages carry the no-referrer `<meta>`."""

    footer = c.Type(bool, default=False)
    """When `copyright` is not set in `mkdocs.yml`, write the organisation and `licence` as the
    footer line of every page."""

    nav = c.Type(bool, default=False)
    """With an explicit `nav`, add the sections for peerkit's pages (`nav_section`,
    `sessions_nav_section`, `browse_nav_section`) when the nav lacks them. Off, peerkit fills
    only the sections the nav already names (e.g. `- Modules: []`); without an explicit
    `nav`, MkDocs lists every page anyway."""

    privacy_check = c.Type(bool, default=False)
    """Warn (failing a strict build) about every page that loads anything from another site,
    theme included (e.g. Google-hosted fonts), so the privacy statement holds for the whole
    site. Off, only what peerkit writes into its own pages is checked."""

    every_page_assets = c.Type(bool, default=False)
    """Link peerkit's stylesheet and script (and the brand colours) from every page, through
    `extra_css` and `extra_javascript`, and give every page peerkit's skip link, print
    stylesheet, named search dialog, search (stemming, synonyms) and a 404 page that works under
    a sub-path: needed when hand-written pages use peerkit's macros (e.g. the safety page).
    Off, only peerkit's own pages get them, and search is Material's (unless `offline`)."""
