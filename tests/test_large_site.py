"""A site of many modules stays small and quick where the browser meets it: a search index
under its budget, a navigation that lists only a page's own group, browse lists that filter
to the right items. Built once from 50 generated modules (bench/corpus.py: the reference
modules again and again, with their ids renamed and 40 themes of their own).

Timings are `make bench`'s (bench/frontend.py), not these tests'.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from playwright.sync_api import Page, expect

from peerkit.anchors import section_anchors
from peerkit.load import load_folder
from peerkit.model import Module

from conftest import ROOT, mkdocs_build, peerkit_options, shared_folder, site_config

sys.path.insert(0, str(ROOT / "bench"))
from corpus import make_site

SIZE = 50
BUDGET_KB = 350
"""The large site's `search_budget`: the hand-written pages take about 100 KB of it, which
leaves each module about 5 KB (the default gives 1,000 modules about 4 KB)."""


CARDS = 20
"""The large site's `browse_cards`: its catalogue (50 modules) and library (200 and more
activities) are both longer, so both are paged."""


def make_large_site(root: Path) -> None:
    make_site(root, SIZE)
    with site_config(root) as config:
        peerkit_options(config)["search_budget"] = BUDGET_KB
        peerkit_options(config)["browse_cards"] = CARDS
    build = mkdocs_build(root)
    assert build.returncode == 0, build.output


@pytest.fixture(scope="module")
def large(request: pytest.FixtureRequest) -> Path:
    """The built site of 50 modules."""
    return shared_folder(request, "large-site", make_large_site)


def modules_of(root: Path) -> list[Module]:
    return [f.module for f in load_folder(root / "modules")[0]]


def test_the_search_index_keeps_to_its_budget_and_holds_what_facilitators_look_for(
    large: Path,
) -> None:
    index = (large / "site" / "search" / "search_index.json").read_bytes()
    assert len(index) <= BUDGET_KB * 1000 * 1.05  # synonyms are added after the budget
    docs = json.loads(index)["docs"]
    modules_part = [d for d in docs if d["location"].startswith("modules/")]
    per_module = len(json.dumps(modules_part, ensure_ascii=False, separators=(",", ":"))) / SIZE
    assert per_module <= 6_000
    entries = {d["location"]: d for d in docs}
    for module in modules_of(large):
        page = f"modules/{module.id}.html"
        first = entries[page]
        assert first["title"] == module.title
        assert first["keywords"] == " ".join(module.summary.split())
        assert {t.casefold() for t in module.themes} <= {t.casefold() for t in first["tags"]}
        for activity in module.activities:
            section = entries[f"{page}#{activity.id}"]
            assert section["title"].startswith(activity.title)
            assert section["keywords"] == " ".join(activity.aim.split())
        own = [d for d in docs if d["location"].startswith(f"{page}#")]
        # Each text once: the tags on the module's entry only, no support list, no sources.
        assert not any("tags" in d for d in own)
        anchors = section_anchors(module)
        dropped = {f"{page}#{anchors[name]}" for name in ("support", "about", "running-order")}
        assert not dropped & {d["location"] for d in own}
        # Every heading of the module's own prose is there (its text as far as room allows).
        headings = {d["title"] for d in own}
        assert {"About this module", "Taking part"} <= headings


def test_the_home_page_module_cards_are_left_out_of_search(large: Path) -> None:
    docs = json.loads((large / "site" / "search" / "search_index.json").read_bytes())["docs"]
    home = " ".join(d["text"] for d in docs if d["location"].startswith("index.html"))
    assert not re.search(r"\(\d+\)", home)  # no generated module title, "Mutuality … (12)"
    assert len(home) < 10_000


def test_a_module_page_lists_only_its_own_group_of_modules(large: Path) -> None:
    modules = modules_of(large)
    module = modules[7]
    theme = module.themes[0]
    html = (large / "site" / "modules" / f"{module.id}.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>', html, re.S)
    assert nav
    linked = re.findall(r'href="([\w.-]+)\.html"', nav[0])  # links beside the page
    same_theme = {m.id for m in modules if m.themes[0] == theme}
    groups = {m.themes[0] for m in modules}
    assert same_theme <= set(linked) | {module.id}
    # Besides its own group, one link a group (the group's name, opening its first module).
    assert len(set(linked) - same_theme) <= len(groups)
    assert len(linked) < len(modules)
    # Every group is there by name, so a facilitator can open another.
    for group in {m.themes[0] for m in modules}:
        assert re.search(rf">\s*{re.escape(group[:1].upper() + group[1:])}\s*<", nav[0]), group
    without_content = len(html.encode()) - len(
        re.search(r"<article\b.*?</article>", html, re.S)[0].encode()  # type: ignore[index]
    )
    assert without_content < 60_000


def shown_ids(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "[data-peerkit-items] > [data-peerkit-id]:not([hidden])",
        "items => items.map(i => i.dataset.peerkitId)",
    )


def test_a_long_library_holds_its_first_cards_and_every_activity_by_theme(large: Path) -> None:
    modules = modules_of(large)
    html = (large / "site" / "browse" / "activities.html").read_text(encoding="utf-8")
    items = html[html.index("data-peerkit-items") : html.index("data-peerkit-none")]
    activities = [(m, a) for m in modules for a in m.activities]
    cards = re.findall(r'<li class="peerkit-card" data-peerkit-id="([^"]+)"', items)
    assert cards == [a.id for _, a in activities[:CARDS]]
    # Without JavaScript every activity is a link, under its module's first theme, in a
    # closed section; "Show more" needs the script, so it is hidden until the script runs.
    compact = html[html.index("data-peerkit-compact") :]
    assert "<details open" not in compact
    for module, activity in activities:
        assert f'href="../modules/{module.id}.html#{activity.id}"' in compact
    groups = re.findall(r"<summary>([^<]+) \((\d+)\)</summary>", compact)
    assert sum(int(n) for _, n in groups) == len(activities)
    assert {g for g, _ in groups} == {m.themes[0][:1].upper() + m.themes[0][1:] for m in modules}
    assert re.search(r'<p class="peerkit-more" data-peerkit-more-line hidden>', html)
    assert len(html.encode()) < 200_000  # the whole library as cards was 4 times this


def test_the_activity_library_filters_to_the_right_activities(page: Page, large: Path) -> None:
    modules = modules_of(large)
    word = "closing"
    wanted = [
        a.id
        for m in modules
        for a in m.activities
        if word in f"{a.title} {a.aim} {m.title}".lower()
    ]
    total = sum(len(m.activities) for m in modules)
    assert CARDS < len(wanted) < total  # more matches than the cards drawn at once
    page.goto((large / "site" / "browse" / "activities.html").as_uri())
    box = page.locator("#peerkit-q")
    box.press_sequentially(word, delay=30)
    count = page.locator("[data-peerkit-count]")
    expect(count).to_have_text(f"Showing {len(wanted)} of {total} activities")
    expect(count).to_have_attribute("role", "status")
    expect(page.locator("[data-peerkit-compact]")).to_be_hidden()  # it is not filtered
    assert shown_ids(page) == wanted[:CARDS]
    # "Show more" draws the next cards and takes the reader to the first of them.
    more = page.locator("[data-peerkit-more]")
    while len(shown_ids(page)) < len(wanted):
        before = len(shown_ids(page))
        more.click()
        first_new = page.locator("[data-peerkit-items] > [data-peerkit-id]").nth(before)
        expect(first_new.locator("a").first).to_be_focused()
    assert shown_ids(page) == wanted
    expect(more).to_be_hidden()
    box.fill("")
    expect(count).to_have_text(f"All {total} activities")
    assert shown_ids(page) == [a.id for m in modules for a in m.activities][:CARDS]
    expect(page.locator("[data-peerkit-compact]")).to_be_visible()


# Every element of a card as (tag, class, attribute names), and its text: what a drawn card
# must share with one from the HTML.
SHAPE = """card => [...card.querySelectorAll('*')].map(e =>
  [e.tagName, e.className, e.getAttributeNames().filter(n => n !== 'href').sort().join(' ')])"""


def test_cards_drawn_from_the_index_match_those_in_the_html(page: Page, large: Path) -> None:
    modules = modules_of(large)
    activities = {a.id: (m, a) for m in modules for a in m.activities}
    page.goto((large / "site" / "browse" / "activities.html").as_uri() + "?to=20")
    cards = page.locator("[data-peerkit-items] > [data-peerkit-id]")
    expect(cards.first).to_be_visible()
    html_card = page.locator("[data-peerkit-items] > [data-peerkit-id]").first.evaluate(SHAPE)
    more = page.locator("[data-peerkit-more]")
    more.click()
    drawn = cards.nth(CARDS + 1)
    module, activity = activities[drawn.get_attribute("data-peerkit-id") or ""]
    assert drawn.evaluate(SHAPE) == html_card
    expect(drawn.locator("h2 a")).to_have_text(activity.title)
    expect(drawn.locator("h2 a")).to_have_attribute(
        "href", f"../modules/{module.id}.html#{activity.id}"
    )
    expect(drawn.locator(".peerkit-card-module a")).to_have_text(module.title)
    expect(drawn.locator("dd").nth(0)).to_have_text(f"{activity.minutes} minutes")
    expect(drawn.locator("dd").nth(1)).to_have_text(activity.format.label)
    expect(drawn.locator("dd").nth(2)).to_have_text(f"{activity.group_size} people")
    # "Add to plan" on a drawn card takes the minutes the library is filtered to.
    add = drawn.locator("a[data-add-to-plan]")
    add.focus()
    expected = min(max(20, activity.minutes.min), activity.minutes.max)
    href = unquote(add.get_attribute("href") or "")
    assert href.endswith(f"planner.html?add={activity.id}~{expected}")


def test_a_long_catalogue_draws_the_cards_a_theme_asks_for(page: Page, large: Path) -> None:
    modules = modules_of(large)
    theme = modules[-1].themes[0]  # a theme whose modules are past the first cards
    wanted = [m for m in modules if theme in m.themes]
    page.goto((large / "site" / "browse" / "catalogue.html").as_uri() + f"?theme={quote(theme)}")
    count = page.locator("[data-peerkit-count]")
    expect(count).to_have_text(f"Showing {len(wanted)} of {len(modules)} modules")
    assert shown_ids(page) == [m.id for m in wanted][:CARDS]
    html_page = page.context.new_page()
    html_page.goto((large / "site" / "browse" / "catalogue.html").as_uri())
    first = html_page.locator("[data-peerkit-items] > [data-peerkit-id]")
    for module in wanted[:CARDS]:
        drawn = page.locator(f'[data-peerkit-items] > [data-peerkit-id="{module.id}"]')
        expect(drawn.locator("h2 a")).to_have_attribute("href", f"../modules/{module.id}.html")
        time = f"{module.duration} minutes" + "".join(
            f"; {v.label.lower()} {v.minutes}" for v in module.versions
        )
        expect(drawn.locator("dd").first).to_have_text(time)
        values = ", ".join(v.label for v in module.values)
        expect(drawn.locator("dd").nth(4)).to_have_text(values)
        # The same shape as the card of a module the HTML holds, content notes and all.
        like = next(
            i
            for i, m in enumerate(modules[:CARDS])
            if bool(m.content_notes) == bool(module.content_notes)
            and len(m.versions) == len(module.versions)
            and len(m.content_notes) == len(module.content_notes)
        )
        assert drawn.evaluate(SHAPE) == first.nth(like).evaluate(SHAPE)
    html_page.close()


def test_a_long_library_passes_axe(page: Page, large: Path) -> None:
    from browser import axe_violations

    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto((large / "site" / "browse" / "activities.html").as_uri() + "?format=online")
        page.locator("[data-peerkit-more]").click()
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert axe_violations(page) == []
        page.goto((large / "site" / "browse" / "catalogue.html").as_uri())
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert axe_violations(page) == []


def test_a_long_planner_list_shows_more_on_request_and_filters_them_all(
    page: Page, large: Path
) -> None:
    modules = modules_of(large)
    activities = [a.id for m in modules for a in m.activities]
    page.goto((large / "site" / "browse" / "planner.html").as_uri())
    rows = page.locator("[data-planner-results] > li")
    expect(rows).to_have_count(CARDS)
    more = page.locator("[data-planner-more]")
    expect(more).to_be_enabled()
    expect(more).to_have_text(f"Show {CARDS} more")
    more.click()
    expect(rows).to_have_count(2 * CARDS)
    expect(rows.nth(CARDS).locator("a")).to_be_focused()
    ids = rows.evaluate_all("rows => rows.map(r => r.dataset.activity)")
    assert ids == activities[: 2 * CARDS]
    page.locator("#planner-q").fill("closing")
    wanted = [
        a.id
        for m in modules
        for a in m.activities
        if "closing" in f"{a.title} {a.aim} {m.title}".lower()
    ]
    expect(page.locator("[data-planner-found]")).to_have_text(f"{len(wanted)} activities found")
    expect(rows).to_have_count(CARDS)
    while rows.count() < len(wanted):
        more.click()
    expect(more).to_be_hidden()
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.activity)") == wanted
    # An activity from past the first rows goes into the plan.
    last = modules[-1]
    page.locator("#planner-q").fill(last.title)
    page.locator(f'[data-add-activity="{last.activities[-1].id}"]').click()
    expect(page.locator("[data-planner-items] > li")).to_have_count(1)


def bank_questions(module: Module) -> int:
    return len(module.reflection) + sum(len(a.reflection) for a in module.activities)


def test_a_long_reflection_bank_folds_the_later_modules_by_theme(large: Path) -> None:
    modules = modules_of(large)
    html = (large / "site" / "browse" / "reflections.html").read_text(encoding="utf-8")
    items = html[html.index("data-peerkit-items") : html.index("data-peerkit-none")]
    # Every question once, for a reader without JavaScript and for the filters.
    ids = re.findall(r'<li data-peerkit-id="([^"]+)"', items)
    assert len(ids) == len(set(ids)) == sum(bank_questions(m) for m in modules)
    # Open: the first modules, up to CARDS questions (their sections come before any fold).
    open_part, folded = items[: items.index("<details")], items[items.index("<details") :]
    shown = re.findall(r'data-peerkit-group="([^"]+)"', open_part)
    assert shown == [m.id for m in modules[: len(shown)]]
    assert 0 < sum(bank_questions(m) for m in modules[: len(shown)]) <= CARDS
    assert sum(bank_questions(m) for m in modules[: len(shown) + 1]) > CARDS
    # Folded: every other module under its first theme, in closed sections, themes A to Z.
    assert "<details open" not in folded
    folds = re.findall(
        r"<details[^>]*data-peerkit-fold>\s*<summary>([^<]+) \((\d+) modules?\)</summary>"
        r"(.*?)</details>",
        folded,
        re.S,
    )
    rest = modules[len(shown) :]
    assert sum(int(n) for _, n, _ in folds) == len(rest)
    for theme, _, body in folds:
        members = re.findall(r'data-peerkit-group="([^"]+)"', body)
        assert members == [m.id for m in rest if m.themes[0].casefold() == theme.casefold()]
    assert len(html.encode()) < 2 * len(items.encode())  # no question twice


def test_a_long_reflection_bank_opens_the_themes_that_hold_what_a_filter_finds(
    page: Page, large: Path
) -> None:
    modules = modules_of(large)
    theme = modules[-1].themes[0]  # the first theme of a folded module
    wanted = [m for m in modules if theme in m.themes]
    total = sum(bank_questions(m) for m in modules)
    page.goto((large / "site" / "browse" / "reflections.html").as_uri())
    folds = page.locator("[data-peerkit-fold]")
    assert folds.count() > 1
    expect(page.locator("[data-peerkit-fold][open]")).to_have_count(0)
    # The reader opens a theme of their own before filtering.
    mine = folds.nth(0)
    mine.locator("summary").click()
    page.get_by_label("Theme", exact=True).select_option(theme)
    count = page.locator("[data-peerkit-count]")
    found = sum(bank_questions(m) for m in wanted)
    expect(count).to_have_text(f"Showing {found:,} of {total:,} questions")
    # Each wanted module is shown, its questions on screen (in an opened theme if folded);
    # a theme with nothing found is put away, and so is the note on folded themes.
    for module in wanted:
        group = page.locator(f'[data-peerkit-group="{module.id}"]')
        expect(group).to_be_visible()
        expect(group.locator("li").first).to_be_visible()
    visible = page.locator("[data-peerkit-group]:visible")
    expect(visible).to_have_count(len(wanted))
    expect(page.locator("[data-peerkit-fold-note]")).to_be_hidden()
    opened = page.locator("[data-peerkit-fold]:visible")
    assert opened.count() < folds.count()
    expect(page.locator("[data-peerkit-fold]:visible:not([open])")).to_have_count(0)
    # Clearing the filters folds again what the filters opened, not what the reader had.
    page.get_by_role("button", name="Clear filters").click()
    expect(count).to_have_text(f"All {total:,} questions")
    expect(page.locator("[data-peerkit-fold][open]")).to_have_count(1)
    expect(mine).to_have_attribute("open", "")
    expect(page.locator("[data-peerkit-fold-note]")).to_be_visible()


def test_a_long_reflection_bank_passes_axe(page: Page, large: Path) -> None:
    from browser import axe_violations

    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto((large / "site" / "browse" / "reflections.html").as_uri())
        assert axe_violations(page) == []
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # opened too
