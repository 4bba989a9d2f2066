"""The `peerkit` MkDocs plugin: a dispatcher from MkDocs events to peerkit's core.

Per build it checks the project once (`peerkit.project`), stops the build on any error (each
reported as `path:line: message`), and adds the generated pages (`pages`), the files the site
serves (`assets`) and, after the build, the weighed search index, header files and PDF packs
(`postbuild`). This module holds the events only.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from markupsafe import escape
from material.plugins.tags import tag_name, tag_name_casefold  # type: ignore[import-untyped]
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from mkdocs.utils.templates import TemplateContext

from peerkit.findings import Finding, Severity, errors, summary
from peerkit.headers import inline_scripts, outside_fetches
from peerkit.mkdocs_plugin import assets, pages, postbuild, runmode
from peerkit.mkdocs_plugin.assets import (
    BRAND_STYLESHEET,
    PRINT_STYLESHEET,
    SCRIPT,
    STYLESHEET,
    TOOLTIPS,
)
from peerkit.mkdocs_plugin.config import PeerkitConfig
from peerkit.mkdocs_plugin.log import findings as findings_log
from peerkit.mkdocs_plugin.log import log, notice
from peerkit.mkdocs_plugin.postbuild import Progress
from peerkit.mkdocs_plugin.search import synonym_problems
from peerkit.mkdocs_plugin.toc import toc_from_html
from peerkit.model import Curriculum
from peerkit.npm import packaged_shim
from peerkit.packs.build import module_pack_paths
from peerkit.packs.prints import SITE_PRINTS
from peerkit.privacy import config_findings
from peerkit.project import Project
from peerkit.reference import unknown_message
from peerkit.render import Download, Link, PageError, RenderedModule, Renderer
from peerkit.render.safetylinks import link_procedures
from peerkit.safefiles import linked_outside
from peerkit.sessions.model import PlanFile
from peerkit.sessions.view import Session
from peerkit.site import STALE_MARK, SiteSettings

PAGE_RENDER_BUDGET = 10
"""Seconds Markdown may take over one module page (the reference modules take about 0.01 s)."""


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

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `mkdocs serve` adds an inline live-reload script to every page it serves, which a
        # policy in the page would block: pages built for serving carry none.
        self._serving = command == "serve"

    # --- configuration ----------------------------------------------------------------

    def site_path(self, config: MkDocsConfig, option: str) -> Path:
        """A folder named by one of the plugin's options, relative to `mkdocs.yml`."""
        return Path(config.config_file_path or ".").parent / str(self.config[option])

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        self._mkdocs_site_name = config.site_name
        self._content_scripts = set()
        self.settings = self._settings(config)
        problems = synonym_problems(self.config.synonyms)
        for problem in problems:
            findings_log.error(f"mkdocs.yml: plugins.peerkit.{problem}")
        if problems:
            raise PluginError("peerkit: its settings in mkdocs.yml are not valid")
        # Material writes the site's name into pages unescaped, except in one attribute that
        # it escapes itself. Escape what could make markup (< > "); leave & and ' alone, so a
        # name like "Hope & Co's" is never shown as "&amp;" in that attribute.
        config.site_name = assets.attribute_safe(config.site_name)
        if config.site_description:
            config.site_description = assets.attribute_safe(config.site_description)
        self._brand(config)
        if config.config_file_path:
            # Settings that reach other sites, some only from the theme's script (repo_url):
            # the same findings as `peerkit check`, so check and build agree.
            for finding in config_findings(Path(config.config_file_path)):
                log.warning(finding.format(root=Path(config.config_file_path).parent))
        if not self.settings.signposting:
            log.warning(
                "plugins.peerkit.signposting is empty: module pages and packs will "
                "have no list of other support services"
            )
        if self.config.every_page_assets:
            if STYLESHEET not in config.extra_css:
                config.extra_css.insert(0, STYLESHEET)
            if SCRIPT not in [str(script) for script in config.extra_javascript]:
                # Only for printing: never in the way of the first paint.
                script = ExtraScriptValue(SCRIPT)
                script.defer = True
                config.extra_javascript.append(script)
        # Before the theme's script, so no tooltip is ever made from markup: on every page,
        # because module titles reach every page's navigation.
        polyfills = [p for p in config.extra.get("polyfills") or [] if p != TOOLTIPS]
        config.extra["polyfills"] = [TOOLTIPS, *polyfills]
        if self.config.offline:
            self._offline(config)
        tags = config.plugins.get("material/tags") or config.plugins.get("tags")
        if tags is not None and tags.config.get("tags_sort_by") is tag_name:
            # The tags page in alphabetical order, whatever the case ("boundaries" after
            # "Authenticity", not after every capital).
            tags.config["tags_sort_by"] = tag_name_casefold
        return config

    def _settings(self, config: MkDocsConfig) -> SiteSettings:
        """The organisation's settings, through the project's one translator (each mistake
        at its line in mkdocs.yml, worded as `peerkit check` words it)."""
        options = {key: value for key, value in self.config.items() if value is not None}
        options.setdefault("organisation", self._mkdocs_site_name)
        config_file = Path(config.config_file_path or "mkdocs.yml")
        self.project = Project.from_config(
            config_file,
            options,
            modules_dir=self.site_path(config, "modules_dir"),
            sessions_dir=self.site_path(config, "sessions_dir"),
        )
        root = config_file.parent
        if not self.project.settings_valid:
            for finding in self.project.settings_findings:
                findings_log.error(finding.format(root))
            raise PluginError("peerkit: its settings in mkdocs.yml are not valid")
        for finding in self.project.settings_findings:
            if finding.severity is Severity.error:
                # `safety: required`: a strict build stops until the settings are given.
                findings_log.warning(finding.format(root))
            else:
                # Worth fixing, but never a reason to stop a group publishing its site.
                notice(finding.format(root))
        return self.project.settings

    def _brand(self, config: MkDocsConfig) -> None:
        """The organisation's colours (checked for contrast) and its footer line."""
        brand = self.settings.brand
        if brand is not None:
            for finding in self.project.brand_findings():  # as `peerkit check` reports them
                log.warning(finding.format(self.project.root))
            if self.config.every_page_assets and BRAND_STYLESHEET not in config.extra_css:
                config.extra_css.append(BRAND_STYLESHEET)
        if not self.config.footer:
            return
        if config.copyright is None and (self.settings.licence or self.settings.organisation):
            # Material writes the copyright line as HTML: escape what goes into it.
            parts = [f"{self.settings.organisation}." if self.settings.organisation else ""]
            parts.append(" ".join((self.settings.licence or "").split()))
            config.copyright = str(escape(" ".join(p for p in parts if p)))

    def _offline(self, config: MkDocsConfig) -> None:
        """Search from a folder (file://): Material's search runs in a Web Worker, which
        browsers refuse there; the iframe-worker shim stands in, served by the site itself."""
        shim = self._shim(config)
        if not shim.is_file():
            raise PluginError(
                f"peerkit: {shim} is missing. Search from a folder (file://) needs the "
                "iframe-worker shim: run `make setup` (or `npm ci`), or set `offline: false`"
            )
        # search.js loads the shim, from a folder only (never in <head>, never over http).
        if config.use_directory_urls:
            log.warning(
                "offline is on but use_directory_urls is true: links between pages "
                "will not open from a folder. Set `use_directory_urls: false` in mkdocs.yml"
            )

    def _shim(self, config: MkDocsConfig) -> Path:
        """The site's own copy of the shim (node_modules/), or else the one in peerkit's wheel."""
        shim = self.site_path(config, "search_shim")
        default = PeerkitConfig.search_shim.default
        if not shim.is_file() and self.config.search_shim == default:
            return packaged_shim() or shim
        return shim

    # --- loading and generating pages -------------------------------------------------

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        self._refuse_outside_links(config)
        custom_dir = config.theme.custom_dir
        template_dirs = [Path(custom_dir) / "peerkit"] if custom_dir else []
        self._mkdocs_config, self._page_files = config, {}
        if self.project.unknown_reference:
            raise PluginError(f"peerkit: {unknown_message(self.project.unknown_reference)}")
        checked = self.project.check(
            config=False,  # mkdocs.yml's findings were reported by on_config
            template_dirs=template_dirs,
            link_for=lambda module_file: self.link_from(self.page_file(module_file.module.id).url),
            downloads_for=lambda module_file: self.downloads(
                self.page_file(module_file.module.id).url,
                module_pack_paths(module_file.module),
            ),
        )
        result, self.plans = checked.result, checked.plans
        for finding in checked.findings:
            if finding.severity is Severity.error:
                findings_log.error(finding.format())
            elif STALE_MARK in finding.message:
                notice(finding.format())  # a year-old number should not stop a build
            else:
                findings_log.warning(finding.format())
        if errors(checked.findings):
            raise PluginError(
                f"peerkit: {summary(checked.findings, checked.files_checked, 'file')}"
            )

        self.curriculum = result.curriculum
        self.renderer = result.renderer
        self._safety_file = files.get_file_from_path(self.config.safety_page)
        assets.add_assets(
            files,
            config,
            self.settings,
            search=self._peerkit_search(config),
            shim=self._shim(config) if self.config.offline else None,
        )
        assets.add_index(files, config, self.curriculum, self.link_from("index.html"))
        pages.add_module_pages(self, config, files, result)
        pages.add_session_pages(self, config, files)
        runmode.add_run_pages(self, config, files)
        if self.config.browse:
            pages.add_browse_pages(self, config, files)
        self._folders = sorted({f.dest_uri.split("/")[0] for f in files if "/" in f.dest_uri})
        return files

    def _refuse_outside_links(self, config: MkDocsConfig) -> None:
        """Stop before MkDocs publishes a file that a link in docs/ or overrides/ brings in
        from outside the project (or hangs reading a named pipe there)."""
        root = Path(config.config_file_path or ".").absolute().parent
        folders = [Path(config.docs_dir)]
        if config.theme.custom_dir:
            folders.append(Path(config.theme.custom_dir))
        found = [
            finding
            for folder in folders
            for finding in linked_outside(folder, root, f"{_relative(folder, root)}/")
        ]
        for finding in found:
            findings_log.error(finding.format())
        if found:
            raise PluginError(
                f"peerkit: {summary(found, len(found), 'file')} "
                "The site is built only from files inside the project."
            )

    @property
    def packs_enabled(self) -> bool:
        return bool(self.config.packs)  # `!ENV [PEERKIT_PACKS, true]` in mkdocs.yml

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
            self._page_files[module_id] = File.generated(self._mkdocs_config, src_uri, content="")
        return self._page_files[module_id]

    def link_from(self, page_url: str) -> Link:
        """Hrefs from the page at `page_url` to module pages (and anchors on them)."""

        def link(module_id: str, anchor: str | None = None) -> str:
            target = self.page_file(module_id).url
            href = get_relative_url(target, page_url) if target != page_url else ""
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

    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        if self._pages_done is not None:
            self._pages_done.step()
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
        started = self._render_started.pop(page.file.src_uri, None)
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
        page.toc = toc_from_html(html)
        return self._link_safety(runmode.with_run_links(self, html, page), page)

    def _link_safety(self, html: str, page: Page) -> str:
        """Mentions of "your organisation's procedures" link to the safety page, if any."""
        if self._safety_file is None:
            return html
        return link_procedures(html, get_relative_url(self._safety_file.url, page.file.url))

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """peerkit's pages (every page, with `headers`) ask browsers to send no referrer, wherever
        the site is hosted (even from a folder, where there are no server headers); its pages
        (every page, with `privacy_check`) are checked for anything loaded from elsewhere."""
        if not self.config.enabled:
            return output
        where = page.file.src_uri
        own = self._is_own(page)
        assets.check_tooltip_guard(output, where)  # every page: module titles reach every nav
        if own and not self.config.every_page_assets:
            output = assets.link_assets(output, page.url, self.settings.brand is not None)
        checked = own or self.config.privacy_check
        for script in inline_scripts(page.content or ""):
            self._content_scripts.add(script)  # the headers' CSP lists every page's scripts
            if not (checked and self.config.headers):
                continue
            log.warning(
                f"{where} has an inline <script>, which the site's "
                "Content-Security-Policy will not run: put it in a file under extra_javascript"
            )
        if checked:
            # The whole page when the site asks for the check, else what peerkit wrote into it.
            looked_at = output if self.config.privacy_check else (page.content or "")
            for address in sorted(set(outside_fetches(looked_at))):
                log.warning(
                    f"{where} loads {address} from another site, so the privacy statement "
                    "would not be true: serve it from this site instead"
                )
        if own or self.config.headers:
            # peerkit's pages ask browsers to send no referrer; the host's too with `headers`.
            output = assets.with_referrer_meta(output)
        return self._page_extras(output, page, config)

    def _page_extras(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """A skip link, a named search dialog and the print stylesheet on peerkit's pages (every
        page with `every_page_assets`), and peerkit's search on every page if it is wanted."""
        if self._is_own(page) or self.config.every_page_assets:
            output = assets.with_skip_link(output)
            output = assets.named_search_dialog(output)
            output = assets.with_print_stylesheet(
                output, get_relative_url(PRINT_STYLESHEET, page.url)
            )
        if self._peerkit_search(config):
            output = assets.search_scripts(output, page.url, self.config.offline)
        return output

    def _peerkit_search(self, config: MkDocsConfig) -> bool:
        """peerkit's search (stemming, synonyms, and from a folder with `offline`) in place of
        Material's, on every page alike: with `every_page_assets` or `offline`."""
        wanted = self.config.every_page_assets or self.config.offline
        return wanted and _search_enabled(config)

    def on_post_template(
        self, output_content: str, *, template_name: str, config: MkDocsConfig
    ) -> str | None:
        """The 404 page: Material writes its links from the server's root (`/assets/…`),
        which breaks when the site lives under a sub-path (`/our-site/`) and the server sends
        404.html for a missing page there. Unless `site_url` says where the site lives, its
        links are written relative to the site's root, and a small script sets `<base>` to
        that root, found from the address asked for."""
        if not self.config.enabled or template_name != "404.html":
            return output_content
        if not (self.config.every_page_assets or self.config.offline):
            return output_content  # the host's own 404 page, as it was
        output = output_content
        if not config.site_url:
            output = assets.relative_404(output, self._folders)
        output = assets.with_referrer_meta(output)
        output = assets.with_skip_link(output)
        output = assets.named_search_dialog(output)
        output = assets.with_print_stylesheet(output, PRINT_STYLESHEET)
        if _search_enabled(config):
            output = assets.search_scripts(output, "404.html", self.config.offline)
        return output

    def _is_own(self, page: Page) -> bool:
        """A page peerkit made: a module, session or browse page (or the tags page)."""
        uri = page.file.src_uri
        if uri in self.module_pages or uri in self.session_pages or uri in self.browse_pages:
            return True
        return self.config.browse and uri == f"{self.config.browse_path.strip('/')}/tags.md"

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Weigh the search index (and write it as a script for file://), write the header
        files, and every pack into the site, rendering only what the cache does not hold."""
        if not self.config.enabled:
            return
        site_dir = Path(config.site_dir)
        if self.curriculum is not None:
            module_urls = {self.page_file(m.id).url: m for m in self.curriculum.modules}
            postbuild.weigh_search_index(
                site_dir, module_urls, self.config.synonyms, self.config.offline
            )
        if self.config.headers:
            shim = self._shim(config) if self.config.offline else None
            postbuild.write_headers(site_dir, self._content_scripts, shim, self._serving)
        if not self.packs_enabled or self.curriculum is None:
            return
        custom_dir = config.theme.custom_dir
        postbuild.build_site_packs(
            self.sessions,
            site_dir,
            Path(config.config_file_path or ".").parent / self.config.cache_dir,
            self.settings,
            template_dirs=[Path(custom_dir) / "peerkit"] if custom_dir else [],
            paper=self.config.paper,
            card_sets=self.config.card_sets,
            sources=self.curriculum.files,
        )

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer | None:
        if self.config.enabled:
            server.watch(str(self.site_path(config, "modules_dir")))
            sessions = self.site_path(config, "sessions_dir")
            if sessions.is_dir():
                server.watch(str(sessions))
        return server


def _search_enabled(config: MkDocsConfig) -> bool:
    return any(name in config.plugins for name in ("material/search", "search"))


def _relative(folder: Path, root: Path) -> str:
    try:
        return folder.absolute().relative_to(root).as_posix()
    except ValueError:
        return folder.as_posix()
