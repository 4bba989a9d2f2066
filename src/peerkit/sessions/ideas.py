"""The bank of self-care ideas a session plan's self-care item names by id.

The bank is one YAML file beside the plans, `sessions/_self-care-ideas.yml` (the leading `_`
keeps it out of the plans). Each idea is free, takes 15 to 20 minutes, and has numbered steps
with their minutes, so the packs can print it as a short activity. `peerkit check` reports every
mistake at `path:line`, including language that would present an idea as a cure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, ValidationError, model_validator

from peerkit import safeyaml
from peerkit.findings import Finding
from peerkit.load import describe_errors, read_text
from peerkit.model import (
    MAX_LIST,
    Minutes,
    Range,
    ShortText,
    Slug,
    Step,
    Strict,
    Text,
    deepest_line,
)

BANK_FILE = "_self-care-ideas.yml"
"""The bank's file name, in the plans folder."""
IDEA_MINUTES = (15, 20)
"""Every idea takes between 15 and 20 minutes: long enough to try, short enough for an hour."""


def _idea_length(value: Range) -> Range:
    low, high = IDEA_MINUTES
    if value.min < low or value.max > high:
        raise ValueError(f"an idea takes {low} to {high} minutes, not {value}")
    return value


IdeaMinutes = Annotated[Minutes, AfterValidator(_idea_length)]
Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class IdeaStep(Strict):
    """One step of an idea and roughly how long it takes."""

    text: Step = Field(description="What to do or say. Numbered for you: do not number it.")
    minutes: int = Field(ge=1, le=IDEA_MINUTES[1], description="About how long the step takes.")


class SelfCareIdea(Strict):
    """A free self-care idea a group can try together in 15 to 20 minutes."""

    id: Slug = Field(description="What a plan's self-care item names with `idea:`.")
    title: ShortText
    summary: Text = Field(description="What the idea is, in a sentence or two.")
    minutes: IdeaMinutes = Field(description="15 to 20 minutes, e.g. `15-20`.")
    cost: Literal["free"] = Field(
        default="free", description="Every idea in the bank is free: nothing to buy or book."
    )
    you_need: list[ShortText] = Field(
        default_factory=list,
        max_length=10,
        description='What people need, if anything (e.g. "a pen and paper").',
    )
    steps: list[IdeaStep] = Field(min_length=2, max_length=12)
    gentler: Text = Field(description="A gentler way to take part, or how to step out.")
    questions: list[Question] = Field(
        default_factory=list, max_length=4, description="Questions for afterwards (optional)."
    )

    @model_validator(mode="after")
    def _timed(self) -> SelfCareIdea:
        total = sum(step.minutes for step in self.steps)
        if not self.minutes.min <= total <= self.minutes.max:
            raise ValueError(
                f"the steps add up to {total} minutes, outside the idea's {self.minutes}"
            )
        return self


class IdeaBank(Strict):
    """The bank file: a list of ideas."""

    ideas: list[SelfCareIdea] = Field(min_length=1, max_length=MAX_LIST)


@dataclass(frozen=True)
class BankFile:
    path: Path
    bank: IdeaBank
    lines: dict[tuple[str | int, ...], int]

    def by_id(self) -> dict[str, SelfCareIdea]:
        return {idea.id: idea for idea in self.bank.ideas}


# Words that present an idea as a cure or break safe-messaging guidance.
_UNSAFE = re.compile(
    r"\b(cures?|cured|curing|guarantee[sd]?|miracle|fix(?:es)? (?:your|anxiety|depression)"
    r"|committed suicide|successful attempt|failed attempt)\b",
    re.IGNORECASE,
)
_PRICE = re.compile(r"£\s*\d|\b\d+p\b|\bbuy\b|\bsubscription\b", re.IGNORECASE)


def _texts(idea: SelfCareIdea) -> list[tuple[tuple[str | int, ...], str]]:
    texts: list[tuple[tuple[str | int, ...], str]] = [
        (("title",), idea.title),
        (("summary",), idea.summary),
        (("gentler",), idea.gentler),
    ]
    texts += [(("you_need", i), text) for i, text in enumerate(idea.you_need)]
    texts += [(("steps", i, "text"), step.text) for i, step in enumerate(idea.steps)]
    texts += [(("questions", i), text) for i, text in enumerate(idea.questions)]
    return texts


def check_bank(bank_file: BankFile) -> list[Finding]:
    """Repeated ids, and words that present an idea as a cure or as something to pay for."""
    findings = []
    seen: set[str] = set()
    for i, idea in enumerate(bank_file.bank.ideas):
        where = ("ideas", i)
        if idea.id in seen:
            line = deepest_line(bank_file.lines, (*where, "id"))
            findings.append(Finding(bank_file.path, line, f"idea '{idea.id}' is listed twice"))
        seen.add(idea.id)
        for key, text in _texts(idea):
            line = deepest_line(bank_file.lines, (*where, *key))
            unsafe = _UNSAFE.search(text)
            if unsafe:
                findings.append(
                    Finding(
                        bank_file.path,
                        line,
                        f"'{unsafe[0]}': never present a self-care idea as a cure or promise"
                        " what it will do (safe messaging); say what some people find helps",
                    )
                )
            price = _PRICE.search(text)
            if price:
                findings.append(
                    Finding(
                        bank_file.path,
                        line,
                        f"'{price[0]}': ideas in the bank are free, with nothing to buy",
                    )
                )
    return findings


def parse_bank(path: Path, text: str) -> tuple[BankFile | None, list[Finding]]:
    try:
        data, key_lines, problems = safeyaml.load(text)
    except safeyaml.YAMLProblem as problem:
        return None, [Finding(path, problem.line + 1, problem.message)]
    findings = [Finding(path, p.line + 1, p.message) for p in problems]
    line_map = {key: line + 1 for key, line in key_lines.items()}
    if not isinstance(data, dict):
        findings.append(Finding(path, 1, "the self-care bank starts with 'ideas:', a list"))
        return None, findings
    try:
        bank = IdeaBank.model_validate(data)
    except ValidationError as exc:
        refused = [p.path for p in problems]
        details = [e for e in exc.errors() if not any(e["loc"][: len(r)] == r for r in refused)]
        findings.extend(describe_errors(path, details, data, line_map, IdeaBank))
        return None, sorted(set(findings))
    if findings:
        return None, sorted(findings)
    bank_file = BankFile(path, bank, line_map)
    return bank_file, sorted(check_bank(bank_file))


def load_bank(folder: Path, root: Path | None = None) -> tuple[BankFile | None, list[Finding]]:
    """The bank in the plans `folder`, with its findings (none and no findings when absent)."""
    path = folder / BANK_FILE
    if not path.exists():
        return None, []
    text, findings = read_text(path, root)
    if text is None:
        return None, findings
    return parse_bank(path, text)
