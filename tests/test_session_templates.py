"""Session templates true to how groups meet: the self-care bank the monthly hour names, the
network gathering's briefs, board and action log, and the group health check; each checked in
the data, by `peerkit check`, and in the printed packs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from layout import read_pages

from peerkit.load import load_folder
from peerkit.model import Curriculum
from peerkit.packs.build import Pack, build_packs, packs_for
from peerkit.render import Renderer
from peerkit.sessions.checks import check_plan, check_plans
from peerkit.sessions.ideas import BANK_FILE, load_bank, parse_bank
from peerkit.sessions.load import load_plan, parse_plan
from peerkit.sessions.model import Kind
from peerkit.sessions.view import plan_session, session_page
from peerkit.site import Service, SiteSettings

from conftest import ROOT, run_peerkit

SESSIONS = ROOT / "sessions"
SETTINGS = SiteSettings(
    organisation="Riverside Peer Network",
    signposting=[Service(name="Samaritans", phone="116 123", hours="24 hours a day")],
)
FILES, _, _ = load_folder(ROOT / "modules")
CURRICULUM = Curriculum(files=FILES)


def plan(name: str):  # type: ignore[no-untyped-def]
    plan_file, findings = load_plan(SESSIONS / f"{name}.yml")
    assert plan_file is not None and not findings, findings
    return plan_file


# --- the self-care bank ------------------------------------------------------------------


def test_reference_bank_has_at_least_eight_free_timed_ideas() -> None:
    bank, findings = load_bank(SESSIONS)
    assert bank is not None and findings == []
    ideas = bank.bank.ideas
    assert len(ideas) >= 8
    for idea in ideas:
        assert idea.cost == "free"
        assert 15 <= idea.minutes.min <= idea.minutes.max <= 20, idea.id
        assert idea.minutes.min <= sum(s.minutes for s in idea.steps) <= idea.minutes.max
        assert idea.gentler and len(idea.steps) >= 2
        words = " ".join([idea.summary, idea.gentler, *(s.text for s in idea.steps)]).lower()
        assert "cure" not in words and "£" not in words, idea.id


BAD_BANK = """\
ideas:
  - id: walk
    title: A walk
    summary: A walk that cures low mood.
    minutes: 15
    steps:
      - text: Walk.
        minutes: 10
      - text: Talk about it. Bring £5 for a coffee.
        minutes: 5
    gentler: Sit instead.
  - id: long-one
    title: Too long
    summary: Thirty minutes.
    minutes: 30
    steps:
      - text: One.
        minutes: 15
      - text: Two.
        minutes: 15
    gentler: Rest.
