"""The `peerkit` MkDocs plugin: a dispatcher from MkDocs events to peerkit's core.

Per build it checks the curriculum once, stops the build on any error (each reported as
`path:line: message`), and adds one generated page per module. Module pages carry
`render_macros: false` so mkdocs-macros, whose Jinja is not sandboxed, never renders them.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import yaml
from markupsafe import escape
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
from peerkit.findings import Severity, errors, summary
from peerkit.headers import inline_scripts, outside_fetches, write_server_configs
from peerkit.mkdocs_plugin.config import PeerkitConfig
from peerkit.mkdocs_plugin.search import tags_of, weigh
from peerkit.mkdocs_plugin.toc import toc_from_html
from peerkit.model import Curriculum
from peerkit.npm import packaged_shim
from peerkit.packs import (
    SET_LETTERS,
    CardsDoNotFit,
    Session,
    build_packs,
    module_pack_paths,
    packs_for,
    sessions_of,
)
from peerkit.packs.prints import SITE_PRINTS, build_site_prints
from peerkit.plans import PlanFile, check_plans
from peerkit.reference import choose, own_modules, unknown_message
from peerkit.render import Download, Link, PageError, RenderedModule, Renderer, session_page
from peerkit.render.browse import BROWSE_PAGES, browse_page
from peerkit.render.modulemap import MAP_CSS
from peerkit.render.safetylinks import link_procedures
from peerkit.site import (
    STALE_MARK,
    SiteSettings,
    option_lines,
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
BRAND_STYLESHEET = "assets/peerkit/brand.css"
REFERRER_META = '<meta name="referrer" content="no-referrer">'
_ASSETS = Path(__file__).parent.parent / "render" / "assets"


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
        self._browse_pages: dict[str, str] = {}
        self._mkdocs_site_name = ""
        self._content_scripts: set[str] = set()
        self._pages_done: Progress | None = None
        self._safety_file: File | None = None

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
        # Material writes the site's name into pages unescaped, except in one attribute that
        # it escapes itself. Escape what could make markup (< > "); leave & and ' alone, so a
        # name like "Hope & Co's" is never shown as "&amp;" in that attribute.
        config.site_name = _attribute_safe(config.site_name)
        if config.site_description:
            config.site_description = _attribute_safe(config.site_description)
        self._brand(config)
        if not self.settings.signposting:
            log.warning(
                "peerkit: plugins.peerkit.signposting is empty: module pages and packs will "
                "have no list of other support services"
            )
        if self.config.every_page_assets:
            if STYLESHEET not in config.extra_css:
                config.extra_css.insert(0, STYLESHEET)
            if SCRIPT not in [str(script) for script in config.extra_javascript]:
                config.extra_javascript.append(SCRIPT)
        if self.config.offline:
            self._offline(config)
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
        polyfills = list(config.extra.get("polyfills") or [])
        if SHIM not in polyfills:
            polyfills.append(SHIM)
        config.extra["polyfills"] = polyfills
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
        files.append(File.generated(config, STYLESHEET, content=stylesheet + "\n" + MAP_CSS))
        for asset in (SCRIPT, *BROWSE_SCRIPTS):
            files.append(
                File.generated(config, asset, abs_src_path=str(_ASSETS / Path(asset).name))
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
        if self.config.browse:
            self._add_browse_pages(config, files)
        return files

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
            return browse_html
        session_html = self._session_pages.get(page.file.src_uri)
        if session_html is not None:
            page.toc = toc_from_html(session_html)
            return self._link_safety(session_html, page)
        rendered = self._module_pages.get(page.file.src_uri)
        if rendered is None:
            return html
        # Cleans the author's HTML and puts peerkit's fragments into their slots.
        try:
            html = rendered.finish(html)
        except PageError as exc:
            for finding in exc.findings:
                log.error(finding.format())
            raise PluginError(f"peerkit: {summary(exc.findings, 1)}") from None
        page.toc = toc_from_html(html)
        return self._link_safety(html, page)

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
            return self._referrer_meta(output, own)
        # The whole page when the site asks for the check, else what peerkit wrote into it.
        looked_at = output if self.config.privacy_check else (page.content or "")
        for address in sorted(set(outside_fetches(looked_at))):
            log.warning(
                f"peerkit: {where} loads {address} from another site, so the privacy statement "
                "would not be true: serve it from this site instead"
            )
        return self._referrer_meta(output, own)

    def _referrer_meta(self, output: str, own: bool) -> str:
        """peerkit's pages ask browsers to send no referrer; the host's pages too with `headers`."""
        if not (own or self.config.headers):
            return output
        return output.replace("<head>", f"<head>\n{REFERRER_META}", 1)

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
            data = weigh(json.loads(index.read_text(encoding="utf-8")), pages)
            text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            index.write_text(text, encoding="utf-8")
            if self.config.offline:
                # Material's bundle reads `__index` from this script when opened from a folder.
                index.with_suffix(".js").write_text(f"var __index = {text}", encoding="utf-8")
        if self.config.headers:
            write_server_configs(Path(config.site_dir), frozenset(self._content_scripts))
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


class Progress:
    """Logs "peerkit: packs 12/34" as a long step goes, about every tenth of the way."""

    def __init__(self, what: str, total: int) -> None:
        self.what, self.total, self.done = what, total, 0
        self.every = max(1, total // 10) if what == "pages" else 1

    def step(self) -> None:
        self.done += 1
        if self.done % self.every == 0 or self.done == self.total:
            log.info(f"peerkit: {self.what} {self.done}/{self.total}")


def _attribute_safe(text: str) -> str:
    """`text` that cannot make markup or end an attribute (& and ' are left as they are)."""
    return text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
