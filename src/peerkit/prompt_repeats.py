"""A reflection prompt is asked once per module: not both at the module's end and in one of its
activities, nor in two of its activities. Printed packs and the reflection bank would otherwise
ask the group the same question twice."""

from __future__ import annotations

import re
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


def _near(a: str, b: str) -> bool:
    matcher = SequenceMatcher(None, a, b)
    return (
        matcher.real_quick_ratio() >= NEAR
        and matcher.quick_ratio() >= NEAR
        and (matcher.ratio() >= NEAR)
    )


def prompts_not_repeated(files: list[ModuleFile]) -> Iterable[Finding]:
    """Each prompt that asks again (or nearly word for word) what an earlier one in the same
    module asked, at its own line."""
    for f in files:
        prompts = list(_prompts(f))
        fuzzy = len(prompts) <= MAX_COMPARED
        first: dict[str, tuple[str, int]] = {}
        for where, prompt, line in prompts:
            key = _same(prompt.text)
            earlier = first.get(key)
            if earlier is None and fuzzy:
                earlier = next((w for k, w in first.items() if _near(k, key)), None)
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
