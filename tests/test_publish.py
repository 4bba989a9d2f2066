"""`peerkit build`: a failed build leaves the last good site as it was; `--offline` makes a zip
that works from a folder with no network, search and PDFs included."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from peerkit.publish import IncompleteSite, clear_leftovers, swap_in

from conftest import FIXTURES, copy_site, run_peerkit

pytestmark = pytest.mark.build  # every test here runs `peerkit build`

MINIMAL = (FIXTURES / "minimal.md").read_text(encoding="utf-8")


def peerkit_build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_peerkit("build", *args, cwd=root)


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_broken_module_leaves_the_last_good_site_byte_for_byte(tmp_path: Path) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    first = peerkit_build(root, "--no-packs")
    assert first.returncode == 0, first.stderr
    before = snapshot(root / "site")
    assert "modules/listening.html" in before

    shutil.copy(FIXTURES / "broken" / "bad-range" / "listening.md", root / "modules")
    broken = peerkit_build(root, "--no-packs")
    assert broken.returncode == 1
    assert "modules/listening.md:" in broken.stderr  # the mistake, at its line
    assert "was left as it was (the last good build)" in broken.stderr
    assert snapshot(root / "site") == before
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".site")) == []


def test_a_good_build_replaces_the_whole_site(tmp_path: Path) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    assert peerkit_build(root, "--no-packs").returncode == 0
    stale = root / "site" / "left-over.html"
    stale.write_text("from an old build", encoding="utf-8")
    module = root / "modules" / "listening.md"
    module.write_text(MINIMAL.replace("Listening well", "Listening really well"), "utf-8")
    assert peerkit_build(root, "--no-packs").returncode == 0
    assert "Listening really well" in (root / "site" / "modules" / "listening.html").read_text(
        encoding="utf-8"
    )
    assert not stale.exists()
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".site")) == []


def test_the_offline_zip_opens_from_a_folder_and_searches(page: Page, tmp_path: Path) -> None:
    root = copy_site(tmp_path / "project", modules={"listening.md": MINIMAL})
    built = peerkit_build(root, "--offline", "--zip", str(tmp_path / "offline.zip"))
    assert built.returncode == 0, built.stderr
    with zipfile.ZipFile(tmp_path / "offline.zip") as archive:
        archive.extractall(tmp_path / "laptop")
    (folder,) = (tmp_path / "laptop").iterdir()
    assert folder.name == "peerkit-reference-curriculum"
    pdfs = sorted(p.name for p in (folder / "packs").rglob("*.pdf"))
    # The module's packs (and the site's own prints, such as the safety procedure).
    assert {
        "listening-facilitator-pack.pdf",
        "listening-large-print-pack.pdf",
        "listening-paperwork.pdf",
        "listening-participant-pack.pdf",
    } <= set(pdfs)

    elsewhere: list[str] = []
    local = ("file", "data", "blob")
    page.on("request", lambda r: urlsplit(r.url).scheme in local or elsewhere.append(r.url))
    page.goto((folder / "index.html").as_uri())
    page.get_by_role("textbox", name="Search").first.click()
    page.keyboard.type("attention")
    result = page.locator("a.md-search-result__link[href*='#listening-pairs']").first
    expect(result).to_be_attached()
    result.click()
    expect(page).to_have_url(re.compile(r"modules/listening\.html.*#listening-pairs$"))
    pack = page.locator("a[href$='listening-facilitator-pack.pdf']").first
    target = (Path(urlsplit(page.url).path).parent / pack.get_attribute("href")).resolve()
    assert target.is_file()
    assert elsewhere == []


def test_a_site_folder_that_would_overwrite_the_project_is_refused(tmp_path: Path) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    before = snapshot(root / "docs") | snapshot(root / "modules")
    for target in ("docs", "modules", ".", "..", "docs/site"):
        refused = peerkit_build(root, "--no-packs", "--site-dir", target)
        assert refused.returncode == 1, target
        assert "choose another" in refused.stderr, target
    assert snapshot(root / "docs") | snapshot(root / "modules") == before
    assert (root / "mkdocs.yml").is_file()
    # A folder of someone's own files is never replaced by a site.
    notes = root / "notes"
    notes.mkdir()
    (notes / "minutes.txt").write_text("ours", encoding="utf-8")
    refused = peerkit_build(root, "--no-packs", "--site-dir", "notes")
    assert refused.returncode == 1 and "does not look like a built site" in refused.stderr
    assert (notes / "minutes.txt").read_text(encoding="utf-8") == "ours"


def test_the_site_is_readable_by_a_web_server_and_leftovers_are_cleared(tmp_path: Path) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    (root / ".site-building-interrupted").mkdir()  # as a killed build would leave it
    assert peerkit_build(root, "--no-packs").returncode == 0
    assert (root / "site").stat().st_mode & 0o055 == 0o055  # group and others may read it
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".site")) == []


def test_the_offline_zip_may_not_go_inside_the_site(tmp_path: Path) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    refused = peerkit_build(root, "--no-packs", "--offline", "--zip", "site/copy.zip")
    assert refused.returncode == 1 and "inside the site" in refused.stderr
    assert not (root / "site" / "copy.zip").exists()


def start_build(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "peerkit", "build", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_building(root: Path, first: subprocess.Popen[str]) -> None:
    """Until the first build is inside MkDocs (its new folder exists)."""
    deadline = time.monotonic() + 120
    while not list(root.glob(".site-building-*")):
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.05)


def test_two_builds_at_once_never_publish_an_incomplete_site(tmp_path: Path) -> None:
    """The second build says who holds the site and stops; the first publishes a whole site."""
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    first = start_build(root)  # with PDF packs: the slow part, when the clash was seen
    wait_until_building(root, first)
    second = peerkit_build(root, "--no-packs")
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert second.returncode == 1
    assert second.stdout == ""
    assert "Traceback" not in second.stderr
    line = second.stderr.splitlines()[-1]  # after the engine's notice, one line says why
    assert re.fullmatch(
        rf"Error: another build of {re.escape(str(root / 'site'))} is running: pid {first.pid} "
        r"on \S+, since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: peerkit build\. "
        r"Wait for it to finish, or use --wait SECONDS",
        line,
    ), line
    site = snapshot(root / "site")
    assert {"index.html", "modules/listening.html", ".peerkit-site"} <= site.keys()
    assert "packs/modules/listening-facilitator-pack.pdf" in site
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".site")) == []


def test_a_build_told_to_wait_runs_after_the_first(tmp_path: Path) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    first = start_build(root, "--no-packs")
    wait_until_building(root, first)
    module = root / "modules" / "listening.md"
    module.write_text(MINIMAL.replace("Listening well", "Listening really well"), "utf-8")
    second = peerkit_build(root, "--no-packs", "--wait", "300")
    first.communicate(timeout=300)
    assert (first.returncode, second.returncode) == (0, 0), second.stderr
    page = (root / "site" / "modules" / "listening.html").read_text(encoding="utf-8")
    assert "Listening really well" in page  # the second build's site, swapped in after
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".site")) == []


def test_leftovers_of_a_running_build_are_kept(tmp_path: Path) -> None:
    site = tmp_path / "site"
    with subprocess.Popen(["sleep", "30"]) as alive:
        running = tmp_path / f".site-building-{alive.pid}-abc"
        ended = tmp_path / ".site-building-999999999-abc"
        interrupted = tmp_path / ".site-old-xyz"  # from a peerkit that named no owner
        for folder in (running, ended, interrupted):
            folder.mkdir()
        clear_leftovers(site)
        alive.kill()
    assert [p.name for p in tmp_path.iterdir()] == [running.name]


def test_a_folder_without_its_home_page_is_never_swapped_in(tmp_path: Path) -> None:
    site, new = tmp_path / "site", tmp_path / "new"
    site.mkdir()
    (site / "index.html").write_text("the last good site", encoding="utf-8")
    new.mkdir()
    (new / "search").mkdir()
    with pytest.raises(IncompleteSite, match=r"has no index\.html, so it was not published"):
        swap_in(new, site)
    assert (site / "index.html").read_text(encoding="utf-8") == "the last good site"
