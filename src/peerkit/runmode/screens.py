"""A session as screens to put on a projector: one screen per thing the room sees.

The screens come from the same Session view model the packs print (its days and timed
entries), so run mode, the presenter view and the slide PDFs keep the plan's timing without
a second copy of its rules. A module version is just another Session: its screens follow.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from peerkit.sessions.agenda import Entry
from peerkit.sessions.model import Kind
from peerkit.sessions.versions import step_minutes as timing_of

if TYPE_CHECKING:
    from peerkit.sessions.view import Session

ScreenKind = Literal[
    "welcome", "note", "activity", "show", "questions", "text", "break", "close", "support"
]

GROUP_AGREEMENT = (
    "Everyone's experience counts equally.",
    "What is shared here stays here, unless someone may not be safe.",
    "Listen to understand; one person speaks at a time.",
    "You never have to share. Passing is fine.",
    "Step out whenever you need to, and come back when you are ready.",
    "Peer support is not crisis or clinical care: the support list is there for everyone.",
)
"""The welcome screen's reminder of the group agreement (a group changes it together)."""

KIND_LINES = {
    Kind.check_in: "A quick round: a word or a sentence each. You can always pass.",
    Kind.self_care: "One small idea to try this month, if it suits you.",
    Kind.discussion: "Time to talk and be heard. Listening is a full way of taking part.",
    Kind.close: "What worked well, what could be better, and what we will take forward.",
}
"""What a screen says under an item's title when the plan gives it no text of its own."""

SCREEN_CHARACTERS = 420
"""About as much text as one screen holds at projector size; longer text runs onto more."""


@dataclass(frozen=True)
class Step:
    text: str
    minutes: int | None


@dataclass(frozen=True)
class Item:
    """One timed line of the plan, as run mode times it."""

    number: int
    kind: str
    title: str
    day: int
    start: dt.time
    offset: int
    """Minutes from the start of its day, as planned."""
    minutes: int
    notes: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Screen:
    """One screen: what the room sees while the plan is at one item."""

    kind: ScreenKind
    item: int
    """The index of the Item it belongs to."""
    label: str
    heading: str
    paragraphs: str | None = None
    """Plain text (blank lines between paragraphs) for the `plain` filter."""
    aside: str | None = None
    points: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    about: str | None = None
    back_at: dt.time | None = None
    skip_to: int | None = None
    """On a content note: the screen after the activity it belongs to."""
    number: int = 0

    @property
    def length(self) -> int:
        """Characters of text on the screen, besides its heading."""
        text = [self.paragraphs or "", self.aside or "", self.about or "", *self.points]
        return sum(len(t) for t in [*text, *self.questions]) + len(self.heading) // 2

    @property
    def size(self) -> str:
        """How full the screen is: a slide sets a fuller screen in smaller type."""
        if self.length > 560:
            return "longer"
        return "long" if self.length > 300 else ""


def step_minutes(step: str) -> int | None:
    """The minutes a step gives itself, e.g. "(8-10 minutes, …)" → 10."""
    found = timing_of(step)  # read as versions and `peerkit check` read it
    return None if found is None else found.max


def items_of(session: Session) -> list[Item]:
    """Every timed entry of every day, with what the presenter view shows beside it."""
    found: list[Item] = []
    for day in session.days:
        for entry in day.entries:
            notes = [n for n in (entry.notes,) if n]
            steps: tuple[Step, ...] = ()
            if entry.activity is not None:
                if entry.activity.facilitator_notes:
                    notes.append(entry.activity.facilitator_notes)
                steps = tuple(Step(s, step_minutes(s)) for s in entry.activity.steps)
            found.append(
                Item(
                    number=len(found),
                    kind=entry.kind.value,
                    title=entry.title,
                    day=day.number,
                    start=entry.start,
                    offset=_minutes(entry.start) - _minutes(day.start),
                    minutes=entry.minutes,
                    notes=tuple(notes),
                    steps=steps,
                )
            )
    return found


def screens_of(session: Session) -> list[Screen]:
    """The session's screens in running order, numbered from 1."""
    screens: list[Screen] = []
    noted_modules: set[str] = set()
    number = 0
    for day in session.days:
        day_label = f"{day.title} · " if len(session.days) > 1 else ""
        for entry in day.entries:
            screens += entry_screens(session.title, entry, number, day_label, noted_modules)
            number += 1
    numbered = [_replace(screen, number=n) for n, screen in enumerate(screens, start=1)]
    return _with_skips(numbered)


