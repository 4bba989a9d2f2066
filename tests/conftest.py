"""Shared helpers for peerkit's tests: the repo's paths, running peerkit and MkDocs, fixture
sites made by editing the reference site's mkdocs.yml as YAML, free ports, and the layer
markers (unit, build, browser, network) every test gets; see tests/README.md."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml

from peerkit.load import load_folder
from peerkit.model import ModuleFile
from peerkit.render import Renderer
from peerkit.site import plugin_options

pytest_plugins = ["browser"]  # the browser tests' fixtures: base_url, browser, page

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"


# --- layers ---------------------------------------------------------------------------------
#
# Every test belongs to one or more layers. `make test-fast` runs `-m unit`; `make test` runs
# them all, spread over the machine's cores. A test is marked by what it uses, so a new test
# file needs no markers of its own: a test that names one of TRIGGERS (a function, or a
# command word such as the "build" of `peerkit build`), itself or through any fixture or
# helper function in tests/ that it uses, gets that layer; one with no other layer is
# `unit`. Mark a test or a file by hand only for what the scan cannot see, such as a
# package registry (network).

LAYERS = ("unit", "build", "browser", "network")
TRIGGERS = {
    # MkDocs or ProperDocs building a site, WeasyPrint rendering PDFs, `... build` commands
    "build": {"mkdocs_command", "build_site", "build_packs", "build_site_prints", "build"},
    "browser": {"sync_playwright"},  # Chromium
}


def _names_used(function: Callable[..., object], seen: set[types.CodeType]) -> set[str]:
    """Every global name and string constant in `function`, and in the functions in tests/
    it calls."""
    code = getattr(function, "__code__", None)
    if code is None or code in seen:
        return set()
    seen.add(code)
    names: set[str] = set()
    stack = [code]
    while stack:  # the function and any lambdas or functions defined inside it
        current = stack.pop()
        names.update(current.co_names)
        if current.co_filename != __file__:
            # Command words in the tests' own code (this file's words are about layers).
            names.update(c for c in current.co_consts if isinstance(c, str))
        stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    for name in list(names):
        called = getattr(function, "__globals__", {}).get(name)
        if isinstance(called, types.FunctionType) and Path(
            called.__code__.co_filename
        ).is_relative_to(TESTS):
            names |= _names_used(called, seen)
    return names


def _fixture_functions(item: pytest.Item) -> Iterator[Callable[..., object]]:
    """The function of every fixture the test uses, directly or through other fixtures."""
    info = getattr(item, "_fixtureinfo", None)
    for name in getattr(item, "fixturenames", ()):
        for definition in info.name2fixturedefs.get(name, ()) if info else ():
            yield definition.func


def _layers_used(function: Callable[..., object]) -> set[str]:
    names = _names_used(function, set())
    return {layer for layer, calls in TRIGGERS.items() if names & calls}


@pytest.hookimpl(tryfirst=True)  # before `-m` chooses tests by their layers
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        function = getattr(item, "function", None)
        found = _layers_used(function) if function else set()
        for fixture in _fixture_functions(item):
            found |= _layers_used(fixture)
        for layer in sorted(found):
            if not item.get_closest_marker(layer):
                item.add_marker(layer)
        if not any(item.get_closest_marker(layer) for layer in LAYERS[1:]):
            item.add_marker("unit")
    # The tests that read the reference site go last, so the others run while it builds.
    items.sort(key=_uses_reference_build)


_running: list[pytest.Item] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    _running.append(item)
    try:
        return (yield)
    finally:
        _running.pop()


def require_layer(layer: str, what: str) -> None:
    """Fail a test that does `what` without being in `layer`, so `make test-fast` stays fast."""
    if _running and not _running[-1].get_closest_marker(layer):
        pytest.fail(
            f"{_running[-1].nodeid} {what}, but is not marked {layer}: add "
            f"`pytestmark = pytest.mark.{layer}` to its file or `@pytest.mark.{layer}` to it "
            "(see tests/README.md)",
            pytrace=False,
        )


# --- running peerkit and MkDocs ---------------------------------------------------------------


def run_peerkit(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    process: bool = False,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """The `peerkit` command with ARGS, run in `cwd`, without CI's annotations unless `env`
    sets CI. It runs in this process (through click's test runner: the same code, without
    the 2 s of starting Python and importing WeasyPrint again), or with `process=True` as
    `python -m peerkit`, exactly as a user runs it."""
    if args and args[0] in {"build", "pack"}:
        require_layer("build", f"runs `peerkit {args[0]}`")
    if process:
        base = {k: v for k, v in os.environ.items() if k not in {"CI", "GITHUB_ACTIONS"}}
        return subprocess.run(
            [sys.executable, "-m", "peerkit", *args],
            cwd=cwd,
            env={**base, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    from click.testing import CliRunner

    from peerkit.cli import main

    unset: dict[str, str | None] = {"CI": None, "GITHUB_ACTIONS": None}
    before = Path.cwd()
    os.chdir(cwd or before)
    try:
        result = CliRunner().invoke(main, list(args), env={**unset, **(env or {})})
    finally:
        os.chdir(before)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(
        ["peerkit", *args], result.exit_code, result.stdout, result.stderr
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def page_html(renderer: Renderer, module_file: ModuleFile) -> str:
    """A module page's final HTML, with Python-Markdown standing in for MkDocs."""
    rendered = renderer.module_page(module_file)
    extensions = ["toc", "attr_list", "md_in_html", "tables"]
    return rendered.finish(markdown.markdown(rendered.markdown, extensions=extensions))


