"""The files peerkit adds to a site (stylesheets, scripts, the search worker and shim, brand
colours, the curriculum index) and the changes it makes to each finished page's HTML (skip
link, named search dialog, print stylesheet, peerkit's search, the 404 page's links)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from peerkit.browse.index import (
    BROWSE_KINDS,
    browse_script,
    curriculum_index,
    index_json,
    index_script,
)
from peerkit.browse.pages import script_files
from peerkit.browse.pages import stylesheet as browse_stylesheet
from peerkit.colour import brand_css
from peerkit.headers import inline_scripts, outside_fetches
from peerkit.mkdocs_plugin.log import log
from peerkit.model import Curriculum
from peerkit.pagesize import compact_navigation
from peerkit.render import Link
from peerkit.searchlunr import FILE as PREBUILT_INDEX
from peerkit.site import SiteSettings

if TYPE_CHECKING:
    from peerkit.mkdocs_plugin.plugin import PeerkitPlugin

STYLESHEET = "assets/peerkit/peerkit.css"
SCRIPT = "assets/peerkit/peerkit.js"
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
ASSETS = Path(__file__).parent.parent / "render" / "assets"


class WrittenOnce(File):
    """A generated file (the curriculum index, run pages) whose text is let go as soon as
    MkDocs has written it into the site, which it does before any page is built: from then
    on the file in the site is its source. At 1,000 modules these hold about 100 MB of text
    that a build would otherwise keep to the end."""

    def copy_file(self, dirty: bool = False) -> None:
        super().copy_file(dirty)
        if self._content is not None and os.path.isfile(self.abs_dest_path):
            self._content = None
            # MkDocs copies a file onto itself as a no-op ("plugins write into site_dir").
            self.abs_src_path = self.abs_dest_path


def add_assets(
    files: Files,
    config: MkDocsConfig,
    settings: SiteSettings,
    *,
    search: bool,
    shim: Path | None,
) -> None:
    """peerkit's stylesheets and scripts; its search worker when `search`; the iframe-worker
    shim (and its licence) when given (offline); the brand colours when set."""
    stylesheet = (ASSETS / Path(STYLESHEET).name).read_text(encoding="utf-8")
    screen, paper = split_print_rules(stylesheet + "\n" + browse_stylesheet())
    files.append(File.generated(config, STYLESHEET, content=screen))
    # Print rules in their own file, linked with media="print": browsers fetch it without
    # holding up the page.
    files.append(File.generated(config, PRINT_STYLESHEET, content=paper))
    for asset in (SCRIPT, TOOLTIPS):
        files.append(File.generated(config, asset, abs_src_path=str(ASSETS / Path(asset).name)))
    for asset, path in script_files().items():
        files.append(File.generated(config, asset, abs_src_path=str(path)))
    if search:
        worker = (ASSETS / "search-worker.js").read_text(encoding="utf-8")
        files.append(
            File.generated(
                config,
                SEARCH_WORKER,
                content=worker.replace("PEERKIT_MATERIAL_WORKER", material_worker(config)).replace(
                    "PEERKIT_PREBUILT", get_relative_url(f"search/{PREBUILT_INDEX}", SEARCH_WORKER)
                ),
            )
        )
    if shim is not None:
        files.append(File.generated(config, SHIM, abs_src_path=str(shim)))
        licence = shim.parent.parent / "LICENSE"
        if licence.is_file():
            files.append(File.generated(config, f"{SHIM}.LICENSE.txt", abs_src_path=str(licence)))
    if settings.brand is not None:
        files.append(File.generated(config, BRAND_STYLESHEET, content=brand_css(settings.brand)))


def add_index(
    files: Files,
    config: MkDocsConfig,
    curriculum: Curriculum,
    link: Link,
    kept: tuple[str, ...] | None = None,
) -> tuple[str, ...]:
    """The curriculum index the browse pages read: JSON for tools, a script for file://.
    `kept` is the texts an earlier build made from the same modules (while serving)."""
    if kept is None:
        index = curriculum_index(curriculum, link)
        kept = (
            index_json(index),
            index_script(index),
            *(browse_script(index, kind) for kind in BROWSE_KINDS),
        )
    files.append(WrittenOnce.generated(config, f"{INDEX}.json", content=kept[0]))
    files.append(WrittenOnce.generated(config, f"{INDEX}.js", content=kept[1]))
    for kind, script in zip(BROWSE_KINDS, kept[2:], strict=True):  # what each page filters
        files.append(WrittenOnce.generated(config, f"{INDEX}-{kind}.js", content=script))
    return kept


# --- each finished page ---------------------------------------------------------------------


def check_tooltip_guard(output: str, where: str) -> None:
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


def link_assets(output: str, page_url: str, brand: bool) -> str:
    """peerkit's stylesheet, brand colours and script, linked from one of its own pages."""

    def href(path: str) -> str:
        return str(escape(get_relative_url(path, page_url or "index.html")))

    sheets = [STYLESHEET] + ([BRAND_STYLESHEET] if brand else [])
    links = "".join(f'<link rel="stylesheet" href="{href(s)}">\n' for s in sheets)
    script = f'<script src="{href(SCRIPT)}"></script>\n'
    output = output.replace("</head>", f"{links}</head>", 1)
    return output.replace("</body>", f"{script}</body>", 1)


