"""A module's page: Markdown in which every fragment is a *slot*, a placeholder element.

After a Markdown renderer has turned the page into HTML, `RenderedModule.finish` cleans each
run of the author's HTML on its own (so an unclosed tag cannot swallow what follows) and puts
the fragments back, so peerkit's own HTML never passes through Markdown or the cleaner.
Module bodies are untrusted and render through `peerkit.render.body`, which allows nothing
but text and macro calls.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from peerkit.anchors import page_anchors, section_anchors
from peerkit.findings import Finding
from peerkit.model import Activity, Handout, ModuleFile
from peerkit.render.body import BodyProblem, render_body
from peerkit.render.macros import Download, Link, Macros, default_link
from peerkit.render.sanitize import clean_html


class PageError(Exception):
    """A module page that failed to render; carries findings with file and line."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(f.message for f in findings))
        self.findings = findings


SLOT = re.compile(r'<div data-peerkit-slot="([0-9a-f]+-[0-9]+)"></div>')
"""A slot as it stands in a page's Markdown (and in its HTML, once Markdown has run): the
key of the fragment that goes there."""
_ANY_ID = re.compile(r'\sid="([^"]*)"')


@dataclass
class RenderedModule:
    """A module page: Markdown with slots, and the HTML fragment for each slot."""

    source: ModuleFile
    markdown: str
    fragments: dict[str, str]
    uses: frozenset[str] = frozenset()
    """Ids of the other modules whose data the page shows (`EVERY_MODULE` for all)."""

    @property
    def title(self) -> str:
        return self.source.module.title

    @property
    def description(self) -> str:
        return self.source.module.summary

    def finish(self, html: str) -> str:
        """The page's final HTML from the HTML its Markdown became.

        Raises `PageError` if a fragment did not survive Markdown (a macro call inside an
        HTML comment, say) or if two elements on the page share an id.
        """
        parts = SLOT.split(html)
        lost = self.fragments.keys() - set(parts[1::2])
        if lost:
            raise PageError(
                [
                    self._finding(
                        "a block peerkit placed on this page was lost (is a macro call "
                        "inside a code block or an HTML comment?)"
                    )
                ]
            )
        for index in range(len(parts)):
            if index % 2:
                parts[index] = self.fragments.get(parts[index], "")
            elif parts[index].strip():
                parts[index] = clean_html(parts[index])
        page = "".join(parts)
        self._check_ids(page)
        return page

    def _check_ids(self, page: str) -> None:
        lines = dict(page_anchors(self.source))
        seen: set[str] = set()
        repeated: list[str] = []
        for anchor in _ANY_ID.findall(page):
            if anchor in seen and anchor not in repeated:
                repeated.append(anchor)
            seen.add(anchor)
        if repeated:
            raise PageError(
                [
                    self._finding(
                        f"the anchor #{anchor} is on the page more than once: rename a heading or "
                        "an id so that links land in one place",
                        lines.get(anchor),
                    )
                    for anchor in repeated
                ]
            )

    def _finding(self, message: str, line: int | None = None) -> Finding:
        return Finding(self.source.path, line or self.source.body_line, message)


class Renderer(Macros):
    """Renders one curriculum: its macros, and its module pages."""

    # --- module pages -------------------------------------------------------------------

    def module_page(
        self,
        module_file: ModuleFile,
        link: Link = default_link,
        downloads: Sequence[Download] = (),
    ) -> RenderedModule:
        """The whole page for one module. Raises `PageError` when its body cannot render."""
        module = module_file.module
        with self.page(module, link, slots=True) as state:
            try:
                body = render_body(module_file.body, self.macros())
            except BodyProblem as problem:
                line = module_file.body_line + max(problem.line, 1) - 1
                raise PageError([Finding(module_file.path, line, problem.message)]) from None
            state.uses.update(module.prerequisites)
            # An id used twice is reported by the checks; the page shows the first.
            rest = [
                a for a in _first_of_each(module.activities) if a.id not in state.placed_activities
            ]
            parts = [
                self._fragment(
                    "module_header.html",
                    module=module,
                    anchors=section_anchors(module),
                    prerequisites=[
                        m for m in map(self.curriculum.module, module.prerequisites) if m
                    ],
                    downloads=downloads,
                ),
                body,
                *(self.activity(a.id) for a in rest),
            ]
            if module.reflection and module.id not in state.placed_prompts:
                parts.append(self.reflection(module.id))
            handouts = [
                h for h in _first_of_each(module.handouts) if h.id not in state.placed_handouts
            ]
            parts.append(
                self._fragment(
                    "module_footer.html",
                    module=module,
                    handouts=handouts,
                    anchors=section_anchors(module),
                    settings=self.settings,
                    signposting=not state.placed_signposting,
                )
            )
            fragments = state.slots or {}
        return RenderedModule(
            source=module_file,
            markdown="\n\n".join(p.strip("\n") for p in parts if p.strip()) + "\n",
            fragments=fragments,
            uses=frozenset(state.uses),
        )


_HasId = TypeVar("_HasId", Activity, Handout)


def _first_of_each(items: Sequence[_HasId]) -> list[_HasId]:
    """`items` without any whose id came before (the checks report those)."""
    first: dict[str, _HasId] = {}
    for item in items:
        first.setdefault(item.id, item)
    return list(first.values())


__all__ = ["PageError", "RenderedModule", "Renderer"]
