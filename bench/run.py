"""peerkit's build cost against plain MkDocs, measured in the same run.

For each size N it makes a curriculum of N modules (copies of the reference module with
their ids renamed), then times, as the median of a few runs:

- `peerkit check` on it (in this process);
- `mkdocs build` of the site with peerkit (loading, checking, rendering, cleaning);
- the baseline: `mkdocs build` of the same pages already rendered to Markdown (peerkit's
  HTML inline), with the peerkit and macros plugins switched off: what MkDocs and Material
  cost for those pages anyway.

It prints each time with its ratio to the baseline, and the builds' peak memory.

    python bench/run.py --sizes 10,50 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from peerkit import safeyaml
from peerkit.curriculum import check_folder
from peerkit.render import RenderedModule

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "modules" / "mutuality.md"


def renamed(front: dict[str, Any], n: int) -> dict[str, Any]:
    """The reference module's data with every id made unique to copy `n`."""
    suffix = f"-{n}"
    data = dict(front, id=front["id"] + suffix, title=f"{front['title']} ({n})", prerequisites=[])
    if front.get("break_after"):
        data["break_after"] = front["break_after"] + suffix
    data["handouts"] = [dict(h, id=h["id"] + suffix) for h in front.get("handouts", [])]
    data["activities"] = [
        dict(a, id=a["id"] + suffix, handouts=[h + suffix for h in a.get("handouts", [])])
        for a in front["activities"]
    ]
    return data


def make_site(dest: Path, size: int) -> Path:
    for name in ("mkdocs.yml", "macros.py"):
        shutil.copy(ROOT / name, dest / name)
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, dest / name)
    (dest / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    text = REFERENCE.read_text(encoding="utf-8")
    _, front_text, body = text.split("---\n", 2)
    front, _, problems = safeyaml.load(front_text)
    assert not problems
    (dest / "modules").mkdir()
    for n in range(1, size + 1):
        dumped = yaml.safe_dump(renamed(front, n), sort_keys=False, allow_unicode=True)
        (dest / "modules" / f"module-{n:04}.md").write_text(f"---\n{dumped}---\n{body}")
    return dest


def inlined(page: RenderedModule) -> str:
    """The page's Markdown with peerkit's HTML in place of each slot, as raw HTML blocks."""
    fragments = {key: re.sub(r"\n\s*\n", "\n", html) for key, html in page.fragments.items()}
    return re.sub(
        r'<div data-peerkit-slot="([^"]+)"></div>', lambda s: fragments[s[1]], page.markdown
    )


def make_baseline(site: Path, dest: Path) -> Path:
    """The same pages as plain Markdown files, built with peerkit and macros off."""
    result = check_folder(site / "modules")
    assert result.ok, [f.format() for f in result.findings]
    shutil.copytree(site / "docs", dest / "docs")
    (dest / "docs" / "index.md").write_text("# Home\n\nThe baseline site.\n")
    (dest / "docs" / "modules").mkdir()
    for module_id, page in result.pages.items():
        (dest / "docs" / "modules" / f"{module_id}.md").write_text(inlined(page))
    config = yaml.safe_load((site / "mkdocs.yml").read_text())
    config["plugins"] = ["search"]
    config["nav"] = [
        {"Home": "index.md"},
        {"Writing modules": "writing-modules.md"},
        {"Modules": [f"modules/{module_id}.md" for module_id in result.pages]},
    ]
    config["theme"].pop("custom_dir", None)
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return dest


def timed_build(site: Path) -> float:
    """Seconds for one `mkdocs build` of the pages (PDF packs are timed by bench/packs.py)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PEERKIT_PACKS": "off"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet"], cwd=site, env=env, check=True
    )
    return time.perf_counter() - started


def median_of(repeat: int, run: Callable[[], float]) -> float:
    return statistics.median(run() for _ in range(repeat))


def timed_check(site: Path) -> float:
    started = time.perf_counter()
    check_folder(site / "modules")
    return time.perf_counter() - started


def measure(size: int, repeat: int) -> tuple[float, float, float]:
    """Median seconds for (baseline build, peerkit build, peerkit check) at `size` modules."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "site").mkdir()
        site = make_site(Path(tmp) / "site", size)
        baseline = make_baseline(site, Path(tmp) / "baseline")
        return (
            median_of(repeat, lambda: timed_build(baseline)),
            median_of(repeat, lambda: timed_build(site)),
            median_of(repeat, lambda: timed_check(site)),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,50", help="numbers of modules, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement")
    args = parser.parse_args()

    print(f"{'modules':>7}  {'baseline build':>14}  {'peerkit build':>19}  {'peerkit check':>19}")
    for size in (int(s) for s in args.sizes.split(",")):
        base, build, checked = measure(size, args.repeat)
        print(
            f"{size:>7}  {base:>12.2f} s  {build:>7.2f} s ({build / base:4.2f}x)"
            f"  {checked:>7.2f} s ({checked / base:4.2f}x)"
        )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(f"Peak memory of the largest build: {peak} MiB")


if __name__ == "__main__":
    main()
