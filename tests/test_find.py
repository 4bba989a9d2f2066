"""Finding and planning by keyboard, on a phone and with assistive technology, in Chromium.

Each test is a defect a facilitator met (issue 15) and what they now get: a skip link on
every page, the plan in reach after adding to it, messages where the eye already is, pages
that pass axe (WCAG 2.2 AA) in both themes at 320 and 1280 px with search or the phone menu
open, and the smaller fixes (tags, 404, session pages, the module map, landmarks).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from peerkit.load import load_folder

from browser import axe_violations, serve
from conftest import ROOT, Build

MODULES = [f.module for f in load_folder(ROOT / "modules")[0]]
FIRST = MODULES[0].activities[0]
PLANNER = "browse/planner.html"

# One page of each type the site has.
PAGE_TYPES = [
    "index.html",
    "modules/boundaries.html",
    "sessions/network-gathering.html",
    "glossary.html",
    "browse/catalogue.html",
    "browse/activities.html",
    "browse/reflections.html",
    "browse/map.html",
    f"{PLANNER}?item=welcome~10~Welcome&item=activity~{FIRST.id}~90",
    "browse/tags.html",
    "404.html",
]


def in_context(browser: Browser, width: int, scheme: str = "light", js: bool = True) -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": 800},
        color_scheme=scheme,  # type: ignore[arg-type]
        java_script_enabled=js,
    )
    return context.new_page()


# --- axe on every page type ------------------------------------------------------------------

SETTLED = """() => {
  const list = document.querySelector('.md-search-result');
  const now = list ? list.innerHTML.length + ':' + list.textContent : '';
  const same = now !== '' && window.__peerkitResults === now;
  window.__peerkitResults = now;
  return same && document.getAnimations().every((a) => a.playState !== 'running');
}"""


def test_the_planner_passes_axe_while_its_index_is_still_on_the_way(
    browser: Browser, base_url: str
) -> None:
    # On a slow connection the planner's buttons wait for its index; its lists, which scroll
    # on a phone, must still be reachable by keyboard (axe: scrollable-region-focusable).
    page = in_context(browser, 320)
    page.route("**/index-planner.js", lambda route: None)  # held back: never arrives
    # Not "load": the page's load event may wait for the index that never comes.
    page.goto(base_url + "browse/planner.html", wait_until="domcontentloaded")
    expect(page.locator("[data-add-version]").first).to_be_disabled()
    assert axe_violations(page) == []
    versions = page.get_by_role("list", name="A whole module, in less time")
    versions.focus()
    expect(versions).to_be_focused()
    page.context.close()


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_type_passes_axe(
    browser: Browser, base_url: str, scheme: str, width: int
) -> None:
    page = in_context(browser, width, scheme)
    found = {}
    for path in PAGE_TYPES:
        page.goto(base_url + path)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        if problems := axe_violations(page):
            found[path] = problems
    # With search open and showing results (tags included).
    page.goto(base_url + "modules/boundaries.html")
    if width < 1000:
        page.locator("label.md-header__button[for=__search]").click()
    search = page.locator("input[data-md-component=search-query]")
    search.click()
    page.keyboard.type("boundaries")
    expect(page.locator(".md-search-result__meta")).to_contain_text("matching")
    # Results are redrawn as each letter arrives and fade their colours in: check what a
    # reader sees once they have settled (the same list twice in a row, no transition left).
    page.wait_for_function(SETTLED, polling=300)
    if problems := axe_violations(page):
        found["search open"] = problems
    if width < 1000:  # the phone menu
        page.goto(base_url + "modules/boundaries.html")
        page.locator("label.md-header__button[for=__drawer]").click()
        expect(page.locator(".md-nav--primary").first).to_be_visible()
        if problems := axe_violations(page):
            found["menu open"] = problems
    page.context.close()
    assert found == {}


# --- the smaller defects, one test each --------------------------------------------------------


def test_sidebar_links_are_never_covered_by_the_sticky_title(page: Page, base_url: str) -> None:
    """The sidebar scrolls to the page's own link; the site's name used to stay stuck at its
    top and cover the links above, leaving them too small a target (WCAG 2.5.8)."""
    for path in ["glossary.html", "sessions/network-gathering.html", "writing-modules.html"]:
        page.goto(base_url + path)
        assert axe_violations(page, ["target-size"]) == [], path
        title = page.locator(".md-nav--primary > .md-nav__title")
        assert title.evaluate("t => getComputedStyle(t).position") != "sticky"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_count_and_result_tags_are_readable(
    browser: Browser, base_url: str, scheme: str
) -> None:
    page = in_context(browser, 1280, scheme)
    page.goto(base_url)
    page.locator("input[data-md-component=search-query]").click()
    page.keyboard.type("mutuality")
    expect(page.locator(".md-search-result .md-tag").first).to_be_visible()
    # Colours are checked as a reader sees them: the results settled, their fade-in over.
    page.wait_for_function(SETTLED, polling=300)
    assert axe_violations(page, ["color-contrast"]) == []
    page.context.close()


def test_module_page_landmarks_each_have_their_own_name(page: Page, base_url: str) -> None:
    page.goto(base_url + "modules/boundaries.html")
    names = page.locator("aside").evaluate_all("as => as.map(a => a.getAttribute('aria-label'))")
    assert names and all(names)
    assert len(set(names)) == len(names)


def test_tags_page_has_one_heading_per_tag_in_alphabetical_order(page: Page, base_url: str) -> None:
    page.goto(base_url + "browse/tags.html")
    ids = page.locator("[id^='tag:']").evaluate_all("hs => hs.map(h => h.id)")
    assert len(ids) == len(set(ids))
    headings = [h.strip("¶ \n") for h in page.locator("h2[id^='tag:']").all_inner_texts()]
    assert [h.casefold() for h in headings] == sorted(h.casefold() for h in headings)
    assert sum(h.casefold().strip() == "mutuality" for h in headings) == 1


def test_404_page_keeps_its_styling_under_a_sub_path(page: Page, reference_build: Build) -> None:
    """Served from /site/ (a sub-path, like a GitHub Pages project site), a missing page
    answered with 404.html still loads the site's stylesheets and links back home."""
    missing = "site/modules/no-such-page.html"
    body = (reference_build.site / "404.html").read_text(encoding="utf-8")

    def not_found(route: Route) -> None:
        route.fulfill(status=404, body=body, content_type="text/html")

    # The browser's look-ahead may ask for the stylesheets before <base> is set; what counts
    # is that the page then loads them from the site's root and is styled.
    loaded: list[str] = []
    page.on("response", lambda r: r.ok and r.url.endswith(".css") and loaded.append(r.url))
    with serve(reference_build.root) as parent:
        page.route(f"{parent}{missing}", not_found)
        page.goto(parent + missing)
        header = page.locator(".md-header")
        expect(header).to_be_visible()
        assert header.evaluate("h => getComputedStyle(h).position") == "sticky"
        home = page.locator("a.md-header__button.md-logo").first
        assert home.evaluate("a => a.href") == parent + "site/index.html"
    assert any(url.startswith(parent + "site/assets/stylesheets/main.") for url in loaded)
    assert any(url.startswith(parent + "site/assets/peerkit/peerkit.css") for url in loaded)


