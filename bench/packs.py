"""Time the reference curriculum's PDF packs: cold, cached, and the same pages in Chromium.

Every pack's print HTML is printed in one run, each way in a fresh process, as `peerkit
build` starts one:
- Chromium `--print-to-pdf` (Debian's), the baseline: the same HTML printed by a browser, on
  every core (one page per Chromium process, as many processes at a time as cores), and one
  at a time;
- peerkit (WeasyPrint through `build_packs`), cold (empty cache), on every core and on one;
- peerkit again with the cache warm: it must render nothing.
Wall time and CPU time (all processes, children included) are reported as ratios to the
Chromium run on every core, measured in the same run; `--repeat` takes medians, alternating
subject and baseline. `--write docs/benchmarks.md` puts the table under its "Packs" heading
(only that section of the file is replaced).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing.forkserver
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
]
BEGIN, END = "<!-- bench/packs.py: begin -->", "<!-- bench/packs.py: end -->"


def reference_packs() -> tuple[list[object], object]:
    from peerkit.load import load_folder
    from peerkit.model import Curriculum
    from peerkit.packs.build import packs_for
    from peerkit.sessions.checks import check_plans
    from peerkit.sessions.view import sessions_of
    from peerkit.site import settings_from_config

    files, findings, _ = load_folder(ROOT / "modules")
    assert not findings, findings
    curriculum = Curriculum(files=files)
    plans, findings = check_plans(ROOT / "sessions", curriculum)
    assert not findings, findings
    settings = settings_from_config(ROOT / "mkdocs.yml")
    return [p for s in sessions_of(curriculum, plans, settings) for p in packs_for(s)], settings


def render_packs(out: Path, cache: Path, jobs: int) -> None:
    """In a fresh process: every reference pack through `build_packs`; prints its report."""
    from peerkit.packs import pdf
    from peerkit.packs.build import build_packs

    packs, settings = reference_packs()
    report = build_packs(packs, out, cache, settings, jobs=jobs)  # type: ignore[arg-type]
    # The workers are the fork server's children: stop them and it, and wait for it, so
    # that their CPU time counts in this process's children (a fork server left to exit
    # by itself is never waited for, and its CPU time, the renders' included, is lost).
    pdf.shutdown()
    server = getattr(multiprocessing.forkserver, "_forkserver", None)
    if server is not None and hasattr(server, "_stop"):
        server._stop()
    print(json.dumps({"packs": len(packs), "rendered": report.rendered, "cached": report.cached}))


def write_html(folder: Path) -> list[Path]:
    """Each pack's print HTML as a file, for Chromium."""
    from peerkit.packs.build import PrintTemplates, card_decks

    packs, settings = reference_packs()
    templates = PrintTemplates()
    pages = []
    for n, pack in enumerate(packs):
        decks = card_decks(pack.printed, "a4", {}) if pack.kind == "cards" else {}  # type: ignore[attr-defined]
        html = templates.html(pack.kind, pack.printed, settings, decks=decks)  # type: ignore[attr-defined, arg-type]
        page = folder / f"{n}.html"
        page.write_text(html, encoding="utf-8")
        pages.append(page)
    return pages


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def peerkit_run(out: Path, cache: Path, jobs: int) -> tuple[float, float, dict[str, int]]:
    """(wall, CPU, report) of rendering every pack in a fresh process."""
    command = [sys.executable, __file__, "--render", str(out), str(cache), str(jobs)]
    cpu, started = children_cpu(), time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return time.perf_counter() - started, children_cpu() - cpu, json.loads(done.stdout)


def chromium_run(chromium: str, pages: list[Path], work: Path, jobs: int) -> tuple[float, float]:
    """(wall, CPU) of Chromium printing every page, `jobs` processes at a time."""

    def one(page: Path) -> None:
        subprocess.run(
            [
                chromium,
                *CHROMIUM_ARGS,
                f"--user-data-dir={work / f'profile-{page.stem}'}",
                f"--print-to-pdf={page.with_suffix('.pdf')}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
        )

    cpu, started = children_cpu(), time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, pages))
    wall, used = time.perf_counter() - started, children_cpu() - cpu
    assert all(page.with_suffix(".pdf").stat().st_size > 0 for page in pages)
    return wall, used


