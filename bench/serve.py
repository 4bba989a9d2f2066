"""Edit-to-reload while `mkdocs serve` runs: seconds from saving a change to one module (or,
for plain MkDocs, to its Markdown page) until the served page shows it.

    python bench/serve.py SITE FILE PAGE [--dirty] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`mkdocs serve` of `site` on a free port, its log kept in `lines`."""

    def __init__(self, site: Path, *, dirty: bool) -> None:
        self.port = free_port()
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PEERKIT_PACKS": "off"}
        argv = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{self.port}"]
        self.proc = subprocess.Popen(
            [*argv, *(["--dirty"] if dirty else [])],
            cwd=site,
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
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, after: int = 0, timeout: float = 600) -> int:
        """Wait until a log line from `after` on holds `text`; returns the index after it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for index in range(after, len(self.lines)):
                if text in self.lines[index]:
                    return index + 1
            if self.proc.poll() is not None:
                raise RuntimeError("mkdocs serve stopped:\n" + "\n".join(self.lines[-30:]))
            time.sleep(0.02)
        raise TimeoutError(f"no {text!r} in mkdocs serve's log:\n" + "\n".join(self.lines[-30:]))

    def page(self, path: str) -> str:
        """The served page (MkDocs' server holds a request while it rebuilds)."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=600) as r:
                return str(r.read().decode("utf-8"))
        except OSError:
            return ""

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def edit(file: Path, word: str) -> None:
    """Add a paragraph holding `word` at the end of `file`."""
    text = file.read_text(encoding="utf-8").rstrip("\n")
    file.write_text(f"{text}\n\nA new line: {word}.\n", encoding="utf-8")


def edit_to_reload(
    site: Path, file: Path, page: str, *, dirty: bool, repeat: int = 3
) -> list[float]:
    """Seconds from each of `repeat` edits to `file` until the served `page` shows it."""
    original = file.read_text(encoding="utf-8")
    times: list[float] = []
    try:
        with Server(site, dirty=dirty) as server:
            seen = server.wait_for("Serving on")
            for n in range(repeat):
                word = f"zebra{n}x{time.monotonic_ns()}"
                time.sleep(1.0)  # let the watcher settle between edits
                started = time.perf_counter()
                edit(file, word)
                while word not in server.page(page):
                    if time.perf_counter() - started > 600:
                        raise TimeoutError(f"{page} never showed the edit")
                    time.sleep(0.02)
                times.append(time.perf_counter() - started)
                seen = len(server.lines)
            del seen
    finally:
        file.write_text(original, encoding="utf-8")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("file", type=Path)
    parser.add_argument("page")
    parser.add_argument("--dirty", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    times = edit_to_reload(
        args.site, args.site / args.file, args.page, dirty=args.dirty, repeat=args.repeat
    )
    print(" ".join(f"{t:.2f}" for t in times), f"median {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()
