"""What the browser sees on a large site, measured in Chromium beside a baseline, same run.

Makes a curriculum of N modules (`bench/corpus.py`), builds it with peerkit (no PDF packs)
and builds a baseline: plain Material (search on, navigation sections and prune) holding the
same module pages as Markdown in one flat "Modules" section. Then it measures:

- the search index (bytes of `search/search_index.json`), peerkit's and the baseline's, and
  the lunr index built with the site (`search/search_lunr.json`);
- a module page's HTML, whole and without its content (the `<article>`), and its nav;
- first search results in Chromium: the time from the first key typed into a search box
  just opened (the index is fetched and built then) to the first list of results, over
  http and from the folder (file://), and the same once the index is ready;
- the catalogue, the activity library and the reflection bank: time to interactive (the
  end of the last long task after load, or load when there is none) and each filter
  keystroke (the key pressed to the next frame), with the time until the list shows the
  result of the last key.

It prints a table and, with `--json`, writes the figures for comparison between runs.

    python bench/frontend.py --size 1000
    python bench/frontend.py --size 200 --repeat 3 --json bench-browser.json
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "bench")]
from corpus import make_site  # noqa: E402

from browser import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

QUERY = "saying no"
"""What the search timing types: two words, found in one module in every eight."""

FILTER = "closing"
"""What the keystroke timing types into the activity library's and catalogue's word filter."""

# Records long tasks from the very start of each page, before any of its scripts run.
LONGTASKS = """
window.__longtasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
}).observe({ type: "longtask", buffered: true });
"""


def build(root: Path, dest: Path) -> float:
    """Seconds for one `mkdocs build` of `root` into `dest` (no PDF packs)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PEERKIT_PACKS": "off"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "-d", str(dest)],
        cwd=root,
        env=env,
        check=True,
    )
    return time.perf_counter() - started


def make_baseline(site: Path, dest: Path) -> Path:
    """Plain Material with the same module pages (peerkit's HTML inline), nav flat."""
    from peerkit.curriculum import check_folder

    result = check_folder(site / "modules")
    assert result.ok, [f.format() for f in result.findings]
    (dest / "docs" / "modules").mkdir(parents=True)
    (dest / "docs" / "index.md").write_text("# Home\n\nThe baseline site.\n")
    for module_id, page in result.pages.items():
        fragments = {k: re.sub(r"\n\s*\n", "\n", html) for k, html in page.fragments.items()}
        text = re.sub(
            r'<div data-peerkit-slot="([^"]+)"></div>',
            lambda s, fragments=fragments: fragments[s[1]],
            page.markdown,
        )
        (dest / "docs" / "modules" / f"{module_id}.md").write_text(text)
    config = {
        "site_name": "Baseline",
        "use_directory_urls": False,
        "theme": {
            "name": "material",
            "font": False,
            "features": ["navigation.sections", "navigation.prune"],
        },
        "plugins": ["search"],
        "markdown_extensions": ["attr_list", "md_in_html", "admonition"],
        "nav": [
            {"Home": "index.md"},
            {"Modules": [f"modules/{module_id}.md" for module_id in result.pages]},
        ],
    }
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return dest


# --- sizes ---------------------------------------------------------------------------


def page_sizes(html: str) -> dict[str, int]:
    """A page's bytes: whole, without its content (the <article>), and its primary nav."""
    whole = len(html.encode())
    article = re.search(r"<article\b.*?</article>", html, re.S)
    content = len(article[0].encode()) if article else 0
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>', html, re.S)
    return {"page": whole, "without_content": whole - content, "nav": len(nav[0]) if nav else 0}


