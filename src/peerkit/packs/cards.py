"""Card sheets that always fit: each deck's card size and type size, chosen from its texts.

A deck (one activity's cards and its sorting headers) prints 8, 6 or 4 cards to a sheet, at
the largest type that holds its longest text. The choice starts from an estimate of each
text's lines (DejaVu Sans widths); the pack build then checks the laid-out page
(`peerkit.packs.layout`) and moves a deck to the next size up when a card still overflows.
A text that does not fit four to a sheet at 11 pt is a mistake in the module, reported at its
line by `peerkit check` and by the build.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from peerkit.findings import Finding
from peerkit.model import ModuleFile

PAPERS_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
"""Paper sizes (width, height) in millimetres."""

SHEET_TOP_MM = 15.0  # room for the running title
SHEET_BOTTOM_MM = 12.0  # room for the page number
CARD_WIDTH_MM = 95.0  # two columns: 190 mm fits A4 and US letter
CARD_PADDING_MM = (3.5, 4.5)  # top and bottom, left and right
BAND_MM = 7.0  # the set band: letter and pattern
BAND_GAP_MM = 2.5
FROM_MM = 5.0  # the deck's name at the foot of the card
LINE_HEIGHT = 1.25
HEADER_SCALE = 1.4  # sorting headers print larger, in bold
MIN_PT = 11.0
PT_MM = 25.4 / 72


@dataclass(frozen=True)
class Fit:
    """How a deck prints: cards to a sheet and the card text's size in points."""

    per_sheet: int
    font_pt: float

    @property
    def rows(self) -> int:
        return self.per_sheet // 2

    @property
    def header_pt(self) -> float:
        return round(self.font_pt * HEADER_SCALE, 1)


FITS: tuple[Fit, ...] = (
    Fit(8, 18),
    Fit(8, 16),
    Fit(8, 14),
    Fit(6, 16),
    Fit(6, 14),
    Fit(4, 16),
    Fit(4, 14),
    Fit(4, 13),
    Fit(4, 12),
    Fit(4, MIN_PT),
)
"""Largest type first, then fewer cards to a sheet; never smaller than 11 pt."""


def card_size(fit: Fit, paper: str) -> tuple[float, float]:
    """A card's width and height in mm: two columns, the rows filling the sheet."""
    height = PAPERS_MM[paper][1] - SHEET_TOP_MM - SHEET_BOTTOM_MM - 1.0  # 1 mm for cut lines
    return CARD_WIDTH_MM, math.floor(height / fit.rows * 10) / 10


def text_area(fit: Fit, paper: str) -> tuple[float, float]:
    """Width and height in mm that a card's text may fill."""
    width, height = card_size(fit, paper)
    top_bottom, sides = CARD_PADDING_MM
    return (
        width - 2 * sides,
        height - 2 * top_bottom - BAND_MM - BAND_GAP_MM - FROM_MM,
    )


# DejaVu Sans advance widths in em, in a few classes (measured from the font; a little
# generous, so the estimate errs towards a larger card).
_NARROW = set("'ijlIJ,.:;!|()[]ftr-/\\\"")
_WIDE = set("mwMW@%")


@lru_cache(maxsize=1024)
def _char_em(char: str) -> float:
    if char in _NARROW:
        return 0.42
    if char in _WIDE:
        return 1.0
    if char.isupper() or char in "&#+<=>^~":
        return 0.8
    return 0.64


@lru_cache(maxsize=8192)
def _em(text: str) -> float:
    """The width of `text` in em (words recur: each is measured once)."""
    return sum(_char_em(c) for c in text)


def _width_mm(text: str, font_pt: float, bold: bool) -> float:
    scale = 1.12 if bold else 1.0
    return _em(text) * font_pt * PT_MM * scale


def lines_needed(text: str, font_pt: float, width_mm: float, bold: bool = False) -> int | None:
    """How many lines `text` wraps to at `font_pt` in `width_mm`; None when one word alone
    is wider than the line (words are never broken on a card)."""
    space = _width_mm(" ", font_pt, bold)
    lines, used = 0, 0.0
    for word in text.split():
        width = _width_mm(word, font_pt, bold)
        if width > width_mm:
            return None
        if lines and used + space + width <= width_mm:
            used += space + width
        else:
            lines, used = lines + 1, width
    return max(lines, 1)


def text_fits(text: str, fit: Fit, paper: str, header: bool = False) -> bool:
    """Whether `text` fits a card of `fit` (a header in bold, larger), by estimate."""
    width, height = text_area(fit, paper)
    size = fit.header_pt if header else fit.font_pt
    lines = lines_needed(text, size, width, bold=header)
    return lines is not None and lines * size * LINE_HEIGHT * PT_MM <= height


def choose_fit(
    texts: Iterable[str], headers: Iterable[str], paper: str, start: int = 0
) -> int | None:
    """The index in FITS of the first fit (from `start`) that holds every text and header,
    by estimate; None when even the last one does not."""
    texts, headers = list(texts), list(headers)
    for index in range(start, len(FITS)):
        fit = FITS[index]
        if all(text_fits(t, fit, paper) for t in texts) and all(
            text_fits(h, fit, paper, header=True) for h in headers
        ):
            return index
    return None


