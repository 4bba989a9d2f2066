"""Checks on sessions: a plan against the curriculum (unknown ids, days that run over, stale
local support), and the breaks of a module's run-sheet or a plan against what the steps say.

A step that tells the facilitator to "head into the break", or names the next activity, is
checked against the order, and a stretch of more than 90 minutes without a break is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from peerkit.findings import Finding, Severity, did_you_mean
from peerkit.model import Activity, Curriculum, Module, ModuleFile
from peerkit.sessions.agenda import (
    LONGEST_STRETCH,
    Entry,
    agenda,
    break_position,
    module_agenda,
    stretches,
)
from peerkit.sessions.ideas import BANK_FILE, load_bank
from peerkit.sessions.load import load_plan, plan_paths
from peerkit.sessions.model import Item, Kind, PlanFile, field_name
from peerkit.sessions.timing import too_short
from peerkit.site import stale_message, stale_services

_INTO_THE_BREAK = re.compile(
    r"\b(?:into|towards?|before) the break\b|\b(?:a|the) proper break\b", re.IGNORECASE
)
_NEXT_ACTIVITY = re.compile(r"\bnext activity\b", re.IGNORECASE)


def leads_into_break(activity: Activity) -> int | None:
    """The index of a step that sends the group into the break, if there is one."""
    return next(
        (
            i
            for i, step in enumerate(activity.steps)
            if "break" in step.lower() and _INTO_THE_BREAK.search(step)  # (the quick test first)
        ),
        None,
    )


def check_plan(plan_file: PlanFile, curriculum: Curriculum) -> list[Finding]:
    """Unknown activities and modules, days that run over the time available, and local
    support last checked more than 12 months ago (a warning)."""
    plan = plan_file.plan
    stale = [
        Finding(
            plan_file.path,
            plan_file.line_of("local_support", index, "last_checked"),
            stale_message(f"local_support#{index + 1}", service),
            Severity.warning,
        )
        for index, service in stale_services(plan.local_support)
    ]
    return stale + _check_running_order(plan_file, curriculum)


def _check_running_order(plan_file: PlanFile, curriculum: Curriculum) -> list[Finding]:
    findings = []
    plan = plan_file.plan
    activity_ids = [a.id for m in curriculum.modules for a in m.activities]
    module_ids = [m.id for m in curriculum.modules]
    for d, day in enumerate(plan.each_day()):
        for i, item in enumerate(day.items):
            line = plan_file.line_of(*plan_file.item_key(d, i), field_name(item.kind))
            if item.kind is Kind.activity and curriculum.activity(item.value) is None:
                hint = did_you_mean(item.value, activity_ids)
                findings.append(Finding(plan_file.path, line, f"no activity '{item.value}'{hint}"))
            if item.kind is Kind.module and curriculum.module(item.value) is None:
                hint = did_you_mean(item.value, module_ids)
                findings.append(Finding(plan_file.path, line, f"no module '{item.value}'{hint}"))
            if item.idea is not None:
                findings.extend(_check_idea(plan_file, d, i, item))
    if findings:
        return findings
    findings.extend(too_short(plan_file, curriculum))
    for agenda_day in agenda(plan, curriculum):
        if agenda_day.overrun:
            d = agenda_day.number - 1
            key = ("days", d, "available") if plan.days is not None else ("available",)
            if plan.days is not None and plan.days[d].available is None:
                key = ("days", d, "items")
            where = f"{agenda_day.title}" if plan.days is not None else "the plan"
            findings.append(
                Finding(
                    plan_file.path,
                    plan_file.line_of(*key),
                    f"{where} runs {agenda_day.minutes} minutes, {agenda_day.overrun} over the "
                    f"{agenda_day.available} available: shorten or remove an item, or give "
                    "more time",
                )
            )
    findings.extend(check_plan_breaks(plan_file, curriculum))
    return findings


def _check_idea(plan_file: PlanFile, day: int, index: int, item: Item) -> list[Finding]:
    """A self-care item's idea is in the bank, and the item gives it the minutes it needs."""
    line = plan_file.line_of(*plan_file.item_key(day, index), "idea")
    idea = plan_file.ideas.get(item.idea or "")
    if idea is None:
        hint = did_you_mean(item.idea or "", plan_file.ideas)
        has_bank = plan_file.ideas or (plan_file.path.parent / BANK_FILE).exists()
        where = "in the self-care bank" if has_bank else f"(there is no {BANK_FILE} beside it)"
        return [Finding(plan_file.path, line, f"no self-care idea '{item.idea}' {where}{hint}")]
    if item.minutes is not None and item.minutes < idea.minutes.min:
        return [
            Finding(
                plan_file.path,
                plan_file.line_of(*plan_file.item_key(day, index), "minutes"),
                f"'{idea.id}' takes {idea.minutes} minutes; this item gives it {item.minutes}",
            )
        ]
    return []


def check_plans(folder: Path, curriculum: Curriculum) -> tuple[list[PlanFile], list[Finding]]:
    """Load and check every plan in `folder` (none if there is no such folder)."""
    if not folder.is_dir():
        return [], []
    plans: list[PlanFile] = []
    _, findings = load_bank(folder, folder.absolute().parent)
    named: dict[str, Path] = {}
    for path in plan_paths(folder):
        same = named.setdefault(path.stem, path)
        if same != path:
            findings.append(
                Finding(
                    path,
                    1,
                    f"{same.name} is a plan with the same name ('{path.stem}'), and a site "
                    "has one page per name: rename or remove one",
                )
            )
            continue
        plan_file, found = load_plan(path, folder.absolute().parent)
        findings.extend(found)
        if plan_file is not None:
            findings.extend(check_plan(plan_file, curriculum))
            plans.append(plan_file)
    return plans, sorted(findings)


# --- breaks ----------------------------------------------------------------------------


def check_module_breaks(files: list[ModuleFile]) -> Iterator[Finding]:
    """A module's break data agrees with its steps, and its run-sheet has no long stretch."""
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
        days = module_agenda(module)
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