def entry_screens(
    title: str, entry: Entry, item: int, day_label: str, noted_modules: set[str]
) -> list[Screen]:
    """The screens of one entry of the running order (the `item`-th), in a session called
    `title`. A module's content notes come before its first activity here (`noted_modules`
    remembers which modules have had theirs), an activity's own before that activity."""
    label = f"{day_label}{entry.kind.label}"
    if entry.kind is Kind.welcome:
        agreement = Screen("welcome", item, label, f"Welcome to {title}", points=GROUP_AGREEMENT)
        if entry.text:  # the plan's own welcome first, then the agreement on a screen of its own
            agreement = dataclasses.replace(agreement, heading="Our group agreement")
            welcome = [
                Screen("text", item, label, f"Welcome to {title}", chunk)
                for chunk in split_text(entry.text)
            ]
            return [*welcome, agreement, *_questions(entry, item, label)]
        return [agreement, *_questions(entry, item, label)]
    if entry.kind is Kind.break_:
        return [Screen("break", item, label, entry.title, back_at=entry.end)]
    if entry.activity is not None and entry.module is not None:
        activity, module = entry.activity, entry.module
        label = f"{day_label}{module.title}"
        screens: list[Screen] = []
        notes = list(activity.content_notes)
        if module.id not in noted_modules:
            noted_modules.add(module.id)
            notes = list(module.content_notes) + notes
        # skip_to is filled in once the activity's last screen is known (a marker here).
        heading = f"Before “{activity.title}”: a content note"
        screens += [
            Screen("note", item, label, heading, points=tuple(part), skip_to=-1)
            for part in split_points(notes)
        ]
        about = f"About {entry.minutes} minutes."
        screens.append(
            Screen(
                "activity",
                item,
                label,
                activity.title,
                activity.aim,
                aside=activity.alternative,
                about=about,
            )
        )
        screens += [
            Screen("show", item, f"{label} · {activity.title}", sheet.title, sheet.body)
            for sheet in activity.show
        ]
        if activity.reflection:
            screens.append(
                Screen(
                    "questions",
                    item,
                    f"{label} · {activity.title}",
                    "Questions to think about",
                    questions=tuple(p.text for p in activity.reflection),
                )
            )
        return screens
    if entry.kind is Kind.close:
        return [
            *_text(entry, item, label, "close"),
            *_questions(entry, item, label),
            Screen("support", item, label, "Where to find support"),
        ]
    if not entry.text and entry.questions:
        return [Screen("questions", item, label, entry.title, questions=entry.questions)]
    return [*_text(entry, item, label, "text"), *_questions(entry, item, label)]


def _text(entry: Entry, item: int, label: str, kind: ScreenKind) -> list[Screen]:
    """The item's title and its text, over as many screens as the text needs."""
    chunks = split_text(entry.text or KIND_LINES.get(entry.kind, ""))
    first, rest = (chunks[0], chunks[1:]) if chunks else (None, [])
    screens = [Screen(kind, item, label, entry.title, first)]
    screens += [Screen(kind, item, label, f"{entry.title} (continued)", c) for c in rest]
    return screens


def _questions(entry: Entry, item: int, label: str) -> list[Screen]:
    if not entry.questions:
        return []
    return [Screen("questions", item, label, "Questions to think about", questions=entry.questions)]


def split_text(text: str, limit: int = SCREEN_CHARACTERS) -> list[str]:
    """Paragraphs grouped so that each group fits one screen (a long paragraph stays whole),
    in groups of about the same length rather than a full screen and a last line alone."""
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", text.strip()) if p.strip()]
    total = sum(len(p) for p in paragraphs)
    screens = max(1, -(-total // limit))
    target = total / screens
    chunks: list[list[str]] = []
    length = 0
    for paragraph in paragraphs:
        full = length + len(paragraph) > limit
        balanced = length + len(paragraph) / 2 > target and len(chunks) < screens
        if not chunks or (chunks[-1] and (full or balanced)):
            chunks.append([])
            length = 0
        chunks[-1].append(paragraph)
        length += len(paragraph)
    return ["\n\n".join(chunk) for chunk in chunks]


def split_points(points: list[str], limit: int = SCREEN_CHARACTERS) -> list[list[str]]:
    """Points grouped so that each group fits one screen."""
    groups: list[list[str]] = []
    for point in points:
        if groups and sum(len(p) for p in groups[-1]) + len(point) <= limit:
            groups[-1].append(point)
        else:
            groups.append([point])
    return groups


def _with_skips(screens: list[Screen]) -> list[Screen]:
    """Each content note skips to the first screen after its activity's screens."""
    out = []
    for index, screen in enumerate(screens):
        if screen.skip_to == -1:
            after = next(
                (s.number for s in screens[index + 1 :] if s.item != screen.item),
                len(screens),
            )
            screen = _replace(screen, skip_to=after)
        out.append(screen)
    return out


def _replace(screen: Screen, **changes: object) -> Screen:
    return dataclasses.replace(screen, **changes)  # type: ignore[arg-type]


def _minutes(time: dt.time) -> int:
    return time.hour * 60 + time.minute
