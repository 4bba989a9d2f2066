"""Browse pages: catalogue, activity library, reflection bank, module map, planner and tags.

Built from the curriculum (nothing by hand), and used in real Chromium both from 127.0.0.1
and from the built folder opened with file://, as on a USB stick in a community centre.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from playwright.sync_api import Download, Page, expect

from peerkit.load import load_folder
from peerkit.mkdocs_plugin.search import KEYWORDS_BOOST, weigh
from peerkit.model import Format, Module, Value

from conftest import (
    FIXTURES,
    ROOT,
    Build,
    aim_words,
    copy_site,
    mkdocs_build,
    run_peerkit,
    search_index,
    shared_folder,
    words,
)

MODULES: list[Module] = [f.module for f in load_folder(ROOT / "modules")[0]]
DASH = "\N{EN DASH}"  # between clock times, as the planner writes them
BROWSE = ["catalogue", "activities", "reflections", "map", "planner", "tags"]


def runs(fmt: Format, wanted: str) -> bool:
    return fmt is Format.both or fmt.value == wanted


def modules_for(theme: str, fmt: str, size: int) -> list[str]:
    return [
        m.id
        for m in MODULES
        if theme in m.themes
        and runs(m.format, fmt)
        and m.group_size.min <= size <= m.group_size.max
    ]


def activities_for(theme: str, fmt: str, size: int, lo: int, hi: int) -> list[str]:
    """What a facilitator should be offered for 'an activity on THEME, FMT, for SIZE people,
    that can run for LO to HI minutes', worked out from the curriculum itself."""
    return [
        a.id
        for m in MODULES
        if theme in m.themes
        for a in m.activities
        if runs(a.format, fmt)
        and a.group_size.min <= size <= a.group_size.max
        and a.minutes.min <= hi
        and a.minutes.max >= lo
    ]


def ids_of(page: Page, selector: str) -> list[str]:
    """The items shown once the filters have run (they wait for the page's index to arrive)."""
    page.wait_for_selector("[data-peerkit-enhanced]", state="attached")
    return page.eval_on_selector_all(
        selector, "els => els.filter(e => !e.hidden).map(e => e.dataset.peerkitId)"
    )


# --- as built ------------------------------------------------------------------------------


