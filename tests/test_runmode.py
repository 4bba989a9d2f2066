"""Run mode (issue 16): a session on a projector, the presenter view in step beside it, and
the same screens as 16:9 slides in the packs."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import yaml
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader

from peerkit.load import load_folder
from peerkit.model import Curriculum
from peerkit.runmode import items_of, screens_of
from peerkit.runmode.page import run_page
from peerkit.runmode.plan import plan_run_page
from peerkit.runmode.screens import step_minutes
from peerkit.runmode.site import with_run_link
from peerkit.sessions.checks import check_plans
from peerkit.sessions.view import Session, module_session, plan_session, sessions_of
from peerkit.site import Service, SiteSettings

from browser import axe_violations, serve
from conftest import FIXTURES, ROOT, Build

SETTINGS = SiteSettings(signposting=[Service(name="Samaritans", phone="116 123")])
FILES, _, _ = load_folder(ROOT / "modules")
CURRICULUM = Curriculum(files=FILES)
PLANS, _ = check_plans(ROOT / "sessions", CURRICULUM)
MONTHLY = "monthly-peer-support-hour"
RUN_MONTHLY = f"run/sessions/{MONTHLY}.html"


def plan(plan_id: str) -> Session:
    found = next(p for p in PLANS if p.id == plan_id)
    return plan_session(found, CURRICULUM, SETTINGS)


def module(module_id: str) -> Session:
    found = CURRICULUM.module(module_id)
    assert found is not None
    return module_session(found, CURRICULUM, SETTINGS)


# --- screens from the plan ----------------------------------------------------------------


def test_a_module_runs_welcome_then_each_activity_with_its_sheets_questions_and_close() -> None:
    session = module("self-care")
    screens = screens_of(session)
    kinds = [s.kind for s in screens]
    assert kinds[0] == "welcome" and "group agreement" in str(
        run_page(session, SETTINGS, assets="", back="")
    )
    assert kinds.count("break") == 1
    for entry_index, item in enumerate(items_of(session)):
        mine = [s for s in screens if s.item == entry_index]
        assert mine, item.title
    activity = session.activities[0][1]
    titles = [s.heading for s in screens]
    assert activity.title in titles
    for sheet in activity.show:
        assert sheet.title in titles
    questions = [s for s in screens if s.kind == "questions"]
    assert [p.text for p in activity.reflection] == list(questions[0].questions)
    # The break says when to come back, from the plan's clock.
    pause = next(s for s in screens if s.kind == "break")
    entry = next(e for e in session.entries if e.kind.value == "break")
    assert pause.back_at == entry.end


def test_content_notes_come_before_their_activity_and_can_be_skipped() -> None:
    session = module("self-care")
    screens = screens_of(session)
    notes = [s for s in screens if s.kind == "note"]
    assert notes
    for note in notes:
        after = screens[note.number]  # the screen after the note (numbers start at 1)
        first_of_activity = next(s for s in screens if s.item == note.item and s.kind == "activity")
        assert after.kind in ("note", "activity") and first_of_activity.number > note.number
        # S skips to the first screen of the next item, past every screen of this activity.
        assert note.skip_to is not None
        landing = screens[note.skip_to - 1]
        assert landing.item == note.item + 1
        assert all(s.item == note.item for s in screens[note.number : note.skip_to - 1])
    module_notes = CURRICULUM.module("self-care").content_notes  # type: ignore[union-attr]
    shown = [p for s in notes for p in s.points]
    assert all(n in shown for n in module_notes)


def test_screens_show_participants_what_to_do_not_the_facilitators_notes() -> None:
    session = module("self-care")
    html = run_page(session, SETTINGS, assets="", back="")
    screens_html = html.split('<div id="run-plan"', 1)[0]
    for _, activity in session.activities:
        assert activity.facilitator_notes
        first = activity.facilitator_notes.split("\n")[0][:60]
        assert first not in screens_html.replace("&#34;", '"').replace("&#39;", "'")
        assert activity.steps[0][:40] not in screens_html
    # The presenter view has them (from the data attribute, drawn with textContent).
    assert "Groups often fill" in json.dumps(_data(html, "run-plan"))


class _Tags(HTMLParser):
    """Every start tag of a page, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def _data(html: str, element_id: str) -> Any:
    """The JSON a run page's script reads from the element's data-json attribute."""
    found = [a for _, a in _tags(html) if a.get("id") == element_id]
    assert len(found) == 1, element_id
    return json.loads(found[0]["data-json"] or "")


