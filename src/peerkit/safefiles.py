"""Reading files that volunteers control: regular files inside the project, never too many bytes.

A module or plan may be a named pipe (reading it would wait for ever), a link to a device such
as /dev/zero (reading it would never end) or a link to a file outside the project (reading it
would publish, or quote back in an error, something that was never meant for the site). Each
is refused before a byte is read: the path is resolved and must lie inside the project, the
file is opened without blocking and checked to be a regular file, and at most `limit + 1`
bytes are read whatever its size claims to be.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from peerkit.findings import Finding


class Refused(Exception):
    """A file that is not read; `message` says why, in a sentence for its author."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, with every link followed, lies inside `root` (also followed)."""
    real = Path(os.path.realpath(path))
    base = Path(os.path.realpath(root))
    return real == base or base in real.parents


def default_root(path: Path) -> Path:
    """The project a content file belongs to: the folder above the one it is in
    (`modules/x.md` and `sessions/x.yml` belong to the folder holding `modules/`)."""
    return path.absolute().parent.parent


def read_bytes(path: Path, limit: int, root: Path | None = None) -> bytes:
    """At most `limit` bytes of the regular file `path` inside `root`.

    Raises `Refused` for a file outside the project, anything but a regular file, a file
    larger than `limit` bytes, or one that cannot be opened.
    """
    if not inside(path, root or default_root(path)):
        raise Refused(
            "is a link to a file outside the project: peerkit reads only files inside it "
            "(copy the file in instead)"
        )
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        if path.is_symlink():
            raise Refused("is a link to nothing: delete it or fix where it points") from None
        raise Refused("cannot read file: No such file or directory") from None
    except OSError as exc:
        raise Refused(f"cannot read file: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"is {_kind(info.st_mode)}, not a file of text: peerkit reads files only")
        if info.st_size > limit:
            raise Refused(f"file is larger than {limit // 1024} KiB")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:  # the size said by stat may be stale: stop at limit + 1 bytes
            try:
                chunk = os.read(fd, min(65536, limit + 1 - size))
            except OSError as exc:
                raise Refused(f"cannot read file: {exc.strerror}") from None
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise Refused(f"file is larger than {limit // 1024} KiB")
        return b"".join(chunks)
    finally:
        os.close(fd)


def linked_outside(folder: Path, root: Path, what: str) -> Iterator[Finding]:
    """Links in `folder` that lead outside `root`, and anything in it that is not a file or a
    folder (a named pipe, a device): MkDocs would publish (or hang on) each of them.

    `what` names the folder for the message, e.g. "docs/".
    """
    if not folder.is_dir():
        return
    for parent, dirs, names in os.walk(folder, followlinks=False):
        for name in sorted(dirs + names):
            path = Path(parent) / name
            try:
                info = path.lstat()
            except OSError:
                continue
            if stat.S_ISLNK(info.st_mode):
                if not inside(path, root):
                    yield Finding(
                        path,
                        1,
                        f"is a link to something outside the project: the site would publish "
                        f"it from {what} (copy the file in instead)",
                    )
                    continue
                try:
                    info = path.stat()
                except OSError:
                    yield Finding(path, 1, "is a link to nothing: delete it or fix its target")
                    continue
            if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
                yield Finding(
                    path, 1, f"is {_kind(info.st_mode)}, not a file: delete it from {what}"
                )