@dataclass
class Build:
    """The outcome of `mkdocs build` on a site folder."""

    root: Path
    returncode: int
    output: str

    @property
    def site(self) -> Path:
        return self.root / "site"

    def page(self, rel: str) -> str:
        return (self.site / rel).read_text(encoding="utf-8")


def mkdocs_command(*args: str, packs: bool) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PEERKIT_PACKS": "on" if packs else "off"}
    return [sys.executable, "-m", "mkdocs", "build", *args], env


def mkdocs_build(root: Path, *args: str, packs: bool = False) -> Build:
    """Run MkDocs' own command line, as a site owner would (PDF packs only when asked for)."""
    require_layer("build", "builds a site with MkDocs")
    command, env = mkdocs_command(*args, packs=packs)
    proc = subprocess.run(
        command,
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,  # the reference site renders ~80 PDF packs; these machines are shared
        check=False,
    )
    return Build(root, proc.returncode, proc.stdout + proc.stderr)


# --- fixture sites: the reference site's files, its mkdocs.yml edited as YAML ----------------


@dataclass
class Tagged:
    """A value carrying a YAML tag that MkDocs resolves (`!ENV`, `!!python/name:`), kept as it
    is so that a config read and written back by a test still means what it meant."""

    tag: str
    value: Any


class _ConfigLoader(yaml.SafeLoader):
    pass


class _ConfigDumper(yaml.SafeDumper):
    pass


def _construct_tagged(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.ScalarNode):
        return Tagged(node.tag, loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return Tagged(node.tag, loader.construct_sequence(node, deep=True))
    assert isinstance(node, yaml.MappingNode)
    return Tagged(node.tag, loader.construct_mapping(node, deep=True))


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_ConfigLoader.add_multi_constructor("!", _construct_tagged)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)
_ConfigDumper.add_representer(Tagged, _represent_tagged)