def versions(chromium: str) -> str:
    from importlib.metadata import version

    browser = subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout
    return (
        f"WeasyPrint {version('weasyprint')}, {browser.strip()}, Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=CHROMIUM)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--write", type=Path, help="put the table under ## Packs in this file")
    parser.add_argument(
        "--skip-single", action="store_true", help="leave out the one-at-a-time rows (quicker)"
    )
    parser.add_argument("--render", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.render:
        out, cache, jobs = args.render
        render_packs(Path(out), Path(cache), int(jobs))
        return
    cores = os.cpu_count() or 1
    times: dict[str, list[tuple[float, float]]] = {}
    counts: dict[str, dict[str, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        html = work / "html"
        html.mkdir()
        pages = write_html(html)
        for n in range(args.repeat):
            run = work / str(n)
            # Subject and baseline in turn, so a change in the machine's load hits both.
            times.setdefault("chromium", []).append(chromium_run(args.chromium, pages, run, cores))
            wall, cpu, counts["cold"] = peerkit_run(run / "cold", run / "cache", cores)
            times.setdefault("cold", []).append((wall, cpu))
            wall, cpu, counts["cached"] = peerkit_run(run / "again", run / "cache", cores)
            times.setdefault("cached", []).append((wall, cpu))
            if args.skip_single:
                continue
            times.setdefault("chromium-1", []).append(
                chromium_run(args.chromium, pages, run / "one", 1)
            )
            wall, cpu, counts["single"] = peerkit_run(run / "single", run / "cache-1", 1)
            times.setdefault("single", []).append((wall, cpu))
    medians = {
        key: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for key, runs in times.items()
    }
    base_wall, base_cpu = medians["chromium"]
    rows = [
        ("chromium", f"Chromium `--print-to-pdf`, {cores} at a time (baseline)"),
        ("chromium-1", "Chromium `--print-to-pdf`, one at a time"),
        ("cold", f"peerkit packs, cold, {cores} workers"),
        ("single", "peerkit packs, cold, one worker"),
        ("cached", "peerkit packs, cache warm (nothing changed)"),
    ]
    cold, cached = counts["cold"], counts["cached"]
    lines = [
        f"{cold['packs']} reference packs; cold: {cold['rendered']} rendered; cache warm: "
        f"{cached['rendered']} rendered, {cached['cached']} from the cache. Median of "
        f"{args.repeat} run(s), {cores} cores, {versions(args.chromium)}, "
        f"{time.strftime('%Y-%m-%d')}.",
        "",
        "| What | Wall | Wall ratio | CPU | CPU ratio |",
        "|---|---|---|---|---|",
    ]
    for key, label in rows:
        if key not in medians:
            continue
        wall, cpu = medians[key]
        lines.append(
            f"| {label} | {wall:.1f} s | {wall / base_wall:.2f}x | {cpu:.1f} s | "
            f"{cpu / base_cpu:.2f}x |"
        )
    table = "\n".join(lines)
    print(table)
    assert cached["rendered"] == 0, "a cached rebuild rendered packs"
    if args.write:
        write_section(args.write, table)


def write_section(path: Path, table: str) -> None:
    """Replace the generated table in the file's "## Packs" section (made if missing),
    leaving the rest of the file, and of the section, as it is."""
    # A new file is a page of the site, kept out of its search.
    new = "---\nsearch:\n  exclude: true\n---\n\n# Benchmarks\n"
    text = path.read_text(encoding="utf-8") if path.exists() else new
    block = f"{BEGIN}\n{table}\n{END}"
    if BEGIN in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n## Packs\n\n`make bench` (`bench/packs.py`):\n\n" + block
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
