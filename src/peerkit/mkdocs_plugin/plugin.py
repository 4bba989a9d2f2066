"""The `peerkit` MkDocs plugin: a dispatcher from MkDocs events to peerkit's core.

Per build it checks the project once (`peerkit.project`), stops the build on any error (each
reported as `path:line: message`), and adds the generated pages (`pages`), the files the site
serves (`assets`) and, after the build, the weighed search index, header files and PDF packs
(`postbuild`). This module holds the events only.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from mkdocs.utils.templates import TemplateContext

from peerkit.incremental import BuildCache, digest
from peerkit.mkdocs_plugin import assets, configure, dirty, pages, postbuild, runmode
from peerkit.mkdocs_plugin.config import PeerkitConfig
from peerkit.mkdocs_plugin.postbuild import Progress
from peerkit.mkdocs_plugin.search import drop_unused_text
from peerkit.mkdocs_plugin.toc import toc_from_html
from peerkit.model import Curriculum
from peerkit.packs.prints import SITE_PRINTS
from peerkit.project import Project
from peerkit.render import Download, Link, RenderedModule, Renderer
from peerkit.render.safetylinks import link_procedures
from peerkit.sessions.model import PlanFile
from peerkit.sessions.view import Session
from peerkit.site import SiteSettings


class PeerkitPlugin(BasePlugin[PeerkitConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.curriculum: Curriculum | None = None
        self.renderer: Renderer | None = None
        self._page_files: dict[str, File] = {}
        self.module_pages: dict[str, RenderedModule] = {}
        self._mkdocs_config: MkDocsConfig | None = None
        self.settings = SiteSettings()
        self.project = Project(Path("mkdocs.yml"), Path("modules"), Path("sessions"))
        self.plans: list[PlanFile] = []
        self.sessions: list[Session] = []
        self.session_pages: dict[str, str] = {}
        self.browse_pages: dict[str, str] = {}
        self.run_links: dict[str, list[tuple[str | None, str]]] = {}
        self.planner_uri: str | None = None
        self._mkdocs_site_name = ""
        self._content_scripts: set[str] = set()
        self._render_started: dict[str, float] = {}
        self._pages_done: Progress | None = None
        self._folders: list[str] = []
        self._safety_file: File | None = None
        self._serving = False
        self._dirty = False
        # Kept while `mkdocs serve` runs (MkDocs keeps a plugin with on_startup between
        # builds): an edit re-checks and re-renders only the module and what shows it.
        self.cache = BuildCache()
        self.setting = ""
        self.synonyms_memo: dict[tuple[str, ...], str] = {}
        self.front_matter: dict[str, tuple[RenderedModule, str]] = {}
        self.browse_kept: dict[str, tuple[str, str]] = {}
        self.index_kept: tuple[str, tuple[str, ...]] | None = None
        # Run pages while serving: (key, [(path, html, page url, label)]) (see runmode.py).
        self.run_kept: tuple[str, list[tuple[str, str, str | None, str | None]]] | None = None
        self.site_shape: str | None = None  # under `serve --dirty` (mkdocs_plugin.dirty)
        self.site_fronts = ""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `mkdocs serve` adds an inline live-reload script to every page it serves, which a
        # policy in the page would block: pages built for serving carry none.
        self._serving = command == "serve"
        self._dirty = dirty

    # --- configuration and loading ----------------------------------------------------

    def site_path(self, config: MkDocsConfig, option: str) -> Path:
        """A folder named by one of the plugin's options, relative to `mkdocs.yml`."""
        return configure.site_path(self.config, config, option)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if self.config.enabled:
            configure.configure(self, config)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        self._mkdocs_config, self._page_files = config, {}
        checked = configure.check_project(self, config)
        result, self.plans = checked.result, checked.plans
        self.curriculum = result.curriculum
        self.renderer = result.renderer
        if self._dirty and self._serving:
            dirty.keep_site_right(self, config, files)
        self._safety_file = files.get_file_from_path(self.config.safety_page)
        shim = configure.shim(self.config, config) if self.config.offline else None
        search = assets.peerkit_search(self, config)
        assets.add_assets(files, config, self.settings, search=search, shim=shim)
        # The index shows only the modules' front-matter: while serving, kept until it changes.
        key = digest(self.cache.fronts, self.setting)
        known = self.index_kept
        texts = known[1] if self.cache_in_use and known is not None and known[0] == key else None
        texts = assets.add_index(
            files, config, self.curriculum, self.link_from("index.html"), texts
        )
        self.index_kept = (key, texts) if self.cache_in_use else None
        pages.add_module_pages(self, config, files, result)
        pages.add_session_pages(self, config, files)
        runmode.add_run_pages(self, config, files)
        if self.config.browse:
            pages.add_browse_pages(self, config, files)
        self._folders = sorted({f.dest_uri.split("/")[0] for f in files if "/" in f.dest_uri})
        return files

    @property
    def cache_in_use(self) -> bool:
        """The build cache is used (and kept) only while serving."""
        return self._serving

    def unchanged(self, file: File) -> bool:
        """`serve --dirty`: whether `file`, a page the cache gave back, is already written."""
        return self._dirty and os.path.isfile(file.abs_dest_path)

    @property
    def packs_enabled(self) -> bool:
        """`packs` as set (`!ENV [PEERKIT_PACKS, true]` in mkdocs.yml); with `auto` (the
        default), on for `mkdocs build` and off for `mkdocs serve`, where they slow each edit."""
        if self.config.packs == "auto":
            return not self._serving
        return bool(self.config.packs)

    def downloads(self, page_url: str, paths: list[tuple[str, str]]) -> list[Download]:
        """Links from the page at `page_url` to its packs (none while packs are off)."""
        if not self.packs_enabled:
            return []
        return [(label, get_relative_url(path, page_url)) for label, path in paths]

    def safety_downloads(self, page_url: str) -> list[Download]:
        """Links from the page at `page_url` to the safety procedure, wallet cards and poster
        (none while packs are off)."""
        return self.downloads(page_url, [(item.label, item.path) for item in SITE_PRINTS])

    def page_file(self, module_id: str) -> File:
        """A module's generated page, made on first use in each build."""
        if module_id not in self._page_files:
            if self._mkdocs_config is None:
                raise PluginError("peerkit: module pages are made only during a build")
            src_uri = f"{self.config.pages_path.strip('/')}/{module_id}.md"
            self._page_files[module_id] = pages.GeneratedPageFile.generated(
                self._mkdocs_config, src_uri, content=""
            )
        return self._page_files[module_id]

    def link_from(self, page_url: str) -> Link:
        """Hrefs from the page at `page_url` to module pages (and anchors on them)."""

        hrefs: dict[str, str] = {}

        def link(module_id: str, anchor: str | None = None) -> str:
            href = hrefs.get(module_id)
            if href is None:
                target = self.page_file(module_id).url
                href = get_relative_url(target, page_url) if target != page_url else ""
                hrefs[module_id] = href
            return href + (f"#{anchor}" if anchor else "") if href or anchor else "./"

        return link

    # --- per page ---------------------------------------------------------------------

    @event_priority(-100)  # last: the clock starts just before Markdown converts the page
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if page.file.src_uri in self.module_pages:
            self._render_started[page.file.src_uri] = time.perf_counter()
        return markdown

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> None:
        if self.config.enabled:
            self._pages_done = Progress("pages", len(files.documentation_pages()))

    @event_priority(-100)  # after Material's search has indexed the page
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        if self._pages_done is not None:
            self._pages_done.step()
        rendered = self.module_pages.get(page.file.src_uri)
        entries = postbuild.material_entries(config)
        if rendered is not None and entries is not None:
            drop_unused_text(entries, page.url, rendered.source.module)
        return context

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        browse_html = self.browse_pages.get(page.file.src_uri)
        if browse_html is not None:
            return runmode.with_run_links(self, browse_html, page)
        session_html = self.session_pages.get(page.file.src_uri)
        if session_html is not None:
            page.toc = toc_from_html(session_html)
            return self._link_safety(runmode.with_run_links(self, session_html, page), page)
        rendered = self.module_pages.get(page.file.src_uri)
        if rendered is None:
            return html
        finished = pages.finish_module_page(self, rendered, html, page)
        return self._link_safety(runmode.with_run_links(self, finished, page), page)

    def _link_safety(self, html: str, page: Page) -> str:
        """Mentions of "your organisation's procedures" link to the safety page, if any."""
        if self._safety_file is None:
            return html
        return link_procedures(html, get_relative_url(self._safety_file.url, page.file.url))

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled:
            return output
        return assets.finish_page(self, output, page, config)

    def on_post_template(
        self, output_content: str, *, template_name: str, config: MkDocsConfig
    ) -> str | None:
        if not self.config.enabled or template_name != "404.html":
            return output_content
        return assets.finish_404(self, output_content, config)

    @event_priority(100)  # before the search plugin writes its index
    def _on_post_build_first(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled and self._dirty and self._serving:
            dirty.forget_rebuilt_entries(config)

    @event_priority(-100)  # after the search plugin has written its index
    def _on_post_build_last(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled:
            postbuild.post_build(self, config)

    on_post_build = CombinedEvent(_on_post_build_first, _on_post_build_last)

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer | None:
        if self.config.enabled:
            server.watch(str(self.site_path(config, "modules_dir")))
            sessions = self.site_path(config, "sessions_dir")
            if sessions.is_dir():
                server.watch(str(sessions))
        return server
