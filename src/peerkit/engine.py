"""Which site engine builds and serves a site: MkDocs 1.6, or ProperDocs, its maintained fork.

MkDocs 1.x gets no more releases and MkDocs 2.0 drops plugins, so peerkit runs on either
engine. ProperDocs keeps MkDocs 1.x's plugin API (`mkdocs.*` imports are redirected to it),
reads the same `mkdocs.yml`, and loads the same plugins and themes. A site chooses with
`engine:` under the peerkit plugin in `mkdocs.yml` (or `peerkit build --engine`); `auto`, the
default, takes ProperDocs when the site has installed it, and MkDocs otherwise.

The engine runs as its own process, so peerkit's core imports nothing from either.
"""

from __future__ import annotations

import errno
import importlib.util
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from peerkit.site import plugin_options, read_config

Engine = Literal["mkdocs", "properdocs"]
ENGINES: tuple[Engine, ...] = ("mkdocs", "properdocs")
CHOICES = ("auto", *ENGINES)
NAMES: dict[Engine, str] = {"mkdocs": "MkDocs", "properdocs": "ProperDocs"}

END_OF_LIFE_NOTICE = (
    "Note from peerkit: Material for MkDocs, the theme this site uses, reaches end of life on "
    "5 May 2027 (security fixes until then), and MkDocs 1.x gets no more releases (MkDocs 2.0 "
    "drops plugins, so peerkit cannot run on it). Your site keeps building as it is; "
    "ProperDocs (pip install properdocs) carries MkDocs 1.x on. What peerkit relies on and how "
    "a site moves on are in docs/engines.md of peerkit's source."
)
"""Printed once by `peerkit build`, in place of Material's own banner on every build."""


class EngineError(Exception):
    """The engine asked for is unknown or not installed."""


def installed(engine: Engine) -> bool:
    return importlib.util.find_spec(engine) is not None


def configured(config_file: Path) -> str:
    """The `engine` the site's `mkdocs.yml` asks for under the peerkit plugin (or `auto`)."""
    if not config_file.is_file():
        return "auto"
    return str(plugin_options(read_config(config_file)).get("engine") or "auto")


def choose(requested: str | None, config_file: Path) -> Engine:
    """The engine to run: `requested` (e.g. `--engine`), else `PEERKIT_ENGINE`, else the
    site's setting; `auto` is ProperDocs when installed, MkDocs otherwise.

    Raises `EngineError` for an unknown engine or one that is not installed."""
    wanted = requested or os.environ.get("PEERKIT_ENGINE") or configured(config_file)
    if wanted == "auto":
        return "properdocs" if installed("properdocs") else "mkdocs"
    if wanted not in ENGINES:
        raise EngineError(
            f"unknown engine {wanted!r}: choose one of {', '.join(CHOICES)} "
            "(engine: under the peerkit plugin in mkdocs.yml, or --engine)"
        )
    engine: Engine = "properdocs" if wanted == "properdocs" else "mkdocs"
    if not installed(engine):
        raise EngineError(
            f"{NAMES[engine]} is not installed here: install it (pip install {engine}, or add "
            f"it to requirements.txt), or choose another engine"
        )
    return engine


def command(engine: Engine, action: Literal["build", "serve"], *args: str) -> list[str]:
    """The command line that runs `engine`'s `build` or `serve` with this Python."""
    return [sys.executable, "-m", engine, action, *args]


def environment(packs: bool = True) -> dict[str, str]:
    """The environment for an engine's process. Material's end-of-life banner, printed on
    every MkDocs build, is silenced: `peerkit build` says the same once, in its own words."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
    if not packs:
        env["PEERKIT_PACKS"] = "off"
    return env


def run(
    argv: list[str], cwd: Path, env: dict[str, str], echo: Callable[[str], None] | None = None
) -> tuple[int, str]:
    """Run `argv`, passing each line of its output to `echo` as it comes (so a long build
    shows its progress), and return its exit code and its whole output.

    It runs in its own process group: if peerkit is stopped while it runs (Ctrl-C, SIGTERM,
    any error), it and every process it started are stopped too."""
    lines: list[str] = []
    # Ctrl-C or SIGTERM arriving while Popen is still starting the child would leave it
    # running with no one to stop it: hold both until `proc` exists, then take them.
    stops = {signal.SIGINT, signal.SIGTERM}
    held = signal.pthread_sigmask(signal.SIG_BLOCK, stops)
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,
            # The child starts with the signals it should answer to.
            preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_SETMASK, held),
        )
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        raise
    with proc:
        assert proc.stdout is not None
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            for line in proc.stdout:
                lines.append(line)
                if echo is not None:
                    echo(line.rstrip("\n"))
            proc.wait()
        except BaseException:
            _stop_group(proc)
            raise
    return proc.returncode, "".join(lines)


def _stop_group(proc: subprocess.Popen[str]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=5)
            return
        except subprocess.TimeoutExpired:
            continue


def address_problem(address: str) -> str | None:
    """Why `serve` cannot listen on `address` (HOST:PORT), in one line naming `ADDR=`, or None."""
    host, _, port_text = address.rpartition(":")
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        return f"{address} is not an address to serve on: give HOST:PORT, e.g. ADDR=127.0.0.1:8001"
    port = int(port_text)
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host.strip("[]"), port))
    except OSError as exc:
        other = f"{host}:{port + 1 if port < 65535 else 8001}"
        if exc.errno == errno.EADDRINUSE:
            return (
                f"{address} is already in use (another `make serve`?): stop it, or serve on "
                f"another port with `make serve ADDR={other}`"
            )
        return f"cannot serve on {address} ({exc.strerror}): try `make serve ADDR={other}`"
    return None
