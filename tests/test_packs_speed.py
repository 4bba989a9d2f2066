"""What the quicker packs still print: the safety page's number where the cover is longer
than one page, each deck's title at the top of its card sheets, and each document's own print
CSS when a worker reuses parsed stylesheets."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from peerkit.load import load_folder
from peerkit.model import Curriculum
from peerkit.packs import pdf
from peerkit.packs.build import Pack, build_packs
from peerkit.sessions.view import module_session
from peerkit.site import Service, SiteSettings

from conftest import ROOT

pytestmark = pytest.mark.build  # PDF packs rendered by WeasyPrint

SETTINGS = SiteSettings(
    organisation="Riverside Peer Network",
    signposting=[Service(name="Samaritans", phone="116 123", hours="24 hours a day")],
)
FILES, _, _ = load_folder(ROOT / "modules")
CURRICULUM = Curriculum(files=FILES)


def pages_text(pdf_path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True)
    return [" ".join(page.split()) for page in out.stdout.decode("utf-8").split("\f")][:-1]


def test_a_facilitator_pack_names_the_page_its_safety_page_is_on(tmp_path: Path) -> None:
    module = CURRICULUM.module("trauma-informed")
    assert module is not None
    session = module_session(module, CURRICULUM, SETTINGS)
    # A site's cover that takes two pages pushes the safety page to page 3: the pack is laid
    # out again and its mentions name page 3, not the usual page 2.
    overrides = tmp_path / "overrides"
    (overrides / "print").mkdir(parents=True)
    cover = (ROOT / "src/peerkit/packs/templates/_cover.html").read_text(encoding="utf-8")
    inside = '<section class="part"><h2>Inside the cover</h2><p>Our thanks.</p></section>\n'
    (overrides / "print" / "_cover.html").write_text(cover + inside, encoding="utf-8")
    for folder, dirs, page in ((tmp_path / "usual", [], 2), (tmp_path / "long", [overrides], 3)):
        pack = Pack(session, "facilitator")
        report = build_packs([pack], folder, folder / "cache", SETTINGS, template_dirs=dirs)
        pages = pages_text(folder / pack.path)
        assert "If someone is not safe" in pages[page - 1], page
        text = " ".join(pages)
        assert f"your organisation's procedures (safety page, page {page})" in text
        assert f"(safety page, page {5 - page})" not in text
        assert report.rendered == (1 if page == 2 else 2)  # laid out again when it moved


def test_card_sheets_name_their_deck_at_the_top_of_every_sheet(tmp_path: Path) -> None:
    module = CURRICULUM.module("boundaries")
    assert module is not None
    session = module_session(module, CURRICULUM, SETTINGS)
    pack = Pack(session, "cards")
    build_packs([pack], tmp_path, tmp_path / "cache", SETTINGS)
    pages = pages_text(tmp_path / pack.path)
    decks = [a for a in module.activities if a.cards]
    assert decks
    for page in pages:
        titles = [f"{a.title}: set A · {session.title}" for a in decks]
        assert any(page.startswith(t) for t in titles), page[:120]
    for activity in decks:
        assert any(page.startswith(f"{activity.title}: set A") for page in pages)


def test_each_document_keeps_its_own_print_css_in_one_worker(tmp_path: Path) -> None:
    # The same worker renders packs one after the other, reusing parsed stylesheets; each
    # document still gets its own page size and its own rules.
    def html(size: str, colour: str) -> str:
        return (
            f'<html lang="en"><head><title>t</title><style>@page {{ size: {size}; margin: 20mm }}'
            f" p {{ color: {colour} }}</style></head><body><p>Words</p></body></html>"
        )

    sizes = {}
    for n, size in enumerate(["A4", "A5 landscape", "A4", "A5 landscape"]):
        target = tmp_path / f"{n}.pdf"
        pdf.render(html(size, "#123456"), str(target))
        out = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True)
        sizes[n] = next(line for line in out.stdout.splitlines() if line.startswith("Page size"))
    assert "595.276 x 841.89" in sizes[0] and sizes[0] == sizes[2]
    assert "595.276 x 419.528" in sizes[1] and sizes[1] == sizes[3]
