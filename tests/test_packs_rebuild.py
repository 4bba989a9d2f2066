"""Rebuilding packs: `peerkit build` renders a PDF only when what it prints changed, and says
how far it has got while the packs render."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from peerkit.load import parse_module
from peerkit.model import Curriculum, ModuleFile
from peerkit.packs.build import build_packs, packs_for
from peerkit.sessions.view import module_session
from peerkit.site import SiteSettings

from conftest import FIXTURES, copy_site, run_peerkit

pytestmark = pytest.mark.build  # `peerkit build` with its PDF packs

MINIMAL = (FIXTURES / "minimal.md").read_text(encoding="utf-8")


def module(module_id: str, title: str) -> str:
    return (
        MINIMAL.replace("id: listening\n", f"id: {module_id}\n")
        .replace("listening-pairs", f"{module_id}-pairs")
        .replace("title: Listening well", f"title: {title}")
    )


def loaded(module_id: str) -> ModuleFile:
    module_file, findings = parse_module(Path(f"{module_id}.md"), module(module_id, module_id))
    assert module_file is not None, findings
    return module_file


def renders(build: subprocess.CompletedProcess[str]) -> tuple[int, int]:
    """(rendered, from the cache) as `peerkit build` reports them."""
    assert build.returncode == 0, build.stderr
    found = re.findall(
        r"PDF packs in [\d.]+ s \((\d+) rendered, (\d+) from the cache", build.stderr
    )
    assert len(found) == 1, build.stderr
    return int(found[0][0]), int(found[0][1])


def pdfs(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.pdf")}


def test_a_rebuild_renders_only_the_packs_of_the_module_that_changed(tmp_path: Path) -> None:
    modules = {
        "listening.md": module("listening", "Listening"),
        "talking.md": module("talking", "Talk"),
    }
    root = copy_site(tmp_path, modules=modules)
    # Each build is a new process (as a person runs them), so nothing is shared but the cache.
    rendered, cached = renders(run_peerkit("build", cwd=root, process=True))
    first = pdfs(root / "site")
    listening = {path for path in first if "/listening-" in path}
    assert len(listening) >= 4 and any("/talking-" in path for path in first)
    assert (rendered, cached) == (len(first), 0)

    assert renders(run_peerkit("build", cwd=root, process=True)) == (0, len(first))
    assert pdfs(root / "site") == first

    (root / "modules" / "listening.md").write_text(module("listening", "Listening again"))
    assert renders(run_peerkit("build", cwd=root, process=True)) == (
        len(listening),
        len(first) - len(listening),
    )
    third = pdfs(root / "site")
    assert {path for path in first if third[path] != first[path]} == listening


def test_progress_is_reported_as_each_pack_is_done_not_after_all(tmp_path: Path) -> None:
    settings = SiteSettings(organisation="Riverside Peer Network")
    curriculum = Curriculum(files=[loaded(name) for name in ("one", "two", "three", "four")])
    sessions = [module_session(m, curriculum, settings) for m in curriculum.modules]
    packs = [pack for session in sessions for pack in packs_for(session)]
    cache = tmp_path / "cache"
    seen: list[int] = []

    def progress(_: object) -> None:
        seen.append(len(list(cache.glob("*.pdf"))))

    build_packs(packs, tmp_path / "out", cache, settings, jobs=2, progress=progress)
    assert len(seen) == len(packs) >= 16
    # When the first pack is reported done, most are still to render (two at a time).
    assert seen[0] <= len(packs) // 2, seen
