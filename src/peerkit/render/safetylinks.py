"""Links from a module's mentions of "your organisation's procedures" to the safety page.

The modules tell facilitators, in about forty places, to follow their organisation's
procedures, guidance or policy. Written once as plain text, each mention becomes a link to
the site's safety page (and, in a facilitator pack, to the pack's own safety page with its
page number), so a group without written procedures is never left without an answer.
"""

from __future__ import annotations

import re

from markupsafe import escape

_OWNERS = ("your", "the", "his", "her", "their", "my")
"""The words a mention of "organisation's procedures" may start with."""

PHRASE = re.compile(
    rf"\b((?:{'|'.join(_OWNERS)}) organisation(?:&#39;|&#x27;|'|\u2019)s "
    r"(?:own |emergency |safety |safeguarding )?(?:procedures?|guidance|policy|policies|steps))\b",
    re.IGNORECASE,
)
_TAG = re.compile(r"(<[^>]*>)")
_OPEN_A = re.compile(r"<a[\s>]", re.IGNORECASE)
_CLOSE_A = re.compile(r"</a\s*>", re.IGNORECASE)
_RAW_OPEN = re.compile(r"<(script|style|title|textarea|head)[\s>]", re.IGNORECASE)
_RAW_CLOSE = re.compile(r"</(script|style|title|textarea|head)\s*>", re.IGNORECASE)


_ORGANISATION = re.compile("organisation", re.IGNORECASE)
_BEFORE = sorted({len(word) + 1 for word in _OWNERS})[::-1]
"""How far before "organisation" a mention starts (its first word and a space), longest
first, so that the first that matches is where a search of the page would find it."""


def _mentions(html: str) -> list[int]:
    """Where each mention starts, as `PHRASE.finditer` over the page finds them, looked for
    only just before each "organisation" (a quicker search than the whole pattern)."""
    starts: list[int] = []
    end = 0
    for found in _ORGANISATION.finditer(html):
        for back in _BEFORE:
            start = found.start() - back
            if start < end:
                continue
            mention = PHRASE.match(html, start)
            if mention:
                starts.append(start)
                end = mention.end()
                break
    return starts


_MAY_CHANGE = frozenset("aAsStThH")
"""The first letter of each tag name above: any other tag leaves the state as it was."""


def link_procedures(html: str, href: str) -> str:
    """`html` with each mention in its text (not in attributes, existing links or scripts)
    turned into a link to `href`."""
    # A mention holds no `<` or `>`, so each lies within one tag or one stretch of text:
    # only the text that holds one is searched again, and nothing after the last is read.
    starts = _mentions(html)
    if not starts:
        return html
    target = escape(href)
    parts = _TAG.split(html)
    in_link = in_raw = 0
    pos = next_match = 0
    for index, part in enumerate(parts):
        if next_match == len(starts):
            break
        end = pos + len(part)
        if index % 2:
            name = part[2:3] if part[1:2] == "/" else part[1:2]
            if name not in _MAY_CHANGE:
                pass
            elif _OPEN_A.match(part):
                in_link += 1
            elif _CLOSE_A.match(part):
                in_link = max(0, in_link - 1)
            elif _RAW_OPEN.match(part):
                in_raw += 1
            elif _RAW_CLOSE.match(part):
                in_raw = max(0, in_raw - 1)
        elif starts[next_match] < end and not in_link and not in_raw:
            parts[index] = PHRASE.sub(
                lambda m: f'<a class="peerkit-safety-link" href="{target}">{m[1]}</a>', part
            )
        while next_match < len(starts) and starts[next_match] < end:
            next_match += 1
        pos = end
    return "".join(parts)
