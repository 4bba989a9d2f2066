"""Checks on a module's versions: each names only the module's own activities, steps and
prompts, fits its time with a welcome, a close and (over 75 minutes) a break, and keeps no
step that leads into a break the version does not have there."""

from __future__ import annotations

from collections.abc import Iterator

from peerkit.findings import Finding, Severity, did_you_mean
from peerkit.model import (
    STANDARD_VERSION,
    Activity,
    Module,
    ModuleFile,
    Version,
    VersionActivity,
)
from peerkit.sessions.agenda import AgendaDay
from peerkit.sessions.checks import leads_into_break
from peerkit.sessions.model import Kind
from peerkit.sessions.versions import (
    BREAK_OVER,
    STEP_TIMING,
    prompt_anchor_map,
    step_minutes,
    version_activity,
    version_day,
)


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
    head = STEP_TIMING.split(text, maxsplit=1)[0]
    return next((n for n, s in enumerate(activity.steps, 1) if s.startswith(head)), 1)
