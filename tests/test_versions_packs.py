"""Versions in the built site: a pack per version, a one-page crib sheet per module and
version, and module pages that show each version's running order."""

from __future__ import annotations

import subprocess

import pytest
from layout import read_pages

from peerkit.load import load_folder
from peerkit.sessions.versions import module_versions

from conftest import ROOT, Build

MODULES = [f.module for f in load_folder(ROOT / "modules")[0]]
VERSIONS = [(m, v) for m in MODULES for v in module_versions(m)]
MARGIN_PT = 10 * 72 / 25.4
"""The crib sheet's side margins (10 mm)."""
MIN_TEXT_PT = 9 * 1.16
"""A word box of 9 pt DejaVu Sans is about 10.4 pt tall: nothing on the sheet is smaller."""


def pdf_text(path) -> str:  # type: ignore[no-untyped-def]
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


@pytest.mark.parametrize(
    ("module", "version"), VERSIONS, ids=[f"{m.id}-{v.id}" for m, v in VERSIONS]
)
def test_each_crib_sheet_fits_one_readable_page(reference_build: Build, module, version) -> None:  # type: ignore[no-untyped-def]
    pdf = reference_build.site / f"packs/modules/{version.session_id}-crib-sheet.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True)
    assert "Pages:           1\n" in info.stdout
    (page,) = read_pages(pdf)
    assert page.words and page.overlapping_pairs() == []
    for word in page.words:
        assert word.x0 >= MARGIN_PT - 1 and word.x1 <= page.width - MARGIN_PT + 1, word
        assert word.y0 > 0 and word.y1 < page.height, word
        assert word.y1 - word.y0 >= MIN_TEXT_PT, word
    text = " ".join(pdf_text(pdf).split())
    assert module.title in text and version.label in text
    for entry in version.day.entries:
        assert " ".join(entry.title.split()[:3]) in text
    for heading in ["Aims", "Running order", "Materials", "Say something like", "Where to"]:
        assert heading in text
    assert "Samaritans" in text and "If someone is not safe" in text


def test_a_short_version_has_its_own_packs_with_its_timings(reference_build: Build) -> None:
    folder = reference_build.site / "packs/modules"
    for kind in ["facilitator-pack", "participant-pack", "crib-sheet", "paperwork"]:
        assert (folder / f"boundaries-short-{kind}.pdf").is_file(), kind
    text = " ".join(pdf_text(folder / "boundaries-short-facilitator-pack.pdf").split())
    assert "Role tension and boundaries: Short version" in text
    assert "Peer support, friendship or never? (shortened: under its shortest" in text
    assert "This version times its steps to fit" in text
    assert "In this version: Give each group half the cards" in text
    assert "read it out and say which circle they would put it in (8 minutes)" in text
    # Two hats is left out of the short version, and so are its steps.
    two_hats = "A dual role is when you know someone in two ways at once"
    assert two_hats not in text
    standard = " ".join(pdf_text(folder / "boundaries-facilitator-pack.pdf").split())
    assert two_hats in standard and "(shortened" not in standard


def test_a_module_page_shows_its_versions_with_their_packs(reference_build: Build) -> None:
    html = reference_build.page("modules/boundaries.html")
    assert 'id="boundaries-versions"' in html
    assert "Short version: 60\N{EN DASH}75 minutes" in html
    short = html[html.index('id="boundaries-version-short"') :]
    assert "boundaries-short-facilitator-pack.pdf" in short
    assert "boundaries-short-crib-sheet.pdf" in short
    assert "(shortened)" in short
    catalogue = reference_build.page("browse/catalogue.html")
    assert "short version</a> 60\N{EN DASH}75" in catalogue
