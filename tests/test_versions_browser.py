"""In Chromium: the catalogue finds modules for a 60 or 90 minute slot (their short
versions), and "Add to plan" takes the minutes the activity library was filtered to."""

from __future__ import annotations

from pathlib import Path

import yaml
from playwright.sync_api import Page, expect

from peerkit.load import load_folder
from peerkit.sessions.versions import shortest_minutes

from conftest import ROOT, run_peerkit

MODULES = [f.module for f in load_folder(ROOT / "modules")[0]]
CARDS = "[data-peerkit-items] [data-peerkit-id]"


def shown(page: Page) -> list[str]:
    return page.locator(CARDS).evaluate_all(
        "cards => cards.filter(c => !c.hidden).map(c => c.dataset.peerkitId)"
    )


def test_the_catalogue_finds_modules_that_fit_60_and_90_minutes(page: Page, base_url: str) -> None:
    page.goto(base_url + "browse/catalogue.html")
    for minutes in (60, 90):
        page.get_by_label("Fits in").select_option(str(minutes))
        expected = [m.id for m in MODULES if shortest_minutes(m) <= minutes]
        assert expected, f"a module has a version for {minutes} minutes"
        expect(page.get_by_role("status")).to_contain_text(
            f"Showing {len(expected)} of {len(MODULES)} modules"
            if len(expected) < len(MODULES)
            else f"All {len(MODULES)} modules"
        )
        assert shown(page) == expected
    # 60 finds some modules, 90 finds them all: each has a short version of 60-90 minutes.
    assert len(shown(page)) == len(MODULES)
    page.get_by_label("Fits in").select_option("60")
    assert 0 < len(shown(page)) < len(MODULES)
    # Each card names its short version, linked to it on the module's page.
    card = page.locator('[data-peerkit-id="boundaries"]')
    card.get_by_role("link", name="short version").click()
    expect(page.locator("#boundaries-version-short")).to_be_in_viewport()


def test_add_to_plan_uses_the_minutes_the_library_was_filtered_for(
    page: Page, base_url: str, tmp_path: Path
) -> None:
    page.goto(base_url + "browse/activities.html")
    page.get_by_label("to", exact=True).fill("20")
    card = page.locator('[data-peerkit-id="boundaries-saying-no"]')  # 20-30 minutes
    expect(card).to_be_visible()
    card.get_by_role("link", name="Add to plan: Saying no kindly and clearly").click()
    minutes = page.get_by_label("Minutes for Saying no kindly and clearly")
    expect(minutes).to_have_value("20")
    item = page.locator("[data-planner-items] li").first
    expect(item.locator(".peerkit-short-flag")).to_be_hidden()

    # Below its shortest, the planner says it is shortened, and so does the download.
    minutes.fill("15")
    minutes.press("Tab")
    expect(item.locator(".peerkit-short-flag")).to_be_visible()
    expect(item).to_contain_text("Shortened")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download for peerkit pack (.yml)").click()
    saved = tmp_path / "plan.yml"
    download.value.save_as(saved)
    plan = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert plan["items"] == [{"activity": "boundaries-saying-no", "minutes": 15, "shortened": True}]
    check = run_peerkit("check", str(ROOT / "modules"), "--plans", str(saved))
    assert check.returncode == 0, check.stdout + check.stderr
    # Without the mark, the check refuses the same minutes.
    saved.write_text(saved.read_text(encoding="utf-8").replace("    shortened: true\n", ""))
    check = run_peerkit("check", str(ROOT / "modules"), "--plans", str(saved))
    assert check.returncode == 1
    assert "under its shortest (20)" in check.stdout + check.stderr


def test_add_to_plan_takes_the_filtered_minutes_before_the_filters_index_arrives(
    page: Page, base_url: str
) -> None:
    # On a slow connection the filters' index may not have arrived when a facilitator types
    # "up to 20" and clicks at once: the link still carries 20, read from the form.
    page.route("**/index-activities.js", lambda route: None)  # held back: never arrives
    page.goto(base_url + "browse/activities.html")
    page.get_by_label("to", exact=True).fill("20")
    link = page.get_by_role("link", name="Add to plan: Saying no kindly and clearly")
    link.click()
    expect(page.get_by_label("Minutes for Saying no kindly and clearly")).to_have_value("20")
    # With no upper limit in the form, the planner plans for the longer end.
    page.go_back()
    page.get_by_label("to", exact=True).fill("")
    link.focus()
    assert link.get_attribute("href").endswith("?add=boundaries-saying-no")


def test_the_planner_adds_a_modules_short_version_as_its_running_order(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + "browse/planner.html")
    page.get_by_label("Minutes available").fill("75")
    page.get_by_role(
        "button", name="Add the short version of Role tension and boundaries to the plan"
    ).click()
    items = page.locator("[data-planner-items] li")
    expect(items).to_have_count(4)
    expect(page.get_by_label("Title")).to_have_value("Role tension and boundaries: short version")
    expect(page.locator("[data-planner-total]")).to_have_text(
        "4 items, 65 of 75 minutes. Ends at 11:05."
    )
    expect(page.get_by_label("Minutes for Peer support, friendship or never?")).to_have_value("25")
    expect(items.nth(1).locator(".peerkit-short-flag")).to_be_visible()
    expect(items.nth(2).locator(".peerkit-short-flag")).to_be_hidden()
