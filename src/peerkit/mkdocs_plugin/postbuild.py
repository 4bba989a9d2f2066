"""Work after MkDocs has written the site: the search index weighed (and as a script for
file://), the server header files, and every PDF pack rendered (or taken from the cache)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from peerkit.findings import summary
from peerkit.headers import write_server_configs
from peerkit.mkdocs_plugin import configure
from peerkit.mkdocs_plugin.log import findings, log
from peerkit.mkdocs_plugin.search import search_plugin, weigh
from peerkit.model import Module, ModuleFile
from peerkit.packs.build import SET_LETTERS, CardsDoNotFit, build_packs, packs_for
from peerkit.packs.prints import build_site_prints
from peerkit.searchindex import DEFAULT_BUDGET
from peerkit.searchlunr import FILE as PREBUILT_INDEX
from peerkit.searchlunr import shipped_index
from peerkit.sessions.view import Session
from peerkit.site import SiteSettings

if TYPE_CHECKING:
    from peerkit.mkdocs_plugin.plugin import PeerkitPlugin


class Progress:
    """Logs "peerkit: packs 12/34" as a long step goes, about every tenth of the way."""

    def __init__(self, what: str, total: int) -> None:
        self.what, self.total, self.done = what, total, 0
        self.every = max(1, total // 10) if what == "pages" else 1

    def step(self) -> None:
        self.done += 1
        if self.done % self.every == 0 or self.done == self.total:
            log.info(f"{self.what} {self.done}/{self.total}")


def material_entries(config: MkDocsConfig) -> list[dict[str, Any]] | None:
    """The entries Material's search plugin holds (None when it is not Material's)."""
    search = search_plugin(config)
    entries = getattr(getattr(search, "search_index", None), "entries", None)
    return entries if isinstance(entries, list) else None


def material_index(config: MkDocsConfig) -> dict[str, Any] | None:
    """The index Material's search plugin has just written, as it holds it (its entries are
    the very objects it wrote), so that it need not be read back and parsed: a second copy
    of the whole index (60 MB at 1,000 modules) at the build's peak. None when the plugin
    is not Material's or holds no index."""
    held = getattr(search_plugin(config), "search_index", None)
    entries = getattr(held, "entries", None)
    settings = getattr(held, "config", None)
    if not isinstance(entries, list) or not isinstance(settings, dict):
        return None
    wanted = ("lang", "separator", "pipeline", "fields")
    if any(key not in settings for key in wanted):
        return None
    # A copy of its settings as the file has them (weigh adds to them); the entries as they
    # are (weigh copies any it changes: under `serve --dirty` Material keeps them).
    written = json.dumps({key: settings[key] for key in wanted}, default=str)
    return {"config": json.loads(written), "docs": entries}


def weigh_search_index(
    site_dir: Path,
    pages: Mapping[str, Module],
    synonyms: list[list[str]],
    offline: bool,
    memo: dict[tuple[str, ...], str] | None = None,
    budget: int | None = DEFAULT_BUDGET,
    prebuilt_from: int | None = None,
    held: dict[str, Any] | None = None,
) -> None:
    """Weigh the search index MkDocs wrote (module pages, tags, synonyms; see search.py) and,
    for a site opened from a folder, write it again as a script. `memo` keeps each section's
    synonyms between `serve` builds. From `prebuilt_from` bytes of index, the lunr index is
    built here too (peerkit.searchlunr), for the browser to load. `held` is the index as
    Material's plugin holds it (`material_index`); without it the file is read back."""
    index = site_dir / "search" / "search_index.json"
    if not index.is_file():
        return
    if held is None:
        held = json.loads(index.read_text(encoding="utf-8"))
    data = weigh(held, dict(pages), synonyms, memo, budget)
    del held
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    prebuilt = None
    prebuilt_text = ""
    if prebuilt_from is not None and len(text.encode()) >= prebuilt_from:
        prebuilt = shipped_index(data)
    (index.parent / PREBUILT_INDEX).unlink(missing_ok=True)
    if prebuilt is not None:
        data["config"]["peerkit_prebuilt"] = True  # peerkit's worker then loads the file
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
        prebuilt_text = json.dumps(prebuilt, ensure_ascii=False, separators=(",", ":"))
        (index.parent / PREBUILT_INDEX).write_text(prebuilt_text, encoding="utf-8")
        del prebuilt
    del data
    index.write_text(text, encoding="utf-8")
    if offline:
        # Material's bundle reads `__index` from this script when opened from a folder, and
        # peerkit's worker `__peerkit_lunr` (from a folder it may not fetch the file). As
        # JSON.parse of a string: browsers read that far quicker than the same object in code.
        with index.with_suffix(".js").open("w", encoding="utf-8") as script:
            script.write(f"var __index = JSON.parse({json.dumps(text, ensure_ascii=False)});\n")
            if prebuilt_text:
                quoted = json.dumps(prebuilt_text, ensure_ascii=False)
                script.write(f"var __peerkit_lunr = JSON.parse({quoted});\n")


