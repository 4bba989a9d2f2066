"""Where the breaks go: a module's own run-sheet, screen breaks online, and the checks that
keep a run-sheet in step with what the module's steps say.

A module says where its break goes (`break_after: <activity id>`); its run-sheet puts it
there. A step that tells the facilitator to "head into the break", or names the next
activity, is checked against the order, and a stretch of more than 90 minutes without a break
is reported. Online, people tire sooner at a screen: the run-sheet adds a short screen break
so that no stretch runs past 50 minutes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Iterator

from peerkit.findings import Finding, Severity
from peerkit.model import Activity, Curriculum, Module, ModuleFile
from peerkit.plans import AgendaDay, Entry, Item, Kind, Plan, PlanFile, agenda

MODULE_START = dt.time(10, 0)
"""Clock times in a module's own pack assume this start; a session plan sets its own."""
WELCOME_MINUTES = 10
BREAK_MINUTES = 15
LONGEST_STRETCH = 90
"""Minutes people can be asked to work before a break, in the room."""
LONGEST_ONLINE_STRETCH = 50
ONLINE_STRETCH_LEFT_WHOLE = 60
SCREEN_BREAK_MINUTES = 5

_INTO_THE_BREAK = re.compile(
    r"\b(?:into|towards?|before) the break\b|\b(?:a|the) proper break\b", re.IGNORECASE
)
_NEXT_ACTIVITY = re.compile(r"\bnext activity\b", re.IGNORECASE)


def leads_into_break(activity: Activity) -> int | None:
    """The index of a step that sends the group into the break, if there is one."""
    return next((i for i, step in enumerate(activity.steps) if _INTO_THE_BREAK.search(step)), None)


def break_position(module: Module) -> int:
    """The index of the activity the module's break follows: the one `break_after` names,
    else the first whose end passes halfway."""
    ids = [a.id for a in module.activities]
    if module.break_after in ids:
        return ids.index(module.break_after)
    halfway = sum(a.minutes.max for a in module.activities) / 2
    done = 0
    for index, activity in enumerate(module.activities[:-1]):
        done += activity.minutes.max
        if done >= halfway:
            return index
    return max(0, len(ids) - 2)


def module_plan(module: Module) -> Plan:
    """A one-day plan for running one module: welcome, its activities, and the break where
    the module says it goes, in the time the module asks for."""
    items = [Item(welcome="Welcome, introductions and group agreement", minutes=WELCOME_MINUTES)]
    position = break_position(module) if len(module.activities) > 1 else None
    for index, activity in enumerate(module.activities):
        items.append(Item(activity=activity.id))
        if index == position:
            items.append(Item.model_validate({"break": "Break", "minutes": BREAK_MINUTES}))
    return Plan(
        title=module.title,
        summary=module.summary,
        start=MODULE_START,
        available=module.duration.max,
        format=module.format,
        items=items,
    )


def stretches(entries: Iterable[Entry]) -> Iterator[tuple[list[Entry], int]]:
    """Each run of entries between breaks, with its minutes."""
    run: list[Entry] = []
    for entry in entries:
        if entry.kind is Kind.break_:
            if run:
                yield run, sum(e.minutes for e in run)
            run = []
        else:
            run.append(entry)
    if run:
        yield run, sum(e.minutes for e in run)


def with_screen_breaks(day: AgendaDay, every: int = LONGEST_ONLINE_STRETCH) -> AgendaDay:
    """The day with a short screen break wherever a stretch would pass `every` minutes.

    Breaks go between items, never inside one; an item longer than `every` is followed by one.
    A stretch of an hour or less (a whole monthly hour, say) is left as it is.
    """
    entries: list[Entry] = []
    for run_entries, minutes in _stretches_and_breaks(day.entries):
        if minutes <= ONLINE_STRETCH_LEFT_WHOLE:
            entries += run_entries
        else:
            entries += _split(run_entries, every)
    clock, timed = day.start, []
    for entry in entries:
        timed.append(dataclasses.replace(entry, start=clock))
        clock = _after(clock, entry.minutes)
    return dataclasses.replace(day, entries=timed)


def _stretches_and_breaks(entries: list[Entry]) -> Iterator[tuple[list[Entry], int]]:
    """Runs of entries between breaks, and each break as a run of its own (0 minutes)."""
    run: list[Entry] = []
    for entry in entries:
        if entry.kind is Kind.break_:
            if run:
                yield run, sum(e.minutes for e in run)
            yield [entry], 0
            run = []
        else:
            run.append(entry)
    if run:
        yield run, sum(e.minutes for e in run)


def _split(items: list[Entry], every: int) -> list[Entry]:
    entries: list[Entry] = []
    run = 0
    for index, entry in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        if entry.kind is Kind.break_:
            run = 0
        elif run and run + entry.minutes > every:
            entries.append(_screen_break())
            run = 0
        entries.append(entry)
        if entry.kind is not Kind.break_:
            run += entry.minutes
        if run >= every and following is not None and following.kind is not Kind.break_:
            entries.append(_screen_break())
            run = 0
    return entries


