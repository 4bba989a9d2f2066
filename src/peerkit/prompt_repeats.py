"""A reflection prompt is asked once per module: not both at the module's end and in one of its
activities, nor in two of its activities. Printed packs and the reflection bank would otherwise
ask the group the same question twice."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from difflib import SequenceMatcher

from peerkit.findings import Finding
from peerkit.model import ModuleFile, Prompt

_SPACE = re.compile(r"\s+")
NEAR = 0.85
"""Two prompts this alike (difflib's ratio of their words) ask the same question."""
MAX_COMPARED = 300
"""Above this many prompts in one module, only exact repeats are looked for (pairs grow fast)."""


def _same(text: str) -> str:
    """The words that make two prompts the same question: case, spacing, quote marks and
    closing punctuation aside."""
    text = text.replace("\N{RIGHT SINGLE QUOTATION MARK}", "'").lower()
    return _SPACE.sub(" ", text).strip().rstrip("?.!: ").strip()


def _prompts(f: ModuleFile) -> Iterator[tuple[str, Prompt, int]]:
    """(where, prompt, line) for the module's prompts, then each activity's."""
    for i, prompt in enumerate(f.module.reflection):
        yield "the module's reflection", prompt, f.line_of("reflection", i)
    for a, activity in enumerate(f.module.activities):
        for i, prompt in enumerate(activity.reflection):
            yield f"'{activity.title}'", prompt, f.line_of("activities", a, "reflection", i)


def _ratio(matches: int, length: int) -> float:
    return 2.0 * matches / length if length else 1.0  # difflib's own sum


def _near(a: str, b: str, counts: dict[str, Counter[str]] | None = None) -> bool:
    """Whether `a` and `b` are this alike by difflib's ratio. Its two cheap upper bounds (the
    lengths, then the characters in common) are worked out first, as difflib does, but
    without building a matcher, which most pairs never need."""
    length = len(a) + len(b)
    if _ratio(min(len(a), len(b)), length) < NEAR:
        return False
    counts = {} if counts is None else counts
    for text in (a, b):
        if text not in counts:
            counts[text] = Counter(text)
    common, theirs = 0, counts[b]
    for char, n in counts[a].items():  # the characters they share, as `quick_ratio` counts
        m = theirs.get(char, 0)
        common += n if n < m else m
    if _ratio(common, length) < NEAR:
        return False
    return SequenceMatcher(None, a, b).ratio() >= NEAR


def prompts_not_repeated(files: list[ModuleFile]) -> Iterable[Finding]:
    """Each prompt that asks again (or nearly word for word) what an earlier one in the same
    module asked, at its own line."""
    for f in files:
        prompts = list(_prompts(f))
        fuzzy = len(prompts) <= MAX_COMPARED
        first: dict[str, tuple[str, int]] = {}
        counts: dict[str, Counter[str]] = {}
        for where, prompt, line in prompts:
            key = _same(prompt.text)
            earlier = first.get(key)
            if earlier is None and fuzzy:
                earlier = next((w for k, w in first.items() if _near(k, key, counts)), None)
            if earlier is None:
                first[key] = (where, line)
                continue
            other, other_line = earlier
            yield Finding(
                f.path,
                line,
                f"this reflection prompt repeats one in {other} (line {other_line}): ask each"
                " question once in a module, or reword one",
            )