HOSTILE = "</script><!--<script>alert(1)</script>\"'><img src=x onerror=alert(2)>&amp;"


def test_front_matter_text_never_becomes_markup_in_run_pages(tmp_path: Path) -> None:
    text = (FIXTURES / "minimal.md").read_text(encoding="utf-8")
    quoted = yaml.safe_dump(HOSTILE, width=1000).removesuffix("\n...\n").strip()
    for line, hostile in (
        ("title: Listening well", f"title: {quoted}"),
        ("title: Listening in pairs", f"title: {quoted}"),
        ("  - Pair up.", f"  - {quoted}"),
        ("alternative: Watch", f"facilitator_notes: {quoted}\n    alternative: Watch"),
        ("themes: [listening]", f"content_notes: [{quoted}]\nthemes: [listening]"),
    ):
        assert line in text
        text = text.replace(line, hostile)
    (tmp_path / "listening.md").write_text(text, encoding="utf-8")
    files, findings, _ = load_folder(tmp_path)
    assert files and not findings, findings
    curriculum = Curriculum(files=files)
    found = curriculum.module("listening")
    assert found is not None and found.title == HOSTILE
    pages = {
        "module": run_page(
            module_session(found, curriculum, SETTINGS), SETTINGS, assets="", back=""
        ),
        "plan": plan_run_page(curriculum, SETTINGS, assets="", back=""),
    }
    for name, html in pages.items():
        tags = _tags(html)
        # Only the page's own scripts (from files) and elements; nothing the text opened.
        assert all(a.get("src") for t, a in tags if t == "script"), name
        assert not [t for t, _ in tags if t == "img"], name
        assert not any(k.startswith("on") for _, a in tags for k in a), name
        assert "<!--" not in html and "<script>alert" not in html, name
        assert "&amp;lt;" not in html, name  # escaped once, not twice
    # The scripts read the text back exactly as written, as data.
    plan_data = _data(pages["module"], "run-plan")
    activity = next(i for i in plan_data["items"] if i["kind"] == "activity")
    assert activity["title"] == HOSTILE and activity["steps"][0]["text"] == HOSTILE
    assert HOSTILE in activity["notes"]
    library = _data(pages["plan"], "run-library")
    assert library["activities"]["listening-pairs"]["title"] == HOSTILE
    assert library["activities"]["listening-pairs"]["notes"] == [HOSTILE]


def test_steps_carry_the_minutes_they_give_themselves() -> None:
    assert step_minutes("Introduce the activity (3 minutes). Say") == 3
    assert step_minutes("Invite people into groups (8-10 minutes, including forming groups)") == 10
    assert step_minutes("Read it out, scene by scene") is None
    steps = items_of(module("self-care"))[1].steps
    assert [s.minutes for s in steps][:3] == [3, 3, 10]


def test_item_timing_is_the_plans_own() -> None:
    session = plan(MONTHLY)
    items = items_of(session)
    entries = session.entries
    assert [i.minutes for i in items] == [e.minutes for e in entries]
    assert [i.start for i in items] == [e.start for e in entries]
    assert [i.offset for i in items] == [0, 10, 30, 55]


def test_a_page_links_to_run_mode_and_to_each_versions() -> None:
    page = '<h1>Self-care</h1><dl class="peerkit-glance"></dl>'
    runs = [(None, "run/modules/self-care.html"), ("Short version", "run/modules/sc-short.html")]
    linked = with_run_link(page, "modules/self-care.html", runs)
    assert linked.index('class="peerkit-run"') < linked.index("peerkit-glance")
    assert '<a href="../run/modules/self-care.html">Run it on a projector</a>' in linked
    assert '<a href="../run/modules/sc-short.html">Run the short version on a projector' in linked


# --- slides in the packs ------------------------------------------------------------------


def test_every_module_and_session_has_slides_a_page_per_screen(reference_build: Build) -> None:
    sessions = sessions_of(CURRICULUM, PLANS, SETTINGS)
    # Every module (and each of its versions, which are sessions of their own) and every plan.
    ids = {s.id for s in sessions}
    assert {f.module.id for f in FILES} | {p.id for p in PLANS} <= ids
    for session in sessions:
        pdf = reference_build.site / "packs" / f"{session.source}s" / f"{session.id}-slides.pdf"
        reader = PdfReader(pdf)
        assert len(reader.pages) == len(screens_of(session)), session.id
        box = reader.pages[0].mediabox
        assert round(float(box.width) / float(box.height), 2) == round(16 / 9, 2)
        assert session.title.split()[0] in reader.pages[0].extract_text()
        # A module's versions are linked from the module's own page.
        module_page = f"modules/{session.modules[0].id if session.modules else session.id}.html"
        page = reference_build.page(
            f"sessions/{session.id}.html" if session.source == "session" else module_page
        )
        assert f'{session.id}-slides.pdf" download' in page
        assert f"run/{session.source}s/{session.id}.html" in page


