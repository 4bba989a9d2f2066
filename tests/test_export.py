"""`peerkit export`: the generated pages as plain Markdown that another tool builds without
peerkit's plugin."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from markupsafe import escape

from peerkit.export import page_url, relative
from peerkit.load import load_folder

from conftest import FIXTURES, ROOT, copy_site, run_peerkit

MINIMAL = (FIXTURES / "minimal.md").read_text(encoding="utf-8")


def plain_mkdocs_build(docs: Path, theme: str, directory_urls: bool) -> Path:
    """The export, built by MkDocs alone: no peerkit plugin, strict."""
    project = docs.parent
    (project / "plain.yml").write_text(
        f"site_name: Exported\ntheme: {theme}\n"
        f"use_directory_urls: {str(directory_urls).lower()}\n"
        f"docs_dir: {docs.name}\nsite_dir: plain-site\n"
        "extra_css: [assets/peerkit/peerkit.css]\n"
        "extra_javascript: [assets/peerkit/peerkit.js]\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "plain.yml"],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "peerkit" not in re.sub(r"assets/peerkit|peerkit-", "", proc.stderr)
    return project / "plain-site"


@pytest.mark.parametrize(
    ("theme", "links"), [("mkdocs", "html"), ("material", "directory")], ids=["mkdocs", "material"]
)
def test_the_export_builds_with_plain_mkdocs_and_has_every_activity(
    tmp_path: Path, theme: str, links: str
) -> None:
    root = copy_site(tmp_path / "project")
    proc = run_peerkit("export", "exported", "--links", links, cwd=root, process=True)
    assert proc.returncode == 0, proc.stderr
    assert "Exported" in proc.stdout
    site = plain_mkdocs_build(root / "exported", theme, links == "directory")
    assert "plugins" not in (root / "plain.yml").read_text()
    modules, _, _ = load_folder(ROOT / "modules")
    assert len(modules) == 8
    for module_file in modules:
        module = module_file.module
        url = page_url(f"modules/{module.id}.md", "html" if links == "html" else "directory")
        page = site / (url + "index.html" if url.endswith("/") else url)
        html = page.read_text(encoding="utf-8")
        assert f'<h1 id="{module.id}">' in html
        for activity in module.activities:
            assert f'id="{activity.id}"' in html, (module.id, activity.id)
            assert str(escape(activity.title)) in html, (module.id, activity.id)
        # Every link from the page to another page of the export leads to a page that exists.
        for href in re.findall(r'href="([^"#:]+?)(?:#[^"]*)?"', html):
            if href.startswith(("..", "./")) or not href.startswith(("/", "http")):
                target = (page.parent / urlsplit(href).path).resolve()
                if target.is_dir():
                    target = target / "index.html"
                assert target.exists(), (module.id, href)
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Role tension and boundaries" in home and "Session planner" in home
    catalogue = site / (
        "browse/catalogue.html" if links == "html" else "browse/catalogue/index.html"
    )
    listed = catalogue.read_text(encoding="utf-8")
    for module_file in modules:  # without JavaScript, the catalogue lists every module
        assert str(escape(module_file.module.title)) in listed
    assert (site / "assets" / "peerkit" / "index.json").is_file()


def test_prose_with_raw_html_is_exported_cleaned_and_plain_prose_stays_markdown(
    tmp_path: Path,
) -> None:
    module = MINIMAL + (
        "\nSome *plain* prose.\n\n"
        '<p onclick="steal()">Hello <script>alert(1)</script><a href="javascript:x()">x</a></p>\n'
    )
    root = copy_site(tmp_path, modules={"listening.md": module})
    proc = run_peerkit("export", "out", cwd=root, process=True)
    assert proc.returncode == 0, proc.stderr
    text = (root / "out" / "modules" / "listening.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Listening well\n")
    assert "## About this module\n\nA short module used by peerkit's tests." in text
    for unsafe in ("<script", "alert", "onclick", "javascript:"):
        assert unsafe not in text
    assert "Hello" in text
    # peerkit's own blocks are raw HTML with no blank line inside, so any tool keeps them whole.
    block = text[text.index('<h1 id="listening">') : text.index("## About")]
    assert "\n\n" not in block.strip()


def test_a_mistake_exports_nothing_and_a_folder_of_other_files_is_refused(tmp_path: Path) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    assert run_peerkit("export", "out", cwd=root, process=True).returncode == 0
    before = sorted(p.name for p in (root / "out" / "modules").iterdir())
    (root / "modules" / "listening.md").write_text(MINIMAL.replace("60-90", "90-60"))
    broken = run_peerkit("export", "out", cwd=root, process=True)
    assert broken.returncode == 1
    assert "modules/listening.md:6:" in broken.stderr and "Nothing was exported" in broken.stderr
    assert sorted(p.name for p in (root / "out" / "modules").iterdir()) == before
    (root / "mine").mkdir()
    (root / "mine" / "notes.txt").write_text("mine")
    refused = run_peerkit("export", "mine", cwd=root, process=True)
    assert refused.returncode == 1 and "not an earlier export" in refused.stderr
    assert (root / "mine" / "notes.txt").read_text() == "mine"


def test_links_between_pages_suit_each_kind_of_address() -> None:
    assert page_url("modules/a.md", "html") == "modules/a.html"
    assert page_url("modules/a.md", "directory") == "modules/a/"
    assert page_url("index.md", "directory") == ""
    assert relative("modules/b.html", "modules/a.html") == "b.html"
    assert relative("modules/b/", "modules/a/") == "../b/"
    assert relative("modules/b/", "sessions/x/") == "../../modules/b/"
    assert relative("index.html", "browse/map.html").removesuffix("index.html") == "../"


def test_export_reads_the_settings_as_check_does(tmp_path: Path) -> None:
    """Through the one project loader: a brand colour below WCAG AA is a warning at its line
    (the export still happens), and a settings mistake stops it at its line."""
    from peerkit.export import export_site

    root = copy_site(
        tmp_path, modules={"listening.md": MINIMAL}, plugin={"brand": {"primary": "#7fb3ff"}}
    )
    done = export_site(tmp_path / "out", root / "modules", root / "mkdocs.yml")
    assert done.ok and done.pages
    assert [f for f in done.findings if "plugins.peerkit.brand.primary" in f.message]
    root = copy_site(
        tmp_path / "bad",
        modules={"listening.md": MINIMAL},
        plugin={"contact": {"email": ["not", "text"]}},
    )
    stopped = export_site(tmp_path / "out2", root / "modules", root / "mkdocs.yml")
    assert not stopped.ok and not (tmp_path / "out2").exists()
    assert [f for f in stopped.findings if f.path == root / "mkdocs.yml" and f.line > 1]
