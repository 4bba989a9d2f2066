"""The Modules section of the navigation in groups, so a page's nav stays small.

Material writes the whole navigation into every page; with `navigation.prune` it leaves out
the pages of groups other than the current page's. A flat list of 1,000 modules is one
group, so every page carried all 1,000 links (394 KB of HTML a page). Grouped, a module page
lists the groups and its own group's modules.

`auto` keeps the list flat while it is short (`size` modules or fewer) and groups by theme
beyond. A group larger than `size` is split into ranges of titles,
such as "Boundaries (A to K)" (written with an en dash).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from peerkit.model import Module

Groups = list[tuple[str, list[Module]]]

OTHER = "Other modules"
"""The group for modules that a site's own grouping leaves out."""


def _natural(text: str) -> list[Any]:
    """A sort key that puts "Topic 2" before "Topic 10"."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text.casefold())]


def _initial(module: Module) -> str:
    return (module.title.strip()[:1] or "?").upper()


def _split(title: str, modules: list[Module], size: int) -> Groups:
    """`modules` under `title`, in groups of at most `size` by title, each named by the first
    letters of its first and last titles."""
    if len(modules) <= size:
        return [(title, modules)]
    ordered = sorted(modules, key=lambda m: _natural(m.title))
    parts = (len(ordered) + size - 1) // size
    per = (len(ordered) + parts - 1) // parts
    groups: Groups = []
    for start in range(0, len(ordered), per):
        chunk = ordered[start : start + per]
        first, last = _initial(chunk[0]), _initial(chunk[-1])
        span = first if first == last else f"{first}\N{EN DASH}{last}"
        groups.append((f"{title} ({span})" if title else span, chunk))
    return groups


def by_theme(modules: Sequence[Module], size: int) -> Groups:
    """Each module under its first theme (capitalised), groups in A to Z order, large ones
    split."""
    themes: dict[str, tuple[str, list[Module]]] = {}
    for module in modules:
        theme = module.themes[0]
        key = theme.casefold()
        themes.setdefault(key, (theme[:1].upper() + theme[1:], []))[1].append(module)
    groups: Groups = []
    for key in sorted(themes, key=_natural):
        title, members = themes[key]
        groups += _split(title, members, size)
    return groups


def _ids(ids: object) -> list[str]:
    """A group's module ids as mkdocs.yml gives them: a list, or one id on its own."""
    if isinstance(ids, str):
        return [ids]
    return [str(i) for i in ids] if isinstance(ids, list) else []


def by_site(modules: Sequence[Module], mapping: dict[str, list[str]], size: int) -> Groups:
    """The site's own groups (title: module ids), in its order; the rest under OTHER."""
    known = {m.id: m for m in modules}
    placed: set[str] = set()
    groups: Groups = []
    for title, ids in mapping.items():
        members = [known[i] for i in _ids(ids) if i in known and i not in placed]
        placed.update(m.id for m in members)
        if members:
            groups.append((str(title), members))
    rest = [m for m in modules if m.id not in placed]
    if rest:
        groups += _split(OTHER, rest, size)
    return groups


def unknown_ids(modules: Sequence[Module], mapping: dict[str, list[str]]) -> list[str]:
    """Module ids a site's grouping names that the curriculum does not have."""
    known = {m.id for m in modules}
    return [i for ids in mapping.values() for i in _ids(ids) if i not in known]


def nav_groups(
    modules: Sequence[Module], how: str | dict[str, list[str]], size: int
) -> Groups | None:
    """The groups for the Modules section, or None for a flat list."""
    size = max(size, 1)
    if isinstance(how, dict):
        return by_site(modules, how, size)
    if how == "none" or (how == "auto" and len(modules) <= size):
        return None
    if how == "title":
        return _split("", list(modules), size)
    return by_theme(modules, size)
