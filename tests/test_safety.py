"""What a facilitator has when someone may not be safe: the safety settings, the safety page
in packs and on the site, the template procedure, wallet cards, the poster and local support."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from peerkit.curriculum import check_folder
from peerkit.packs.build import Pack, build_packs
from peerkit.packs.prints import CARD_H, CARD_W, SHEETS, build_site_prints
from peerkit.sessions.checks import check_plan
from peerkit.sessions.load import load_plan
from peerkit.sessions.view import module_session, plan_session
from peerkit.site import LocalService, Service, check_config

from browser import axe_violations, serve
from conftest import (
    FIXTURES,
    ROOT,
    Build,
    copy_site,
    line_of,
    mkdocs_build,
    peerkit_options,
    run_peerkit,
    site_config,
)

MINIMAL = (FIXTURES / "minimal.md").read_text(encoding="utf-8")
MM = 72 / 25.4  # points in a millimetre


def pdf_text(pdf: Path) -> str:
    """A PDF's words in reading order (columns one after the other), on one line."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def page_text(pdf: Path, page: int) -> str:
    command = ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"]
    out = subprocess.run(command, capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True)
    return int(re.search(r"Pages:\s+(\d+)", out.stdout)[1])  # type: ignore[index]


def without_safety(root: Path) -> Path:
    """The site's mkdocs.yml with its safety settings taken out."""
    with site_config(root) as config:
        del peerkit_options(config)["safety"]
    return root / "mkdocs.yml"


# --- the reference site -------------------------------------------------------------------


def test_every_reference_facilitator_pack_has_a_safety_page_filled_from_the_settings(
    reference_build: Build,
) -> None:
    packs = sorted(reference_build.site.glob("packs/**/*-facilitator-pack.pdf"))
    # eight modules, each module's short version, and five session plans
    assert len(packs) == 8 + 8 + 5
    for pdf in packs:
        text = pdf_text(pdf)
        page_two = page_text(pdf, 2)  # straight after the cover, on one page
        assert "Facilitator pack If someone is not safe" in page_two[:120], pdf.name
        assert "Contents" in page_text(pdf, 3)
        assert "If a life is at risk now, call 999" in page_two, pdf.name
        for filled in (
            "Duty coordinator (example): Sam, 07700 900123",
            "Peer support lead (example): Priya, 0131 496 0456",
            "Safeguarding lead (example): Morag, 0131 496 0789",
            "give it to the safeguarding lead within 24 hours",
            "then try the peer support lead",
        ):
            assert filled.lower() in page_two.lower(), (pdf.name, filled)
        assert "Who to try next" not in text and "Where to write it" not in text, pdf.name
        assert "Looking after yourself afterwards" in page_two
        assert "The debrief" in page_two


