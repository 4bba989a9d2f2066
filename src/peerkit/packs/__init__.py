"""Print-ready session packs: a module or a session plan → facilitator pack, participant pack
and card sheets, as PDF.

The print HTML is built from the curriculum data with peerkit's own print templates and CSS
(never from the web page, which clips in print). A site may override any of them by placing a
file of the same name in `overrides/peerkit/print/`. WeasyPrint turns the HTML into tagged PDF
with bookmarks; each PDF is cached by a hash of everything that goes into it, so a rebuild with
nothing changed renders nothing, and renders run in parallel across cores.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Literal

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from peerkit.findings import Finding
from peerkit.model import Activity, Curriculum, Format, Handout, Module, ModuleFile
from peerkit.packs.cards import (
    CIRCLES_VIEW,
    FITS,
    LABEL_LEADING,
    Deck,
    choose_fit,
    circles_plan,
    deck,
)
from peerkit.packs.handout import handout_html
from peerkit.packs.layout import BoxReport, Overflow
from peerkit.plans import AgendaDay, Entry, Kind, PaperworkPart, PlanFile, agenda
from peerkit.render import FILTERS
from peerkit.render import TEMPLATES as WEB_TEMPLATES
from peerkit.render.safetylinks import link_procedures
from peerkit.runmode.page import slides_html
from peerkit.runsheet import module_plan, with_screen_breaks
from peerkit.site import LocalService, SiteSettings

TEMPLATES = Path(__file__).parent / "templates"
PackKind = Literal[
    "facilitator", "participant", "large-print", "show", "slides", "paperwork", "cards"
]
Paper = Literal["a4", "letter"]
PACK_KINDS: tuple[PackKind, ...] = (
    "facilitator",
    "participant",
    "large-print",
    "show",
    "slides",
    "paperwork",
    "cards",
)
LABELS = {
    "facilitator": "Facilitator pack",
    "participant": "Participant pack",
    "large-print": "Large-print participant pack",
    "show": "Show sheets",
    "slides": "Slides (16:9)",
    "paperwork": "Paperwork",
    "cards": "Cards to cut out",
}
SET_LETTERS = "ABCDEF"
"""Card sets print lettered A to F, each letter with its own band pattern."""
TEMPLATE_OF = {"large-print": "participant"}
"""Pack kinds printed from another kind's template (with a flag)."""
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
        return found

    @property
    def shared_items(self) -> list[Entry]:
        """Plan items that name what they share (an idea, a brief, questions), once each."""
        found: dict[tuple[str, str | None], Entry] = {}
        for entry in self.entries:
            if entry.activity is None and entry.has_content:
                found.setdefault((entry.title, entry.text), entry)
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
    plan = module_plan(module)
    return Session(
        id=module.id,
        source="module",
        title=module.title,
        summary=module.summary,
        organisation=settings.organisation,
        facilitators=[],
        days=agenda(plan, curriculum),
        notes=module.facilitator_notes,
        nominal_times=True,
        format=module.format,
        paperwork=(*DEFAULT_PAPERWORK, "certificates"),
        local_support=tuple(settings.local_support),
    )


def plan_session(plan_file: PlanFile, curriculum: Curriculum, settings: SiteSettings) -> Session:
    plan = plan_file.plan
    days = agenda(plan, curriculum)
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
    )


# --- print HTML ------------------------------------------------------------------------


