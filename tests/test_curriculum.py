"""The reference curriculum is complete: what a trainer relies on in every module."""

from __future__ import annotations

from collections import Counter

import pytest

from peerkit.load import load_folder
from peerkit.model import ModuleFile
from peerkit.readability import PLAIN_ENGLISH, module_stats

from conftest import ROOT, Build, run_peerkit

TITLES = {
    "peer-support-recovery": "Peer support in mental health recovery",
    "mutuality": "Mutuality in the peer relationship",
    "understanding-power": "Understanding power in the peer relationship",
    "peer-values": "Peer values",
    "trauma-informed": "Trauma-informed peer support",
    "sharing-our-experiences": "Sharing our experiences",
    "boundaries": "Role tension and boundaries",
    "self-care": "Self-care",
}

FILES, FINDINGS, _ = load_folder(ROOT / "modules")


def test_all_eight_modules_load_without_findings() -> None:
    assert FINDINGS == []
    assert {f.module.id: f.module.title for f in FILES} == TITLES


@pytest.mark.parametrize("module_file", FILES, ids=lambda f: f.module.id)
def test_each_module_is_complete(module_file: ModuleFile) -> None:
    module = module_file.module
    assert 3 <= len(module.activities) <= 5
    assert len(module.reflection) >= 6
    assert len(module.easy_read) >= 6
    assert module.sources and module.handouts and module.outcomes
    assert module.facilitator_notes
    assert module.content_notes, "every topic here can be hard for someone"
    assert module.licence == "CC BY-SA 4.0"
    assert module.duration.min >= 90 and module.duration.max <= 180
    # Activities leave room inside the session for a welcome and a break.
    assert module.activity_minutes().max <= module.duration.max - 15
    for activity in module.activities:
        assert activity.id.startswith(f"{module.id}-")
        assert activity.alternative and activity.online_variation
        assert activity.materials and activity.preparation and len(activity.steps) >= 3
        assert activity.minutes.min < activity.minutes.max, "minutes as a range"
        assert activity.reflection


def test_no_two_modules_share_an_activity_or_handout_id() -> None:
    ids = Counter(a.id for f in FILES for a in f.module.activities)
    ids.update(h.id for f in FILES for h in f.module.handouts)
    assert [i for i, n in ids.items() if n > 1] == []


def test_prerequisites_lead_back_to_the_first_module() -> None:
    modules = {f.module.id: f.module for f in FILES}
    for module in modules.values():
        seen, todo = set(), list(module.prerequisites)
        while todo:
            seen.add(current := todo.pop())
            todo += modules[current].prerequisites
        if module.prerequisites:
            assert "peer-support-recovery" in seen, module.id


def test_boundaries_sorts_behaviour_cards_into_three_circles() -> None:
    boundaries = next(f.module for f in FILES if f.module.id == "boundaries")
    cards = next(a.cards for a in boundaries.activities if a.id == "boundaries-peer-friend-never")
    assert cards is not None
    assert cards.layout == "circles"
    assert cards.sort_into == ["Peer support", "Friendship", "Never"]
    assert len(cards.items) >= 16


@pytest.mark.parametrize("module_file", FILES, ids=lambda f: f.module.id)
def test_participant_text_is_plain_english(module_file: ModuleFile) -> None:
    stats = module_stats(module_file)
    assert stats.reading_ease >= PLAIN_ENGLISH, (stats.id, stats.reading_ease)
    assert stats.words > 1000


def test_stats_command_reports_every_module_and_fails_below_a_threshold() -> None:
    proc = run_peerkit("stats", "--min-reading-ease", str(PLAIN_ENGLISH), cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    rows = proc.stdout.splitlines()[1:]
    assert sorted(row.split()[0] for row in rows) == sorted(TITLES)
    strict = run_peerkit("stats", "--min-reading-ease", "99", cwd=ROOT)
    assert strict.returncode == 1
    assert "reading ease" in strict.stderr and "is below 99" in strict.stderr


def test_the_site_lists_eight_modules_the_guide_and_the_glossary(reference_build: Build) -> None:
    home = reference_build.page("index.html")
    for module_id, title in TITLES.items():
        assert f'href="modules/{module_id}.html"' in home, module_id
        assert title in reference_build.page(f"modules/{module_id}.html")
    assert 'href="facilitator-guide.html"' in home and 'href="glossary.html"' in home
