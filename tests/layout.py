"""Where the words land on a printed page, read back from a PDF with poppler's
`pdftotext -bbox-layout`: overprinted words, blank pages, pages that hold only a heading,
pages without a running title.

A small reusable checker for the tests (and `tools/` scripts); it knows nothing of peerkit.
Units are PDF points, y growing down the page.
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

MARGIN_BAND_PT = 15 * 72 / 25.4
"""Words within 15 mm of the top or bottom edge are the running title and page number."""

HEADING_PT = 15.0
"""A word box this tall or taller is heading type (body text at 11 pt makes ~13 pt boxes)."""

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_LINE = re.compile(r"<line [^>]*>(.*?)</line>", re.S)
_WORD = re.compile(
    r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>'
)


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    line: int

    def overlaps(self, other: Word, tolerance: float = 1.0) -> bool:
        """Whether two words are printed over each other (by more than `tolerance` pt)."""
        across = min(self.x1, other.x1) - max(self.x0, other.x0)
        down = min(self.y1, other.y1) - max(self.y0, other.y0)
        return across > tolerance and down > tolerance


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)

    @property
    def body(self) -> list[Word]:
        """Words between the running title and the page number."""
        return [
            w for w in self.words if w.y0 >= MARGIN_BAND_PT and w.y1 <= self.height - MARGIN_BAND_PT
        ]

    @property
    def has_running_title(self) -> bool:
        return any(w.y1 < MARGIN_BAND_PT for w in self.words)

    @property
    def blank(self) -> bool:
        return not self.body

    @property
    def heading_only(self) -> bool:
        """One line of large print and nothing else: a heading left alone (a question with
        writing lines below it is not one)."""
        body = self.body
        return len({w.line for w in body}) == 1 and min(w.y1 - w.y0 for w in body) >= HEADING_PT

    def words_outside(self, margin: float = 0.0) -> list[Word]:
        """Words that run off the page (or into a `margin` of that many points at its edges)."""
        return [
            w
            for w in self.words
            if w.x0 < margin
            or w.y0 < margin
            or w.x1 > self.width - margin
            or w.y1 > self.height - margin
        ]

    def overlapping_pairs(self) -> list[tuple[Word, Word]]:
        words = sorted(self.words, key=lambda w: w.y0)
        pairs = []
        for i, a in enumerate(words):
            for b in words[i + 1 :]:
                if b.y0 >= a.y1 - 1.0:
                    break  # sorted by top edge: no later word reaches far enough up to `a`
                if b.x0 < a.x1 - 1.0 and a.x0 < b.x1 - 1.0 and a.overlaps(b):
                    pairs.append((a, b))
        return pairs


def read_pages(pdf: Path) -> list[Page]:
    """Every page of `pdf` with each word's box."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    pages = []
    line_number = 0
    for number, (width, height, body) in enumerate(_PAGE.findall(out), start=1):
        page = Page(number, float(width), float(height))
        for line in _LINE.findall(body):
            line_number += 1
            for x0, y0, x1, y1, text in _WORD.findall(line):
                page.words.append(
                    Word(
                        html.unescape(text), float(x0), float(y0), float(x1), float(y1), line_number
                    )
                )
        pages.append(page)
    return pages


@dataclass
class PageReport:
    """What a pack's pages look like, in figures."""

    pages: int = 0
    overlapping_pairs: list[tuple[int, str, str]] = field(default_factory=list)
    blank: list[int] = field(default_factory=list)
    heading_only: list[int] = field(default_factory=list)
    no_running_title: list[int] = field(default_factory=list)


def check_pages(pdf: Path, *, cover: bool = False) -> PageReport:
    """Read `pdf` back and report every problem a reader would see; with `cover`, page 1 is
    a cover and needs no running title."""
    report = PageReport()
    for page in read_pages(pdf):
        report.pages += 1
        for a, b in page.overlapping_pairs():
            report.overlapping_pairs.append((page.number, a.text, b.text))
        if page.blank:
            report.blank.append(page.number)
        elif page.heading_only:
            report.heading_only.append(page.number)
        if not page.has_running_title and not (cover and page.number == 1):
            report.no_running_title.append(page.number)
    return report
