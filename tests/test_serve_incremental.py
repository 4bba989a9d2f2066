"""`mkdocs serve` after an edit: the change shows, and only the pages that show the changed
module are rendered again (counted from the build's log, not timed)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import copy_site, free_port

pytestmark = pytest.mark.build

RENDERED = re.compile(r"peerkit: module pages: (\d+) rendered, (\d+) unchanged")


class Serve:
    def __init__(self, root: Path, *, dirty: bool) -> None:
        self.port = free_port()
        address = f"127.0.0.1:{self.port}"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PEERKIT_PACKS": "off"}
        # `peerkit serve` (dirty by default: it hands over to `mkdocs serve --dirty`), and
        # MkDocs' own `serve`, as a site owner may run either.
        argv = ["peerkit", "serve", "--dev-addr", address] if dirty else []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", *(argv or ["mkdocs", "serve", "-a", address])],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    def next_count(self, after: int) -> tuple[int, int, int]:
        """(rendered, unchanged) from the first build log line after line `after`, and the
        number of lines read so far."""
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            for index in range(after, len(self.lines)):
                found = RENDERED.search(self.lines[index])
                if found:
                    return int(found[1]), int(found[2]), index + 1
            assert self.proc.poll() is None, "".join(self.lines)
            time.sleep(0.05)
        raise AssertionError("no build finished:\n" + "".join(self.lines[-30:]))

    def built(self, after: int) -> int:
        """The number of log lines read once a build has finished after line `after`.

        The first build ends with "Documentation built in N seconds"; a rebuild may not, as
        MkDocs drops a log message it has printed before (a rebuild as quick as an earlier
        one), so a rebuild is known by the "Reloading browsers" that follows it."""
        done = "Reloading browsers" if after else "Documentation built"
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            for index in range(after, len(self.lines)):
                if done in self.lines[index]:
                    return index + 1
            assert self.proc.poll() is None, "".join(self.lines)
            time.sleep(0.05)
        raise AssertionError("no build finished:\n" + "".join(self.lines[-30:]))

    def fetch(self, path: str) -> tuple[int, str]:
        """The status and text of the served page at `path` as it is now."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}") as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, ""

    def page(self, path: str, holding: str) -> str:
        """The served page at `path`, once it holds `holding` (or as it is after a while)."""
        deadline = time.monotonic() + 120
        text = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}") as r:
                    text = r.read().decode("utf-8")
            except OSError:
                pass
            if holding in text:
                break
            time.sleep(0.1)
        return text


@pytest.mark.parametrize("dirty", [True, False], ids=["dirty", "clean"])
def test_an_edit_renders_again_only_the_module_and_the_pages_that_show_it(
    tmp_path: Path, dirty: bool
) -> None:
    root = copy_site(tmp_path)
    modules = root / "modules"
    # Nothing shows self-care but its own page; sharing-our-experiences shows peer-values'
    # title among its prerequisites.
    assert all("self-care" not in line for line in _prerequisite_lines(modules))
    assert "peer-values" in (modules / "sharing-our-experiences.md").read_text(encoding="utf-8")
    server = Serve(root, dirty=dirty)
    try:
        rendered, unchanged, seen = server.next_count(0)
        assert (rendered, unchanged) == (8, 0)
        server.page("index.html", "</html>")
        # While serving, the browser builds the search index itself: no lunr index is built
        # on each rebuild (a build ships one, tests/test_search_prebuilt.py).
        assert server.fetch("search/search_lunr.json")[0] == 404
        assert "peerkit_prebuilt" not in server.fetch(SEARCH)[1]

        care = modules / "self-care.md"
        _save(care, care.read_text(encoding="utf-8") + "\nA zebra crossed the room.\n")
        rendered, unchanged, seen = server.next_count(seen)
        assert (rendered, unchanged) == (1, 7)
        assert "A zebra crossed the room." in server.page("modules/self-care.html", "zebra")
        assert server.fetch("run/modules/self-care.html")[0] == 200

        values = modules / "peer-values.md"
        text = values.read_text(encoding="utf-8")
        title = re.search(r"^title: (.*)$", text, re.M)
        assert title is not None
        _save(values, text.replace(title[0], "title: Values we share as peers"))
        rendered, unchanged, seen = server.next_count(seen)
        assert (rendered, unchanged) == (2, 6)
        sharing = server.page("modules/sharing-our-experiences.html", "Values we share as peers")
        assert "Values we share as peers" in sharing
        # Run pages are kept while only a module's text changes, and made again when its
        # front-matter does: the run page shows the new title.
        assert "Values we share as peers" in server.page(
            "run/modules/peer-values.html", "Values we share as peers"
        )
    finally:
        server.proc.terminate()
        server.proc.wait(timeout=30)


