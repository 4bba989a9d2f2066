"""Safe builds: a failed build never touches the last good site, and an offline bundle.

MkDocs writes straight into its site folder, so a build that fails half-way would leave a
half-written site behind. `build_site` has MkDocs (run as its own process: peerkit's core
imports nothing from it) build into a new folder beside the site, and swaps that in only
when the build has passed `--strict`. `zip_site` packs a built site for a laptop or a USB
stick: unzipped and opened from the folder, it works with no network, search included.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from peerkit.site import read_config


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    site: Path
    output: str


def site_dir_of(config_file: Path) -> Path:
    """The site folder `mkdocs.yml` names (default `site`), relative to that file."""
    data = read_config(config_file)
    return config_file.parent / str(data.get("site_dir") or "site")


def build_site(config_file: Path, site: Path | None = None, *, packs: bool = True) -> BuildResult:
    """`mkdocs build --strict` into a fresh folder, swapped in for `site` only on success."""
    config_file = config_file.resolve()
    site = (site or site_dir_of(config_file)).resolve()
    site.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{site.name}-building-", dir=site.parent))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if not packs:
        env["PEERKIT_PACKS"] = "off"
    try:
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean"]
        proc = subprocess.run(
            [*command, "--config-file", str(config_file), "--site-dir", str(building)],
            cwd=config_file.parent,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        output = proc.stdout + proc.stderr
        if proc.returncode != 0:
            return BuildResult(False, site, output)
        swap_in(building, site)
        return BuildResult(True, site, output)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def swap_in(new: Path, site: Path) -> None:
    """Put the folder `new` where `site` is. The old site is renamed aside first and removed
    last, so at every moment there is a whole site in place (one of the two)."""
    old = None
    if site.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{site.name}-old-", dir=site.parent))
        os.replace(site, old / site.name)
    os.replace(new, site)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def zip_site(site: Path, dest: Path, folder: str) -> Path:
    """`site` as a zip whose files sit in one `folder` (open `folder/index.html`)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(site.rglob("*")):
            if path.is_file():
                archive.write(path, f"{folder}/{path.relative_to(site).as_posix()}")
    os.replace(partial, dest)
    return dest
