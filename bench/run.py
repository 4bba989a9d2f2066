"""peerkit's cost against plain tools doing the same work, measured in the same run.

For each size N it makes a curriculum of N modules (copies of the reference module with
their ids renamed) and measures, alternating subject and baseline, as the median of a few
runs of each (CPU seconds, user + system, of the process and its children; the machine may
be shared, so CPU time is the figure compared, wall time is shown beside it):

- check: `peerkit check modules` against a Python process that reads each module's YAML
  front-matter with PyYAML's libyaml parser (`yaml.CSafeLoader`), and with its pure-Python
  one (`yaml.safe_load`);
- build: `mkdocs build` of the site with peerkit (loading, checking, rendering, privacy scan,
  search weighting; PDF packs off) against the baseline, `mkdocs build` of the same pages
  already rendered to Markdown (peerkit's HTML inline) with plain Material (nav sections and
  prune) and no peerkit or macros plugin; with each build's peak memory (RSS);
- serve (sizes up to --serve-max): seconds from saving an edit to one module until
  `mkdocs serve --dirty` serves the page with it, against plain Material's `serve --dirty`
  doing the same for the same page's Markdown; and the same for peerkit without --dirty.

It prints a table of ratios and, with --json, writes every figure to a file.

    python bench/run.py --sizes 8,100 --repeat 3 --json bench-results.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from serve import edit_to_reload  # bench/serve.py (the script's folder is on the path)

from peerkit import safeyaml
from peerkit.curriculum import check_folder
from peerkit.render import RenderedModule
from peerkit.site import read_config

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "modules" / "mutuality.md"


def renamed(front: dict[str, Any], n: int) -> dict[str, Any]:
    """The reference module's data with every id made unique to copy `n`."""
    suffix = f"-{n}"
    data = dict(front, id=front["id"] + suffix, title=f"{front['title']} ({n})", prerequisites=[])
    data.pop("versions", None)  # they name activities by id: left out, like prerequisites
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
    config = read_config(site / "mkdocs.yml")  # its tags (`!ENV`) are in peerkit's options
    config["plugins"] = ["search"]
    config["nav"] = [
        {"Home": "index.md"},
        {"Writing modules": "writing-modules.md"},
        {"Modules": [f"modules/{module_id}.md" for module_id in result.pages]},
    ]
    config["theme"].pop("custom_dir", None)
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return dest


ENV = {"NO_MKDOCS_2_WARNING": "1", "PEERKIT_PACKS": "off"}


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mib: float


# A small process between this one and each measured command: a child's peak memory counts
# the memory of the process it was forked from, and this one's is far smaller than the bench's.
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_utime + usage.ru_stime} "
              f"{usage.ru_maxrss}")
"""


def run(argv: list[str], cwd: Path) -> Run:
    """Run `argv` to the end: its wall time, CPU time and its own peak memory."""
    with tempfile.NamedTemporaryFile("r") as usage:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-S", "-c", LAUNCHER, usage.name, *argv],
            cwd=cwd,
            env={**os.environ, **ENV},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
        wall = time.perf_counter() - started
        status, cpu, peak = usage.read().split()
    if int(status) or done.returncode:
        raise RuntimeError(f"{argv} failed:\n{done.stderr.decode()[-3000:]}")
    return Run(wall, float(cpu), int(peak) / 1024)


def median_run(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        max(r.peak_mib for r in runs),
    )


def alternate(repeat: int, **commands: Callable[[], Run]) -> dict[str, Run]:
    """Each command `repeat` times, in turn (a, b, a, b…), and the median of each."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            runs[name].append(command())
    return {name: median_run(found) for name, found in runs.items()}


YAML_PARSE = """
import sys, yaml
from pathlib import Path
loader = getattr(yaml, sys.argv[2])
for path in sorted(Path(sys.argv[1]).glob("*.md")):
    _, front, _ = path.read_text(encoding="utf-8").split("---\\n", 2)
    yaml.load(front, Loader=loader)
"""


ROWS = ("check", "build", "serve")


def measure(size: int, repeat: int, serve: bool, rows: tuple[str, ...] = ROWS) -> dict[str, Any]:
    """The figures of `rows` (check, build and memory, serve) at `size` modules."""
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "site").mkdir()
        site = make_site(Path(tmp) / "site", size)
        figures: dict[str, Any] = {"modules": size}
        checks = (
            {}
            if "check" not in rows
            else alternate(
                repeat,
                check=lambda: run([python, "-m", "peerkit", "check", "modules"], site),
                yaml_c=lambda: run([python, "-c", YAML_PARSE, "modules", "CSafeLoader"], site),
                yaml_py=lambda: run([python, "-c", YAML_PARSE, "modules", "SafeLoader"], site),
            )
        )
        if "build" not in rows and not serve:
            return {**figures, **{name: vars(found) for name, found in checks.items()}}
        baseline = make_baseline(site, Path(tmp) / "baseline")
        builds = (
            {}
            if "build" not in rows
            else alternate(
                repeat,
                build=lambda: run([python, "-m", "mkdocs", "build", "--quiet"], site),
                material=lambda: run([python, "-m", "mkdocs", "build", "--quiet"], baseline),
            )
        )
        for name, found in {**checks, **builds}.items():
            figures[name] = vars(found)
        if serve and "serve" in rows:
            page = "modules/mutuality-1.html"
            edited = Path("modules") / "module-0001.md"
            figures["serve_dirty"] = edit_to_reload(site, site / edited, page, dirty=True)
            figures["material_dirty"] = edit_to_reload(
                baseline, baseline / "docs" / "modules" / "mutuality-1.md", page, dirty=True
            )
            figures["serve"] = edit_to_reload(site, site / edited, page, dirty=False)
        return figures


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


