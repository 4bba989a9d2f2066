"""Run mode's page and the slides' print HTML, from one screen template."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from peerkit.render.env import sandbox
from peerkit.runmode.screens import items_of, screens_of
from peerkit.site import SiteSettings

if TYPE_CHECKING:
    from peerkit.sessions.view import Session

HERE = Path(__file__).parent
ASSETS = HERE / "assets"
SCRIPT = "assets/peerkit/runmode.js"
STYLESHEET = "assets/peerkit/runmode.css"


def run_path(source: Literal["module", "session"], source_id: str) -> str:
    """Where a session's run mode goes in the site, e.g. `run/sessions/monthly.html`."""
    return f"run/{source}s/{source_id}.html"


@cache
def _env() -> ImmutableSandboxedEnvironment:
    """peerkit's one sandboxed environment (peerkit.render.env), on run mode's templates."""
    env = sandbox([HERE / "templates"])
    env.filters["clock"] = lambda t: t.strftime("%H:%M")
    return env


def plan_data(session: Session) -> dict[str, object]:
    """What the script times: each item's planned start and minutes, notes and steps."""
    return {
        "title": session.title,
        "items": [
            {
                "title": item.title,
                "kind": item.kind,
                "day": item.day,
                "start": item.start.strftime("%H:%M"),
                "offset": item.offset,
                "minutes": item.minutes,
                "notes": list(item.notes),
                "steps": [{"text": s.text, "minutes": s.minutes} for s in item.steps],
            }
            for item in items_of(session)
        ],
    }


def _json(data: object) -> str:
    """JSON for a `data-json` attribute: the template's autoescape escapes it there (`<`, `>`,
    `&`, quotes), so no text in it can end the attribute or start markup, and the script reads
    it back with `dataset.json`. (Not a <script> element: no `</script>` or `<!--` to guard.)"""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def run_page(session: Session, settings: SiteSettings, *, assets: str, back: str) -> str:
    """The run-mode page: `assets` is the relative address of assets/peerkit/, `back` the
    page it came from."""
    screens = screens_of(session)
    return (
        _env()
        .get_template("run.html")
        .render(
            session=session,
            screens=screens,
            total=len(screens),
            items=items_of(session),
            settings=settings,
            local_support=list(session.local_support),
            assets=assets,
            back=back,
            key=f"{session.source}:{session.id}",
            plan_json=_json(plan_data(session)),
        )
    )


def slides_html(session: Session, settings: SiteSettings) -> str:
    """The slides' print HTML: one 16:9 page per screen."""
    screens = screens_of(session)
    css = (HERE / "templates" / "slides.css").read_text(encoding="utf-8")
    return (
        _env()
        .get_template("slides.html")
        .render(
            session=session,
            screens=screens,
            total=len(screens),
            settings=settings,
            local_support=list(session.local_support),
            css=css,
        )
    )


def run_link(links: list[tuple[str | None, str]]) -> Markup:
    """The line a session's or module's page links to its run mode with: [(version label or
    None, href)]."""
    standard = [href for label, href in links if label is None]
    versions = [(label, href) for label, href in links if label is not None]
    parts = []
    if standard:
        parts.append(Markup('<a href="{}">Run it on a projector</a>').format(standard[0]))
    parts += [
        Markup('<a href="{}">Run the {} on a projector</a>').format(href, label.lower())
        for label, href in versions
    ]
    return Markup(
        '<p class="peerkit-run">{}, with a presenter view for you in a second window'
        " (press ? there for the keys).</p>"
    ).format(Markup(" · ").join(parts))