def write_headers(site_dir: Path, scripts: set[str], shim: Path | None, serving: bool) -> None:
    """`_headers`, `.htaccess` and `nginx-headers.conf`, allowing every page's inline scripts."""
    write_server_configs(
        site_dir,
        frozenset(scripts),
        shim.read_text(encoding="utf-8") if shim else None,
        meta=not serving,
    )


def build_site_packs(
    sessions: list[Session],
    site_dir: Path,
    cache_dir: Path,
    settings: SiteSettings,
    *,
    template_dirs: list[Path],
    paper: str,
    card_sets: int,
    sources: list[ModuleFile],
) -> None:
    """Every pack of every session (and the safety prints) into the site, rendering only
    what the cache does not hold; cards that do not fit stop the build."""
    packs = [pack for session in sessions for pack in packs_for(session)]
    started = time.perf_counter()
    done = Progress("packs", len(packs))
    size: Literal["a4", "letter"] = "letter" if paper == "letter" else "a4"
    try:
        report = build_packs(
            packs,
            site_dir,
            cache_dir / "packs",
            settings,
            template_dirs=template_dirs,
            paper=size,
            progress=lambda _: done.step(),
            prune=True,
            sets=SET_LETTERS[:card_sets],
            sources=sources,
        )
    except CardsDoNotFit as exc:
        for finding in exc.findings:
            findings.error(finding.format())
        raise PluginError(f"peerkit: {summary(exc.findings, 1)}") from None
    for path, boxes in sorted(report.boxes.items()):
        for overflow in boxes.overflows:
            log.warning(f"{path} page {overflow.page}: {overflow.describe()}")
    prints = build_site_prints(
        site_dir,
        cache_dir / "prints",
        settings,
        template_dirs=template_dirs,
        paper=size,
        prune=True,
    )
    report.rendered += prints.rendered
    report.cached += prints.cached
    report.written += prints.written
    log.info(
        f"{len(report.written)} PDF packs in {time.perf_counter() - started:.1f} s "
        f"({report.rendered} rendered, {report.cached} from the cache; "
        f"{sum(b.boxes for b in report.boxes.values())} boxes of text checked on the page)"
    )


def post_build(plugin: PeerkitPlugin, config: MkDocsConfig) -> None:
    """Weigh the search index (and write it as a script for file://), write the header
    files, and every pack into the site, rendering only what the cache does not hold."""
    site_dir = Path(config.site_dir)
    if plugin.curriculum is not None:
        module_urls = {plugin.page_file(m.id).url: m for m in plugin.curriculum.modules}
        weigh_search_index(
            site_dir,
            module_urls,
            plugin.config.synonyms,
            plugin.config.offline,
            plugin.synonyms_memo,
            plugin.config.search_budget * 1000 or None,
            # Not while serving: each rebuild would build the lunr index again (about a
            # second per megabyte of index) for one person's browser, which builds it itself.
            prebuilt_from=(
                None
                if plugin.config.search_prebuilt < 0 or plugin._serving
                else plugin.config.search_prebuilt * 1000
            ),
            held=material_index(config),
        )
    if plugin.config.headers and not plugin._serving:
        # Not for `serve`: its pages carry no policy, and no server reads these files.
        shim = configure.shim(plugin.config, config) if plugin.config.offline else None
        write_headers(site_dir, plugin._content_scripts, shim, plugin._serving)
    if not plugin.packs_enabled or plugin.curriculum is None:
        return
    build_site_packs(
        plugin.sessions,
        site_dir,
        Path(config.config_file_path or ".").parent / plugin.config.cache_dir,
        plugin.settings,
        template_dirs=configure.template_dirs(config),
        paper=plugin.config.paper,
        card_sets=plugin.config.card_sets,
        sources=plugin.curriculum.files,
    )
