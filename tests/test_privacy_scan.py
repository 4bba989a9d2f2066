"""The privacy scan (`peerkit.headers.outside_fetches`) looks only near each `//` of a page,
for speed: it must find exactly what the same patterns find scanning the whole page."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from peerkit.headers import _FETCHES, _LINK, _LINK_FETCHES, _LINK_HREF, outside_fetches


def whole_page_scan(html: str) -> list[str]:
    """The patterns run over the whole page: what the scan did before it looked only near `//`."""
    found = [next(g for g in m.groups() if g) for m in _FETCHES.finditer(html)]
    for link in _LINK.findall(html):
        href = _LINK_HREF.search(link)
        if href and _LINK_FETCHES.search(link):
            found.append(href[1])
    return found


# Pieces of HTML, CSS and text that the patterns care about, mixed with noise.
PIECES = [
    "<img src=",
    "<img SRC = ",
    "<video poster='",
    "<object data=",
    '<img srcset="a.png 1x, ',
    "srcset='",
    "<link rel=stylesheet href=",
    '<link rel="icon" href="',
    '<link rel="canonical" href="',
    "<LINK REL=PRELOAD HREF=",
    "<style>body{background:url(",
    "url( '",
    "@import '",
    '@import "',
    "https://",
    "http://",
    "//",
    "///",
    "evil.example/x.js",
    "fonts.googleapis.com/css",
    '"',
    "'",
    ">",
    "<",
    " ",
    "\n",
    ",",
    ")",
    "=",
    "a.png 2x",
    "<p>See //not-a-fetch and src = ",
    '<svg xmlns="http://www.w3.org/2000/svg">',
    '<a href="https://example.org/">',
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=30))
def test_the_scan_finds_what_a_scan_of_the_whole_page_finds(pieces: list[str]) -> None:
    html = "".join(pieces)
    assert outside_fetches(html) == whole_page_scan(html)


def test_addresses_anywhere_in_a_long_page_are_found() -> None:
    nav = '<li><a href="../m-{0}/">Module {0}</a></li>\n' * 2000
    page = (
        '<html><head><link rel="stylesheet" href="https://cdn.example/a.css">'
        f'<svg xmlns="http://www.w3.org/2000/svg"></svg></head><body>{nav}'
        '<img alt="x" src="//tracker.example/p.gif">'
        "<style>.x{background:url( 'http://img.example/b.png')}</style>"
        '<img srcset="small.png 1x, https://img.example/big.png 2x"></body></html>'
    )
    assert sorted(outside_fetches(page)) == [
        "//tracker.example/p.gif",
        "http://img.example/b.png",
        "https://cdn.example/a.css",
        "https://img.example/big.png",
    ]
