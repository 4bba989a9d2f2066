"""PDF packs, read back with poppler and pypdf as a trainer's printer would see them."""

from __future__ import annotations

import html
import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from peerkit.load import load_folder, parse_module
from peerkit.model import Curriculum, ModuleFile
from peerkit.packs.build import Pack, build_packs, card_decks, packs_for
from peerkit.sessions.load import parse_plan, plan_paths
from peerkit.sessions.view import module_session, plan_session
from peerkit.site import Service, SiteSettings

from conftest import FIXTURES, ROOT, Build, copy_site, mkdocs_build, run_peerkit, shared_folder

pytestmark = pytest.mark.build  # PDF packs rendered by WeasyPrint, and site builds

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


@pytest.fixture(scope="session")
def mutuality_packs(request: pytest.FixtureRequest) -> dict[str, Path]:
    """The mutuality module's packs, rendered once in a test run."""
    packs = packs_for(module_session(MUTUALITY, CURRICULUM, SETTINGS))
    assert [p.kind for p in packs] == [
        "facilitator",
        "crib",
        "participant",
        "large-print",
        "show",
        "slides",
        "paperwork",
        "cards",
    ]

    def render(out: Path) -> None:
        report = build_packs(packs, out, out / "cache", SETTINGS)
        assert report.rendered == len(packs)

    out = shared_folder(request, "mutuality-packs", render)
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


def small_module(module_id: str, title: str) -> ModuleFile:
    """The minimal fixture module under another id and title: short packs, quick to render."""
    text = (
        (FIXTURES / "minimal.md")
        .read_text(encoding="utf-8")
        .replace("id: listening\n", f"id: {module_id}\n")
        .replace("listening-pairs", f"{module_id}-pairs")
        .replace("title: Listening well", f"title: {title}")
    )
    loaded, findings = parse_module(Path(f"modules/{module_id}.md"), text)
    assert loaded is not None, [f.format() for f in findings]
    return loaded


def test_the_cache_renders_only_packs_whose_content_changed(tmp_path: Path) -> None:
    plan_file, findings = parse_plan(
        Path("sessions/short.yml"),
        'title: Short\nstart: "10:00"\navailable: 60\nitems:\n  - activity: talking-pairs\n',
    )
    assert plan_file is not None, findings

    def packs(curriculum: Curriculum) -> list[Pack]:
        sessions = [module_session(m, curriculum, SETTINGS) for m in curriculum.modules]
        sessions.append(plan_session(plan_file, curriculum, SETTINGS))
        return [
            p for s in sessions for p in packs_for(s) if p.kind in ("facilitator", "participant")
        ]

    listening, talking = small_module("listening", "Listening"), small_module("talking", "Talk")
    cache = tmp_path / "cache"
    both = Curriculum(files=[listening, talking])
    first = build_packs(packs(both), tmp_path / "one", cache, SETTINGS, prune=True)
    assert (first.rendered, first.cached) == (6, 0)
    again = build_packs(packs(both), tmp_path / "two", cache, SETTINGS, prune=True)
    assert (again.rendered, again.cached) == (0, 6)
    assert (tmp_path / "one" / "packs").is_dir() and len(list(cache.glob("*.pdf"))) == 6

    # Change one module: only its own two packs render again, the others come from the cache.
    edited = Curriculum(files=[small_module("listening", "Listening again"), talking])
    changed = build_packs(packs(edited), tmp_path / "three", cache, SETTINGS)
    assert (changed.rendered, changed.cached) == (2, 4)


