"""The site's controlled vocabulary: the audiences and themes modules may use.

Set under the peerkit plugin in `mkdocs.yml` as `vocabulary: {audience: [...], themes: [...]}`.
The catalogue's audience and theme filters list its terms in its order, `peerkit check` and the
build report a module's term that is not in it at `path:line` with a suggestion, and the
vocabulary itself may not hold two terms that differ only in case, spacing, punctuation or a
plural. A site without a vocabulary accepts any term (the catalogue lists what modules use).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from peerkit.findings import Finding, did_you_mean
from peerkit.model import MAX_LIST, ModuleFile, Strict

Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
_WORDS = re.compile(r"[^a-z0-9]+")


def near_key(term: str) -> str:
    """What two terms share when one nearly repeats the other: case, spacing, punctuation and
    a final plural `s` aside ("Peer supporters" and "peer-supporter" are the same)."""
    words = [w.removesuffix("s") if len(w) > 3 else w for w in _WORDS.split(term.lower()) if w]
    return " ".join(words)


def _no_near_duplicates(terms: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for term in terms:
        other = seen.get(near_key(term))
        if other is None:
            seen[near_key(term)] = term
        elif other == term:
            raise ValueError(f"'{term}' is listed twice")
        else:
            raise ValueError(f"'{other}' and '{term}' are near-duplicates: keep one")
    return terms


Terms = Annotated[list[Term], AfterValidator(_no_near_duplicates)]


class Vocabulary(Strict):
    """The audiences and themes the site's modules may use, in the order the catalogue lists
    them."""

    audience: Terms = Field(default_factory=list, max_length=MAX_LIST)
    themes: Terms = Field(default_factory=list, max_length=MAX_LIST)


FIELDS = {"audience": "audience", "themes": "themes"}
"""Each vocabulary list and the module key it governs."""


def check_terms(files: Iterable[ModuleFile], vocabulary: Vocabulary) -> list[Finding]:
    """Each audience or theme a module uses that the vocabulary lacks, at its line, with the
    closest term (an empty list in the vocabulary leaves that key open)."""
    findings = []
    for f in files:
        for key, module_key in FIELDS.items():
            allowed: list[str] = getattr(vocabulary, key)
            if not allowed:
                continue
            near = {near_key(t): t for t in allowed}
            for index, term in enumerate(getattr(f.module, module_key)):
                if term in allowed:
                    continue
                close = near.get(near_key(term))
                hint = f" (did you mean '{close}'?)" if close else did_you_mean(term, allowed)
                findings.append(
                    Finding(
                        f.path,
                        f.line_of(module_key, index),
                        f"{module_key}: '{term}' is not in the site's vocabulary{hint}; use a"
                        " listed term, or add it under `vocabulary` in mkdocs.yml",
                    )
                )
    return findings


def listed(used: dict[str, int], terms: Sequence[str]) -> list[tuple[str, int]]:
    """The catalogue's list for one filter: the vocabulary's terms that modules use, in the
    vocabulary's order, then any other terms in use (which `peerkit check` reports)."""
    first = [(t, used[t]) for t in terms if used.get(t)]
    rest = sorted(
        ((t, n) for t, n in used.items() if t not in terms), key=lambda i: i[0].casefold()
    )
    return first + rest
