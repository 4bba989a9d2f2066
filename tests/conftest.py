"""Shared helpers: the repo's paths and a real `mkdocs build` of a site folder."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import markdown
import pytest

from peerkit.load import load_folder
from peerkit.model import ModuleFile
from peerkit.render import Renderer

pytest_plugins = ["browser"]  # the browser tests' fixtures: base_url, browser, page

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


def mkdocs_build(root: Path, *args: str, packs: bool = False) -> Build:
    """Run MkDocs' own command line, as a site owner would (PDF packs only when asked for)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PEERKIT_PACKS": "on" if packs else "off"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,  # the reference site renders ~80 PDF packs; these machines are shared
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
    # The pinned npm files (the iframe-worker shim), installed once by `make setup`.
    (dest / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    if modules is None:
        shutil.copytree(ROOT / "modules", dest / "modules")
        shutil.copytree(ROOT / "sessions", dest / "sessions")
    else:
        (dest / "modules").mkdir()
        for filename, text in modules.items():
            (dest / "modules" / filename).write_text(text, encoding="utf-8")
    return dest


@pytest.fixture(scope="session")
def reference_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The reference site, built once with --strict for every test that reads it."""
    root = copy_site(tmp_path_factory.mktemp("reference"))
    build = mkdocs_build(root, "--strict", packs=True)
    assert build.returncode == 0, build.output
    return build


def search_index(build: Build) -> list[dict[str, str]]:
    docs = json.loads((build.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return docs["docs"]  # type: ignore[no-any-return]


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]{5,}", text.lower()))


def aim_words(build: Build) -> list[tuple[str, str, str]]:
    """(module id, activity id, word) for each activity whose aim has a word that the site's
    search index holds in that activity's section and nowhere else."""
    entries = [(e["location"], words(e["title"] + " " + e["text"])) for e in search_index(build)]
    found = []
    files, _, _ = load_folder(ROOT / "modules")
    for module_file in files:
        for activity in module_file.module.activities:
            here = f"modules/{module_file.module.id}.html#{activity.id}"
            elsewhere = set().union(*(w for location, w in entries if location != here))
            own = sorted(words(activity.aim) - elsewhere)
            if own:
                found.append((module_file.module.id, activity.id, own[0]))
    return found
