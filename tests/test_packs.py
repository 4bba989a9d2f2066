"""PDF packs, read back with poppler and pypdf as a trainer's printer would see them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest
from pypdf import PdfReader

from peerkit.load import load_folder, parse_module
from peerkit.model import Curriculum
from peerkit.packs import Pack, build_packs, card_decks, module_session, packs_for, plan_session
from peerkit.plans import parse_plan
from peerkit.site import Service, SiteSettings

from conftest import ROOT, Build, copy_site, mkdocs_build

SETTINGS = SiteSettings(
    organisation="Riverside Peer Network",
    signposting=[Service(name="Samaritans", phone="116 123", hours="24 hours a day")],
)
FILES, _, _ = load_folder(ROOT / "modules")
CURRICULUM = Curriculum(files=FILES)
MUTUALITY = CURRICULUM.module("mutuality")
assert MUTUALITY is not None


def text_of(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return dict(re.findall(r"^([^:]+):\s+(.*)$", out.stdout, re.MULTILINE))


def squash(text: str) -> str:
    return " ".join(text.split())


def outline_titles(pdf: Path) -> list[str]:
    def walk(items: list[object]) -> list[str]:
        titles: list[str] = []
        for item in items:
            if isinstance(item, list):
                titles += walk(item)
            else:
                titles.append(item.title)  # type: ignore[attr-defined]
        return titles

    return walk(PdfReader(pdf).outline)


@pytest.fixture(scope="module")
def mutuality_packs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("packs")
    session = module_session(MUTUALITY, CURRICULUM, SETTINGS)
    packs = packs_for(session)
    report = build_packs(packs, out, out / "cache", SETTINGS)
    assert [p.kind for p in packs] == [
        "facilitator",
        "participant",
        "large-print",
        "show",
        "paperwork",
        "cards",
    ]
    assert report.rendered == len(packs)
    return {pack.kind: out / pack.path for pack in packs}


def test_facilitator_pack_has_the_run_sheet_steps_notes_and_support(
    mutuality_packs: dict[str, Path],
) -> None:
    text = text_of(mutuality_packs["facilitator"])
    assert "Riverside Peer Network" in text and "FACILITATOR PACK" in text
    # The run-sheet: a welcome at 10:00, then each activity at its clock time.
    assert re.search(r"10:00 Welcome, introductions and group agreement 10", text)
    assert re.search(r"10:10 Both give, both receive 30", text)
    for activity in MUTUALITY.activities:
        for step in activity.steps:
            assert squash(step)[:60] in text, step
        assert activity.facilitator_notes
        assert squash(activity.facilitator_notes)[:60] in text
    assert "Materials and preparation" in text and "Samaritans" in text
    assert "After the session: debrief and self-care" in text
    assert f"Version {MUTUALITY.version}. Licence: CC BY-SA 4.0." in text
    assert squash(MUTUALITY.sources[0].title) in text


def test_participant_pack_leaves_out_what_is_for_facilitators(
    mutuality_packs: dict[str, Path],
) -> None:
    text = text_of(mutuality_packs["participant"])
    for activity in MUTUALITY.activities:
        assert activity.facilitator_notes
        assert squash(activity.facilitator_notes)[:60] not in text
        assert squash(activity.steps[0])[:60] not in text
        for prompt in activity.reflection:
            assert squash(prompt.text)[:50] in text
    for handout in MUTUALITY.handouts:
        assert squash(handout.body)[:60] in text
    assert squash(MUTUALITY.easy_read[0]) in text
    assert "yours to keep" in text and "Nobody will collect them" in text
    for heading in ("What worked well", "What could be better", "What I will take forward"):
        assert heading in text
    assert "Samaritans" in text
    assert "Licence: CC BY-SA 4.0." in text


def test_packs_are_tagged_a4_with_title_language_and_bookmarks(
    mutuality_packs: dict[str, Path],
) -> None:
    details = info(mutuality_packs["facilitator"])
    assert details["Page size"].endswith("(A4)")
    assert details["Title"] == "Mutuality in the peer relationship: Facilitator pack"
    assert details["Author"] == "Riverside Peer Network"
    assert details["Tagged"] == "yes"
    reader = PdfReader(mutuality_packs["facilitator"])
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    titles = outline_titles(mutuality_packs["facilitator"])
    assert {"Contents", "Run-sheet", "Where to find support"} <= set(titles)
    assert [a.title for a in MUTUALITY.activities] == [
        t for t in titles if t in {a.title for a in MUTUALITY.activities}
    ]


def test_each_activity_starts_a_page(mutuality_packs: dict[str, Path]) -> None:
    reader = PdfReader(mutuality_packs["facilitator"])
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    for activity in MUTUALITY.activities:
        starts = [i for i, page in enumerate(pages) if page.startswith(activity.title)]
        assert starts, f"{activity.title} does not start a page"


def test_card_sheets_print_every_card_at_the_size_its_deck_needs(
    mutuality_packs: dict[str, Path],
) -> None:
    # pdftotext joins a word broken at its hyphen at the end of a line ("home-made" →
    # "homemade"), so compare without hyphens.
    text = text_of(mutuality_packs["cards"]).replace("-", "")
    session = module_session(MUTUALITY, CURRICULUM, SETTINGS)
    decks = card_decks(session, "a4", {})
    expected_pages = 0
    for activity in MUTUALITY.activities:
        if activity.cards is None:
            continue
        for card in activity.cards.items:
            assert squash(card).replace("-", "")[:40] in text
        per_sheet = decks[activity.id].per_sheet
        assert per_sheet in {8, 6, 4}
        expected_pages += -(-len(activity.cards.items) // per_sheet)
        expected_pages += -(-len(activity.cards.sort_into) // per_sheet)
        expected_pages += activity.cards.layout == "circles"
    assert int(info(mutuality_packs["cards"])["Pages"]) == expected_pages
    assert text.count("Set A") == sum(
        len(a.cards.items) + len(a.cards.sort_into) for a in MUTUALITY.activities if a.cards
    )


def test_letter_paper_on_request(tmp_path: Path) -> None:
    session = module_session(MUTUALITY, CURRICULUM, SETTINGS)
    [pack] = [p for p in packs_for(session) if p.kind == "cards"]
    report = build_packs([pack], tmp_path, tmp_path / "cache", SETTINGS, paper="letter")
    assert info(tmp_path / pack.path)["Page size"].endswith("(letter)")
    # The shorter sheet still holds every card with its text inside.
    assert report.boxes[pack.path].boxes >= 32 and report.boxes[pack.path].overflows == []


def test_the_cache_renders_only_packs_whose_content_changed(tmp_path: Path) -> None:
    def packs(curriculum: Curriculum) -> list[Pack]:
        plan_file, findings = parse_plan(
            Path("sessions/short.yml"),
            dedent(
                """\
                title: Short
                start: "10:00"
                available: 60
                items:
                  - activity: self-care-closing-round
                """
            ),
        )
        assert plan_file is not None, findings
        sessions = [
            module_session(m, curriculum, SETTINGS)
            for m in curriculum.modules
            if m.id in {"mutuality", "self-care"}
        ] + [plan_session(plan_file, curriculum, SETTINGS)]
        return [
            p for s in sessions for p in packs_for(s) if p.kind in ("facilitator", "participant")
        ]

    cache = tmp_path / "cache"
    first = build_packs(packs(CURRICULUM), tmp_path / "one", cache, SETTINGS, prune=True)
    assert (first.rendered, first.cached) == (6, 0)
    again = build_packs(packs(CURRICULUM), tmp_path / "two", cache, SETTINGS, prune=True)
    assert (again.rendered, again.cached) == (0, 6)
    assert (tmp_path / "one" / "packs").is_dir() and len(list(cache.glob("*.pdf"))) == 6

    # Change one module: only its own two packs render again, the others come from the cache.
    path = ROOT / "modules" / "mutuality.md"
    text = path.read_text().replace("title: Mutuality in", "title: Mutuality, in", 1)
    edited, _ = parse_module(path, text)
    assert edited is not None
    files = [edited if f.module.id == "mutuality" else f for f in FILES]
    changed = build_packs(packs(Curriculum(files=files)), tmp_path / "three", cache, SETTINGS)
    assert (changed.rendered, changed.cached) == (2, 4)


def test_pack_command_makes_a_plans_pdfs_and_fails_closed(tmp_path: Path) -> None:
    def pack(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "peerkit", "pack", *args]
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)

    shutil.copytree(ROOT / "sessions", tmp_path / "sessions")
    shutil.copytree(ROOT / "modules", tmp_path / "modules")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    done = pack("sessions/monthly-peer-support-hour.yml")
    assert done.returncode == 0, done.stderr
    made = sorted(done.stdout.split())
    assert made == [
        "packs/sessions/monthly-peer-support-hour-facilitator-pack.pdf",
        "packs/sessions/monthly-peer-support-hour-large-print-pack.pdf",
        "packs/sessions/monthly-peer-support-hour-paperwork.pdf",
        "packs/sessions/monthly-peer-support-hour-participant-pack.pdf",
        "packs/sessions/monthly-peer-support-hour-show-sheets.pdf",
    ]
    assert "Making packs" in done.stderr and "5 rendered, 0 from the cache" in done.stderr
    text = text_of(tmp_path / made[0])
    assert "peerkit reference curriculum" in text and "18:30" in text and "Breathing Space" in text

    broken = tmp_path / "sessions" / "broken.yml"
    source = (tmp_path / "sessions" / "network-gathering.yml").read_text()
    broken.write_text(source.replace("available: 120", "available: 90"))
    failed = pack("sessions/broken.yml")
    assert failed.returncode == 1
    assert failed.stderr.startswith(
        "sessions/broken.yml:9: the plan runs 110 minutes, 20 over the 90 available"
    )
    assert not (tmp_path / "packs" / "sessions" / "broken-facilitator-pack.pdf").exists()


def test_site_links_every_module_and_session_page_to_its_packs(reference_build: Build) -> None:
    for module_file in FILES:
        module = module_file.module
        page = reference_build.page(f"modules/{module.id}.html")
        kinds = ["facilitator-pack", "participant-pack", "large-print-pack", "paperwork"]
        kinds += ["show-sheets"] if any(a.show for a in module.activities) else []
        kinds += ["cards"] if any(a.cards for a in module.activities) else []
        for kind in kinds:
            href = f"../packs/modules/{module.id}-{kind}.pdf"
            assert f'href="{href}" download' in page, (module.id, kind)
            assert (
                reference_build.site / "packs" / "modules" / f"{module.id}-{kind}.pdf"
            ).is_file()
    for plan in sorted((ROOT / "sessions").glob("*.yml")):
        page = reference_build.page(f"sessions/{plan.stem}.html")
        for kind in ("facilitator-pack", "participant-pack", "large-print-pack", "paperwork"):
            assert f'href="../packs/sessions/{plan.stem}-{kind}.pdf" download' in page
            assert (
                reference_build.site / "packs" / "sessions" / f"{plan.stem}-{kind}.pdf"
            ).is_file()
    for week in range(1, 7):
        name = f"six-week-course-day-{week}-participant-pack.pdf"
        assert f'href="../packs/sessions/{name}" download' in reference_build.page(
            "sessions/six-week-course.html"
        )
        assert (reference_build.site / "packs" / "sessions" / name).is_file()
    course = reference_build.page("sessions/six-week-course.html")
    assert 'href="../modules/boundaries.html#boundaries-peer-friend-never"' in course
    assert "Week 6: Self-care, and looking back" in course


def test_first_pages_render_to_images_for_a_visual_check(
    mutuality_packs: dict[str, Path], tmp_path: Path
) -> None:
    for kind, pdf in mutuality_packs.items():
        out = tmp_path / kind
        command = ["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-gray", "-singlefile"]
        subprocess.run([*command, str(pdf), str(out)], check=True)
        header, pixels = out.with_suffix(".pgm").read_bytes().split(b"\n255\n", 1)
        width, height = map(int, header.split()[1:3])
        # An A4 page: the show sheets landscape, for a screen or a wall; the rest portrait.
        ratio = 210 / 297 if kind == "show" else 297 / 210
        assert abs(height / width - ratio) < 0.01, kind
        dark = sum(1 for value in pixels if value < 128) / len(pixels)
        assert 0.002 < dark < 0.5, (kind, dark)  # some print, not a blank or black page
    docs = (ROOT / "docs" / "printing.md").read_text(encoding="utf-8")
    previews = re.findall(r"\]\((assets/pack-previews/[^)]+\.png)\)", docs)
    assert len(previews) >= 5
    assert all((ROOT / "docs" / preview).is_file() for preview in previews)


def test_with_packs_off_the_site_has_no_pdfs_and_no_links_to_them(tmp_path: Path) -> None:
    root = copy_site(tmp_path)
    build = mkdocs_build(root, "--strict")  # PEERKIT_PACKS=off, as `make serve` sets
    assert build.returncode == 0, build.output
    assert not (root / "site" / "packs").exists()
    assert ".pdf" not in build.page("modules/boundaries.html")
    session = build.page("sessions/network-gathering.html")
    assert ".pdf" not in session and "Sharing back from the rooms" in session
