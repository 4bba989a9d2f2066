"""Lighthouse mobile scores for peerkit's pages beside a default Material page, same run.

Builds the reference site (without PDF packs) and a baseline: Material with its defaults
(only `font: false`, as Google Fonts cannot be reached here) holding one of the same
hand-written pages. Serves both on 127.0.0.1 and runs Lighthouse (`peerkit.npm.BENCH_TOOLS`,
installed by npm into `.tools/` on first use) with its mobile preset on Debian's Chromium
against home, a module, the catalogue, the activity library and the planner, then the
baseline. Scores move by 10 to 20 points between runs on a busy 2-core machine: read them
against the baseline measured in the same run (the median of `--repeat` runs is shown).

    python bench/lighthouse.py --repeat 3
    python bench/lighthouse.py --repeat 2 --pages planner home
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from peerkit.npm import BENCH_TOOLS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import serve  # noqa: E402

TOOLS = ROOT / ".tools" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
PAGES = [
    ("home", "index.html"),
    ("module", "modules/boundaries.html"),
    ("catalogue", "browse/catalogue.html"),
    ("library", "browse/activities.html"),
    ("planner", "browse/planner.html"),
]


def lighthouse() -> Path:
    """The pinned Lighthouse, installed with npm on first use."""
    version = BENCH_TOOLS["lighthouse"]
    binary = TOOLS / "node_modules" / ".bin" / "lighthouse"
    manifest = TOOLS / "node_modules" / "lighthouse" / "package.json"
    installed = json.loads(manifest.read_text())["version"] if manifest.is_file() else None
    if installed != version:
        TOOLS.mkdir(parents=True, exist_ok=True)
        # A package.json of its own, or npm looks further up, finds the repository's and
        # installs Lighthouse into the site's node_modules.
        own = TOOLS / "package.json"
        if not own.is_file():
            own.write_text(json.dumps({"name": "peerkit-bench-tools", "private": True}) + "\n")
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--save-exact", f"lighthouse@{version}"],
            cwd=TOOLS,
            check=True,
        )
    return binary


def build(root: Path, dest: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PEERKIT_PACKS": "off"}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "-d", str(dest)],
        cwd=root,
        env=env,
        check=True,
    )


def baseline_site(work: Path) -> Path:
    """Material with its defaults, holding the facilitator's guide as its home page."""
    root = work / "baseline"
    (root / "docs").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "facilitator-guide.md", root / "docs" / "index.md")
    config = {
        "site_name": "Default Material",
        "theme": {"name": "material", "font": False},
        "plugins": ["search"],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    build(root, root / "site")
    return root / "site"


def reference_site(work: Path) -> Path:
    root = work / "reference"
    root.mkdir()
    for name in ("mkdocs.yml", "macros.py"):
        shutil.copy(ROOT / name, root / name)
    for name in ("docs", "overrides", "modules", "sessions"):
        shutil.copytree(ROOT / name, root / name)
    (root / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    build(root, root / "site")
    return root / "site"


def audit(binary: Path, url: str, out: Path) -> dict[str, float]:
    subprocess.run(
        [
            str(binary),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            "--only-categories=performance,accessibility",
            "--chrome-flags=--headless=new --no-sandbox",
        ],
        env={**os.environ, "CHROME_PATH": CHROME},
        check=True,
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    return {
        "perf": report["categories"]["performance"]["score"] * 100,
        "a11y": report["categories"]["accessibility"]["score"] * 100,
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt": audits["total-blocking-time"]["numericValue"],
        "kb": audits["total-byte-weight"]["numericValue"] / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per page (median shown)")
    parser.add_argument(
        "--pages",
        nargs="+",
        choices=[name for name, _ in PAGES],
        help="only these pages (the Material baseline is always measured)",
    )
    args = parser.parse_args()
    binary = lighthouse()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site, baseline = reference_site(work), baseline_site(work)
        with serve(site) as url, serve(baseline) as base_url:
            chosen = [(n, p) for n, p in PAGES if not args.pages or n in args.pages]
            targets = [(name, url + path) for name, path in chosen]
            targets.append(("Material default", base_url))
            print(f"Lighthouse {BENCH_TOOLS['lighthouse']}, mobile preset, median of {args.repeat}")
            print(f"{'page':<17} {'perf':>5} {'a11y':>5} {'LCP s':>6} {'TBT ms':>7} {'KB':>6}")
            for name, target in targets:
                runs = [
                    audit(binary, target, work / f"{name}-{n}.json") for n in range(args.repeat)
                ]
                median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
                print(
                    f"{name:<17} {median['perf']:>5.0f} {median['a11y']:>5.0f} "
                    f"{median['lcp']:>6.2f} {median['tbt']:>7.0f} {median['kb']:>6.0f}"
                )


if __name__ == "__main__":
    main()
