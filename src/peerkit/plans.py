"""Session plans: a running order of activities, modules and other items, timed to the clock.

A plan is a YAML file in `sessions/`. A one-day plan lists its `items`; a plan over several days
(or weeks) lists `days`, each with its own items, and the clock starts again each day. Items are
module activities by id, whole modules (all their activities in order), or the parts of a
session that are not in any module: breaks, welcome, check-in, a self-care idea, open
discussion and the close. Activities and modules take their minutes from the curriculum (the
longer end of the range, which is what a facilitator should plan for) unless the plan says
otherwise; every other item must give its minutes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from peerkit import safeyaml
from peerkit.findings import Finding, Severity, did_you_mean
from peerkit.load import describe_errors, read_text
from peerkit.model import (
    MAX_LIST,
    MAX_TAGS,
    Activity,
    Curriculum,
    Format,
    Module,
    ShortText,
    Slug,
    Strict,
    Text,
    deepest_line,
)
from peerkit.site import LocalService, stale_message, stale_services

PLAN_SUFFIXES = (".yml", ".yaml")
MAX_DAY_MINUTES = 24 * 60
MAX_ITEMS = 100
"""Items in one day's running order: the planner's limit too (reference plans: at most 12)."""
MAX_DAYS = 100
"""Days (or weeks) in one plan (reference plans: at most 6)."""


class Kind(StrEnum):
    """What an item in a running order is. The value is the item's key in YAML."""

    activity = "activity"
    module = "module"
    welcome = "welcome"
    check_in = "check_in"
    self_care = "self_care"
    discussion = "discussion"
    break_ = "break"
    close = "close"

    @property
    def label(self) -> str:
        return {
            "activity": "Activity",
            "module": "Module",
            "welcome": "Welcome",
            "check_in": "Check-in",
            "self_care": "Self-care idea",
            "discussion": "Open discussion",
            "break": "Break",
            "close": "Close and evaluation",
        }[self.value]


FREE_KINDS = tuple(k for k in Kind if k not in (Kind.activity, Kind.module))
"""Items that are not in the curriculum: their text is their title and minutes are required."""

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _parse_time(value: Any) -> Any:
    # YAML 1.1 reads an unquoted 10:30 as the base-60 number 630: take it back to a time.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < MAX_DAY_MINUTES:
        return dt.time(value // 60, value % 60)
    if isinstance(value, str):
        match = _TIME.match(value.strip())
        if match is None:
            raise ValueError(f'\'{value}\' is not a time of day; write it like "09:30" or "18:00"')
        return dt.time(int(match[1]), int(match[2]))
    return value


ClockTime = Annotated[
    dt.time,
    BeforeValidator(_parse_time),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^([01]?\d|2[0-3])[:.][0-5]\d$"},
                {"type": "integer", "minimum": 0, "maximum": MAX_DAY_MINUTES - 1},
            ],
            "description": 'A time of day, like "09:30" (24-hour clock).',
        }
    ),
]
PlanMinutes = Annotated[int, Field(ge=1, le=8 * 60)]
Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class Item(Strict):
    """One line of a running order: exactly one of the kinds, e.g. `break: Tea and coffee`."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    activity: Slug | None = Field(default=None, description="An activity's id.")
    module: Slug | None = Field(default=None, description="A module's id: all its activities.")
    welcome: ShortText | None = None
    check_in: ShortText | None = None
    self_care: ShortText | None = Field(default=None, description="The self-care idea shared.")
    discussion: ShortText | None = None
    break_: ShortText | None = Field(default=None, alias="break")
    close: ShortText | None = None
    minutes: PlanMinutes | None = Field(
        default=None,
        description="Minutes for this item; activities and modules default to the curriculum's.",
    )
    shortened: bool = Field(
        default=False,
        description=(
            "`true` lets an activity (or module) run in fewer minutes than its shortest;"
            " the packs' agenda says it is shortened."
        ),
    )
    notes: Text | None = Field(default=None, description="Notes for the facilitators.")
    text: Text | None = Field(
        default=None,
        description=(
            "What the item shares, printed in the packs: the self-care idea itself, a breakout"
            " brief. Plain text; a blank line starts a paragraph, `- ` starts a list."
        ),
    )
    questions: list[Question] = Field(
        default_factory=list,
        max_length=5,
        description=(
            "Up to five questions for the group (at most 120 characters each), printed in the"
            " packs and on one show sheet."
        ),
    )

    @model_validator(mode="after")
    def _one_kind(self) -> Item:
        given = [kind for kind in Kind if getattr(self, _attr(kind)) is not None]
        if len(given) != 1:
            keys = ", ".join(k.value for k in Kind)
            found = f" (found {', '.join(k.value for k in given)})" if given else ""
            raise ValueError(f"an item needs exactly one of: {keys}{found}")
        if given[0] in FREE_KINDS and self.minutes is None:
            raise ValueError(f"'{given[0].value}' needs 'minutes:' (how long it takes)")
        if given[0] in FREE_KINDS and self.shortened:
            raise ValueError(
                f"'shortened' is for activities and modules; '{given[0].value}' takes the"
                " minutes it is given"
            )
        if given[0] in (Kind.activity, Kind.module) and (self.text or self.questions):
            raise ValueError(
                f"'{given[0].value}' takes its content from the module: 'text' and 'questions'"
                " are for the plan's own items"
            )
        return self

    @property
    def kind(self) -> Kind:
        return next(kind for kind in Kind if getattr(self, _attr(kind)) is not None)

    @property
    def value(self) -> str:
        """The item's id (activities, modules) or its text (everything else)."""
        return str(getattr(self, _attr(self.kind)))


