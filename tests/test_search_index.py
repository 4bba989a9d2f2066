"""The search index peerkit writes: English stemming, a separator for punctuation, synonyms."""

from __future__ import annotations

import re

from peerkit.anchors import prompt_anchors, section_anchors
from peerkit.load import load_folder
from peerkit.mkdocs_plugin.search import PIPELINE, SEPARATOR, synonym_problems, weigh
from peerkit.model import Module
from peerkit.searchindex import compact, cut, module_docs, size_of

from conftest import ROOT

MODULES: list[Module] = [f.module for f in load_folder(ROOT / "modules")[0]]


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


# --- what peerkit writes for module pages (peerkit.searchindex) --------------------------


def _material_entries(module: Module, url: str) -> list[dict[str, str]]:
    """Entries as Material's search makes them of a module page: the page, a prose section,
    each activity, each reflection question, and the support list."""
    docs = [
        {"location": url, "title": module.title, "text": "<p>Header</p>"},
        {"location": f"{url}#about", "title": "About", "text": "<p>" + "Prose words. " * 200},
    ]
    for activity in module.activities:
        docs.append({"location": f"{url}#{activity.id}", "title": activity.title, "text": "x"})
        for anchor, prompt in prompt_anchors(activity.id, activity.reflection):
            docs.append({"location": f"{url}#{anchor}", "title": prompt.text, "text": ""})
    support = section_anchors(module)["support"]
    docs.append({"location": f"{url}#{support}", "title": "Support", "text": "Samaritans"})
    return docs


def test_a_module_keeps_what_facilitators_look_for_however_small_its_room() -> None:
    module = MODULES[0]
    url = f"modules/{module.id}.html"
    tags = ["Boundaries", "Hope"]
    roomy = module_docs(module, url, _material_entries(module, url), tags, None)
    tight = module_docs(module, url, _material_entries(module, url), tags, 1)
    for docs in (roomy, tight):
        first = docs[0]
        assert (first["location"], first["title"], first["tags"]) == (url, module.title, tags)
        assert first["keywords"] == " ".join(module.summary.split())
        by_location = {d["location"]: d for d in docs}
        for activity in module.activities:
            assert by_location[f"{url}#{activity.id}"]["keywords"] == " ".join(activity.aim.split())
        assert not any("Samaritans" in d["text"] for d in docs)  # the same on every page
        assert not any("tags" in d for d in docs[1:])
    # With room, all the text, and each question an entry of its own (search lands on it).
    assert any("Prose words. Prose words." in d["text"] for d in roomy)
    assert any("-reflect-" in d["location"] for d in roomy)
    # Without, no prose; with a little, the questions first, as text of the activity asking.
    assert not any("Prose" in d["text"] for d in tight)
    assert not any("-reflect-" in d["location"] for d in tight)
    assert sum(size_of(d) for d in tight) < sum(size_of(d) for d in roomy) / 2
    room = sum(size_of(d) for d in tight) + 300
    some = module_docs(module, url, _material_entries(module, url), tags, room)
    activity = next(a for a in module.activities if a.reflection)
    asking = next(d for d in some if d["location"].endswith(f"#{activity.id}"))
    assert activity.reflection[0].text.split()[-1].strip("?") in asking["text"]
    assert not any("-reflect-" in d["location"] for d in some)


def test_text_is_cut_at_a_word_within_its_room() -> None:
    text = "Peer support &amp; recovery go together, and so do hope and choice"
    assert cut(text, 1000) == text
    assert cut(text, 50) == "Peer support &amp; recovery go together, and …"
    assert cut(text, 10) == ""  # too little room for a useful piece


def test_the_budget_is_shared_between_the_modules() -> None:
    pages = {f"modules/{m.id}.html": m for m in MODULES}
    docs = [d for url, m in pages.items() for d in _material_entries(m, url)]
    docs.append({"location": "guide.html", "title": "Guide", "text": "Hand-written page"})
    tags = {url: ["Tag"] for url in pages}
    budget = 40_000
    compacted = compact(docs, pages, tags, budget)
    assert sum(size_of(d) for d in compacted) <= budget * 1.05
    assert compacted[-1]["location"] == "guide.html"  # other pages as they were
    assert compact(docs, pages, tags, None) != compacted
