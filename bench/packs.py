"""Time the reference curriculum's PDF packs: cold, cached, and the same pages in Chromium.

Every pack's print HTML is rendered three ways in one run:
- WeasyPrint through `build_packs`, cold (empty cache), with one worker per core;
- the same again with the cache warm (nothing should render);
- WeasyPrint with one worker, and Debian's Chromium `--print-to-pdf` one page at a time, which
  is the baseline: the same HTML, printed by a browser.
Times are reported as ratios against the Chromium baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

from peerkit.load import load_folder
from peerkit.model import Curriculum
from peerkit.packs.build import PrintTemplates, build_packs, packs_for
from peerkit.sessions.checks import check_plans
from peerkit.sessions.view import sessions_of
from peerkit.site import settings_from_config

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=CHROMIUM)
    args = parser.parse_args()
    files, findings, _ = load_folder(ROOT / "modules")
    assert not findings, findings
    curriculum = Curriculum(files=files)
    plans, findings = check_plans(ROOT / "sessions", curriculum)
    assert not findings, findings
    settings = settings_from_config(ROOT / "mkdocs.yml")
    packs = [p for s in sessions_of(curriculum, plans, settings) for p in packs_for(s)]

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)

        def timed(out: str, cache: str, jobs: int | None = None) -> tuple[float, int]:
            started = time.perf_counter()
            report = build_packs(packs, work / out, work / cache, settings, jobs=jobs)
            return time.perf_counter() - started, report.rendered

        cold, rendered = timed("cold", "cache")
        cached, rerendered = timed("cached", "cache")
        single, _ = timed("single", "cache-single", jobs=1)

        templates = PrintTemplates()
        html_dir = work / "html"
        html_dir.mkdir()
        started = time.perf_counter()
        for n, pack in enumerate(packs):
            page = html_dir / f"{n}.html"
            page.write_text(templates.html(pack.kind, pack.session, settings), encoding="utf-8")
            subprocess.run(
                [
                    args.chromium,
                    *CHROMIUM_ARGS,
                    f"--user-data-dir={work / 'profile'}",
                    f"--print-to-pdf={html_dir / f'{n}.pdf'}",
                    page.as_uri(),
                ],
                check=True,
                capture_output=True,
            )
        chromium = time.perf_counter() - started
        pages = sum(1 for _ in html_dir.glob("*.pdf"))

    cores = os.cpu_count() or 1
    print(f"{len(packs)} packs ({rendered} rendered cold, {rerendered} re-rendered when cached)")
    rows = [
        ("Chromium --print-to-pdf, one at a time (baseline)", chromium),
        ("peerkit packs, one worker", single),
        (f"peerkit packs, cold, {cores} workers", cold),
        ("peerkit packs, cached", cached),
    ]
    for label, seconds in rows:
        print(f"{label:52} {seconds:7.2f} s  {seconds / chromium:6.3f}x")
    assert pages == len(packs)


if __name__ == "__main__":
    main()