def test_a_modules_mentions_of_its_organisations_procedures_link_to_the_safety_page(
    reference_build: Build,
) -> None:
    link = '<a class="peerkit-safety-link" href="../safety.html">'
    total = 0
    for page in sorted((reference_build.site / "modules").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        total += html.count(link)
    assert total >= 40
    trauma = reference_build.page("modules/trauma-informed.html")
    assert f"{link}your organisation&#39;s procedures</a>" in trauma
    # In the facilitator pack the same words point to the pack's own safety page.
    pdf = reference_build.site / "packs/modules/trauma-informed-facilitator-pack.pdf"
    assert "your organisation's procedures (safety page, page 2)" in pdf_text(pdf)


def test_the_safety_page_is_on_the_site_with_its_prints(reference_build: Build) -> None:
    page = reference_build.page("safety.html")
    for href in (
        "packs/safety/safety-procedure.pdf",
        "packs/safety/wallet-cards.pdf",
        "packs/safety/support-poster.pdf",
    ):
        assert f'href="{href}"' in page
        assert (reference_build.site / href).is_file()
    assert 'href="tel:07700900123"' in page
    assert "peerkit-fill-line" not in page
    guide = reference_build.page("facilitator-guide.html")
    assert 'id="responding-to-distress-and-disclosures"' in guide
    assert "Are you thinking about suicide?" in guide


def test_the_template_procedure_and_the_poster_print_on_one_page_each(
    reference_build: Build,
) -> None:
    procedure = reference_build.site / "packs/safety/safety-procedure.pdf"
    assert pages(procedure) == 1
    text = pdf_text(procedure)
    for source in (
        "NICE guideline NG225",
        "Samaritans",
        "Adult Support and Protection (Scotland) Act 2007",
        "Care Act 2014",
    ):
        assert source in text
    assert "Tell our safeguarding lead (Morag, 0131 496 0789) the same day" in text
    assert "Then tell Sam, Duty coordinator (example), on 07700 900123" in text
    poster = reference_build.site / "packs/safety/support-poster.pdf"
    assert pages(poster) == 1
    poster_text = pdf_text(poster)
    for name in ("Samaritans", "Breathing Space", "Lifeline", "C.A.L.L.", "Shout", "NHS 111"):
        assert name in poster_text


def test_the_reference_support_list_covers_every_uk_nation_with_sources_and_dates() -> None:
    settings, findings = check_config(ROOT / "mkdocs.yml", today=dt.date(2026, 12, 1))
    assert settings is not None and findings == []
    areas = {s.area for s in settings.signposting}
    assert {"Scotland", "England and Wales", "Northern Ireland", "Wales"} <= areas
    by_name = {s.name: s for s in settings.signposting}
    assert by_name["Lifeline"].phone == "0808 808 8000"
    assert by_name["C.A.L.L."].phone == "0800 132 737"
    for service in settings.signposting:
        if service.name != "Emergency services":
            assert service.source is not None and service.last_checked is not None, service.name


# --- wallet cards ---------------------------------------------------------------------------


def words_with_boxes(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True)
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        out.stdout.decode("utf-8"),
    )
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in found]


@pytest.mark.parametrize("crowded", [False, True])
def test_wallet_cards_keep_every_word_inside_its_card(tmp_path: Path, crowded: bool) -> None:
    settings, _ = check_config(ROOT / "mkdocs.yml")
    assert settings is not None
    if crowded:  # long names, and more services than a card has room for
        extra = [
            Service(
                name=f"Riverside and district community wellbeing line {n}",
                area="Edinburgh and the Lothians",
                phone=f"0131 496 0{n:03d}",
            )
            for n in range(6)
        ]
        settings = settings.model_copy(update={"signposting": [*settings.signposting, *extra]})
    build_site_prints(tmp_path, tmp_path / "cache", settings)
    pdf = tmp_path / "packs/safety/wallet-cards.pdf"
    assert pages(pdf) == 1
    sheet_w, sheet_h = SHEETS["a4"]
    left, top = (sheet_w - 2 * CARD_W) / 2, (sheet_h - 4 * CARD_H) / 2
    cards = [
        ((left + col * CARD_W) * MM, (top + row * CARD_H) * MM)
        for row in range(4)
        for col in range(2)
    ]
    words = words_with_boxes(pdf)
    assert sum(1 for w in words if w[0] == "999.") == 8  # every card has the emergency line
    inside = {index: 0 for index in range(8)}
    for word, x0, y0, x1, y1 in words:
        home = [
            i
            for i, (cx, cy) in enumerate(cards)
            if cx + 2 <= x0
            and x1 <= cx + CARD_W * MM - 2
            and cy + 2 <= y0
            and y1 <= cy + CARD_H * MM - 2
        ]
        assert home, f"{word!r} at ({x0:.0f}, {y0:.0f})-({x1:.0f}, {y1:.0f}) is outside a card"
        inside[home[0]] += 1
    assert len(set(inside.values())) == 1  # the eight cards are the same
    if crowded:
        assert sum(1 for w in words if w[0] == "more") == 8  # "N more on the support list"


# --- a site without safety settings ---------------------------------------------------------


