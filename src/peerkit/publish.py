"""Safe builds: a failed build never touches the last good site, and an offline bundle.

MkDocs writes straight into its site folder, so a build that fails half-way would leave a
half-written site behind. `build_site` has MkDocs (run as its own process: peerkit's core
imports nothing from it) build into a new folder beside the site, and swaps that in only
when the build has passed `--strict`. `zip_site` packs a built site for a laptop or a USB
stick: unzipped and opened from the folder, it works with no network, search included.

One build at a time per site: `build_lock` holds an exclusive `flock` on `.SITE.lock` beside
the site for the whole build (and zip), and writes who holds it (pid, host, time, command)
into the file, so a second build can say who it is waiting for. The kernel lets go of the
lock when its holder exits, however it exits, so a crashed build never blocks the next one.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import socket
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from peerkit.engine import Engine, command, environment, run
from peerkit.site import plugin_options, read_config

MARKER = ".peerkit-site"
"""A file in every site `build_site` makes: only a folder holding it is ever replaced."""


class UnsafeSiteDir(Exception):
    """The site folder would overwrite the project's own files; nothing was changed."""


class BuildLocked(Exception):
    """Another build of the same site is running; nothing was changed."""


_HELD: set[Path] = set()
"""Sites whose build lock this process holds (so `build_site` inside `build_lock` nests)."""


def lock_path(site: Path) -> Path:
    return site.parent / f".{site.name}.lock"


@contextmanager
def build_lock(site: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the site's build lock, waiting up to `wait` seconds for another build to finish;
    raises `BuildLocked`, naming the build that holds it, when it does not in time."""
    site = site.resolve()
    if site in _HELD:
        yield
        return
    path = lock_path(site)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 1000, 0).decode("utf-8", "replace").strip() or "starting"
            os.close(fd)
            if time.monotonic() >= deadline:
                waited = f" (waited {wait:g} s)" if wait else ""
                raise BuildLocked(
                    f"another build of {site} is running{waited}: {holder}. Wait for it to "
                    "finish, or use --wait SECONDS"
                ) from None
            time.sleep(0.2)
            continue
        # The holder removes the file as it finishes: a lock on a removed file locks nothing.
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        command = " ".join(["peerkit", *sys.argv[1:]])[:300]
        holder = f"pid {os.getpid()} on {socket.gethostname()}, since {started}: {command}"
        os.ftruncate(fd, 0)
        os.pwrite(fd, (holder + "\n").encode("utf-8"), 0)
        _HELD.add(site)
        yield
    finally:
        _HELD.discard(site)
        try:
            path.unlink()
        finally:
            os.close(fd)  # closing lets go of the lock


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


_OWNER = re.compile(r"-(?:building|old)-(\d+)-")


def clear_leftovers(site: Path) -> None:
    """Folders an interrupted build left beside the site: only those whose build (named by
    the pid in the folder's name) is no longer running."""
    for pattern in (f".{site.name}-building-*", f".{site.name}-old-*"):
        for leftover in site.parent.glob(pattern):
            owner = _OWNER.search(leftover.name)
            if owner and int(owner[1]) != os.getpid() and _running(int(owner[1])):
                continue
            shutil.rmtree(leftover, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


class IncompleteSite(Exception):
    """MkDocs reported success but the new folder is not a whole site; nothing was swapped."""


def check_complete(folder: Path) -> None:
    """Refuse to publish a folder that is not a whole site (it must have its home page)."""
    if not (folder / "index.html").is_file():
        raise IncompleteSite(
            f"the new build in {folder} has no index.html, so it was not published"
        )


def build_site(
    config_file: Path,
    site: Path | None = None,
    *,
    packs: bool = True,
    engine: Engine = "mkdocs",
    echo: Callable[[str], None] | None = None,
    wait: float = 0.0,
) -> BuildResult:
    """`mkdocs build --strict` (or ProperDocs') into a fresh folder, swapped in for `site`
    only on success, holding the site's build lock (waiting up to `wait` seconds for it);
    `echo` gets each line of the engine's output as it comes.

    Raises `UnsafeSiteDir` (before building anything) if `site` overlaps the project, and
    `BuildLocked` if another build of the same site is running."""
    config_file = config_file.resolve()
    site = (site or site_dir_of(config_file)).resolve()
    check_site_dir(config_file, site)
    with build_lock(site, wait):
        return _build(config_file, site, packs, engine, echo)


def _build(
    config_file: Path,
    site: Path,
    packs: bool,
    engine: Engine,
    echo: Callable[[str], None] | None,
) -> BuildResult:
    site.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(site)
    building = Path(
        tempfile.mkdtemp(prefix=f".{site.name}-building-{os.getpid()}-", dir=site.parent)
    )
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
        check_complete(building)
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
    check_complete(new)
    old = None
    if site.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{site.name}-old-{os.getpid()}-", dir=site.parent))
        os.replace(site, old / site.name)
    os.replace(new, site)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def describe_os_error(code: int | None, where: str, strerror: str) -> str:
    """A file system error as one sentence a volunteer can act on."""
    if code == errno.ENOSPC:
        return f"the disk is full (writing {where or 'the site'}): free some space and try again"
    if code == errno.EDQUOT:
        return f"the disk quota is used up (writing {where or 'the site'}): free some space"
    if code in (errno.EACCES, errno.EPERM):
        what = where or "a file"
        return f"permission denied for {what}: check who owns it and that it may be written"
    if code == errno.EROFS:
        return f"{where or 'the folder'} is on a read-only disk: build somewhere else"
    return f"{strerror}{': ' + where if where else ''}"


_TRACEBACK = re.compile(
    r"^Traceback \(most recent call last\):\n(?:[ \t].*\n|\n)*"
    r"(?:[\w.]+Error): \[Errno (\d+)\] ([^:\n]*)(?:: '([^'\n]*)')?[^\n]*\n?",
    re.M,
)


def explain_failure(output: str) -> tuple[str, str | None]:
    """MkDocs' output without the traceback of a file system error (a full disk, a folder it
    may not write), and that error as a sentence; or the output as it is, and None."""
    found = list(_TRACEBACK.finditer(output))
    if not found:
        return output, None
    last = found[-1]
    reason = describe_os_error(int(last[1]), last[3] or "", last[2])
    return _TRACEBACK.sub("", output), reason


def zip_site(site: Path, dest: Path, folder: str) -> Path:
    """`site` as a zip whose files sit in one `folder` (open `folder/index.html`)."""
    site, dest = site.resolve(), dest.resolve()
    if site in dest.parents:
        raise UnsafeSiteDir(f"{dest} is inside the site it would hold: choose another place")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(site.rglob("*")):
                if path.is_file() and path.name != MARKER:
                    archive.write(path, f"{folder}/{path.relative_to(site).as_posix()}")
        os.replace(partial, dest)
    except BaseException as exc:
        partial.unlink(missing_ok=True)  # a full disk, say: leave no half-written zip
        if isinstance(exc, OSError) and not exc.filename:
            raise OSError(exc.errno, exc.strerror, str(dest)) from None
        raise
    return dest
