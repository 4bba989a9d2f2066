"""What the `peerkit` command imports: `--version` nothing heavy, `check` neither MkDocs nor
WeasyPrint (what each costs is timed by `make bench`, not here)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def imported(*args: str, cwd: Path = ROOT) -> tuple[set[str], str]:
    """The modules `python -m peerkit ARGS` imports (from `-X importtime`), and its output."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "peerkit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    names = set(re.findall(r"^import time:.*\|\s*(\S+)\s*$", done.stderr, re.M))
    assert "peerkit" in names, done.stderr[-2000:]
    return {name.split(".")[0] for name in names}, done.stdout + done.stderr


def test_version_imports_none_of_peerkits_libraries() -> None:
    found, output = imported("--version")
    assert "peerkit, version " in output
    assert not found & {"pydantic", "weasyprint", "mkdocs", "material", "jinja2", "click"}


def test_check_imports_neither_mkdocs_nor_weasyprint(tmp_path: Path) -> None:
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "minimal.md").write_text(
        (ROOT / "tests" / "fixtures" / "minimal.md").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    found, output = imported("check", "modules", cwd=tmp_path)
    assert "No problems in 1 module file" in output
    assert "pydantic" in found  # it did check
    assert not found & {"weasyprint", "mkdocs", "material", "pymdownx"}