def test_session_page_reads_well(page: Page, base_url: str) -> None:
    page.goto(base_url + "sessions/network-gathering.html")
    title = page.locator("h1").inner_text()
    assert title not in page.locator("h2").all_inner_texts()
    assert "None" not in page.locator(".peerkit-glance").inner_text()
    notes = page.locator(".peerkit-entry-notes")
    if notes.count():
        assert notes.first.evaluate("n => parseFloat(getComputedStyle(n).fontSize)") >= 14
    table = page.locator(".peerkit-running-order td").first
    assert table.evaluate("t => parseFloat(getComputedStyle(t).fontSize)") >= 14


def test_module_map_text_is_readable_on_a_small_phone(browser: Browser, base_url: str) -> None:
    page = in_context(browser, 320)
    page.goto(base_url + "browse/map.html")
    sizes = page.locator("svg.peerkit-map text").evaluate_all(
        "ts => ts.map(t => parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a)"
    )
    assert min(sizes) >= 11.5
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.context.close()


# --- the planner by keyboard and on small screens --------------------------------------------


def test_every_page_starts_with_a_skip_link_to_its_content(page: Page, base_url: str) -> None:
    for path in ["index.html", "browse/catalogue.html", PLANNER, "browse/tags.html"]:
        page.goto(base_url + path)
        page.keyboard.press("Tab")
        skip = page.locator(":focus")
        expect(skip).to_have_text("Skip to content")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        inside = page.evaluate("!!document.activeElement.closest('.md-content')")
        assert inside, path