class PrintTemplates:
    """peerkit's print templates (overridable), in an autoescaping sandbox."""

    def __init__(self, template_dirs: Sequence[Path] = ()) -> None:
        # Print templates first, then the web fragments they share (signposting), each
        # overridable from the site's template folders.
        dirs = [str(Path(d) / "print") for d in template_dirs] + [str(TEMPLATES)]
        dirs += [str(d) for d in template_dirs] + [str(WEB_TEMPLATES)]
        self.env = ImmutableSandboxedEnvironment(
            loader=jinja2.FileSystemLoader(dirs),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self.env.filters.update(FILTERS)
        self.env.filters["clock"] = lambda t: t.strftime("%H:%M")
        self.env.filters["slug"] = lambda text: re.sub(r"[^a-z0-9]+", "-", str(text).lower())
        self.env.filters["handout"] = handout_html
        self.env.globals["Kind"] = Kind
        self.css = self.env.loader.get_source(self.env, "print.css")[0]  # type: ignore[union-attr]

    def html(
        self,
        kind: PackKind,
        session: Session,
        settings: SiteSettings,
        paper: Paper = "a4",
        *,
        decks: dict[str, Deck] | None = None,
        sets: Sequence[str] = ("A",),
    ) -> str:
        """A pack's print HTML; card sheets lay each deck out as `decks` says (by default,
        at the size its texts need by estimate) in the lettered `sets`."""
        if kind == "slides":
            return slides_html(session, settings)  # run mode's screens, one a page
        template = self.env.get_template(f"{TEMPLATE_OF.get(kind, kind)}.html")
        if kind == "cards" and decks is None:
            decks = card_decks(session, paper, {})
        html = template.render(
            session=session,
            settings=settings,
            kind=kind,
            large=kind == "large-print",
            label=LABELS[kind],
            css=self.css,
            paper="A4" if paper == "a4" else "letter",
            logo=logo_uri(settings),
            colour=settings.brand.primary if settings.brand else None,
            decks=decks or {},
            sets=list(sets),
            circles=circles_plan,
            circles_view=CIRCLES_VIEW,
            leading=LABEL_LEADING,
            local_support=list(session.local_support),
        )
        if kind == "facilitator" and 'id="safety"' in html:
            # Mentions of "your organisation's procedures" point to the pack's safety page.
            return link_procedures(html, "#safety")
        return html


LOGO_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
MAX_LOGO_BYTES = 1024 * 1024


def logo_uri(settings: SiteSettings) -> str | None:
    """The organisation's logo as a data: address, so a pack needs no other file (and its
    cache key changes when the logo does)."""
    if settings.logo is None:
        return None
    path = Path(settings.logo)
    kind = LOGO_TYPES.get(path.suffix.lower())
    if kind is None or not path.is_file() or path.stat().st_size > MAX_LOGO_BYTES:
        return None
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def card_decks(session: Session, paper: Paper, floors: dict[str, int]) -> dict[str, Deck]:
    """Each deck's layout: the first fit (from `floors[activity id]`, the first size the
    laid-out page has not ruled out) that holds its texts by estimate."""
    decks = {}
    for _, activity in session.activities:
        if activity.cards is None:
            continue
        start = floors.get(activity.id, 0)
        index = choose_fit(activity.cards.items, activity.cards.sort_into, paper, start)
        decks[activity.id] = deck(len(FITS) - 1 if index is None else index, paper)
    return decks


# --- packs and their files ---------------------------------------------------------------


@dataclass(frozen=True)
class Pack:
    """One PDF to make: which session, which kind, where it goes under the output folder."""

    session: Session
    kind: PackKind
    day: int | None = None
    """For one day of a multi-day session: that day's participant pack."""

    @property
    def path(self) -> str:
        return pack_path(self.session.source, self.session.id, self.kind, self.day)

    @property
    def label(self) -> str:
        if self.day is not None:
            return f"{self.session.days[self.day - 1].title}: {LABELS[self.kind]}"
        return LABELS[self.kind]

    @property
    def printed(self) -> Session:
        """The session the pack prints: the whole session, or its one day."""
        return self.session if self.day is None else self.session.day_session(self.day)


def pack_path(
    source: Literal["module", "session"],
    source_id: str,
    kind: PackKind,
    day: int | None = None,
) -> str:
    """Where a pack goes in the site, e.g. `packs/modules/self-care-facilitator-pack.pdf`."""
    suffix = {
        "cards": "cards",
        "show": "show-sheets",
        "slides": "slides",
        "paperwork": "paperwork",
    }.get(kind, f"{kind}-pack")
    part = f"-day-{day}" if day is not None else ""
    return f"packs/{source}s/{source_id}{part}-{suffix}.pdf"


def pack_kinds(activities: Iterable[Activity], *, show: bool = False) -> list[PackKind]:
    """Facilitator, participant (and large-print) packs and paperwork; show sheets when there
    is something to show; a card sheet when an activity has cards."""
    activities = list(activities)
    has = {
        "show": show or any(activity.show for activity in activities),
        "cards": any(activity.cards for activity in activities),
    }
    return [k for k in PACK_KINDS if has.get(k, True)]


def module_pack_paths(module: Module) -> list[tuple[str, str]]:
    """(label, path) of each pack a module gets, before its session is built."""
    return [(LABELS[k], pack_path("module", module.id, k)) for k in pack_kinds(module.activities)]


def packs_for(session: Session) -> list[Pack]:
    """Every pack of a session; a multi-day session also gets a participant pack per day."""
    kinds = pack_kinds((a for _, a in session.activities), show=bool(session.show_items))
    packs = [Pack(session, kind) for kind in kinds]
    if len(session.days) > 1:
        at = kinds.index("participant") + 1
        days = [Pack(session, "participant", day.number) for day in session.days]
        packs[at:at] = days
    return packs


def sessions_of(
    curriculum: Curriculum, plans: Iterable[PlanFile], settings: SiteSettings
) -> list[Session]:
    """A session for every module and every plan: what a build makes packs of."""
    return [module_session(m, curriculum, settings) for m in curriculum.modules] + [
        plan_session(p, curriculum, settings) for p in plans
    ]


@dataclass
class Report:
    """What a pack build did."""

    written: list[Path] = field(default_factory=list)
    rendered: int = 0
    cached: int = 0
    boxes: dict[str, BoxReport] = field(default_factory=dict)
    """Per pack path: its marked boxes (cards, headers) and any text outside them."""


class CardsDoNotFit(Exception):
    """A card's text overflows its card even four to a sheet at the smallest type."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("\n".join(f.format() for f in findings))
        self.findings = findings


def _render(html: str, target: str) -> tuple[str, dict[str, object]]:
    """Render one PDF (in a worker process) to `target`, written atomically, with the report
    of its marked boxes (also kept beside it as JSON, for when it comes from the cache)."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # only where PDFs are made

    from peerkit.packs.layout import check_boxes

    partial = f"{target}.{os.getpid()}.part"
    document = HTML(string=html, base_url=".").render(pdf_tags=True)
    report = check_boxes(document)
    document.write_pdf(partial, pdf_tags=True)
    data = {"boxes": report.boxes, "overflows": [vars(o) for o in report.overflows]}
    Path(f"{partial}.json").write_text(json.dumps(data), encoding="utf-8")
    os.replace(f"{partial}.json", Path(target).with_suffix(".json"))
    os.replace(partial, target)
    return target, data


def _box_report(data: dict[str, object]) -> BoxReport:
    overflows = data.get("overflows", [])
    assert isinstance(overflows, list)
    boxes = data.get("boxes", 0)
    return BoxReport(
        boxes=boxes if isinstance(boxes, int) else 0,
        overflows=[Overflow(**o) for o in overflows],
    )


def build_packs(
    packs: Sequence[Pack],
    output: Path,
    cache: Path,
    settings: SiteSettings,
    *,
    template_dirs: Sequence[Path] = (),
    paper: Paper = "a4",
    sets: Sequence[str] = ("A",),
    jobs: int | None = None,
    progress: Callable[[Pack], None] | None = None,
    prune: bool = False,
    sources: Sequence[ModuleFile] = (),
) -> Report:
    """Write each pack's PDF under `output`, rendering only those not already in `cache`.

    Card sheets are checked as laid out: a deck whose text leaves a card is laid out again
    at the next size; when even the last size overflows, CardsDoNotFit names each card (at
    its line in `sources`, when given). With `prune`, cached PDFs that none of `packs` uses
    are deleted afterwards, so the cache holds one site's packs and does not grow.
    """
    templates = PrintTemplates(template_dirs)
    cache.mkdir(parents=True, exist_ok=True)
    report = Report()
    used: set[str] = set()
    floors: dict[str, int] = {}
    failed: dict[str, Overflow] = {}
    pending = list(packs)
    workers = max(1, min(len(pending), jobs or os.cpu_count() or 1))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        while pending:
            todo: dict[str, list[tuple[Pack, dict[str, Deck]]]] = {}
            html_of: dict[str, str] = {}
            done: list[tuple[Pack, dict[str, Deck], str, dict[str, object]]] = []
            for pack in pending:
                decks = card_decks(pack.printed, paper, floors) if pack.kind == "cards" else {}
                html = templates.html(
                    pack.kind, pack.printed, settings, paper, decks=decks, sets=sets
                )
                key = hashlib.sha256(f"{_ENGINE}\0{paper}\0{html}".encode()).hexdigest()
                cached, boxes = cache / f"{key}.pdf", cache / f"{key}.json"
                if cached.exists() and boxes.exists():
                    data = json.loads(boxes.read_text(encoding="utf-8"))
                    done.append((pack, decks, key, data))
                    report.cached += 1
                else:
                    todo.setdefault(key, []).append((pack, decks))
                    html_of[key] = html
            futures = {
                pool.submit(_render, html_of[key], str(cache / f"{key}.pdf")): key for key in todo
            }
            for future in as_completed(futures):
                _, data = future.result()
                for pack, decks in todo[futures[future]]:
                    report.rendered += 1
                    done.append((pack, decks, futures[future], data))
            pending = []
            for pack, decks, key, data in done:
                boxes_report = _box_report(data)
                retry = False
                for overflow in boxes_report.overflows:
                    activity_id = overflow.box.split("/", 1)[0]
                    if activity_id not in decks:
                        continue
                    index = FITS.index(decks[activity_id].fit)
                    if index + 1 < len(FITS):
                        floors[activity_id] = max(floors.get(activity_id, 0), index + 1)
                        retry = True
                    else:
                        failed.setdefault(overflow.box, overflow)
                if retry:
                    pending.append(pack)
                    continue
                if failed:
                    continue  # the build fails: no pack with a card off its card is placed
                used.update({f"{key}.pdf", f"{key}.json"})
                report.boxes[pack.path] = boxes_report
                _place(cache / f"{key}.pdf", output / pack.path, report)
                if progress:
                    progress(pack)
    if failed:
        raise CardsDoNotFit([_where(o, sources) for o in failed.values()])
    if prune:
        for old in [*cache.glob("*.pdf"), *cache.glob("*.json")]:
            if old.name not in used:
                old.unlink()
    return report


def _where(overflow: Overflow, sources: Sequence[ModuleFile]) -> Finding:
    """The card (or header) an overflow names, at its line in its module file."""
    activity_id, _set, which = overflow.box.split("/")
    kind, _, number = which.partition("-")
    for f in sources:
        for a_index, activity in enumerate(f.module.activities):
            if activity.id == activity_id:
                key = "sort_into" if kind == "header" else "items"
                line = f.line_of("activities", a_index, "cards", key, int(number))
                what = "header" if kind == "header" else "card"
                return Finding(
                    f.path,
                    line,
                    f"activities.{activity_id}.cards: {what} {int(number) + 1} does not fit on a "
                    "card even four to a sheet at 11 pt: shorten it or split it into two cards",
                )
    return Finding(
        Path(activity_id), 1, f"{overflow.box}: the text does not fit on a card: {overflow.text}"
    )


def _place(cached: Path, target: Path, report: Report) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, target)
    report.written.append(target)


def _engine() -> str:
    """What else decides a PDF's bytes: WeasyPrint's version and peerkit's rendering code and
    templates (hashed, not its version number, so an upgrade that leaves them alone
    re-renders only the packs whose HTML changed, and a rebuilt copy of the same version
    with other templates re-renders them all)."""
    code = hashlib.sha256()
    here = Path(__file__).parent
    for path in sorted(p for p in here.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        code.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes())
    try:
        return f"peerkit packs {code.hexdigest()}, weasyprint {version('weasyprint')}"
    except Exception:  # pragma: no cover - not installed as a distribution
        return f"peerkit packs {code.hexdigest()}"


_ENGINE = _engine()

__all__ = [
    "LABELS",
    "PACK_KINDS",
    "SET_LETTERS",
    "CardsDoNotFit",
    "Pack",
    "PrintTemplates",
    "Report",
    "Session",
    "build_packs",
    "card_decks",
    "module_pack_paths",
    "module_plan",
    "module_session",
    "pack_kinds",
    "pack_path",
    "packs_for",
    "plan_session",
    "sessions_of",
]
