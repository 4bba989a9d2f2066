"""Credit where the reference modules come from, the smaller content fixes (CHIME's first term,
the trauma-informed principles, repeated prompts, citation punctuation) and the site's
controlled vocabulary of audiences and themes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from peerkit.browse.pages import BROWSE_PAGES, browse_page
from peerkit.checks import run_checks
from peerkit.load import load_folder, parse_module
from peerkit.model import CHIME, Curriculum, Value
from peerkit.packs.build import PrintTemplates
from peerkit.prompt_repeats import prompts_not_repeated
from peerkit.render import Renderer
from peerkit.sessions.view import module_session
from peerkit.site import SiteSettings, settings_from_config
from peerkit.vocabulary import Vocabulary, check_terms

from conftest import ROOT, page_html, run_peerkit

FILES, _, _ = load_folder(ROOT / "modules")
CURRICULUM = Curriculum(files=FILES)
BY_ID = {f.module.id: f for f in FILES}
NOT_ENDORSED = "This is our own material: inspired by, not endorsed by, Scottish Recovery Network."


# --- credit -------------------------------------------------------------------------------------


def test_every_reference_module_says_what_inspired_it() -> None:
    for f in FILES:
        credits = [(c.title, c.publisher) for c in f.module.inspired_by]
        assert ("Let's do Peer2Peer", "Scottish Recovery Network") in credits, f.module.id
    parts = [c.part for c in BY_ID["boundaries"].module.inspired_by]
    assert 'the "how we connect" card activity' in parts


def test_the_module_page_and_the_packs_show_the_credit_in_fixed_words() -> None:
    renderer = Renderer(CURRICULUM)
    page = page_html(renderer, BY_ID["boundaries"])
    text = " ".join(re.sub(r"<[^>]+>", "", page).split()).replace("&#34;", '"')
    assert "Inspired by Let&#39;s do Peer2Peer (Scottish Recovery Network)." in text or (
        "Inspired by Let's do Peer2Peer (Scottish Recovery Network)." in text
    )
    assert NOT_ENDORSED in text
    assert "how we connect" in text
    session = module_session(BY_ID["boundaries"].module, CURRICULUM, SiteSettings())
    html = PrintTemplates().html("facilitator", session, SiteSettings())
    printed = " ".join(re.sub(r"<[^>]+>", "", html).split())
    assert NOT_ENDORSED in printed


def test_a_credit_url_must_be_a_web_address() -> None:
    text = (ROOT / "modules" / "mutuality.md").read_text(encoding="utf-8")
    bad = text.replace(
        "    publisher: Scottish Recovery Network\nsources:",
        "    publisher: Scottish Recovery Network\n    url: javascript:alert(1)\nsources:",
        1,
    )
    _, findings = parse_module(Path("modules/mutuality.md"), bad)
    assert any("inspired_by" in f.message and "url" in f.message for f in findings), findings


# --- content fixes ------------------------------------------------------------------------------


def test_citations_end_once_after_a_question_mark() -> None:
    renderer = Renderer(CURRICULUM)
    page = page_html(renderer, BY_ID["peer-support-recovery"])
    assert "unique?</cite>." not in page and "unique?</cite> " in page
    session = module_session(BY_ID["peer-support-recovery"].module, CURRICULUM, SiteSettings())
    html = PrintTemplates().html("facilitator", session, SiteSettings())
    assert "unique?</cite>." not in html and "unique?</cite> " in html
    # A title without its own stop still gets one.
    assert "<cite>Trauma and Recovery</cite>." in page_html(renderer, BY_ID["trauma-informed"])


def test_chime_starts_with_connectedness_wherever_it_is_shown() -> None:
    assert CHIME[0] is Value.connection and Value.connection.label == "Connectedness"
    assert [v.label for v in CHIME] == [
        "Connectedness",
        "Hope",
        "Identity",
        "Meaning",
        "Empowerment",
    ]
    renderer = Renderer(CURRICULUM)
    assert "<dd>Connectedness, Hope, Identity" in page_html(
        renderer, BY_ID["peer-support-recovery"]
    )
    [catalogue] = [p for p in BROWSE_PAGES if p.name == "catalogue"]
    html = browse_page(renderer, catalogue, lambda m, a: f"{m}#{a}", "..", "planner.html")
    assert 'value="connection"> Connectedness</label>' in html
    for path in [*sorted((ROOT / "modules").glob("*.md")), ROOT / "docs" / "glossary.md"]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(
            r"Connection, Hope, Identity|(names|are) connection, hope, ident", text
        )
    chime = next(
        a for a in BY_ID["peer-support-recovery"].module.activities if a.id.endswith("-chime")
    )
    assert chime.cards is not None and chime.cards.sort_into[0] == "Connectedness"


def test_the_five_principles_are_credited_to_fallot_and_harris() -> None:
    f = BY_ID["trauma-informed"]
    assert any(
        s.author.startswith("Fallot") and s.year == 2009 and "Harris" in s.author
        for s in f.module.sources
    )
    text = f.path.read_text(encoding="utf-8")
    for sentence in re.findall(r"[^.]*five principles[^.]*\.[^.]*\.", text):
        assert "Fallot and Harris (2009)" in sentence, sentence


def test_no_reference_module_repeats_a_reflection_prompt() -> None:
    assert list(prompts_not_repeated(FILES)) == []


def test_check_reports_a_repeated_prompt_at_its_line() -> None:
    f = BY_ID["boundaries"]
    text = f.path.read_text(encoding="utf-8")
    first = f.module.reflection[0].text
    activity_prompt = f.module.activities[0].reflection[0].text
    assert text.count(activity_prompt) == 1
    # Near word for word: the same question with one word changed and no question mark.
    repeated = text.replace(activity_prompt, first.replace("someone", "a person").rstrip("?"), 1)
    loaded, findings = parse_module(f.path, repeated)
    assert loaded is not None and not findings
    found = [x for x in run_checks([loaded]) if "repeats" in x.message]
    line = repeated.splitlines().index(
        next(ln for ln in repeated.splitlines() if first.replace("someone", "a person")[:30] in ln)
    )
    assert [x.line for x in found] == [line + 1], found
    assert found[0].message.startswith(
        "this reflection prompt repeats one in the module's reflection (line 99)"
    )


# --- vocabulary ---------------------------------------------------------------------------------


def test_vocabulary_refuses_near_duplicates() -> None:
    with pytest.raises(ValidationError, match="'peer supporters' and 'Peer-supporter' are near"):
        Vocabulary(audience=["peer supporters", "Peer-supporter"])
    with pytest.raises(ValidationError, match="'boundaries' is listed twice"):
        Vocabulary(themes=["boundaries", "power", "boundaries"])


def test_the_reference_site_lists_every_term_its_modules_use() -> None:
    settings = settings_from_config(ROOT / "mkdocs.yml")
    assert settings.vocabulary is not None
    assert check_terms(FILES, settings.vocabulary) == []
    used = {t for f in FILES for t in f.module.audience}
    assert used <= set(settings.vocabulary.audience)
    # The catalogue lists the vocabulary's terms in its order.
    renderer = Renderer(CURRICULUM, settings=settings)
    [catalogue] = [p for p in BROWSE_PAGES if p.name == "catalogue"]
    html = browse_page(renderer, catalogue, lambda m, a: f"{m}#{a}", "..", "planner.html")
    shown = [t for t in settings.vocabulary.audience if t in used]
    positions = [html.index(f'value="{t}"') for t in shown]
    assert positions == sorted(positions)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "modules", tmp_path / "modules")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path


def test_check_reports_an_unknown_term_with_a_suggestion(site: Path) -> None:
    path = site / "modules" / "boundaries.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("audience: [new peer supporters,", "audience: [new peer supporter,", 1)
    text = text.replace("social media]", "social-medias, knitting]", 1)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    audience_line = next(i for i, ln in enumerate(lines) if ln.startswith("audience:")) + 1
    themes_line = next(i for i, ln in enumerate(lines) if ln.startswith("themes:")) + 1
    proc = run_peerkit("check", str(site / "modules"), cwd=site)
    assert proc.returncode == 1
    out = proc.stdout
    assert (
        f"modules/boundaries.md:{audience_line}: audience: 'new peer supporter' is not in the"
        " site's vocabulary (did you mean 'new peer supporters'?)"
    ) in out, out
    assert f"modules/boundaries.md:{themes_line}: themes: 'social-medias' is not in" in out
    assert "(did you mean 'social media'?)" in out
    assert "'knitting' is not in the site's vocabulary; use a listed term" in out


def test_a_near_duplicate_in_the_settings_is_reported_at_its_line(site: Path) -> None:
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace(
        "          - peer supporters\n",
        "          - Peer supporters\n          - peer supporter\n",
        1,
    )
    config.write_text(text, encoding="utf-8")
    out = run_peerkit("check", str(site / "modules"), cwd=site).stdout
    assert "mkdocs.yml:" in out and "are near-duplicates: keep one" in out, out


def test_a_site_without_a_vocabulary_accepts_any_term(site: Path) -> None:
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    start = text.index("      # The audiences and themes modules may use")
    end = text.index(
        "wellbeing, limits, early signs, supervision, peer debrief, group sessions, shared care]\n"
    )
    config.write_text(text[:start] + text[end:].split("\n", 1)[1], encoding="utf-8")
    path = site / "modules" / "boundaries.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("social media]", "knitting]", 1), encoding="utf-8"
    )
    proc = run_peerkit("check", str(site / "modules"), cwd=site)
    assert "knitting" not in proc.stdout and proc.returncode == 0, proc.stdout
    assert settings_from_config(config).vocabulary is None


def test_a_new_site_starts_with_a_vocabulary_its_module_uses(tmp_path: Path) -> None:
    made = run_peerkit("new", str(tmp_path / "site"), "--name", "Riverside")
    assert made.returncode == 0, made.stderr
    settings = settings_from_config(tmp_path / "site" / "mkdocs.yml")
    assert settings.vocabulary is not None
    # It holds the reference modules' words, so a site can copy one and change it.
    assert check_terms(FILES, settings.vocabulary) == []
    files, findings, _ = load_folder(tmp_path / "site" / "modules")
    assert not findings and check_terms(files, settings.vocabulary) == []