def test_add_to_plan_from_the_library_lands_on_the_plan(page: Page, base_url: str) -> None:
    page.goto(base_url + "browse/activities.html")
    page.get_by_role("link", name=f"Add to plan: {FIRST.title}").click()
    plan = page.locator("#planner-yours")
    expect(plan).to_be_focused()
    notice = page.locator("[data-planner-notice]")
    expect(notice).to_contain_text(f"Added {FIRST.title}")
    expect(notice).to_be_in_viewport()
    # The next Tab is in the plan, not 125 stops away.
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('.peerkit-planner-plan')")


def test_on_a_phone_adding_says_so_beside_the_button_and_the_plan_is_one_step_away(
    browser: Browser, base_url: str
) -> None:
    page = in_context(browser, 320)
    page.goto(base_url + PLANNER)
    add = page.get_by_role("button", name=f"Add {FIRST.title} to the plan")
    add.click()
    confirmation = page.locator("[data-planner-added]")
    expect(confirmation).to_contain_text("Added at")
    expect(confirmation).to_be_in_viewport()
    expect(add).to_be_focused()
    jump = page.locator("[data-planner-jump]")
    expect(jump).to_have_text("Your plan (1)")
    page.mouse.wheel(0, 1500)  # further down the list of activities
    expect(jump).to_be_in_viewport()
    jump.click()
    expect(page.locator("#planner-yours")).to_be_focused()
    expect(page.locator("#planner-yours")).to_be_in_viewport()
    page.context.close()


@pytest.mark.parametrize("width", [768, 1280])
def test_from_768_px_the_plan_is_above_or_beside_the_list(
    browser: Browser, base_url: str, width: int
) -> None:
    page = in_context(browser, width)
    page.goto(base_url + PLANNER)
    plan = page.locator(".peerkit-planner-plan").bounding_box()
    results = page.locator("[data-planner-results]").bounding_box()
    assert plan and results
    assert plan["y"] < results["y"] + results["height"] / 4  # above it, or beside it
    assert page.locator("[data-planner-jump]").is_hidden()
    page.context.close()


def test_plan_rows_keep_their_text_readable_at_320_px(browser: Browser, base_url: str) -> None:
    page = in_context(browser, 320)
    page.goto(base_url + f"{PLANNER}?item=break~15~Tea%20and%20coffee&item=activity~{FIRST.id}~20")
    text = page.get_by_label("Text of item 1, Break")
    expect(text).to_be_visible()  # the plan is drawn once the planner's index has arrived
    # The row is drawn again when the full index arrives for the agenda: wait for a drawn
    # row at least 200 px wide (fails by timing out if it stays narrower).
    page.wait_for_function(
        """() => [...document.querySelectorAll('[aria-label="Text of item 1, Break"]')]
            .some((e) => e.getBoundingClientRect().width >= 200)"""
    )
    name = page.locator(".peerkit-planner-name").nth(1)
    assert name.bounding_box()["width"] >= 200  # type: ignore[index]
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.context.close()


def test_planner_shows_its_introduction_before_its_script_runs(
    browser: Browser, base_url: str
) -> None:
    page = in_context(browser, 412, js=False)
    page.goto(base_url + PLANNER)
    expect(page.locator(".peerkit-planner-intro")).to_be_visible()
    page.context.close()


def test_planner_lists_every_activity_before_the_index_loads(
    browser: Browser, base_url: str
) -> None:
    """The planner's list and empty plan are in the HTML; until the index has loaded its
    buttons cannot be pressed (a press would be lost), then they work."""
    page = in_context(browser, 412)
    held: list[Route] = []
    page.route("**/assets/peerkit/index-planner.js", lambda route: held.append(route))
    page.goto(base_url + PLANNER, wait_until="domcontentloaded")
    total = sum(len(m.activities) for m in MODULES)
    results = page.locator("[data-planner-results] > li")
    expect(results).to_have_count(total)
    expect(page.locator("[data-planner-found]")).to_have_text(f"All {total} activities")
    first = MODULES[0].activities[0]
    add = page.get_by_role("button", name=f"Add {first.title} to the plan")
    expect(add).to_be_visible()
    expect(add).to_be_disabled()
    expect(page.get_by_label("Title")).to_be_disabled()
    expect(page.locator("[data-planner-empty]")).to_be_visible()
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    held[0].continue_()
    expect(add).to_be_enabled()
    add.click()
    expect(page.locator("[data-planner-items] > li")).to_have_count(1)
    page.context.close()


