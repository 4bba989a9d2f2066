"""The curriculum as one JSON index for the browser: catalogue, activity library and planner.

Everything the client side filters or plans with comes from here, built from the loaded
curriculum at build time; nothing is maintained by hand. Text stays plain text (the browser
writes it with `textContent`, never as HTML), and every URL is relative to the site's root.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypedDict, cast

from peerkit.anchors import owned_prompts
from peerkit.model import CHIME, PEER_VALUES, Curriculum, Format, Module, Range
from peerkit.sessions.agenda import DEFAULT_MINUTES, Entry, planned_minutes
from peerkit.sessions.model import FREE_KINDS
from peerkit.sessions.versions import module_versions, shortest_minutes

INDEX_VERSION = 1

RootLink = Callable[[str, str | None], str]
"""`link(module_id, anchor)`: a URL relative to the site's root."""


class IndexPlanItem(TypedDict, total=False):
    """A line of a version's running order: an activity by id, or another item by its text."""

    kind: str
    id: str
    text: str
    minutes: int


class IndexVersion(TypedDict):
    id: str
    label: str
    minutes: list[int]
    url: str
    items: list[IndexPlanItem]


class IndexModule(TypedDict):
    id: str
    title: str
    summary: str
    url: str
    duration: list[int]
    shortest: int
    """The fewest minutes any version needs: what the "Fits in" filter compares."""
    versions: list[IndexVersion]
    format: list[str]
    formatLabel: str
    groupSize: list[int]
    themes: list[str]
    values: list[str]
    audience: list[str]
    contentNotes: list[str]
    prerequisites: list[str]
    activities: list[str]


class IndexActivity(TypedDict):
    id: str
    module: str
    title: str
    aim: str
    url: str
    minutes: list[int]
    plannedMinutes: int
    format: list[str]
    formatLabel: str
    groupSize: list[int]
    materials: list[str]
    steps: list[str]
    onlineVariation: str | None
    contentNotes: list[str]


class IndexPrompt(TypedDict):
    id: str
    text: str
    module: str
    activity: str | None
    url: str


class IndexKind(TypedDict):
    kind: str
    label: str
    minutes: int


class IndexValues(TypedDict):
    chime: list[str]
    peer: list[str]


class BrowseIndex(TypedDict):
    """The shape of `assets/peerkit/index.json`, which browse.js, filter.js and planner.js
    read (a `[min, max]` pair for every range)."""

    version: int
    values: IndexValues
    kinds: list[IndexKind]
    modules: list[IndexModule]
    activities: list[IndexActivity]
    prompts: list[IndexPrompt]


def _span(value: Range) -> list[int]:
    return [value.min, value.max]


def _formats(value: Format) -> list[str]:
    """The ways an item can run: 'both' means in person and online."""
    return ["in-person", "online"] if value is Format.both else [value.value]


def _plan_item(entry: Entry) -> IndexPlanItem:
    """A line of a version's running order as the planner adds it."""
    if entry.activity is not None:
        return {"kind": "activity", "id": entry.activity.id, "minutes": entry.minutes}
    return {"kind": entry.kind.value, "text": entry.title, "minutes": entry.minutes}


def _module(module: Module, link: RootLink) -> IndexModule:
    return {
        "id": module.id,
        "title": module.title,
        "summary": " ".join(module.summary.split()),
        "url": link(module.id, None),
        "duration": _span(module.duration),
        "shortest": shortest_minutes(module),
        "versions": [
            {
                "id": running.id,
                "label": running.label,
                "minutes": _span(running.minutes),
                "url": link(module.id, f"{module.id}-version-{running.id}"),
                "items": [_plan_item(entry) for entry in running.day.entries],
            }
            for running in module_versions(module)
            if not running.standard
        ],
        "format": _formats(module.format),
        "formatLabel": module.format.label,
        "groupSize": _span(module.group_size),
        "themes": list(module.themes),
        "values": [v.value for v in module.values],
        "audience": list(module.audience),
        "contentNotes": list(module.content_notes),
        "prerequisites": list(module.prerequisites),
        "activities": [a.id for a in module.activities],
    }


def curriculum_index(curriculum: Curriculum, link: RootLink) -> BrowseIndex:
    """The whole curriculum as JSON-ready data for the browse pages and the planner."""

    modules: list[IndexModule] = []
    activities: list[IndexActivity] = []
    prompts: list[IndexPrompt] = []
    for module in curriculum.modules:
        modules.append(_module(module, link))
        for owner, _, owned in owned_prompts(module):
            for anchor, prompt in owned:
                prompts.append(
                    {
                        "id": anchor,
                        "text": " ".join(prompt.text.split()),
                        "module": module.id,
                        "activity": owner.id if owner else None,
                        "url": link(module.id, anchor),
                    }
                )
        for activity in module.activities:
            activities.append(
                {
                    "id": activity.id,
                    "module": module.id,
                    "title": activity.title,
                    "aim": " ".join(activity.aim.split()),
                    "url": link(module.id, activity.id),
                    "minutes": _span(activity.minutes),
                    "plannedMinutes": planned_minutes(activity),
                    "format": _formats(activity.format),
                    "formatLabel": activity.format.label,
                    "groupSize": _span(activity.group_size),
                    "materials": list(activity.materials),
                    "steps": [" ".join(step.split()) for step in activity.steps],
                    "onlineVariation": activity.online_variation,
                    "contentNotes": list(activity.content_notes),
                }
            )
    return {
        "version": INDEX_VERSION,
        "values": {
            "chime": [v.value for v in CHIME],
            "peer": [v.value for v in PEER_VALUES],
        },
        "kinds": [
            {"kind": kind.value, "label": kind.label, "minutes": DEFAULT_MINUTES[kind]}
            for kind in FREE_KINDS
        ],
        "modules": modules,
        "activities": activities,
        "prompts": prompts,
    }


