"""`peerkit check` as a module author or CI runs it."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURES, ROOT, run_peerkit


def test_check_passes_on_the_reference_curriculum() -> None:
    proc = run_peerkit("check", "modules", cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.startswith("No problems in ")


def broken_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "modules", tmp_path / "modules")
    for case in ("bad-range", "unknown-key"):
        shutil.copy(
            FIXTURES / "broken" / case / "listening.md", tmp_path / "modules" / f"{case}.md"
        )
    return tmp_path


def expected_lines(*cases: str) -> list[str]:
    lines = []
    for case in cases:
        for line in (FIXTURES / "broken" / case / "expected.txt").read_text().splitlines():
            lines.append(f"modules/{case}.md" + line.removeprefix("listening.md"))
    return lines


def test_check_reports_path_line_message_and_exits_1(tmp_path: Path) -> None:
    # As its own process, as CI runs it: the exit status and the two streams are the real ones.
    proc = run_peerkit("check", cwd=broken_copy(tmp_path), process=True)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == expected_lines("bad-range", "unknown-key")
    modules = len(list((ROOT / "modules").glob("*.md"))) + 2
    assert proc.stderr.strip() == f"3 errors in 2 of {modules} module files."


def test_check_adds_github_annotations_when_ci_is_set(tmp_path: Path) -> None:
    proc = run_peerkit("check", cwd=broken_copy(tmp_path), env={"CI": "true"})
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[:3] == expected_lines("bad-range", "unknown-key")
    assert lines[3].startswith("::error file=modules/bad-range.md,line=21::activities.")


def test_check_on_a_missing_folder_fails(tmp_path: Path) -> None:
    proc = run_peerkit("check", "nowhere", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.startswith("nowhere:1: no such folder of modules")


def test_a_value_cannot_forge_report_lines_or_ci_commands(tmp_path: Path) -> None:
    (tmp_path / "modules").mkdir()
    forged = 'id: "bad\\n::error file=README.md,line=1::forged\\nmodules/x.md:1: fake"\n'
    (tmp_path / "modules" / "m.md").write_text(f"---\n{forged}---\n", encoding="utf-8")
    proc = run_peerkit("check", cwd=tmp_path, env={"CI": "true"})
    assert proc.returncode == 1
    for line in proc.stdout.splitlines():
        assert line.startswith(("modules/m.md:", "::error file=modules/m.md,")), line
    assert "bad\\n::error file=README.md" in proc.stdout
