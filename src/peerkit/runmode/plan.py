"""Run mode for the session planner's current plan.

The planner keeps its plan in the browser (its address bar and local storage), so this page
carries every activity's screens, rendered here from the curriculum by the same code as any
session's, and `runplan.js` puts the planner's items in order before run mode starts. Each
item starts when the one before it ends: the planner's own clock, as in every plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from peerkit.model import Curriculum
from peerkit.runmode.page import _env, _json
from peerkit.runmode.screens import Screen, Step, entry_screens, split_points, step_minutes
from peerkit.sessions.agenda import Entry
from peerkit.sessions.model import FREE_KINDS, Kind
from peerkit.site import SiteSettings

PLAN_PATH = "run/plan.html"
_NOON = dt.time(12, 0)


TITLE = "our session"
"""The welcome screen's title until runplan.js puts the plan's own in."""


def _activity_screens(curriculum: Curriculum) -> list[tuple[str, str, list[Screen]]]:
    """(module id, activity id, screens without the module's own content notes)."""
    found = []
    for module in curriculum.modules:
        for activity in module.activities:
            entry = Entry(
                Kind.activity, activity.title, _NOON, activity.minutes.max, None, module, activity
            )
            screens = entry_screens(TITLE, entry, 0, "", {module.id})
            found.append((module.id, activity.id, screens))
    return found


def _free_screens() -> list[tuple[str, list[Screen]]]:
    """A pattern of screens for each item that is not an activity (title filled in later)."""
    found = []
    for kind in FREE_KINDS:
        entry = Entry(kind, "", _NOON, 15)
        found.append((kind.value, entry_screens(TITLE, entry, 0, "", set())))
    return found


def plan_run_page(curriculum: Curriculum, settings: SiteSettings, *, assets: str, back: str) -> str:
    """The planner's run-mode page: `back` is the planner's address from it."""
    activities = _activity_screens(curriculum)
    module_notes = [
        (
            m.id,
            [
                Screen("note", 0, m.title, "Before we start: a content note", points=tuple(part))
                for part in split_points(list(m.content_notes))
            ],
        )
        for m in curriculum.modules
        if m.content_notes
    ]
    data = {
        "activities": {
            activity.id: {
                "title": activity.title,
                "module": module.id,
                "notes": [activity.facilitator_notes] if activity.facilitator_notes else [],
                "steps": [{"text": s, "minutes": step_minutes(s)} for s in activity.steps],
            }
            for module in curriculum.modules
            for activity in module.activities
        },
        "kinds": {kind.value: kind.label for kind in Kind},
    }
    return (
        _env()
        .get_template("run_plan.html")
        .render(
            activities=activities,
            free=_free_screens(),
            module_notes=module_notes,
            settings=settings,
            local_support=[],
            assets=assets,
            back=back,
            total=0,
            library_json=_json(data),
            numbered=lambda screens: [replace(s, number=n) for n, s in enumerate(screens, 1)],
        )
    )


__all__ = ["PLAN_PATH", "Step", "plan_run_page"]