def test_pack_command_makes_a_plans_pdfs_and_fails_closed(tmp_path: Path) -> None:
    def pack(*args: str) -> subprocess.CompletedProcess[str]:
        return run_peerkit("pack", *args, cwd=tmp_path)

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
        "packs/sessions/monthly-peer-support-hour-slides.pdf",
    ]
    assert "Making packs" in done.stderr and "6 rendered, 0 from the cache" in done.stderr
    text = text_of(tmp_path / made[0])
    assert "peerkit reference curriculum" in text and "18:30" in text and "Breathing Space" in text

    broken = tmp_path / "sessions" / "broken.yml"
    source = (tmp_path / "sessions" / "network-gathering.yml").read_text()
    broken.write_text(source.replace("available: 120", "available: 90"))
    failed = pack("sessions/broken.yml")
    assert failed.returncode == 1
    assert failed.stderr.startswith(
        "sessions/broken.yml:10: the plan runs 120 minutes, 30 over the 90 available"
    )
    assert not (tmp_path / "packs" / "sessions" / "broken-facilitator-pack.pdf").exists()


def test_site_links_every_module_and_session_page_to_its_packs(reference_build: Build) -> None:
    for module_file in FILES:
        module = module_file.module
        page = reference_build.page(f"modules/{module.id}.html")
        kinds = ["facilitator-pack", "participant-pack", "large-print-pack", "paperwork"]
        kinds += ["show-sheets"] if any(a.show for a in module.activities) else []
        kinds += ["slides"]
        kinds += ["cards"] if any(a.cards for a in module.activities) else []
        for kind in kinds:
            href = f"../packs/modules/{module.id}-{kind}.pdf"
            assert f'href="{href}" download' in page, (module.id, kind)
            assert (
                reference_build.site / "packs" / "modules" / f"{module.id}-{kind}.pdf"
            ).is_file()
    for plan in plan_paths(ROOT / "sessions"):
        page = reference_build.page(f"sessions/{plan.stem}.html")
        for kind in (
            "facilitator-pack",
            "participant-pack",
            "large-print-pack",
            "slides",
            "paperwork",
        ):
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


Box = tuple[float, float, float, float]


def first_page_words(pdf: Path) -> tuple[float, float, list[tuple[Box, str]]]:
    """The first page's width and height and each word on it with its box, in points, as
    poppler lays them out (what a printer prints)."""
    command = ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', out)
    assert page is not None
    words = [
        ((float(x0), float(y0), float(x1), float(y1)), html.unescape(word))
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<',
            out,
        )
    ]
    return float(page[1]), float(page[2]), words


def overlap(a: Box, b: Box) -> bool:
    """More than a hairline in common: one word printed over another."""
    return min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1


def test_first_pages_are_a4_with_their_words_inside_the_page_and_none_overprinted(
    mutuality_packs: dict[str, Path],
) -> None:
    margin = 10  # points, 3.5 mm: no printer prints to the very edge of the sheet
    for kind, pdf in mutuality_packs.items():
        width, height, words = first_page_words(pdf)
        # An A4 page: the show sheets landscape, for a screen or a wall; the rest portrait;
        # the slides 16:9 (10 by 5.625 inches), for a projector.
        a4 = {"show": (842, 595), "slides": (720, 405)}.get(kind, (595, 842))
        assert (round(width), round(height)) == a4, kind
        assert len(words) >= 5, kind
        for box, word in words:
            x0, y0, x1, y1 = box
            inside = margin <= x0 < x1 <= width - margin and margin <= y0 < y1 <= height - margin
            assert inside, (kind, word, box)
        for (a, first), (b, second) in itertools.combinations(words, 2):
            assert not overlap(a, b), (kind, first, second)


@pytest.mark.parametrize("kind", ["facilitator", "participant"])
def test_the_cover_names_the_organisation_the_pack_and_leads_with_the_title(
    mutuality_packs: dict[str, Path], kind: str
) -> None:
    _, _, words = first_page_words(mutuality_packs[kind])
    text = " ".join(word for _, word in words)
    parts = ["Riverside Peer Network", f"{kind.upper()} PACK", MUTUALITY.title]
    assert all(part in text for part in parts), text
    assert [text.index(part) for part in parts] == sorted(text.index(part) for part in parts)
    tallest = max(y1 - y0 for (_, y0, _, y1), _ in words)
    largest = [word for (_, y0, _, y1), word in words if y1 - y0 > tallest - 1]
    assert " ".join(largest) == MUTUALITY.title  # the biggest type on the page is the title


