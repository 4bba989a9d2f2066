"""The browse pages: catalogue, activity library, reflection bank, module map and planner.

Each page is complete HTML without JavaScript (every item listed, every link working);
`browse.js` and `planner.js` add filtering and planning on top, reading the curriculum
index (`peerkit.browse.index`). Templates (`browse/templates/`, named `browse/<page>.html`
so a site's `overrides/peerkit/browse/` can replace one) run in the renderer's sandboxed,
autoescaping environment like every other fragment.
"""

from __future__ import annotations

import weakref
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from peerkit.anchors import prompt_anchors
from peerkit.browse.modulemap import MAP_CSS, module_map_list, module_map_svg
from peerkit.model import CHIME, PEER_VALUES, Module, Prompt
from peerkit.navgroups import by_theme
from peerkit.render import Link, Renderer
from peerkit.sessions.model import FREE_KINDS
from peerkit.vocabulary import Vocabulary, listed

TEMPLATES = Path(__file__).parent / "templates"
ASSETS = Path(__file__).parent / "assets"
SCRIPTS = ("filter.js", "browse.js", "planner.js")
"""The browse pages' scripts, served from `assets/peerkit/` in the site."""


def script_files() -> dict[str, Path]:
    """Each browse script by its place in the site."""
    return {f"assets/peerkit/{name}": ASSETS / name for name in SCRIPTS}


def stylesheet() -> str:
    """The browse pages' rules (`browse.css`, then the module map's colours, which live beside
    the code that draws the map), appended to the site's stylesheet (`peerkit.css`)."""
    return (ASSETS / "browse.css").read_text(encoding="utf-8") + "\n" + MAP_CSS


@dataclass(frozen=True)
class BrowsePage:
    name: str
    title: str
    description: str
    template: str
    scripts: tuple[str, ...] = ("filter.js", "browse.js")


BROWSE_PAGES = (
    BrowsePage(
        "catalogue",
        "Module catalogue",
        "Every module, filtered by theme, values, length, format, group size and audience.",
        "browse/catalogue.html",
    ),
    BrowsePage(
        "activities",
        "Activity library",
        "Every activity in every module, filtered by theme, minutes, format and group size.",
        "browse/activities.html",
    ),
    BrowsePage(
        "reflections",
        "Reflection bank",
        "Every reflection question, by module and theme.",
        "browse/reflections.html",
    ),
    BrowsePage(
        "map",
        "Module map",
        "Which modules come before which.",
        "browse/map.html",
        scripts=(),
    ),
    BrowsePage(
        "planner",
        "Session planner",
        "Put a session together from the activity library, timed to the clock.",
        "browse/planner.html",
        scripts=("filter.js", "planner.js"),
    ),
)


def _counted(names: list[str]) -> list[tuple[str, int]]:
    counts = Counter(names)
    return sorted(counts.items(), key=lambda item: item[0].casefold())


def _facets(modules: list[Module], kind: str, vocabulary: Vocabulary | None) -> dict[str, Any]:
    def weight(module: Module) -> int:
        if kind == "activities":
            return len(module.activities)
        if kind == "prompts":
            return len(module.reflection) + sum(len(a.reflection) for a in module.activities)
        return 1

    themes = [t for m in modules for t in m.themes for _ in range(weight(m))]
    audiences = [a for m in modules for a in m.audience for _ in range(weight(m))]
    longest = max((m.duration.max for m in modules), default=60)
    return {
        "themes": listed(dict(Counter(themes)), vocabulary.themes)
        if vocabulary
        else _counted(themes),
        "audiences": listed(dict(Counter(audiences)), vocabulary.audience)
        if vocabulary
        else _counted(audiences),
        "durations": list(range(60, longest + 30, 30)),
        "value_groups": [
            ("Recovery (CHIME)", list(CHIME)),
            ("Peer values", [v for v in PEER_VALUES if v not in CHIME]),
        ],
    }


_KIND = {"catalogue": "modules", "activities": "activities", "reflections": "prompts"}
_NOUN = {"modules": "modules", "activities": "activities", "prompts": "questions"}


_environments: weakref.WeakKeyDictionary[Renderer, jinja2.Environment] = weakref.WeakKeyDictionary()


def _environment(renderer: Renderer) -> jinja2.Environment:
    """The renderer's sandboxed environment, also finding `browse/...` templates here (after
    the site's own overrides, which the renderer's loader looks in first)."""
    env = _environments.get(renderer)
    if env is None:
        loader = jinja2.ChoiceLoader(
            [
                renderer.fragments.loader,  # type: ignore[list-item]
                jinja2.PrefixLoader({"browse": jinja2.FileSystemLoader(str(TEMPLATES))}),
            ]
        )
        env = _environments[renderer] = renderer.fragments.overlay(loader=loader)
    return env


