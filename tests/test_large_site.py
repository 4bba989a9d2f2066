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


def make_large_site(root: Path) -> None:
    make_site(root, SIZE)
    with site_config(root) as config:
        peerkit_options(config)["search_budget"] = BUDGET_KB
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
    assert 0 < len(wanted) < total
    page.goto((large / "site" / "browse" / "activities.html").as_uri())
    box = page.locator("#peerkit-q")
    box.press_sequentially(word, delay=30)
    count = page.locator("[data-peerkit-count]")
    expect(count).to_have_text(f"Showing {len(wanted)} of {total} activities")
    expect(count).to_have_attribute("role", "status")
    shown = page.eval_on_selector_all(
        "[data-peerkit-items] > [data-peerkit-id]:not([hidden])",
        "items => items.map(i => i.dataset.peerkitId)",
    )
    assert shown == wanted
    box.fill("")
    expect(count).to_have_text(f"All {total} activities")
