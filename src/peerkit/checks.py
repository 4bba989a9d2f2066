"""Checks that look across a module or across the whole curriculum.

Each check takes loaded modules and returns findings; none of them prints anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from peerkit.findings import Finding, did_you_mean
from peerkit.model import ModuleFile

Check = Callable[[list[ModuleFile]], Iterable[Finding]]


def _here(path: Path, line: int) -> str:
    return f"{path.name}:{line}"


def unique_module_ids(files: list[ModuleFile]) -> Iterable[Finding]:
    first: dict[str, ModuleFile] = {}
    for f in files:
        other = first.setdefault(f.module.id, f)
        if other is not f:
            yield Finding(
                f.path,
                f.line_of("id"),
                f"module id '{f.module.id}' is already used by "
                f"{_here(other.path, other.line_of('id'))}",
            )


def unique_activity_ids(files: list[ModuleFile]) -> Iterable[Finding]:
    """Activity ids are page anchors and what session plans refer to: unique everywhere."""
    first: dict[str, tuple[ModuleFile, int]] = {}
    for f in files:
        for index, activity in enumerate(f.module.activities):
            line = f.line_of("activities", index, "id")
            other = first.setdefault(activity.id, (f, line))
            if other != (f, line):
                yield Finding(
                    f.path,
                    line,
                    f"activity id '{activity.id}' is already used by "
                    f"{_here(other[0].path, other[1])}",
                )


def handouts_resolve(files: list[ModuleFile]) -> Iterable[Finding]:
    for f in files:
        defined: dict[str, int] = {}
        for index, handout in enumerate(f.module.handouts):
            line = f.line_of("handouts", index, "id")
            if handout.id in defined:
                yield Finding(
                    f.path,
                    line,
                    f"handout id '{handout.id}' is already used on line {defined[handout.id]}",
                )
            defined.setdefault(handout.id, line)
        for a_index, activity in enumerate(f.module.activities):
            for h_index, handout_id in enumerate(activity.handouts):
                if handout_id not in defined:
                    yield Finding(
                        f.path,
                        f.line_of("activities", a_index, "handouts", h_index),
                        f"activities.{activity.id}.handouts: no handout '{handout_id}' in this "
                        f"module{did_you_mean(handout_id, defined)}",
                    )


def prompt_ids_unique(files: list[ModuleFile]) -> Iterable[Finding]:
    for f in files:
        seen: set[str] = set()
        places = [(("reflection",), f.module.reflection)] + [
            (("activities", i, "reflection"), a.reflection)
            for i, a in enumerate(f.module.activities)
        ]
        for key, prompts in places:
            for index, prompt in enumerate(prompts):
                if prompt.id is None:
                    continue
                if prompt.id in seen:
                    yield Finding(
                        f.path,
                        f.line_of(*key, index),
                        f"reflection prompt id '{prompt.id}' is used twice in this module",
                    )
                seen.add(prompt.id)


def prerequisites_resolve(files: list[ModuleFile]) -> Iterable[Finding]:
    known = {f.module.id for f in files}
    for f in files:
        for index, prerequisite in enumerate(f.module.prerequisites):
            line = f.line_of("prerequisites", index)
            if prerequisite == f.module.id:
                yield Finding(f.path, line, f"prerequisites: module '{prerequisite}' lists itself")
            elif prerequisite not in known:
                yield Finding(
                    f.path,
                    line,
                    f"prerequisites: no module with id '{prerequisite}'"
                    f"{did_you_mean(prerequisite, known)}",
                )


def prerequisites_acyclic(files: list[ModuleFile]) -> Iterable[Finding]:
    """Report each prerequisite cycle once, at the entry in its first module that starts it."""
    by_id = {f.module.id: f for f in files}
    graph = {
        f.module.id: [p for p in f.module.prerequisites if p in by_id and p != f.module.id]
        for f in files
    }
    reported: set[frozenset[str]] = set()
    for start in sorted(graph):
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        while stack:
            node, trail = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    cycle = frozenset(trail)
                    if cycle not in reported:
                        reported.add(cycle)
                        f = by_id[start]
                        index = f.module.prerequisites.index(trail[1] if len(trail) > 1 else start)
                        yield Finding(
                            f.path,
                            f.line_of("prerequisites", index),
                            "prerequisites go round in a circle: " + " → ".join([*trail, start]),
                        )
                elif nxt not in trail and nxt > start:
                    stack.append((nxt, [*trail, nxt]))


def activities_fit_duration(files: list[ModuleFile]) -> Iterable[Finding]:
    for f in files:
        needed = f.module.activity_minutes()
        if needed.min > f.module.duration.max:
            yield Finding(
                f.path,
                f.line_of("duration"),
                f"duration: the activities take at least {needed.min} minutes, "
                f"but the module lasts at most {f.module.duration.max}",
            )


CHECKS: tuple[Check, ...] = (
    unique_module_ids,
    unique_activity_ids,
    handouts_resolve,
    prompt_ids_unique,
    prerequisites_resolve,
    prerequisites_acyclic,
    activities_fit_duration,
)


def run_checks(files: list[ModuleFile]) -> list[Finding]:
    return [finding for check in CHECKS for finding in check(files)]