def read_config(path: Path) -> dict[str, Any]:
    """An mkdocs.yml as data, its tags kept as `Tagged` values."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    assert isinstance(data, dict), path
    return data


def write_config(path: Path, data: dict[str, Any]) -> None:
    text = yaml.dump(data, Dumper=_ConfigDumper, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")


def peerkit_options(config: dict[str, Any]) -> dict[str, Any]:
    """The peerkit plugin's options in a config read by `read_config`, found as peerkit finds
    them (`peerkit.site.plugin_options`): the dict itself, to change."""
    plugins = config.get("plugins", [])
    entries = [e for e in plugins if isinstance(e, dict) and "peerkit" in e]
    assert entries, "no peerkit plugin in mkdocs.yml"
    if entries[0]["peerkit"] is None:  # `- peerkit:` with no options: a dict to fill
        entries[0]["peerkit"] = {}
    return plugin_options(config)


def line_of(path: Path, text: str) -> int:
    """The 1-based number of the one line in `path` that holds `text` (a test's expected
    `path:line`, found in the file as a person would find it, not by peerkit's own code)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [n for n, line in enumerate(lines, start=1) if text in line]
    assert len(found) == 1, f"{text!r} is on lines {found} of {path}"
    return found[0]


@contextmanager
def site_config(root: Path) -> Iterator[dict[str, Any]]:
    """Edit a site's mkdocs.yml as data: `with site_config(root) as config: ...`."""
    path = root / "mkdocs.yml"
    config = read_config(path)
    yield config
    write_config(path, config)


def copy_site(
    dest: Path,
    *,
    modules: dict[str, str] | None = None,
    plugin: dict[str, Any] | None = None,
    config: dict[str, Any] | None = None,
) -> Path:
    """A copy of the reference site's config, docs and overrides, its modules replaced by
    `modules` (file name: text) if given. `plugin` sets options of the peerkit plugin and
    `config` top-level keys of mkdocs.yml; a value of None removes the key. A site with its
    own `modules` leaves out the reference site's vocabulary of audiences and themes (which
    lists only the reference modules' terms) unless `plugin` sets one."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "macros.py"):
        shutil.copy(ROOT / name, dest / name)
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, dest / name)
    # The pinned npm files (the iframe-worker shim), installed once by `make setup`.
    (dest / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    if modules is None:
        shutil.copytree(ROOT / "modules", dest / "modules")
        shutil.copytree(ROOT / "sessions", dest / "sessions")
    else:
        (dest / "modules").mkdir()
        for filename, text in modules.items():
            (dest / "modules" / filename).write_text(text, encoding="utf-8")
    if modules is not None:
        plugin = {"vocabulary": None, **(plugin or {})}
    if plugin or config:
        with site_config(dest) as data:
            _update(peerkit_options(data), plugin or {})
            _update(data, config or {})
    return dest


def _update(data: dict[str, Any], changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value


def netlify_headers(site: Path) -> dict[str, str]:
    """The headers a built site's `_headers` file (Netlify, Cloudflare Pages) sets on every
    page, as those hosts read it."""
    lines = (site / "_headers").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if not line.startswith(("#", " "))] == ["/*"], lines
    return dict(line.strip().split(": ", 1) for line in lines if line.startswith("  "))


# --- made once per test run, shared by the xdist workers ------------------------------------


def _shared_temp(config: pytest.Config) -> Path:
    """This run's temporary folder that every xdist worker sees (each has its own below it)."""
    base: Path = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_folder(request: pytest.FixtureRequest, name: str, make: Callable[[Path], None]) -> Path:
    """The folder `name`, filled by `make(folder)` once in this test run: the first process
    to ask makes it while any other waits, and then all of them read the same files. For a
    site or packs that several tests read (and must not change), so that running the tests
    on two cores does not build them twice."""
    base = _shared_temp(request.config)
    folder = base / name
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".made").exists():
            shutil.rmtree(folder, ignore_errors=True)  # a make that failed part way
            folder.mkdir()
            make(folder)
            (folder / ".made").touch()
    return folder


# --- the reference site, built once per test run ---------------------------------------------
#
# Building it (with its PDF packs) is the longest single step of the suite, so it starts in
# the background as soon as the tests that need it are collected, while other tests run;
# those tests run last. Under pytest-xdist the workers share one build: the first to claim
# the folder starts it, and every worker waits for the same result.


