"""Deliberately broken modules, each with the exact report stored beside it.

Set PEERKIT_UPDATE_EXPECTED=1 to rewrite the expected reports after an intended change, then
read the diff before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from peerkit.curriculum import check_folder
from peerkit.load import MAX_FRONT_MATTER_BYTES, parse_module

from conftest import FIXTURES

CASES = sorted(p for p in (FIXTURES / "broken").iterdir() if p.is_dir())


def report(folder: Path) -> str:
    result = check_folder(folder)
    assert not result.ok
    return "".join(f.format(root=folder) + "\n" for f in result.findings)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_module_report(case: Path) -> None:
    expected_file = case / "expected.txt"
    got = report(case)
    if os.environ.get("PEERKIT_UPDATE_EXPECTED"):
        expected_file.write_text(got, encoding="utf-8")
    assert got == expected_file.read_text(encoding="utf-8")


def test_every_kind_of_mistake_has_a_case() -> None:
    names = {c.name for c in CASES}
    assert {
        "yaml-syntax", "missing-key", "unknown-key", "wrong-type", "bad-range",
        "unknown-value", "duplicate-module-id", "duplicate-activity-id", "unknown-activity",
        "unknown-prerequisite", "prerequisite-cycle", "python-tag", "alias-bomb",
    } <= names  # fmt: skip


def test_the_module_the_broken_cases_are_made_from_is_clean(tmp_path: Path) -> None:
    """Each broken case is the minimal module with one mistake made in it, so its report is
    about that mistake alone."""
    shutil.copy(FIXTURES / "minimal.md", tmp_path / "listening.md")
    result = check_folder(tmp_path)
    assert [f.format(root=tmp_path) for f in result.findings] == []
    assert result.ok
    assert [m.id for m in result.curriculum.modules] == ["listening"]


def test_an_alias_bomb_is_refused_at_its_first_anchor() -> None:
    # Each line multiplies the one before by nine: expanded, this is 9**9 items. Refused at
    # the first anchor, nothing is ever expanded (`make bench` times the checker).
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    text = "---\n" + "\n".join(lines) + "\n---\n"
    module_file, findings = parse_module(Path("bomb.md"), text)
    assert module_file is None
    assert [f.format() for f in findings] == [
        "bomb.md:2: anchors (&a0) are not allowed: write each value out in full"
    ]


def test_front_matter_size_is_capped() -> None:
    padding = "x" * (MAX_FRONT_MATTER_BYTES + 1)
    text = f"---\nid: big\nsummary: {padding}\n---\n"
    module_file, findings = parse_module(Path("big.md"), text)
    assert module_file is None
    assert [f.format() for f in findings] == [
        f"big.md:1: front-matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB"
    ]