@dataclass(frozen=True)
class Deck:
    """One activity's card sheets as the print template lays them out."""

    fit: Fit
    width_mm: float
    height_mm: float

    @property
    def per_sheet(self) -> int:
        return self.fit.per_sheet

    @property
    def text_height_mm(self) -> float:
        """The height a card's text may fill, between the set band and the deck's name."""
        top_bottom, _ = CARD_PADDING_MM
        return round(self.height_mm - 2 * top_bottom - BAND_MM - BAND_GAP_MM - FROM_MM, 1)

    @property
    def card_style(self) -> str:
        """Inline CSS for a card of this deck (numbers only, never content)."""
        return f"width: {self.width_mm}mm; height: {self.height_mm}mm"

    @property
    def text_style(self) -> str:
        """Inline CSS for a card's text: its size, in a box as tall as the room it has."""
        return f"height: {self.text_height_mm}mm; font-size: {self.fit.font_pt}pt"

    @property
    def header_style(self) -> str:
        return f"height: {self.text_height_mm}mm; font-size: {self.fit.header_pt}pt"


def deck(fit_index: int, paper: str) -> Deck:
    fit = FITS[fit_index]
    width, height = card_size(fit, paper)
    return Deck(fit, width, height)


def too_long(text: str, header: bool = False) -> str | None:
    """Why `text` cannot fit on any card, or None: a word too wide for a line at 11 pt, or
    more lines than four to a sheet holds (on the smaller paper, US letter)."""
    fit = FITS[-1]
    width, _ = text_area(fit, "letter")
    size = fit.header_pt if header else fit.font_pt
    for word in text.split():
        if _width_mm(word, size, header) > width:
            return (
                f"the word '{word[:40]}{'…' if len(word) > 40 else ''}' is too long for a line "
                f"of a card at {size:g} pt: add spaces or shorten it"
            )
    if not text_fits(text, fit, "letter", header):
        return (
            f"the text is too long for a card even four to a sheet at {size:g} pt: shorten it "
            "or split it into two cards"
        )
    return None


def cards_fit(files: list[ModuleFile]) -> Iterator[Finding]:
    """A check: every card text and sorting header fits a card at the smallest size."""
    for f in files:
        for a_index, activity in enumerate(f.module.activities):
            if activity.cards is None:
                continue
            for c_index, text in enumerate(activity.cards.items):
                problem = too_long(text)
                if problem:
                    line = f.line_of("activities", a_index, "cards", "items", c_index)
                    yield Finding(
                        f.path,
                        line,
                        f"activities.{activity.id}.cards: card {c_index + 1}: {problem}",
                    )
            for h_index, name in enumerate(activity.cards.sort_into):
                problem = too_long(name, header=True)
                if problem:
                    line = f.line_of("activities", a_index, "cards", "sort_into", h_index)
                    yield Finding(
                        f.path,
                        line,
                        f"activities.{activity.id}.cards.sort_into: header {h_index + 1}: "
                        f"{problem}",
                    )


# --- the circles sheet ----------------------------------------------------------------------

CIRCLES_VIEW = (600.0, 540.0)
"""The circles plan's SVG viewBox, drawn 190 mm wide (units are about 0.9 pt)."""
LABEL_LEADING = 1.2


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float


@dataclass(frozen=True)
class Label:
    """A circle's name, outside every circle, in one to three lines: (x, y) is the first
    line's baseline point."""

    lines: tuple[str, ...]
    x: float
    y: float
    anchor: str
    size: float

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) in the plan's units, by estimate."""
        width = max(_width_mm(line, self.size, bold=True) / PT_MM for line in self.lines)
        left = {"start": self.x, "middle": self.x - width / 2, "end": self.x - width}[self.anchor]
        bottom = self.y + (len(self.lines) - 1) * LABEL_LEADING * self.size + 0.25 * self.size
        return left, self.y - self.size, left + width, bottom


def _wrap(text: str, size: float, room: float) -> list[str] | None:
    lines: list[str] = []
    for word in text.split():
        if _width_mm(word, size, bold=True) / PT_MM > room:
            return None
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and _width_mm(joined, size, bold=True) / PT_MM <= room:
            lines[-1] = joined
        else:
            lines.append(word)
    return lines


def circles_plan(names: Sequence[str]) -> tuple[list[Circle], list[Label]]:
    """Two or three overlapping circles and their names, each name clear of every line:
    the first two above the circles (lines rising), the third below."""
    if len(names) == 2:
        circles = [Circle(230, 270, 150), Circle(370, 270, 150)]
    else:
        circles = [Circle(230, 200, 125), Circle(370, 200, 125), Circle(300, 325, 125)]
    lowest = max(c.cy + c.r for c in circles)
    labels = []
    for index, name in enumerate(names):
        anchor = ("start", "end", "middle")[index]
        room = 560.0 if anchor == "middle" else 280.0
        size, lines = 26.0, _wrap(name, 26.0, room)

        def too_big(lines: list[str] | None, size: float) -> bool:
            return lines is None or (len(lines) - 1) * LABEL_LEADING * size + size > 56

        while size > 12 and too_big(lines, size):
            size -= 1
            lines = _wrap(name, size, room)
        lines = lines or [name]
        rise = (len(lines) - 1) * LABEL_LEADING * size
        x = {"start": 10.0, "end": 590.0, "middle": 300.0}[anchor]
        y = 62.0 - rise if anchor != "middle" else lowest + 12 + size
        labels.append(Label(tuple(lines), x, y, anchor, size))
    return circles, labels


def label_clear(label: Label, circles: Sequence[Circle]) -> bool:
    """Whether a label's box lies inside the plan and touches no circle's line."""
    left, top, right, bottom = label.box
    width, height = CIRCLES_VIEW
    if left < 0 or top < 0 or right > width or bottom > height:
        return False
    for c in circles:
        nearest_x = min(max(c.cx, left), right)
        nearest_y = min(max(c.cy, top), bottom)
        if math.hypot(c.cx - nearest_x, c.cy - nearest_y) <= c.r + 4:
            return False
    return True
