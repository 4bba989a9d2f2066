"""`peerkit new` and `peerkit new-module`: an organisation's own site, branded, checked and
built with --strict straight away; its colours checked for contrast; its name escaped."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page

from peerkit.headers import script_hash
from peerkit.model import Activity, Module
from peerkit.reference import choose

from browser import axe_violations, serve
from conftest import (
    ROOT,
    Build,
    free_port,
    mkdocs_build,
    peerkit_options,
    read_config,
    run_peerkit,
    shared_folder,
    site_config,
)


def new_site(tmp_path: Path, name: str = "Riverside Peer Network", **plugin: object) -> Path:
    """A site from `peerkit new`, with the peerkit plugin's settings changed as given."""
    folder = tmp_path / "our-site"
    made = run_peerkit("new", str(folder), "--name", name)
    assert made.returncode == 0, made.stderr
    (folder / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    if plugin:
        with site_config(folder) as config:
            peerkit_options(config).update(plugin)
    return folder


def build_new_site(folder: Path) -> None:
    build = mkdocs_build(new_site(folder), "--strict")
    assert build.returncode == 0, build.output
    (folder / "build-output.txt").write_text(build.output, encoding="utf-8")


@pytest.fixture(scope="session")
def new_site_build(request: pytest.FixtureRequest) -> Build:
    """The site `peerkit new` makes, as it is, built with --strict once in a test run."""
    shared = shared_folder(request, "new-site", build_new_site)
    return Build(shared / "our-site", 0, (shared / "build-output.txt").read_text("utf-8"))


def test_new_makes_a_site_that_checks_and_builds_strict_straight_away(
    new_site_build: Build,
) -> None:
    build, folder = new_site_build, new_site_build.root
    for name in (
        "mkdocs.yml",
        "macros.py",
        "Makefile",
        "README.md",
        "requirements.txt",
        ".gitignore",
        ".gitlab-ci.yml",
        ".github/workflows/publish.yml",
        "overrides/main.html",
        "modules/getting-started.md",
        "sessions/first-session.yml",
        *(f"docs/{page}.md" for page in ("index", "about", "facilitator-guide")),
        *(f"docs/{page}.md" for page in ("accessibility", "privacy")),
    ):
        assert (folder / name).is_file(), name
    checked = run_peerkit("check", "modules", cwd=folder)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # The organisation's own module and session, and the reference modules it chose, with the
    # modules those build on (without copying any file).
    chosen, _ = choose(["peer-support-recovery", "boundaries", "self-care"])
    assert {p.stem for p in chosen} == {
        "peer-support-recovery",
        "mutuality",
        "boundaries",
        "self-care",
    }
    for module_id in ["getting-started", *(p.stem for p in chosen)]:
        assert (build.site / "modules" / f"{module_id}.html").is_file(), module_id
    assert not (folder / "modules" / "boundaries.md").exists()
    assert (build.site / "sessions" / "first-session.html").is_file()

    home = build.page("index.html")
    assert "<title>Riverside Peer Network training</title>" in home
    assert '<meta name="referrer" content="no-referrer">' in home
    assert "Riverside Peer Network. Our own modules are shared under" in home
    about = build.page("about.html")
    assert 'href="mailto:hello@example.org"' in about
    privacy = build.page("privacy.html")
    assert "No cookies, no analytics, no tracking." in privacy
    assert "local storage" in privacy
    brand = build.page("assets/peerkit/brand.css")
    assert "--md-primary-fg-color: #1f4e79;" in brand


def test_the_example_publishing_setups_build_and_publish_the_site(tmp_path: Path) -> None:
    folder = new_site(tmp_path)
    github = yaml.safe_load((folder / ".github/workflows/publish.yml").read_text("utf-8"))
    steps = github["jobs"]["build"]["steps"]
    assert {"run": "make build"} in steps
    upload = next(s for s in steps if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "site"
    gitlab = yaml.safe_load((folder / ".gitlab-ci.yml").read_text("utf-8"))
    assert gitlab["pages"]["script"][0] == "make build"
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    make = subprocess.run(
        ["make", "-n", "build"], cwd=folder, capture_output=True, text=True, check=False
    )
    assert make.returncode == 0 and "peerkit build" in make.stdout


def test_new_refuses_a_folder_that_exists(tmp_path: Path) -> None:
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("ours", encoding="utf-8")
    made = run_peerkit("new", str(folder))
    assert made.returncode == 1
    assert "already exists" in made.stderr
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_new_module_has_every_field_explained_and_passes_check(tmp_path: Path) -> None:
    made = run_peerkit("new-module", "listening-well", "--dir", str(tmp_path / "modules"))
    assert made.returncode == 0, made.stderr
    path = tmp_path / "modules" / "listening-well.md"
    text = path.read_text(encoding="utf-8")
    front = text.split("---\n")[1]
    for field in Module.model_fields:  # every key, optional ones commented out
        assert re.search(rf"^(# )?{field}:", front, re.M), field
    for field in Activity.model_fields:
        assert re.search(rf"^\s+(- |# )?{field}:", front, re.M), field
    for field in ("aim", "minutes", "steps", "online_variation", "alternative"):
        assert re.search(rf"^\s+# .*\n\s+{field}:", front, re.M), field
    top_comments = re.findall(r"^# .*\n(\w+):", front, re.M)
    assert len(top_comments) >= len(Module.model_fields) - 2  # a comment above nearly every key
    checked = run_peerkit("check", str(tmp_path / "modules"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    again = run_peerkit("new-module", "listening-well", "--dir", str(tmp_path / "modules"))
    assert again.returncode == 1 and "already exists" in again.stderr
    bad = run_peerkit("new-module", "Listening Well!", "--dir", str(tmp_path / "modules"))
    assert bad.returncode == 1 and "cannot be a module id" in bad.stderr


def test_branding_values_come_out_escaped(tmp_path: Path) -> None:
    evil = "<script>alert(1)</script>"
    folder = new_site(
        tmp_path,
        name=f"Hope & Co's {evil}",
        licence=f"Shared freely {evil}",
        contact={"name": evil, "email": "a@example.org", "address": evil},
    )
    build = mkdocs_build(folder, "--strict")
    assert build.returncode == 0, build.output
    for page in build.site.rglob("*.html"):
        assert "<script>alert" not in page.read_text(encoding="utf-8"), page
    home = build.page("index.html")
    assert "<title>Hope & Co's &lt;script&gt;alert(1)&lt;/script&gt; training</title>" in home
    assert "Shared freely &lt;script&gt;alert(1)&lt;/script&gt;" in home
    about = build.page("about.html")
    assert "<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>" in about


def test_a_low_contrast_palette_is_warned_about_and_fails_strict(tmp_path: Path) -> None:
    folder = new_site(
        tmp_path,
        brand={
            "primary": "#7fb3ff",
            "accent": "#8a3b12",
            "link": "#1f5f99",
            "link_dark": "#333333",
        },
    )
    build = mkdocs_build(folder, "--strict")
    assert build.returncode == 1
    assert (
        "plugins.peerkit.brand.primary: #7fb3ff gives white header text on it a contrast of "
        "2.14:1, below WCAG AA (4.5:1): choose a darker colour" in build.output
    )
    assert "plugins.peerkit.brand.link_dark: #333333 gives links on the dark theme" in build.output
    assert "brand.link:" not in build.output and "brand.accent" not in build.output
    relaxed = mkdocs_build(folder)  # without --strict: warned, and the site still builds
    assert relaxed.returncode == 0 and "brand.primary" in relaxed.output


def test_a_colour_that_is_not_a_colour_is_reported_at_its_key(tmp_path: Path) -> None:
    folder = new_site(tmp_path, brand={"link": "blue"})
    build = mkdocs_build(folder, "--strict")
    assert build.returncode == 1
    lines = (folder / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if text.strip() == "link: blue")
    assert (
        f"mkdocs.yml:{line}: plugins.peerkit.brand.link: 'blue' should be a colour as six "
        'hex digits, like "#00574b"' in build.output
    )


@pytest.fixture(scope="module")
def reference_site(reference_build: Build) -> Build:
    return reference_build


def test_the_reference_site_uses_the_same_branding_settings(reference_site: Build) -> None:
    brand = reference_site.page("assets/peerkit/brand.css")
    plugin = peerkit_options(read_config(ROOT / "mkdocs.yml"))
    assert f"--md-primary-fg-color: {plugin['brand']['primary']};" in brand
    footer = reference_site.page("index.html").split('class="md-copyright__highlight">')[1]
    assert " ".join(plugin["licence"].split()) in " ".join(footer.split())


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_new_site_passes_axe_in_its_own_colours(
    page: Page, new_site_build: Build, scheme: str
) -> None:
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    with serve(new_site_build.site) as url:
        for path in ("index.html", "about.html", "privacy.html", "modules/getting-started.html"):
            page.goto(url + path)
            assert axe_violations(page) == [], path


@pytest.mark.build  # `peerkit pack` renders PDFs
def test_check_and_pack_know_the_reference_modules_a_site_chooses(tmp_path: Path) -> None:
    folder = new_site(tmp_path)
    plan = folder / "sessions" / "short.yml"
    plan.write_text(
        'title: Short\nstart: "10:00"\navailable: 40\nitems:\n'
        "  - activity: boundaries-saying-no\n    minutes: 25\n"
        "  - close: Close\n    minutes: 10\n",
        encoding="utf-8",
    )
    checked = run_peerkit("check", "modules", cwd=folder)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    packed = run_peerkit("pack", "sessions/short.yml", "--out", str(tmp_path / "packs"), cwd=folder)
    assert packed.returncode == 0, packed.stderr
    assert (tmp_path / "packs" / "packs" / "sessions" / "short-facilitator-pack.pdf").is_file()


def test_a_sites_own_copy_of_a_reference_module_takes_its_place(tmp_path: Path) -> None:
    folder = new_site(tmp_path)
    own = (ROOT / "modules" / "boundaries.md").read_text(encoding="utf-8")
    (folder / "modules" / "boundaries.md").write_text(
        own.replace("title: Role tension and boundaries", "title: Our boundaries"), "utf-8"
    )
    assert run_peerkit("check", "modules", cwd=folder).returncode == 0
    build = mkdocs_build(folder, "--strict")
    assert build.returncode == 0, build.output
    assert "<title>Our boundaries - " in build.page("modules/boundaries.html")


def test_an_unknown_reference_module_is_reported(tmp_path: Path) -> None:
    folder = new_site(tmp_path, reference_modules=["boundaries", "no-such-module"])
    checked = run_peerkit("check", "modules", cwd=folder)
    assert checked.returncode == 1
    assert "mkdocs.yml:1: plugins.peerkit.reference_modules: no reference module " in (
        checked.stdout
    )
    assert "'no-such-module'" in checked.stdout
    build = mkdocs_build(folder, "--strict")
    assert build.returncode == 1 and "'no-such-module'" in build.output


def test_anything_fetched_from_another_site_stops_a_strict_build(tmp_path: Path) -> None:
    folder = new_site(tmp_path)
    about = folder / "docs" / "about.md"
    about.write_text(
        about.read_text("utf-8") + "\n![A tracking pixel](https://example.org/pixel.png)\n", "utf-8"
    )
    with site_config(folder) as config:
        config["extra_javascript"] = ["https://cdn.example.net/x.js"]
    build = mkdocs_build(folder, "--strict")
    assert build.returncode == 1
    assert "about.md loads https://example.org/pixel.png from another site" in build.output
    assert "index.md loads https://cdn.example.net/x.js from another site" in build.output


def test_an_inline_script_in_a_page_is_left_out_of_the_policy(tmp_path: Path) -> None:
    folder = new_site(tmp_path, headers=True)
    about = folder / "docs" / "about.md"
    about.write_text(about.read_text("utf-8") + "\n<script>window.x = 1</script>\n", "utf-8")
    build = mkdocs_build(folder)
    assert build.returncode == 0, build.output
    assert "about.md has an inline <script>" in build.output
    policy = (build.site / "_headers").read_text(encoding="utf-8")
    assert script_hash("window.x = 1") not in policy
    assert policy.count("'sha256-") >= 1  # the theme's own scripts are still allowed


def test_the_site_description_cannot_break_out_of_its_attribute(tmp_path: Path) -> None:
    folder = new_site(tmp_path)
    with site_config(folder) as config:
        config["site_description"] = 'Ours "><b id=x>bold</b>'
    build = mkdocs_build(folder, "--strict")
    assert build.returncode == 0, build.output
    assert "<b id=x>" not in build.page("index.html")
    assert 'content="Ours &quot;&gt;&lt;b id=x&gt;bold&lt;/b&gt;"' in build.page("index.html")


@pytest.mark.network  # installs the new site's requirements from PyPI
@pytest.mark.build
def test_new_then_make_serve_gives_a_working_branded_site(tmp_path: Path) -> None:
    """What a new user does: `peerkit new`, then `make serve` in the new folder, which sets up
    its own environment from requirements.txt and serves the site."""
    folder = tmp_path / "riverside"
    assert run_peerkit("new", str(folder), "--name", "Riverside Peer Network").returncode == 0
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_"))}
    serving = subprocess.Popen(
        ["make", "serve", f"ADDR=127.0.0.1:{port}"],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        page = ""
        for _ in range(600):  # setting up takes about 20 s here; allow for a slow network
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    page = response.read().decode("utf-8")
                break
            except OSError:
                if serving.poll() is not None:
                    break
                time.sleep(0.5)
        assert "<title>Riverside Peer Network training</title>" in page, (
            serving.poll(),
            serving.stdout.read() if serving.poll() is not None and serving.stdout else "",
        )
        assert "assets/peerkit/brand.css" in page
        assert (folder / ".venv" / "bin" / "peerkit").is_file()
        # The search shim comes inside peerkit's wheel: the site downloads nothing from npm.
        assert not (folder / "node_modules").exists()
        shim = f"http://127.0.0.1:{port}/assets/peerkit/iframe-worker.js"
        with urllib.request.urlopen(shim, timeout=5) as response:
            served = response.read()
        assert (
            served == (ROOT / "node_modules" / "iframe-worker" / "shim" / "index.js").read_bytes()
        )
    finally:
        with contextlib.suppress(ProcessLookupError):  # `make serve` may have stopped itself
            os.killpg(serving.pid, signal.SIGTERM)
        serving.wait(timeout=30)


def test_hints_name_the_command_that_works_in_that_folder(tmp_path: Path) -> None:
    """In a new site `peerkit` is not on the PATH, but `make check` works; elsewhere the
    hint is the peerkit command."""
    assert run_peerkit("new", str(tmp_path / "our-site")).returncode == 0
    in_site = run_peerkit("new-module", "listening-well", cwd=tmp_path / "our-site")
    assert in_site.returncode == 0, in_site.stderr
    assert "then run `make check`." in in_site.stdout
    (tmp_path / "bare").mkdir()
    bare = run_peerkit("new-module", "listening-well", cwd=tmp_path / "bare")
    assert "then run `peerkit check modules`." in bare.stdout


def test_a_new_site_is_not_ready_to_publish_until_its_placeholders_are_replaced(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "our-site"
    assert run_peerkit("new", str(folder), "--name", "Riverside Peer Network").returncode == 0
    first = run_peerkit("ready", cwd=folder)
    assert first.returncode == 1
    reported = first.stdout.splitlines()
    about = (folder / "docs" / "about.md").read_text(encoding="utf-8").splitlines()
    assert about[2].startswith("*Replace this paragraph")
    assert "docs/about.md:3: a prompt from peerkit new: write your own text here" in reported
    assert any(line.startswith("docs/privacy.md:") for line in reported)
    assert any(
        line.startswith("modules/getting-started.md:1: the example module") for line in reported
    )
    config_lines = (folder / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    email = next(n for n, text in enumerate(config_lines, 1) if "hello@example.org" in text)
    assert f"mkdocs.yml:{email}: hello@example.org is an example: give your own contact" in reported
    assert "docs/assets/logo.svg:1: the placeholder logo from peerkit new: use your own" in reported
    # `make test` in the site runs it, so a site with placeholders fails its tests.
    makefile = (folder / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test: .*\bready\b", makefile, re.M)
    assert "peerkit ready" in makefile

    # The owner writes their own text: nothing is reported, and text they changed never is.
    for page in (folder / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        page.write_text(re.sub(r"^\*[A-Z].*$", "Our own words.", text, flags=re.M), "utf-8")
    module = folder / "modules" / "getting-started.md"
    module.write_text(module.read_text(encoding="utf-8").replace("Getting started", "Welcome"))
    with site_config(folder) as config:
        peerkit_options(config)["contact"]["email"] = "training@riverside.example.org"
    (folder / "docs" / "assets" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><title>Riverside</title></svg>'
    )
    done = run_peerkit("ready", cwd=folder)
    assert done.returncode == 0, done.stdout
    assert done.stdout == "" and "No placeholders" in done.stderr
