"""A plan's running order timed to the clock, and a module's own run-sheet.

Activities take the longer end of their range of minutes (what a facilitator should plan
for) unless a plan says otherwise; the other items of a session have default minutes. Both
live here only: the planner in the browser reads them from the browse index. A module's
run-sheet puts its break where the module says (`break_after`); online, people tire sooner
at a screen, so the run-sheet adds a short screen break so that no stretch runs past 50
minutes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from peerkit.model import Activity, Curriculum, Module
from peerkit.sessions.ideas import SelfCareIdea
from peerkit.sessions.model import MAX_DAY_MINUTES, Breakout, Item, Kind, Plan

MODULE_START = dt.time(10, 0)
"""Clock times in a module's own pack assume this start; a session plan sets its own."""
DEFAULT_MINUTES: dict[Kind, int] = {
    Kind.welcome: 10,
    Kind.check_in: 10,
    Kind.self_care: 15,
    Kind.discussion: 20,
    Kind.break_: 15,
    Kind.close: 10,
}
"""How long an item that is not an activity runs until the facilitator says: in a module's
run-sheet (welcome, break) and in the planner."""
MODULE_WELCOME = "Welcome, introductions and group agreement"
LONGEST_STRETCH = 90
"""Minutes people can be asked to work before a break, in the room."""
LONGEST_ONLINE_STRETCH = 50
ONLINE_STRETCH_LEFT_WHOLE = 60
SCREEN_BREAK_MINUTES = 5


def planned_minutes(activity: Activity) -> int:
    """The minutes to plan for an activity: the longer end of its range."""
    return activity.minutes.max


@dataclass(frozen=True)
class Entry:
    """One timed line of a day's run-sheet."""

    kind: Kind
    title: str
    start: dt.time
    minutes: int
    notes: str | None = None
    module: Module | None = None
    activity: Activity | None = None
    text: str | None = None
    questions: tuple[str, ...] = ()
    idea: SelfCareIdea | None = None
    breakouts: tuple[Breakout, ...] = ()

    @property
    def has_content(self) -> bool:
        """True when the item names what it shares (an idea, a brief, questions)."""
        return bool(self.text or self.questions or self.idea or self.breakouts)

    @property
    def end(self) -> dt.time:
        return _add(self.start, self.minutes)


@dataclass(frozen=True)
class AgendaDay:
    number: int
    title: str
    date: dt.date | None
    start: dt.time
    available: int
    entries: list[Entry]

    @property
    def minutes(self) -> int:
        return sum(e.minutes for e in self.entries)

    @property
    def overrun(self) -> int:
        """Minutes beyond what is available (0 when the day fits)."""
        return max(0, self.minutes - self.available)

    @property
    def end(self) -> dt.time:
        return _add(self.start, self.minutes)


def _add(start: dt.time, minutes: int) -> dt.time:
    total = (start.hour * 60 + start.minute + minutes) % MAX_DAY_MINUTES
    return dt.time(total // 60, total % 60)


def _entries(item: Item, curriculum: Curriculum) -> Iterator[tuple[Kind, str, int, Any, Any]]:
    """(kind, title, minutes, module, activity) for each line an item becomes."""
    if item.kind is Kind.activity:
        found = curriculum.activity(item.value)
        if found is not None:
            module, activity = found
            yield (
                Kind.activity,
                activity.title,
                item.minutes or planned_minutes(activity),
                module,
                activity,
            )
    elif item.kind is Kind.module:
        whole = curriculum.module(item.value)
        if whole is not None:
            planned = sum(planned_minutes(a) for a in whole.activities)
            share = (item.minutes or planned) / planned  # the plan's minutes, in proportion
            done = given = 0
            for part in whole.activities:
                done += planned_minutes(part)
                minutes = round(done * share) - given  # rounded so the parts add up exactly
                given += minutes
                yield Kind.activity, part.title, minutes, whole, part
    else:
        yield item.kind, item.value, item.minutes or 0, None, None


def agenda(
    plan: Plan, curriculum: Curriculum, ideas: dict[str, SelfCareIdea] | None = None
) -> list[AgendaDay]:
    """Each day of the plan with clock times. Unknown ids are left out (`check_plan` says so);
    a self-care item's idea comes from `ideas` (the bank)."""
    ideas = ideas or {}
    days = []
    for number, day in enumerate(plan.each_day(), start=1):
        clock = start = day.start or plan.start
        entries = []
        for item in day.items:
            for kind, title, minutes, module, activity in _entries(item, curriculum):
                entries.append(
                    Entry(
                        kind,
                        title,
                        clock,
                        minutes,
                        item.notes,
                        module,
                        activity,
                        item.text,
                        tuple(item.questions),
                        ideas.get(item.idea) if item.idea else None,
                        tuple(item.breakouts),
                    )
                )
                clock = _add(clock, minutes)
        title = day.title or (f"Day {number}" if plan.days is not None else plan.title)
        days.append(
            AgendaDay(
                number,
                title,
                day.date or plan.date,
                start,
                day.available or plan.available,
                entries,
            )
        )
    return days


def break_position(module: Module) -> int:
    """The index of the activity the module's break follows: the one `break_after` names,
    else the first whose end passes halfway."""
    ids = [a.id for a in module.activities]
    if module.break_after in ids:
        return ids.index(module.break_after)
    halfway = sum(planned_minutes(a) for a in module.activities) / 2
    done = 0
    for index, activity in enumerate(module.activities[:-1]):
        done += planned_minutes(activity)
        if done >= halfway:
            return index
    return max(0, len(ids) - 2)


def module_agenda(module: Module) -> list[AgendaDay]:
    """A module's own run-sheet, from its activities: welcome, its activities, and the break
    where the module says it goes, from a nominal start, in the time the module asks for."""
    entries: list[Entry] = []
    clock = MODULE_START

    def add(kind: Kind, title: str, minutes: int, activity: Activity | None = None) -> None:
        nonlocal clock
        owner = module if activity is not None else None
        entries.append(Entry(kind, title, clock, minutes, module=owner, activity=activity))
        clock = _add(clock, minutes)

    add(Kind.welcome, MODULE_WELCOME, DEFAULT_MINUTES[Kind.welcome])
    position = break_position(module) if len(module.activities) > 1 else None
    for index, activity in enumerate(module.activities):
        add(Kind.activity, activity.title, planned_minutes(activity), activity)
        if index == position:
            add(Kind.break_, "Break", DEFAULT_MINUTES[Kind.break_])
    return [AgendaDay(1, module.title, None, MODULE_START, module.duration.max, entries)]


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
        clock = _add(clock, entry.minutes)
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
        MODULE_START,  # timed where it is placed
        SCREEN_BREAK_MINUTES,
    )
