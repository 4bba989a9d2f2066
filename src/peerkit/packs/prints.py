"""Site-wide prints that belong to no session: the template safety procedure, wallet cards and
a poster of the support list. Built once per site, cached by content hash like the packs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peerkit.packs.build import _ENGINE, Paper, PrintTemplates, Report, _place
from peerkit.site import Service, SiteSettings


@dataclass(frozen=True)
class SitePrint:
    name: str
    path: str
    label: str
    title: str


SITE_PRINTS = (
    SitePrint(
        "procedure",
        "packs/safety/safety-procedure.pdf",
        "Template safety and safeguarding procedure (A4, one page)",
        "Safety and safeguarding procedure",
    ),
    SitePrint(
        "wallet-cards",
        "packs/safety/wallet-cards.pdf",
        "Wallet cards of the support list (8 to a sheet)",
        "Support wallet cards",
    ),
    SitePrint(
        "poster",
        "packs/safety/support-poster.pdf",
        "Support list poster (A4)",
        "Where to find support",
    ),
)

WALLET_ROWS = 8
"""Services that fit on a wallet card; more are left to the poster and the site."""

CARD_W, CARD_H = 85.6, 54.0
SHEETS = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}


@dataclass(frozen=True)
class WalletLine:
    name: str
    area: str | None
    way: str


def wallet_lines(settings: SiteSettings) -> tuple[list[WalletLine], int]:
    """The lines a wallet card has room for, and how many services were left off.

    999 is printed on every card already, so an emergency entry is not repeated; services
    with neither a phone number nor a text line are left for the poster.
    """
    services: list[Service] = [*settings.signposting, *settings.local_support_for(None)]
    lines = []
    for service in services:
        if service.phone and service.phone.replace(" ", "") == "999":
            continue
        way = service.phone or service.text
        if way:
            lines.append(WalletLine(service.name, service.area, way))
    return lines[:WALLET_ROWS], max(0, len(lines) - WALLET_ROWS)


def site_print_html(
    templates: PrintTemplates, item: SitePrint, settings: SiteSettings, paper: Paper = "a4"
) -> str:
    context: dict[str, Any] = {}
    if item.name == "wallet-cards":
        sheet_w, sheet_h = SHEETS[paper]
        services, more = wallet_lines(settings)
        context = {
            "services": services,
            "more": more,
            "sheet_w": sheet_w,
            "sheet_h": sheet_h,
            "left": round((sheet_w - 2 * CARD_W) / 2, 2),
            "top": round((sheet_h - 4 * CARD_H) / 2, 2),
        }
    if item.name == "poster":
        count = len(settings.signposting) + len(settings.local_support)
        context = {"local_support": settings.local_support, "count": count}
    return templates.env.get_template(f"{item.name}.html").render(
        settings=settings,
        title=item.title,
        css=templates.css,
        paper="A4" if paper == "a4" else "letter",
        **context,
    )


def build_site_prints(
    output: Path,
    cache: Path,
    settings: SiteSettings,
    *,
    template_dirs: Sequence[Path] = (),
    paper: Paper = "a4",
    prune: bool = False,
) -> Report:
    """Write the procedure, wallet cards and poster under `output`, from `cache` when the
    same HTML was rendered before."""
    templates = PrintTemplates(template_dirs)
    cache.mkdir(parents=True, exist_ok=True)
    report = Report()
    todo: dict[str, tuple[str, list[SitePrint]]] = {}
    used: set[str] = set()
    for item in SITE_PRINTS:
        html = site_print_html(templates, item, settings, paper)
        key = hashlib.sha256(f"{_ENGINE}\0{paper}\0{html}".encode()).hexdigest()
        used.add(f"{key}.pdf")
        cached = cache / f"{key}.pdf"
        if cached.exists():
            report.cached += 1
            _place(cached, output / item.path, report)
        else:
            todo.setdefault(key, (html, []))[1].append(item)
    if todo:
        from peerkit.packs import pdf  # WeasyPrint's side: only where PDFs are made

        workers = pdf.workers_for(None)
        futures = {
            key: pdf.submit(workers, html, cache / f"{key}.pdf") for key, (html, _) in todo.items()
        }
        for key, future in futures.items():
            future.result()
            for item in todo[key][1]:
                report.rendered += 1
                _place(cache / f"{key}.pdf", output / item.path, report)
    if prune:  # each render also leaves its layout report beside the PDF (key.json)
        for old in [*cache.glob("*.pdf"), *cache.glob("*.json")]:
            if old.with_suffix(".pdf").name not in used:
                old.unlink()
    return report
