"""Hostile and broken projects, each with the exact report `peerkit check` gives.

Each folder in tests/fixtures/hostile/ is a small project (modules/, and perhaps sessions/,
mkdocs.yml, docs/, overrides/). What git cannot keep (a named pipe, a link to /dev/zero, a
file of several megabytes) is made by the case's make.py in a copy of it. The test runs
`peerkit check modules [ARGS]` in that copy and compares its output, byte for byte, with
expected.txt: every case ends in exit 1, one sentence a line, no traceback and no hang.

Set PEERKIT_UPDATE_EXPECTED=1 to rewrite the expected reports after an intended change, then
read the diff before committing it.
"""

from __future__ import annotations

import logging
import os
import runpy
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from peerkit.cli import main

from conftest import FIXTURES, copy_site, mkdocs_build

HOSTILE = FIXTURES / "hostile"
CASES = sorted(p for p in HOSTILE.iterdir() if p.is_dir())
MINIMAL = (FIXTURES / "minimal.md").read_text(encoding="utf-8")
PLAN = 'title: An evening session\nstart: "18:00"\navailable: 60\nitems:\n  - welcome: Welcome\n'
TIME_LIMIT = 30
"""Seconds a case may take before it counts as a hang (each takes well under one)."""


@pytest.fixture
def time_limit() -> Iterator[None]:
    def hang(*_: object) -> None:
        raise TimeoutError(f"peerkit check took more than {TIME_LIMIT} s: it hangs")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(TIME_LIMIT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def project_from(case: Path, tmp_path: Path) -> Path:
    """A copy of `case` in `tmp_path`, with its special files made."""
    project = tmp_path / "project"
    shutil.copytree(case, project, symlinks=True, ignore=shutil.ignore_patterns("expected.txt"))
    (project / "modules").mkdir(exist_ok=True)  # git keeps no empty folder
    for name in ("make.py", "args.txt"):
        (project / name).unlink(missing_ok=True)
    if (case / "make.py").is_file():
        runpy.run_path(str(case / "make.py"))["make"](project, MINIMAL, PLAN)
    return project


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_gets_one_sentence_per_mistake(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, time_limit: None
) -> None:
    project = project_from(case, tmp_path)
    args_file = case / "args.txt"
    args = args_file.read_text(encoding="utf-8").split() if args_file.is_file() else []
    monkeypatch.chdir(project)
    monkeypatch.delenv("CI", raising=False)
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["check", "modules", *args])
    took = time.perf_counter() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    expected_file = case / "expected.txt"
    if os.environ.get("PEERKIT_UPDATE_EXPECTED"):
        expected_file.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == expected_file.read_text(encoding="utf-8")
    assert "Traceback" not in result.output
    assert "\x1b" not in result.output  # nothing that drives the terminal
    assert took < TIME_LIMIT


def test_the_corpus_is_large_and_every_case_has_a_report() -> None:
    assert len(CASES) >= 60
    for case in CASES:
        report = (case / "expected.txt").read_text(encoding="utf-8")
        assert report.strip(), f"{case.name} has no expected report"
        assert all(":" in line for line in report.splitlines()), case.name


def test_nothing_outside_the_project_is_quoted_back(tmp_path: Path) -> None:
    """A plan linked to a system file is refused before a byte of it is read."""
    project = project_from(HOSTILE / "plan-linked-to-system-file", tmp_path)
    result = CliRunner().invoke(main, ["check", str(project / "modules")], catch_exceptions=False)
    assert "root:" not in result.output
    assert "is a link to a file outside the project" in result.output


# --- the same refusals in a real build ------------------------------------------------------


def test_a_build_refuses_links_out_of_docs_and_overrides_and_publishes_neither(
    tmp_path: Path,
) -> None:
    root = copy_site(tmp_path / "site", modules={"listening.md": MINIMAL})
    secret = tmp_path / "secret.txt"
    secret.write_text("the treasurer's password", encoding="utf-8")
    (root / "docs" / "secret.md").symlink_to(secret)
    (root / "overrides" / "extra.html").symlink_to(secret)
    build = mkdocs_build(root, "--strict")
    assert build.returncode == 1
    assert (
        "docs/secret.md:1: is a link to something outside the project: the site would "
        "publish it from docs/ (copy the file in instead)"
    ) in build.output
    assert "overrides/extra.html:1: is a link to something outside the project" in build.output
    assert "The site is built only from files inside the project." in build.output
    assert "Traceback" not in build.output
    assert not list(root.glob("site/**/secret*"))