def test_a_site_without_safety_settings_warns_and_prints_fill_in_lines(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "site", modules={"listening.md": MINIMAL})
    config = without_safety(root)
    build = mkdocs_build(root, "--strict")
    assert build.returncode == 0, build.output
    plugin_line = line_of(config, "- peerkit:")
    assert (
        f"WARNING -  mkdocs.yml:{plugin_line}: warning: plugins.peerkit.safety: the safety page "
        "prints fill-in lines, because it does not say who a facilitator calls during a session"
    ) in build.output
    for missing in ("safety.during", "safety.after", "safeguarding_lead", "safety.no_answer"):
        assert missing in build.output
    page = build.page("safety.html")
    assert page.count('class="peerkit-fill-line"') >= 10
    assert "Some of this is not filled in yet" in page

    check = run_peerkit("check", "modules", cwd=root, process=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert (
        f"mkdocs.yml:{plugin_line}: warning: plugins.peerkit.safety: the safety page prints"
        in check.stdout
    )

    settings, _ = check_config(config)
    assert settings is not None and settings.safety is None
    result = check_folder(root / "modules", settings=settings)
    module = result.curriculum.modules[0]
    session = module_session(module, result.curriculum, settings)
    build_packs([Pack(session, "facilitator")], tmp_path / "out", tmp_path / "cache", settings)
    pdf = tmp_path / "out/packs/modules/listening-facilitator-pack.pdf"
    text = page_text(pdf, 2)
    assert "The debrief" in text and "Contents" in page_text(pdf, 3)  # still one page
    safety = text[text.index("Who to tell") : text.index("Looking after yourself")]
    assert safety.count("Role") == 3 and safety.count("Phone") == 3
    assert "Where to write it" in safety and "Who to try next" in safety
    assert "Some of this is not filled in yet" in safety


def test_safety_required_fails_only_the_strict_build(tmp_path: Path) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    with site_config(root) as settings:
        peerkit_options(settings)["safety"] = "required"
    config = root / "mkdocs.yml"
    line = line_of(config, "safety: required")
    strict = mkdocs_build(root, "--strict")
    assert strict.returncode == 1
    assert (
        f"mkdocs.yml:{line}: plugins.peerkit.safety is required, but it does not say who a "
        "facilitator calls during a session (safety.during)" in strict.output
    )
    assert mkdocs_build(root).returncode == 0
    check = run_peerkit("check", "modules", cwd=root, process=True)
    assert check.returncode == 1
    assert f"mkdocs.yml:{line}: plugins.peerkit.safety is required" in check.stdout


def test_safety_setting_mistakes_are_reported_at_their_line(tmp_path: Path) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    with site_config(root) as settings:
        safety = peerkit_options(settings)["safety"]
        del safety["during"][0]["phone"]
        lead = safety["safeguarding_lead"]
        safety["safeguarding_lead"] = {"nmae" if k == "name" else k: v for k, v in lead.items()}
        safety["no_anwser"] = safety.pop("no_answer")
    config = root / "mkdocs.yml"
    during = line_of(config, "- role: Duty coordinator (example)")
    lead = line_of(config, "nmae: Morag")
    no_answer = line_of(config, "no_anwser:")
    expected = [
        f"mkdocs.yml:{during}: plugins.peerkit.safety.during#1: give a 'phone' (or an 'email')",
        f"mkdocs.yml:{lead}: plugins.peerkit.safety.safeguarding_lead: unknown key 'nmae' "
        "(did you mean 'name'?)",
        f"mkdocs.yml:{no_answer}: plugins.peerkit.safety: unknown key 'no_anwser' "
        "(did you mean 'no_answer'?)",
    ]
    build = mkdocs_build(root)
    assert build.returncode == 1
    check = run_peerkit("check", "modules", cwd=root, process=True)
    assert check.returncode == 1
    for message in expected:
        assert message in build.output, build.output
        assert message in check.stdout, check.stdout


# --- local support --------------------------------------------------------------------------

PLAN = """\
title: Evening group
start: "18:30"
available: 90
venue: Riverside Community Centre
local_support:
  - name: Riverside wellbeing drop-in
    description: A free drop-in for anyone finding things hard.
    phone: 0131 496 0123
    hours: Tuesdays, 10am to 2pm
    last_checked: {checked}
items:
  - activity: listening-pairs
"""


def test_local_support_prints_beside_the_national_list_for_its_venue(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "site", modules={"listening.md": MINIMAL})
    (root / "sessions").mkdir()
    plan_path = root / "sessions" / "evening.yml"
    plan_path.write_text(PLAN.format(checked="2026-11-01"), encoding="utf-8")
    settings, _ = check_config(root / "mkdocs.yml")
    assert settings is not None
    venues = [
        LocalService(
            name="Hillside carers' café",
            phone="0131 496 0222",
            venue="Hillside Library",
            last_checked=dt.date(2026, 10, 1),
        ),
        LocalService(
            name="Citywide night line",
            phone="0131 496 0333",
            hours="Every night, 8pm to midnight",
            last_checked=dt.date(2026, 10, 1),
        ),
    ]
    settings = settings.model_copy(update={"local_support": venues})
    result = check_folder(root / "modules", settings=settings)
    plan_file, findings = load_plan(plan_path)
    assert plan_file is not None and findings == []
    session = plan_session(plan_file, result.curriculum, settings)
    packs = [Pack(session, "facilitator"), Pack(session, "participant")]
    build_packs(packs, tmp_path / "out", tmp_path / "cache", settings)
    for kind in ("facilitator", "participant"):
        text = pdf_text(tmp_path / f"out/packs/sessions/evening-{kind}-pack.pdf")
        support = text[text.index("Where to find support") :]
        assert "Samaritans" in support and "Near you" in support
        near = support[support.index("Near you") :]
        assert "Riverside wellbeing drop-in" in near
        assert "Citywide night line" in near  # for every venue
        assert "Hillside" not in near  # another venue's
        assert "Details checked November 2026" in near


def test_check_warns_when_local_support_was_last_checked_over_a_year_ago(
    tmp_path: Path,
) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    (root / "sessions").mkdir()
    plan_path = root / "sessions" / "evening.yml"
    plan_path.write_text(PLAN.format(checked="2020-01-31"), encoding="utf-8")
    check = run_peerkit("check", "modules", cwd=root, process=True)
    assert check.returncode == 0, check.stdout
    line = line_of(plan_path, "last_checked:")
    assert (
        f"sessions/evening.yml:{line}: warning: local_support#1: Riverside wellbeing drop-in "
        "was last checked on 2020-01-31, more than 12 months ago" in check.stdout
    )
    # In a build, the same warning is printed but does not fail --strict.
    build = mkdocs_build(root, "--strict")
    assert build.returncode == 0, build.output
    assert "was last checked on 2020-01-31" in build.output


def test_site_support_details_older_than_a_year_are_warned_about_at_their_line() -> None:
    config = ROOT / "mkdocs.yml"
    settings, findings = check_config(config, today=dt.date(2028, 1, 1))
    assert settings is not None
    dated = [s for s in settings.signposting if s.last_checked is not None]
    assert len(findings) == len(dated) == 7
    lines = [
        n
        for n, line in enumerate(config.read_text(encoding="utf-8").splitlines(), 1)
        if line.strip().startswith("last_checked:")
    ]
    assert [f.line for f in findings] == lines
    assert all(f.severity == "warning" for f in findings)
    assert "plugins.peerkit.signposting#2: Samaritans was last checked on" in findings[0].message
    plan_file, _ = load_plan(ROOT / "sessions" / "monthly-peer-support-hour.yml")
    assert plan_file is not None and plan_file.plan.local_support == []
    assert check_plan(plan_file, check_folder(ROOT / "modules").curriculum) == []


# --- the site page in a browser ---------------------------------------------------------------


@pytest.mark.parametrize("width", [320, 1280])
def test_the_safety_page_fits_a_phone_and_a_desktop(
    reference_build: Build, browser: Browser, width: int
) -> None:
    with serve(reference_build.site) as url:
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto(url + "safety.html")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        box = page.locator(".peerkit-safety-now").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert page.get_by_role("link", name="07700 900123").is_visible()
        assert page.locator("h1").first.inner_text() == "If someone is not safe"
        page.close()


@pytest.mark.parametrize("path", ["safety.html", "safety-procedure.html"])
def test_the_safety_pages_pass_axe_wcag_aa(
    reference_build: Build, browser: Browser, path: str
) -> None:
    with serve(reference_build.site) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url + path)
        violations = axe_violations(page)
        page.close()
    assert violations == []
