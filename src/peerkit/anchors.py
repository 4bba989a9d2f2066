"""Anchor identity: the ids peerkit puts on a module's page, so that links, the checks, the
browse index and the pages agree on where each thing is.

A module's page has the module's id, its sections (`<module id>-<section>`), each activity's
id, each handout's `handout-<id>` and each reflection prompt's anchor.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from peerkit.model import Activity, Module, ModuleFile, Prompt

SECTIONS = ("outcomes", "running-order", "reflection", "handouts", "easy-read", "support", "about")
"""The module page's own sections; each has the anchor `<module id>-<section>`."""


def section_anchors(module: Module) -> dict[str, str]:
    return {name: f"{module.id}-{name}" for name in SECTIONS}


def prompt_anchors(owner: str, prompts: Sequence[Prompt]) -> list[tuple[str, Prompt]]:
    """Each prompt with its anchor: its own id, or its owner's id and position."""
    return [(p.id or f"{owner}-reflect-{n}", p) for n, p in enumerate(prompts, start=1)]


Owned = tuple[Activity | None, int | None, list[tuple[str, Prompt]]]
"""(the activity, or None for the module's own prompts; the activity's index; its prompts,
each with its anchor)."""


def owned_prompts(module: Module) -> Iterator[Owned]:
    """Each owner of reflection prompts on a module's page, in page order: the module, then
    each activity, with its prompts and their anchors (empty when it has none)."""
    yield None, None, prompt_anchors(module.id, module.reflection)
    for index, activity in enumerate(module.activities):
        yield activity, index, prompt_anchors(activity.id, activity.reflection)


def page_anchors(module_file: ModuleFile) -> list[tuple[str, int]]:
    """The anchors peerkit puts on a module's page, each with the line that names it."""
    f, module = module_file, module_file.module
    anchors = [(module.id, f.line_of("id"))]
    anchors += [(anchor, f.line_of("id")) for anchor in section_anchors(module).values()]
    for i, activity in enumerate(module.activities):
        anchors.append((activity.id, f.line_of("activities", i, "id")))
    for i, handout in enumerate(module.handouts):
        anchors.append((f"handout-{handout.id}", f.line_of("handouts", i, "id")))
    for _, index, prompts in owned_prompts(module):
        key = ("reflection",) if index is None else ("activities", index, "reflection")
        for n, (anchor, _) in enumerate(prompts):
            anchors.append((anchor, f.line_of(*key, n)))
    return anchors


__all__ = ["SECTIONS", "owned_prompts", "page_anchors", "prompt_anchors", "section_anchors"]
