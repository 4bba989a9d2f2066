"""A module page's table of contents, read back from its final HTML.

peerkit's activity headings are raw HTML, which Markdown's `toc` extension does not see, so
module pages get their contents list from the rendered page instead. The HTML is what
Markdown and peerkit's templates wrote (and nh3 re-serialised), so a pattern suffices.
"""

from __future__ import annotations

import re
from html import escape, unescape

from mkdocs.structure.toc import AnchorLink, TableOfContents

_HEADING = re.compile(r"<h([23])\b([^>]*)>(.*?)</h\1>", re.DOTALL)
# Only plain ids: the theme writes them into links unescaped.
_ID = re.compile(r'\bid="((?!__)[\w-]+)"')
_PERMALINK = re.compile(r'<a [^>]*class="headerlink"[^>]*>.*?</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def toc_from_html(html: str) -> TableOfContents:
    """h2 headings with ids, each with its h3 headings as children; prompts left out."""
    items: list[AnchorLink] = []
    for level, attributes, inner in _HEADING.findall(html):
        anchor = _ID.search(attributes)
        if anchor is None or "peerkit-prompt" in attributes:
            continue
        text = " ".join(unescape(_TAG.sub("", _PERMALINK.sub("", inner))).split())
        link = AnchorLink(escape(text, quote=False), anchor[1], int(level))
        if level == "3" and items:
            items[-1].children.append(link)
        elif level == "2":
            items.append(link)
    return TableOfContents(items)
