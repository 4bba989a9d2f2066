"""Every page of every pack, checked where the words land: the layout tree (each card's text
inside its card) and the PDF read back with poppler (no overprinted words, no blank or
heading-only page, a running title on every page). The reference site's packs are the ones its
build made (same cache, nothing rendered twice); a synthetic module adds the longest cards.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from layout import PageReport, check_pages, read_pages

from peerkit.checks import run_checks
from peerkit.load import load_folder, parse_module
from peerkit.model import CardSet, Curriculum
from peerkit.packs.build import CardsDoNotFit, Report, build_packs, packs_for
from peerkit.packs.cards import FITS, MIN_PT, circles_plan, label_clear, text_fits
from peerkit.sessions.checks import check_plans
from peerkit.sessions.view import module_session, sessions_of
from peerkit.site import settings_from_config

from conftest import ROOT, Build

WORDS = (
    "Sam tells the group about a hard week at work and how a walk with a friend helped a "
    "little, then asks whether anyone else has found small steps like that useful when "
)
LONGEST = (WORDS * 3)[:395].rsplit(" ", 1)[0] + " end."
assert 390 <= len(LONGEST) <= 400  # the model's limit for a card
COVERED = {"facilitator", "participant", "large-print"}
"""Pack kinds whose first page is a cover, which carries no running title (the large-print
participant pack comes with the print-content work on issue 11)."""


@dataclass
class Packs:
    """Packs built once for the whole test session, with the build's report of their boxes."""

    root: Path
    report: Report
    kinds: dict[str, str]
    """Each pack's kind (facilitator, participant, cards, …) by its path."""

    @cached_property
    def pages(self) -> dict[str, PageReport]:
        """Each pack's pages read back from its PDF (once)."""
        paths = list(self.report.boxes)
        with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:  # poppler runs apart
            found = pool.map(
                lambda path: check_pages(self.root / path, cover=self.kinds[path] in COVERED),
                paths,
            )
            return dict(zip(paths, found, strict=True))

    def figures(self) -> dict[str, tuple[int, int, int]]:
        """Per pack kind: pages, boxes out of bounds, overlapping word pairs."""
        figures: dict[str, tuple[int, int, int]] = {}
        for path, page in self.pages.items():
            pages, out, pairs = figures.get(self.kinds[path], (0, 0, 0))
            figures[self.kinds[path]] = (
                pages + page.pages,
                out + len(self.report.boxes[path].overflows),
                pairs + len(page.overlapping_pairs),
            )
        return figures


@pytest.fixture(scope="session")
def reference_packs(reference_build: Build) -> Packs:
    """Every pack of the reference site: the modules' and the session plans'."""
    root = reference_build.root
    files, _, _ = load_folder(root / "modules")
    curriculum = Curriculum(files=files)
    plans, _ = check_plans(root / "sessions", curriculum)
    settings = settings_from_config(root / "mkdocs.yml")
    packs = [p for s in sessions_of(curriculum, plans, settings) for p in packs_for(s)]
    out = root / "layout-packs"
    report = build_packs(
        packs,
        out,
        root / ".cache" / "peerkit" / "packs",
        settings,
        template_dirs=[root / "overrides" / "peerkit"],
        sources=files,
    )
    assert report.rendered == 0, "the site build made these packs: they come from its cache"
    return Packs(out, report, {p.path: p.kind for p in packs})


@pytest.fixture(scope="session")
def longest_cards(tmp_path_factory: pytest.TempPathFactory) -> Packs:
    """A module whose every deck holds the longest texts a card may have (400 characters)
    and long sorting headers, in piles and circles."""
    files, _, _ = load_folder(ROOT / "modules")
    module_file = next(f for f in files if f.module.id == "mutuality")
    activities = []
    for index, activity in enumerate(module_file.module.activities):
        cards = CardSet(
            items=[LONGEST] * (9 + index),
            sort_into=["Puts people side by side, most of the time, we think"] * 3,
            layout="circles" if index == 1 else "piles",
        )
        activities.append(activity.model_copy(update={"cards": cards}))
    module = module_file.module.model_copy(update={"activities": activities})
    synthetic = module_file.model_copy(update={"module": module})
    curriculum = Curriculum(files=[synthetic])
    settings = settings_from_config(ROOT / "mkdocs.yml")
    out = tmp_path_factory.mktemp("longest")
    sessions = module_session(module, curriculum, settings)
    packs = [p for p in packs_for(sessions) if p.kind == "cards"]  # the others hold no cards
    report = build_packs(packs, out, out / "cache", settings, sets=("A", "B"), sources=[synthetic])
    return Packs(out, report, {p.path: p.kind for p in packs})


def test_every_card_of_every_pack_keeps_its_text_inside(reference_packs: Packs) -> None:
    boxes = reference_packs.report.boxes
    assert set(boxes) == set(reference_packs.kinds)  # every pack was checked
    card_packs = [path for path, kind in reference_packs.kinds.items() if kind == "cards"]
    assert len(card_packs) >= 10  # eight modules' and two plans'
    for path in card_packs:
        assert boxes[path].boxes >= 8, path  # every card and header is checked
    assert {path: report.overflows for path, report in boxes.items() if report.overflows} == {}
    figures = reference_packs.figures()
    assert {kind: out for kind, (_, out, _) in figures.items() if out} == {}