def _attr(kind: Kind) -> str:
    return "break_" if kind is Kind.break_ else kind.value


class Day(Strict):
    """One day (or week) of a plan: the clock starts again at its start time."""

    title: ShortText | None = Field(default=None, description='e.g. "Week 1: Peer support".')
    date: dt.date | None = None
    start: ClockTime | None = Field(default=None, description="Overrides the plan's start.")
    available: PlanMinutes | None = Field(
        default=None, description="Overrides the plan's minutes available."
    )
    items: list[Item] = Field(min_length=1, max_length=MAX_ITEMS)


PaperworkPart = Literal["sign-in", "certificates", "feedback", "action-log"]


class Plan(Strict):
    """A session plan: the file in `sessions/` a facilitator writes or downloads."""

    title: ShortText
    summary: Text | None = None
    organisation: ShortText | None = Field(
        default=None, description="Defaults to the site's organisation."
    )
    facilitators: list[ShortText] = Field(default_factory=list, max_length=MAX_TAGS)
    date: dt.date | None = Field(default=None, description="For a one-day plan.")
    start: ClockTime = Field(description='When the session starts, like "10:00".')
    available: PlanMinutes = Field(description="Minutes available in each day, breaks included.")
    notes: Text | None = Field(default=None, description="Notes for the facilitators.")
    format: Format = Field(
        default=Format.in_person,
        description=(
            "In person, online or both. Online (or both), the run-sheet adds a short screen"
            " break so that no stretch runs past 50 minutes."
        ),
    )
    attendees: list[ShortText] = Field(
        default_factory=list,
        description="Names for the certificates of attendance (without them, one blank).",
    )
    paperwork: list[PaperworkPart] | None = Field(
        default=None,
        description=(
            "What the paperwork pack prints. Default: a sign-in sheet and a feedback form;"
            " certificates when the plan uses modules; an action log when it does not."
        ),
    )
    venue: ShortText | None = Field(
        default=None,
        description="Where it happens; the packs print the site's local support for this venue.",
    )
    local_support: list[LocalService] = Field(
        default_factory=list,
        max_length=MAX_LIST,
        description="Services near this session's venue, printed beside the national list.",
    )
    items: list[Item] | None = Field(
        default=None, max_length=MAX_ITEMS, description="A one-day plan's running order."
    )
    days: list[Day] | None = Field(
        default=None, max_length=MAX_DAYS, description="Or: a running order for each day."
    )

    @model_validator(mode="after")
    def _items_or_days(self) -> Plan:
        if (self.items is None) == (self.days is None):
            raise ValueError("give either 'items' (one day) or 'days' (several), not both")
        if self.days is not None and self.date is not None:
            raise ValueError("with 'days', give each day its own 'date'")
        if self.items is not None and not self.items:
            raise ValueError("'items' needs at least one item")
        return self

    def each_day(self) -> list[Day]:
        if self.days is not None:
            return self.days
        return [Day(date=self.date, items=self.items or [])]