"""


def test_check_reports_bank_mistakes_at_their_lines(tmp_path: Path) -> None:
    path = tmp_path / BANK_FILE
    _, findings = parse_bank(path, BAD_BANK)
    # The 30-minute idea fails the model, at the line of its minutes.
    assert [(f.line, f.message) for f in findings] == [
        (15, "ideas.long-one.minutes: an idea takes 15 to 20 minutes, not 30")
    ]
    good = BAD_BANK.split("  - id: long-one")[0]
    _, findings = parse_bank(path, good)
    lines = {f.line: f.message for f in findings}
    assert "never present a self-care idea as a cure" in lines[4]
    assert "'£5': ideas in the bank are free" in lines[9]


def test_peerkit_check_reports_the_bank_and_a_plan_naming_an_unknown_idea(
    tmp_path: Path,
) -> None:
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "mutuality.md").write_text(
        (ROOT / "modules" / "mutuality.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (sessions / BANK_FILE).write_text(
        (SESSIONS / BANK_FILE).read_text(encoding="utf-8"), encoding="utf-8"
    )
    (sessions / "hour.yml").write_text(
        "title: Hour\nstart: '18:00'\navailable: 60\nitems:\n"
        "  - self_care: An idea\n    idea: three-good-thing\n    minutes: 20\n"
        "  - self_care: Another\n    idea: slow-breathing\n    minutes: 5\n",
        encoding="utf-8",
    )
    proc = run_peerkit("check", str(tmp_path / "modules"))
    assert proc.returncode == 1
    out = proc.stdout + proc.stderr
    assert (
        "hour.yml:6: no self-care idea 'three-good-thing' in the self-care bank "
        "(did you mean 'three-good-things'?)" in out
    ), out
    assert "hour.yml:10: 'slow-breathing' takes 15 minutes; this item gives it 5" in out, out
    # A mistake in the bank itself is reported at its line too.
    bank = (sessions / BANK_FILE).read_text(encoding="utf-8")
    (sessions / BANK_FILE).write_text(bank.replace("minutes: 15-20", "minutes: 25", 1))
    out = run_peerkit("check", str(tmp_path / "modules")).stdout
    line = bank.splitlines().index("    minutes: 15-20") + 1
    assert f"{BANK_FILE}:{line}: " in out and "15 to 20 minutes" in out, out


def test_an_idea_belongs_to_a_self_care_item_and_briefs_to_a_discussion() -> None:
    base = "title: T\nstart: '10:00'\navailable: 60\nitems:\n"
    _, findings = parse_plan(Path("p.yml"), base + "  - welcome: Hi\n    minutes: 5\n    idea: x\n")
    assert any("use it with 'self_care'" in f.message and f.line == 5 for f in findings)
    _, findings = parse_plan(
        Path("p.yml"), base + "  - close: Bye\n    minutes: 5\n    breakouts:\n      - title: A\n"
    )
    assert any("use them with 'discussion'" in f.message for f in findings), findings


# --- the three templates, as data ------------------------------------------------------------


def test_reference_plans_check_clean_with_the_bank() -> None:
    plans, findings = check_plans(SESSIONS, CURRICULUM)
    assert findings == []
    assert {p.id for p in plans} >= {"monthly-peer-support-hour", "network-gathering"}
    assert "group-health-check" in {p.id for p in plans}


def test_monthly_hour_names_its_idea_from_the_bank() -> None:
    hour = plan("monthly-peer-support-hour")
    [item] = [i for i in hour.plan.items or [] if i.kind is Kind.self_care]
    assert item.idea in hour.ideas
    assert item.minutes is not None and item.minutes >= hour.ideas[item.idea].minutes.min
    discussions = [i for i in hour.plan.items or [] if i.kind is Kind.discussion]
    assert discussions and all(len(i.questions) >= 2 for i in discussions)


def test_gathering_has_host_introductions_three_briefs_a_board_and_an_action_log() -> None:
    gathering = plan("network-gathering")
    items = gathering.plan.items or []
    welcome = items[0]
    assert welcome.kind is Kind.welcome and "hosts" in welcome.value
    assert welcome.text and "introduces themselves" in welcome.text
    [rooms] = [i for i in items if i.breakouts]
    titles = [b.title for b in rooms.breakouts]
    assert titles[0] == "Making our shared values real in our area"
    assert titles[1] == "What we need in our area"
    assert "speakers" in titles[2] and "ideas clinic" in titles[2]
    assert all(len(b.questions) >= 3 for b in rooms.breakouts)
    board = gathering.plan.board
    assert board is not None and len(board.areas) >= 4
    assert "Actions" in [a.title for a in board.areas]
    assert "action-log" in (gathering.plan.paperwork or [])
    assert any("who" in i.value.lower() and "by when" in i.value for i in items)


def test_group_health_check_asks_about_everything_a_group_needs() -> None:
    check = plan("group-health-check")
    questions = " ".join(q for i in check.plan.items or [] for q in i.questions).lower()
    for topic in (
        "respected",
        "say no",
        "relationships in the group changed",
        "support shared",
        "understand",
        "training",
        "small thing",
    ):
        assert topic in questions, topic
    assert check_plan(check, CURRICULUM) == []


def test_the_session_page_names_this_months_idea() -> None:
    session = plan_session(plan("monthly-peer-support-hour"), CURRICULUM, SETTINGS)
    html = session_page(Renderer(CURRICULUM), session, lambda m, a: f"{m}#{a}")
    assert "This time: Three small things" in html


# --- printed ----------------------------------------------------------------------------------


def _pdf_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("templates")
    packs: list[Pack] = []
    for name in ("monthly-peer-support-hour", "network-gathering", "group-health-check"):
        packs += packs_for(plan_session(plan(name), CURRICULUM, SETTINGS))
    build_packs(packs, out, out / "cache", SETTINGS, jobs=2)
    return {p.path.rsplit("/", 1)[1].removesuffix(".pdf"): out / p.path for p in packs}


def _inside(pdf: Path) -> None:
    for page in read_pages(pdf):
        assert not page.words_outside(margin=5.0), (pdf.name, page.number)
        assert not page.overlapping_pairs(), (pdf.name, page.number)


def test_monthly_packs_print_the_ideas_steps_and_the_discussion_questions(
    printed: dict[str, Path],
) -> None:
    bank, _ = load_bank(SESSIONS)
    assert bank is not None
    idea = bank.by_id()["three-good-things"]
    for kind in ("facilitator-pack", "participant-pack", "large-print-pack"):
        pdf = printed[f"monthly-peer-support-hour-{kind}"]
        text = _pdf_text(pdf)
        assert idea.title in text and "Free" in text
        for step in idea.steps:
            assert " ".join(step.text.split())[:50] in text, (kind, step.text)
        assert f"({idea.steps[0].minutes} min)" in text
        assert "What has helped this month, even a little?" in text
        _inside(pdf)
    runsheet = _pdf_text(printed["monthly-peer-support-hour-facilitator-pack"])
    assert "This time: Three small things" in runsheet


def test_gathering_packs_print_briefs_board_introductions_and_action_log(
    printed: dict[str, Path],
) -> None:
    facilitator = _pdf_text(printed["network-gathering-facilitator-pack"])
    for words in (
        "Breakout 1: Making our shared values real in our area",
        "Breakout 2: What we need in our area",
        "Breakout 3: What we want from these gatherings: speakers and an ideas clinic",
        "Who in our area is not being reached by peer support yet?",
        "Shared board: Our gathering board",
        "1. Our values in our area",
        "5. Actions",
        "Each host introduces themselves",
        "the action log (who, what, by when)",
    ):
        assert words in facilitator, words
    participant = _pdf_text(printed["network-gathering-participant-pack"])
    assert "Breakout 2: What we need in our area" in participant
    assert "Shared board:" not in participant  # the layout is for the hosts
    paperwork = _pdf_text(printed["network-gathering-paperwork"])
    assert "Action log: Peer support network gathering" in paperwork
    assert "Who By when" in paperwork
    show = _pdf_text(printed["network-gathering-show-sheets"])
    assert "What we need in our area" in show
    for pdf in printed.values():
        if pdf.name.startswith("network-gathering"):
            _inside(pdf)


def test_group_health_check_packs_print_its_questions(printed: dict[str, Path]) -> None:
    for kind in ("facilitator-pack", "participant-pack"):
        pdf = printed[f"group-health-check-{kind}"]
        text = _pdf_text(pdf)
        assert "Can people say no here, to a task, a question or sharing, without pressure?" in (
            text
        )
        assert "What small thing could each of us do that would make the group warmer?" in text
        _inside(pdf)
