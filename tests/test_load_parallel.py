"""`peerkit check` reads a large folder with one process per core: it must find what reading
the files one by one finds, in the same order."""

from __future__ import annotations

from pathlib import Path

from peerkit.curriculum import check_folder
from peerkit.load import PARALLEL_FROM

from conftest import ROOT


def test_a_large_folder_read_on_every_core_gives_the_same_result(tmp_path: Path) -> None:
    minimal = (ROOT / "tests" / "fixtures" / "minimal.md").read_text(encoding="utf-8")
    modules = tmp_path / "modules"
    modules.mkdir()
    for n in range(PARALLEL_FROM + 2):
        text = minimal.replace("listening", f"listening{n}")
        if n == 7:
            text = text.replace("duration: 60-90", "duration: ninety")  # one mistake
        (modules / f"m{n:03}.md").write_text(text, encoding="utf-8")
    one_by_one = check_folder(modules)
    on_every_core = check_folder(modules, parallel=True)
    assert [f.format() for f in on_every_core.findings] == [f.format() for f in one_by_one.findings]
    assert any("m007.md" in f.format() for f in one_by_one.findings)
    assert [f.module.id for f in on_every_core.curriculum.files] == [
        f.module.id for f in one_by_one.curriculum.files
    ]
    assert on_every_core.files_checked == one_by_one.files_checked == PARALLEL_FROM + 2
