"""`peerkit upgrade VERSION` (`make update` in a site): from one tagged peerkit to another."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from peerkit import npm
from peerkit.upgrade import UpgradeError, changes, new_line, reference_summary

from conftest import ROOT

UV = ROOT / ".tools" / "bin" / "uv"  # pinned in the Makefile, installed by `make setup`
PYTHON = f"PYTHON={ROOT / '.venv' / 'bin' / 'python'}"  # what a site's `make setup` runs


def run(*args: str | Path, cwd: Path = ROOT, ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PEERKIT_PACKS": "off"},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert (proc.returncode == 0) is ok, proc.stdout + proc.stderr
    return proc


def test_the_summary_names_what_changed_in_each_reference_module() -> None:
    before = reference_summary()
    assert {"self-care", "boundaries"} <= set(before)
    assert before["self-care"]["activities"]
    after = json.loads(json.dumps(before))
    care = after["self-care"]
    care["version"] = "1.1"
    care["activities"] = [*care["activities"][1:], "self-care-new-one"]
    care["words"] = care["words"] + ["Two", "more."]
    del after["boundaries"]
    found = {c.module_id: c.describe() for c in changes(before, after)}
    gone = before["self-care"]["activities"][0]
    assert found == {
        "boundaries": "boundaries: no longer in peerkit's reference curriculum",
        "self-care": f"self-care: version 1.0 → 1.1; activities added: self-care-new-one; "
        f"activities removed: {gone}; 2 words changed",
    }
    assert changes(before, before) == []


def test_the_peerkit_line_for_a_version() -> None:
    assert new_line("peerkit==0.1.0", "0.2.0", None) == "peerkit==0.2.0"
    git = "peerkit @ git+https://example.org/peerkit.git@v0.1.0"
    assert new_line(git, "0.2.0", None) == "peerkit @ git+https://example.org/peerkit.git@v0.2.0"
    assert new_line(git, None, None) == git
    with pytest.raises(UpgradeError, match="'latest!' is not a version number"):
        new_line(git, "latest!", None)
    with pytest.raises(UpgradeError, match="from a folder, which has no versions"):
        new_line("peerkit @ file:///home/me/peerkit", "0.2.0", None)
    assert new_line("peerkit @ file:///a", None, "file:///b") == "peerkit @ file:///b"


def _copy_repo(dest: Path) -> None:
    """This repository's files (as they are now), as a git repository of its own, with the
    shim's npm tarball committed so building peerkit's wheel needs no npm download."""
    listed = run("git", "ls-files", "-co", "--exclude-standard", "-z").stdout.split("\0")
    for rel in filter(None, listed):
        source = ROOT / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    cache = dest / ".cache" / "peerkit" / "npm"
    for pin in npm.PINS.values():
        npm.download(pin, cache=ROOT / ".cache" / "peerkit" / "npm")
        cache.mkdir(parents=True, exist_ok=True)
        name = Path(pin["resolved"]).name
        shutil.copy(ROOT / ".cache" / "peerkit" / "npm" / name, cache / name)
    run("git", "init", "-q", "-b", "main", cwd=dest)
    run("git", "add", "-A", cwd=dest)
    run("git", "add", "-f", ".cache/peerkit/npm", cwd=dest)


def _commit(repo: Path, tag: str) -> None:
    author = ["-c", "user.name=peerkit tests", "-c", "user.email=tests@example.org"]
    run("git", *author, "commit", "-qam", tag, cwd=repo)
    run("git", "tag", tag, cwd=repo)


def test_upgrade_from_one_tagged_version_to_another(tmp_path: Path) -> None:
    repo = tmp_path / "peerkit"
    _copy_repo(repo)
    run("git", "add", "-A", cwd=repo)
    _commit(repo, "v0.1.0")
    # The next version: a reference module changes, and so does peerkit's version.
    module = repo / "modules" / "self-care.md"
    text = module.read_text(encoding="utf-8")
    assert 'version: "1.0"' in text
    text = text.replace('version: "1.0"', 'version: "1.1"', 1)
    module.write_text(text.rstrip("\n") + "\n\nLook after yourself first, then others.\n")
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace('version = "0.1.0"', 'version = "0.1.1"', 1)
    )
    _commit(repo, "v0.1.1")

    # A new site on v0.1.0, set up by its own `make setup` (hashes required for every
    # package but peerkit; the packages come from uv's cache).
    source = f"git+{repo.as_uri()}@v0.1.0"
    run(ROOT / ".venv" / "bin" / "peerkit", "new", "site", "--peerkit-source", source, cwd=tmp_path)
    site = tmp_path / "site"
    venv = site / ".venv"
    run("make", "setup", PYTHON, cwd=site)
    assert "--require-hashes" in (site / "Makefile").read_text(encoding="utf-8")
    peerkit = venv / "bin" / "peerkit"
    assert run(peerkit, "--version").stdout.strip() == "peerkit, version 0.1.0"

    # Versions that are not versions, or not tags there, are refused in one line.
    for wrong, says in (
        ("banana!", "'banana!' is not a version number"),
        ("9.9.9", "peerkit 9.9.9 is not a version at"),
    ):
        refused = run(peerkit, "upgrade", wrong, cwd=site, ok=False)
        assert says in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "@v0.1.0" in (site / "requirements.txt").read_text(encoding="utf-8")

    done = run(peerkit, "upgrade", "0.1.1", cwd=site)
    lines = done.stdout.splitlines()
    assert lines[0] == f"peerkit 0.1.0 → 0.1.1: peerkit @ git+{repo.as_uri()}@v0.1.1"
    assert "Reference modules changed (1):" in lines
    # Six words added, and the version's own "1.1".
    assert "  self-care: version 1.0 → 1.1; 7 words changed" in lines
    assert run(peerkit, "--version").stdout.strip() == "peerkit, version 0.1.1"
    requirements = (site / "requirements.txt").read_text(encoding="utf-8")
    assert f"peerkit @ git+{repo.as_uri()}@v0.1.1" in requirements.splitlines()
    assert "--hash=sha256:" in requirements and "mkdocs-material==" in requirements

    # The site builds with the new version, and its module page has the new sentence.
    run(peerkit, "build", "--no-packs", "--engine", "mkdocs", cwd=site)
    page = (site / "site" / "modules" / "self-care.html").read_text(encoding="utf-8")
    assert "Look after yourself first, then others." in page

    # Again, with nothing new: the same version, rebuilt, and no module changed.
    again = run(peerkit, "upgrade", cwd=site)
    assert "peerkit 0.1.1 → 0.1.1" in again.stdout
    assert "No reference module changed." in again.stdout

    # make setup requires a hash for every package but peerkit: a pin without one stops it.
    pinned = site / "requirements.txt"
    text = pinned.read_text(encoding="utf-8")
    unhashed = re.sub(
        r"^(markdown==\S+) \\\n(?:    --hash=\S+(?: \\\n)?)+", r"\1\n", text, flags=re.M
    )
    assert unhashed != text
    pinned.write_text(unhashed, encoding="utf-8")
    refused = run("make", "setup", PYTHON, cwd=site, ok=False)
    assert "markdown" in refused.stderr.lower() and "hash" in refused.stderr.lower()
