"""Run mode in a build (peerkit.runmode): a run page per module (and version) and session
plan, one for the planner's plan, their script and styles, and the links from the pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

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

    sessions = plugin.sessions
    if not any(s.source == "module" for s in sessions):
        # Without packs the build makes only the plans' sessions; run mode wants every module.
        sessions = sessions_of(plugin.curriculum, plugin.plans, plugin.settings)
    plugin.run_links = {}
    for run in run_pages(sessions, plugin.settings, page_url):
        files.append(WrittenOnce.generated(config, run.path, content=run.html))
        plugin.run_links.setdefault(run.page_url, []).append((run.label, run.path))
    plugin.planner_uri = None
    if plugin.config.browse:
        plugin.planner_uri = f"{plugin.config.browse_path.strip('/')}/planner.md"
        planner = File.generated(config, plugin.planner_uri, content="")
        plan = plan_page(plugin.curriculum, plugin.settings, planner.url)
        files.append(WrittenOnce.generated(config, plan.path, content=plan.html))
    for path, source in assets().items():
        files.append(File.generated(config, path, abs_src_path=source))


def with_run_links(plugin: PeerkitPlugin, html: str, page: Page) -> str:
    """A module's, session's or the planner's page with its links to run mode."""
    if page.file.src_uri == plugin.planner_uri:
        return with_plan_run_link(html, page.file.url)
    runs = plugin.run_links.get(page.file.url)
    return with_run_link(html, page.file.url, runs) if runs else html