def test_no_words_print_over_each_other_in_any_pack(reference_packs: Packs) -> None:
    overprinted = {
        path: report.overlapping_pairs[:3]
        for path, report in reference_packs.pages.items()
        if report.overlapping_pairs
    }
    assert overprinted == {}


def test_every_page_has_a_running_title(reference_packs: Packs) -> None:
    missing = {
        path: report.no_running_title
        for path, report in reference_packs.pages.items()
        if report.no_running_title
    }
    assert missing == {}


def test_no_page_is_blank_or_a_heading_alone(reference_packs: Packs) -> None:
    problems = {
        path: (report.blank, report.heading_only)
        for path, report in reference_packs.pages.items()
        if report.blank or report.heading_only
    }
    assert problems == {}


def test_the_longest_cards_fit_four_to_a_sheet_in_lettered_sets(longest_cards: Packs) -> None:
    [cards] = longest_cards.report.boxes
    report = longest_cards.report.boxes[cards]
    decks = 4
    cards_total = sum(9 + i for i in range(decks)) + 3 * decks
    circles = 1  # the second deck sorts into circles: one plan per set
    assert report.boxes == 2 * (cards_total + circles)  # two sets of every card and header
    assert report.overflows == []
    pages = check_pages(longest_cards.root / cards)
    assert pages.overlapping_pairs == [] and pages.blank == [] and pages.heading_only == []
    assert pages.no_running_title == []
    # 400 characters need a card a quarter of a sheet; the text stays at 11 pt or more.
    assert not text_fits(LONGEST, FITS[5 - 1], "a4")
    for page in read_pages(longest_cards.root / cards):
        text = " ".join(w.text for w in page.words)
        sets = re.findall(r"Set ([AB])", text)
        if "end." in text:
            assert 1 <= text.count("end.") <= 4  # four or fewer cards to a sheet
            assert len(set(sets)) == 1 and len(sets) == text.count("end.")
        # The running title names the set printed on the page.
        running = " ".join(w.text for w in page.words if w.y1 < page.words[0].y1 + 1)
        assert set(sets) <= set(re.findall(r": set ([AB]) ·", running)), page.number
    assert min(f.font_pt for f in FITS) == MIN_PT == 11


def test_a_card_that_cannot_fit_is_reported_at_its_line(tmp_path: Path) -> None:
    path = ROOT / "modules" / "mutuality.md"
    text = path.read_text(encoding="utf-8")
    card = "        - Before they meet, Ravi asks Mia what she would like to use their time for."
    assert card in text
    line = text[: text.index(card)].count("\n") + 1
    word = "Wm" * 24
    module_file, findings = parse_module(path, text.replace(card, f"        - {word} is long.", 1))
    assert module_file is not None, findings
    [finding] = [f for f in run_checks([module_file]) if "card" in f.message]
    assert (finding.path, finding.line) == (path, line)
    assert f"the word '{word[:40]}…' is too long" in finding.message

    # The build checks the laid-out page too, and names the card when nothing holds it.
    settings = settings_from_config(ROOT / "mkdocs.yml")
    curriculum = Curriculum(files=[module_file])
    packs = [p for p in packs_for(module_session(module_file.module, curriculum, settings))]
    cards = [p for p in packs if p.kind == "cards"]
    with pytest.raises(CardsDoNotFit) as failed:
        build_packs(cards, tmp_path, tmp_path / "cache", settings, sources=[module_file])
    [where] = failed.value.findings
    assert (where.path, where.line) == (path, line)
    assert not list((tmp_path / "packs").rglob("*.pdf"))


@pytest.mark.parametrize(
    "names",
    [
        ["Peer support", "Friendship", "Never"],
        ["Morag", "Tariq", "The project"],
        ["Puts one person above the other", "Puts people side by side, mostly"],
        ["Cultural, historical and gender issues"] * 3,
    ],
)
def test_circle_labels_sit_clear_of_every_line(names: list[str]) -> None:
    circles, labels = circles_plan(names)
    assert len(circles) == len(labels) == len(names)
    for label in labels:
        assert label_clear(label, circles), label
        assert label.size >= 12


def test_a_deck_the_estimate_sizes_too_small_is_laid_out_again_until_it_fits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The laid-out page has the last word: with an estimate that always says the largest
    size fits, the build lays the deck out again, one size at a time, until no text leaves
    its card."""
    files, _, _ = load_folder(ROOT / "modules")
    module_file = next(f for f in files if f.module.id == "mutuality")
    first = module_file.module.activities[0]
    deck_of_three = first.model_copy(update={"cards": CardSet(items=[LONGEST] * 3)})
    module = module_file.module.model_copy(update={"activities": [deck_of_three]})
    synthetic = module_file.model_copy(update={"module": module})
    settings = settings_from_config(ROOT / "mkdocs.yml")
    session = module_session(module, Curriculum(files=[synthetic]), settings)
    [pack] = [p for p in packs_for(session) if p.kind == "cards"]

    monkeypatch.setattr(
        "peerkit.packs.build.choose_fit", lambda texts, headers, paper, start=0: start
    )
    report = build_packs([pack], tmp_path, tmp_path / "cache", settings)
    # 8 to a sheet (three sizes) and 6 to a sheet (two) overflow; 4 to a sheet at 16 pt fits.
    assert report.rendered == 6
    assert report.boxes[pack.path].boxes == 3 and report.boxes[pack.path].overflows == []
    pages = check_pages(tmp_path / pack.path)
    assert pages.pages == 1 and pages.overlapping_pairs == []  # clear of the deck's label
