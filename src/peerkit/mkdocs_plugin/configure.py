"""What the plugin does with mkdocs.yml before any page is made: the organisation's settings
(through the project's one translator), the site's name made safe for Material's markup, the
brand colours and footer line, the files every page loads, the offline shim, the tags page's
order, and the project check whose findings stop a build."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import escape
from material.plugins.tags import tag_name, tag_name_casefold  # type: ignore[import-untyped]
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from peerkit.findings import Severity, errors, summary
from peerkit.incremental import digest
from peerkit.mkdocs_plugin import assets
from peerkit.mkdocs_plugin.assets import BRAND_STYLESHEET, SCRIPT, STYLESHEET, TOOLTIPS
from peerkit.mkdocs_plugin.config import PeerkitConfig
from peerkit.mkdocs_plugin.log import findings as findings_log
from peerkit.mkdocs_plugin.log import log, notice
from peerkit.mkdocs_plugin.search import synonym_problems
from peerkit.npm import packaged_shim
from peerkit.packs.build import module_pack_paths
from peerkit.privacy import config_findings
from peerkit.project import Check, Project
from peerkit.reference import unknown_message
from peerkit.safefiles import linked_outside
from peerkit.site import STALE_MARK, SiteSettings

if TYPE_CHECKING:
    from peerkit.mkdocs_plugin.plugin import PeerkitPlugin


def site_path(plugin_config: PeerkitConfig, config: MkDocsConfig, option: str) -> Path:
    """A folder named by one of the plugin's options, relative to `mkdocs.yml`."""
    return Path(config.config_file_path or ".").parent / str(plugin_config[option])


def configure(plugin: PeerkitPlugin, config: MkDocsConfig) -> None:
    """The plugin's `on_config`: read the settings and adjust mkdocs.yml's values in place."""
    plugin._mkdocs_site_name = config.site_name
    plugin._content_scripts = set()
    plugin.settings = settings(plugin, config)
    problems = synonym_problems(plugin.config.synonyms)
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
    brand(plugin, config)
    if config.config_file_path:
        # Settings that reach other sites, some only from the theme's script (repo_url):
        # the same findings as `peerkit check`, so check and build agree.
        for finding in config_findings(Path(config.config_file_path)):
            log.warning(finding.format(root=Path(config.config_file_path).parent))
    if not plugin.settings.signposting:
        log.warning(
            "plugins.peerkit.signposting is empty: module pages and packs will "
            "have no list of other support services"
        )
    if plugin.config.every_page_assets:
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
    if plugin.config.offline:
        offline(plugin.config, config)
    tags = config.plugins.get("material/tags") or config.plugins.get("tags")
    if tags is not None and tags.config.get("tags_sort_by") is tag_name:
        # The tags page in alphabetical order, whatever the case ("boundaries" after
        # "Authenticity", not after every capital).
        tags.config["tags_sort_by"] = tag_name_casefold


def settings(plugin: PeerkitPlugin, config: MkDocsConfig) -> SiteSettings:
    """The organisation's settings, through the project's one translator (each mistake
    at its line in mkdocs.yml, worded as `peerkit check` words it)."""
    options = {key: value for key, value in plugin.config.items() if value is not None}
    options.setdefault("organisation", plugin._mkdocs_site_name)
    config_file = Path(config.config_file_path or "mkdocs.yml")
    plugin.project = Project.from_config(
        config_file,
        options,
        modules_dir=site_path(plugin.config, config, "modules_dir"),
        sessions_dir=site_path(plugin.config, config, "sessions_dir"),
    )
    root = config_file.parent
    if not plugin.project.settings_valid:
        for finding in plugin.project.settings_findings:
            findings_log.error(finding.format(root))
        raise PluginError("peerkit: its settings in mkdocs.yml are not valid")
    for finding in plugin.project.settings_findings:
        if finding.severity is Severity.error:
            # `safety: required`: a strict build stops until the settings are given.
            findings_log.warning(finding.format(root))
        else:
            # Worth fixing, but never a reason to stop a group publishing its site.
            notice(finding.format(root))
    return plugin.project.settings


