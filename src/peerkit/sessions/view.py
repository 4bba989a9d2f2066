"""A session as the packs and the session pages show it: one module's run-sheet or one plan's,
as timed days of entries, with what it draws on (activities, handouts, show sheets)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from peerkit.model import Activity, Curriculum, Format, Handout, Module
from peerkit.sessions.agenda import AgendaDay, Entry, agenda, module_agenda, with_screen_breaks
from peerkit.sessions.model import Board, Kind, PaperworkPart, PlanFile
from peerkit.sessions.versions import module_versions
from peerkit.site import LocalService, SiteSettings

if TYPE_CHECKING:  # a session page is rendered with the site's renderer
    from peerkit.render import Download, Link, Renderer

DEFAULT_PAPERWORK: tuple[PaperworkPart, ...] = ("sign-in", "feedback")


@dataclass(frozen=True)
class ShowItem:
    """One show sheet in running order: a module's, or a plan item's questions."""

    title: str
    body: str | None = None
    questions: tuple[str, ...] = ()
    activity: str | None = None
    """The activity's (or plan item's) title, for the running header."""


@dataclass(frozen=True)
class Session:
    """What a pack prints: one module's session or one plan's, as timed days of entries."""

    id: str
    source: Literal["module", "session"]
    title: str
    summary: str | None
    organisation: str | None
    facilitators: list[str]
    days: list[AgendaDay]
    notes: str | None = None
    nominal_times: bool = False
    """True when clock times assume a start (a module's pack) rather than a planned one."""
    format: Format = Format.in_person
    attendees: list[str] = field(default_factory=list)
    paperwork: tuple[PaperworkPart, ...] = DEFAULT_PAPERWORK
    course: str | None = None
    """For one day of a course: the course's title (the day's pack has the day's title)."""
    version: str | None = None
    """For a module's declared version (e.g. "Short version"): its label."""

    def day_session(self, number: int) -> Session:
        """One day of a multi-day session, as a session of its own."""
        day = self.days[number - 1]
        return dataclasses.replace(self, title=day.title, days=[day], course=self.title)

    @property
    def online(self) -> bool:
        return self.format is not Format.in_person

    @property
    def online_days(self) -> list[AgendaDay]:
        """Online: the days with a short screen break wherever a stretch would pass 50
        minutes; none when the session is in person or needs no screen break."""
        if not self.online:
            return []
        days = [with_screen_breaks(day) for day in self.days]
        if all(len(a.entries) == len(b.entries) for a, b in zip(days, self.days, strict=True)):
            return []
        return days

    @property
    def show_items(self) -> list[ShowItem]:
        """Every show sheet in running order: activities' own, then plan items' questions."""
        found: list[ShowItem] = []
        seen: set[str] = set()
        for entry in self.entries:
            if entry.activity is not None and entry.activity.id not in seen:
                seen.add(entry.activity.id)
                found += [
                    ShowItem(sheet.title, body=sheet.body, activity=entry.activity.title)
                    for sheet in entry.activity.show
                ]
            elif entry.activity is None and entry.questions:
                found.append(
                    ShowItem(entry.title, questions=entry.questions, activity=entry.kind.label)
                )
            elif entry.idea is not None and entry.idea.questions:
                idea = entry.idea
                found.append(
                    ShowItem(idea.title, questions=tuple(idea.questions), activity=entry.kind.label)
                )
            if entry.activity is None and entry.breakouts and entry.title not in seen:
                seen.add(entry.title)
                found += [
                    ShowItem(brief.title, questions=tuple(brief.questions), activity=entry.title)
                    for brief in entry.breakouts
                    if brief.questions
                ]
        return found

    @property
    def shared_items(self) -> list[Entry]:
        """Plan items that name what they share (an idea, a brief, questions), once each."""
        found: dict[tuple[str, str | None], Entry] = {}
        for entry in self.entries:
            if entry.activity is None and entry.has_content:
                key = entry.text or (entry.idea.id if entry.idea else None)
                found.setdefault((entry.title, key), entry)
        return list(found.values())

    @property
    def length(self) -> str:
        """How long the session runs, in words a participant can plan around."""
        if len(self.days) > 1:
            return f"{len(self.days)} sessions"
        minutes = self.days[0].minutes
        hours, rest = divmod(minutes, 60)
        parts = []
        if hours:
            parts.append(f"{hours} hour{'s' if hours > 1 else ''}")
        if rest:
            parts.append(f"{rest} minutes")
        has_break = any(e.kind is Kind.break_ for e in self.days[0].entries)
        return " ".join(parts) + (", with a break" if has_break else "")

    local_support: tuple[LocalService, ...] = ()
    """Services near the venue: the site's for this venue, then the plan's own."""
    board: Board | None = None
    """The shared board's layout, for a plan that has one."""

    @property
    def modules(self) -> list[Module]:
        """Every module the session draws on, in order of first use."""
        seen: dict[str, Module] = {}
        for entry in self.entries:
            if entry.module is not None:
                seen.setdefault(entry.module.id, entry.module)
        return list(seen.values())

    @property
    def entries(self) -> list[Entry]:
        return [entry for day in self.days for entry in day.entries]

    @property
    def activities(self) -> list[tuple[Module, Activity]]:
        seen: dict[str, tuple[Module, Activity]] = {}
        for entry in self.entries:
            if entry.module is not None and entry.activity is not None:
                seen.setdefault(entry.activity.id, (entry.module, entry.activity))
        return list(seen.values())

    @property
    def handouts(self) -> list[tuple[Module, Handout]]:
        """Handouts the session's activities use; a module's own pack has all its handouts."""
        found: dict[str, tuple[Module, Handout]] = {}
        for module, activity in self.activities:
            for handout_id in activity.handouts:
                handout = module.handout(handout_id)
                if handout is not None:
                    found.setdefault(handout.id, (module, handout))
        if self.source == "module":
            for module in self.modules:
                for handout in module.handouts:
                    found.setdefault(handout.id, (module, handout))
        return list(found.values())

    @property
    def has_cards(self) -> bool:
        return any(a.cards for _, a in self.activities)

    @property
    def has_preparation(self) -> bool:
        return any(a.preparation for _, a in self.activities)

    @property
    def has_reflection(self) -> bool:
        return any(a.reflection for _, a in self.activities) or any(
            m.reflection for m in self.modules
        )

    @property
    def dates(self) -> str:
        dates = [day.date for day in self.days if day.date]
        if not dates:
            return ""
        if len(dates) == 1:
            return _date(dates[0])
        return f"{_date(dates[0])} to {_date(dates[-1])}"


def _date(day: dt.date) -> str:
    return f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"


def module_session(module: Module, curriculum: Curriculum, settings: SiteSettings) -> Session:
    """A module's own session: its run-sheet, from its activities (`curriculum` is not
    needed for that; it is taken so every session is built alike)."""
    return Session(
        id=module.id,
        source="module",
        title=module.title,
        summary=module.summary,
        organisation=settings.organisation,
        facilitators=[],
        days=module_agenda(module),
        notes=module.facilitator_notes,
        nominal_times=True,
        format=module.format,
        paperwork=(*DEFAULT_PAPERWORK, "certificates"),
        local_support=tuple(settings.local_support),
    )


def version_sessions(
    module: Module,
    curriculum: Curriculum,
    settings: SiteSettings,
    standard: Session | None = None,
) -> list[Session]:
    """A session for each version a module declares (its standard one is `module_session`,
    `standard` when the caller has it already)."""
    if not module.versions:
        return []
    standard = standard or module_session(module, curriculum, settings)
    return [
        dataclasses.replace(
            standard,
            id=running.session_id,
            title=f"{module.title}: {running.label}",
            # The version's summary is for facilitators; participants read the module's.
            notes="\n\n".join(
                text
                for text in (
                    f"{running.label}, {running.minutes} minutes. {running.summary or ''}".strip(),
                    module.facilitator_notes,
                )
                if text
            ),
            days=[running.day],
            version=running.label,
        )
        for running in module_versions(module)
        if not running.standard
    ]


def plan_session(plan_file: PlanFile, curriculum: Curriculum, settings: SiteSettings) -> Session:
    plan = plan_file.plan
    days = agenda(plan, curriculum, plan_file.ideas)
    uses_modules = any(e.activity is not None for day in days for e in day.entries)
    extra: PaperworkPart = "certificates" if uses_modules else "action-log"
    default = (*DEFAULT_PAPERWORK, extra)
    return Session(
        id=plan_file.id,
        source="session",
        title=plan.title,
        summary=plan.summary,
        organisation=plan.organisation or settings.organisation,
        facilitators=list(plan.facilitators),
        days=days,
        notes=plan.notes,
        format=plan.format,
        attendees=list(plan.attendees),
        paperwork=tuple(plan.paperwork) if plan.paperwork is not None else default,
        local_support=(*settings.local_support_for(plan.venue), *plan.local_support),
        board=plan.board,
    )


def sessions_of(
    curriculum: Curriculum, plans: Iterable[PlanFile], settings: SiteSettings
) -> list[Session]:
    """A session for every module, each of its versions and every plan: what a build makes
    packs of."""
    sessions = []
    for module in curriculum.modules:
        standard = module_session(module, curriculum, settings)
        sessions.append(standard)
        sessions += version_sessions(module, curriculum, settings, standard)
    return sessions + [plan_session(p, curriculum, settings) for p in plans]


def session_page(
    renderer: Renderer, session: Session, link: Link, downloads: Sequence[Download] = ()
) -> str:
    """A session plan's page: its running order, linked to each activity, and its packs."""
    with renderer.page(None, link):
        return renderer.fragments.get_template("session_page.html").render(
            session=session, link=link, downloads=downloads
        )
