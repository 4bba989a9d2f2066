"""How each module reads to a participant: counts, timings and a plain-English score.

The score is Flesch reading ease, computed by textstat (British English hyphenation) on the text
a participant reads: the summary, outcomes, content notes, Easy Read summary, reflection prompts,
handouts and the page's prose. Facilitator notes and activity steps are for trainers and are left
out. 60 and above is plain English; the reference curriculum aims for that.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import textstat  # type: ignore[import-untyped]

from peerkit.model import Module, ModuleFile, Range

PLAIN_ENGLISH = 60.0

# Flesch's own bands, lowest score first.
_BANDS = (
    (30.0, "very difficult"),
    (50.0, "difficult"),
    (60.0, "fairly difficult"),
    (70.0, "plain English"),
    (80.0, "fairly easy"),
    (90.0, "easy"),
)

_TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)|[*_`]+|<[^>]+>", re.MULTILINE)
_SENTENCE_END = re.compile(r"[.!?:;]['\"\N{RIGHT DOUBLE QUOTATION MARK})]*$")

textstat.set_lang("en_GB")


def band(score: float) -> str:
    """Flesch's name for a reading-ease score."""
    for upper, name in _BANDS:
        if score < upper:
            return name
    return "very easy"


def _sentences(text: str) -> Iterator[str]:
    """Paragraphs and list items of `text`, each closed as a sentence.

    A list item or heading without a full stop would otherwise run into the next line and be
    scored as one very long sentence.
    """
    text = _MARKUP.sub("", _LINK.sub(r"\1", _TEMPLATE_TAG.sub("", text)))
    for line in text.splitlines():
        line = line.strip()
        if line:
            yield line if _SENTENCE_END.search(line) else f"{line}."


def participant_text(module_file: ModuleFile) -> str:
    """Everything on a module a participant reads, as plain sentences."""
    module = module_file.module
    return "\n".join(_sentences("\n".join(_participant_parts(module, module_file.body))))


def _participant_parts(module: Module, body: str) -> Iterable[str]:
    yield module.summary
    yield from module.outcomes
    yield from module.content_notes
    yield from module.easy_read
    yield from (prompt.text for prompt in module.reflection)
    for activity in module.activities:
        yield from activity.content_notes
        yield from (prompt.text for prompt in activity.reflection)
    for handout in module.handouts:
        yield handout.title
        yield handout.body
    yield body


@dataclass(frozen=True)
class ModuleStats:
    """What a trainer asks of a module before choosing it."""

    id: str
    title: str
    activities: int
    module_prompts: int
    activity_prompts: int
    activity_minutes: Range
    duration: Range
    words: int
    reading_ease: float


def module_stats(module_file: ModuleFile) -> ModuleStats:
    module = module_file.module
    text = participant_text(module_file)
    return ModuleStats(
        id=module.id,
        title=module.title,
        activities=len(module.activities),
        module_prompts=len(module.reflection),
        activity_prompts=sum(len(a.reflection) for a in module.activities),
        activity_minutes=module.activity_minutes(),
        duration=module.duration,
        words=textstat.lexicon_count(text),
        reading_ease=round(float(textstat.flesch_reading_ease(text)), 1),
    )