def test_one_index_holds_the_whole_curriculum_with_links_that_land(reference_build: Build) -> None:
    folder = reference_build.site / "assets" / "peerkit"
    text = (folder / "index.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert (folder / "index.js").read_text(encoding="utf-8") == f"window.peerkitIndex = {text};\n"
    assert [m["id"] for m in data["modules"]] == [m.id for m in MODULES]
    assert [a["id"] for a in data["activities"]] == [a.id for m in MODULES for a in m.activities]
    prompts = sum(len(m.reflection) + sum(len(a.reflection) for a in m.activities) for m in MODULES)
    assert len(data["prompts"]) == prompts
    boundaries = next(a for a in data["activities"] if a["id"] == "boundaries-saying-no")
    saying_no = next(a for m in MODULES for a in m.activities if a.id == "boundaries-saying-no")
    assert boundaries["minutes"] == [saying_no.minutes.min, saying_no.minutes.max]
    assert boundaries["format"] == ["in-person", "online"]  # "both", as the filters read it
    assert boundaries["steps"] == [" ".join(step.split()) for step in saying_no.steps]
    for item in data["modules"] + data["activities"] + data["prompts"]:
        path, _, anchor = item["url"].partition("#")
        page = reference_build.page(path)
        assert not anchor or f'id="{anchor}"' in page, item["url"]


def test_browse_pages_list_everything_without_javascript(reference_build: Build) -> None:
    catalogue = reference_build.page("browse/catalogue.html")
    library = reference_build.page("browse/activities.html")
    bank = reference_build.page("browse/reflections.html")
    mapped = reference_build.page("browse/map.html")
    for module in MODULES:
        assert f'data-peerkit-id="{module.id}"' in catalogue
        assert f'href="../modules/{module.id}.html"' in mapped
        for activity in module.activities:
            assert f'href="../modules/{module.id}.html#{activity.id}"' in library
            assert f'href="planner.html?add={activity.id}"' in library
        prompts = len(module.reflection) + sum(len(a.reflection) for a in module.activities)
        assert bank.count(f'href="../modules/{module.id}.html#') == prompts
    # The filters need the script; until it runs, the form is hidden and everything listed.
    for page in (catalogue, library, bank):
        assert re.search(r"<form class=\"peerkit-filters\" data-peerkit-filters hidden", page)
    assert "<svg" in mapped and 'role="group"' in mapped


def test_search_weighs_front_matter_and_skips_the_browse_pages(
    reference_build: Build,
) -> None:
    entries = search_index(reference_build)
    assert not [e for e in entries if e["location"].startswith("browse/")]
    for module in MODULES:
        first = next(e for e in entries if e["location"] == f"modules/{module.id}.html")
        assert {t.casefold() for t in module.themes} <= {t.casefold() for t in first["tags"]}
        assert {v.label.lower() for v in module.values} <= {t.lower() for t in first["tags"]}
        assert first["keywords"] == " ".join(module.summary.split())
        assert first["boost"] == 2
        for activity in module.activities:
            section = next(e for e in entries if e["location"].endswith(f"#{activity.id}"))
            assert section["keywords"] == " ".join(activity.aim.split())
    fields = json.loads(
        (reference_build.site / "search" / "search_index.json").read_text(encoding="utf-8")
    )["config"]["fields"]
    assert fields["tags"]["boost"] > fields["title"]["boost"] > fields["keywords"]["boost"]
    assert fields["keywords"]["boost"] > fields["text"]["boost"]
    tags = reference_build.page("browse/tags.html")
    for theme in ("Boundaries", "Self-care", "Power"):  # each tag starts with a capital
        assert f">{theme}<" in tags, theme


def _stem(word: str) -> str:
    """A rough English stem, enough to tell which words search treats as one."""
    for suffix in ("ings", "ing", "edly", "ed", "es", "s", "er", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word.removesuffix("e") if len(word) > 3 else word


def _alike(a: str, b: str) -> bool:
    sa, sb = _stem(a), _stem(b)
    return sa.startswith(sb) or sb.startswith(sa)


def aim_over_body_words(build: Build) -> list[tuple[str, str]]:
    """(word, activity location) where the word is in that activity's aim and in the body
    text of three or more other sections, but in no other title, aim, summary or tag."""
    entries = search_index(build)

    def w(text: str | None) -> set[str]:
        return set(re.findall(r"[a-z]{6,}", (text or "").lower()))

    def short(text: str | None) -> set[str]:  # short words count too: "end" finds "ending"
        return set(re.findall(r"[a-z]{3,}", (text or "").lower()))

    strong = {
        e["location"]: short(e["title"])
        | short(e.get("keywords"))
        | {t.lower() for t in e.get("tags", [])}
        for e in entries
    }
    found = []
    for entry in entries:
        if "#" not in entry["location"] or not entry.get("keywords"):
            continue
        for word in sorted(w(entry["keywords"])):
            others = [e for e in entries if e is not entry]
            # Search matches English stems and prefixes ("ending" finds the title word "end").
            if any(_alike(t, word) for e in others for t in strong[e["location"]]):
                continue
            if sum(word in w(e["text"]) for e in others) >= 3:
                found.append((word, entry["location"]))
                break
    return found


def test_search_ranks_a_word_in_an_aim_above_the_same_word_in_body_text(
    page: Page, base_url: str, reference_build: Build
) -> None:
    cases = aim_over_body_words(reference_build)
    assert len(cases) >= 5
    for word, location in cases[:: max(1, len(cases) // 6)]:
        page.goto(base_url)
        page.get_by_role("textbox", name="Search").first.click()
        page.keyboard.type(word)
        best = page.locator("a.md-search-result__link[href*='#']").first
        anchor = location.partition("#")[2]
        expect(best).to_have_attribute("href", re.compile(rf"\?h={word}#{anchor}$"))


def test_search_and_links_are_ready_for_a_folder(reference_build: Build) -> None:
    site = reference_build.site
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    script = (site / "search" / "search_index.js").read_text(encoding="utf-8")
    assert script.startswith(f"var __index = JSON.parse({json.dumps(index, ensure_ascii=False)});")
    prebuilt = (site / "search" / "search_lunr.json").read_text(encoding="utf-8")
    assert script.endswith(
        f"var __peerkit_lunr = JSON.parse({json.dumps(prebuilt, ensure_ascii=False)});\n"
    )
    shim = site / "assets" / "peerkit" / "iframe-worker.js"
    pinned = ROOT / "node_modules" / "iframe-worker" / "shim" / "index.js"
    assert shim.read_bytes() == pinned.read_bytes()
    assert (site / "assets" / "peerkit" / "iframe-worker.js.LICENSE.txt").is_file()
    for page in ("index.html", "modules/boundaries.html", "browse/planner.html"):
        html = reference_build.page(page)
        # The shim is named for search.js to load from a folder only, never fetched in <head>.
        head = html.partition("</head>")[0]
        assert "iframe-worker" not in head
        assert not re.search(r'<script src="[^"]*iframe-worker', html)
        assert re.search(r'<script data-shim="(\.\./)?assets/peerkit/iframe-worker\.js">', html)
        assert "unpkg" not in html


def test_a_new_module_appears_on_every_browse_page(tmp_path: Path) -> None:
    minimal = (FIXTURES / "minimal.md").read_text(encoding="utf-8")
    root = copy_site(tmp_path, modules={"listening.md": minimal})
    build = mkdocs_build(root, "--strict")
    assert build.returncode == 0, build.output
    data = json.loads(build.page("assets/peerkit/index.json"))
    assert [m["id"] for m in data["modules"]] == ["listening"]
    assert 'data-peerkit-id="listening"' in build.page("browse/catalogue.html")
    assert 'data-peerkit-id="listening-pairs"' in build.page("browse/activities.html")
    assert 'href="../modules/listening.html"' in build.page("browse/map.html")
    assert ">Listening<" in build.page("browse/tags.html")


def test_browse_pages_can_be_turned_off(tmp_path: Path) -> None:
    minimal = (FIXTURES / "minimal.md").read_text(encoding="utf-8")
    root = copy_site(tmp_path, modules={"listening.md": minimal}, plugin={"browse": False})
    for doc in (root / "docs").glob("*.md"):  # the reference docs link to the browse pages
        doc.write_text(re.sub(r"\]\(browse/\w+\.md\)", "]", doc.read_text(encoding="utf-8")))
    build = mkdocs_build(root, "--strict")
    assert build.returncode == 0, build.output
    assert not (build.site / "browse").exists()


# --- in a real browser, from 127.0.0.1 and from file:// --------------------------------


@pytest.fixture(params=["http", "file"])
def site(request: pytest.FixtureRequest, base_url: str, reference_build: Build) -> str:
    """The site's root URL: served on 127.0.0.1, or the built folder opened directly."""
    if request.param == "http":
        return base_url
    return reference_build.site.as_uri() + "/"


@pytest.fixture
def outside(page: Page, site: str) -> Iterator[list[str]]:
    """Every request the page makes to anywhere but the site itself."""
    home = urlsplit(site)
    found: list[str] = []

    def check(url: str) -> None:
        there = urlsplit(url)
        same = there.scheme in ("data", "blob") or (
            (there.scheme, there.netloc) == (home.scheme, home.netloc)
            and there.path.startswith(home.path)
        )
        if not same:
            found.append(url)

    page.on("request", lambda request: check(request.url))
    yield found


def test_catalogue_filters_combine_and_survive_a_reload(
    page: Page, site: str, outside: list[str]
) -> None:
    page.goto(site + "browse/catalogue.html")
    cards = "[data-peerkit-items] [data-peerkit-id]"
    expect(page.get_by_role("status")).to_have_text(f"All {len(MODULES)} modules")
    page.get_by_label("Theme").select_option("boundaries")
    page.get_by_label("Format").select_option("online")
    page.get_by_label("Group size").fill("8")
    expected = modules_for("boundaries", "online", 8)
    assert 0 < len(expected) < len(MODULES)
    assert ids_of(page, cards) == expected
    expect(page.get_by_role("status")).to_have_text(
        f"Showing {len(expected)} of {len(MODULES)} modules"
    )
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"theme": ["boundaries"], "format": ["online"], "size": ["8"]}

    page.get_by_role("checkbox", name="Hope").check()
    with_hope = [m for m in expected if "hope" in MODULES[[x.id for x in MODULES].index(m)].values]
    assert ids_of(page, cards) == with_hope

    page.reload()
    assert ids_of(page, cards) == with_hope
    expect(page.get_by_label("Theme")).to_have_value("boundaries")
    expect(page.get_by_label("Group size")).to_have_value("8")
    expect(page.get_by_role("checkbox", name="Hope")).to_be_checked()

    page.get_by_role("button", name="Clear filters").click()
    expect(page.get_by_role("status")).to_have_text(f"All {len(MODULES)} modules")
    assert urlsplit(page.url).query == ""
    assert outside == []


def test_a_twenty_minute_boundaries_activity_online_for_eight(
    page: Page, site: str, outside: list[str]
) -> None:
    """The facilitator's task, step by step: find it, read it, plan it."""
    page.goto(site + "index.html")
    page.get_by_role("navigation").get_by_role("link", name="Activity library").first.click()
    page.get_by_label("Theme").select_option("boundaries")
    page.get_by_label("Format").select_option("online")
    page.get_by_label("Group size").fill("8")
    page.get_by_label("From", exact=True).fill("20")
    page.get_by_label("to", exact=True).fill("20")
    expected = activities_for("boundaries", "online", 8, 20, 20)
    assert expected, "the curriculum has such an activity"
    assert ids_of(page, "[data-peerkit-items] [data-peerkit-id]") == expected
    assert len(expected) < sum(len(m.activities) for m in MODULES)

    # Read it: the card links to its place in its module.
    card = page.locator(f'[data-peerkit-id="{expected[0]}"]')
    title = card.locator("h2 a").inner_text()
    card.locator("h2 a").click()
    expect(page).to_have_url(re.compile(rf"\.html#{expected[0]}$"))
    expect(page.locator(f"#{expected[0]}")).to_be_in_viewport()

    # Plan it: back to the library (the filters are still there), and add it.
    page.go_back()
    assert ids_of(page, "[data-peerkit-items] [data-peerkit-id]") == expected
    card.get_by_role("link", name=f"Add to plan: {title}").click()
    expect(page.locator("[data-planner-items] li")).to_have_count(1)
    expect(page.locator("[data-planner-items] li").first).to_contain_text(title)
    assert outside == []


def test_search_from_the_site_lands_on_an_activity(
    page: Page, site: str, outside: list[str], reference_build: Build
) -> None:
    module_id, activity, word = aim_words(reference_build)[-1]
    page.goto(site + "index.html")
    page.get_by_role("textbox", name="Search").first.click()
    page.keyboard.type(word)
    result = page.locator("a.md-search-result__link[href*='#']").first
    lands = re.compile(rf"{module_id}\.html\?h={word}#{activity}$")
    expect(result).to_have_attribute("href", lands)
    result.click()
    expect(page).to_have_url(re.compile(rf"/modules/{module_id}\.html.*#{activity}$"))
    expect(page.locator(f"#{activity}")).to_be_in_viewport()
    assert outside == []


def test_search_lands_on_a_reflection_question(
    page: Page, base_url: str, reference_build: Build
) -> None:
    entries = [
        (e["location"], words(e["title"] + " " + e["text"])) for e in search_index(reference_build)
    ]
    data = json.loads(reference_build.page("assets/peerkit/index.json"))
    for prompt in data["prompts"]:
        here = prompt["url"]
        elsewhere = set().union(*(w for location, w in entries if location != here))
        own = sorted(words(prompt["text"]) - elsewhere)
        if own:
            break
    else:
        pytest.fail("no reflection question has a word of its own")
    page.goto(base_url)
    page.get_by_role("textbox", name="Search").first.click()
    page.keyboard.type(own[0])
    result = page.locator("a.md-search-result__link[href*='#']").first
    expect(result).to_have_attribute("href", re.compile(rf"\?h={own[0]}#{prompt['id']}$"))


def assert_plan_checks(plan: Path) -> None:
    """`peerkit check` accepts a downloaded plan against the reference curriculum."""
    check = run_peerkit("check", str(ROOT / "modules"), "--plans", str(plan))
    assert check.returncode == 0, check.stdout + check.stderr


def plan_items(page: Page) -> list[str]:
    return page.locator("[data-planner-items] li").evaluate_all(
        "items => items.map(li => li.querySelector('.peerkit-planner-time').textContent + ' '"
        " + (li.querySelector('a') ? li.querySelector('a').textContent"
        " : li.querySelector('input[type=text]').value))"
    )


def test_planner_adds_reorders_and_times_items_and_downloads_a_plan_that_checks(
    page: Page, site: str, outside: list[str], tmp_path: Path
) -> None:
    page.goto(site + "browse/planner.html")
    page.get_by_label("Starts at").fill("18:30")
    page.get_by_label("Minutes available").fill("60")
    page.get_by_label("Title").fill("Boundaries: a short session")
    page.get_by_label("Theme").select_option("boundaries")
    page.get_by_role("button", name="Add Saying no kindly and clearly to the plan").click()
    page.get_by_role("button", name="Add close and evaluation").click()
    page.get_by_role("button", name="Add welcome").click()
    assert plan_items(page) == [
        f"18:30{DASH}19:00 Saying no kindly and clearly",
        f"19:00{DASH}19:10 Close and evaluation",
        f"19:10{DASH}19:20 Welcome",
    ]
    # Move the welcome to the front with the keyboard; focus stays with it.
    page.get_by_role("button", name="Up: move Welcome earlier").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert plan_items(page)[0] == f"18:30{DASH}18:40 Welcome"
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "Up: move Welcome earlier"
    expect(page.locator("[data-planner-total]")).to_have_text(
        "3 items, 50 of 60 minutes. Ends at 19:20."
    )
    # Longer than the time there is: flagged in words, on the item and in the total.
    minutes = page.get_by_label("Minutes for Saying no kindly and clearly")
    minutes.fill("45")
    minutes.press("Tab")
    expect(page.locator("[data-planner-total]")).to_contain_text(
        "Runs 5 minutes over the time available."
    )
    over = page.locator("[data-planner-items] li.peerkit-over")
    expect(over).to_have_count(1)
    expect(over).to_contain_text("Close and evaluation")
    expect(over).to_contain_text("Over time")
    minutes = page.get_by_label("Minutes for Saying no kindly and clearly")
    minutes.fill("30")
    minutes.press("Tab")
    expect(page.locator("li.peerkit-over")).to_have_count(0)

    # The address bar holds the plan: a reload (or a shared link) brings it back.
    before = plan_items(page)
    page.reload()
    assert plan_items(page) == before
    expect(page.get_by_label("Title")).to_have_value("Boundaries: a short session")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download for peerkit pack (.yml)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "boundaries-a-short-session.yml"
    plan = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert plan["start"] == "18:30" and plan["available"] == 60
    assert plan["items"] == [
        {"welcome": "Welcome", "minutes": 10},
        {"activity": "boundaries-saying-no", "minutes": 30},
        {"close": "Close and evaluation", "minutes": 10},
    ]
    assert_plan_checks(saved)
    assert outside == []


def test_planner_prints_a_clean_agenda_with_the_steps(page: Page, base_url: str) -> None:
    activity = MODULES[0].activities[0]
    page.goto(
        base_url + "browse/planner.html?title=Evening+session&start=19:00&available=90"
        f"&item=welcome~10~Hello&item=activity~{activity.id}~{activity.minutes.max}"
    )
    page.emulate_media(media="print")
    expect(page.locator(".peerkit-planner-layout")).to_be_hidden()
    expect(page.locator(".md-sidebar--primary")).to_be_hidden()
    agenda = page.locator("[data-planner-print]")
    expect(agenda).to_be_visible()
    expect(agenda.locator("h2")).to_have_text("Evening session")
    expect(agenda.locator("tbody tr")).to_have_count(2)
    expect(agenda.locator("tbody tr").first).to_contain_text(f"19:00{DASH}19:10")
    steps = agenda.locator(".peerkit-agenda-activity ol li")
    expect(steps).to_have_count(len(activity.steps))
    expect(steps.first).to_have_text(" ".join(activity.steps[0].split()))


def test_planner_fetches_the_steps_only_once_the_plan_holds_an_activity(
    page: Page, base_url: str
) -> None:
    # What the planner plans with is a slim index (index-planner.js); the whole curriculum
    # index (23 MB at 1,000 modules) comes only when the printed agenda needs its steps.
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url.rsplit("/", 1)[-1]))
    page.goto(base_url + "browse/planner.html")
    expect(page.get_by_role("button", name="Add welcome")).to_be_enabled()
    page.get_by_role("button", name="Add welcome").click()
    page.wait_for_timeout(500)
    assert "index-planner.js" in fetched and "index.js" not in fetched
    activity = MODULES[0].activities[0]
    page.get_by_role("button", name=f"Add {activity.title} to the plan").click()
    steps = page.locator("[data-planner-print] .peerkit-agenda-activity ol li")
    expect(steps).to_have_count(len(activity.steps))
    assert "index.js" in fetched


def test_planner_remembers_the_plan_in_this_browser(page: Page, base_url: str) -> None:
    activity = MODULES[1].activities[0]
    page.goto(base_url + f"browse/planner.html?add={activity.id}")
    expect(page.locator("[data-planner-items] li")).to_have_count(1)
    page.goto(base_url + "browse/planner.html")
    expect(page.locator("[data-planner-items] li")).to_have_count(1)
    expect(page.locator("[data-planner-items] li")).to_contain_text(activity.title)


def test_planner_ignores_what_it_does_not_know_in_the_address(page: Page, base_url: str) -> None:
    page.goto(
        base_url + "browse/planner.html?start=25:99&available=-3&date=2026-02-31"
        "&item=activity~no-such-activity~10&item=script~5~x&item=break~15~<b>Tea</b>"
    )
    expect(page.locator("[data-planner-items] li")).to_have_count(1)
    text = page.locator("[data-planner-items] li input[type=text]")
    expect(text).to_have_value("<b>Tea</b>")  # as text, never as markup
    expect(page.locator("[data-planner-items] b")).to_have_count(0)
    expect(page.get_by_label("Starts at")).to_have_value("10:00")
    expect(page.get_by_label("Minutes available")).to_have_value("120")
    expect(page.get_by_label("Date")).to_have_value("")
    expect(page.locator("[data-planner-notice]")).to_contain_text(
        "2 items in this link are not in this curriculum, so they were left out."
    )


def test_a_link_over_the_item_limit_says_so_and_blames_no_curriculum(
    page: Page, base_url: str
) -> None:
    items = "&".join(f"item=break~1~Pause {n}" for n in range(103))
    page.goto(base_url + f"browse/planner.html?available=480&{items}")
    expect(page.locator("[data-planner-items] li")).to_have_count(100)
    notice = page.locator("[data-planner-notice]")
    expect(notice).to_contain_text(
        "A plan can hold 100 items, and this link has 103, so the last 3 items were left out."
    )
    expect(notice).not_to_contain_text("curriculum")


def test_planner_keeps_focus_and_the_next_click_while_you_edit(page: Page, base_url: str) -> None:
    page.goto(base_url + "browse/planner.html?start=09:00&item=welcome~10~A&item=break~10~B")
    minutes = page.get_by_label("Minutes for A")
    minutes.fill("25")
    expect(page.locator("[data-planner-total]")).to_contain_text("35 of 120 minutes")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Up"
    page.get_by_role("button", name="Down: move A later").click()
    assert plan_items(page) == [f"09:00{DASH}09:10 B", f"09:10{DASH}09:35 A"]
    text = page.get_by_label("Text of item 1, Break")
    text.fill("Tea and coffee")
    page.get_by_role("button", name="Remove Tea and coffee").click()
    assert plan_items(page) == [f"09:00{DASH}09:25 A"]


def test_a_shared_link_never_loses_the_plan_saved_here(page: Page, base_url: str) -> None:
    mine = MODULES[2].activities[0]
    page.goto(base_url + f"browse/planner.html?add={mine.id}")
    expect(page.locator("[data-planner-items] li")).to_contain_text(mine.title)
    page.goto(base_url + "browse/planner.html?title=Shared&item=break~15~Tea")
    expect(page.locator("[data-planner-items] li")).to_have_count(1)
    expect(page.locator("[data-planner-notice]")).to_contain_text("replaced the plan saved")
    page.get_by_role("button", name="Go back to the plan saved in this browser").click()
    expect(page.locator("[data-planner-items] li")).to_contain_text(mine.title)
    expect(page.locator("[data-planner-notice]")).to_be_hidden()


def test_planner_refuses_to_download_a_plan_that_runs_over(
    page: Page, base_url: str, tmp_path: Path
) -> None:
    page.goto(base_url + "browse/planner.html?available=20&item=welcome~15~A&item=close~15~B")
    downloads: list[Download] = []
    page.on("download", lambda download: downloads.append(download))
    button = page.get_by_role("button", name="Download for peerkit pack (.yml)")
    button.click()
    problem = page.locator("[data-planner-problem]")
    expect(problem).to_contain_text("runs 10 minutes over the time available")
    # Said next to the button that was pressed, where the eye already is.
    gap = problem.bounding_box()["y"] - button.bounding_box()["y"]  # type: ignore[index]
    assert 0 < gap < 120
    expect(problem).to_be_in_viewport()
    # Given the time it needs, the same plan downloads. The browser reports downloads in the
    # order they start, so the only one seen is this second click's: the first made none.
    page.get_by_label("Minutes available").fill("30")
    with page.expect_download() as second:
        button.click()
    saved = tmp_path / "plan.yml"
    second.value.save_as(saved)
    assert downloads == [second.value]
    assert yaml.safe_load(saved.read_text(encoding="utf-8"))["available"] == 30


def test_planner_download_of_awkward_text_still_checks(
    page: Page, base_url: str, tmp_path: Path
) -> None:
    # A line separator, a noncharacter and a direction override: `peerkit check` refuses
    # each, so the planner must leave them out of what it downloads.
    awkward = 'Boundaries: "no" #1 \u2028 \ufffe\u202e — Ünïcode 🌱 ~ end'
    page.goto(base_url + "browse/planner.html?start=10:00&available=60")
    page.get_by_label("Title").fill(awkward)
    page.get_by_role("button", name="Add welcome").click()
    page.get_by_label("Text of item 1, Welcome").fill("Hello: 'friends' # \"all\" 🌱" + "x" * 300)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download for peerkit pack (.yml)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("boundaries-no-1-unicode")
    assert_plan_checks(saved)
    plan = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert plan["title"] == 'Boundaries: "no" #1 — Ünïcode 🌱 ~ end'
    assert plan["items"][0]["welcome"].startswith("Hello: 'friends' # \"all\" 🌱xx")
    assert len(plan["items"][0]["welcome"]) <= 200  # the field's limit


def test_every_page_type_requests_nothing_from_elsewhere(
    page: Page, site: str, outside: list[str]
) -> None:
    pages = [
        "index.html",
        "modules/boundaries.html",
        "sessions/network-gathering.html",
        "glossary.html",
        *(f"browse/{name}.html" for name in BROWSE),
    ]
    for path in pages:
        page.goto(site + path, wait_until="load")
        expect(page.locator("h1").first).to_be_visible()
    assert outside == []


# --- every filter, on a small site whose modules differ in every way -----------------------


def variant(**v: str) -> str:
    """The minimal fixture module with its id, titles, facets and prompt changed."""
    text = (FIXTURES / "minimal.md").read_text(encoding="utf-8")
    replacements = {
        "id: listening\n": f"id: {v['id']}\n",
        "title: Listening well": f"title: {v['title']}",
        "duration: 60-90": f"duration: {v['duration']}",
        "themes: [listening]": f"themes: {v['themes']}",
        "values: [connection, mutuality]": f"values: {v['values']}",
        "audience: [peer supporters]": f"audience: {v['audience']}",
        "format: both\ngroup_size: 4-12": f"format: {v['format']}\ngroup_size: {v['size']}",
        "- id: listening-pairs": f"- id: {v['id']}-activity",
        "title: Listening in pairs": f"title: {v['activity']}",
        "minutes: 15-20\n    group_size: 2-12\n    format: both": (
            f"minutes: {v['minutes']}\n    group_size: {v['size']}\n    format: {v['format']}"
        ),
        "When did you last feel really listened to?": v["prompt"],
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


SMALL = {
    "listening.md": (FIXTURES / "minimal.md").read_text(encoding="utf-8"),
    "circle.md": variant(
        id="circle",
        title="Online circle",
        duration="45-60",
        themes="[listening, online]",
        values="[hope]",
        audience="[group facilitators]",
        format="online",
        size="3-6",
        activity="Check-in circle",
        minutes="5-10",
        prompt="What helps you feel safe online?",
    ),
    "room.md": variant(
        id="room",
        title="Big room",
        duration="150-180",
        themes="[power]",
        values="[empowerment, mutuality]",
        audience="[peer supporters, managers]",
        format="in-person",
        size="10-30",
        activity="Power map",
        minutes="40-45",
        prompt="Who decides here?",
    ),
}


def make_small_site(root: Path) -> None:
    copy_site(root, modules=SMALL, config={"nav": None})
    for doc in (root / "docs").glob("*.md"):  # the reference docs name reference modules
        doc.unlink()
    (root / "docs" / "index.md").write_text("# Small site\n", encoding="utf-8")
    build = mkdocs_build(root, "--strict")
    assert build.returncode == 0, build.output


@pytest.fixture(scope="session")
def small_site(request: pytest.FixtureRequest) -> str:
    """The small site, built once in a test run, as a folder opened in the browser."""
    return (shared_folder(request, "small-site", make_small_site) / "site").as_uri() + "/"


CATALOGUE_CASES = [
    ("format=online", ["listening", "circle"]),
    ("format=in-person", ["listening", "room"]),
    ("size=20", ["room"]),
    ("size=5&format=online", ["listening", "circle"]),
    ("fits=60", ["listening", "circle"]),
    ("audience=managers", ["room"]),
    ("value=mutuality", ["listening", "room"]),
    ("value=mutuality&value=empowerment", ["room"]),
    ("theme=listening&value=hope", ["circle"]),
    ("q=circle", ["circle"]),
    ("q=big+room&size=3", []),
]


@pytest.mark.parametrize(("query", "expected"), CATALOGUE_CASES)
def test_each_catalogue_filter_narrows_as_it_says(
    page: Page, small_site: str, query: str, expected: list[str]
) -> None:
    page.goto(small_site + f"browse/catalogue.html?{query}")
    assert sorted(ids_of(page, "[data-peerkit-items] [data-peerkit-id]")) == sorted(expected)
    expect(page.locator("[data-peerkit-none]")).to_be_visible(visible=not expected)


def test_activity_minutes_filter_overlaps_the_range(page: Page, small_site: str) -> None:
    page.goto(small_site + "browse/activities.html")
    cards = "[data-peerkit-items] [data-peerkit-id]"
    page.get_by_label("From", exact=True).fill("30")
    assert ids_of(page, cards) == ["room-activity"]
    page.get_by_label("From", exact=True).fill("")
    page.get_by_label("to", exact=True).fill("10")
    assert ids_of(page, cards) == ["circle-activity"]
    page.get_by_label("From", exact=True).fill("10")
    page.get_by_label("to", exact=True).fill("15")
    assert sorted(ids_of(page, cards)) == ["circle-activity", "listening-pairs"]
    assert parse_qs(urlsplit(page.url).query) == {"from": ["10"], "to": ["15"]}


def test_reflection_bank_filters_by_theme_and_words(page: Page, small_site: str) -> None:
    page.goto(small_site + "browse/reflections.html")
    page.get_by_role("navigation", name="By theme").get_by_role("link", name="power").click()
    expect(page.locator("[data-peerkit-group]:visible")).to_have_count(1)
    expect(page.locator("[data-peerkit-group]:visible")).to_contain_text("Who decides here?")
    page.goto(small_site + "browse/reflections.html?q=safe+online")
    expect(page.locator("[data-peerkit-id]:visible")).to_have_count(1)
    expect(page.locator("[data-peerkit-id]:visible")).to_have_text(
        "What helps you feel safe online?"
    )


def test_nothing_scrolls_sideways_on_a_small_phone(page: Page, base_url: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    for name in ("catalogue", "activities", "reflections", "map", "planner"):
        page.goto(base_url + f"browse/{name}.html")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (name, width)


def test_search_tags_are_escaped_for_material_but_keep_quotes_searchable() -> None:
    module = MODULES[0].model_copy(
        update={
            "themes": ['"quoted" <b>bold</b> & co', "Hope"],
            "values": [Value.hope, Value.connection],
            "summary": "A <i>short</i> one",
        }
    )
    index = {"docs": [{"location": "m.html", "title": "", "text": ""}, {"location": "x.html"}]}
    weighed = weigh(index, {"m.html": module})
    first, other = weighed["docs"]
    assert first["tags"][:2] == ['"quoted" &lt;b&gt;bold&lt;/b&gt; &amp; co', "Hope"]
    assert first["tags"][2:] == ["Connectedness"]  # the value hope is already a theme
    assert first["keywords"] == "A &lt;i&gt;short&lt;/i&gt; one"
    assert "tags" not in other and "keywords" not in other
    assert weighed["config"]["fields"]["keywords"]["boost"] == KEYWORDS_BOOST
