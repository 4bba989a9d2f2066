"""Print-ready session packs: a module or a session plan → facilitator pack, participant pack
and card sheets, as PDF.

The print HTML is built from the curriculum data with peerkit's own print templates and CSS
(never from the web page, which clips in print). A site may override any of them by placing a
file of the same name in `overrides/peerkit/print/`. WeasyPrint turns the HTML into tagged PDF
with bookmarks; each PDF is cached by a hash of everything that goes into it, so a rebuild with
nothing changed renders nothing, and renders run in parallel across cores.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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

from peerkit.model import Activity, Curriculum, Handout, Module
from peerkit.plans import AgendaDay, Entry, Kind, PlanFile, agenda
from peerkit.runsheet import MODULE_START, module_plan, with_screen_breaks
from peerkit.render import FILTERS
from peerkit.render import TEMPLATES as WEB_TEMPLATES
from peerkit.site import SiteSettings

TEMPLATES = Path(__file__).parent / "templates"
PackKind = Literal["facilitator", "participant", "cards"]
Paper = Literal["a4", "letter"]
PACK_KINDS: tuple[PackKind, ...] = ("facilitator", "participant", "cards")
LABELS = {
    "facilitator": "Facilitator pack",
    "participant": "Participant pack",
    "cards": "Cards to cut out",
}


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
        return "cards" in pack_kinds(a for _, a in self.activities)

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
    )


def plan_session(plan_file: PlanFile, curriculum: Curriculum, settings: SiteSettings) -> Session:
    plan = plan_file.plan
    return Session(
        id=plan_file.id,
        source="session",
        title=plan.title,
        summary=plan.summary,
        organisation=plan.organisation or settings.organisation,
        facilitators=list(plan.facilitators),
        days=agenda(plan, curriculum),
        notes=plan.notes,
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
        self.env.globals["Kind"] = Kind
        self.css = self.env.loader.get_source(self.env, "print.css")[0]  # type: ignore[union-attr]

    def html(
        self, kind: PackKind, session: Session, settings: SiteSettings, paper: Paper = "a4"
    ) -> str:
        template = self.env.get_template(f"{kind}.html")
        return template.render(
            session=session,
            settings=settings,
            kind=kind,
            label=LABELS[kind],
            css=self.css,
            paper="A4" if paper == "a4" else "letter",
        )


# --- packs and their files ---------------------------------------------------------------


@dataclass(frozen=True)
class Pack:
    """One PDF to make: which session, which kind, where it goes under the output folder."""

    session: Session
    kind: PackKind

    @property
    def path(self) -> str:
        return pack_path(self.session.source, self.session.id, self.kind)

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def pack_path(source: Literal["module", "session"], source_id: str, kind: PackKind) -> str:
    """Where a pack goes in the site, e.g. `packs/modules/self-care-facilitator-pack.pdf`."""
    suffix = "cards" if kind == "cards" else f"{kind}-pack"
    return f"packs/{source}s/{source_id}-{suffix}.pdf"


def pack_kinds(activities: Iterable[Activity]) -> list[PackKind]:
    """A facilitator and a participant pack, and a card sheet when an activity has cards."""
    has_cards = any(activity.cards for activity in activities)
    return [k for k in PACK_KINDS if k != "cards" or has_cards]


def module_pack_paths(module: Module) -> list[tuple[str, str]]:
    """(label, path) of each pack a module gets, before its session is built."""
    return [(LABELS[k], pack_path("module", module.id, k)) for k in pack_kinds(module.activities)]


def packs_for(session: Session) -> list[Pack]:
    return [Pack(session, kind) for kind in pack_kinds(a for _, a in session.activities)]


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


def _render(html: str, target: str) -> str:
    """Render one PDF (in a worker process) to `target`, written atomically."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # only where PDFs are made

    partial = f"{target}.{os.getpid()}.part"
    HTML(string=html, base_url=".").write_pdf(partial, pdf_tags=True)
    os.replace(partial, target)
    return target


def build_packs(
    packs: Sequence[Pack],
    output: Path,
    cache: Path,
    settings: SiteSettings,
    *,
    template_dirs: Sequence[Path] = (),
    paper: Paper = "a4",
    jobs: int | None = None,
    progress: Callable[[Pack], None] | None = None,
    prune: bool = False,
) -> Report:
    """Write each pack's PDF under `output`, rendering only those not already in `cache`.

    With `prune`, cached PDFs that none of `packs` uses are deleted afterwards, so the cache
    holds one site's packs and does not grow with every edit.
    """
    templates = PrintTemplates(template_dirs)
    cache.mkdir(parents=True, exist_ok=True)
    report = Report()
    todo: dict[str, list[Pack]] = {}
    html_of: dict[str, str] = {}
    used: set[str] = set()
    for pack in packs:
        html = templates.html(pack.kind, pack.session, settings, paper)
        key = hashlib.sha256(f"{_ENGINE}\0{paper}\0{html}".encode()).hexdigest()
        used.add(f"{key}.pdf")
        cached = cache / f"{key}.pdf"
        if cached.exists():
            report.cached += 1
            _place(cached, output / pack.path, report)
            if progress:
                progress(pack)
        else:
            todo.setdefault(key, []).append(pack)
            html_of[key] = html
    if todo:
        workers = max(1, min(len(todo), jobs or os.cpu_count() or 1))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {
                pool.submit(_render, html_of[key], str(cache / f"{key}.pdf")): key for key in todo
            }
            for future in as_completed(futures):
                future.result()
                for pack in todo[futures[future]]:
                    report.rendered += 1
                    _place(cache / f"{futures[future]}.pdf", output / pack.path, report)
                    if progress:
                        progress(pack)
    if prune:
        for old in cache.glob("*.pdf"):
            if old.name not in used:
                old.unlink()
    return report


def _place(cached: Path, target: Path, report: Report) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, target)
    report.written.append(target)


def _engine() -> str:
    """What else decides a PDF's bytes: the versions of peerkit and WeasyPrint."""
    try:
        return f"peerkit {version('peerkit')}, weasyprint {version('weasyprint')}"
    except Exception:  # pragma: no cover - not installed as a distribution
        return "unknown"


_ENGINE = _engine()

__all__ = [
    "LABELS",
    "PACK_KINDS",
    "Pack",
    "PrintTemplates",
    "Report",
    "Session",
    "build_packs",
    "module_pack_paths",
    "module_plan",
    "module_session",
    "pack_kinds",
    "pack_path",
    "packs_for",
    "plan_session",
    "sessions_of",
]