def report(all_figures: list[dict[str, Any]]) -> str:
    """The figures as a Markdown table of ratios (CPU seconds; wall and memory beside)."""
    lines = [
        "| modules | check / YAML (libyaml) | check / YAML (Python) | build / Material (CPU)"
        " | build / Material (wall) | peak memory build / Material"
        " | serve --dirty edit-to-reload / Material --dirty | serve (not dirty) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in all_figures:
        cells = [str(f["modules"])]
        if "check" in f:
            check, yaml_c, yaml_py = f["check"], f["yaml_c"], f["yaml_py"]
            cells += [
                f"{ratio(check['cpu'], yaml_c['cpu'])} ({check['cpu']:.2f} s vs "
                f"{yaml_c['cpu']:.2f} s; wall {ratio(check['wall'], yaml_c['wall'])})",
                f"{ratio(check['cpu'], yaml_py['cpu'])} ({yaml_py['cpu']:.2f} s)",
            ]
        else:
            cells += ["-", "-"]
        if "build" in f:
            build, material = f["build"], f["material"]
            cells += [
                f"{ratio(build['cpu'], material['cpu'])} ({build['cpu']:.1f} s vs "
                f"{material['cpu']:.1f} s)",
                f"{ratio(build['wall'], material['wall'])}",
                f"{ratio(build['peak_mib'], material['peak_mib'])} ({build['peak_mib']:.0f} vs "
                f"{material['peak_mib']:.0f} MiB)",
            ]
        else:
            cells += ["-", "-", "-"]
        if "serve_dirty" in f:
            ours, theirs = (
                statistics.median(f["serve_dirty"]),
                statistics.median(f["material_dirty"]),
            )
            cells.append(f"{ratio(ours, theirs)} ({ours:.2f} s vs {theirs:.2f} s)")
            cells.append(f"{statistics.median(f['serve']):.2f} s")
        else:
            cells += ["-", "-"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


BEGIN, END = "<!-- bench/run.py: begin -->", "<!-- bench/run.py: end -->"


def stamp(args: argparse.Namespace) -> str:
    """What the table was measured on and how: machine, versions, date, runs, load."""
    from importlib.metadata import version

    libraries = ", ".join(
        f"{name} {version(name)}" for name in ("mkdocs", "mkdocs-material", "PyYAML", "pydantic")
    )
    return (
        f"`bench/run.py {' '.join(sys.argv[1:])}`, {time.strftime('%Y-%m-%d %H:%M')}: "
        f"{os.cpu_count()} cores, {platform.platform(terse=True)}, Python "
        f"{platform.python_version()}, {libraries}; median of {args.repeat} run(s) of each, "
        f"subject and baseline in turn; load average {os.getloadavg()[0]:.1f} at the end. "
        "CPU seconds (user + system, children included); wall and peak memory beside."
    )


def write_section(path: Path, body: str) -> None:
    """Replace the block between this script's markers in `path` (added under
    "## Check, build and serve" if missing), leaving the rest of the file as it is."""
    text = path.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{body}\n{END}"
    if BEGIN in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        heading = "## Check, build and serve\n"
        at = text.index(heading) + len(heading) if heading in text else len(text)
        text = text[:at] + "\n" + block + "\n" + text[at:]
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="8,100", help="numbers of modules, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement")
    parser.add_argument(
        "--serve-max", type=int, default=200, help="time serve edit-to-reload up to this size"
    )
    parser.add_argument(
        "--rows",
        default=",".join(ROWS),
        help="which rows to measure, comma-separated: check, build (with memory), serve",
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument(
        "--only", choices=["check"], default="", help="measure only this row (check: no builds)"
    )
    parser.add_argument(
        "--write", type=Path, help="put the table (machine, versions, date) into this Markdown file"
    )
    parser.add_argument(
        "--compile",
        action="store_true",
        help="write the bytecode of peerkit and its libraries first, as an installed package"
        " has it (with PYTHONDONTWRITEBYTECODE set and none written, every process compiles"
        " each module it imports)",
    )
    args = parser.parse_args()
    if args.compile:
        import sysconfig

        import peerkit

        folders = [str(Path(peerkit.__file__).parent), sysconfig.get_paths()["purelib"]]
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", "-j", "0", *folders],
            stdout=subprocess.DEVNULL,
            check=False,
        )
    rows = ("check",) if args.only else tuple(r.strip() for r in args.rows.split(","))
    if unknown := set(rows) - set(ROWS):
        parser.error(f"unknown rows: {', '.join(sorted(unknown))} (known: {', '.join(ROWS)})")
    figures = []
    for size in (int(s) for s in args.sizes.split(",")):
        serve = size <= args.serve_max and "serve" in rows
        figures.append(measure(size, args.repeat, serve, rows))
        print(f"{size} modules: {json.dumps(figures[-1])}", file=sys.stderr, flush=True)
    machine = f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"{machine}, load average {os.getloadavg()[0]:.1f}\n")
    print(report(figures))
    if args.write:
        write_section(args.write, stamp(args) + "\n\n" + report(figures))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "sizes": figures}, indent=1))


if __name__ == "__main__":
    main()
