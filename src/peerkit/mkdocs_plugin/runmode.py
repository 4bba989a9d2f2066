"""Run mode in a build (peerkit.runmode): a run page per module (and version) and session
plan, one for the planner's plan, their script and styles, and the links from the pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from peerkit.incremental import digest
from peerkit.mkdocs_plugin.assets import WrittenOnce
from peerkit.runmode.site import assets, plan_page, run_pages, with_plan_run_link, with_run_link
from peerkit.sessions.view import Session, sessions_of

if TYPE_CHECKING:
    from peerkit.mkdocs_plugin.plugin import PeerkitPlugin


def add_run_pages(plugin: PeerkitPlugin, config: MkDocsConfig, files: Files) -> None:
    """Run mode for every session the build has (after `add_session_pages`), and for the
    planner's plan when the browse pages are on."""
    assert plugin.curriculum is not None
    sessions_path = plugin.config.sessions_path.strip("/")

    def page_url(session: Session) -> str:
        if session.source == "session":
            file = files.get_file_from_path(f"{sessions_path}/{session.id}.md")
            if file is not None:
                return file.url
        # A module's version runs from the module's own page.
        module = session.modules[0].id if session.modules else session.id
        return plugin.page_file(module).url

    plugin.planner_uri = None
    if plugin.config.browse:
        plugin.planner_uri = f"{plugin.config.browse_path.strip('/')}/planner.md"
    # Run pages show only structured data (modules' front-matter, the plans, the settings):
    # while serving, an edit to a module's text leaves them as they were.
    key = digest(
        plugin.cache.fronts,
        plugin.setting,
        *(repr(plan.plan) + repr(plan.ideas) for plan in plugin.plans),
        repr(sorted(plugin.config.items())),
        str(config.use_directory_urls),
    )
    kept = plugin.run_kept if plugin.cache_in_use else None
    if kept is None or kept[0] != key:
        sessions = plugin.sessions
        if not any(s.source == "module" for s in sessions):
            # Without packs the build makes only the plans' sessions; run mode wants every
            # module.
            sessions = sessions_of(plugin.curriculum, plugin.plans, plugin.settings)
        made: list[tuple[str, str, str | None, str | None]] = [
            (run.path, run.html, run.page_url, run.label)
            for run in run_pages(sessions, plugin.settings, page_url)
        ]
        if plugin.planner_uri is not None:
            planner = File.generated(config, plugin.planner_uri, content="")
            plan = plan_page(plugin.curriculum, plugin.settings, planner.url)
            made.append((plan.path, plan.html, None, None))
        kept = (key, made)
        plugin.run_kept = kept if plugin.cache_in_use else None
    plugin.run_links = {}
    for path, html, url, label in kept[1]:
        files.append(WrittenOnce.generated(config, path, content=html))
        if url is not None:
            plugin.run_links.setdefault(url, []).append((label, path))
    for path, source in assets().items():
        files.append(File.generated(config, path, abs_src_path=source))


def with_run_links(plugin: PeerkitPlugin, html: str, page: Page) -> str:
    """A module's, session's or the planner's page with its links to run mode."""
    if page.file.src_uri == plugin.planner_uri:
        return with_plan_run_link(html, page.file.url)
    runs = plugin.run_links.get(page.file.url)
    return with_run_link(html, page.file.url, runs) if runs else html
