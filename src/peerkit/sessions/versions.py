"""The versions a module runs in: the standard version (the module as written) and any a
module declares under `versions:` (a short version for a 60 or 90 minute slot, say).

A version is data: which activities, in which order, with which step timings and prompts.
From it come a module as that version runs (activities with their steps retimed or left out),
its timed running order (welcome, activities, a break over 75 minutes, close) and the checks
that it fits its time and names only what exists.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from peerkit.findings import Finding, Severity, did_you_mean
from peerkit.model import (
    STANDARD_VERSION,
    Activity,
    Curriculum,
    Module,
    ModuleFile,
    Prompt,
    Range,
    Version,
    VersionActivity,
)
from peerkit.plans import AgendaDay, Entry, Kind, agenda
from peerkit.runsheet import leads_into_break, module_plan

MODULE_START = dt.time(10, 0)
"""Clock times in a version's packs assume this start (as a module's own do)."""
BREAK_OVER = 75
"""A version that may run longer than this many minutes has a break."""
WELCOME_TITLE = "Welcome, introductions and group agreement"
CLOSE_TITLE = "Close: where to find support, and goodbye"

_TIMING = re.compile(r"\((\d+)(?:\s*(?:-|\N{EN DASH}|to)\s*(\d+))?\s*minutes?(?=[),])")


def step_minutes(step: str) -> Range | None:
    """The timing a step gives itself, e.g. `(12-14 minutes)`, if it gives one."""
    found = _TIMING.search(step)
    if found is None:
        return None
    low = int(found[1])
    return Range(min=low, max=int(found[2] or low))


def retimed(step: str, minutes: Range) -> str:
    """The step with its own timing replaced by `minutes` (added at the end if it has none)."""
    label = f"({minutes} minute{'s' if minutes.max != 1 else ''}"
    if _TIMING.search(step):
        return _TIMING.sub(lambda _: label, step, count=1)
    return f"{step} {label})"


def prompt_anchor_map(module: Module) -> dict[str, tuple[str, int]]:
    """Each reflection prompt's anchor → (owner id, index in its owner's list)."""
    owners: list[tuple[str, list[Prompt]]] = [(module.id, list(module.reflection))]
    owners += [(a.id, list(a.reflection)) for a in module.activities]
    found: dict[str, tuple[str, int]] = {}
    for owner, prompts in owners:
        for n, prompt in enumerate(prompts, start=1):
            found.setdefault(prompt.id or f"{owner}-reflect-{n}", (owner, n - 1))
    return found


def _kept(owner: str, prompts: list[Prompt], wanted: set[str] | None) -> list[Prompt]:
    if wanted is None:
        return prompts
    return [p for n, p in enumerate(prompts, start=1) if (p.id or f"{owner}-reflect-{n}") in wanted]


def version_activity(
    activity: Activity, planned: VersionActivity, wanted: set[str] | None
) -> Activity:
    """The activity as the version runs it: its minutes, steps retimed or left out."""
    changes = {s.step: s for s in planned.steps}
    steps = []
    for number, step in enumerate(activity.steps, start=1):
        change = changes.get(number)
        if change is not None and change.leave_out:
            continue
        steps.append(retimed(step, change.minutes) if change and change.minutes else step)
    notes = activity.facilitator_notes
    if planned.notes:
        notes = f"In this version: {planned.notes}" + (f"\n\n{notes}" if notes else "")
    return activity.model_copy(
        update={
            "minutes": planned.minutes or activity.minutes,
            "steps": steps,
            "facilitator_notes": notes,
            "reflection": _kept(activity.id, list(activity.reflection), wanted),
        }
    )


def version_module(module: Module, version: Version) -> Module:
    """The module as `version` runs it: its activities in the version's order."""
    by_id = {a.id: a for a in module.activities}
    wanted = set(version.reflection) if version.reflection is not None else None
    activities = [
        version_activity(by_id[planned.activity], planned, wanted)
        for planned in version.activities
        if planned.activity in by_id
    ]
    return module.model_copy(
        update={
            "activities": activities,
            "duration": version.minutes,
            "reflection": _kept(module.id, list(module.reflection), wanted),
            "break_after": version.break_after,
            "versions": [],
        }
    )