def brand(plugin: PeerkitPlugin, config: MkDocsConfig) -> None:
    """The organisation's colours (checked for contrast) and its footer line."""
    site = plugin.settings
    if site.brand is not None:
        for finding in plugin.project.brand_findings():  # as `peerkit check` reports them
            log.warning(finding.format(plugin.project.root))
        if plugin.config.every_page_assets and BRAND_STYLESHEET not in config.extra_css:
            config.extra_css.append(BRAND_STYLESHEET)
    if not plugin.config.footer:
        return
    if config.copyright is None and (site.licence or site.organisation):
        # Material writes the copyright line as HTML: escape what goes into it.
        parts = [f"{site.organisation}." if site.organisation else ""]
        parts.append(" ".join((site.licence or "").split()))
        config.copyright = str(escape(" ".join(p for p in parts if p)))


def offline(plugin_config: PeerkitConfig, config: MkDocsConfig) -> None:
    """Search from a folder (file://): Material's search runs in a Web Worker, which
    browsers refuse there; the iframe-worker shim stands in, served by the site itself."""
    found = shim(plugin_config, config)
    if not found.is_file():
        raise PluginError(
            f"peerkit: {found} is missing. Search from a folder (file://) needs the "
            "iframe-worker shim: run `make setup` (or `npm ci`), or set `offline: false`"
        )
    # search.js loads the shim, from a folder only (never in <head>, never over http).
    if config.use_directory_urls:
        log.warning(
            "offline is on but use_directory_urls is true: links between pages "
            "will not open from a folder. Set `use_directory_urls: false` in mkdocs.yml"
        )


def shim(plugin_config: PeerkitConfig, config: MkDocsConfig) -> Path:
    """The site's own copy of the shim (node_modules/), or else the one in peerkit's wheel."""
    found = site_path(plugin_config, config, "search_shim")
    default = PeerkitConfig.search_shim.default
    if not found.is_file() and plugin_config.search_shim == default:
        return packaged_shim() or found
    return found


def template_dirs(config: MkDocsConfig) -> list[Path]:
    """The site's overrides of peerkit's templates (`<custom_dir>/peerkit`), if any."""
    custom_dir = config.theme.custom_dir
    return [Path(custom_dir) / "peerkit"] if custom_dir else []


def check_project(plugin: PeerkitPlugin, config: MkDocsConfig) -> Check:
    """The project check (modules, sessions, references) with links as the site will have
    them; each finding logged, and the build stopped on any error."""
    refuse_outside_links(config)
    if plugin.project.unknown_reference:
        raise PluginError(f"peerkit: {unknown_message(plugin.project.unknown_reference)}")
    # Only while serving: a one-off build keeps nothing it does not need.
    plugin.project.cache = plugin.cache if plugin.cache_in_use else None
    plugin.project.setting = plugin.setting = render_setting(plugin, config)
    checked = plugin.project.check(
        config=False,  # mkdocs.yml's findings were reported by on_config
        template_dirs=template_dirs(config),
        link_for=lambda module_file: plugin.link_from(plugin.page_file(module_file.module.id).url),
        downloads_for=lambda module_file: plugin.downloads(
            plugin.page_file(module_file.module.id).url,
            module_pack_paths(module_file.module),
        ),
    )
    if plugin.cache_in_use:
        log.info(
            f"module pages: {len(plugin.cache.rendered)} rendered, "
            f"{len(plugin.cache.reused)} unchanged"
        )
    for finding in checked.findings:
        if finding.severity is Severity.error:
            findings_log.error(finding.format())
        elif STALE_MARK in finding.message:
            notice(finding.format())  # a year-old number should not stop a build
        else:
            findings_log.warning(finding.format())
    if errors(checked.findings):
        raise PluginError(f"peerkit: {summary(checked.findings, checked.files_checked, 'file')}")
    return checked


def render_setting(plugin: PeerkitPlugin, config: MkDocsConfig) -> str:
    """What a module page depends on besides the curriculum (for the serve cache): the
    organisation's settings, peerkit's and the site's templates, and where pages are."""
    templates = sorted(
        (str(path), path.stat().st_mtime_ns)
        for folder in [
            *template_dirs(config),
            Path(__file__).parent.parent / "render" / "templates",
        ]
        if folder.is_dir()
        for path in folder.rglob("*")
        if path.is_file()
    )
    return digest(
        plugin.settings.model_dump_json(),
        repr(templates),
        plugin.config.pages_path,
        str(config.use_directory_urls),
    )


def refuse_outside_links(config: MkDocsConfig) -> None:
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


def _relative(folder: Path, root: Path) -> str:
    try:
        return folder.absolute().relative_to(root).as_posix()
    except ValueError:
        return folder.as_posix()
