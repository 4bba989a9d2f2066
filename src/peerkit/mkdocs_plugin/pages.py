"""The pages peerkit adds to a build: one per module, one per session plan, the browse pages
(and the tags page), each a generated file whose front-matter `generated_page` writes."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, cast

import yaml
from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from peerkit.browse.pages import BROWSE_PAGES, browse_page
from peerkit.curriculum import Result
from peerkit.findings import Finding, summary
from peerkit.incremental import digest
from peerkit.mkdocs_plugin.log import findings as findings_log
from peerkit.mkdocs_plugin.log import log
from peerkit.mkdocs_plugin.search import tags_of
from peerkit.mkdocs_plugin.toc import toc_from_html
from peerkit.navgroups import nav_groups, unknown_ids
from peerkit.packs.build import packs_for
from peerkit.render import PageError, RenderedModule
from peerkit.sessions.view import plan_session, session_page, sessions_of

if TYPE_CHECKING:
    from peerkit.mkdocs_plugin.plugin import PeerkitPlugin


def with_front_matter(file: File, meta: dict[str, Any], body: str = "") -> File:
    """`file` with `meta` as its front-matter and `body` after it. Every value that reaches
    the theme's <title> or <meta> must be escaped by the caller (Material writes them raw);
    `render_macros: false` keeps mkdocs-macros, whose Jinja is not sandboxed, off the page."""
    front = yaml.safe_dump({**meta, "render_macros": False}, sort_keys=False)
    file.content_string = f"---\n{front}---\n" + (f"\n{body}" if body else "")
    return file


class GeneratedPageFile(File):
    """A generated module or browse page. MkDocs counts every generated file as changed, so
    `serve --dirty` would build them all again: this one counts as unchanged when its page
    came from the cache and is already in the site."""

    unchanged = False

    def is_modified(self) -> bool:
        return not self.unchanged and super().is_modified()


def generated_page(
    config: MkDocsConfig, src_uri: str, meta: dict[str, Any], body: str = ""
) -> File:
    """A new page at `src_uri` with `meta` as its front-matter (see `with_front_matter`)."""
    return with_front_matter(GeneratedPageFile.generated(config, src_uri, content=""), meta, body)


def add_module_pages(
    plugin: PeerkitPlugin, config: MkDocsConfig, files: Files, result: Result
) -> None:
    """A page per module, from the pages `check_folder` rendered."""
    assert plugin.curriculum is not None
    for module_id, page in result.pages.items():
        file = plugin.page_file(module_id)
        kept = plugin.front_matter.get(module_id)
        if kept is None or kept[0] is not page:  # not the same page (from the cache) as before
            module = page.source.module
            meta = {
                # Material writes these into <title> and <meta> unescaped: escape them here.
                "title": str(escape(page.title)),
                "description": str(escape(page.description)),
                # Tags pages; search weighs tags far above body text (see search.py).
                "tags": [str(escape(tag)) for tag in tags_of(module)],
                "search": {"boost": 2},
            }
            kept = (page, with_front_matter(file, meta).content_string)
            if plugin.cache_in_use:
                plugin.front_matter[module_id] = kept
        file.content_string = f"{kept[1]}\n{page.markdown}"
        files.append(file)
    plugin.module_pages = {
        plugin.page_file(module_id).src_uri: page for module_id, page in result.pages.items()
    }
    for module_id in plugin.cache.reused if plugin.cache_in_use else []:
        file = plugin.page_file(module_id)
        if isinstance(file, GeneratedPageFile):
            file.unchanged = plugin.unchanged(file)
    nav = module_nav(plugin, list(result.pages))
    fill_nav(config, plugin.config.nav_section, nav, plugin.config.nav)


def module_nav(plugin: PeerkitPlugin, module_ids: list[str]) -> list[Any]:
    """The module pages for the nav: flat, or in groups (`nav_groups`, peerkit.navgroups), so
    that with `navigation.prune` a page's nav lists only its own group's modules."""
    assert plugin.curriculum is not None
    how = cast("str | dict[str, list[str]]", plugin.config.nav_groups)
    if isinstance(how, dict):
        for module_id in unknown_ids(plugin.curriculum.modules, how):
            log.warning(f"nav_groups: no module '{module_id}' in the curriculum")
    elif how not in ("auto", "none", "theme", "title"):
        log.warning(f"nav_groups: '{how}' is not auto, none, theme or title")
    uri = {module_id: plugin.page_file(module_id).src_uri for module_id in module_ids}
    modules = [m for m in plugin.curriculum.modules if m.id in uri]
    groups = nav_groups(modules, how, plugin.config.nav_group_size)
    if groups is None:
        return [uri[m.id] for m in modules]
    # A group's title may be a module's theme, from front-matter: the theme's navigation
    # templates write a section title unescaped, so escape it here, as page titles are.
    return [{str(escape(title)): [uri[m.id] for m in members]} for title, members in groups]


def add_session_pages(plugin: PeerkitPlugin, config: MkDocsConfig, files: Files) -> None:
    """A page per session plan: its running order, linked to activities, and its packs."""
    assert plugin.curriculum is not None and plugin.renderer is not None
    if plugin.packs_enabled:
        plugin.sessions = sessions_of(plugin.curriculum, plugin.plans, plugin.settings)
    else:  # a module's own session is for its packs only: the plans' pages need the plans'
        plugin.sessions = [
            plan_session(p, plugin.curriculum, plugin.settings) for p in plugin.plans
        ]
    plugin.session_pages = {}
    for session in (s for s in plugin.sessions if s.source == "session"):
        src_uri = f"{plugin.config.sessions_path.strip('/')}/{session.id}.md"
        meta = {"title": str(escape(session.title))}
        if session.summary:
            meta["description"] = str(escape(session.summary))
        file = generated_page(config, src_uri, meta)
        files.append(file)
        downloads = plugin.downloads(file.url, [(p.label, p.path) for p in packs_for(session)])
        plugin.session_pages[src_uri] = session_page(
            plugin.renderer, session, plugin.link_from(file.url), downloads
        )
    nav = plugin.config.nav
    fill_nav(config, plugin.config.sessions_nav_section, list(plugin.session_pages), nav)


def add_browse_pages(plugin: PeerkitPlugin, config: MkDocsConfig, files: Files) -> None:
    """Catalogue, activity library, reflection bank, module map, planner (and tags)."""
    assert plugin.curriculum is not None and plugin.renderer is not None
    base = plugin.config.browse_path.strip("/")
    plugin.browse_pages = {}
    uris = {page.name: f"{base}/{page.name}.md" for page in BROWSE_PAGES}
    planner = File.generated(config, uris["planner"], content="")
    for page in BROWSE_PAGES:
        meta = {
            "title": page.title,
            "description": page.description,
            "search": {"exclude": True},  # the module pages are what search should find
            "hide": ["toc"],
        }
        file = generated_page(config, uris[page.name], meta)
        files.append(file)
        # Only the modules' front-matter reaches a browse page: while serving, an edit to a
        # module's text leaves them as they were.
        assets = get_relative_url("index.html", file.url).removesuffix("index.html")
        links = get_relative_url(planner.url, file.url)
        cards = plugin.config.browse_cards
        key = digest(plugin.cache.fronts, plugin.setting, file.url, assets, links, str(cards))
        kept = plugin.browse_kept.get(file.src_uri) if plugin.cache_in_use else None
        if kept is not None and kept[0] == key and isinstance(file, GeneratedPageFile):
            file.unchanged = plugin.unchanged(file)
        else:
            html = browse_page(
                plugin.renderer,
                page,
                plugin.link_from(file.url),
                assets=assets,
                planner=links,
                cards=cards,
            )
            kept = (key, html)
            if plugin.cache_in_use:
                plugin.browse_kept[file.src_uri] = kept
        plugin.browse_pages[file.src_uri] = kept[1]
    pages = list(plugin.browse_pages)
    if any(name in config.plugins for name in ("material/tags", "tags")):
        tags = generated_page(
            config,
            f"{base}/tags.md",
            {"title": "Tags", "search": {"exclude": True}},
            "Modules by theme and by value. Each module page lists its own tags too.\n\n"
            "<!-- material/tags -->\n",
        )
        files.append(tags)
        pages.append(tags.src_uri)
    fill_nav(config, plugin.config.browse_nav_section, pages, plugin.config.nav)


def fill_nav(config: MkDocsConfig, title: str, pages: list[Any], add: bool) -> None:
    """With an explicit nav, list `pages` under the section `title` (kept in its place); a
    section the nav does not name is added only when `add` (the `nav` setting)."""
    if config.nav is None or not pages:
        return
    for item in config.nav:
        if isinstance(item, dict) and title in item:
            existing = item[title] if isinstance(item[title], list) else [item[title]]
            kept = [e for e in existing if e not in pages]
            item[title] = kept + pages
            return
    if add:
        config.nav.append({title: pages})


PAGE_RENDER_BUDGET = 10
"""Seconds Markdown may take over one module page (the reference modules take about 0.01 s)."""


def finish_module_page(
    plugin: PeerkitPlugin, rendered: RenderedModule, html: str, page: Page
) -> str:
    """A module page's HTML from Markdown's: stopped if it took too long to convert, the
    author's HTML cleaned, peerkit's fragments in their slots, its table of contents."""
    started = plugin._render_started.pop(page.file.src_uri, None)
    took = time.perf_counter() - started if started is not None else 0.0
    if took > PAGE_RENDER_BUDGET:
        # The body's limits (peerkit.bodylimits) should make this impossible; if a page
        # still finds a slow path through Markdown, say which module it was.
        source = rendered.source
        too_slow = Finding(
            source.path,
            source.body_line,
            f"the page of module '{source.module.id}' took {took:.1f} s to convert, more "
            f"than the {PAGE_RENDER_BUDGET} s a page may take: simplify its text (fewer "
            "brackets, less nesting)",
        )
        findings_log.error(too_slow.format())
        raise PluginError(f"peerkit: module '{source.module.id}' is too slow to build")
    # Cleans the author's HTML and puts peerkit's fragments into their slots.
    try:
        html = rendered.finish(html)
    except PageError as exc:
        for finding in exc.findings:
            findings_log.error(finding.format())
        raise PluginError(f"peerkit: {summary(exc.findings, 1)}") from None
    if not plugin.cache_in_use:
        # Done with: a build of 1,000 modules would otherwise hold every page twice.
        rendered.fragments, rendered.markdown = {}, ""
    page.toc = toc_from_html(html)
    return html
