"""A page's table of contents read back from its final HTML.

peerkit's activity headings are raw HTML, which Markdown's `toc` extension does not see, so
module pages get their contents list from the rendered page instead.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

from mkdocs.structure.toc import AnchorLink, TableOfContents

_LEVELS = {"h2": 2, "h3": 3}


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, str, str]] = []
        self._open: tuple[int, str] | None = None
        self._text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self._open is not None:
            if tag == "a" and "headerlink" in (attributes.get("class") or ""):
                self._skip += 1
            return
        classes = (attributes.get("class") or "").split()
        if tag in _LEVELS and attributes.get("id") and "peerkit-prompt" not in classes:
            self._open = (_LEVELS[tag], attributes["id"] or "")
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if self._open is None:
            return
        if tag == "a" and self._skip:
            self._skip -= 1
        elif tag in _LEVELS:
            level, anchor = self._open
            self.found.append((level, anchor, " ".join("".join(self._text).split())))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None and not self._skip:
            self._text.append(data)


def toc_from_html(html: str) -> TableOfContents:
    """h2 headings with ids, each with its h3 headings as children."""
    parser = _Headings()
    parser.feed(html)
    items: list[AnchorLink] = []
    for level, anchor, text in parser.found:
        link = AnchorLink(escape(text, quote=False), anchor, level)
        if level == 3 and items:
            items[-1].children.append(link)
        elif level == 2:
            items.append(link)
    return TableOfContents(items)