def first_module_page(site: Path) -> Path:
    """A module page from the middle of the list (neither first nor last in its nav)."""
    pages = sorted((site / "modules").glob("*.html"))
    return pages[len(pages) // 2]


# --- Chromium ------------------------------------------------------------------------


TYPING = 120
"""ms between keys: someone typing quickly."""

SEARCH = True
"""Whether to time search (`--no-search` leaves it out)."""

WAIT_MS = 600_000
"""How long to wait for search results or a filtered list before giving up (`--wait`)."""


def _typed_until_results(page: Any, query: str) -> tuple[float, float]:
    """Type `query` a key at a time into the search box (already open); return (ms from the
    first key, ms from the last key) to the first list of results shown after the last key."""
    box = page.locator("input[data-md-component=search-query]")
    page.evaluate("window.__shown = []")
    first = page.evaluate("performance.now()")
    for n, key in enumerate(query):
        if n == len(query) - 1:
            page.evaluate("window.__last = performance.now()")
        box.press(key)
        if n < len(query) - 1:
            page.wait_for_timeout(TYPING)
    page.wait_for_function(
        "window.__shown.some((t) => t > window.__last)", timeout=WAIT_MS, polling=20
    )
    shown = page.evaluate("window.__shown.find((t) => t > window.__last)")
    return shown - first, shown - page.evaluate("window.__last")


def search_timing(page: Any, url: str, query: str) -> tuple[float, float, float]:
    """For a search box opened on a page just loaded (the index is fetched and built then):
    ms from the first key to the first results, and from the last key; then ms from the last
    key when the same query is typed again, the index ready."""
    page.goto(url, wait_until="load", timeout=WAIT_MS)
    page.evaluate(
        """() => {
          const meta = document.querySelector('.md-search-result__meta');
          const results = document.querySelector('.md-search-result');
          new MutationObserver(() => {
            if (/\\d matching document/.test(meta.textContent))
              window.__shown.push(performance.now());
          }).observe(results, { childList: true, characterData: true, subtree: true });
        }"""
    )
    box = page.locator("input[data-md-component=search-query]")
    box.click()
    from_first, from_last = _typed_until_results(page, query)
    box.fill("")
    box.press("Backspace")
    page.wait_for_timeout(500)
    _, again = _typed_until_results(page, query)
    return from_first, from_last, again


def interactive(page: Any, url: str, ready: str | None = None) -> float:
    """ms from navigation to interactive: the end of the last long task after the page
    loads (load itself when there is none), with the page quiet for 1 s after (and after
    `ready`, a script's condition, holds: the planner's buttons enabled, say)."""
    page.goto(url, wait_until="load")
    if ready:
        page.wait_for_function(ready, timeout=WAIT_MS, polling=50)
    page.wait_for_timeout(1000)
    return float(
        page.evaluate(
            """() => {
              const nav = performance.getEntriesByType('navigation')[0];
              const ends = window.__longtasks.map(([s, d]) => s + d);
              return Math.max(nav.loadEventEnd, ...ends);
            }"""
        )
    )


def keystrokes(page: Any, url: str, word: str) -> tuple[list[float], float]:
    """Per key typed into the word filter: ms from the key to the next frame; and ms from
    the last key to the list showing its result (the filters write the address bar then)."""
    page.goto(url, wait_until="load")
    box = page.locator("[data-peerkit-filters] input[name=q]")
    box.focus()
    page.wait_for_timeout(300)
    page.evaluate(
        """(word) => {
          window.__keys = [];
          const box = document.querySelector('[data-peerkit-filters] input[name=q]');
          box.addEventListener('keydown', () => {
            const start = performance.now();
            requestAnimationFrame(() => setTimeout(() => {
              window.__keys.push(performance.now() - start);
            }));
          }, true);
          window.__filtered = null;
          const replace = history.replaceState.bind(history);
          history.replaceState = (state, title, address) => {
            replace(state, title, address);
            if (new URL(address, location.href).searchParams.get('q') === word) {
              requestAnimationFrame(() => setTimeout(() => {
                window.__filtered = window.__filtered || performance.now();
              }));
            }
          };
        }""",
        word,
    )
    for n, key in enumerate(word):
        if n == len(word) - 1:
            page.evaluate("window.__last = performance.now()")
        box.press(key)
        page.wait_for_timeout(120)  # someone typing quickly
    page.wait_for_function(
        f"window.__keys.length >= {len(word)} && window.__filtered !== null", timeout=WAIT_MS
    )
    keys = page.evaluate("window.__keys")
    shown = page.evaluate("window.__filtered - window.__last")
    return keys, shown


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


BROWSE_PAGES = [
    ("catalogue", "browse/catalogue.html", True),
    ("library", "browse/activities.html", True),
    ("bank", "browse/reflections.html", True),
    ("planner", "browse/planner.html", False),
]
"""The browse pages timed: name, path, and whether it has the word filter to type into."""

PLANNER_READY = "!document.querySelector('[data-planner-wait]').disabled"
"""The planner is ready once its buttons are enabled (its index has arrived)."""


def measure_browse(
    fresh: Callable[..., Any], url: str, repeat: int, prefix: str = ""
) -> dict[str, Any]:
    """Interactive and keystroke times of the browse pages of the site served at `url`."""
    out: dict[str, Any] = {}
    for name, path, typed in BROWSE_PAGES:
        address = url + path
        ready = PLANNER_READY if name == "planner" else None
        tti = [fresh(lambda pg, a=address, r=ready: interactive(pg, a, r)) for _ in range(repeat)]
        out[f"{prefix}{name}_interactive_ms"] = median(tti)
        out[f"{prefix}{name}_interactive_runs_ms"] = tti
        if not typed:
            continue
        keys: list[float] = []
        shown: list[float] = []
        for _ in range(repeat):
            k, s = fresh(lambda pg, a=address: keystrokes(pg, a, FILTER))
            keys += k
            shown.append(s)
        out[f"{prefix}{name}_keystroke_median_ms"] = median(keys)
        out[f"{prefix}{name}_keystroke_max_ms"] = max(keys)
        out[f"{prefix}{name}_filtered_ms"] = median(shown)
    return out


def measure_browser(
    site: Path, baseline: Path, repeat: int, before: Path | None = None
) -> dict[str, Any]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    module = first_module_page(site).relative_to(site).as_posix()
    base_module = first_module_page(baseline).relative_to(baseline).as_posix()
    out: dict[str, Any] = {}
    with serve(site) as url, serve(baseline) as base_url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def searched(url: str) -> tuple[float, float, float]:
            """search_timing, or infinity for results that never came within WAIT_MS."""
            try:
                return fresh(lambda pg: search_timing(pg, url, QUERY))
            except PlaywrightTimeout:
                return (math.inf, math.inf, math.inf)

        def fresh(run: Callable[[Any], Any]) -> Any:
            # bypass_csp: the site's policy refuses the timing scripts Playwright evaluates
            context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
            context.add_init_script(LONGTASKS)
            context.set_default_timeout(WAIT_MS)
            context.set_default_navigation_timeout(WAIT_MS)
            try:
                return run(context.new_page())
            finally:
                context.close()

        runs: dict[str, list[tuple[float, float, float]]] = {
            "http": [],
            "file": [],
            "baseline": [],
        }
        for _ in range(repeat if SEARCH else 0):
            runs["http"].append(searched(url + module))
            runs["file"].append(searched((site / module).as_uri()))
            runs["baseline"].append(searched(base_url + base_module))
        for name, values in runs.items():
            out[f"search_first_{name}_ms"] = median([v[0] for v in values])
            out[f"search_after_typing_{name}_ms"] = median([v[1] for v in values])
            out[f"search_ready_{name}_ms"] = median([v[2] for v in values])
        print(json.dumps(out), file=sys.stderr, flush=True)  # so far, should a later step fail

        # Each round times this site's browse pages, the same pages of `before` (the same
        # corpus built by another checkout) if given, and a plain Material page, in turn.
        rounds: list[dict[str, Any]] = []
        with contextlib.ExitStack() as stack:
            before_url = stack.enter_context(serve(before)) if before else None
            for n in range(repeat):
                # Which site goes first alternates between rounds, so neither always meets
                # the browser just started or just after the other.
                figures: dict[str, Any] = {}
                sides = [("", url)] + ([("before_", before_url)] if before_url else [])
                for prefix, address in sides[:: -1 if n % 2 else 1]:
                    figures.update(measure_browse(fresh, address, 1, prefix))
                figures["baseline_page_interactive_ms"] = fresh(
                    lambda pg: interactive(pg, base_url + base_module)
                )
                rounds.append(figures)
        for key in rounds[0]:
            if key.endswith("_runs_ms"):
                out[key] = [v for r in rounds for v in r[key]]
            elif key.endswith("_max_ms"):
                out[key] = max(r[key] for r in rounds)
            else:
                out[key] = median([r[key] for r in rounds])
        out["baseline_page_interactive_runs_ms"] = [
            r["baseline_page_interactive_ms"] for r in rounds
        ]
        browser.close()
    return out


def measure(
    size: int,
    repeat: int,
    work: Path,
    reuse: bool = False,
    rebuild: bool = False,
    before: Path | None = None,
) -> dict[str, Any]:
    """Every figure at `size` modules; with `reuse`, the sites already built in `work`
    (with `rebuild`, peerkit's site built again from the same corpus: code changed since).
    `before` is the same corpus built by another checkout, whose browse pages are timed in
    the same run."""
    site, baseline = work / "site", work / "baseline"
    figures: dict[str, Any] = {"modules": size}
    if not reuse:
        make_site(site, size)
        make_baseline(site, baseline)
    if not reuse or rebuild:
        figures["build_s"] = build(site, site / "site")
    if not reuse:
        figures["baseline_build_s"] = build(baseline, baseline / "site")
    built, base = site / "site", baseline / "site"
    figures["index_bytes"] = (built / "search" / "search_index.json").stat().st_size
    figures["baseline_index_bytes"] = (base / "search" / "search_index.json").stat().st_size
    prebuilt = built / "search" / "search_lunr.json"  # the lunr index built with the site
    figures["prebuilt_index_bytes"] = prebuilt.stat().st_size if prebuilt.is_file() else 0
    figures["index_costs"] = field_costs(built / "search" / "search_index.json")
    figures["baseline_index_costs"] = field_costs(base / "search" / "search_index.json")
    for name, folder in [("", built), ("baseline_", base)]:
        sizes = page_sizes(first_module_page(folder).read_text(encoding="utf-8"))
        for key, value in sizes.items():
            figures[f"{name}module_{key}_bytes"] = value
    for name in ("catalogue", "activities", "reflections", "planner"):
        figures[f"{name}_html_bytes"] = (built / "browse" / f"{name}.html").stat().st_size
        if before:
            figures[f"before_{name}_html_bytes"] = (
                (before / "browse" / f"{name}.html").stat().st_size
            )
    planner_index = built / "assets" / "peerkit" / "index-planner.js"
    whole_index = built / "assets" / "peerkit" / "index.js"
    figures["planner_index_bytes"] = (
        (planner_index if planner_index.exists() else whole_index).stat().st_size
    )
    if before:
        figures["before_planner_index_bytes"] = (
            (before / "assets" / "peerkit" / "index.js").stat().st_size
        )
    figures.update(measure_browser(built, base, repeat, before))
    return figures


ROWS = [
    ("search index", "index_bytes", "baseline_index_bytes", "bytes"),
    ("prebuilt lunr index (search_lunr.json)", "prebuilt_index_bytes", None, "bytes"),
    ("module page HTML", "module_page_bytes", "baseline_module_page_bytes", "bytes"),
    (
        "module page without its content",
        "module_without_content_bytes",
        "baseline_module_without_content_bytes",
        "bytes",
    ),
    ("module page nav", "module_nav_bytes", "baseline_module_nav_bytes", "bytes"),
    (
        "search opened, first results after the first key, http",
        "search_first_http_ms",
        "search_first_baseline_ms",
        "ms",
    ),
    (
        "search opened, first results after the last key, http",
        "search_after_typing_http_ms",
        "search_after_typing_baseline_ms",
        "ms",
    ),
    (
        "search opened, first results after the first key, file://",
        "search_first_file_ms",
        None,
        "ms",
    ),
    (
        "search opened, first results after the last key, file://",
        "search_after_typing_file_ms",
        None,
        "ms",
    ),
    (
        "results after the last key, index ready, http",
        "search_ready_http_ms",
        "search_ready_baseline_ms",
        "ms",
    ),
    ("results after the last key, index ready, file://", "search_ready_file_ms", None, "ms"),
    ("catalogue HTML", "catalogue_html_bytes", None, "bytes"),
    ("catalogue interactive", "catalogue_interactive_ms", "baseline_page_interactive_ms", "ms"),
    ("catalogue keystroke (median)", "catalogue_keystroke_median_ms", None, "ms"),
    ("catalogue keystroke (slowest)", "catalogue_keystroke_max_ms", None, "ms"),
    ("catalogue list updated after last key", "catalogue_filtered_ms", None, "ms"),
    ("activity library HTML", "activities_html_bytes", None, "bytes"),
    ("library interactive", "library_interactive_ms", "baseline_page_interactive_ms", "ms"),
    ("library keystroke (median)", "library_keystroke_median_ms", None, "ms"),
    ("library keystroke (slowest)", "library_keystroke_max_ms", None, "ms"),
    ("library list updated after last key", "library_filtered_ms", None, "ms"),
    ("reflection bank HTML", "reflections_html_bytes", None, "bytes"),
    ("reflection bank interactive", "bank_interactive_ms", "baseline_page_interactive_ms", "ms"),
    ("reflection bank keystroke (median)", "bank_keystroke_median_ms", None, "ms"),
    ("reflection bank keystroke (slowest)", "bank_keystroke_max_ms", None, "ms"),
    ("reflection bank updated after last key", "bank_filtered_ms", None, "ms"),
    ("planner HTML", "planner_html_bytes", None, "bytes"),
    ("planner's index, fetched after first paint", "planner_index_bytes", None, "bytes"),
    (
        "planner interactive (its buttons enabled)",
        "planner_interactive_ms",
        "baseline_page_interactive_ms",
        "ms",
    ),
]
BEFORE_ROWS = [
    (label, key)
    for label, key, _, _ in ROWS
    if key.split("_")[0] in ("catalogue", "library", "activities", "bank", "reflections", "planner")
]
"""The rows `--before` gives a second figure for (the same key with `before_`)."""


def _shown(value: float, unit: str) -> str:
    if math.isinf(value):
        return f"none in {WAIT_MS / 1000:.0f} s"
    if unit == "bytes":
        return f"{value / 1e6:.2f} MB" if value >= 1e6 else f"{value / 1e3:.1f} KB"
    return f"{value:,.0f} ms"


def before_table(figures: dict[str, Any]) -> str:
    """The browse pages' figures beside those of `--before`, measured in the same run."""
    units = {key: unit for _, key, _, unit in ROWS}
    lines = [
        f"| at {figures['modules']:,} modules | before | after | Material page, same run |",
        "|---|---|---|---|",
    ]
    base = figures.get("baseline_page_interactive_ms")
    for label, key in BEFORE_ROWS:
        if key not in figures or f"before_{key}" not in figures:
            continue
        unit = units[key]
        side = _shown(base, unit) if key.endswith("interactive_ms") and base else "-"
        was, now = _shown(figures[f"before_{key}"], unit), _shown(figures[key], unit)
        lines.append(f"| {label} | {was} | {now} | {side} |")
    return "\n".join(lines)


def table(figures: dict[str, Any]) -> str:
    """The figures as a Markdown table, with each one's ratio to its baseline."""
    lines = [
        f"| at {figures['modules']:,} modules | peerkit | baseline | ratio |",
        "|---|---|---|---|",
    ]
    for label, key, base_key, unit in ROWS:
        value = figures.get(key)
        if value is None:
            continue
        base = figures.get(base_key) if base_key else None
        ratio = f"{value / base:.2f}x" if base and not math.isinf(value + base) else "-"
        base_text = _shown(base, unit) if base else "-"
        lines.append(f"| {label} | {_shown(value, unit)} | {base_text} | {ratio} |")
    if "build_s" in figures and "baseline_build_s" in figures:
        lines.append(
            f"| build (no packs) | {figures['build_s']:.0f} s"
            f" | {figures['baseline_build_s']:.0f} s"
            f" | {figures['build_s'] / figures['baseline_build_s']:.2f}x |"
        )
    return "\n".join(lines)


FIELDS = ("location", "title", "text", "keywords", "tags", "synonyms", "tag_synonyms", "boost")


def field_costs(index: Path) -> dict[str, Any]:
    """Bytes of the index by field, and by kind of entry (JSON as written, keys included)."""
    docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
    by_field = dict.fromkeys(FIELDS, 0)
    by_kind: dict[str, list[int]] = {}
    for doc in docs:
        for key, value in doc.items():
            cost = len(json.dumps({key: value}, ensure_ascii=False, separators=(",", ":")))
            by_field[key] = by_field.get(key, 0) + cost - 2
        page, _, anchor = doc["location"].partition("#")
        if not page.startswith("modules/"):
            kind = "other pages"
        elif not anchor:
            kind = "module (title, summary, tags, outcomes)"
        elif "-reflect-" in anchor:
            kind = "reflection question"
        elif anchor.startswith("handout-"):
            kind = "handout"
        elif "keywords" in doc:
            kind = "activity (title, aim)"
        else:
            kind = "section of prose"
        entry = by_kind.setdefault(kind, [0, 0])
        entry[0] += 1
        entry[1] += len(json.dumps(doc, ensure_ascii=False, separators=(",", ":"))) + 1
    return {"entries": len(docs), "by_field": by_field, "by_kind": by_kind}


def cost_table(costs: dict[str, Any], base: dict[str, Any], modules: int) -> str:
    """What each field and each kind of entry costs, beside Material's index of the same
    pages."""
    lines = [
        "| field | peerkit | per module | Material's own index | per module |",
        "|---|---|---|---|---|",
    ]
    for field in FIELDS:
        ours, theirs = costs["by_field"].get(field, 0), base["by_field"].get(field, 0)
        lines.append(
            f"| `{field}` | {_shown(ours, 'bytes')} | {_shown(ours / modules, 'bytes')}"
            f" | {_shown(theirs, 'bytes')} | {_shown(theirs / modules, 'bytes')} |"
        )
    lines += ["", "| entry | how many | bytes | per module |", "|---|---|---|---|"]
    for kind, (count, size) in sorted(costs["by_kind"].items(), key=lambda kv: -kv[1][1]):
        lines.append(
            f"| {kind} | {count:,} | {_shown(size, 'bytes')} | {_shown(size / modules, 'bytes')} |"
        )
    return "\n".join(lines)


def write_section(markdown: Path, heading: str, body: str) -> None:
    """Put `body` under `## heading` in `markdown`, replacing what was there (up to the next
    `## ` heading), so other sections of the file stay as they are."""
    text = markdown.read_text(encoding="utf-8") if markdown.is_file() else "# Benchmarks\n"
    section = f"## {heading}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    markdown.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="modules in the generated site")
    parser.add_argument("--repeat", type=int, default=3, help="runs per browser measurement")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    parser.add_argument("--wait", type=float, default=600, help="seconds to wait for results")
    parser.add_argument("--no-search", action="store_true", help="leave out the search timings")
    parser.add_argument("--keep", type=Path, help="build here and keep the sites")
    parser.add_argument(
        "--markdown", type=Path, help="write the tables into this file's own sections"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure the sites already built in --keep"
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="with --reuse: build peerkit's site in --keep again (the corpus and baseline kept)",
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="a built site of the same corpus from another checkout: its browse pages are"
        " timed in the same run, in turn with this one's",
    )
    args = parser.parse_args()
    global WAIT_MS, SEARCH
    WAIT_MS = int(args.wait * 1000)
    SEARCH = not args.no_search
    if args.keep:
        figures = measure(
            args.size,
            args.repeat,
            args.keep,
            reuse=args.reuse,
            rebuild=args.rebuild,
            before=args.before,
        )
    else:
        with tempfile.TemporaryDirectory() as tmp:
            figures = measure(args.size, args.repeat, Path(tmp))
    if args.json:  # first, so that a figure a table cannot show is still kept
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    print(table(figures))
    print()
    if args.before:
        print(before_table(figures))
        print()
    print(cost_table(figures["index_costs"], figures["baseline_index_costs"], args.size))
    if args.markdown:
        stamp = f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, `{' '.join(sys.argv[1:])}`"
        write_section(
            args.markdown,
            "In the browser",
            f"`bench/frontend.py` ({stamp}). Medians of {args.repeat} runs in Chromium.\n\n"
            + table(figures),
        )
        write_section(
            args.markdown,
            "Search index",
            f"What each field and each kind of entry costs at {args.size:,} modules"
            f" (`bench/frontend.py`, {stamp}).\n\n"
            + cost_table(figures["index_costs"], figures["baseline_index_costs"], args.size),
        )


if __name__ == "__main__":
    main()
