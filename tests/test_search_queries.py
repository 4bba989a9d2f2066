"""Search as facilitators use it: everyday queries typed into the search box in Chromium, over
http and from a folder (file://), each needing its page among the first three results.

The queries are the kind a facilitator types while preparing a session: single words in any
form ("share" for "sharing"), words in quotes, phrases, a site's synonyms (mkdocs.yml sets
burnout ↔ compassion fatigue and breakout ↔ small group) and questions in plain words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import Build

# (what a facilitator types, the page they need in the first three results)
QUERIES: list[tuple[str, str]] = [
    ("share", "modules/sharing-our-experiences.html"),
    ("sharing my story", "modules/sharing-our-experiences.html"),
    ("how much to disclose", "modules/sharing-our-experiences.html"),
    ("self-disclosure", "modules/sharing-our-experiences.html"),
    ("headline and hand-back", "modules/sharing-our-experiences.html"),
    ("online communities", "modules/peer-support-recovery.html"),
    ('"burnout"', "modules/self-care.html"),
    ("burnout", "modules/self-care.html"),
    ("compassion fatigue", "modules/self-care.html"),
    ("running low", "modules/self-care.html"),
    ("self care plan", "modules/self-care.html"),
    ("debrief after a hard session", "modules/self-care.html"),
    ("what is a breakout room", "glossary.html"),
    ("running a session online", "facilitator-guide.html"),
    ("small group work online", "modules/peer-values.html"),
    ("saying no", "modules/boundaries.html"),
    ("friendship", "modules/boundaries.html"),
    ("two hats", "modules/boundaries.html"),
    ("dual roles", "modules/boundaries.html"),
    ("group agreement", "modules/peer-support-recovery.html"),
    ("ground rules", "modules/peer-support-recovery.html"),
    ("CHIME", "modules/peer-support-recovery.html"),
    ("what is peer support", "modules/peer-support-recovery.html"),
    ("HEAR ME", "modules/peer-values.html"),
    ("values and vision", "modules/peer-values.html"),
    ("trauma informed principles", "modules/trauma-informed.html"),
    ("grounding", "modules/trauma-informed.html"),
    ("someone in distress", "modules/trauma-informed.html"),
    ("power imbalance", "modules/understanding-power.html"),
    ("who decides", "modules/understanding-power.html"),
    ("tokenism", "modules/understanding-power.html"),
    ("choice and control", "modules/understanding-power.html"),
    ("mutual relationship", "modules/mutuality.html"),
    ("one-sided", "modules/mutuality.html"),
    ("treated as an equal", "modules/mutuality.html"),
    ("signposting", "facilitator-guide.html"),
    ("right to pass", "facilitator-guide.html"),
    ("co-facilitating", "facilitator-guide.html"),
    ("monthly session", "sessions/monthly-peer-support-hour.html"),
    ("six week course", "sessions/six-week-course.html"),
    ("printed packs", "printing.html"),
    ("writing a module", "writing-modules.html"),
]


def _page_of(href: str, base: str) -> str:
    """The page a result links to, relative to the site's root."""
    path = href.split("#")[0].split("?")[0]
    return path.removeprefix(base)


def top_pages(page: Page, base: str, query: str) -> list[str]:
    """The first three pages (each once) search lists for `query`, typed into the search box."""
    box = page.locator("input[data-md-component=search-query]")
    meta = page.locator(".md-search-result__meta")
    # Material reads the box on each key released: type the last key for real.
    box.fill("")
    box.press("Backspace")
    expect(meta).to_have_text("Type to start searching")
    box.fill(query[:-1])
    box.press(query[-1])
    expect(meta).to_have_text(re.compile(r"matching document"))
    # Results come from the worker once per query: let the list settle.
    page.wait_for_timeout(100)
    links = page.eval_on_selector_all(
        ".md-search-result__item > a.md-search-result__link", "ls => ls.map(a => a.href)"
    )
    pages = list(dict.fromkeys(_page_of(href, base) for href in links))
    return pages[:3]


@pytest.fixture(scope="module")
def search_page(
    request: pytest.FixtureRequest, browser: Browser, reference_build: Build
) -> Iterator[tuple[Page, str]]:
    """The home page with search open, over http or from the folder."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    if request.param == "http":
        base = request.getfixturevalue("base_url")
    else:
        base = reference_build.site.as_uri() + "/"
    page.goto(base + "index.html")
    page.locator("input[data-md-component=search-query]").click()
    yield page, base
    context.close()


@pytest.mark.parametrize("search_page", ["http", "file"], indirect=True)
def test_facilitator_queries_find_their_page_in_the_top_three(
    search_page: tuple[Page, str],
) -> None:
    page, base = search_page
    missed = []
    for query, expected in QUERIES:
        found = top_pages(page, base, query)
        if expected not in found:
            missed.append(f"{query!r}: wanted {expected}, got {found}")
    assert missed == [], f"{len(missed)} of {len(QUERIES)} queries missed:\n" + "\n".join(missed)
