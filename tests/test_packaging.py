"""The package as an index would carry it: licences, metadata, a package-page README, and a
wheel that installs in a fresh environment and makes a new site that builds."""

from __future__ import annotations

import email
import os
import re
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

from peerkit.lockfile import hashes_from_lock

from conftest import ROOT

UV = ROOT / ".tools" / "bin" / "uv"  # pinned in the Makefile, installed by `make setup`


def run(*args: str | Path, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sdist and the wheel, built the way a release is (`uv build`: the wheel is built
    from the sdist), with no network beyond what uv has cached."""
    out = tmp_path_factory.mktemp("dist")
    run(UV, "build", "--offline", "--quiet", "--out-dir", out)
    (sdist,) = out.glob("peerkit-*.tar.gz")
    (wheel,) = out.glob("peerkit-*-py3-none-any.whl")
    return sdist, wheel


def test_the_wheel_carries_both_licences_and_metadata_for_an_index(
    dists: tuple[Path, Path],
) -> None:
    _, wheel = dists
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = email.message_from_string(archive.read(info).decode())
        reference_licence = archive.read("peerkit/reference/LICENSE").decode()
        code_licence = archive.read(info.replace("METADATA", "licenses/LICENSE")).decode()
    assert meta["License-Expression"] == "MIT AND CC-BY-SA-4.0"
    assert meta.get_all("License-File") == ["LICENSE", "modules/LICENSE"]
    assert any(n.endswith(".dist-info/licenses/modules/LICENSE") for n in names)
    assert code_licence.startswith("MIT License")
    assert "Attribution-ShareAlike 4.0" in reference_licence
    assert "https://creativecommons.org/licenses/by-sa/4.0/legalcode" in reference_licence
    classifiers = meta.get_all("Classifier")
    assert "Framework :: MkDocs" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert not [c for c in classifiers if c.startswith("License ::")]  # the expression says it
    # The package page's README has no links into the repository, which an index cannot show.
    readme = meta.get_payload()
    assert "end of life on 5 May 2027" in readme and "ProperDocs" in readme
    links = re.findall(r"\]\(([^)]+)\)", readme) + re.findall(r'href="([^"]+)"', readme)
    assert [link for link in links if not link.startswith(("https://", "#"))] == []
    assert "peerkit/reference/boundaries.md" in names  # the reference curriculum
    assert "peerkit/scaffold/site/Makefile" in names
    # Every template, script and stylesheet a site is built with, wherever it lives in peerkit.
    packaged = Path(__file__).resolve().parent.parent / "src" / "peerkit"
    for suffix in ("*.html", "*.js", "*.css"):
        for path in packaged.rglob(suffix):
            if "scaffold" not in path.parts:
                assert f"peerkit/{path.relative_to(packaged).as_posix()}" in names, path
    assert [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".pyo"))] == []


def test_the_sdist_has_the_licences_and_nothing_from_a_working_copy(
    dists: tuple[Path, Path],
) -> None:
    sdist, _ = dists
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "modules/LICENSE", "README-pypi.md", "pyproject.toml"} <= names
    assert "src/peerkit/engine.py" in names and "modules/boundaries.md" in names
    for unwanted in ("node_modules/", ".venv/", "site/", ".tools/", "dist/", ".cache/"):
        assert not [n for n in names if n.startswith(unwanted)], unwanted
    assert not [n for n in names if "__pycache__" in n]


def test_the_wheel_installs_in_a_fresh_venv_and_makes_a_site_that_builds(
    dists: tuple[Path, Path], tmp_path: Path
) -> None:
    _, wheel = dists
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    run(UV, "venv", "--quiet", "--python", ROOT / ".venv" / "bin" / "python", venv)
    # The versions the lock file holds, from uv's cache (filled by `make setup`): no network.
    constraints = tmp_path / "constraints.txt"
    exported = run(UV, "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project")
    constraints.write_text(exported.stdout, encoding="utf-8")
    # --compile-bytecode does what pip does by default: __pycache__ beside every .py file,
    # the new site's macros.py template included.
    run(
        UV, "pip", "install", "--quiet", "--offline", "--compile-bytecode",
        "--python", python, "-c", constraints, wheel,
    )  # fmt: skip
    installed = venv / "lib" / "python3.11" / "site-packages" / "peerkit"
    assert list((installed / "scaffold" / "site").glob("__pycache__/*.pyc"))
    peerkit = venv / "bin" / "peerkit"
    assert run(peerkit, "--version").stdout.strip() == "peerkit, version 0.1.0"

    run(peerkit, "new", "our-site", "--name", "Riverside Peer Network", cwd=tmp_path)
    site = tmp_path / "our-site"
    assert [p for p in site.rglob("*") if p.name == "__pycache__" or p.suffix == ".pyc"] == []
    pinned_lines = (site / "requirements.txt").read_text(encoding="utf-8")
    assert "peerkit @ file://" in pinned_lines
    # Every package pinned with the hashes the lock records for it (from the wheel's copy),
    # the packages of extras included (fonttools[woff] brings brotli).
    locked = hashes_from_lock((ROOT / "uv.lock").read_text(encoding="utf-8"))
    pins = re.findall(
        r"^([a-z0-9-]+)==(\S+)((?: \\\n    --hash=sha256:[0-9a-f]{64})+)", pinned_lines, re.M
    )
    assert len(pins) == pinned_lines.count("==") > 40
    for name, version, hashes in pins:
        assert sorted(re.findall(r"sha256:[0-9a-f]{64}", hashes)) == locked[name][version], name
    assert "brotli==" in pinned_lines
    assert not (site / "package-lock.json").exists()  # nothing to fetch from npm
    run(peerkit, "check", "modules", cwd=site)
    built = run(peerkit, "build", "--no-packs", "--engine", "mkdocs", cwd=site)
    assert "5 May 2027" in built.stderr
    assert (site / "site" / "modules" / "getting-started.html").is_file()
    # Search from a folder works with the shim from the wheel (checked against its sha512
    # when the wheel was built), the same file the repository pins.
    pinned = (ROOT / "node_modules" / "iframe-worker" / "shim" / "index.js").read_bytes()
    assert (installed / "vendor" / "iframe-worker" / "shim" / "index.js").read_bytes() == pinned
    assert (site / "site" / "assets" / "peerkit" / "iframe-worker.js").read_bytes() == pinned
    assert (site / "site" / "search" / "search_index.js").is_file()
