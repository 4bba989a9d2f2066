"""WeasyPrint, kept warm: the process pool that renders every PDF of a build.

Starting a worker costs more than rendering a small pack: importing WeasyPrint (and the page
reader) takes about 1.5 s of CPU here, and each document would otherwise set up fonts from
nothing. So one pool serves the whole process (the packs, then the site's own prints, and
every rebuild of `peerkit serve`): WeasyPrint is imported once, in a fork server, and the
workers are forked from it, so they start with it; and each worker keeps one font configuration
for all its documents, so Pango's fonts and glyph shapes are loaded once per worker, not once per
pack.

The workers are forked from that single-threaded server, never from the calling process: a
build process has other threads (MkDocs' live reload, a test's browser driver, another pool's
queue feeder), and a child forked while one of them held a lock would wait on it for ever.

Inside a worker, three things WeasyPrint would otherwise do again for every document are done
once (what a pack looks like does not change; the pages are the same, pixel for pixel):
- the print CSS: each `<style>` element's text is parsed (and its selectors compiled) once per
  worker and the parsed sheet reused, in the same place in the cascade, by every document
  with the same text (see `_SharedSheets`);
- images (an organisation's logo on every cover): decoded once per worker (WeasyPrint's
  `cache`);
- Python's cyclic garbage collector: paused while a document is laid out and written (it
  allocates millions of small objects and the collector kept walking them, about a sixth of
  the CPU), and run once after it.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, ClassVar

_pool: ProcessPoolExecutor | None = None
_workers = 0
_fonts: Any = None  # each worker's weasyprint FontConfiguration, made once
_images: dict[str, Any] = {}  # each worker's decoded images, by address
MAX_IMAGES = 64


def workers_for(jobs: int | None) -> int:
    """How many workers render: `jobs`, or one per core (the same number every time, so the
    pool stays the one already started)."""
    return max(1, jobs or os.cpu_count() or 1)


def pool(workers: int) -> ProcessPoolExecutor:
    """The warm pool with `workers` processes (a new one only when the number changes or the
    last one broke)."""
    global _pool, _workers
    broken = _pool is not None and getattr(_pool, "_broken", False)
    if _pool is None or workers != _workers or broken:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        context = multiprocessing.get_context("forkserver")
        # Imported once by the fork server, so every worker forked from it starts with them.
        context.set_forkserver_preload(["weasyprint", "peerkit.packs.layout", __name__])
        _pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker)
        _workers = workers
    return _pool


def submit(workers: int, html: str, target: Path) -> Future[tuple[str, dict[str, object]]]:
    """Render `html` to the PDF `target` in the warm pool. Paths are made absolute here: the
    workers keep the folder they started in, which need not be this call's."""
    args = (html, str(target.absolute()), Path.cwd().as_uri() + "/")
    try:
        return pool(workers).submit(render, *args)
    except BrokenProcessPool:  # broken between `pool`'s check and this submit: start afresh
        # (A worker that dies during a render breaks that render's future, which the caller
        # reports; the next call to `pool` then starts a new pool.)
        shutdown()
        return pool(workers).submit(render, *args)


def shutdown() -> None:
    """Stop the warm pool's workers (the next render starts a new pool)."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


def _start_worker() -> None:
    global _fonts
    from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

    _fonts = FontConfiguration()
    _SharedSheets.install()


class _SharedSheets:
    """WeasyPrint parses each `<style>` element of each document into a stylesheet (tokens,
    declarations, selectors compiled to Python code): about 60 ms for the print CSS, as long as
    laying out a one-page pack's words. Every pack has the same print CSS, so a worker keeps
    the parsed sheet and hands it back for the same text.

    The sheet still comes from the document's own `<style>` element, in its place among the
    document's sheets, so the cascade is the one the document asks for. Only CSS that parses
    the same whatever the document is shared: nothing that registers fonts, counter styles,
    colour profiles or layers with the document, and no `url()` or `@import` (which depend
    on the document's address); any other sheet is parsed afresh, as before.
    """

    PER_DOCUMENT = ("@font-face", "@counter-style", "@color-profile", "@layer", "@import", "url(")
    MAX_SHEETS = 32
    sheets: ClassVar[dict[tuple[str, str], Any]] = {}
    installed: ClassVar[bool] = False

    @classmethod
    def install(cls) -> None:
        import weasyprint.css  # type: ignore[import-untyped]

        if cls.installed:
            return
        cls.installed = True
        parse = weasyprint.css.CSS

        def css(*args: Any, **kwargs: Any) -> Any:
            text = kwargs.get("string")
            media = kwargs.get("media_type", "print")
            if args or not isinstance(text, str) or kwargs.get("layer") is not None:
                return parse(*args, **kwargs)
            lowered = text.lower()
            if any(rule in lowered for rule in cls.PER_DOCUMENT):
                return parse(*args, **kwargs)
            sheet = cls.sheets.get((text, media))
            if sheet is None:
                if len(cls.sheets) >= cls.MAX_SHEETS:  # a long `serve` with edited CSS
                    cls.sheets.clear()
                # Parsed on its own: its @page rules and layers kept in the sheet, not
                # added to the first document's lists.
                sheet = cls.sheets[text, media] = parse(string=text, media_type=media)
            return sheet

        weasyprint.css.CSS = css


def render(html: str, target: str, base_url: str = ".") -> tuple[str, dict[str, object]]:
    """Render one PDF (in a worker process) to `target`, written atomically, with the report
    of its marked boxes (also kept beside it as JSON, for when it comes from the cache).
    Relative addresses in `html` are read from `base_url`."""
    from weasyprint import HTML

    from peerkit.packs.layout import check_boxes, misplaced

    if _fonts is None:  # called outside the pool
        _start_worker()
    if len(_images) > MAX_IMAGES:
        _images.clear()
    partial = f"{target}.{os.getpid()}.part"
    collecting = gc.isenabled()
    gc.disable()
    try:
        document = HTML(string=html, base_url=base_url).render(
            pdf_tags=True, font_config=_fonts, cache=_images
        )
        report = check_boxes(document)
        wrong = misplaced(document, html)
        document.write_pdf(partial, pdf_tags=True)
    finally:
        if collecting:
            gc.enable()
    del document
    gc.collect()
    data = {
        "boxes": report.boxes,
        "overflows": [vars(o) for o in report.overflows],
        "misplaced": wrong,
    }
    Path(f"{partial}.json").write_text(json.dumps(data), encoding="utf-8")
    os.replace(f"{partial}.json", Path(target).with_suffix(".json"))
    os.replace(partial, target)
    return target, data