def index_json(index: BrowseIndex) -> str:
    """The index as JSON. `<`, `>` and `&` are written as \\u escapes (the same text once
    parsed), so no curriculum text can close a script or read as markup wherever the JSON
    ends up."""
    return _escaped_json(index)


def _escaped_json(data: object) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def index_script(index: BrowseIndex) -> str:
    """The same index as a script, so pages opened from a folder (file://) can read it:
    browsers refuse to fetch one local file from another."""
    return f"window.peerkitIndex = {index_json(index)};\n"


BROWSE_KINDS = ("modules", "activities", "prompts", "planner")
"""The parts of the index the browse pages read, each in its own `index-KIND.js`: the lists
the catalogue, activity library and reflection bank filter, and what the planner plans with."""

_FILTERED = {
    "modules": (
        "id",
        "title",
        "duration",
        "shortest",
        "format",
        "groupSize",
        "themes",
        "values",
        "audience",
    ),
    "activities": ("id", "module", "title", "aim", "minutes", "format", "groupSize"),
    "prompts": ("id", "module", "text"),
}
"""What the filters of each list read (filter.js `matches`): an item's words and its facets,
nothing else. "Fits in" reads a module's `shortest` (its quickest version), so it is here too."""


_CARDS = {
    "modules": ("summary", "url", "formatLabel", "contentNotes"),
    "activities": ("url", "formatLabel"),
    "prompts": (),
}
"""What else a large catalogue or library reads to draw an item's card (browse.js `card`,
the same card as `module_card.html` and `activities.html` draw): a list longer than the
site's `browse_cards` holds only that many cards in its HTML, and the script draws the
others from here as they are wanted."""


def browse_index(full: BrowseIndex, kind: str) -> dict[str, Any]:
    """The part of the curriculum index that one browse page filters with and draws its cards
    from (`kind`: modules, activities or prompts), so a page of 4,000 activities fetches a
    tenth of the index or less, not every step of every activity. For `planner`, what the
    planner reads (`planner_index`)."""
    if kind == "planner":
        return planner_index(full)
    index = cast(dict[str, Any], full)
    fields = _FILTERED["modules"] + ("url",)
    modules = [{key: m[key] for key in fields} for m in index["modules"]]
    if kind == "modules":
        for slim, module in zip(modules, index["modules"], strict=True):
            slim.update({key: module[key] for key in _CARDS["modules"]})
            slim["versions"] = [
                {"label": v["label"], "minutes": v["minutes"], "url": v["url"]}
                for v in module["versions"]
            ]
    slim_index: dict[str, Any] = {"version": index["version"], "modules": modules}
    if kind == "modules":
        slim_index["valueLabels"] = {v.value: v.label for v in (*CHIME, *PEER_VALUES)}
    else:
        keep = _FILTERED[kind] + _CARDS[kind]
        slim_index[kind] = [{key: item[key] for key in keep} for item in index[kind]]
    return slim_index


_PLANNED = {
    "modules": (
        "id",
        "title",
        "url",
        "duration",
        "shortest",
        "versions",
        "format",
        "formatLabel",
        "groupSize",
        "themes",
        "values",
        "audience",
    ),
    "activities": (
        "id",
        "module",
        "title",
        "aim",
        "url",
        "minutes",
        "plannedMinutes",
        "format",
        "formatLabel",
        "groupSize",
    ),
}
"""What the planner plans and filters with (planner.js). An activity's steps, materials,
notes and online option, which only the printed agenda shows, stay in the whole index
(`index.js`, ten times the size at 1,000 modules), fetched once the plan holds an activity."""


def planner_index(full: BrowseIndex) -> dict[str, Any]:
    """The part of the curriculum index the planner reads before anything is printed."""
    index = cast(dict[str, Any], full)
    return {
        "version": index["version"],
        "values": index["values"],
        "kinds": index["kinds"],
        **{
            part: [{key: item[key] for key in keys} for item in index[part]]
            for part, keys in _PLANNED.items()
        },
    }


def browse_script(index: BrowseIndex, kind: str) -> str:
    """`browse_index` as a script (it works from a folder too), for browse.js; for `planner`,
    `planner_index`, for planner.js."""
    name = "peerkitPlanner" if kind == "planner" else "peerkitBrowse"
    return f"window.{name} = {_escaped_json(browse_index(index, kind))};\n"