@dataclass(frozen=True)
class RunningVersion:
    """One way to run a module, ready to print or show: the standard or a declared version."""

    id: str
    label: str
    minutes: Range
    summary: str | None
    module: Module
    """The module as this version runs it."""
    day: AgendaDay
    """Its running order, timed from a nominal start."""
    declared: Version | None = None

    @property
    def standard(self) -> bool:
        return self.declared is None

    @property
    def session_id(self) -> str:
        """The name its packs go by: the module's id, or `<module>-<version>`."""
        base = self.module.id
        return base if self.standard else f"{base}-{self.id}"


def _add(start: dt.time, minutes: int) -> dt.time:
    total = (start.hour * 60 + start.minute + minutes) % (24 * 60)
    return dt.time(total // 60, total % 60)


def _break_index(version: Version, ids: list[str]) -> int | None:
    if version.minutes.max <= BREAK_OVER or len(ids) < 2:
        return None
    if version.break_after in ids[:-1]:
        return ids.index(version.break_after)
    return max(0, (len(ids) - 1) // 2)


def version_day(module: Module, version: Version) -> AgendaDay:
    """The version's timed running order: welcome, activities (a break among them when it
    runs over 75 minutes), close."""
    runs = version_module(module, version)
    originals = {a.id: a for a in module.activities}
    clock = MODULE_START
    entries = [Entry(Kind.welcome, WELCOME_TITLE, clock, version.welcome)]
    clock = _add(clock, version.welcome)
    position = _break_index(version, [a.id for a in runs.activities])
    for index, activity in enumerate(runs.activities):
        minutes = activity.minutes.max
        shortened = minutes < originals[activity.id].minutes.min
        entries.append(
            Entry(
                Kind.activity,
                activity.title,
                clock,
                minutes,
                module=runs,
                activity=activity,
                shortened=shortened,
            )
        )
        clock = _add(clock, minutes)
        if index == position:
            entries.append(Entry(Kind.break_, "Break", clock, version.break_minutes))
            clock = _add(clock, version.break_minutes)
    if version.close_with is None:
        entries.append(Entry(Kind.close, CLOSE_TITLE, clock, version.close))
    return AgendaDay(
        1, f"{module.title}: {version.label}", None, MODULE_START, version.minutes.max, entries
    )


def module_versions(module: Module) -> list[RunningVersion]:
    """The standard version first, then each version the module declares."""
    standard_day = agenda(module_plan(module), _with(module))[0]
    found = [
        RunningVersion(
            STANDARD_VERSION,
            "Standard version",
            module.duration,
            None,
            module,
            standard_day,
        )
    ]
    for version in module.versions:
        found.append(
            RunningVersion(
                version.id,
                version.label,
                version.minutes,
                version.summary,
                version_module(module, version),
                version_day(module, version),
                version,
            )
        )
    return found


def _with(module: Module) -> Curriculum:
    """A curriculum of one module, for timing its standard run-sheet."""
    return Curriculum(
        files=[ModuleFile(path=Path(f"{module.id}.md"), module=module, body="", body_line=1)]
    )


def shortest_minutes(module: Module) -> int:
    """The fewest minutes any version of the module says it needs (what "fits in" compares)."""
    return min([module.duration.min, *(v.minutes.min for v in module.versions)])


# --- checks --------------------------------------------------------------------------------


def check_versions(files: list[ModuleFile]) -> Iterator[Finding]:
    """Each version names only the module's own activities, steps and prompts, and fits its
    time with a welcome, a close and (over 75 minutes) a break."""
    for f in files:
        seen: dict[str, int] = {}
        for v, version in enumerate(f.module.versions):
            where = f"versions.{version.id}"
            line = f.line_of("versions", v, "id")
            if version.id == STANDARD_VERSION:
                yield Finding(
                    f.path,
                    line,
                    f"{where}: 'standard' is the module as written; give this version another id",
                )
            elif version.id in seen:
                yield Finding(
                    f.path,
                    line,
                    f"{where}: version id '{version.id}' is used twice (first at line "
                    f"{seen[version.id]})",
                )
            seen.setdefault(version.id, line)
            yield from _check_version(f, v, version)


def _check_version(f: ModuleFile, v: int, version: Version) -> Iterator[Finding]:
    module = f.module
    where = f"versions.{version.id}"
    by_id = {a.id: a for a in module.activities}
    listed: dict[str, int] = {}
    broken = False
    for a, planned in enumerate(version.activities):
        key = ("versions", v, "activities", a)
        activity = by_id.get(planned.activity)
        if activity is None:
            broken = True
            yield Finding(
                f.path,
                f.line_of(*key, "activity"),
                f"{where}: no activity '{planned.activity}' in this module"
                f"{did_you_mean(planned.activity, by_id)}",
            )
            continue
        if planned.activity in listed:
            broken = True
            yield Finding(
                f.path,
                f.line_of(*key, "activity"),
                f"{where}: activity '{planned.activity}' is listed twice (first at line "
                f"{listed[planned.activity]})",
            )
            continue
        listed[planned.activity] = f.line_of(*key, "activity")
        yield from _check_steps(f, key, where, activity, planned)
    anchors = prompt_anchor_map(module)
    for p, anchor in enumerate(version.reflection or []):
        if anchor not in anchors:
            yield Finding(
                f.path,
                f.line_of("versions", v, "reflection", p),
                f"{where}.reflection: no reflection prompt '{anchor}' in this module"
                f"{did_you_mean(anchor, anchors)}",
            )
    ids = [planned.activity for planned in version.activities]
    if version.break_after is not None:
        line = f.line_of("versions", v, "break_after")
        if version.break_after not in ids:
            yield Finding(
                f.path,
                line,
                f"{where}.break_after: '{version.break_after}' is not in this version's "
                f"activities{did_you_mean(version.break_after, ids)}",
            )
        elif version.break_after == ids[-1]:
            yield Finding(
                f.path,
                line,
                f"{where}.break_after: the break cannot follow the last activity; name one "
                "before it",
            )
        elif version.minutes.max <= BREAK_OVER:
            yield Finding(
                f.path,
                line,
                f"{where}.break_after: a version of {BREAK_OVER} minutes or less has no break; "
                "remove break_after",
            )
    if version.close_with is not None:
        line = f.line_of("versions", v, "close_with")
        if version.close_with not in ids:
            yield Finding(
                f.path,
                line,
                f"{where}.close_with: '{version.close_with}' is not in this version's "
                f"activities{did_you_mean(version.close_with, ids)}",
            )
            broken = True
        elif version.close_with != ids[-1]:
            yield Finding(
                f.path,
                line,
                f"{where}.close_with: '{version.close_with}' closes the session, so it comes "
                f"last; '{ids[-1]}' comes after it",
            )
    if not broken:
        yield from _check_fit(f, v, version)


def _check_steps(
    f: ModuleFile,
    key: tuple[str | int, ...],
    where: str,
    activity: Activity,
    planned: VersionActivity,
) -> Iterator[Finding]:
    numbers: dict[int, int] = {}
    for s, change in enumerate(planned.steps):
        line = f.line_of(*key, "steps", s, "step")
        if change.step > len(activity.steps):
            yield Finding(
                f.path,
                line,
                f"{where}: '{activity.id}' has {len(activity.steps)} steps, so there is no "
                f"step {change.step}",
            )
        elif change.step in numbers:
            yield Finding(
                f.path,
                line,
                f"{where}: step {change.step} of '{activity.id}' is listed twice (first at "
                f"line {numbers[change.step]})",
            )
        numbers.setdefault(change.step, line)
    kept = version_activity(activity, planned, None)
    if not kept.steps:
        yield Finding(
            f.path,
            f.line_of(*key, "steps"),
            f"{where}: every step of '{activity.id}' is left out; leave the activity out instead",
        )
        return
    given = (planned.minutes or activity.minutes).max
    needed = sum(t.min for t in map(step_minutes, kept.steps) if t is not None)
    if needed > given:
        yield Finding(
            f.path,
            f.line_of(*key, "minutes") if planned.minutes else f.line_of(*key, "activity"),
            f"{where}: the steps of '{activity.id}' take at least {needed} minutes as timed, "
            f"more than the {given} it has here: shorten a step (steps: - step: N, minutes: M) "
            "or leave one out",
        )


def _check_fit(f: ModuleFile, v: int, version: Version) -> Iterator[Finding]:
    day = version_day(f.module, version)
    yield from _check_break_steps(f, v, version, day)
    activities = sum(e.minutes for e in day.entries if e.kind is Kind.activity)
    has_break = any(e.kind is Kind.break_ for e in day.entries)
    total = day.minutes
    closing = f" and close ({version.close})" if version.close_with is None else ""
    said = (
        f"the welcome ({version.welcome}), activities ({activities})"
        + (f", break ({version.break_minutes})" if has_break else "")
        + f"{closing} take {total} minutes"
    )
    where = f"versions.{version.id}"
    line = f.line_of("versions", v, "minutes")
    if total > version.minutes.max:
        yield Finding(
            f.path,
            line,
            f"{where}: {said}, more than the {version.minutes.max} it has: shorten or leave "
            "out an activity",
        )
    elif total < version.minutes.min:
        yield Finding(
            f.path,
            line,
            f"{where}: {said}, less than the {version.minutes.min} it says it needs: give "
            f"it minutes {total}-{version.minutes.max}, or give an activity more time",
        )


def split_downloads(
    downloads: Sequence[tuple[str, str]], versions: Sequence[RunningVersion]
) -> dict[str, list[tuple[str, str]]]:
    """A module page's pack links by version: `Short version: Facilitator pack` goes to
    `short` as `Facilitator pack`; links without a version's label are the standard's."""
    found: dict[str, list[tuple[str, str]]] = {v.id: [] for v in versions}
    for label, href in downloads:
        version = next(
            (v for v in versions if not v.standard and label.startswith(f"{v.label}: ")), None
        )
        if version is None:
            found.setdefault(STANDARD_VERSION, []).append((label, href))
        else:
            found[version.id].append((label[len(version.label) + 2 :], href))
    return found


def _check_break_steps(
    f: ModuleFile, v: int, version: Version, day: AgendaDay
) -> Iterator[Finding]:
    """A kept step that sends the group "into the break" is followed by the version's break."""
    entries = day.entries
    for index, entry in enumerate(entries):
        if entry.activity is None:
            continue
        step = leads_into_break(entry.activity)
        following = entries[index + 1] if index + 1 < len(entries) else None
        if step is None or (following is not None and following.kind is Kind.break_):
            continue
        a = next(i for i, p in enumerate(version.activities) if p.activity == entry.activity.id)
        number = _original_step(f.module, entry.activity.id, entry.activity.steps[step])
        then = f"'{following.title}' follows it" if following else "it ends the session"
        yield Finding(
            f.path,
            f.line_of("versions", v, "activities", a, "activity"),
            f"versions.{version.id}: step {number} of '{entry.activity.id}' leads into the "
            f"break, but in this version {then}: leave the step out (steps: - step: {number}, "
            "leave_out: true) or set break_after",
            Severity.warning,
        )


def _original_step(module: Module, activity_id: str, text: str) -> int:
    """The number of the module's own step that `text` (perhaps retimed) came from."""
    activity = next(a for a in module.activities if a.id == activity_id)
    head = _TIMING.split(text, maxsplit=1)[0]
    return next((n for n, s in enumerate(activity.steps, 1) if s.startswith(head)), 1)
