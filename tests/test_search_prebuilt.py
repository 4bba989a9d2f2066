"""The search index built with the site (peerkit.searchlunr): the browser loads it in place of
building it, so it must be the index Material's worker would have built, term for term."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from peerkit.searchlunr import js_separator, material_tokens, prebuilt_index, shipped_index

from conftest import Build

MATERIAL_WORKER = next(
    (
        Path(str(__import__("material").__file__)).parent / "templates/assets/javascripts/workers"
    ).glob("search.*.min.js")
)

# Builds an index in the page with Material's own worker (as a search box being opened does)
# and returns it in lunr's serialised form.
BUILD_IN_BROWSER = """async (data) => {
  let built = null;
  const build = lunr.Builder.prototype.build;
  lunr.Builder.prototype.build = function () { return (built = build.call(this)); };
  const setup = { type: 0, data: { config: data.config, docs: data.docs, options: {} } };
  window.dispatchEvent(new MessageEvent("message", { data: setup }));
  while (!built) await new Promise((resolve) => setTimeout(resolve, 10));
  return JSON.stringify(built.toJSON());
}"""


def built_by_material(browser: Browser, index: dict[str, Any]) -> dict[str, Any]:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content("<html></html>")
        page.add_script_tag(path=str(MATERIAL_WORKER))
        return dict(json.loads(page.evaluate(BUILD_IN_BROWSER, index)))
    finally:
        context.close()


def expanded(shipped: dict[str, Any], docs: list[dict[str, Any]]) -> dict[str, Any]:
    """The shipped (compact) index in lunr's serialised form, as peerkit's worker reads it."""
    fields = shipped["fields"]
    inverted = []
    for term, number, *rows in shipped["terms"]:
        posting: dict[str, Any] = {"_index": number}
        for field, row in zip(fields, rows, strict=True):
            posting[field] = {docs[p]["location"]: {"position": pos} for p, *pos in row}
        inverted.append([term, posting])
    vectors = [
        [f"{field}/{docs[place]['location']}", elements]
        for place, entry in enumerate(shipped["vectors"])
        for field, elements in zip(fields, entry, strict=True)
    ]
    return {
        "version": shipped["version"],
        "fields": fields,
        "fieldVectors": vectors,
        "invertedIndex": inverted,
        "pipeline": shipped["pipeline"],
    }


def test_the_index_built_with_the_site_is_the_one_materials_worker_builds(
    browser: Browser, reference_build: Build
) -> None:
    index = json.loads((reference_build.site / "search" / "search_index.json").read_bytes())
    assert index["config"]["peerkit_prebuilt"] is True
    ours = prebuilt_index(index)
    assert ours is not None
    theirs = built_by_material(browser, index)
    assert len(ours["invertedIndex"]) > 1000  # the reference site's words, stemmed
    assert [t for t, _ in ours["invertedIndex"]] == [t for t, _ in theirs["invertedIndex"]]
    assert json.loads(json.dumps(ours)) == theirs
    # What the site ships is the same index in fewer bytes.
    shipped = json.loads((reference_build.site / "search" / "search_lunr.json").read_bytes())
    assert shipped == shipped_index(index)
    unpacked = expanded(shipped, index["docs"])
    assert dict(unpacked["invertedIndex"]) == dict(theirs["invertedIndex"])
    assert dict(unpacked["fieldVectors"]) == dict(theirs["fieldVectors"])


def test_words_stem_and_split_as_in_the_browser(browser: Browser) -> None:
    """Where lunr.py's stemmer and Python's regular expressions differ from lunr.js's."""
    texts = [
        "try trying lay always cry by say",  # lunr.js's step 1c, not lunr.py's
        "café naïve “quoted” x\u00a0y a\x1cb",  # JavaScript's \\s has no \\x1c; its \\W is ASCII
        'one <code>two three</code> four <em>five</em> <a href="x">six</a> seven',
    ]
    docs: list[dict[str, Any]] = [
        {"location": f"p{n}.html", "title": "T", "text": t} for n, t in enumerate(texts)
    ]
    docs.append({"location": "tags.html", "title": "", "text": "", "tags": ["Self care", "Try"]})
    config = {
        "lang": ["en"],
        "separator": r"[\s\-]+",
        "pipeline": ["stemmer", "stopWordFilter", "trimmer"],
        "fields": {"title": {"boost": 1000}, "text": {"boost": 1}, "tags": {"boost": 1e6}},
    }
    index = {"config": config, "docs": docs}
    theirs = built_by_material(browser, index)
    assert json.loads(json.dumps(prebuilt_index(index))) == theirs
    assert {"tri", "lay", "alway", "cri"} <= {t for t, _ in theirs["invertedIndex"]}


def test_settings_python_cannot_read_as_javascript_does_leave_the_index_to_the_browser() -> None:
    docs = [{"location": "a.html", "title": "A", "text": "words"}]
    assert prebuilt_index({"config": {"lang": ["de"]}, "docs": docs}) is None
    camel = [{"location": "a.html", "title": "A", "text": "wordsAndWords"}]
    fields = {"text": {"boost": 1}}
    camel_case = {"separator": r"(?=[A-Z])", "fields": fields}
    assert prebuilt_index({"config": camel_case, "docs": camel}) is None
    assert prebuilt_index({"config": {"separator": r"\e", "fields": fields}, "docs": docs}) is None
    pattern = js_separator(r"[\s\-]+")
    assert pattern is not None
    assert pattern.split("a\u00a0b\ufeffc\x1cd") == ["a", "b", "c\x1cd"]
    tokens = material_tokens("One <b>two</b> three", pattern)
    assert [(str(t), t.metadata["position"]) for t in tokens] == [
        ("one", 0),
        ("two", 2),
        ("three", 1 << 20),
    ]


def test_search_loads_the_prebuilt_index_over_http_and_from_a_folder(
    browser: Browser, reference_build: Build, base_url: str
) -> None:
    site = reference_build.site
    for base in (base_url, site.as_uri() + "/"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            searched_on_large_site(context.new_page(), base)
        finally:
            context.close()


def searched_on_large_site(page: Page, base: str) -> None:
    """Nothing of search is read until search is opened; then the prebuilt index is (from a
    file over http, with search_index.js from a folder), and results are found and
    highlighted."""
    fetched: list[str] = []
    page.context.on("request", lambda request: fetched.append(request.url))
    page.goto(base + "modules/boundaries.html")
    page.wait_for_timeout(500)
    assert not any("search_lunr" in url or "search_index" in url for url in fetched)
    page.locator("input[data-md-component=search-query]").click()
    page.keyboard.type("two hats")
    first = page.locator(".md-search-result__item > a.md-search-result__link").first
    expect(first).to_have_attribute("href", re.compile(r"boundaries\.html"))
    # Found words are highlighted from tables filled in as results are shown.
    expect(page.locator(".md-search-result mark").first).to_be_visible()
    if base.startswith("http"):
        assert any(url.endswith("search/search_lunr.json") for url in fetched)
    else:
        assert any(url.endswith("search/search_index.js") for url in fetched)
        assert page.evaluate("typeof __peerkit_lunr") == "object"