CARDS = 100
"""How many cards a catalogue or activity library holds in its HTML (the site's
`browse_cards`). A longer list holds the first this many, then every item as one line
under its (first) theme in closed `<details>`: the page stays complete without JavaScript,
and a browser parses and lays out a tenth of what 4,000 cards cost. browse.js draws the other
cards from the page's index as the filters or "Show more" ask for them."""


def _by_theme(modules: list[Module], kind: str) -> list[tuple[str, list[Module], int]]:
    """The modules under their first theme (as the navigation groups them), themes A to Z,
    each with how many items of `kind` its modules hold."""
    return [
        (
            title,
            members,
            sum(len(m.activities) for m in members) if kind == "activities" else len(members),
        )
        for title, members in by_theme(modules, len(modules) or 1)  # as the navigation, unsplit
    ]


def _bank_folds(
    modules: list[Module], groups: dict[str, list[tuple[str, list[Any]]]], cards: int
) -> tuple[list[Module], list[tuple[str, list[Module], int]]]:
    """The reflection bank's modules shown open, and the rest folded by theme.

    A bank of more modules than `cards` (the site's `browse_cards`) shows open only its first
    modules, up to `cards` questions (one module at least); every other module's questions
    follow under its first theme, in closed `<details>`, which the browser parses but does
    not lay out until one is opened (at 1,000 modules, 25,000 questions: 0.6 s to load,
    not 2.8 s). Every question is still in the page, for a reader without JavaScript and for
    the filters, which open the themes that hold what they find (browse.js)."""
    if len(modules) <= cards:
        return modules, []
    shown, questions = 0, 0
    for module in modules:
        questions += sum(len(prompts) for _, prompts in groups[module.id])
        if shown and questions > cards:
            break
        shown += 1
    return modules[:shown], _by_theme(modules[shown:], "modules")


def browse_page(
    renderer: Renderer,
    page: BrowsePage,
    link: Link,
    assets: str,
    planner: str,
    cards: int = CARDS,
) -> str:
    """The HTML of one browse page. `assets` is the relative path to the site's root,
    `planner` the relative address of the planner page and `cards` the most cards a list
    holds in its HTML before it is paged (`CARDS`)."""
    modules = renderer.curriculum.modules
    kind = _KIND.get(page.name, "")
    totals = {
        "modules": len(modules),
        "activities": sum(len(m.activities) for m in modules),
        "prompts": sum(
            len(m.reflection) + sum(len(a.reflection) for a in m.activities) for m in modules
        ),
    }
    context: dict[str, Any] = {
        "modules": modules,
        "kind": kind,
        "facets": _facets(modules, kind, renderer.settings.vocabulary),
        "total": totals.get(kind, 0),
        "noun_plural": _NOUN.get(kind, ""),
        "assets": assets,
        "scripts": page.scripts,
        "planner": planner,
        "level": 2,
    }
    cards = max(cards, 1)
    context["cards"] = cards
    context["paged"] = kind in ("modules", "activities") and context["total"] > cards
    if context["paged"]:
        context["groups"] = _by_theme(modules, kind)
    if kind == "modules":
        context["first"] = modules[:cards] if context["paged"] else modules
    if kind == "activities":
        pairs = [(m, a) for m in modules for a in m.activities]
        context["first"] = pairs[:cards] if context["paged"] else pairs
    if page.name == "reflections":
        groups: dict[str, list[tuple[str, list[tuple[str, Prompt]]]]] = {}
        for m in modules:
            owners = [("Module reflection", m.id, m.reflection)]
            owners += [(a.title, a.id, a.reflection) for a in m.activities]
            groups[m.id] = [
                (heading, prompt_anchors(owner, prompts))
                for heading, owner, prompts in owners
                if prompts
            ]
        context["prompt_groups"] = groups
        context["bank_open"], context["bank_folds"] = _bank_folds(modules, groups, cards)
    if page.name == "planner":
        pairs = [(m, a) for m in modules for a in m.activities]
        context["planner_paged"] = len(pairs) > cards
        context["planner_first"] = pairs[:cards]
        context["total_activities"] = totals["activities"]
        context["kinds"] = [(kind.value, kind.label) for kind in FREE_KINDS]
    if page.name == "map":
        context["svg"] = module_map_svg(renderer.curriculum, lambda m: link(m, None))
        context["fallback"] = module_map_list(renderer.curriculum, lambda m: link(m, None))
    with renderer.page(None, link):
        template = _environment(renderer).get_template(page.template)
        return template.render(link=link, **context)
