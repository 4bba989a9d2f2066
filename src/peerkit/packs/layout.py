"""What a laid-out pack looks like: every text inside its box, no box split across pages.

Print templates mark each box whose text must stay inside it (a card, a sorting header) with
`data-fit="<what>"`; worksheet boxes, the writing space under a prompt and the boxed notes
(classes in BOX_CLASSES) count as marked too, so a site's own templates are checked without
changes. After WeasyPrint lays out a pack, `check_boxes` walks its page boxes and reports each
marked box that a line of text leaves, or that is split over two pages. The pack build uses it
to size card decks; the tests use it on every pack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

TOLERANCE_PX = 0.5
BOX_CLASSES = ("box", "prompt", "keep", "content-note", "circles-plan")
"""Classes of print elements checked like cards: a worksheet box, a prompt with its writing
lines, a boxed note, the circles plan (its heading, note and plan on one page)."""


@dataclass(frozen=True)
class Overflow:
    """A marked box that its text leaves (or that breaks over a page)."""

    box: str
    """The box's `data-fit` value, e.g. `boundaries-two-hats/3`."""
    page: int
    text: str
    problem: str = "text outside its box"

    def describe(self) -> str:
        """One line for a person: which box, what is wrong, the text that left it."""
        text = f": '{self.text[:60]}'" if self.text else ""
        return f"{self.box}: {self.problem}{text}"


@dataclass
class BoxReport:
    """Marked boxes laid out in one pack, and those in trouble."""

    boxes: int = 0
    overflows: list[Overflow] = field(default_factory=list)


def _walk(box: Any) -> Iterator[Any]:  # every box under `box`, itself first
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


def _texts(box: Any) -> Iterator[Any]:
    for child in _walk(box):
        if type(child).__name__ == "TextBox" and child.text.strip():
            yield child


def _marked(box: Any, names: dict[int, str], parent: Any = None) -> Iterator[tuple[str, Any]]:
    """(data-fit name, box) for the outermost box of each marked element under `box`."""
    element = getattr(box, "element", None)
    name = None
    if element is not None and element is not parent:
        name = element.get("data-fit") or _by_class(element, names)
    if name and box.element_tag is not None and type(box).__name__ not in _INLINE:
        yield name, box
        return
    for child in getattr(box, "children", ()):
        yield from _marked(child, names, element)


_INLINE = {"TextBox", "LineBox", "InlineBox"}


def _by_class(element: Any, names: dict[int, str]) -> str | None:
    """A name for an element of a BOX_CLASSES class, the same on every page it reaches:
    the class and a running number (`box-3`)."""
    if id(element) in names:
        return names[id(element)]
    classes = (element.get("class") or "").split()
    for name in BOX_CLASSES:
        if name in classes:
            names[id(element)] = f"{name}-{len(names) + 1}"
            return names[id(element)]
    return None


PINNED = re.compile(r'<[^>]*\bid="([^"]+)"[^>]*\bdata-page="(\d+)"')


def misplaced(document: Any, html: str) -> list[str]:
    """The ids of elements the HTML says are on a page (`id="x" data-page="2"`: the print
    HTML names that page elsewhere) that start on another page of `document`."""
    wrong = []
    for anchor, number in PINNED.findall(html):
        page = int(number) - 1
        if page >= len(document.pages) or anchor not in document.pages[page].anchors:
            wrong.append(anchor)
    return wrong


def check_boxes(document: Any) -> BoxReport:
    """Check each `data-fit` box of a rendered WeasyPrint document (CSS px throughout)."""
    report = BoxReport()
    pages_of: dict[str, list[int]] = {}
    names: dict[int, str] = {}
    for number, page in enumerate(document.pages, start=1):
        for name, box in _marked(page._page_box, names):
            pages_of.setdefault(name, []).append(number)
            left, top = box.border_box_x(), box.border_box_y()
            right, bottom = left + box.border_width(), top + box.border_height()
            for text in _texts(box):
                t_left, t_top = text.position_x, text.position_y
                t_right, t_bottom = t_left + text.width, t_top + text.height
                if (
                    t_left < left - TOLERANCE_PX
                    or t_top < top - TOLERANCE_PX
                    or t_right > right + TOLERANCE_PX
                    or t_bottom > bottom + TOLERANCE_PX
                ):
                    report.overflows.append(Overflow(name, number, text.text.strip()))
                    break
    report.boxes = len(pages_of)
    for name, pages in pages_of.items():
        if len(set(pages)) > 1:
            report.overflows.append(
                Overflow(name, pages[0], "", f"box split over pages {sorted(set(pages))}")
            )
    return report