def test_browse_lists_are_there_before_the_index_loads(page: Page, base_url: str) -> None:
    """The catalogue lists every module in HTML and fetches the curriculum index only when
    the filters are used."""
    fetched: list[str] = []
    page.on("request", lambda r: "assets/peerkit/index" in r.url and fetched.append(r.url))
    page.goto(base_url + "browse/catalogue.html", wait_until="networkidle")
    expect(page.locator("[data-peerkit-items] > *")).to_have_count(len(MODULES))
    assert fetched == []
    page.get_by_label("Theme").select_option(MODULES[0].themes[0])
    expect(page.locator("[data-peerkit-count]")).to_contain_text("Showing")
    assert len(fetched) == 1


def test_browse_filters_say_when_their_index_cannot_load_and_try_again(
    page: Page, base_url: str
) -> None:
    """Offline or on a server hiccup the filters say why nothing narrows, and the next use
    of a filter fetches the index again."""
    failing = [True]

    def answer(route: Route) -> None:
        if failing[0]:
            route.abort()
        else:
            route.continue_()

    page.route("**/assets/peerkit/index-modules.js", answer)
    page.goto(base_url + "browse/catalogue.html")
    count = page.locator("[data-peerkit-count]")
    theme = MODULES[0].themes[0]
    page.get_by_label("Theme").select_option(theme)
    expect(count).to_contain_text("could not load")
    expect(count).to_have_attribute("role", "status")  # read out
    failing[0] = False
    page.get_by_label("Format").select_option("online")
    wanted = [m for m in MODULES if theme in m.themes and m.format.value in ("online", "both")]
    expect(count).to_have_text(f"Showing {len(wanted)} of {len(MODULES)} modules")


def test_the_planner_says_when_its_activities_cannot_load(page: Page, base_url: str) -> None:
    page.route("**/assets/peerkit/index-planner.js", lambda route: route.abort())
    page.goto(base_url + PLANNER, wait_until="domcontentloaded")
    expect(page.locator("[data-planner-found]")).to_contain_text("could not load")
    expect(page.locator("[data-add-activity]").first).to_be_disabled()


def test_the_full_index_arriving_leaves_the_plan_being_edited_alone(
    page: Page, base_url: str
) -> None:
    """The printed agenda's steps come with index.js, which may arrive while the facilitator
    is typing in the plan: the field keeps focus and what was typed; the agenda gets the
    steps. If index.js never comes, the agenda says its steps are missing."""
    held: list[Route] = []
    page.route("**/assets/peerkit/index.js", lambda route: held.append(route))
    first = MODULES[0].activities[0]
    # Not "load": the page's load event may wait for the index held back.
    page.goto(base_url + PLANNER + f"?add={first.id}", wait_until="domcontentloaded")
    minutes = page.locator("[data-planner-items] input[type=number]").first
    minutes.fill("")
    minutes.press_sequentially("2")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the planner asks for index.js once the plan holds an activity"
    print_area = page.locator("[data-planner-print]")
    expect(print_area.locator("ol li")).to_have_count(0)
    held[0].continue_()
    expect(print_area.locator("ol li")).to_have_count(len(first.steps))
    expect(minutes).to_be_focused()
    minutes.press_sequentially("5")
    expect(minutes).to_have_value("25")

    page.unroute("**/assets/peerkit/index.js")
    page.route("**/assets/peerkit/index.js", lambda route: route.abort())
    page.reload(wait_until="domcontentloaded")
    expect(print_area).to_contain_text("steps could not be loaded")


def test_search_index_and_shim_load_only_when_needed(page: Page, base_url: str) -> None:
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(base_url + "modules/boundaries.html", wait_until="networkidle")
    assert not any("search_index" in url or "iframe-worker" in url for url in fetched)
    page.locator("input[data-md-component=search-query]").click()
    page.keyboard.type("boundaries")
    expect(page.locator(".md-search-result__meta")).to_contain_text("matching")
    assert any(url.endswith("search/search_index.json") for url in fetched)
    assert not any("iframe-worker" in url for url in fetched)


def test_print_rules_live_in_their_own_non_blocking_stylesheet(reference_build: Build) -> None:
    screen = reference_build.page("assets/peerkit/peerkit.css")
    paper = reference_build.page("assets/peerkit/peerkit-print.css")
    assert "@media print" not in screen
    assert "break-before: page" in paper
    html = reference_build.page("modules/boundaries.html")
    assert (
        '<link rel="stylesheet" href="../assets/peerkit/peerkit-print.css" media="print">' in html
    )
