"""Print-ready session packs: a module's or a session plan's session → facilitator pack,
participant pack and card sheets, as PDF.

The print HTML is built from the curriculum data with peerkit's own print templates and CSS
(never from the web page, which clips in print). A site may override any of them by placing a
file of the same name in `overrides/peerkit/print/`. WeasyPrint turns the HTML into tagged PDF
with bookmarks; each PDF is cached by a hash of everything that goes into it, so a rebuild with
nothing changed renders nothing, and renders run in parallel across cores.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Literal

from peerkit.findings import Finding
from peerkit.model import Activity, Module, ModuleFile
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
from peerkit.render.env import TEMPLATES as WEB_TEMPLATES
from peerkit.render.env import sandbox
from peerkit.render.safetylinks import link_procedures
from peerkit.runmode.page import slides_html
from peerkit.sessions.model import Kind
from peerkit.sessions.versions import module_versions
from peerkit.sessions.view import Session
from peerkit.site import SiteSettings

TEMPLATES = Path(__file__).parent / "templates"
PackKind = Literal[
    "facilitator", "crib", "participant", "large-print", "show", "slides", "paperwork", "cards"
]
Paper = Literal["a4", "letter"]
PACK_KINDS: tuple[PackKind, ...] = (
    "facilitator",
    "crib",
    "participant",
    "large-print",
    "show",
    "slides",
    "paperwork",
    "cards",
)
LABELS = {
    "facilitator": "Facilitator pack",
    "crib": "Crib sheet (one page)",
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
SAFETY_PAGE = 2
"""The facilitator pack's safety page: the page after its cover. The pack's mentions of it print
this number (WeasyPrint's target-counter would lay out every page with a mention three times);
each render checks that the safety page is there, and a pack where it is not is laid out again
with target-counter."""


# --- print HTML ------------------------------------------------------------------------


class PrintTemplates:
    """peerkit's print templates (overridable), in an autoescaping sandbox."""

    def __init__(self, template_dirs: Sequence[Path] = ()) -> None:
        # Print templates first, then the web fragments they share (signposting), each
        # overridable from the site's template folders.
        dirs = [str(Path(d) / "print") for d in template_dirs] + [str(TEMPLATES)]
        dirs += [str(d) for d in template_dirs] + [str(WEB_TEMPLATES)]
        self.env = sandbox(dirs)
        self.env.filters["clock"] = lambda t: t.strftime("%H:%M")
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
        safety_page: int | None = SAFETY_PAGE,
    ) -> str:
        """A pack's print HTML; card sheets lay each deck out as `decks` says (by default,
        at the size its texts need by estimate) in the lettered `sets`. A facilitator pack's
        mentions of its safety page name `safety_page` (None: the page it is laid out on)."""
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
            safety_page=safety_page,
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
        "crib": "crib-sheet",
    }.get(kind, f"{kind}-pack")
    part = f"-day-{day}" if day is not None else ""
    return f"packs/{source}s/{source_id}{part}-{suffix}.pdf"


def pack_kinds(
    activities: Iterable[Activity], *, show: bool = False, crib: bool = False
) -> list[PackKind]:
    """Facilitator, participant (and large-print) packs and paperwork; show sheets when there
    is something to show; a card sheet when an activity has cards; a module's (and each of
    its versions') one-page crib sheet."""
    activities = list(activities)
    has = {
        "crib": crib,
        "show": show or any(activity.show for activity in activities),
        "cards": any(activity.cards for activity in activities),
    }
    return [k for k in PACK_KINDS if has.get(k, True)]


def module_pack_paths(module: Module) -> list[tuple[str, str]]:
    """(label, path) of each pack a module gets, before its session is built: the standard
    version's, then each declared version's, labelled with the version (`Short version:
    Facilitator pack`)."""
    paths = []
    for running in module_versions(module):
        prefix = "" if running.standard else f"{running.label}: "
        kinds = pack_kinds(running.module.activities, crib=True)
        paths += [(prefix + LABELS[k], pack_path("module", running.session_id, k)) for k in kinds]
    return paths


def packs_for(session: Session) -> list[Pack]:
    """Every pack of a session; a multi-day session also gets a participant pack per day."""
    kinds = pack_kinds(
        (a for _, a in session.activities),
        show=bool(session.show_items),
        crib=session.source == "module",
    )
    packs = [Pack(session, kind) for kind in kinds]
    if len(session.days) > 1:
        at = kinds.index("participant") + 1
        days = [Pack(session, "participant", day.number) for day in session.days]
        packs[at:at] = days
    return packs


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
    from peerkit.packs import pdf  # WeasyPrint's side: only where PDFs are made

    templates = PrintTemplates(template_dirs)
    cache.mkdir(parents=True, exist_ok=True)
    report = Report()
    used: set[str] = set()
    floors: dict[str, int] = {}
    failed: dict[str, Overflow] = {}
    unpinned: set[str] = set()  # packs whose safety page is not on SAFETY_PAGE
    workers = pdf.workers_for(jobs)
    # Packs waiting for the render of their HTML (key), and the render each future is.
    waiting: dict[str, list[tuple[Pack, dict[str, Deck]]]] = {}
    rendering: dict[Future[tuple[str, dict[str, object]]], str] = {}
    queued: list[tuple[str, str]] = []  # (key, html) to render, submitted longest first

    def start(pack: Pack) -> None:
        """Lay out `pack` as HTML: from the cache, with a render already under way, or queued."""
        decks = card_decks(pack.printed, paper, floors) if pack.kind == "cards" else {}
        pinned = None if pack.path in unpinned else SAFETY_PAGE
        html = templates.html(
            pack.kind, pack.printed, settings, paper, decks=decks, sets=sets, safety_page=pinned
        )
        key = hashlib.sha256(f"{_ENGINE}\0{paper}\0{html}".encode()).hexdigest()
        cached, boxes = cache / f"{key}.pdf", cache / f"{key}.json"
        if key in waiting:
            waiting[key].append((pack, decks))
        elif cached.exists() and boxes.exists():
            report.cached += 1
            finish(pack, decks, key, json.loads(boxes.read_text(encoding="utf-8")))
        else:
            waiting[key] = [(pack, decks)]
            queued.append((key, html))

    def finish(pack: Pack, decks: dict[str, Deck], key: str, data: dict[str, object]) -> None:
        """Place a rendered pack, or lay its cards out again one size smaller if they overflow,
        or the pack again naming its safety page as laid out if it is not where expected."""
        if data.get("misplaced") and pack.path not in unpinned:
            unpinned.add(pack.path)
            start(pack)
            return
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
            start(pack)
        elif not failed:  # when the build fails, no pack with a card off its card is placed
            used.update({f"{key}.pdf", f"{key}.json"})
            report.boxes[pack.path] = boxes_report
            _place(cache / f"{key}.pdf", output / pack.path, report)
            if progress:
                progress(pack)

    def submit_queued() -> None:
        # The longest first, so that the last to finish is a short one and no core waits.
        for key, html in sorted(queued, key=lambda item: -len(item[1])):
            rendering[pdf.submit(workers, html, cache / f"{key}.pdf")] = key
        queued.clear()

    for pack in packs:
        start(pack)
    submit_queued()
    while rendering:
        finished, _ = wait(rendering, return_when=FIRST_COMPLETED)
        for future in finished:
            key = rendering.pop(future)
            _, data = future.result()
            for pack, decks in waiting.pop(key):
                report.rendered += 1
                finish(pack, decks, key, data)
        submit_queued()
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
    "build_packs",
    "card_decks",
    "module_pack_paths",
    "pack_kinds",
    "pack_path",
    "packs_for",
]
