"""What the packs print, read back page by page: show sheets, paperwork, large print, session
packs with their own content, per-day course packs, and run-sheets that agree with the module."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from statistics import median
from textwrap import dedent

import pytest

from peerkit.checks import run_checks
from peerkit.load import load_folder, parse_module
from peerkit.model import Curriculum, Module
from peerkit.packs.build import LABELS, Pack, PrintTemplates, build_packs, packs_for
from peerkit.packs.handout import handout_html
from peerkit.sessions.agenda import (
    LONGEST_ONLINE_STRETCH,
    LONGEST_STRETCH,
    break_position,
    stretches,
    with_screen_breaks,
)
from peerkit.sessions.checks import check_plan
from peerkit.sessions.load import load_plan, parse_plan, plan_paths
from peerkit.sessions.model import Kind
from peerkit.sessions.view import module_session, plan_session
from peerkit.site import Brand, Service, SiteSettings

from conftest import ROOT

SETTINGS = SiteSettings(
    organisation="Riverside Peer Network",
    signposting=[Service(name="Samaritans", phone="116 123", hours="24 hours a day")],
    brand=Brand(primary="#7a1f5c"),
)
FILES, _, _ = load_folder(ROOT / "modules")
CURRICULUM = Curriculum(files=FILES)
RUNNING = ("Riverside Peer Network",)


def module(module_id: str) -> Module:
    found = CURRICULUM.module(module_id)
    assert found is not None
    return found


def pages(pdf: Path) -> list[str]:
    """Each page's words, with the running header and page number taken away."""
    out = []
    for number in range(1, _page_count(pdf) + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
        text = " ".join(text.split())
        text = re.sub(r"Page \d+ of \d+", "", text)
        for running in RUNNING:
            text = text.replace(running, "", 1).strip()
        for label in sorted(LABELS.values(), key=len, reverse=True):
            if text.startswith(label):
                text = text[len(label) :]
                break
        out.append(text.strip())
    return out


def _page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    match = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert match
    return int(match[1])


def assert_no_blank_or_heading_only_page(pdf: Path) -> None:
    """Every page carries more than a heading: a page of a dozen words or fewer is a page
    printed for nothing (an empty section, or a heading whose content went over the page)."""
    for number, text in enumerate(pages(pdf), start=1):
        assert len(text.split()) > 12, f"{pdf.name} p.{number} is (nearly) empty: {text!r}"


def assert_no_overprinted_words(pdf: Path) -> None:
    """No two words' boxes overlap: text overflowing its box runs into other text."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for number, page in enumerate(out.split("<page ")[1:], start=1):
        boxes = [
            tuple(map(float, found))
            for found in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', page
            )
        ]
        for i, (x1, y1, x2, y2) in enumerate(boxes):
            for a1, b1, a2, b2 in boxes[i + 1 :]:
                overlap_x = min(x2, a2) - max(x1, a1)
                overlap_y = min(y2, b2) - max(y1, b1)
                assert overlap_x <= 1 or overlap_y <= 1, f"{pdf.name} p.{number}: words overlap"


def word_heights(pdf: Path, page: int) -> list[float]:
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        float(y2) - float(y1)
        for y1, y2 in re.findall(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', out
        )
    ]


def built(packs: list[Pack], out: Path) -> dict[str, Path]:
    build_packs(packs, out, out / "cache", SETTINGS, jobs=2)
    return {p.path.rsplit("/", 1)[1]: out / p.path for p in packs}


# --- run-sheets and breaks ---------------------------------------------------------------


def test_each_module_run_sheet_puts_the_break_where_the_module_says() -> None:
    for module_file in FILES:
        m = module_file.module
        assert m.break_after, m.id
        day = module_session(m, CURRICULUM, SETTINGS).days[0]
        kinds = [e.kind for e in day.entries]
        at = kinds.index(Kind.break_)
        assert day.entries[at - 1].activity is not None
        assert day.entries[at - 1].activity.id == m.break_after, m.id
        # The break in the module's own suggested plan, in its notes, comes after the same one.
        assert m.activities[break_position(m)].id == m.break_after
        longest = max(minutes for _, minutes in stretches(day.entries))
        assert longest <= LONGEST_STRETCH, (m.id, longest)


def test_trauma_informed_heads_into_the_break_at_the_break() -> None:
    session = module_session(module("trauma-informed"), CURRICULUM, SETTINGS)
    times = {e.title: e.start.strftime("%H:%M") for e in session.days[0].entries}
    assert times["Break"] == "11:10"


def _edited(module_id: str, old: str, new: str) -> list[str]:
    path = ROOT / "modules" / f"{module_id}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    edited, findings = parse_module(path, text.replace(old, new, 1))
    assert edited is not None, findings
    files = [edited if f.module.id == module_id else f for f in FILES]
    return [f.format(ROOT) for f in run_checks(files)]


def test_check_flags_a_step_that_leads_into_the_break_somewhere_else() -> None:
    line = "break_after: trauma-informed-principles-in-practice"
    moved = _edited("trauma-informed", line, "break_after: trauma-informed-noticing-distress")
    text = (ROOT / "modules" / "trauma-informed.md").read_text(encoding="utf-8")
    step_line = next(
        n for n, row in enumerate(text.splitlines(), 1) if "Head into the break" in row
    )
    assert moved == [
        f"modules/trauma-informed.md:{step_line}: activities.trauma-informed-principles-in-"
        "practice: a step leads into the break, but the run-sheet's break follows "
        "'trauma-informed-noticing-distress'",
        "modules/trauma-informed.md:8: warning: the run-sheet goes 105 minutes without a "
        "break (from 'Welcome, introductions and group agreement' to 'Noticing distress and "
        "responding with care'); most groups need one by 90: set break_after",
    ]
    # Without break_after the break falls halfway, after the wrong activity: the same step
    # is reported, with what to add.
    gone = _edited("trauma-informed", line + "   #", "#")
    assert any("add 'break_after: trauma-informed-principles-in-practice'" in f for f in gone)


def test_check_flags_a_long_stretch_and_a_next_activity_out_of_order() -> None:
    long = _edited(
        "understanding-power",
        "break_after: understanding-power-whose-choice",
        "break_after: understanding-power-who-decides",
    )
    assert any("warning: the run-sheet goes 120 minutes without a break" in f for f in long), long
    last = _edited(
        "self-care",
        "- Close with a quiet moment (1 minute).",
        "- Say the next activity is A peer debrief after a hard session. Close with a quiet "
        "moment (1 minute).",
    )
    assert any(
        "a step calls 'A peer debrief after a hard session' the next activity, but 'Making a "
        "simple self-care plan' comes next" in f
        for f in last
    ), last


def test_plan_check_flags_breaks_that_disagree_with_the_module() -> None:
    source = (ROOT / "sessions" / "six-week-course.yml").read_text(encoding="utf-8")
    before = source.replace(
        "      - activity: trauma-informed-principles-in-practice\n"
        "      - break: Break\n        minutes: 15\n"
        "      - activity: trauma-informed-noticing-distress\n",
        "      - activity: trauma-informed-principles-in-practice\n"
        "      - activity: trauma-informed-noticing-distress\n"
        "      - break: Break\n        minutes: 15\n",
    )
    assert before != source
    plan_file, findings = parse_plan(Path("sessions/six-week-course.yml"), before)
    assert plan_file is not None, findings
    messages = [f.format() for f in check_plan(plan_file, CURRICULUM)]
    assert any(
        "Week 4: Trauma-informed peer support: a step of 'The principles in everyday moments' "
        "leads into the break, but 'Noticing distress and responding with care' follows it" in m
        for m in messages
    ), messages
    assert any("105 minutes without a break" in m for m in messages), messages
    for path in plan_paths(ROOT / "sessions"):
        plan_file, findings = load_plan(path)
        assert plan_file is not None and not findings
        assert check_plan(plan_file, CURRICULUM) == []


def test_online_run_sheet_adds_a_screen_break_at_least_every_50_minutes() -> None:
    for m in CURRICULUM.modules:
        day = module_session(m, CURRICULUM, SETTINGS).days[0]
        online = with_screen_breaks(day)
        for run, minutes in stretches(online.entries):
            assert minutes <= 60, (m.id, [e.title for e in run])
            if len(run) > 1 and minutes > 60:
                assert minutes <= LONGEST_ONLINE_STRETCH
        screen = [e for e in online.entries if e.title.startswith("Screen break")]
        assert screen, m.id  # every module has a stretch over an hour in the room
        assert online.minutes == day.minutes + 5 * len(screen)
        assert online.entries[-1].end == online.end
    # A monthly hour is one stretch of an hour: no screen break.
    plan_file, _ = load_plan(ROOT / "sessions" / "monthly-peer-support-hour.yml")
    assert plan_file is not None
    session = plan_session(plan_file, CURRICULUM, SETTINGS)
    assert session.online and session.online_days == []


# --- module data ---------------------------------------------------------------------


def test_what_a_step_says_to_put_on_a_slide_is_a_show_sheet() -> None:
    slide = re.compile(r"\bslides?\b|\bposter or slide\b", re.IGNORECASE)
    for m in CURRICULUM.modules:
        for activity in m.activities:
            said = [
                t
                for t in [*activity.materials, *activity.preparation]
                if slide.search(t) and "support list" not in t
            ]
            if said:
                assert activity.show, (activity.id, said)
            for sheet in activity.show:
                assert len(sheet.body) <= 700


def test_handout_sub_headings_and_writing_space() -> None:
    handout = module("self-care").handout("self-care-my-plan")
    assert handout is not None
    html = str(handout_html(handout.body))
    assert '<h3 class="sub">What helps me feel like myself</h3>' in html
    assert '<h3 class="sub">If things get harder</h3>' in html
    assert html.count('<div class="write"') == 9
    assert "....." not in html
    # A sentence, a list item or a long line is never taken for a heading.
    assert "<h3" not in str(handout_html("Keep it short.\n\n- A list item\n\n" + "x " * 40))


# --- the packs, rendered -----------------------------------------------------------------


@pytest.fixture(scope="module")
def monthly(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    plan_file, _ = load_plan(ROOT / "sessions" / "monthly-peer-support-hour.yml")
    assert plan_file is not None
    session = plan_session(plan_file, CURRICULUM, SETTINGS)
    return built(packs_for(session), tmp_path_factory.mktemp("monthly"))


def test_monthly_hour_packs_print_the_idea_and_no_empty_section(
    monthly: dict[str, Path],
) -> None:
    assert sorted(monthly) == [
        "monthly-peer-support-hour-facilitator-pack.pdf",
        "monthly-peer-support-hour-large-print-pack.pdf",
        "monthly-peer-support-hour-paperwork.pdf",
        "monthly-peer-support-hour-participant-pack.pdf",
        "monthly-peer-support-hour-show-sheets.pdf",
        "monthly-peer-support-hour-slides.pdf",
    ]
    for pdf in monthly.values():
        assert_no_blank_or_heading_only_page(pdf)
        assert_no_overprinted_words(pdf)
    participant = " ".join(pages(monthly["monthly-peer-support-hour-participant-pack.pdf"]))
    assert "Three small things" in participant and "(3 min)" in participant
    assert "What did you notice when you looked back over the week?" in participant
    for empty in ("Reflection sheets", "About this material", "Preparation", "times assume"):
        assert empty not in participant, empty
    assert "Length 1 hour" in participant
    facilitator = " ".join(pages(monthly["monthly-peer-support-hour-facilitator-pack.pdf"]))
    assert "What each part shares" in facilitator and "Three small things" in facilitator
    for empty in ("Preparation", "About this material", "Online run-sheet"):
        assert empty not in facilitator, empty
    assert _page_count(monthly["monthly-peer-support-hour-participant-pack.pdf"]) == 6


def test_show_sheets_one_landscape_page_each_then_the_support_list(
    monthly: dict[str, Path], tmp_path: Path
) -> None:
    show = pages(monthly["monthly-peer-support-hour-show-sheets.pdf"])
    assert len(show) == 1 + 3 + 1  # a list of sheets, three sets of questions, support
    assert show[1].startswith("Self-care idea Three small things")
    assert "Where to find support" in show[-1] and "Samaritans: 116 123" in show[-1]
    m = module("boundaries")
    session = module_session(m, CURRICULUM, SETTINGS)
    [pack] = [p for p in packs_for(session) if p.kind == "show"]
    pdf = built([pack], tmp_path)[pack.path.rsplit("/", 1)[1]]
    sheets = [s for a in m.activities for s in a.show]
    texts = pages(pdf)
    assert len(texts) == len(sheets) + 2  # each sheet on one page: nothing overflows
    assert_no_overprinted_words(pdf)
    for sheet, text in zip(sheets, texts[1:], strict=False):
        assert sheet.title in text
        assert " ".join(sheet.body.split())[:40].lstrip("- ") in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)", info)  # landscape
    # Large type: the body of a sheet is at least twice the size of a pack's 11 pt text.
    assert median(word_heights(pdf, 2)) > 2 * 11


def test_paperwork_for_a_gathering_and_a_course(monthly: dict[str, Path], tmp_path: Path) -> None:
    paper = pages(monthly["monthly-peer-support-hour-paperwork.pdf"])
    assert len(paper) == 3
    assert "Sign-in sheet" in paper[0] and "Access needs" in paper[0] and "Contact?" in paper[0]
    assert "15" in paper[0].split()  # fifteen rows on one page
    assert "I felt safe and welcome." in paper[1] and "What I will take forward" in paper[1]
    assert "Action log" in paper[2] and "By when" in paper[2] and "Who" in paper[2]
    assert not any("Certificate" in p for p in paper)

    source = (ROOT / "sessions" / "six-week-course.yml").read_text(encoding="utf-8")
    source = source.replace("available: 180\n", "available: 180\nattendees: [Amira Khan, Sam]\n", 1)
    plan_file, findings = parse_plan(Path("sessions/course.yml"), source)
    assert plan_file is not None, findings
    session = plan_session(plan_file, CURRICULUM, SETTINGS)
    [pack] = [p for p in packs_for(session) if p.kind == "paperwork"]
    course_pdf = built([pack], tmp_path)[pack.path.rsplit("/", 1)[1]]
    assert_no_overprinted_words(course_pdf)
    course = pages(course_pdf)
    # A sign-in sheet and a feedback form for each of six weeks, a certificate per person.
    assert len(course) == 6 + 2 + 6
    assert sum("Sign-in sheet: Week" in p for p in course) == 6
    certificates = [p for p in course if "Certificate of attendance" in p]
    assert [("Amira Khan" in c, "Sam" in c) for c in certificates] == [(True, False), (False, True)]
    assert "6 sessions" in certificates[0] and "Covering: Peer support in mental" in certificates[0]
    assert sum("Your feedback: Week" in p for p in course) == 6
    assert not any("Action log" in p for p in course)


def test_large_print_pack_is_18pt_with_room_to_write(tmp_path: Path) -> None:
    session = module_session(module("self-care"), CURRICULUM, SETTINGS)
    wanted = [p for p in packs_for(session) if p.kind in ("participant", "large-print")]
    made = built(wanted, tmp_path)
    regular = made["self-care-participant-pack.pdf"]
    large = made["self-care-large-print-pack.pdf"]
    for pdf in (regular, large):
        assert_no_blank_or_heading_only_page(pdf)
        assert_no_overprinted_words(pdf)
    regular_pages, large_pages = pages(regular), pages(large)
    assert len(large_pages) > len(regular_pages)
    # The agenda page: text in large print is at least 18/11 the height of the regular text.
    at = next(i for i, p in enumerate(large_pages) if p.startswith("Agenda")) + 1
    at_regular = next(i for i, p in enumerate(regular_pages) if p.startswith("Agenda")) + 1
    assert median(word_heights(large, at)) >= 1.5 * median(word_heights(regular, at_regular))
    # Covers say how long the session is, not clock times a module only assumes.
    assert "Length 2 hours 50 minutes, with a break" in large_pages[0]
    assert "times assume" not in " ".join(large_pages) and "10:00" not in large_pages[0]
    # The self-care plan: its sub-headings, each with its own ruled space.
    plan = next(p for p in regular_pages if p.startswith("My self-care plan"))
    assert "What helps me feel like myself" in plan and "..." not in plan


def test_a_course_gets_a_participant_pack_per_day(tmp_path: Path) -> None:
    plan_file, _ = load_plan(ROOT / "sessions" / "six-week-course.yml")
    assert plan_file is not None
    session = plan_session(plan_file, CURRICULUM, SETTINGS)
    packs = packs_for(session)
    days = [p for p in packs if p.day is not None]
    assert [p.path for p in days] == [
        f"packs/sessions/six-week-course-day-{n}-participant-pack.pdf" for n in range(1, 7)
    ]
    assert days[3].label == "Week 4: Trauma-informed peer support: Participant pack"
    pdf = built([days[3]], tmp_path)["six-week-course-day-4-participant-pack.pdf"]
    text = pages(pdf)
    assert "Peer support training course (six weeks)" in text[0]
    assert "Week 4: Trauma-informed peer support" in text[0]
    joined = " ".join(text)
    assert "Noticing distress and responding with care" in joined
    assert "Saying no kindly and clearly" not in joined  # week 5's
    assert_no_blank_or_heading_only_page(pdf)


def test_covers_carry_the_logo_and_colour(tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), "#7a1f5c").save(logo)
    settings = SETTINGS.model_copy(update={"logo": str(logo)})
    session = module_session(module("mutuality"), CURRICULUM, settings)
    html = PrintTemplates().html("participant", session, settings)
    assert 'src="data:image/png;base64,' in html and "#7a1f5c" in html
    [pack] = [p for p in packs_for(session) if p.kind == "participant"]
    build_packs([pack], tmp_path, tmp_path / "cache", settings)
    listing = subprocess.run(
        ["pdfimages", "-f", "1", "-l", "1", "-list", str(tmp_path / pack.path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.search(r"^\s+1\s+\d+\s+image\s+120\s+40", listing, re.MULTILINE), listing


def test_site_settings_find_the_logo(tmp_path: Path) -> None:
    from peerkit.site import check_config, settings_from_config

    (tmp_path / "docs" / "assets").mkdir(parents=True)
    (tmp_path / "docs" / "assets" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        dedent(
            """\
            site_name: Riverside
            theme: {name: material, logo: assets/logo.svg}
            plugins: [peerkit]
            """
        ),
        encoding="utf-8",
    )
    assert settings_from_config(config).logo == str(tmp_path / "docs" / "assets" / "logo.svg")
    config.write_text(
        "site_name: Riverside\nplugins:\n  - peerkit:\n      logo: missing.png\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"plugins\.peerkit\.logo: no file missing\.png"):
        settings_from_config(config)
    settings, findings = check_config(config)  # what `peerkit check` reports, at its line
    assert settings is None
    assert [f.format(tmp_path) for f in findings] == [
        "mkdocs.yml:4: plugins.peerkit.logo: no file missing.png beside mkdocs.yml"
    ]


def test_the_longest_show_sheets_allowed_still_fit_one_page(tmp_path: Path) -> None:
    """A show sheet at the model's limits (80-character title, 700-character body) and a plan
    item with five 120-character questions each print on exactly one page."""
    words = "Remember that everyone here chose to come today, and that listening counts. " * 10
    body = "\n\n".join([words[:230].strip(), words[:230].strip(), words[:236].strip()])
    assert 690 <= len(body) <= 700
    title = ("A long heading for a show sheet that runs " * 3)[:80].strip()
    path = ROOT / "modules" / "boundaries.md"
    text = path.read_text(encoding="utf-8")
    item = f"      - title: {title}\n        body: |\n" + "".join(
        f"          {line}\n" if line else "\n" for line in body.split("\n")
    )
    # The long sheet goes last in the last activity's list of show sheets.
    closing = "    handouts: [boundaries-ways-to-say-no, boundaries-when-crossed]\n    show:\n"
    assert closing in text
    before, after = text.split(closing, 1)
    rest = after.split("\n---\n", 1)
    # The module's versions follow its activities in the front-matter.
    activities, versions, later = rest[0].partition("\nversions:\n")
    edited, findings = parse_module(
        path,
        before
        + closing
        + activities
        + "\n"
        + item.rstrip("\n")
        + versions
        + later
        + "\n---\n"
        + rest[1],
    )
    assert edited is not None, findings
    question = ("Which small thing would you like to take away from tonight, and who could " * 2)[
        :120
    ].strip()
    plan_file, found = parse_plan(
        Path("sessions/long.yml"),
        dedent(
            f"""\
            title: Long questions
            start: "10:00"
            available: 60
            items:
              - discussion: Time to talk
                minutes: 60
                questions: [{", ".join(f'"{question}"' for _ in range(5))}]
            """
        ),
    )
    assert plan_file is not None, found
    curriculum = Curriculum(files=[edited if f.module.id == "boundaries" else f for f in FILES])
    sessions = [
        module_session(edited.module, curriculum, SETTINGS),
        plan_session(plan_file, curriculum, SETTINGS),
    ]
    packs = [p for s in sessions for p in packs_for(s) if p.kind == "show"]
    made = built(packs, tmp_path)
    boundaries = pages(made["boundaries-show-sheets.pdf"])
    sheets = [s for a in edited.module.activities for s in a.show]
    assert len(boundaries) == len(sheets) + 2
    assert title in boundaries[-2] and boundaries[-2].endswith(words[:236].strip()[-30:])
    long = pages(made["long-show-sheets.pdf"])
    assert len(long) == 3 and long[1].count("•") == 5
    for pdf in made.values():
        assert_no_overprinted_words(pdf)


def test_the_module_page_shows_what_to_put_on_a_slide() -> None:
    from peerkit.render import Renderer

    from conftest import page_html

    [boundaries] = [f for f in FILES if f.module.id == "boundaries"]
    html = page_html(Renderer(CURRICULUM), boundaries)
    assert "<h3" in html and "To show the room" in html
    assert "<strong>A kind no: Warm, Clear, Offer</strong>" in html
    assert "Warm: show you have heard what is behind the ask." in html
