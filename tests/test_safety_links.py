"""Mentions of "your organisation's procedures" become links to the safety page
(`peerkit.render.safetylinks.link_procedures`). For speed it searches again only the text
that holds a mention and stops after the last one: it must give exactly what the rule
applied to every stretch of text of the page gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from peerkit.render.safetylinks import (
    _CLOSE_A,
    _OPEN_A,
    _RAW_CLOSE,
    _RAW_OPEN,
    _TAG,
    PHRASE,
    _mentions,
    link_procedures,
)


def every_stretch(html: str, href: str) -> str:
    """The rule applied to the whole page, stretch by stretch (what it did before)."""
    parts = _TAG.split(html)
    in_link = in_raw = 0
    for index, part in enumerate(parts):
        if index % 2:
            if _OPEN_A.match(part):
                in_link += 1
            elif _CLOSE_A.match(part):
                in_link = max(0, in_link - 1)
            elif _RAW_OPEN.match(part):
                in_raw += 1
            elif _RAW_CLOSE.match(part):
                in_raw = max(0, in_raw - 1)
        elif part and not in_link and not in_raw:
            parts[index] = PHRASE.sub(
                lambda m: f'<a class="peerkit-safety-link" href="{href}">{m[1]}</a>', part
            )
    return "".join(parts)


PIECES = [
    "your organisation's procedures",
    "their organisation's policies",
    "my ORGANISATION's steps",
    "his organisation's procedure",
    "her organisation",
    "this organisation's policy",
    "organisation's guidance",
    "Your Organisation&#39;s safety policy",
    "the organisation\u2019s guidance",
    "their organisation&#x27;s own steps",
    "organisation's procedure",
    "<a href='x'>",
    "<A>",
    "</a>",
    "</A >",
    "<abbr>",
    "</abbr>",
    "<script>",
    "</script>",
    "<SCRIPT type=x>",
    "<style>",
    "</style>",
    "<title>",
    "</title>",
    "<textarea>",
    "</textarea>",
    "<head>",
    "</head>",
    '<span title="your organisation\'s procedures">',
    "<h2>",
    "</h2>",
    "<td>",
    "<>",
    "</>",
    "<!-- your organisation's policy -->",
    "<",
    ">",
    " ",
    "x",
]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=40))
def test_links_are_what_the_rule_gives_on_every_stretch_of_text(pieces: list[str]) -> None:
    html = "".join(pieces)
    assert link_procedures(html, "../safety.html") == every_stretch(html, "../safety.html")


def test_a_mention_after_a_long_page_is_linked_and_one_in_a_link_is_not() -> None:
    nav = '<li><a href="../m/">Module</a><span class="x">text</span></li>\n' * 2000
    html = (
        f"<p>Follow your organisation's procedures.</p>{nav}"
        "<p><a href=\"x\">your organisation's policy</a> and the organisation's guidance</p>"
    )
    linked = link_procedures(html, "../safety.html")
    assert linked.count('class="peerkit-safety-link"') == 2
    assert '<a href="x">your organisation\'s policy</a>' in linked
    assert linked.endswith(
        '<a class="peerkit-safety-link" href="../safety.html">the organisation\'s guidance</a></p>'
    )


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=40))
def test_mentions_are_found_where_a_search_of_the_whole_page_finds_them(
    pieces: list[str],
) -> None:
    html = "".join(pieces)
    assert _mentions(html) == [m.start() for m in PHRASE.finditer(html)]
