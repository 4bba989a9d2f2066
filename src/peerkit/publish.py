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
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from peerkit.engine import Engine, command, environment, run
from peerkit.site import plugin_options, read_config

MARKER = ".peerkit-site"
"""A file in every site `build_site` makes: only a folder holding it is ever replaced."""


class UnsafeSiteDir(Exception):
    """The site folder would overwrite the project's own files; nothing was changed."""


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    site: Path
    output: str


def site_dir_of(config_file: Path) -> Path:
    """The site folder `mkdocs.yml` names (default `site`), relative to that file."""
    data = read_config(config_file)
    return config_file.parent / str(data.get("site_dir") or "site")


def check_site_dir(config_file: Path, site: Path) -> None:
    """Refuse a site folder that a swap would destroy something else in: the project, its
    sources, or a folder that was not made by a peerkit build."""
    project = config_file.parent
    data = read_config(config_file)
    plugin = plugin_options(data)
    sources = [
        project / str(data.get("docs_dir") or "docs"),
        project / str(plugin.get("modules_dir") or "modules"),
        project / str(plugin.get("sessions_dir") or "sessions"),
        project / "overrides",
    ]
    for source in sources:
        source = source.resolve()
        if site == source or site in source.parents or source in site.parents:
            raise UnsafeSiteDir(f"the site folder {site} overlaps {source}: choose another")
    if site == project or site in project.parents:
        raise UnsafeSiteDir(f"the site folder {site} holds the project itself: choose another")
    if site.exists() and not _replaceable(site):
        raise UnsafeSiteDir(
            f"{site} does not look like a built site (it has no {MARKER} file and no "
            "search index), so it was left alone: move it away, or choose another site folder"
        )


def _replaceable(site: Path) -> bool:
    """A folder a build may replace: empty, or a site peerkit (or MkDocs) built."""
    if not site.is_dir():
        return False
    if (site / MARKER).is_file() or not any(site.iterdir()):
        return True
    return (site / "index.html").is_file() and (site / "search" / "search_index.json").is_file()


def clear_leftovers(site: Path) -> None:
    """Folders an interrupted build left beside the site."""
    for pattern in (f".{site.name}-building-*", f".{site.name}-old-*"):
        for leftover in site.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def build_site(
    config_file: Path,
    site: Path | None = None,
    *,
    packs: bool = True,
    engine: Engine = "mkdocs",
    echo: Callable[[str], None] | None = None,
) -> BuildResult:
    """`mkdocs build --strict` (or ProperDocs') into a fresh folder, swapped in for `site`
    only on success; `echo` gets each line of the engine's output as it comes.

    Raises `UnsafeSiteDir` (before building anything) if `site` overlaps the project."""
    config_file = config_file.resolve()
    site = (site or site_dir_of(config_file)).resolve()
    check_site_dir(config_file, site)
    site.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(site)
    building = Path(tempfile.mkdtemp(prefix=f".{site.name}-building-", dir=site.parent))
    umask = os.umask(0)
    os.umask(umask)
    building.chmod(0o777 & ~umask)  # mkdtemp makes it private; a site is for serving
    try:
        argv = command(engine, "build", "--strict", "--clean", "--config-file", str(config_file))
        returncode, output = run(
            [*argv, "--site-dir", str(building)], config_file.parent, environment(packs), echo
        )
        if returncode != 0:
            return BuildResult(False, site, output)
        (building / MARKER).write_text(
            "Built by `peerkit build`. Only a folder holding this file is replaced.\n",
            encoding="utf-8",
        )
        swap_in(building, site)
        return BuildResult(True, site, output)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def swap_in(new: Path, site: Path) -> None:
    """Put the folder `new` where `site` is: the old site is renamed aside, the new one
    renamed into place (two renames, a moment apart), and only then is the old one removed.
    A failure never leaves half a site: there is the old whole site, or the new one."""
    old = None
    if site.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{site.name}-old-", dir=site.parent))
        os.replace(site, old / site.name)
    os.replace(new, site)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def zip_site(site: Path, dest: Path, folder: str) -> Path:
    """`site` as a zip whose files sit in one `folder` (open `folder/index.html`)."""
    site, dest = site.resolve(), dest.resolve()
    if site in dest.parents:
        raise UnsafeSiteDir(f"{dest} is inside the site it would hold: choose another place")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(site.rglob("*")):
            if path.is_file() and path.name != MARKER:
                archive.write(path, f"{folder}/{path.relative_to(site).as_posix()}")
    os.replace(partial, dest)
    return dest
