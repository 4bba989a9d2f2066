"""The reference site in a real browser: search, accessibility and privacy."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from conftest import Build, aim_words

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}}


def test_search_for_a_word_in_an_aim_lands_on_the_activity(
    page: Page, base_url: str, reference_build: Build
) -> None:
    module_id, activity, word = aim_words(reference_build)[0]
    page.goto(base_url)
    page.get_by_role("textbox", name="Search").first.click()
    page.keyboard.type(word)
    # Material lists each matching page, then its matching sections, best first.
    results = page.locator("a.md-search-result__link[href*='#']")
    expect(results.first).to_have_attribute(
        "href", re.compile(rf"/modules/{module_id}\.html\?h={word}#{activity}$")
    )
    results.first.click()
    expect(page).to_have_url(re.compile(rf"/modules/{module_id}\.html.*#{activity}$"))
    expect(page.locator(f"#{activity}")).to_be_in_viewport()


def test_pages_request_nothing_from_other_origins(page: Page, base_url: str) -> None:
    origin = urlsplit(base_url).netloc
    elsewhere: list[str] = []
    page.on("request", lambda r: urlsplit(r.url).netloc != origin and elsewhere.append(r.url))
    for path in ["", "modules/mutuality.html", "writing-modules.html"]:
        page.goto(base_url + path, wait_until="networkidle")
    page.get_by_role("textbox", name="Search").first.click()
    page.keyboard.type("mutuality")
    page.wait_for_load_state("networkidle")
    assert elsewhere == []


def test_facilitator_notes_print_open(page: Page, base_url: str) -> None:
    page.goto(base_url + "modules/mutuality.html")
    notes = page.locator("details.peerkit-facilitator").first
    expect(notes).not_to_have_attribute("open", "")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    expect(notes).to_have_attribute("open", "")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    expect(notes).not_to_have_attribute("open", "")


def test_a_module_page_prints_without_navigation_and_with_link_addresses(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + "modules/mutuality.html")
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".md-footer", ".peerkit-downloads"):
        expect(page.locator(selector).first).to_be_hidden()
    link = page.locator(".peerkit-signposting a[href^='https://']").first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert after == f'" ({link.get_attribute("href")})"'
    activity = page.locator("section.peerkit-activity").first
    assert activity.evaluate("s => getComputedStyle(s).breakBefore") == "page"


def test_a_printed_page_keeps_its_title_and_the_planner_prints_its_agenda_alone(
    page: Page, base_url: str, tmp_path: Path
) -> None:
    """Chromium's own print (page.pdf), read back with pdftotext: the page's title is on
    paper; the planner's rule that hides its heading stays on the planner."""

    def printed(path: str) -> str:
        page.goto(base_url + path)
        pdf = tmp_path / "page.pdf"
        pdf.write_bytes(page.pdf(format="A4"))
        out = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True)
        return " ".join(out.stdout.decode("utf-8").split())

    page.goto(base_url + "modules/mutuality.html")
    heading = page.locator(".md-content__inner > h1").first.inner_text()
    assert heading and heading in printed("modules/mutuality.html")
    page.goto(base_url + "browse/planner.html")
    planner_heading = page.locator(".md-content__inner > h1").first.inner_text()
    assert planner_heading not in printed("browse/planner.html")