def with_referrer_meta(output: str) -> str:
    return output.replace("<head>", f"<head>\n{REFERRER_META}", 1)


def search_scripts(output: str, page_url: str, offline: bool) -> str:
    """peerkit's search loader, inline just before Material's bundle (which is deferred,
    so no script holds up the first paint), and peerkit's worker in place of
    Material's (see search.js and search-worker.js)."""
    loader = (ASSETS / SEARCH_LOADER).read_text(encoding="utf-8").strip()
    shim = ""
    if offline:
        shim = f' data-shim="{get_relative_url(SHIM, page_url)}"'

    def deferred(bundle: re.Match[str]) -> str:
        tag = bundle[0].replace("<script src=", "<script defer src=", 1)
        return f"<script{shim}>\n{loader}\n</script>\n{tag}"

    output = _MATERIAL_BUNDLE.sub(deferred, output, count=1)
    return _MATERIAL_WORKER.sub(lambda m: f'{m[1]}{m[2]}{SEARCH_WORKER}"', output, count=1)


def relative_404(output: str, folders: list[str]) -> str:
    """The 404 page's links relative to the site's root, and a script that sets `<base>` to
    that root, found from the address asked for (for a site under a sub-path)."""
    output = re.sub(r'(\b(?:href|src))="/(?!/)', r'\1="', output)
    output = output.replace('"base": "/"', '"base": "."')
    output = output.replace('__md_scope=new URL("/",location)', '__md_scope=new URL(".",location)')
    base = f"<script data-folders='{json.dumps(folders)}'>{_BASE_SCRIPT}</script>"
    return output.replace("<head>", f"<head>\n{base}", 1)


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


def with_print_stylesheet(output: str, href: str) -> str:
    """The print stylesheet, just after peerkit's own (media="print": never render-blocking)."""
    link = re.search(r'<link rel="stylesheet" href="[^"]*assets/peerkit/peerkit\.css">', output)
    if link is None:
        return output
    tag = f'<link rel="stylesheet" href="{href}" media="print">'
    return output[: link.end()] + "\n" + tag + output[link.end() :]


def named_search_dialog(output: str) -> str:
    """Material's search dialog has no name (axe: aria-dialog-name)."""
    return output.replace(
        '<div class="md-search" data-md-component="search" role="dialog">',
        '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search">',
        1,
    )


_EMPTY_SKIP = re.compile(r'(<div data-md-component="skip">)\s*(</div>)')
_ARTICLE = '<article class="md-content__inner md-typeset">'


def with_skip_link(output: str) -> str:
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


def material_worker(config: MkDocsConfig) -> str:
    """The file name of Material's search worker in this theme (it changes with each
    release)."""
    for folder in config.theme.dirs:
        found = sorted(Path(folder).glob("assets/javascripts/workers/search.*.min.js"))
        if found:
            return found[-1].name
    raise PluginError("peerkit: Material's search worker was not found in the theme")


