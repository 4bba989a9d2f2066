"""No markup in a title can run or navigate when hovered, whatever theme features a site turns
on: in real Chromium, over http, under the site's own headers, and from a folder (file://).

Material's `content.tooltips` puts an element's `title` into the page as HTML, and copies the
text of a truncated page title, navigation link or contents entry into a title first. The
module below tries every way in: `title` attributes in its prose (which the cleaner drops),
and markup in its title and a heading (escaped in the HTML, but text that looks like markup
once copied into a tooltip: peerkit's tooltip guard shows it as text)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from browser import serve
from conftest import (
    FIXTURES,
    Build,
    copy_site,
    mkdocs_build,
    netlify_headers,
    peerkit_options,
    site_config,
)

RUN = "<img src='x' onerror=window.__pwned=1>"  # runs script when inserted as HTML
GO = "<meta http-equiv='refresh' content='0;url=https://example.org/'>"  # navigates
# Without spaces, so the text cannot wrap and the theme truncates it (and makes a tooltip).
TITLE = (
    "Listening<img/src='x'/onerror=window.__pwned=2>well-with-a-title-much-too-long-to-fit-"
    "the-page-header-even-on-a-wide-screen-because-nothing-in-it-can-wrap"
)
HEADING = "Notes&lt;meta/http-equiv='refresh'/content='0;url=https://example.org/'&gt;to-read-first"

PROSE = f"""A module that tries every way into a tooltip.

<span title="{RUN}">span with a title</span>

<abbr title="{RUN}">WRAP</abbr>

