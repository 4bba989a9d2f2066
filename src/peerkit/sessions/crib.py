"""What a one-page crib sheet picks out of a module: the key lines to say, and short forms
of the content notes and materials, so a whole version fits one side of A4."""

from __future__ import annotations

import re

from peerkit.model import Activity

MAX_SAY_WORDS = 26
"""A key line is cut after the sentence that passes this many words (one or two sentences)."""

_SAY = re.compile(r"""\bSay(?:\s+something\s+like)?,?\s*["\u201c]([^"\u201d]+)["\u201d]""")
_SENTENCE = re.compile(r"(?<=[.?!])\s+")


def shorten(text: str, words: int = MAX_SAY_WORDS) -> str:
    """`text` cut at the end of the sentence that reaches `words` words."""
    taken: list[str] = []
    for sentence in _SENTENCE.split(" ".join(text.split())):
        taken.append(sentence)
        if len(" ".join(taken).split()) >= words:
            break
    short = " ".join(taken)
    if len(short.split()) > words + 12:  # one very long sentence: cut at a word
        short = " ".join(short.split()[:words]) + "\N{HORIZONTAL ELLIPSIS}"
    return short


def say_line(activity: Activity) -> str | None:
    """The first "say something like" line of an activity, shortened to a sentence or two."""
    for step in activity.steps:
        found = _SAY.search(step)
        if found:
            return shorten(found[1].strip())
    return None


def first_sentence(text: str) -> str:
    """The first sentence of `text` (a content note or a material), whole."""
    return _SENTENCE.split(" ".join(text.split()), maxsplit=1)[0]