def attribute_safe(text: str) -> str:
    """`text` that cannot make markup or end an attribute (& and ' are left as they are)."""
    return text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def finish_page(plugin: PeerkitPlugin, output: str, page: Page, config: MkDocsConfig) -> str:
    """peerkit's pages (every page, with `headers`) ask browsers to send no referrer, wherever
    the site is hosted (even from a folder, where there are no server headers); its pages
    (every page, with `privacy_check`) are checked for anything loaded from elsewhere."""
    where = page.file.src_uri
    own = is_own(plugin, page)
    if own or plugin.config.nav:  # Material's nav is mostly blank lines (peerkit.pagesize)
        output = compact_navigation(output)
    check_tooltip_guard(output, where)  # every page: module titles reach every nav
    if own and not plugin.config.every_page_assets:
        output = link_assets(output, page.url, plugin.settings.brand is not None)
    checked = own or plugin.config.privacy_check
    for script in inline_scripts(page.content or ""):
        plugin._content_scripts.add(script)  # the headers' CSP lists every page's scripts
        if not (checked and plugin.config.headers):
            continue
        log.warning(
            f"{where} has an inline <script>, which the site's "
            "Content-Security-Policy will not run: put it in a file under extra_javascript"
        )
    if checked:
        # The whole page when the site asks for the check, else what peerkit wrote into it.
        looked_at = output if plugin.config.privacy_check else (page.content or "")
        for address in sorted(set(outside_fetches(looked_at))):
            log.warning(
                f"{where} loads {address} from another site, so the privacy statement "
                "would not be true: serve it from this site instead"
            )
    if own or plugin.config.headers:
        # peerkit's pages ask browsers to send no referrer; the host's too with `headers`.
        output = with_referrer_meta(output)
    return page_extras(plugin, output, page, config)


def page_extras(plugin: PeerkitPlugin, output: str, page: Page, config: MkDocsConfig) -> str:
    """A skip link, a named search dialog and the print stylesheet on peerkit's pages (every
    page with `every_page_assets`), and peerkit's search on every page if it is wanted."""
    if is_own(plugin, page) or plugin.config.every_page_assets:
        output = with_skip_link(output)
        output = named_search_dialog(output)
        output = with_print_stylesheet(output, get_relative_url(PRINT_STYLESHEET, page.url))
    if peerkit_search(plugin, config):
        output = search_scripts(output, page.url, plugin.config.offline)
    return output


def finish_404(plugin: PeerkitPlugin, output: str, config: MkDocsConfig) -> str:
    """The 404 page: Material writes its links from the server's root (`/assets/…`),
    which breaks when the site lives under a sub-path (`/our-site/`) and the server sends
    404.html for a missing page there. Unless `site_url` says where the site lives, its
    links are written relative to the site's root, and a small script sets `<base>` to
    that root, found from the address asked for."""
    if not (plugin.config.every_page_assets or plugin.config.offline):
        return output  # the host's own 404 page, as it was
    if not config.site_url:
        output = relative_404(output, plugin._folders)
    output = with_referrer_meta(output)
    output = with_skip_link(output)
    output = named_search_dialog(output)
    output = with_print_stylesheet(output, PRINT_STYLESHEET)
    if search_enabled(config):
        output = search_scripts(output, "404.html", plugin.config.offline)
    return output


def is_own(plugin: PeerkitPlugin, page: Page) -> bool:
    """A page peerkit made: a module, session or browse page (or the tags page)."""
    uri = page.file.src_uri
    if uri in plugin.module_pages or uri in plugin.session_pages or uri in plugin.browse_pages:
        return True
    return plugin.config.browse and uri == f"{plugin.config.browse_path.strip('/')}/tags.md"


def peerkit_search(plugin: PeerkitPlugin, config: MkDocsConfig) -> bool:
    """peerkit's search (stemming, synonyms, and from a folder with `offline`) in place of
    Material's, on every page alike: with `every_page_assets` or `offline`."""
    wanted = plugin.config.every_page_assets or plugin.config.offline
    return wanted and search_enabled(config)


def search_enabled(config: MkDocsConfig) -> bool:
    return any(name in config.plugins for name in ("material/search", "search"))
