"""Rendering: escaped front-matter, the body sandbox, and pages that place their activities."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerkit.curriculum import check_folder
from peerkit.load import parse_module
from peerkit.model import Curriculum, ModuleFile
from peerkit.render import PageError, Renderer
from peerkit.render.env import sandbox
from peerkit.render.text import plain
from peerkit.site import Service, SiteSettings

from conftest import FIXTURES, page_html

MINIMAL = (FIXTURES / "minimal.md").read_text(encoding="utf-8")


def module_file(text: str, name: str = "m.md") -> ModuleFile:
    loaded, findings = parse_module(Path(name), text)
    assert loaded is not None, [f.format() for f in findings]
    return loaded


def render(text: str) -> str:
    loaded = module_file(text)
    return page_html(Renderer(Curriculum(files=[loaded])), loaded)


def body_error(body: str) -> str:
    with pytest.raises(PageError) as caught:
        render(MINIMAL + body)
    return "\n".join(f.format() for f in caught.value.findings)


def test_plain_text_makes_paragraphs_and_lists_and_escapes() -> None:
    html = plain("Intro <b>bold</b>\nsame paragraph\n\n- one\n- two & three\n\n1. first\n2. second")
    assert html == (
        "<p>Intro &lt;b&gt;bold&lt;/b&gt; same paragraph</p>\n"
        "<ul><li>one</li><li>two &amp; three</li></ul>\n"
        "<ol><li>first</li><li>second</li></ol>"
    )


def test_a_page_without_macros_renders_every_activity_in_order() -> None:
    text = MINIMAL.replace(
        "---\n## About",
        "  - id: listening-second\n    title: Second activity\n    aim: Another aim.\n"
        "    minutes: 10\n    group_size: 2-12\n    format: online\n    steps: [Do it.]\n"
        "---\n## About",
    )
    page = render(text)
    first, second = page.index('id="listening-pairs"'), page.index('id="listening-second"')
    assert page.index('id="about-this-module"') < first < second


def test_an_activity_placed_by_the_body_is_not_repeated() -> None:
    page = render(MINIMAL + '\n## The activity\n\n{{ activity("listening-pairs") }}\n\nAfter.\n')
    assert page.count('<h2 id="listening-pairs">') == 1
    assert (
        page.index('id="the-activity"') < page.index('id="listening-pairs"') < page.index("After.")
    )


def test_activity_shows_time_group_format_materials_at_a_glance() -> None:
    page = render(MINIMAL)
    assert "<dt>Time</dt><dd>15\N{EN DASH}20 minutes</dd>" in page
    assert "<dt>Group size</dt><dd>2\N{EN DASH}12 people</dd>" in page
    assert "<dt>Format</dt><dd>In person or online</dd>" in page
    assert "<dt>Materials</dt><dd>timer</dd>" in page


def test_facilitator_notes_fold_away_and_content_notes_come_first() -> None:
    text = MINIMAL.replace(
        "    alternative:",
        "    facilitator_notes: Watch the time.\n    content_notes: [Talking about feelings]\n"
        "    alternative:",
    )
    page = render(text)
    section = page[page.index('<section class="peerkit-activity"') :]
    assert section.index("Content note") < section.index("Aim:")
    assert '<details class="peerkit-facilitator" data-audience="facilitators">' in section
    assert "<p>Watch the time.</p>\n</details>" in section


def test_every_prompt_has_a_heading_with_a_stable_anchor() -> None:
    text = MINIMAL.replace(
        "  - When did you last feel really listened to?",
        "  - When did you last feel really listened to?\n"
        "  - id: listening-noticing\n    text: What do you notice in your body when you listen?",
    )
    page = render(text)
    assert '<h3 id="listening-reflect-1" class="peerkit-prompt">When did you last' in page
    assert '<h3 id="listening-noticing" class="peerkit-prompt">What do you notice' in page


def test_front_matter_is_escaped_in_every_fragment() -> None:
    evil = "<script>alert(1)</script>"
    text = MINIMAL.replace("title: Listening in pairs", f'title: "{evil}"').replace(
        "Pair up.", f'"{evil} & [link](javascript:alert(1)) {{: onclick=x}}"'
    )
    page = render(text)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_literal_braces_come_out_as_text_not_evaluated() -> None:
    page = render(MINIMAL + "\nWrite {% raw %}{{ 7*7 }}{% endraw %} and {{ '{{' }}.\n")
    assert "Write {{ 7*7 }} and {{." in page
    assert "49" not in page


ONLY_MACROS = "m.md:36: module pages can only call peerkit's macros with plain values"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "{{ cycler.__init__.__globals__.os.getcwd() }}",
            "m.md:36: 'cycler' is not something a module page can use",
        ),
        ("{{ lipsum() }}", "m.md:36: 'lipsum' is not something a module page can use"),
        ("{{ activity.__globals__ }}", ONLY_MACROS),
        ("{{ activity }}", ONLY_MACROS),
        ("{{ 'x' * 100000000 }}", ONLY_MACROS),
        ("{{ 2 ** 1000000 }}", ONLY_MACROS),
        ("{{ 1 // 0 }}", ONLY_MACROS),
        ("{{ 'x'.ljust(3000000000) }}", ONLY_MACROS),
        ("{{ 'abc'[::0] }}", ONLY_MACROS),
        ("{{ activity('listening-pairs' ~ '') }}", ONLY_MACROS),
        ("{% for i in 'xxxxxxxx' %}{% for j in 'xxxxxxxx' %}.{% endfor %}{% endfor %}",
         "m.md:36: module pages cannot use {% for %}"),
        ("{% include 'x.html' %}", "m.md:36: module pages cannot use {% include %}"),
        ("{% set x = 1 %}", "m.md:36: module pages cannot use {% set %}"),
        ("{% macro f() %}{{ f() }}{% endmacro %}", "m.md:36: module pages cannot use {% macro %}"),
        ("text\n{{ activity( }}", "m.md:37: template syntax error: unexpected '}'"),
        ("{{ activity() }}", "m.md:36: wrong arguments: activity() missing 1 required"),
        ("{{ module_card('listening', level=0) }}", "m.md:36: level=0: a heading level is"),
        ('{{ activity("listening-pairs") }}\n{{ activity("listening-pairs") }}',
         "m.md:37: activity('listening-pairs') is already on this page"),
        ('{{ reflection("listening-pairs") }}',
         "m.md:36: reflection('listening-pairs'): that activity has no reflection prompts"),
        ("{{ reflection() }}\n{{ reflection() }}",
         "m.md:37: the reflection prompts of 'listening' are already on this page"),
        ('```\n{{ activity("listening-pairs") }}\n```',
         "m.md:37: a macro call inside a code block would not show its content"),
        ("{{ reflection() }}\n" * 101, "m.md:136: more than 100 macro calls in one module"),
        ("{{ " + "1" * 5000 + " }}", "m.md:32: cannot read the {{ … }} expressions"),
        ("{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", "m.md:32: a {{ … }} expression is nested"),
    ],
)  # fmt: skip
def test_the_body_sandbox_refuses_with_a_line(body: str, message: str) -> None:
    assert body_error("\n" + body + "\n").startswith(message)


def test_the_sandbox_escape_never_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr("os.getcwd", lambda: calls.append("getcwd") or "/")
    (tmp_path / "m.md").write_text(
        MINIMAL + "\n{{ cycler.__init__.__globals__.os.getcwd() }}\n", encoding="utf-8"
    )
    result = check_folder(tmp_path)
    assert not result.ok
    assert calls == []


KEPT = [
    '<img src="../assets/map.png" alt="map">',
    '<a href="../other/#x" class="headerlink">¶</a>',
    '<div class="admonition note"><p class="admonition-title">Note</p></div>',
    '<h2 id="_1">Ελληνικά</h2>',
    '<input type="checkbox" checked="" disabled="">',
    '<abbr title="Wellness Recovery Action Plan &amp; more">WRAP</abbr>',
]


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>"),
        ('<p onclick="alert(1)">Hi</p>', "<p>Hi</p>"),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<img src="https://tracker.example/p.gif" alt="p">', '<img alt="p">'),
        ('<img src="//tracker.example/p.gif" alt="p">', '<img alt="p">'),
        ('<img src="\\\\tracker.example/p.gif">', "<img>"),
        ('<img src="/\\tracker.example/p.gif">', "<img>"),
        ('<pre class="mermaid">graph LR</pre>', "<pre>graph LR</pre>"),
        ('<a href="https://e.example/" class="md-consent__overlay"></a>', '<a href="https://e.example/"></a>'),
        ('<span data-clipboard-text="rm -rf">copy</span>', "<span>copy</span>"),
        ('<div id="__config">{}</div>', "<div>{}</div>"),
        ('<input type="text" value="x">', "<input>"),
        ('<details class="peerkit-facilitator" data-audience="facilitators"><summary>S</summary>'
         "</details>", "<details><summary>S</summary></details>"),
        # Material's content.tooltips puts a title into the page as HTML: titles are text.
        ('<span title="<img src=x onerror=alert(1)>">hover</span>', "<span>hover</span>"),
        ('<abbr title="&lt;b&gt;">B</abbr>', "<abbr>B</abbr>"),
        ('<a href="https://e.example/" title="<meta http-equiv=refresh content=0;url=x>">x</a>',
         '<a href="https://e.example/">x</a>'),
        ('<p title="a > b">x</p>', "<p>x</p>"),
        ('<p title="&amp;lt;img&amp;gt;">x</p>', '<p title="&amp;lt;img&amp;gt;">x</p>'),
        *((html, html) for html in KEPT),
    ],
)  # fmt: skip
def test_module_page_html_is_cleaned(dirty: str, clean: str) -> None:
    from peerkit.render.sanitize import clean_html

    assert clean_html(dirty) == clean


@pytest.mark.parametrize("opening", ["<details><summary>More</summary>", "<style>", "<script>"])
def test_an_unclosed_tag_in_prose_cannot_hide_the_activities(opening: str) -> None:
    page = render(MINIMAL + f"\nBefore.\n\n{opening}\n\nInside.\n")
    activity = page.index('<section class="peerkit-activity"')
    assert page.index("Before.") < activity
    assert "<details" not in page[activity:]  # MINIMAL's activity has no folded notes
    if opening.startswith("<details"):
        assert page.index("</details>") < activity  # closed where the prose ends


def test_a_forged_slot_in_prose_shows_nothing_of_peerkits() -> None:
    page = render(MINIMAL + '\n<div data-peerkit-slot="0000000000000000-0"></div>\n')
    assert page.count('<section class="peerkit-activity"') == 1
    assert "data-peerkit-slot" not in page


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("3. Breathe out\n4. Relax", '<ol start="3"><li>Breathe out</li><li>Relax</li></ol>'),
        ("2012. A big year.", "<p>2012. A big year.</p>"),
        ("1. Only one", "<ol><li>Only one</li></ol>"),
        ("- a wrapped\n  item\n- next", "<ul><li>a wrapped item</li><li>next</li></ul>"),
    ],
)
def test_plain_text_lists_keep_their_numbers(text: str, html: str) -> None:
    assert plain(text) == html


def test_a_page_whose_markdown_lost_a_block_fails() -> None:
    loaded = module_file(MINIMAL)
    rendered = Renderer(Curriculum(files=[loaded])).module_page(loaded)
    with pytest.raises(PageError) as caught:
        rendered.finish("<p>A Markdown renderer that dropped peerkit's blocks.</p>")
    assert [f.format() for f in caught.value.findings] == [
        "m.md:32: a block peerkit placed on this page was lost (is a macro call inside a code "
        "block or an HTML comment?)"
    ]


def test_an_id_used_twice_on_the_finished_page_fails_it() -> None:
    with pytest.raises(PageError) as caught:
        render(MINIMAL + '\n<p id="listening-pairs">Mine</p>\n')
    assert [f.format() for f in caught.value.findings] == [
        "m.md:18: the anchor #listening-pairs is on the page more than once: rename a heading "
        "or an id so that links land in one place"
    ]


def test_the_support_list_ends_every_module_page_escaped() -> None:
    loaded = module_file(MINIMAL)
    settings = SiteSettings(
        signposting=[
            Service(
                name="<b>Helpline</b>",
                phone="+44 (0)800 123",
                hours='Evenings "late"',
                url="https://help.example/path/",
            )
        ]
    )
    html = page_html(Renderer(Curriculum(files=[loaded]), settings=settings), loaded)
    support = html[html.index('<h2 id="listening-support">') : html.index('id="listening-about"')]
    assert "<strong>&lt;b&gt;Helpline&lt;/b&gt;</strong>" in support
    assert '<a href="tel:+440800123">+44 (0)800 123</a>' in support
    assert "Evenings &#34;late&#34;" in support
    assert '<a href="https://help.example/path/">help.example/path</a>' in support
    assert "Peer support is not crisis or clinical care." in support


def test_without_a_support_list_the_page_says_to_ask_the_facilitator() -> None:
    html = render(MINIMAL)
    assert "Ask your facilitator for a list of support services near you." in html


def test_a_body_may_place_the_support_list_once() -> None:
    html = render(MINIMAL + "\n## Before we start\n\n{{ signposting() }}\n")
    assert html.count('id="listening-support"') == 1
    assert html.index('id="listening-support"') < html.index("listening-about")
    assert "signposting() is already on this page" in body_error(
        "\n{{ signposting() }}\n\n{{ signposting() }}\n"
    )


def test_counts_on_browse_pages_read_with_thousands_separated() -> None:
    template = sandbox([]).from_string("All {{ n | count }} activities")
    assert template.render(n=4625) == "All 4,625 activities"
    assert template.render(n=12) == "All 12 activities"
