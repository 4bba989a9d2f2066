"""Front-matter text to HTML: plain text only, always escaped.

Front-matter comes from volunteers, so it is never read as Markdown or HTML. Two conventions
give it shape: a blank line starts a new paragraph, and lines starting with `- ` (or `1. `)
make a list.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_BULLET = re.compile(r"^\s*([-*•])\s+(.*)$")
_NUMBER = re.compile(r"^\s*(\d{1,3})[.)]\s+(.*)$")


def plain(text: str | None) -> Markup:
    """Escaped HTML for a block of plain text: paragraphs and lists."""
    if not text:
        return Markup("")
    parts: list[str] = []
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        parts.extend(_block(block.splitlines()))
    return Markup("\n".join(parts))


def inline(text: str | None) -> Markup:
    """Escaped HTML for text that must stay inside one element (line breaks become spaces)."""
    return escape(" ".join((text or "").split()))


def _block(lines: list[str]) -> list[str]:
    """HTML for one block (no blank lines): paragraphs and lists, in the order written."""
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    kind, start = "", 1

    def flush() -> None:
        nonlocal kind
        if paragraph:
            out.append(f"<p>{inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            tag = "ol" if kind == "number" else "ul"
            first = f' start="{start}"' if kind == "number" and start != 1 else ""
            out.append(
                f"<{tag}{first}>" + "".join(f"<li>{inline(i)}</li>" for i in items) + f"</{tag}>"
            )
            items.clear()
        kind = ""

    for index, line in enumerate(lines):
        bullet, number = _BULLET.match(line), _NUMBER.match(line)
        if number and not items and not _starts_a_list(number, lines[index + 1 :]):
            number = None  # "2012. A big year." is a sentence, not a list
        match, this_kind = (bullet, "bullet") if bullet else (number, "number")
        if match:
            if paragraph or (items and kind != this_kind):
                flush()
            if not items:
                start = int(match[1]) if this_kind == "number" else 1
            kind = this_kind
            items.append(match[2])
        elif items and line.startswith((" ", "\t")):
            items[-1] += " " + line.strip()  # a wrapped list item
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return out


def _starts_a_list(number: re.Match[str], rest: list[str]) -> bool:
    """A numbered line starts a list if it is number 1 or the next line carries on counting."""
    following = _NUMBER.match(rest[0]) if rest else None
    return number[1] == "1" or (following is not None and int(following[1]) == int(number[1]) + 1)
