"""The search index peerkit writes: English stemming, a separator for punctuation, synonyms."""

from __future__ import annotations

import re

from peerkit.mkdocs_plugin.search import PIPELINE, SEPARATOR, synonym_problems, weigh


def index(*texts: str, config: dict[str, object] | None = None) -> dict[str, object]:
    docs = [{"location": f"page-{n}.html", "title": "", "text": t} for n, t in enumerate(texts)]
    return {
        "config": config or {"separator": r"[\s\-]+", "pipeline": ["stopWordFilter"]},
        "docs": docs,
    }


def test_material_defaults_give_way_to_stemming_and_a_punctuation_separator() -> None:
    weighed = weigh(index("x"), {})
    assert weighed["config"]["pipeline"] == PIPELINE
    assert weighed["config"]["separator"] == SEPARATOR
    splitter = re.compile(SEPARATOR)
    text = 'Labels such as "burnout" (or “burnout”), don\'t/won\u2019t.'
    words = [w for w in splitter.split(text) if w]
    assert words == ["Labels", "such", "as", "burnout", "or", "burnout", "don't", "won\u2019t"]


def test_a_site_that_chose_its_own_search_settings_keeps_them() -> None:
    own = {"separator": r"[\s]+", "pipeline": ["trimmer"]}
    weighed = weigh(index("x", config=dict(own)), {})
    assert {k: weighed["config"][k] for k in own} == own


def test_synonyms_are_written_into_the_sections_that_hold_a_term() -> None:
    groups = [["burnout", "compassion fatigue"], ["breakout", "small group"]]
    weighed = weigh(index("Signs of burnout", "Work in small groups", "Nothing here"), {}, groups)
    docs = weighed["docs"]
    assert docs[0]["synonyms"] == "compassion fatigue"
    assert docs[1]["synonyms"] == "breakout"
    assert "synonyms" not in docs[2]
    assert weighed["config"]["fields"]["synonyms"]["boost"] > 1


def test_synonym_settings_that_are_not_groups_are_reported() -> None:
    assert synonym_problems([["burnout", "compassion fatigue"]]) == []
    assert synonym_problems("burnout") != []
    problems = synonym_problems([["burnout"], ["a", 3]])
    assert len(problems) == 2
    assert problems[0].startswith("synonyms: group 1 must be a list of two or more")
