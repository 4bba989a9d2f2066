"""A handout's plain text as print HTML, with its sub-headings and writing space.

Handouts are plain text (see `peerkit.render.text`). Printed, two more conventions give a
worksheet its shape: a paragraph of one short line with no full stop ("What helps me feel
like myself", "Before you start:") is a sub-heading, and a line of dots ("........") is space
to write in, printed as ruled lines across the page.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from peerkit.render.text import plain

_DOTS = re.compile(r"^\s*[.…_]{8,}\s*$")
_SENTENCE_END = re.compile("[.!?\"')\u201d\u2019]$")  # a full stop, or a closing quote
HEADING_MAX = 70


def is_subheading(block: str) -> bool:
    """One short line that does not end like a sentence (a trailing colon is allowed)."""
    line = block.strip()
    if "\n" in line or not line or len(line) > HEADING_MAX:
        return False
    if line.startswith(("- ", "* ", "• ")) or re.match(r"^\d{1,3}[.)]\s", line):
        return False
    return not _SENTENCE_END.search(line)


def handout_html(text: str | None) -> Markup:
    """Escaped print HTML for a handout: paragraphs, lists, sub-headings, writing space."""
    if not text:
        return Markup("")
    parts: list[str] = []
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        if _DOTS.match(block):
            parts.append('<div class="write" role="presentation"></div>')
        elif is_subheading(block):
            parts.append(f'<h3 class="sub">{escape(block.strip())}</h3>')
        else:
            parts.append(str(plain(block)))
    return Markup("\n".join(parts))