def _reference_root(config: pytest.Config) -> Path:
    return _shared_temp(config) / "reference"


def _start_reference_build(config: pytest.Config) -> None:
    root = _reference_root(config)
    try:
        root.mkdir()  # atomic: exactly one process claims the build
    except FileExistsError:
        return
    copy_site(root / "project")
    command, env = mkdocs_command("--strict", packs=True)
    # The exit status is written last, and by a rename, so a reader never sees half of it.
    script = '"$@" > ../output.txt 2>&1; echo $? > ../status.tmp; mv ../status.tmp ../status'
    started = subprocess.Popen(
        ["sh", "-c", script, "mkdocs", *command],
        cwd=root / "project",
        env=env,
        start_new_session=True,
    )
    (root / "pid").write_text(str(started.pid), encoding="utf-8")
    config.stash[_STARTED] = started


_STARTED = pytest.StashKey[subprocess.Popen[bytes]]()


def _uses_reference_build(item: pytest.Item) -> bool:
    return "reference_build" in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)  # after `-m` and `-k` have chosen the tests to run
def pytest_collection_finish(session: pytest.Session) -> None:
    if session.config.option.collectonly:
        return
    if any(_uses_reference_build(item) for item in session.items):
        _start_reference_build(session.config)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop a reference build still running when the run is interrupted (Ctrl-C). Otherwise
    wait for it to finish: another xdist worker may still be waiting for it."""
    started = session.config.stash.get(_STARTED, None)
    if started is None:
        return
    if exitstatus == pytest.ExitCode.INTERRUPTED and started.poll() is None:
        os.killpg(started.pid, signal.SIGTERM)
    started.wait(timeout=600)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="session")
def reference_build(request: pytest.FixtureRequest) -> Build:
    """The reference site, built once with --strict and its packs for every test that reads
    it (and shared by the xdist workers)."""
    require_layer("build", "reads the built reference site")
    _start_reference_build(request.config)  # already started unless the run began here
    root = _reference_root(request.config)
    status = root / "status"
    deadline = time.monotonic() + 900  # ~80 PDF packs; these machines are shared
    while not status.exists():
        assert time.monotonic() < deadline, "the reference build took more than 15 minutes"
        pid = root / "pid"
        stopped = pid.exists() and not _alive(int(pid.read_text(encoding="utf-8") or 0))
        assert status.exists() or not stopped, "the reference build was stopped"
        time.sleep(0.2)
    output = (root / "output.txt").read_text(encoding="utf-8")
    build = Build(root / "project", int(status.read_text(encoding="utf-8")), output)
    assert build.returncode == 0, build.output
    return build


# --- the search index -------------------------------------------------------------------------


def search_index(build: Build) -> list[dict[str, str]]:
    docs = json.loads((build.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return docs["docs"]  # type: ignore[no-any-return]


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]{5,}", text.lower()))


def aim_words(build: Build) -> list[tuple[str, str, str]]:
    """(module id, activity id, word) for each activity whose aim has a word that the site's
    search index holds in that activity's section and nowhere else."""
    entries = [
        (e["location"], words(f"{e['title']} {e.get('keywords', '')} {e['text']}"))
        for e in search_index(build)
    ]
    found = []
    files, _, _ = load_folder(ROOT / "modules")
    for module_file in files:
        for activity in module_file.module.activities:
            here = f"modules/{module_file.module.id}.html#{activity.id}"
            elsewhere = set().union(*(w for location, w in entries if location != here))
            # Search stems words ("rewriting" finds "rewrite"): compare their beginnings.
            stems = {w[:5] for w in elsewhere}
            own = sorted(w for w in words(activity.aim) - elsewhere if w[:5] not in stems)
            if own:
                found.append((module_file.module.id, activity.id, own[0]))
    return found