# --- in Chromium --------------------------------------------------------------------------

T0 = dt.datetime(2026, 12, 3, 18, 29, 30)


@pytest.fixture
def clocked(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.clock.install(time=T0)
    context.clock.pause_at(T0 + dt.timedelta(seconds=30))
    yield context
    context.close()


def shown(page: Page) -> int:
    """The number of the screen on show in the projector window."""
    visible = page.locator(".run-screens .screen:visible")
    expect(visible).to_have_count(1)
    return int(str(visible.get_attribute("id")).removeprefix("screen-"))


def figure(presenter: Page, name: str) -> str:
    return presenter.locator(f'[data-figure="{name}"]').inner_text()


def test_the_monthly_hour_runs_by_keyboard_with_the_presenter_in_step(
    clocked: BrowserContext, reference_build: Build
) -> None:
    session = plan(MONTHLY)
    screens = screens_of(session)
    items = items_of(session)
    spend = [12, 18, 26, 8]  # minutes actually taken per item: 2 over, 2 under, 1 over, 3 over
    problems: list[str] = []
    # Served with the headers the build writes for a server: its Content-Security-Policy.
    lines = (reference_build.site / "_headers").read_text(encoding="utf-8").splitlines()
    sent = dict(line.strip().split(": ", 1) for line in lines if line.startswith("  "))
    assert "script-src 'self'" in sent["Content-Security-Policy"]
    with serve(reference_build.site, sent) as base:
        projector = clocked.new_page()
        projector.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        projector.goto(base + RUN_MONTHLY)
        assert projector.locator(".run-screens .screen").count() == len(screens)
        body = projector.locator("#screen-1 li").first
        assert float(body.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 28
        with projector.expect_popup() as popup:
            projector.keyboard.press("w")
        presenter = popup.value
        presenter.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        presenter.wait_for_load_state()
        presenter.set_viewport_size({"width": 1280, "height": 720})
        expect(presenter.locator("#p-now")).to_contain_text(f"screen 1 of {len(screens)}")

        figures = []
        actual = 0
        for index, item in enumerate(items):
            mine = [s for s in screens if s.item == index]
            assert shown(projector) == mine[0].number
            # Entering the item: behind by how late it started against the plan.
            late = actual - item.offset
            expect(presenter.locator('[data-figure="plan"]')).to_have_attribute(
                "data-behind", str(late)
            )
            expect(presenter.locator("#p-notes")).to_contain_text(item.title)
            clocked.clock.fast_forward(spend[index] * 60_000)
            actual += spend[index]
            over = max(0, spend[index] - item.minutes)
            expect(presenter.locator('[data-figure="plan"]')).to_have_attribute(
                "data-behind", str(late + over)
            )
            left = item.minutes - spend[index]
            expected_left = f"{abs(left)}:00 {'left' if left >= 0 else 'over'}"
            assert figure(presenter, "left") == expected_left
            # The time cue is silent: the figure turns to "over" (red) once time is up.
            cue = presenter.locator('[data-figure="left"]')
            assert ("over" in str(cue.get_attribute("class")).split()) == (left < 0)
            figures.append((item.title[:24], late, late + over, figure(presenter, "plan")))
            for screen in mine[1:]:
                projector.keyboard.press("ArrowRight")
                assert shown(projector) == screen.number
                expect(presenter.locator("#p-now")).to_contain_text(
                    f"screen {screen.number} of {len(screens)}"
                )
            if index + 1 < len(items):
                # Alternate windows: the next item is reached from either one.
                (presenter if index % 2 else projector).keyboard.press("ArrowRight")
        assert shown(projector) == len(screens)
        expect(projector.locator(f"#screen-{len(screens)} h1")).to_have_text(
            "Where to find support"
        )
        assert figure(presenter, "plan") == "4 minutes behind"

        # Pause: the clock moves on, the figures do not.
        projector.keyboard.press("p")
        expect(presenter.locator("[data-figure=clock]")).to_contain_text("paused")
        clocked.clock.fast_forward(5 * 60_000)
        assert figure(presenter, "plan") == "4 minutes behind"
        projector.keyboard.press("p")
        # The presenter hears "carry on" before it acts: two windows that act within the same
        # moment, each before hearing of the other's action, keep only one of the two.
        expect(presenter.locator("[data-figure=clock]")).not_to_contain_text("paused")

        # Black screen from the presenter; jump to an item and back; help.
        presenter.keyboard.press("b")
        expect(projector.locator(".run-black")).to_be_visible()
        presenter.keyboard.press("b")
        expect(projector.locator(".run-black")).to_be_hidden()
        projector.keyboard.press("g")
        expect(projector.locator(".run-jump")).to_be_visible()
        # The current item is chosen; the arrows move up the list to the second item.
        expect(projector.locator('[data-jump="3"]')).to_be_focused()
        projector.keyboard.press("ArrowUp")
        projector.keyboard.press("ArrowUp")
        projector.keyboard.press("Enter")
        second = next(s for s in screens if s.item == 1)
        assert shown(projector) == second.number
        expect(presenter.locator("#p-now")).to_contain_text(f"screen {second.number} of")
        projector.keyboard.press("End")
        # axe waits on timers of its own: let the clock run again for it.
        clocked.clock.resume()
        assert axe_violations(projector) == []
        assert axe_violations(presenter) == []
        projector.keyboard.press("?")
        expect(projector.locator(".run-help")).to_be_visible()
        assert axe_violations(projector) == []
        projector.keyboard.press("Escape")
        expect(projector.locator(".run-help")).to_be_hidden()
        print("figures (item, behind at start, behind at end, presenter):", figures)
        assert problems == []


def test_a_content_note_can_be_skipped_and_the_views_read_at_phone_width_in_dark(
    browser: Browser, reference_build: Build
) -> None:
    session = module("self-care")
    screens = screens_of(session)
    note = next(s for s in screens if s.kind == "note")
    context = browser.new_context(
        viewport={"width": 320, "height": 640}, color_scheme="dark", has_touch=True
    )
    try:
        with serve(reference_build.site) as base:
            page = context.new_page()
            page.goto(base + "run/modules/self-care.html")
            for _ in range(note.number - 1):
                page.keyboard.press("ArrowRight")
            assert shown(page) == note.number
            page.keyboard.press("s")
            assert shown(page) == note.skip_to
            # On a tablet: a tap on the right of the screen goes on, on the left goes back.
            page.touchscreen.tap(300, 320)
            assert shown(page) == note.skip_to + 1
            page.touchscreen.tap(20, 320)
            assert shown(page) == note.skip_to
            assert axe_violations(page) == []
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background == "rgb(0, 0, 0)"
            presenter = context.new_page()
            presenter.goto(base + "run/modules/self-care.html#presenter")
            expect(presenter.locator("#p-now")).to_contain_text(f"screen {note.skip_to} of")
            # Steps with their minutes, and a timer per step: N moves on (in either window).
            steps = items_of(session)[screens[note.skip_to - 1].item].steps
            assert figure(presenter, "step").startswith(f"1 of {len(steps)}: 0:0")
            page.keyboard.press("n")
            expect(presenter.locator('[data-figure="step"]')).to_contain_text(
                f"2 of {len(steps)}: "
            )
            expect(presenter.locator(".presenter-steps li.current")).to_contain_text(
                steps[1].text[:40]
            )
            assert axe_violations(presenter) == []
            width = presenter.evaluate("document.documentElement.scrollWidth")
            assert width <= 320
    finally:
        context.close()


def test_run_mode_keeps_in_step_from_a_folder(browser: Browser, reference_build: Build) -> None:
    """Opened from a USB stick (file://), the presenter view still follows the projector."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.goto((reference_build.site / RUN_MONTHLY).as_uri())
        with page.expect_popup() as popup:
            page.keyboard.press("w")
        presenter = popup.value
        page.keyboard.press("ArrowRight")
        expect(presenter.locator("#p-now")).to_contain_text("screen 2 of")
        presenter.keyboard.press("ArrowRight")
        assert shown(page) == 3
    finally:
        context.close()


def test_run_pages_fetch_nothing_from_elsewhere(reference_build: Build) -> None:
    for path in sorted((reference_build.site / "run").rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html), path
        assert 'http-equiv="Content-Security-Policy"' in html, path
        assert "<script>" not in html and "<script src" in html


def test_the_planners_plan_runs_from_the_planner(browser: Browser, reference_build: Build) -> None:
    query = (
        "title=Tuesday+group&start=18:00&available=90&item=welcome~10~Hello"
        "&item=activity~self-care-running-low~30&item=break~15~Tea&item=close~10~Close"
    )
    activity = CURRICULUM.activity("self-care-running-low")
    assert activity is not None
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        with serve(reference_build.site) as base:
            planner = context.new_page()
            planner.goto(f"{base}browse/planner.html?{query}")
            expect(planner.locator("[data-planner-items] li")).to_have_count(4)
            link = planner.get_by_role("link", name="Run this plan on a projector")
            # The link carries the plan, for a browser that keeps no storage.
            expect(link).to_have_attribute("href", re.compile(r"item=activity%7Eself-care"))
            href = link.get_attribute("href") or ""
            empty = browser.new_context(viewport={"width": 1280, "height": 720})
            elsewhere = empty.new_page()
            elsewhere.goto(urljoin(planner.url, href))
            expect(elsewhere.locator("#screen-1 h1")).to_have_text("Welcome to Tuesday group")
            empty.close()
            link.click()
            planner.wait_for_url("**/run/plan.html?*")
            run = planner
            expect(run.locator("#screen-1 h1")).to_have_text("Welcome to Tuesday group")
            screens = run.locator(".run-screens .screen")
            total = screens.count()
            headings = screens.locator("h1").all_inner_texts()
            assert activity[1].title in headings and "Tea" in headings
            assert headings[-1] == "Where to find support"
            # The break comes back at the planner's own time: 18:00 + 10 + 30 + 15.
            expect(run.locator(".screen-break .back-at")).to_have_text("18:55")
            run.keyboard.press("g")
            expect(run.locator(".run-jump li button")).to_have_text(
                ["18:00 Hello", f"18:10 {activity[1].title}", "18:40 Tea", "18:55 Close"]
            )
            run.keyboard.press("Escape")
            run.keyboard.press("End")
            assert shown(run) == total
            assert axe_violations(run) == []
    finally:
        context.close()


def test_every_screen_fits_a_projector_in_large_type(
    browser: Browser, reference_build: Build
) -> None:
    """At 1280 by 720, no screen of any module or session needs scrolling, and its body text is
    at least 28 px."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        pages = sorted((reference_build.site / "run").glob("*/*.html"))
        assert len(pages) >= len(FILES) + len(PLANS)  # and a page per module version
        for path in pages:
            page.goto(path.as_uri())
            found = page.evaluate(
                """() => Array.from(document.querySelectorAll('.run-screens .screen'), (s) => {
                    s.hidden = false;
                    const body = s.querySelector('.screen-body p, .screen-body li');
                    const size = body ? parseFloat(getComputedStyle(body).fontSize) : 99;
                    const over = s.scrollHeight > s.clientHeight + 1;
                    s.hidden = true;
                    return [s.id, over, size];
                })"""
            )
            assert found, path
            assert [f for f in found if f[1]] == [], path
            assert min(f[2] for f in found) >= 28, path
    finally:
        context.close()


def test_a_screen_too_long_for_a_small_projector_scrolls_by_keyboard(
    browser: Browser, reference_build: Build
) -> None:
    """On a small projector a long screen scrolls: ↓ shows the rest of it, and moves on only
    at its end; Page Down (a clicker) always moves on."""
    context = browser.new_context(viewport={"width": 568, "height": 320})  # a phone, on its side
    try:
        page = context.new_page()
        long = 0
        for path in sorted((reference_build.site / "run" / "modules").glob("*.html")):
            page.goto(path.as_uri())
            long = page.evaluate(
                """() => Array.from(document.querySelectorAll('.run-screens .screen'), (s) => {
                    const was = s.hidden;
                    s.hidden = false;
                    const over = s.scrollHeight > s.clientHeight + 40;
                    s.hidden = was;
                    return over;
                }).indexOf(true) + 1"""
            )
            if long:
                break
        assert long, "some screen is too long for 568 by 320"
        for _ in range(long - 1):
            page.keyboard.press("PageDown")
        assert shown(page) == long
        screen = page.locator(f"#screen-{long}")
        page.keyboard.press("ArrowDown")
        assert shown(page) == long
        expect(screen).not_to_have_js_property("scrollTop", 0)
        for _ in range(200):
            if shown(page) != long:
                break
            page.keyboard.press("ArrowDown")
        assert shown(page) == long + 1
        at_end = screen.evaluate("s => { s.hidden = false; return s.scrollTop + s.clientHeight }")
        assert at_end >= screen.evaluate("s => s.scrollHeight") - 1  # all of it was shown
        page.keyboard.press("PageUp")
        assert shown(page) == long
        page.keyboard.press("PageDown")  # not at its start: a clicker still moves on
        assert shown(page) == long + 1
    finally:
        context.close()
