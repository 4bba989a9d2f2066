"""Engines: the same site from MkDocs 1.6 and from ProperDocs, its maintained fork; the engine
a site chooses; `peerkit build` telling users about the end of life once, and showing its
progress; `peerkit serve` naming ADDR= when the port is taken."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from peerkit.engine import EngineError, address_problem, choose, command
from peerkit.publish import build_site

from conftest import FIXTURES, copy_site

MINIMAL = (FIXTURES / "minimal.md").read_text(encoding="utf-8")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src"} and value is not None:
                self.links.append(f"{tag}[{name}]={value}")


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def pages(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(site.rglob("*.html"))
    }


def search_entries(site: Path) -> list[tuple[str, str, str]]:
    data = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return [(d["location"], d["title"], d["text"]) for d in data["docs"]]


GENERATOR = re.compile(r'<meta name="generator" content="[^"]*">')


def test_the_reference_site_is_the_same_on_mkdocs_and_on_properdocs(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "project")
    built = {}
    for engine in ("mkdocs", "properdocs"):
        result = build_site(
            root / "mkdocs.yml", tmp_path / f"site-{engine}", packs=False, engine=engine
        )
        assert result.ok, result.output
        built[engine] = result.site
    mkdocs, properdocs = (pages(built[e]) for e in ("mkdocs", "properdocs"))
    assert len(mkdocs) > 20 and "modules/boundaries.html" in mkdocs
    assert sorted(mkdocs) == sorted(properdocs)  # the same pages
    generators = set()
    for name, html in mkdocs.items():
        assert links_of(html) == links_of(properdocs[name]), name  # the same links
        generators |= set(GENERATOR.findall(html)) | set(GENERATOR.findall(properdocs[name]))
        # Apart from the generator line, each page is the same, byte for byte.
        assert GENERATOR.sub("", html) == GENERATOR.sub("", properdocs[name]), name
    assert any("ProperDocs" in g for g in generators) and any("mkdocs-1.6" in g for g in generators)
    entries = search_entries(built["mkdocs"])
    assert entries == search_entries(built["properdocs"])  # the same search entries
    assert any(loc.startswith("modules/boundaries.html#") for loc, _, _ in entries)
    offline = [(built[e] / "search" / "search_index.js").read_text() for e in built]
    assert offline[0] == offline[1]


def test_the_site_chooses_its_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PEERKIT_ENGINE", raising=False)
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: T\nplugins:\n  - peerkit:\n      engine: mkdocs\n")
    assert choose(None, config) == "mkdocs"
    assert choose("properdocs", config) == "properdocs"  # --engine wins over the setting
    monkeypatch.setenv("PEERKIT_ENGINE", "properdocs")
    assert choose(None, config) == "properdocs"
    monkeypatch.delenv("PEERKIT_ENGINE")
    config.write_text("site_name: T\nplugins:\n  - peerkit\n")
    assert choose(None, config) == "properdocs"  # auto: ProperDocs, as it is installed here
    config.write_text("site_name: T\nplugins:\n  - peerkit:\n      engine: zensical\n")
    with pytest.raises(EngineError, match="unknown engine 'zensical'"):
        choose(None, config)
    assert command("properdocs", "serve", "-a", "x")[1:] == ["-m", "properdocs", "serve", "-a", "x"]


def test_peerkit_build_says_end_of_life_once_and_shows_progress(tmp_path: Path) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    proc = subprocess.Popen(
        [sys.executable, "-m", "peerkit", "build", "--engine", "mkdocs"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    lines, running_at_pages = [], None
    for line in proc.stdout:
        lines.append(line)
        if running_at_pages is None and "peerkit: pages" in line:
            running_at_pages = proc.poll() is None
    # The page count arrives while the build is still running (the packs are still to make),
    # not all at once at the end.
    assert running_at_pages is True, "".join(lines)
    output = "".join(lines)
    assert proc.wait(timeout=300) == 0, output
    assert output.count("5 May 2027") == 1
    assert "MkDocs 2.0" in output and "ProperDocs" in output
    # Material's own banner, repeated on every build, is not shown on top of peerkit's.
    assert "reaches end of life on May 5, 2027" not in output
    assert "Building with MkDocs" in output
    packs = re.findall(r"peerkit: packs (\d+)/(\d+)", output)
    assert packs, output
    assert packs[-1][0] == packs[-1][1] and len(packs) == int(packs[-1][1])
    assert output.index("peerkit: pages") < output.index("peerkit: packs 1/")


def test_serve_on_a_busy_port_says_which_addr_to_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        problem = address_problem(f"127.0.0.1:{port}")
        assert problem is not None and "\n" not in problem
        assert f"ADDR=127.0.0.1:{port + 1}" in problem and "already in use" in problem
        root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
        proc = subprocess.run(
            [sys.executable, "-m", "peerkit", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "ADDR=" in proc.stderr
    assert address_problem("localhost") is not None and "ADDR=" in str(address_problem("x"))
