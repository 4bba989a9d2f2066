"""Limits on a module's Markdown body, so that no page can stall or crash the build.

Python-Markdown's link parser is quadratic in unclosed brackets (8,000 `[` took 10 s on one
page), so is its attribute-list pattern in curly braces on a heading (40,000 took 28 s), and
it recurses once per level of nested lists or `markdown="1"` blocks (600 nested list items,
or 1,000 nested blocks, end in RecursionError). These checks read the body as lines, in
linear time, before anything renders it, so a body that passes them converts in about a
second at worst. The limits are far above anything the reference curriculum or its guides
use: the numbers beside each are the largest found in the reference modules' bodies and in
the guides in docs/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

MAX_BODY_BYTES = 256 * 1024
"""The body after the front-matter (reference modules: at most 5 KB)."""
MAX_NESTING = 16
"""Lists and block quotes inside each other (reference modules: 0, guides in docs/: 3)."""
MAX_HTML_DEPTH = 32
"""HTML elements inside each other (reference modules and guides: 0)."""
MAX_BRACKETS = 1_000
"""Square brackets, which start links and footnotes (reference modules: 0, guides in docs/: 9)."""

MAX_BRACES = 1_000
"""Curly braces, which start macros and attribute lists (reference modules: 0, guides in docs/:
50). attr_list's heading pattern is quadratic in them: 40,000 took 28 s on one heading."""

_MARKER = re.compile(r" {0,3}(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)) ?")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(?=[\s/>])[^<>]*?(/?)>")
# Elements that never hold others, or whose end tag HTML lets an author leave out.
_NOT_NESTING = frozenset(
    {
        *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"),
        *("source", "track", "wbr", "param", "p", "li", "dt", "dd", "tr", "td", "th"),
        *("thead", "tbody", "tfoot", "option", "optgroup", "colgroup", "rp", "rt"),
    }
)


def _nesting(line: str) -> int:
    """How many lists and block quotes a line sits inside: 4 spaces of indent or a marker
    (`>`, `-`, `1.`) each open one more."""
    expanded = line.expandtabs(4)
    stripped = expanded.lstrip(" ")
    depth = (len(expanded) - len(stripped)) // 4
    position = 0
    while True:
        match = _MARKER.match(stripped, position)
        if match is None or match.end() == position:
            return depth
        depth += 1
        position = match.end()


def body_problems(body: str) -> Iterator[tuple[int, str]]:
    """(0-based line in the body, message) for each limit the body goes over (once each)."""
    size = len(body.encode("utf-8"))
    if size > MAX_BODY_BYTES:
        yield (
            0,
            (
                f"the text after the front-matter is {size // 1024} KiB, more than the "
                f"{MAX_BODY_BYTES // 1024} KiB a module page may hold: split the module"
            ),
        )
        return
    nesting_told = brackets_told = braces_told = html_told = False
    brackets = braces = 0
    html_depth = 0
    for number, line in enumerate(body.split("\n")):
        if not nesting_told and _nesting(line) > MAX_NESTING:
            nesting_told = True
            yield (
                number,
                (
                    f"lists or quotes are nested more than {MAX_NESTING} levels deep here: "
                    "flatten them"
                ),
            )
        brackets += line.count("[")
        if not brackets_told and brackets > MAX_BRACKETS:
            brackets_told = True
            yield (
                number,
                (
                    f"more than {MAX_BRACKETS} square brackets (links) by this line: "
                    "a module page may hold that many at most"
                ),
            )
        braces += line.count("{")
        if not braces_told and braces > MAX_BRACES:
            braces_told = True
            yield (
                number,
                (
                    f"more than {MAX_BRACES} curly braces by this line: "
                    "a module page may hold that many at most"
                ),
            )
        if html_told:
            continue
        for tag in _TAG.finditer(line):
            closing, name, self_closing = tag[1], tag[2].lower(), tag[3]
            if name in _NOT_NESTING or self_closing:
                continue
            html_depth = max(0, html_depth - 1) if closing else html_depth + 1
            if html_depth > MAX_HTML_DEPTH:
                html_told = True
                yield (
                    number,
                    (
                        f"HTML elements are nested more than {MAX_HTML_DEPTH} deep here: "
                        "close some, or use fewer"
                    ),
                )
                break