def test_a_build_names_the_line_of_an_activity_id_used_twice_and_two_plans_with_one_name(
    tmp_path: Path,
) -> None:
    case = HOSTILE / "activity-id-twice-in-one-module"
    root = copy_site(
        tmp_path,
        modules={"listening.md": (case / "modules" / "listening.md").read_text(encoding="utf-8")},
    )
    (root / "sessions").mkdir()
    for name in ("evening.yml", "evening.yaml"):
        (root / "sessions" / name).write_text(PLAN + "    minutes: 5\n", encoding="utf-8")
    build = mkdocs_build(root, "--strict")
    assert build.returncode == 1
    assert (
        'modules/listening.md:31: activity id "listening-pairs" is used twice (first at line 18)'
        in build.output
    )
    assert "sessions/evening.yml:1: evening.yaml is a plan with the same name" in build.output
    assert "Traceback" not in build.output and "MacroError" not in build.output


def test_a_page_over_its_time_budget_fails_the_build_with_the_module_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    import peerkit.mkdocs_plugin.pages as pages

    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    monkeypatch.setenv("PEERKIT_PACKS", "off")
    monkeypatch.setattr(pages, "PAGE_RENDER_BUDGET", -1)  # every page is over a budget of -1 s
    monkeypatch.chdir(root)
    config = load_config(str(root / "mkdocs.yml"))
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        build(config)
    assert "modules/listening.md:32: the page of module 'listening' took " in caplog.text
    assert "s to convert, more than the -1 s a page may take" in caplog.text
    assert "peerkit: module 'listening' is too slow to build" in caplog.text


def test_pack_and_check_plans_refuse_a_pipe_or_a_link_out_named_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, time_limit: None
) -> None:
    project = tmp_path / "project"
    (project / "modules").mkdir(parents=True)
    (project / "modules" / "listening.md").write_text(MINIMAL, encoding="utf-8")
    (project / "sessions").mkdir()
    os.mkfifo(project / "sessions" / "pipe.yml")
    (project / "sessions" / "passwd.yml").symlink_to("/etc/passwd")
    monkeypatch.chdir(project)
    runner = CliRunner(env={"CI": None, "GITHUB_ACTIONS": None})  # no CI annotations
    piped = runner.invoke(main, ["pack", "sessions/pipe.yml", "--config", "none.yml"])
    assert piped.exit_code == 1
    assert "sessions/pipe.yml:1: is a named pipe, not a file of text" in piped.output
    linked = runner.invoke(main, ["check", "modules", "--plans", "sessions/passwd.yml"])
    assert linked.exit_code == 1
    assert linked.stdout == (
        "sessions/passwd.yml:1: is a link to a file outside the project: peerkit reads only "
        "files inside it (copy the file in instead)\n"
    )
    assert "root" not in linked.output


def test_the_guide_states_the_limits_the_code_enforces() -> None:
    from peerkit import bodylimits, model
    from peerkit.sessions import model as plans

    from conftest import ROOT

    guide = (ROOT / "docs" / "writing-modules.md").read_text(encoding="utf-8")
    rows = {
        "Prose after the front-matter": f"| {bodylimits.MAX_BODY_BYTES // 1024} KiB |",
        "Lists and block quotes inside each other": f"| {bodylimits.MAX_NESTING} levels |",
        "HTML elements inside each other": f"| {bodylimits.MAX_HTML_DEPTH} levels |",
        "Square brackets (links, footnotes)": f"| {bodylimits.MAX_BRACKETS:,} |",
        "Curly braces (macros, attribute lists)": f"| {bodylimits.MAX_BRACES:,} |",
        "Items in a front-matter list": (
            f"| {model.MAX_LIST} (themes and audiences {model.MAX_TAGS}, cards "
            f"{model.MAX_CARDS}, piles {model.MAX_PILES}) |"
        ),
        "Items in a day of a session plan, days in a plan": f"| {plans.MAX_ITEMS} each |",
    }
    for name, cell in rows.items():
        line = next(line for line in guide.splitlines() if line.startswith(f"| {name} |"))
        assert cell in line, line
    assert plans.MAX_DAYS == plans.MAX_ITEMS


@pytest.mark.parametrize(
    "body",
    [
        'Text.\n\n{{ activity("listening-pairs") }}\n',
        'See {{ activity("listening-pairs") }} below.\n',
        '- An item\n\n    {{ activity("listening-pairs") }}\n',
        'If x <y then\n\n{{ activity("listening-pairs") }}\n',
        'See [this](\n\n{{ activity("listening-pairs") }}\n',
        'Code: `{{ "{{" }} activity("x") }}`\n\n{{ activity("listening-pairs") }}\n',
        '{% raw %}`{{ activity("x") }}`{% endraw %}\n',
        "<!-- a note -->\n\n{{ reflection() }}\n",
    ],
)
def test_macro_calls_in_ordinary_places_pass(body: str, tmp_path: Path) -> None:
    from peerkit.curriculum import check_folder

    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "m.md").write_text(MINIMAL + "\n" + body, encoding="utf-8")
    assert check_folder(tmp_path / "modules").findings == []
