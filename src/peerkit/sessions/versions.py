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
from collections.abc import Sequence
from dataclasses import dataclass

from peerkit.anchors import prompt_anchors
from peerkit.model import (
    STANDARD_VERSION,
    Activity,
    Module,
    Prompt,
    Range,
    Version,
    VersionActivity,
)
from peerkit.sessions.agenda import MODULE_START, AgendaDay, Entry, module_agenda
from peerkit.sessions.model import Kind

BREAK_OVER = 75
"""A version that may run longer than this many minutes has a break."""
WELCOME_TITLE = "Welcome, introductions and group agreement"
CLOSE_TITLE = "Close: where to find support, and goodbye"

STEP_TIMING = re.compile(
    r"\((?:about\s+)?(\d+)(?:\s*(?:-|\N{EN DASH}|to)\s*(\d+))?\s*min(?:ute)?s?\b", re.I
)
"""A step's own timing, as written in modules: "(12-14 minutes)", "(about 8 minutes)",
"(10 minutes each way)", "(8 mins, in pairs)". The one reading of it: versions retime it,
`peerkit check` adds it up, run mode counts it down."""


def step_minutes(step: str) -> Range | None:
    """The timing a step gives itself, e.g. `(12-14 minutes)`, if it gives one."""
    found = STEP_TIMING.search(step)
    if found is None:
        return None
    low = int(found[1])
    return Range(min=low, max=int(found[2] or low))


def retimed(step: str, minutes: Range) -> str:
    """The step with its own timing replaced by `minutes` (added at the end if it has none)."""
    label = f"({minutes} minute{'s' if minutes.max != 1 else ''}"
    if STEP_TIMING.search(step):
        return STEP_TIMING.sub(lambda _: label, step, count=1)
    return f"{step} {label})"


def prompt_anchor_map(module: Module) -> dict[str, tuple[str, int]]:
    """Each reflection prompt's anchor → (owner id, index in its owner's list)."""
    owners: list[tuple[str, list[Prompt]]] = [(module.id, list(module.reflection))]
    owners += [(a.id, list(a.reflection)) for a in module.activities]
    found: dict[str, tuple[str, int]] = {}
    for owner, prompts in owners:
        for n, (anchor, _) in enumerate(prompt_anchors(owner, prompts)):
            found.setdefault(anchor, (owner, n))
    return found


def _kept(owner: str, prompts: list[Prompt], wanted: set[str] | None) -> list[Prompt]:
    if wanted is None:
        return prompts
    return [prompt for anchor, prompt in prompt_anchors(owner, prompts) if anchor in wanted]


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
    standard_day = module_agenda(module)[0]
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


def shortest_minutes(module: Module) -> int:
    """The fewest minutes any version of the module says it needs (what "fits in" compares)."""
    return min([module.duration.min, *(v.minutes.min for v in module.versions)])


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