def _screen_break() -> Entry:
    return Entry(
        Kind.break_,
        "Screen break: look away, stretch, get a drink",
        MODULE_START,
        SCREEN_BREAK_MINUTES,
    )


def _after(start: dt.time, minutes: int) -> dt.time:
    total = (start.hour * 60 + start.minute + minutes) % (24 * 60)
    return dt.time(total // 60, total % 60)


# --- checks --------------------------------------------------------------------------


def check_module_breaks(files: list[ModuleFile]) -> Iterator[Finding]:
    """A module's break data agrees with its steps, and its run-sheet has no long stretch."""
    curriculum = Curriculum(files=files)
    for f in files:
        module = f.module
        ids = [a.id for a in module.activities]
        if module.break_after is not None:
            if module.break_after not in ids:
                yield Finding(
                    f.path,
                    f.line_of("break_after"),
                    f"break_after: no activity '{module.break_after}' in this module",
                )
                continue
            if module.break_after == ids[-1]:
                yield Finding(
                    f.path,
                    f.line_of("break_after"),
                    "break_after: the break cannot follow the last activity; name an activity "
                    "before it",
                )
                continue
        position = break_position(module)
        for index, activity in enumerate(module.activities):
            step = leads_into_break(activity)
            if step is not None and index != position:
                where = (
                    f"the run-sheet's break follows '{ids[position]}'"
                    if module.break_after
                    else f"the run-sheet puts the break after '{ids[position]}'; add "
                    f"'break_after: {activity.id}'"
                )
                yield Finding(
                    f.path,
                    f.line_of("activities", index, "steps", step),
                    f"activities.{activity.id}: a step leads into the break, but {where}",
                )
            yield from _next_activity(f, module, index)
        days = agenda(module_plan(module), curriculum)
        for run, minutes in stretches(days[0].entries):
            if minutes > LONGEST_STRETCH:
                yield Finding(
                    f.path,
                    f.line_of("break_after") if module.break_after else f.line_of("activities"),
                    f"the run-sheet goes {minutes} minutes without a break (from "
                    f"'{run[0].title}' to '{run[-1].title}'); most groups need one by "
                    f"{LONGEST_STRETCH}: set break_after",
                    Severity.warning,
                )


def _next_activity(f: ModuleFile, module: Module, index: int) -> Iterator[Finding]:
    """A step that names the next activity agrees with the order of activities."""
    activity = module.activities[index]
    following = module.activities[index + 1] if index + 1 < len(module.activities) else None
    for s, step in enumerate(activity.steps):
        if not _NEXT_ACTIVITY.search(step):
            continue
        line = f.line_of("activities", index, "steps", s)
        if following is None:
            yield Finding(
                f.path,
                line,
                f"activities.{activity.id}: a step mentions the next activity, but this is "
                "the last one",
            )
            continue
        named = [
            other
            for other in module.activities
            if other is not activity and other.title.lower() in step.lower()
        ]
        if named and following not in named:
            yield Finding(
                f.path,
                line,
                f"activities.{activity.id}: a step calls '{named[0].title}' the next "
                f"activity, but '{following.title}' comes next",
            )


def check_plan_breaks(plan_file: PlanFile, curriculum: Curriculum) -> Iterator[Finding]:
    """Each day has no stretch past 90 minutes, and an activity that leads into the break is
    followed by one."""
    plan = plan_file.plan
    for agenda_day, day in zip(agenda(plan, curriculum), plan.each_day(), strict=True):
        d = agenda_day.number - 1
        where = f"{agenda_day.title}: " if plan.days is not None else ""
        entries = agenda_day.entries
        for i, entry in enumerate(entries):
            if entry.activity is None or leads_into_break(entry.activity) is None:
                continue
            following = entries[i + 1] if i + 1 < len(entries) else None
            if following is not None and following.kind is not Kind.break_:
                yield Finding(
                    plan_file.path,
                    plan_file.line_of(*_item_key(plan_file, day.items, d, entry)),
                    f"{where}a step of '{entry.title}' leads into the break, but "
                    f"'{following.title}' follows it: put the break after it",
                    Severity.warning,
                )
        for run, minutes in stretches(entries):
            if minutes > LONGEST_STRETCH:
                yield Finding(
                    plan_file.path,
                    plan_file.line_of(*_item_key(plan_file, day.items, d, run[-1])),
                    f"{where}{minutes} minutes without a break, from '{run[0].title}' to "
                    f"'{run[-1].title}': most groups need a break by {LONGEST_STRETCH}",
                    Severity.warning,
                )


def _item_key(
    plan_file: PlanFile, items: list[Item], day: int, entry: Entry
) -> tuple[str | int, ...]:
    """The key path of the plan item an entry came from (its activity, module or text)."""
    wanted = {entry.title}
    if entry.activity is not None and entry.module is not None:
        wanted = {entry.activity.id, entry.module.id}
    for index, item in enumerate(items):
        if item.value in wanted:
            return plan_file.item_key(day, index)
    return plan_file.item_key(day, 0)