def _prerequisite_lines(modules: Path) -> list[str]:
    return [
        line
        for path in modules.glob("*.md")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("prerequisites:")
    ]


def _save(path: Path, text: str) -> None:
    """Save as an editor does, in one step (the watcher never sees half a file)."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def test_peerkit_serve_is_dirty_and_every_page_stays_right_after_each_kind_of_edit(
    tmp_path: Path,
) -> None:
    """`peerkit serve` writes again only the pages an edit changes, yet no page is left
    behind: a new title reaches every page's navigation and the home page's module cards, a
    new module is listed everywhere, a removed one is gone, a setting in mkdocs.yml shows
    on every page, and each page's search entries are listed once."""
    root = copy_site(tmp_path)
    modules = root / "modules"
    server = Serve(root, dirty=True)
    try:
        seen = server.built(0)
        assert any("dirty" in line.lower() for line in server.lines[:seen])  # --dirty is on
        # The watcher starts after the first build, before the site is served: an edit saved
        # before then would go unseen.
        server.page("index.html", "</html>")

        values = modules / "peer-values.md"
        text = values.read_text(encoding="utf-8")
        title = re.search(r"^title: (.*)$", text, re.M)
        assert title is not None
        _save(values, text.replace(title[0], "title: Zebra values", 1))
        seen = server.built(seen)
        for path in ("glossary.html", "modules/self-care.html", "index.html"):
            assert "Zebra values" in server.fetch(path)[1], path
        # Two module pages were built again (its own and the one that names it): each
        # page's search entries once, not the earlier ones beside the new.
        locations = [d["location"] for d in json.loads(server.fetch(SEARCH)[1])["docs"]]
        assert len(locations) == len(set(locations))

        care_file = modules / "self-care.md"  # shown by no other page
        care = care_file.read_text(encoding="utf-8")
        _save(care_file, care + "\nA zebra crossed the room.\n")
        rendered, unchanged, seen = server.next_count(seen)
        assert (rendered, unchanged) == (1, 7)  # a module's text: the quick path
        seen = server.built(seen - 1)
        assert "A zebra crossed the room." in server.fetch("modules/self-care.html")[1]

        yak = re.sub(r"^title: .*$", "title: Yak care", care, count=1, flags=re.M)
        yak = yak.replace("id: self-care\n", "id: yak-care\n", 1).replace("self-care-", "yak-care-")
        _save(modules / "yak-care.md", yak)
        seen = server.built(seen)
        assert "Yak care" in server.fetch("modules/yak-care.html")[1]
        assert "Yak care" in server.fetch("glossary.html")[1]

        (modules / "yak-care.md").unlink()
        seen = server.built(seen)
        assert server.fetch("modules/yak-care.html")[0] == 404
        assert "Yak care" not in server.fetch("glossary.html")[1]

        config = root / "mkdocs.yml"
        settings = config.read_text(encoding="utf-8")
        name = re.search(r"^site_name: .*$", settings, re.M)
        assert name is not None
        _save(config, settings.replace(name[0], "site_name: Quokka Peer Network", 1))
        seen = server.built(seen)
        for path in ("modules/peer-values.html", "glossary.html"):
            assert "Quokka Peer Network" in server.fetch(path)[1], path
    finally:
        server.proc.terminate()
        server.proc.wait(timeout=30)


SEARCH = "search/search_index.json"