@dataclass(frozen=True)
class PlanFile:
    """A loaded plan, where it came from, and the line of each of its keys."""

    path: Path
    plan: Plan
    lines: dict[tuple[str | int, ...], int]

    @property
    def id(self) -> str:
        return self.path.stem

    def line_of(self, *key_path: str | int) -> int:
        return deepest_line(self.lines, key_path)

    def item_key(self, day: int, index: int) -> tuple[str | int, ...]:
        if self.plan.days is not None:
            return ("days", day, "items", index)
        return ("items", index)


# --- reading --------------------------------------------------------------------------


def plan_paths(folder: Path) -> list[Path]:
    """The plan files in `folder`, skipping hidden and `_`-prefixed ones and folders (a named
    pipe or a link is listed, for `load_plan` to refuse)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix in PLAN_SUFFIXES and not p.is_dir() and not p.name.startswith((".", "_"))
    )


def parse_plan(path: Path, text: str) -> tuple[PlanFile | None, list[Finding]]:
    """A plan from its YAML text (which came from `path`)."""
    try:
        data, key_lines, problems = safeyaml.load(text)
    except safeyaml.YAMLProblem as problem:
        return None, [Finding(path, problem.line + 1, problem.message)]
    findings = [Finding(path, p.line + 1, p.message) for p in problems]
    line_map = {key: line + 1 for key, line in key_lines.items()}
    if not isinstance(data, dict):
        findings.append(Finding(path, 1, "a session plan is a set of keys such as 'title: ...'"))
        return None, findings
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        refused = [p.path for p in problems]
        details = [e for e in exc.errors() if not any(e["loc"][: len(r)] == r for r in refused)]
        findings.extend(describe_errors(path, details, data, line_map, Plan))
        return None, sorted(set(findings))
    if findings:
        return None, sorted(findings)
    return PlanFile(path, plan, line_map), []


def load_plan(path: Path, root: Path | None = None) -> tuple[PlanFile | None, list[Finding]]:
    """Read one plan file (inside the project `root`)."""
    text, findings = read_text(path, root)
    return parse_plan(path, text) if text is not None else (None, findings)


# --- the running order, timed -----------------------------------------------------------


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
    shortened: bool = False
    """True when the plan runs the activity in fewer minutes than its shortest."""

    @property
    def has_content(self) -> bool:
        """True when the item names what it shares (an idea, a brief, questions)."""
        return bool(self.text or self.questions)

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
                item.minutes or activity.minutes.max,
                module,
                activity,
            )
    elif item.kind is Kind.module:
        whole = curriculum.module(item.value)
        if whole is not None:
            planned = sum(a.minutes.max for a in whole.activities)
            share = (item.minutes or planned) / planned  # the plan's minutes, in proportion
            done = given = 0
            for part in whole.activities:
                done += part.minutes.max
                minutes = round(done * share) - given  # rounded so the parts add up exactly
                given += minutes
                yield Kind.activity, part.title, minutes, whole, part
    else:
        yield item.kind, item.value, item.minutes or 0, None, None


def agenda(plan: Plan, curriculum: Curriculum) -> list[AgendaDay]:
    """Each day of the plan with clock times. Unknown ids are left out (`check_plan` says so)."""
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
                        item.shortened and activity is not None and minutes < activity.minutes.min,
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


# --- checking against the curriculum ---------------------------------------------------


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
            line = plan_file.line_of(*plan_file.item_key(d, i), _attr(item.kind))
            if item.kind is Kind.activity and curriculum.activity(item.value) is None:
                hint = did_you_mean(item.value, activity_ids)
                findings.append(Finding(plan_file.path, line, f"no activity '{item.value}'{hint}"))
            if item.kind is Kind.module and curriculum.module(item.value) is None:
                hint = did_you_mean(item.value, module_ids)
                findings.append(Finding(plan_file.path, line, f"no module '{item.value}'{hint}"))
    if findings:
        return findings
    from peerkit.sessions.timing import too_short  # it reads the agenda too

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
    from peerkit.runsheet import check_plan_breaks  # it times plans itself

    findings.extend(check_plan_breaks(plan_file, curriculum))
    return findings


def check_plans(folder: Path, curriculum: Curriculum) -> tuple[list[PlanFile], list[Finding]]:
    """Load and check every plan in `folder` (none if there is no such folder)."""
    if not folder.is_dir():
        return [], []
    plans: list[PlanFile] = []
    findings: list[Finding] = []
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
