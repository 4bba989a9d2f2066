"""Shared helpers: the repo's paths and a real `mkdocs build` of a site folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import markdown
import pytest

from peerkit.model import ModuleFile
from peerkit.render import Renderer

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def page_html(renderer: Renderer, module_file: ModuleFile) -> str:
    """A module page's final HTML, with Python-Markdown standing in for MkDocs."""
    rendered = renderer.module_page(module_file)
    extensions = ["toc", "attr_list", "md_in_html", "tables"]
    return rendered.finish(markdown.markdown(rendered.markdown, extensions=extensions))


@dataclass
class Build:
    """The outcome of `mkdocs build` on a site folder."""

    root: Path
    returncode: int
    output: str

    @property
    def site(self) -> Path:
        return self.root / "site"

    def page(self, rel: str) -> str:
        return (self.site / rel).read_text(encoding="utf-8")


def mkdocs_build(root: Path, *args: str) -> Build:
    """Run MkDocs' own command line, as a site owner would."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return Build(root, proc.returncode, proc.stdout + proc.stderr)


def copy_site(dest: Path, *, modules: dict[str, str] | None = None) -> Path:
    """A copy of the reference site's config, docs and overrides; modules replaced if given."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "macros.py"):
        shutil.copy(ROOT / name, dest / name)
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, dest / name)
    if modules is None:
        shutil.copytree(ROOT / "modules", dest / "modules")
    else:
        (dest / "modules").mkdir()
        for filename, text in modules.items():
            (dest / "modules" / filename).write_text(text, encoding="utf-8")
    return dest


@pytest.fixture(scope="session")
def reference_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The reference site, built once with --strict for every test that reads it."""
    root = copy_site(tmp_path_factory.mktemp("reference"))
    build = mkdocs_build(root, "--strict")
    assert build.returncode == 0, build.output
    return build