[link with a title](https://example.org/ "{RUN}")

A paragraph with an attr_list title
{{: title="{GO}" }}

<span title="{GO}">span with a refresh in its title</span>

## {HEADING}

The end.
"""

PROSE_CASES = {
    "span title": "span:text('span with a title')",
    "abbr title": "abbr:text('WRAP')",
    "Markdown link title": "a:text('link with a title')",
    "attr_list title": "p:text('A paragraph with an attr_list title')",
    "meta refresh in a title": "span:text('span with a refresh in its title')",
}
# What the theme truncates and (with content.tooltips) turns into a tooltip.
TRUNCATED_CASES = {
    "long module title in the header": ".md-header__topic:nth-child(2) .md-ellipsis",
    "module title in the navigation": "a.md-nav__link--active[href='listening.html'] .md-ellipsis",
    "heading in the table of contents": (
        ".md-nav--secondary a.md-nav__link[href*='refresh'] .md-ellipsis"
    ),
}


def hostile_module() -> str:
    minimal = (FIXTURES / "minimal.md").read_text(encoding="utf-8")
    module = minimal.replace("title: Listening well", f'title: "{TITLE}"', 1)
    return module.replace("A short module used by peerkit's tests.", PROSE)


def build_site(root: Path, *, tooltips: bool) -> Build:
    copy_site(root, modules={"listening.md": hostile_module()})
    with site_config(root) as config:
        features = config["theme"]["features"]
        assert "content.tooltips" in features  # the reference site turns tooltips on
        if not tooltips:
            features.remove("content.tooltips")
    build = mkdocs_build(root, "--strict")
    assert build.returncode == 0, build.output
    return build


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Build]:
    """The hostile module's site, with content.tooltips on (True) and off (False)."""
    return {
        tooltips: build_site(tmp_path_factory.mktemp("hostile"), tooltips=tooltips)
        for tooltips in (True, False)
    }


@pytest.fixture(params=[True, False], ids=["tooltips", "no-tooltips"])
def tooltips(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def hostile_build(builds: dict[bool, Build], tooltips: bool) -> Build:
    return builds[tooltips]


@pytest.fixture(params=["http", "http-with-headers", "file"])
def module_url(request: pytest.FixtureRequest, hostile_build: Build) -> Iterator[str]:
    site = hostile_build.site
    if request.param == "file":
        yield (site / "modules" / "listening.html").as_uri()
        return
    headers = netlify_headers(site) if request.param == "http-with-headers" else {}
    with serve(site, headers) as url:
        yield url + "modules/listening.html"


class Watch(NamedTuple):
    navigations: list[str]
    """Addresses the page went to after it opened."""


def open_page(page: Page, url: str) -> Watch:
    page.goto(url)
    watch = Watch([])
    page.on("framenavigated", lambda f: f.parent_frame is None and watch.navigations.append(f.url))
    return watch


def markup_in_tooltips(page: Page) -> int:
    """Elements inside any tooltip the theme has made (markup a title became)."""
    return int(page.locator(".md-tooltip__inner *, .md-tooltip2__inner *").count())


def hover_and_check(page: Page, url: str, watch: Watch, selector: str) -> None:
    target = page.locator(f"{selector} >> visible=true").first
    target.scroll_into_view_if_needed()
    target.hover()
    page.wait_for_timeout(400)  # the theme shows a tooltip after a short delay
    assert markup_in_tooltips(page) == 0, selector
    page.mouse.move(0, 0)
    page.wait_for_timeout(200)
    assert page.evaluate("window.__pwned") is None, selector
    assert page.url == url and watch.navigations == [], selector


def test_titles_in_prose_are_dropped_by_the_cleaner(hostile_build: Build) -> None:
    html = hostile_build.page("modules/listening.html")
    content = html[html.index('<article class="md-content__inner') :]
    for text in ("span with a title", "WRAP", "link with a title", "attr_list title"):
        assert text in content
    assert "onerror" not in content.split("</h1>", 1)[1].split('class="peerkit-signposting')[0]
    assert "http-equiv=" not in content.replace("&lt;meta/http-equiv=", "")


def test_no_title_runs_script_or_navigates_when_hovered(
    page: Page, module_url: str, hostile_build: Build
) -> None:
    watch = open_page(page, module_url)
    for selector in PROSE_CASES.values():
        hover_and_check(page, module_url, watch, selector)
    # The page title moves into the header once the page's own heading scrolls away.
    page.mouse.wheel(0, 600)
    expect(page.locator(".md-header__title--active")).to_be_attached()
    for selector in TRUNCATED_CASES.values():
        hover_and_check(page, module_url, watch, selector)


ON_TOP = """e => {
    const r = e.getBoundingClientRect();
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return hit !== null && e.contains(hit);
}"""


@pytest.mark.parametrize("case", list(TRUNCATED_CASES))
def test_a_truncated_title_shows_its_markup_as_text(
    page: Page, hostile_build: Build, tooltips: bool, case: str
) -> None:
    """The guard is what holds here (the title is text that looks like markup), and the
    tooltips really appear: without content.tooltips the theme makes none."""
    url = (hostile_build.site / "modules" / "listening.html").as_uri()
    watch = open_page(page, url)
    target = page.locator(f"{TRUNCATED_CASES[case]} >> visible=true").first
    # The header swaps the site name for the page title once the heading scrolls away, with
    # a transition: hover only when the title itself is what a pointer there would touch.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(page.locator(".md-header__title--active")).to_be_attached()
    page.mouse.move(640, 800)  # from elsewhere, so the pointer really enters the title
    for _ in range(50):
        page.wait_for_timeout(100)
        if target.evaluate(ON_TOP):
            break
    target.hover()
    page.wait_for_timeout(400)
    tooltip = page.locator(".md-tooltip2__inner")
    if tooltips:
        expect(tooltip).to_have_count(1)
        assert ("onerror" if "title" in case else "http-equiv") in tooltip.inner_text()
        assert markup_in_tooltips(page) == 0
    else:
        expect(tooltip).to_have_count(0)
    assert page.evaluate("window.__pwned") is None and watch.navigations == []


def test_a_title_that_got_past_the_cleaner_still_shows_as_text(
    browser: Browser, builds: dict[bool, Build]
) -> None:
    """The tooltip guard does not depend on the cleaner: here the page is changed on its way
    to the browser to put markup back into a title (content.tooltips on)."""
    hostile_build = builds[True]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def put_back(route: Route) -> None:
        body = (
            route.fetch()
            .text()
            .replace(
                "<span>span with a title</span>",
                f'<span title="{GO}{RUN}">span with a title</span>',
            )
        )
        route.fulfill(body=body, content_type="text/html")

    with serve(hostile_build.site) as base:
        url = base + "modules/listening.html"
        page.route(url, put_back)
        watch = open_page(page, url)
        target = page.locator("span[title]:text('span with a title')")
        expect(target).to_have_count(1)
        target.hover()
        page.wait_for_timeout(400)
        expect(page.locator(".md-tooltip2__inner")).to_contain_text("http-equiv='refresh'")
        assert markup_in_tooltips(page) == 0
        page.wait_for_timeout(300)
        assert page.evaluate("window.__pwned") is None and watch.navigations == []
    context.close()


def test_every_page_carries_the_policy_as_a_meta_tag(hostile_build: Build) -> None:
    site = hostile_build.site
    header = netlify_headers(site)["Content-Security-Policy"]
    meta = header.removesuffix("; frame-ancestors 'none'")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{meta}">'
    for page in ("index.html", "modules/listening.html", "browse/planner.html", "404.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert html.count(meta) == 1, page
        assert html.index('<meta charset="utf-8">') < html.index(meta) < html.index("<script")


def test_a_theme_override_that_drops_the_tooltip_guard_fails_the_build(tmp_path: Path) -> None:
    root = copy_site(tmp_path, modules={"listening.md": hostile_module()})
    main = root / "overrides" / "main.html"
    main.write_text(main.read_text(encoding="utf-8") + "{% block libs %}{% endblock %}\n", "utf-8")
    build = mkdocs_build(root)
    assert build.returncode == 1
    assert (
        "peerkit: index.md loads the theme's script without assets/peerkit/text-tooltips.js "
        "before it, so a title could show as markup in a tooltip: keep `{{ super() }}` in any "
        "`libs` block your overrides/main.html replaces"
    ) in build.output


def test_a_theme_that_names_a_navigation_group_shows_as_text(tmp_path: Path, page: Page) -> None:
    """Grouped by theme (`nav_groups`, the default past 30 modules), a module's first theme
    becomes a section title in every page's navigation, which the theme writes unescaped."""
    minimal = (FIXTURES / "minimal.md").read_text(encoding="utf-8")
    theme = "tricks<img src=x onerror=window.__pwned=3>"
    module = minimal.replace("themes: [listening]", f'themes: ["{theme}"]', 1)
    assert theme in module
    root = tmp_path / "site"
    copy_site(root, modules={"listening.md": module})
    with site_config(root) as config:
        peerkit_options(config)["nav_groups"] = "theme"
    build = mkdocs_build(root, "--strict")
    assert build.returncode == 0, build.output
    html = (build.site / "modules" / "listening.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html.replace("&lt;img src=x", "")
    with serve(build.site) as url:
        page.goto(url + "modules/listening.html")
        nav = page.locator("nav.md-nav--primary")
        # as text: in the section label, and again as the title of its drawer on a phone
        expect(nav.get_by_text("Tricks<img src=x onerror=window.__pwned=3>")).to_have_count(2)
        assert page.evaluate("window.__pwned") is None
