"""The server configs a build writes: a Content-Security-Policy with the hash of every inline
script, no referrer and no framing; the site works under them with nothing blocked."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from peerkit.headers import inline_script_hashes, inline_scripts, policy

from browser import serve
from conftest import ROOT, Build, copy_site, free_port, netlify_headers

PAGES = [
    "index.html",
    "modules/boundaries.html",
    "sessions/network-gathering.html",
    "browse/catalogue.html?theme=boundaries",
    "browse/activities.html",
    "browse/map.html",
    "browse/tags.html",
    "browse/planner.html?item=welcome~10~Hello&item=activity~boundaries-saying-no~20",
]


@pytest.fixture(scope="module")
def strict_url(reference_build: Build) -> Iterator[str]:
    with serve(reference_build.site, netlify_headers(reference_build.site)) as url:
        yield url


def test_the_build_writes_the_same_headers_for_three_kinds_of_server(
    reference_build: Build,
) -> None:
    site = reference_build.site
    values = netlify_headers(site)
    shim = (ROOT / "node_modules" / "iframe-worker" / "shim" / "index.js").read_text("utf-8")
    hashes = inline_script_hashes(site, shim=shim)
    assert hashes and all(re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", h) for h in hashes)
    assert values["Content-Security-Policy"] == policy(hashes)
    assert values["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in values["Content-Security-Policy"]
    apache = (site / ".htaccess").read_text(encoding="utf-8")
    nginx = (site / "nginx-headers.conf").read_text(encoding="utf-8")
    for name, value in values.items():
        assert f'Header always set {name} "{value}"' in apache
        assert f'add_header {name} "{value}" always;' in nginx
    assert (
        "# nginx drops these headers in any `location` block that has an `add_header` of its\n"
        "# own: include this file again inside each such block, or the pages there go out\n"
        "# without their Content-Security-Policy.\n"
    ) in nginx


@pytest.fixture
def blocked(page: Page) -> list[str]:
    """What the page's Content-Security-Policy stopped, as the browser reports it."""
    found: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and found.append(m.text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    return found


def test_every_page_type_runs_under_the_policy_with_nothing_blocked(
    page: Page, strict_url: str, blocked: list[str]
) -> None:
    for path in PAGES:
        response = page.goto(strict_url + path)
        assert response is not None
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        expect(page.locator("h1").first).to_be_visible()
    # Scripts still run: the planner drew its items, and search answers.
    expect(page.locator("[data-planner-items] li")).to_have_count(2)
    page.get_by_role("textbox", name="Search").first.click()
    page.keyboard.type("friendship")
    expect(page.locator("a.md-search-result__link").first).to_be_attached()
    assert blocked == []


def test_search_works_from_a_folder_under_the_policy_in_the_page(
    page: Page, reference_build: Build, blocked: list[str]
) -> None:
    """From file:// no header is sent: the <meta> policy applies, and it names the script the
    iframe-worker shim writes into its frame so that search runs there."""
    page.goto((reference_build.site / "modules" / "boundaries.html").as_uri())
    assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
    page.get_by_role("textbox", name="Search").first.click()
    page.keyboard.type("friendship")
    expect(page.locator("a.md-search-result__link").first).to_be_attached()
    assert blocked == []


def test_a_page_with_an_unknown_inline_script_is_blocked(
    page: Page, strict_url: str, blocked: list[str]
) -> None:
    """The policy is not a formality: a script it does not name does not run."""
    page.goto(strict_url + "index.html")
    ran = page.evaluate(
        """() => new Promise(resolve => {
            const s = document.createElement('script');
            s.textContent = 'window.__injected = true';
            document.head.append(s);
            setTimeout(() => resolve(window.__injected === true), 100);
        })"""
    )
    assert ran is False
    assert any("script-src" in message for message in blocked)


def test_only_scripts_a_browser_would_run_are_hashed() -> None:
    html = (
        "<script>a()</script><script src='x.js'></script>"
        '<script type="application/json">{"b": 1}</script>'
        "<SCRIPT type=module>c()</SCRIPT><script type='text/javascript'>d()</script>"
    )
    assert inline_scripts(html) == ["a()", "c()", "d()"]


README = ROOT / "src" / "peerkit" / "scaffold" / "site" / "README.md"


def nginx_example() -> str:
    """The nginx server block from the README a new site gets."""
    text = README.read_text(encoding="utf-8")
    return re.search(r"```nginx\n(.*?)```", text, re.S)[1]  # type: ignore[index]


@pytest.fixture(scope="module")
def nginx_url(reference_build: Build, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site behind a real nginx, configured exactly as the README shows."""
    work = tmp_path_factory.mktemp("nginx")
    port = free_port()
    site = str(reference_build.site)
    server = (
        nginx_example()
        .replace("listen 80;", f"listen 127.0.0.1:{port};")
        .replace("/var/www/peerkit/site", site)
    )
    temp = " ".join(f"{kind}_temp_path {work}/{kind};" for kind in ("client_body", "proxy"))
    temp += " " + " ".join(f"{kind}_temp_path {work}/{kind};" for kind in ("fastcgi", "uwsgi"))
    (work / "nginx.conf").write_text(
        # Workers as root too: pytest's folders are private to the user running the tests.
        f"daemon off; user root; pid {work}/nginx.pid; error_log {work}/error.log;\n"
        "events {}\n"
        f"http {{ include /etc/nginx/mime.types; access_log off; {temp} scgi_temp_path "
        f"{work}/scgi;\n{server}\n}}\n",
        encoding="utf-8",
    )
    proc = subprocess.Popen(["nginx", "-c", str(work / "nginx.conf"), "-p", str(work)])
    url = f"http://127.0.0.1:{port}/"
    for _ in range(50):
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_the_readme_nginx_example_serves_the_site_with_its_headers(
    nginx_url: str, reference_build: Build, page: Page, blocked: list[str]
) -> None:
    with urllib.request.urlopen(nginx_url + "modules/boundaries.html") as response:
        sent = dict(response.headers)
    for name, value in netlify_headers(reference_build.site).items():
        assert sent[name] == value, name
    page.goto(nginx_url)
    page.get_by_role("textbox", name="Search").first.click()
    page.keyboard.type("friendship")
    expect(page.locator("a.md-search-result__link").first).to_be_attached()
    assert blocked == []


def test_pages_from_mkdocs_serve_carry_no_policy_so_live_reload_runs(tmp_path: Path) -> None:
    minimal = (ROOT / "tests" / "fixtures" / "minimal.md").read_text(encoding="utf-8")
    root = copy_site(tmp_path, modules={"listening.md": minimal})
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PEERKIT_PACKS": "off"}
    with subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as proc:
        try:
            body = ""
            for _ in range(600):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html") as page:
                        body = page.read().decode("utf-8")
                    break
                except OSError:
                    time.sleep(0.1)
        finally:
            proc.terminate()
    assert "livereload(" in body
    assert 'http-equiv="Content-Security-Policy"' not in body
