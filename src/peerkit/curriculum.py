"""Load, check and dry-render a folder of modules: the one entry point every front end uses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from peerkit.checks import run_checks
from peerkit.findings import Finding, errors
from peerkit.load import load_folder
from peerkit.model import Curriculum
from peerkit.render import BodyError, Renderer


@dataclass(frozen=True)
class Result:
    """A checked curriculum: the modules that loaded, every finding, how many files were read."""

    curriculum: Curriculum
    findings: list[Finding]
    files_checked: int

    @property
    def ok(self) -> bool:
        return not errors(self.findings)


def check_folder(folder: Path, template_dirs: Sequence[Path] = ()) -> Result:
    """Load every module in `folder`, run every check and render every body once.

    Rendering is part of checking: a body that calls an unknown activity or uses a name the
    sandbox refuses is a mistake in the module, reported at its line.
    """
    if not folder.is_dir():
        missing = Finding(folder, 1, "no such folder of modules")
        return Result(Curriculum(files=[]), [missing], 0)
    files, findings, count = load_folder(folder)
    findings.extend(run_checks(files))
    curriculum = Curriculum(files=files)
    renderer = Renderer(curriculum, template_dirs)
    for module_file in files:
        try:
            renderer.module_page(module_file)
        except BodyError as exc:
            findings.extend(exc.findings)
    if not files and count == 0:
        findings.append(Finding(folder, 1, "no module files (*.md) in this folder"))
    return Result(curriculum, sorted(set(findings)), count)
