"""What a session plan is: the YAML file in `sessions/` a facilitator writes or downloads.

A one-day plan lists its `items`; a plan over several days (or weeks) lists `days`, each with
its own items, and the clock starts again each day. Items are module activities by id, whole
modules (all their activities in order), or the parts of a session that are not in any module:
breaks, welcome, check-in, a self-care idea, open discussion and the close. Activities and
modules take their minutes from the curriculum (see `peerkit.sessions.agenda`) unless the plan
says otherwise; every other item must give its minutes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from peerkit.model import (
    MAX_LIST,
    MAX_TAGS,
    Format,
    ShortText,
    Slug,
    Strict,
    Text,
    deepest_line,
)
from peerkit.sessions.ideas import SelfCareIdea
from peerkit.site import LocalService

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


class Breakout(Strict):
    """A brief for one breakout room or table: what the group talks about and how."""

    title: ShortText
    text: Text | None = Field(
        default=None, description="The brief: a blank line starts a paragraph, `- ` a list."
    )
    questions: list[Question] = Field(default_factory=list, max_length=6)


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
    idea: Slug | None = Field(
        default=None,
        description=(
            "With `self_care`: the id of an idea in the bank (sessions/_self-care-ideas.yml);"
            " the packs print its steps and timings."
        ),
    )
    breakouts: list[Breakout] = Field(
        default_factory=list,
        max_length=6,
        description=(
            "With `discussion`: briefs for small groups meeting at the same time (one brief a"
            " room or table), each printed on its own page for the group's host."
        ),
    )

    @model_validator(mode="after")
    def _one_kind(self) -> Item:
        given = [kind for kind in Kind if getattr(self, field_name(kind)) is not None]
        if len(given) != 1:
            keys = ", ".join(k.value for k in Kind)
            found = f" (found {', '.join(k.value for k in given)})" if given else ""
            raise ValueError(f"an item needs exactly one of: {keys}{found}")
        if given[0] in FREE_KINDS and self.minutes is None:
            raise ValueError(f"'{given[0].value}' needs 'minutes:' (how long it takes)")
        if given[0] in (Kind.activity, Kind.module) and (self.text or self.questions):
            raise ValueError(
                f"'{given[0].value}' takes its content from the module: 'text' and 'questions'"
                " are for the plan's own items"
            )
        if self.idea is not None and given[0] is not Kind.self_care:
            raise ValueError("'idea' names a self-care idea: use it with 'self_care'")
        if self.breakouts and given[0] is not Kind.discussion:
            raise ValueError("'breakouts' are briefs for small groups: use them with 'discussion'")
        return self

    @property
    def kind(self) -> Kind:
        return next(kind for kind in Kind if getattr(self, field_name(kind)) is not None)

    @property
    def value(self) -> str:
        """The item's id (activities, modules) or its text (everything else)."""
        return str(getattr(self, field_name(self.kind)))


def field_name(kind: Kind) -> str:
    """The attribute of `Item` that holds an item of this kind (`break` is a Python word)."""
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


class BoardArea(Strict):
    """One column or area of a shared board, and what goes in it."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    prompt: Question | None = Field(default=None, description="What people add here.")


class Board(Strict):
    """The layout of the shared board an online (or mixed) session uses: a digital
    whiteboard or a shared document set up before the day."""

    title: ShortText = Field(description='What the board is called, e.g. "Our gathering board".')
    areas: list[BoardArea] = Field(
        min_length=1, max_length=8, description="Its columns or areas, left to right."
    )
    notes: Text | None = Field(default=None, description="How to set it up and use it.")


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
    board: Board | None = Field(
        default=None,
        description="The shared board's layout (columns or areas), printed for the hosts.",
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
    ideas: dict[str, SelfCareIdea] = field(default_factory=dict)
    """The self-care bank beside the plan, by id (empty without one)."""

    @property
    def id(self) -> str:
        return self.path.stem

    def line_of(self, *key_path: str | int) -> int:
        return deepest_line(self.lines, key_path)

    def item_key(self, day: int, index: int) -> tuple[str | int, ...]:
        if self.plan.days is not None:
            return ("days", day, "items", index)
        return ("items", index)
