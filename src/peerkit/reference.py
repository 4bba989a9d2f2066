"""peerkit's reference curriculum, for a site to include by id instead of copying files.

In a source checkout the modules are the repository's `modules/`; a built wheel carries the
same files as `peerkit/reference/` (see `pyproject.toml`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from peerkit.load import load_module, module_paths

_PACKAGE = Path(__file__).resolve().parent


def reference_dir() -> Path | None:
    """Where the reference modules are, or None if this install has none."""
    for candidate in (_PACKAGE / "reference", _PACKAGE.parent.parent / "modules"):
        if candidate.is_dir() and module_paths(candidate):
            return candidate
    return None


def reference_paths() -> dict[str, Path]:
    """Each reference module's file, by id (its file name without `.md`)."""
    folder = reference_dir()
    return {path.stem: path for path in module_paths(folder)} if folder else {}


def choose(wanted: Sequence[str] | str) -> tuple[list[Path], list[str]]:
    """The files for `wanted` (ids, or "all") and for the modules they build on, and the ids
    that are not in the reference curriculum."""
    known = reference_paths()
    if wanted == "all":
        return list(known.values()), []
    ids = [wanted] if isinstance(wanted, str) else list(wanted)
    unknown = [i for i in ids if i not in known]
    chosen: list[str] = []
    todo = [i for i in ids if i in known]
    while todo:
        module_id = todo.pop(0)
        if module_id in chosen:
            continue
        chosen.append(module_id)
        module_file, _ = load_module(known[module_id])
        if module_file is not None:
            todo += [p for p in module_file.module.prerequisites if p in known]
    return [known[i] for i in sorted(chosen)], unknown
