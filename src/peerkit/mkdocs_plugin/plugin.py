"""The `peerkit` MkDocs plugin: a dispatcher from MkDocs events to peerkit's core.

Per build it checks the curriculum once, stops the build on any error (each reported as
`path:line: message`), and adds one generated page per module. Module pages carry
`render_macros: false` so mkdocs-macros, whose Jinja is not sandboxed, never renders them.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from pathlib import Path
from typing import Any

import yaml
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

from peerkit.browse import curriculum_index, index_json, index_script
from peerkit.colour import brand_css, brand_problems
from peerkit.curriculum import check_folder
from peerkit.findings import Finding, Severity, errors, summary
from peerkit.headers import inline_scripts, outside_fetches, write_server_configs
from peerkit.mkdocs_plugin.config import PeerkitConfig
from peerkit.mkdocs_plugin.search import synonym_problems, tags_of, weigh
from peerkit.mkdocs_plugin.toc import toc_from_html
from peerkit.model import Curriculum
from peerkit.npm import packaged_shim
from peerkit.packs.build import (
    SET_LETTERS,
    CardsDoNotFit,
    build_packs,
    module_pack_paths,
    packs_for,
)
from peerkit.packs.prints import SITE_PRINTS, build_site_prints
from peerkit.privacy import config_findings
from peerkit.reference import choose, own_modules, unknown_message
from peerkit.render import Download, Link, PageError, RenderedModule, Renderer
from peerkit.render.browse import BROWSE_PAGES, browse_page
from peerkit.render.modulemap import MAP_CSS
from peerkit.render.safetylinks import link_procedures
from peerkit.runmode.site import assets as run_assets
from peerkit.runmode.site import plan_page, run_pages, with_plan_run_link, with_run_link
from peerkit.safefiles import linked_outside
from peerkit.sessions.checks import check_plans
from peerkit.sessions.model import PlanFile
from peerkit.sessions.view import Session, session_page, sessions_of
from peerkit.site import (
    STALE_MARK,
    SiteSettings,
    option_lines,
    resolve_logo,
    settings_problems,
    settings_warnings,
)

log = logging.getLogger("mkdocs.plugins.peerkit")
_notices = logging.getLogger("peerkit.notices")
"""Warnings a strict build lets through (MkDocs counts only those under `mkdocs.`)."""


def notice(message: str) -> None:
    """Print a warning that does not fail `mkdocs build --strict`."""
    if not _notices.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("WARNING -  %(message)s"))
        _notices.addHandler(handler)
    _notices.warning(message)


STYLESHEET = "assets/peerkit/peerkit.css"
SCRIPT = "assets/peerkit/peerkit.js"
BROWSE_SCRIPTS = ("assets/peerkit/browse.js", "assets/peerkit/planner.js")
INDEX = "assets/peerkit/index"  # .json for tools, .js for pages opened from a folder
SHIM = "assets/peerkit/iframe-worker.js"
TOOLTIPS = "assets/peerkit/text-tooltips.js"
"""Makes Material's tooltips text only; loads in <head>, before the theme's script."""
SEARCH_LOADER = "search.js"  # written inline into each page, before Material's bundle
# Beside Material's own worker, so the paths Material's worker builds from its own address
# (its lunr language files) stay right.
SEARCH_WORKER = "assets/javascripts/workers/peerkit-search.js"
_MATERIAL_WORKER = re.compile(
    r'("search":\s*")([^"]*?)assets/javascripts/workers/search\.[0-9a-f]+\.min\.js"'
)
_MATERIAL_BUNDLE = re.compile(
    r'<script src="([^"]*?)assets/javascripts/bundle\.[0-9a-f]+\.min\.js"></script>'
)
BRAND_STYLESHEET = "assets/peerkit/brand.css"
PRINT_STYLESHEET = "assets/peerkit/peerkit-print.css"
REFERRER_META = '<meta name="referrer" content="no-referrer">'
_ASSETS = Path(__file__).parent.parent / "render" / "assets"
PAGE_RENDER_BUDGET = 10
"""Seconds Markdown may take over one module page (the reference modules take about 0.01 s)."""


class PeerkitPlugin(BasePlugin[PeerkitConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.curriculum: Curriculum | None = None
        self.renderer: Renderer | None = None
        self._page_files: dict[str, File] = {}
        self._module_pages: dict[str, RenderedModule] = {}
        self._mkdocs_config: MkDocsConfig | None = None
        self.settings = SiteSettings()
        self.plans: list[PlanFile] = []
        self.sessions: list[Session] = []
        self._session_pages: dict[str, str] = {}
        self._run_links: dict[str, list[tuple[str | None, str]]] = {}
        self._planner_uri: str | None = None
        self._browse_pages: dict[str, str] = {}
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
            log.error(f"mkdocs.yml: plugins.peerkit.{problem}")
        if problems:
            raise PluginError("peerkit: its settings in mkdocs.yml are not valid")
        # Material writes the site's name into pages unescaped, except in one attribute that
        # it escapes itself. Escape what could make markup (< > "); leave & and ' alone, so a
        # name like "Hope & Co's" is never shown as "&amp;" in that attribute.
        config.site_name = _attribute_safe(config.site_name)
        if config.site_description:
            config.site_description = _attribute_safe(config.site_description)
        self._brand(config)
        if config.config_file_path:
            # Settings that reach other sites, some only from the theme's script (repo_url):
            # the same findings as `peerkit check`, so check and build agree.
            for finding in config_findings(Path(config.config_file_path)):
                log.warning(f"peerkit: {finding.format(root=Path(config.config_file_path).parent)}")
        if not self.settings.signposting:
            log.warning(
                "peerkit: plugins.peerkit.signposting is empty: module pages and packs will "
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

    def _brand(self, config: MkDocsConfig) -> None:
        """The organisation's colours (checked for contrast) and its footer line."""
        brand = self.settings.brand
        if brand is not None:
            for key, problem in brand_problems(brand):
                log.warning(f"peerkit: plugins.peerkit.brand.{key}: {problem}")
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
                "peerkit: offline is on but use_directory_urls is true: links between pages "
                "will not open from a folder. Set `use_directory_urls: false` in mkdocs.yml"
            )

    def _shim(self, config: MkDocsConfig) -> Path:
        """The site's own copy of the shim (node_modules/), or else the one in peerkit's wheel."""
        shim = self.site_path(config, "search_shim")
        default = PeerkitConfig.search_shim.default
        if not shim.is_file() and self.config.search_shim == default:
            return packaged_shim() or shim
        return shim

    def _settings(self, config: MkDocsConfig) -> SiteSettings:
        given = {
            key: self.config[key]
            for key in (
                "organisation",
                "signposting_intro",
                "signposting",
                "contact",
                "licence",
                "brand",
                "safety",
                "local_support",
            )
            if self.config[key] is not None
        }
        given.setdefault("organisation", self._mkdocs_site_name)
        try:
            given["logo"] = resolve_logo(
                self.config.logo,
                Path(config.config_file_path or ".").parent,
                Path(config.docs_dir),
                config.theme.get("logo"),
            )
        except ValueError as exc:
            raise PluginError(f"peerkit: {exc}") from None
        config_file = Path(config.config_file_path or "mkdocs.yml")
        lines = option_lines(config_file) if config_file.is_file() else {}
        where = Path(config_file.name)
        settings, problems = settings_problems(where, given, lines)
        if settings is None:
            for finding in problems:
                log.error(finding.format(where.parent))
            raise PluginError("peerkit: its settings in mkdocs.yml are not valid")
        for finding in settings_warnings(where, settings, lines):
            if finding.severity is Severity.error:
                # `safety: required`: a strict build stops until the settings are given.
                log.warning(finding.format(where.parent))
            else:
                # Worth fixing, but never a reason to stop a group publishing its site.
                notice(finding.format(where.parent))
        return settings

    # --- loading and generating pages -------------------------------------------------

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        self._refuse_outside_links(config)
        custom_dir = config.theme.custom_dir
        template_dirs = [Path(custom_dir) / "peerkit"] if custom_dir else []
        self._mkdocs_config, self._page_files = config, {}
        wanted = self.config.reference_modules
        own = own_modules(self.site_path(config, "modules_dir")) if wanted else {}
        reference, unknown = choose(wanted, own) if wanted else ([], [])
        if unknown:
            raise PluginError(f"peerkit: {unknown_message(unknown)}")
        result = check_folder(
            self.site_path(config, "modules_dir"),
            template_dirs,
            link_for=lambda module_file: self.link_from(self.page_file(module_file.module.id).url),
            settings=self.settings,
            downloads_for=lambda module_file: self._downloads(
                self.page_file(module_file.module.id).url,
                module_pack_paths(module_file.module),
            ),
            also=reference,
        )
        self.plans, plan_findings = check_plans(
            self.site_path(config, "sessions_dir"), result.curriculum
        )
        findings = sorted(result.findings + plan_findings)
        for finding in findings:
            if finding.severity is Severity.error:
                log.error(finding.format())
            elif STALE_MARK in finding.message:
                notice(finding.format())  # a year-old number should not stop a build
            else:
                log.warning(finding.format())
        if errors(findings):
            files_checked = result.files_checked + len(self.plans)
            raise PluginError(f"peerkit: {summary(findings, files_checked, 'file')}")

        self.curriculum = result.curriculum
        self.renderer = result.renderer
        self._safety_file = files.get_file_from_path(self.config.safety_page)
        # The module map's colours live beside the code that draws it (and tests contrast).
        stylesheet = (_ASSETS / Path(STYLESHEET).name).read_text(encoding="utf-8")
        screen, paper = split_print_rules(stylesheet)
        files.append(File.generated(config, STYLESHEET, content=screen + "\n" + MAP_CSS))
        # Print rules in their own file, linked with media="print": browsers fetch it without
        # holding up the page.
        files.append(File.generated(config, PRINT_STYLESHEET, content=paper))
        for asset in (SCRIPT, TOOLTIPS, *BROWSE_SCRIPTS):
            files.append(
                File.generated(config, asset, abs_src_path=str(_ASSETS / Path(asset).name))
            )
        if self._peerkit_search(config):
            worker = (_ASSETS / "search-worker.js").read_text(encoding="utf-8")
            files.append(
                File.generated(
                    config,
                    SEARCH_WORKER,
                    content=worker.replace("PEERKIT_MATERIAL_WORKER", _material_worker(config)),
                )
            )
        if self.config.offline:
            shim = self._shim(config)
            files.append(File.generated(config, SHIM, abs_src_path=str(shim)))
            licence = shim.parent.parent / "LICENSE"
            if licence.is_file():
                files.append(
                    File.generated(config, f"{SHIM}.LICENSE.txt", abs_src_path=str(licence))
                )
        if self.settings.brand is not None:
            files.append(
                File.generated(config, BRAND_STYLESHEET, content=brand_css(self.settings.brand))
            )
        index = curriculum_index(self.curriculum, self.link_from("index.html"))
        files.append(File.generated(config, f"{INDEX}.json", content=index_json(index)))
        files.append(File.generated(config, f"{INDEX}.js", content=index_script(index)))
        for module_id, page in result.pages.items():
            module = self.curriculum.module(module_id)
            assert module is not None
            meta = {
                # Material writes these into <title> and <meta> unescaped: escape them here.
                "title": str(escape(page.title)),
                "description": str(escape(page.description)),
                "render_macros": False,
                # Tags pages; search weighs tags far above body text (see search.py).
                "tags": [str(escape(tag)) for tag in tags_of(module)],
                "search": {"boost": 2},
            }
            file = self.page_file(module_id)
            file.content_string = (
                f"---\n{yaml.safe_dump(meta, sort_keys=False)}---\n\n{page.markdown}"
            )
            files.append(file)
        self._module_pages = {
            self.page_file(module_id).src_uri: page for module_id, page in result.pages.items()
        }
        self._fill_nav(config, self.config.nav_section, list(self._module_pages))
        self._add_session_pages(config, files)
        self._add_run_pages(config, files)
        if self.config.browse:
            self._add_browse_pages(config, files)
        self._folders = sorted({f.dest_uri.split("/")[0] for f in files if "/" in f.dest_uri})
        return files

    def _refuse_outside_links(self, config: MkDocsConfig) -> None:
        """Stop before MkDocs publishes a file that a link in docs/ or overrides/ brings in
        from outside the project (or hangs reading a named pipe there)."""
        root = Path(config.config_file_path or ".").absolute().parent
        folders = [Path(config.docs_dir)]
        if config.theme.custom_dir:
            folders.append(Path(config.theme.custom_dir))
        findings = [
            finding
            for folder in folders
            for finding in linked_outside(folder, root, f"{_relative(folder, root)}/")
        ]
        for finding in findings:
            log.error(finding.format())
        if findings:
            raise PluginError(
                f"peerkit: {summary(findings, len(findings), 'file')} "
                "The site is built only from files inside the project."
            )

    def _add_browse_pages(self, config: MkDocsConfig, files: Files) -> None:
        """Catalogue, activity library, reflection bank, module map, planner (and tags)."""
        assert self.curriculum is not None and self.renderer is not None
        base = self.config.browse_path.strip("/")
        self._browse_pages = {}
        uris = {page.name: f"{base}/{page.name}.md" for page in BROWSE_PAGES}
        planner = File.generated(config, uris["planner"], content="")
        for page in BROWSE_PAGES:
            file = File.generated(config, uris[page.name], content="")
            meta = {
                "title": page.title,
                "description": page.description,
                "render_macros": False,
                "search": {"exclude": True},  # the module pages are what search should find
                "hide": ["toc"],
            }
            file.content_string = f"---\n{yaml.safe_dump(meta, sort_keys=False)}---\n"
            files.append(file)
            self._browse_pages[file.src_uri] = browse_page(
                self.renderer,
                page,
                self.link_from(file.url),
                assets=get_relative_url("index.html", file.url).removesuffix("index.html"),
                planner=get_relative_url(planner.url, file.url),
            )
        pages = list(self._browse_pages)
        if any(name in config.plugins for name in ("material/tags", "tags")):
            tags = File.generated(config, f"{base}/tags.md", content="")
            meta = {"title": "Tags", "render_macros": False, "search": {"exclude": True}}
            tags.content_string = (
                f"---\n{yaml.safe_dump(meta)}---\n\n"
                "Modules by theme and by value. Each module page lists its own tags too.\n\n"
                "<!-- material/tags -->\n"
            )
            files.append(tags)
            pages.append(tags.src_uri)
        self._fill_nav(config, self.config.browse_nav_section, pages)

    def _add_session_pages(self, config: MkDocsConfig, files: Files) -> None:
        """A page per session plan: its running order, linked to activities, and its packs."""
        assert self.curriculum is not None and self.renderer is not None
        self.sessions = sessions_of(self.curriculum, self.plans, self.settings)
        self._session_pages = {}
        for session in (s for s in self.sessions if s.source == "session"):
            src_uri = f"{self.config.sessions_path.strip('/')}/{session.id}.md"
            file = File.generated(config, src_uri, content="")
            meta = {"title": str(escape(session.title)), "render_macros": False}
            if session.summary:
                meta["description"] = str(escape(session.summary))
            file.content_string = f"---\n{yaml.safe_dump(meta, sort_keys=False)}---\n"
            files.append(file)
            downloads = self._downloads(file.url, [(p.label, p.path) for p in packs_for(session)])
            self._session_pages[src_uri] = session_page(
                self.renderer, session, self.link_from(file.url), downloads
            )
        self._fill_nav(config, self.config.sessions_nav_section, list(self._session_pages))

    def _add_run_pages(self, config: MkDocsConfig, files: Files) -> None:
        """Run mode for every module and session plan (peerkit.runmode), linked from its page."""
        assert self.curriculum is not None
        session_files = {
            s.id: files.get_file_from_path(f"{self.config.sessions_path.strip('/')}/{s.id}.md")
            for s in self.sessions
            if s.source == "session"
        }

        def page_url(session: Session) -> str:
            file = session_files.get(session.id) if session.source == "session" else None
            if file is not None:
                return file.url
            # A module's version runs from the module's own page.
            module = session.modules[0].id if session.modules else session.id
            return self.page_file(module).url

        self._run_links = {}
        for run in run_pages(self.sessions, self.settings, page_url):
            files.append(File.generated(config, run.path, content=run.html))
            self._run_links.setdefault(run.page_url, []).append((run.label, run.path))
        if self.config.browse:
            planner = f"{self.config.browse_path.strip('/')}/planner.md"
            self._planner_uri = planner
            plan = plan_page(
                self.curriculum, self.settings, File.generated(config, planner, content="").url
            )
            files.append(File.generated(config, plan.path, content=plan.html))
        for path, source in run_assets().items():
            files.append(File.generated(config, path, abs_src_path=source))

    @property
    def packs_enabled(self) -> bool:
        off = os.environ.get("PEERKIT_PACKS", "").strip().lower() in {"0", "off", "false", "no"}
        return bool(self.config.packs) and not off

    def _downloads(self, page_url: str, paths: list[tuple[str, str]]) -> list[Download]:
        """Links from the page at `page_url` to its packs (none while packs are off)."""
        if not self.packs_enabled:
            return []
        return [(label, get_relative_url(path, page_url)) for label, path in paths]

    def safety_downloads(self, page_url: str) -> list[Download]:
        """Links from the page at `page_url` to the safety procedure, wallet cards and poster
        (none while packs are off)."""
        return self._downloads(page_url, [(item.label, item.path) for item in SITE_PRINTS])

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

    def _fill_nav(self, config: MkDocsConfig, title: str, pages: list[str]) -> None:
        """With an explicit nav, list `pages` under the section `title` (kept in its place)."""
        if config.nav is None or not pages:
            return
        for item in config.nav:
            if isinstance(item, dict) and title in item:
                existing = item[title] if isinstance(item[title], list) else [item[title]]
                kept = [e for e in existing if e not in pages]
                item[title] = kept + pages
                return
        if self.config.nav:  # a section the host's nav does not name: added only if asked
            config.nav.append({title: pages})

    # --- per page ---------------------------------------------------------------------

    @event_priority(-100)  # last: the clock starts just before Markdown converts the page
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if page.file.src_uri in self._module_pages:
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
        browse_html = self._browse_pages.get(page.file.src_uri)
        if browse_html is not None:
            if page.file.src_uri == self._planner_uri:
                return with_plan_run_link(browse_html, page.file.url)
            return browse_html
        session_html = self._session_pages.get(page.file.src_uri)
        if session_html is not None:
            page.toc = toc_from_html(session_html)
            return self._link_safety(self._with_run_link(session_html, page), page)
        rendered = self._module_pages.get(page.file.src_uri)
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
            log.error(too_slow.format())
            raise PluginError(f"peerkit: module '{source.module.id}' is too slow to build")
        # Cleans the author's HTML and puts peerkit's fragments into their slots.
        try:
            html = rendered.finish(html)
        except PageError as exc:
            for finding in exc.findings:
                log.error(finding.format())
            raise PluginError(f"peerkit: {summary(exc.findings, 1)}") from None
        page.toc = toc_from_html(html)
        return self._link_safety(self._with_run_link(html, page), page)

    def _with_run_link(self, html: str, page: Page) -> str:
        runs = self._run_links.get(page.file.url)
        return with_run_link(html, page.file.url, runs) if runs else html

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
        _check_tooltip_guard(output, where)  # every page: module titles reach every nav
        if own and not self.config.every_page_assets:
            output = self._link_assets(output, page)
        checked = own or self.config.privacy_check
        for script in inline_scripts(page.content or ""):
            self._content_scripts.add(script)  # the headers' CSP lists every page's scripts
            if not (checked and self.config.headers):
                continue
            log.warning(
                f"peerkit: {where} has an inline <script>, which the site's "
                "Content-Security-Policy will not run: put it in a file under extra_javascript"
            )
        if not checked:
            return self._page_extras(self._referrer_meta(output, own), page, config)
        # The whole page when the site asks for the check, else what peerkit wrote into it.
        looked_at = output if self.config.privacy_check else (page.content or "")
        for address in sorted(set(outside_fetches(looked_at))):
            log.warning(
                f"peerkit: {where} loads {address} from another site, so the privacy statement "
                "would not be true: serve it from this site instead"
            )
        return self._page_extras(self._referrer_meta(output, own), page, config)

    def _referrer_meta(self, output: str, own: bool) -> str:
        """peerkit's pages ask browsers to send no referrer; the host's pages too with `headers`."""
        if not (own or self.config.headers):
            return output
        return output.replace("<head>", f"<head>\n{REFERRER_META}", 1)

    def _page_extras(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """A skip link, a named search dialog and the print stylesheet on peerkit's pages (every
        page with `every_page_assets`), and peerkit's search on every page if it is wanted."""
        if self._is_own(page) or self.config.every_page_assets:
            output = _with_skip_link(output)
            output = _named_search_dialog(output)
            output = _with_print_stylesheet(output, get_relative_url(PRINT_STYLESHEET, page.url))
        if self._peerkit_search(config):
            output = self._search_scripts(output, page.url)
        return output

    def _peerkit_search(self, config: MkDocsConfig) -> bool:
        """peerkit's search (stemming, synonyms, and from a folder with `offline`) in place of
        Material's, on every page alike: with `every_page_assets` or `offline`."""
        wanted = self.config.every_page_assets or self.config.offline
        return wanted and self._search_enabled(config)

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
            output = re.sub(r'(\b(?:href|src))="/(?!/)', r'\1="', output)
            output = output.replace('"base": "/"', '"base": "."')
            output = output.replace(
                '__md_scope=new URL("/",location)', '__md_scope=new URL(".",location)'
            )
            folders = json.dumps(self._folders)
            base = f"<script data-folders='{folders}'>{_BASE_SCRIPT}</script>"
            output = output.replace("<head>", f"<head>\n{base}", 1)
        output = output.replace("<head>", f"<head>\n{REFERRER_META}", 1)
        output = _with_skip_link(output)
        output = _named_search_dialog(output)
        output = _with_print_stylesheet(output, PRINT_STYLESHEET)
        if self._search_enabled(config):
            output = self._search_scripts(output, "404.html")
        return output

    @staticmethod
    def _search_enabled(config: MkDocsConfig) -> bool:
        return any(name in config.plugins for name in ("material/search", "search"))

    def _search_scripts(self, output: str, page_url: str) -> str:
        """peerkit's search loader, inline just before Material's bundle (which is deferred,
        so no script holds up the first paint), and peerkit's worker in place of
        Material's (see search.js and search-worker.js)."""
        loader = (_ASSETS / SEARCH_LOADER).read_text(encoding="utf-8").strip()
        shim = ""
        if self.config.offline:
            shim = f' data-shim="{get_relative_url(SHIM, page_url)}"'

        def deferred(bundle: re.Match[str]) -> str:
            tag = bundle[0].replace("<script src=", "<script defer src=", 1)
            return f"<script{shim}>\n{loader}\n</script>\n{tag}"

        output = _MATERIAL_BUNDLE.sub(deferred, output, count=1)
        return _MATERIAL_WORKER.sub(lambda m: f'{m[1]}{m[2]}{SEARCH_WORKER}"', output, count=1)

    def _is_own(self, page: Page) -> bool:
        """A page peerkit made: a module, session or browse page (or the tags page)."""
        uri = page.file.src_uri
        if uri in self._module_pages or uri in self._session_pages or uri in self._browse_pages:
            return True
        return self.config.browse and uri == f"{self.config.browse_path.strip('/')}/tags.md"

    def _link_assets(self, output: str, page: Page) -> str:
        """peerkit's stylesheet, brand colours and script, linked from one of its own pages."""

        def href(path: str) -> str:
            return str(escape(get_relative_url(path, page.url or "index.html")))

        sheets = [STYLESHEET] + ([BRAND_STYLESHEET] if self.settings.brand is not None else [])
        links = "".join(f'<link rel="stylesheet" href="{href(s)}">\n' for s in sheets)
        script = f'<script src="{href(SCRIPT)}"></script>\n'
        output = output.replace("</head>", f"{links}</head>", 1)
        return output.replace("</body>", f"{script}</body>", 1)

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the search index as a script for file://, and every pack into the site,
        rendering only what the cache does not hold."""
        if not self.config.enabled:
            return
        index = Path(config.site_dir) / "search" / "search_index.json"
        if index.is_file() and self.curriculum is not None:
            pages = {self.page_file(m.id).url: m for m in self.curriculum.modules}
            data = weigh(json.loads(index.read_text(encoding="utf-8")), pages, self.config.synonyms)
            text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            index.write_text(text, encoding="utf-8")
            if self.config.offline:
                # Material's bundle reads `__index` from this script when opened from a folder.
                index.with_suffix(".js").write_text(f"var __index = {text}", encoding="utf-8")
        if self.config.headers:
            shim = self._shim(config) if self.config.offline else None
            write_server_configs(
                Path(config.site_dir),
                frozenset(self._content_scripts),
                shim.read_text(encoding="utf-8") if shim else None,
                meta=not self._serving,
            )
        if not self.packs_enabled or self.curriculum is None:
            return
        root = Path(config.config_file_path or ".").parent
        custom_dir = config.theme.custom_dir
        packs = [pack for session in self.sessions for pack in packs_for(session)]
        started = time.perf_counter()
        done = Progress("packs", len(packs))
        try:
            report = build_packs(
                packs,
                Path(config.site_dir),
                root / self.config.cache_dir / "packs",
                self.settings,
                template_dirs=[Path(custom_dir) / "peerkit"] if custom_dir else [],
                paper="letter" if self.config.paper == "letter" else "a4",
                progress=lambda _: done.step(),
                prune=True,
                sets=SET_LETTERS[: self.config.card_sets],
                sources=self.curriculum.files,
            )
        except CardsDoNotFit as exc:
            for finding in exc.findings:
                log.error(finding.format())
            raise PluginError(f"peerkit: {summary(exc.findings, 1)}") from None
        for path, boxes in sorted(report.boxes.items()):
            for overflow in boxes.overflows:
                log.warning(f"peerkit: {path} page {overflow.page}: {overflow.describe()}")
        prints = build_site_prints(
            Path(config.site_dir),
            root / self.config.cache_dir / "prints",
            self.settings,
            template_dirs=[Path(custom_dir) / "peerkit"] if custom_dir else [],
            paper="letter" if self.config.paper == "letter" else "a4",
            prune=True,
        )
        report.rendered += prints.rendered
        report.cached += prints.cached
        report.written += prints.written
        log.info(
            f"peerkit: {len(report.written)} PDF packs in {time.perf_counter() - started:.1f} s "
            f"({report.rendered} rendered, {report.cached} from the cache; "
            f"{sum(b.boxes for b in report.boxes.values())} boxes of text checked on the page)"
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


def _check_tooltip_guard(output: str, where: str) -> None:
    """Fail the build if a page runs the theme's script without peerkit's tooltip guard
    before it (a theme override that drops Material's `libs` block would do that): markup in
    a title would then run when hovered."""
    theme = output.find("assets/javascripts/bundle.")
    guard = output.find(TOOLTIPS + '"')
    if theme != -1 and not -1 < guard < theme:
        raise PluginError(
            f"peerkit: {where} loads the theme's script without {TOOLTIPS} before it, so a "
            "title could show as markup in a tooltip: keep `{{ super() }}` in any `libs` block "
            "your overrides/main.html replaces"
        )


def _relative(folder: Path, root: Path) -> str:
    try:
        return folder.absolute().relative_to(root).as_posix()
    except ValueError:
        return folder.as_posix()


class Progress:
    """Logs "peerkit: packs 12/34" as a long step goes, about every tenth of the way."""

    def __init__(self, what: str, total: int) -> None:
        self.what, self.total, self.done = what, total, 0
        self.every = max(1, total // 10) if what == "pages" else 1

    def step(self) -> None:
        self.done += 1
        if self.done % self.every == 0 or self.done == self.total:
            log.info(f"peerkit: {self.what} {self.done}/{self.total}")


# Sets <base> on the 404 page to the site's root: the part of the address before the first of
# the site's own folders (or the folder of the address asked for).
_BASE_SCRIPT = (
    "(()=>{const top=new Set(JSON.parse(document.currentScript.dataset.folders));"
    'const parts=location.pathname.split("/");'
    "let i=parts.findIndex((p,n)=>n>0&&n<parts.length-1&&top.has(p));"
    "if(i<0)i=parts.length-1;"
    'const base=document.createElement("base");'
    'base.href=parts.slice(0,i).join("/")+"/";'
    "document.head.prepend(base)})()"
)


def split_print_rules(css: str) -> tuple[str, str]:
    """`css` without its `@media print { … }` blocks, and those blocks' rules."""
    screen, paper, at = [], [], 0
    for match in re.finditer(r"@media print\s*\{", css):
        if match.start() < at:
            continue
        depth, end = 1, match.end()
        while depth and end < len(css):
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        screen.append(css[at : match.start()])
        paper.append(css[match.end() : end - 1].strip())
        at = end
    screen.append(css[at:])
    return "".join(screen), "\n\n".join(paper) + "\n"


def _with_print_stylesheet(output: str, href: str) -> str:
    """The print stylesheet, just after peerkit's own (media="print": never render-blocking)."""
    link = re.search(r'<link rel="stylesheet" href="[^"]*assets/peerkit/peerkit\.css">', output)
    if link is None:
        return output
    tag = f'<link rel="stylesheet" href="{href}" media="print">'
    return output[: link.end()] + "\n" + tag + output[link.end() :]


def _named_search_dialog(output: str) -> str:
    """Material's search dialog has no name (axe: aria-dialog-name)."""
    return output.replace(
        '<div class="md-search" data-md-component="search" role="dialog">',
        '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search">',
        1,
    )


_EMPTY_SKIP = re.compile(r'(<div data-md-component="skip">)\s*(</div>)')
_ARTICLE = '<article class="md-content__inner md-typeset">'


def _with_skip_link(output: str) -> str:
    """Material links "Skip to content" to a page's first heading in its table of contents,
    so pages without one (the browse pages, the tags page) have none: give them one to the
    start of the content."""
    if 'class="md-skip"' in output or _ARTICLE not in output:
        return output
    output = output.replace(
        _ARTICLE, _ARTICLE.replace("<article", '<article id="peerkit-content"'), 1
    )
    link = '<a href="#peerkit-content" class="md-skip">Skip to content</a>'
    return _EMPTY_SKIP.sub(lambda m: f"{m[1]}\n{link}\n{m[2]}", output, count=1)


def _material_worker(config: MkDocsConfig) -> str:
    """The file name of Material's search worker in this theme (it changes with each
    release)."""
    for folder in config.theme.dirs:
        found = sorted(Path(folder).glob("assets/javascripts/workers/search.*.min.js"))
        if found:
            return found[-1].name
    raise PluginError("peerkit: Material's search worker was not found in the theme")


def _attribute_safe(text: str) -> str:
    """`text` that cannot make markup or end an attribute (& and ' are left as they are)."""
    return text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
