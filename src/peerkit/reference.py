"""peerkit's reference curriculum, for a site to include by id instead of copying files.

In a source checkout the modules are the repository's `modules/`; a built wheel carries the
same files as `peerkit/reference/` (see `pyproject.toml`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from peerkit.load import ModuleLoader, load_folder, load_module, module_paths
from peerkit.site import plugin_options, read_config

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


def choose(
    wanted: Sequence[str] | str,
    own: Mapping[str, Sequence[str]] | None = None,
    load: ModuleLoader = load_module,
) -> tuple[list[Path], list[str]]:
    """The files for `wanted` (ids, or "all") and for the modules they build on, and the ids
    that are not in the reference curriculum. `own` maps each of the site's own modules to
    its prerequisites: an own module takes the place of the reference one with its id, and
    the reference modules it builds on are included too."""
    own = own or {}
    known = {i: path for i, path in reference_paths().items() if i not in own}
    if wanted == "all":
        return list(known.values()), [] if reference_dir() else ["all"]
    ids = [wanted] if isinstance(wanted, str) else list(wanted)
    unknown = [i for i in ids if i not in known and i not in own]
    chosen: list[str] = []
    todo = [i for i in ids if i in known]
    todo += [p for prerequisites in own.values() for p in prerequisites if p in known]
    while todo:
        module_id = todo.pop(0)
        if module_id in chosen:
            continue
        chosen.append(module_id)
        module_file, _ = load(known[module_id], None)
        if module_file is not None:
            todo += [p for p in module_file.module.prerequisites if p in known]
    return [known[i] for i in sorted(chosen)], unknown


def own_modules(modules_dir: Path, load: ModuleLoader = load_module) -> dict[str, list[str]]:
    """A site's own modules: each id with its prerequisites."""
    if not modules_dir.is_dir():
        return {}
    files, _, _ = load_folder(modules_dir, load)
    return {f.module.id: list(f.module.prerequisites) for f in files}


def for_site(config_file: Path, modules_dir: Path) -> tuple[list[Path], list[str]]:
    """The reference modules a site's `mkdocs.yml` chooses (see `choose`), read without MkDocs;
    the site's own modules in `modules_dir` take the place of reference ones with their id."""
    if not config_file.is_file():
        return [], []
    wanted = plugin_options(read_config(config_file)).get("reference_modules") or []
    if not isinstance(wanted, (str, list)):
        return [], []
    if not wanted:
        return [], []
    return choose(wanted, own_modules(modules_dir))


def unknown_message(unknown: Sequence[str]) -> str:
    """What to say about reference module ids that are not in the curriculum."""
    known = ", ".join(sorted(reference_paths())) or "none in this install"
    return (
        "plugins.peerkit.reference_modules: no reference module "
        f"{', '.join(repr(u) for u in unknown)} (the reference modules are: {known})"
    )
