"""`peerkit check` renders every module body and runs every macro call, but does not fill
peerkit's own fragments (nobody sees them): an author must get the same findings, in the same
order, as a build's check of the same folder finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerkit.curriculum import check_folder

from conftest import FIXTURES, ROOT, run_peerkit


def folders() -> list[Path]:
    found = [ROOT / "modules"]
    for kind in ("broken", "hostile"):
        for case in sorted((FIXTURES / kind).iterdir()):
            if (case / "modules").is_dir():
                found.append(case / "modules")
            elif case.is_dir() and any(case.glob("*.md")):
                found.append(case)
    return found


@pytest.mark.parametrize("folder", folders(), ids=lambda p: str(p.relative_to(ROOT)))
def test_checking_without_pages_finds_what_rendering_them_finds(folder: Path) -> None:
    with_pages = check_folder(folder)
    without = check_folder(folder, pages=False)
    assert [f.format() for f in without.findings] == [f.format() for f in with_pages.findings]
    assert without.files_checked == with_pages.files_checked
    assert without.pages == {}


def test_a_macro_mistake_is_still_found_by_peerkit_check(tmp_path: Path) -> None:
    minimal = (FIXTURES / "minimal.md").read_text(encoding="utf-8")
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "m.md").write_text(
        minimal + '\n{{ activity("no-such-activity") }}\n', encoding="utf-8"
    )
    done = run_peerkit("check", str(modules))
    assert done.returncode == 1
    assert "activity('no-such-activity'): no activity with that id" in done.stdout
