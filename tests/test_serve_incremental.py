"""`mkdocs serve` after an edit: the change shows, and only the pages that show the changed
module are rendered again (counted from the build's log, not timed)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
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
        # `peerkit serve --dirty` (it hands over to `mkdocs serve --dirty`), and MkDocs' own
        # `serve`, as a site owner may run either.
        argv = ["peerkit", "serve", "--dev-addr", address, "--dirty"] if dirty else []
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

        care = modules / "self-care.md"
        _save(care, care.read_text(encoding="utf-8") + "\nA zebra crossed the room.\n")
        rendered, unchanged, seen = server.next_count(seen)
        assert (rendered, unchanged) == (1, 7)
        assert "A zebra crossed the room." in server.page("modules/self-care.html", "zebra")

        values = modules / "peer-values.md"
        text = values.read_text(encoding="utf-8")
        title = re.search(r"^title: (.*)$", text, re.M)
        assert title is not None
        _save(values, text.replace(title[0], "title: Values we share as peers"))
        rendered, unchanged, seen = server.next_count(seen)
        assert (rendered, unchanged) == (2, 6)
        sharing = server.page("modules/sharing-our-experiences.html", "Values we share as peers")
        assert "Values we share as peers" in sharing
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