def test_card_sheets_start_with_the_first_cards_to_cut_out(
    mutuality_packs: dict[str, Path],
) -> None:
    _, _, words = first_page_words(mutuality_packs["cards"])
    text = " ".join(word for _, word in words)
    activity = next(a for a in MUTUALITY.activities if a.cards)
    assert activity.cards is not None
    first = activity.cards.sort_into or activity.cards.items
    for card in first[:8]:
        assert squash(card) in text, card


def preview_sources() -> dict[str, tuple[str, int]]:
    """What `make previews` renders: each preview's file name, with the pack (in a built
    site) and the page it is made from, read from the Makefile's recipe."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    recipe = makefile[makefile.index("\npreviews:") :].split("\n\n")[0]
    sources = {}
    for line in recipe.splitlines():
        found = re.search(r"(site/packs/\S+\.pdf) \$\(PREVIEWS\)/([\w-]+)-(\$\$page|\d+)", line)
        if found:
            pdf, name, page = found.groups()
            pages = re.search(r"for page in ([\d ]+);", line) if page == "$$page" else None
            for number in pages[1].split() if pages else [page]:
                sources[f"{name}-{number}.png"] = (pdf.removeprefix("site/"), int(number))
    return sources


def test_the_printing_guides_previews_are_the_pages_the_packs_print(
    reference_build: Build, tmp_path: Path
) -> None:
    """Each preview in docs/printing.md is, pixel for pixel (near enough), the page of the
    pack it was made from as the packs print it now: not another page, not a stale one."""
    from PIL import Image, ImageChops

    docs = (ROOT / "docs" / "printing.md").read_text(encoding="utf-8")
    previews = re.findall(r"\]\(assets/pack-previews/([^)]+\.png)\)", docs)
    sources = preview_sources()
    assert len(previews) >= 5 and set(previews) <= set(sources), set(previews) - set(sources)
    for name in previews:
        pdf, page = sources[name]
        fresh = tmp_path / name.removesuffix(".png")
        command = ["pdftoppm", "-png", "-r", "40", "-f", str(page), "-l", str(page)]
        subprocess.run([*command, "-singlefile", reference_build.site / pdf, fresh], check=True)
        shown = Image.open(ROOT / "docs" / "assets" / "pack-previews" / name).convert("L")
        printed = Image.open(fresh.with_suffix(".png")).convert("L")
        assert shown.size == printed.size, name
        difference = ImageChops.difference(shown, printed)
        differing = sum(difference.point(lambda v: 255 if v > 64 else 0).histogram()[255:])
        # Ink on a page covers a tenth of it or more: another page differs in many percent.
        assert differing / (shown.width * shown.height) < 0.002, (
            f"{name} is not page {page} of {pdf} as it prints now: run `make previews`"
        )


def test_with_packs_off_the_site_has_no_pdfs_and_no_links_to_them(tmp_path: Path) -> None:
    module = (FIXTURES / "minimal.md").read_text(encoding="utf-8")
    root = copy_site(tmp_path, modules={"listening.md": module})
    (root / "sessions").mkdir()
    (root / "sessions" / "short.yml").write_text(
        'title: Short\nstart: "10:00"\navailable: 60\nitems:\n  - activity: listening-pairs\n',
        encoding="utf-8",
    )
    build = mkdocs_build(root, "--strict")  # PEERKIT_PACKS=off, as `make serve` sets
    assert build.returncode == 0, build.output
    assert not (root / "site" / "packs").exists()
    assert ".pdf" not in build.page("modules/listening.html")
    session = build.page("sessions/short.html")
    assert ".pdf" not in session and "Listening in pairs" in session
