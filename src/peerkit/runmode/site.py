"""Run mode in a built site: one page per module and session plan, and the link to it from
the module's or session's page."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

from peerkit.model import Curriculum
from peerkit.runmode.page import ASSETS, SCRIPT, STYLESHEET, run_link, run_page, run_path
from peerkit.runmode.plan import PLAN_PATH, plan_run_page
from peerkit.site import SiteSettings

PLAN_SCRIPT = "assets/peerkit/runplan.js"

if TYPE_CHECKING:
    from peerkit.sessions.view import Session

_GLANCE = '<dl class="peerkit-glance">'


@dataclass(frozen=True)
class RunPage:
    """A run-mode page to write into the site, and the page that links to it."""

    path: str
    """Where it goes in the site, e.g. `run/sessions/monthly-peer-support-hour.html`."""
    html: str
    page_url: str
    """The address (in the site) of the module's or session's page."""
    label: str | None = None
    """A module's version (e.g. "Short version"); None for the module as written."""


def _relative(target: str, start: str) -> str:
    """`target` relative to the folder of the file at `start` (both site paths)."""
    return posixpath.relpath(target, posixpath.dirname(start) or ".")


def run_pages(
    sessions: Iterable[Session], settings: SiteSettings, page_url: Callable[[Session], str]
) -> Iterator[RunPage]:
    """A run-mode page for each session, linking back to its page at `page_url(session)`
    (a site path such as `sessions/x.html` or `sessions/x/`)."""
    for session in sessions:
        path = run_path(session.source, session.id)
        back_to = page_url(session)
        back = _relative(back_to + ("index.html" if back_to.endswith("/") else ""), path)
        assets = _relative("assets/peerkit/", path) + "/"
        html = run_page(session, settings, assets=assets, back=back)
        # A module's versions (peerkit.sessions.versions) are sessions of their own.
        yield RunPage(path, html, back_to, getattr(session, "version", None))


def assets() -> dict[str, str]:
    """The run page's script and styles: site path → source file."""
    return {
        SCRIPT: str(ASSETS / "runmode.js"),
        PLAN_SCRIPT: str(ASSETS / "runplan.js"),
        STYLESHEET: str(ASSETS / "runmode.css"),
    }


def plan_page(curriculum: Curriculum, settings: SiteSettings, planner_url: str) -> RunPage:
    """Run mode for the planner's current plan, linking back to the planner."""
    start = planner_url + ("index.html" if planner_url.endswith("/") else "")
    html = plan_run_page(
        curriculum,
        settings,
        assets=_relative("assets/peerkit/", PLAN_PATH) + "/",
        back=_relative(start, PLAN_PATH),
    )
    return RunPage(PLAN_PATH, html, planner_url)


_PLANNER_ACTIONS = '<div class="peerkit-planner-actions">'


def with_plan_run_link(html: str, page_url: str) -> str:
    """The planner's page with a link to run its plan, above its buttons."""
    start = page_url + ("index.html" if page_url.endswith("/") or not page_url else "")
    link = str(
        Markup(
            '<p class="peerkit-run"><a href="{}">Run this plan on a projector</a>, with a presenter'
            " view in a second window.</p>"
        ).format(_relative(PLAN_PATH, start))
    )
    at = html.find(_PLANNER_ACTIONS)
    return html[:at] + link + "\n" + html[at:] if at >= 0 else html + link


def with_run_link(html: str, page_url: str, runs: list[tuple[str | None, str]]) -> str:
    """A module's or session's page with its links to run mode (the module as written, then
    each version: `runs` is [(version label or None, path)]), above its glance list."""
    start = page_url + ("index.html" if page_url.endswith("/") or not page_url else "")
    links = [(label, _relative(path, start)) for label, path in runs]
    link = str(run_link(links))
    at = html.find(_GLANCE)
    return html[:at] + link + "\n" + html[at:] if at >= 0 else link + "\n" + html
