"""The shape of the package: peerkit's core does not depend on MkDocs (MkDocs is one renderer
among possible others), the import graph inside peerkit has no cycle, and the checks do not
reach for the renderer."""

from __future__ import annotations

import ast
import importlib.util
import json
import pkgutil
import subprocess
import sys
from collections.abc import Iterator

import peerkit

# Every module of the package except the MkDocs glue, found by walking the package, so a
# module added later is held to the rule too. (`__main__` runs the command line.)
WALK = """
import importlib, json, pkgutil, sys
import peerkit
roots = {"mkdocs", "material", "mkdocs_macros"}
found = {}
for info in pkgutil.walk_packages(peerkit.__path__, "peerkit."):
    name = info.name
    if name == "peerkit.__main__" or name.startswith("peerkit.mkdocs_plugin"):
        continue
    before = set(sys.modules)
    importlib.import_module(name)
    found[name] = sorted(m for m in set(sys.modules) - before if m.split(".")[0] in roots)
print(json.dumps(found))
"""


def test_core_imports_nothing_from_mkdocs() -> None:
    proc = subprocess.run([sys.executable, "-c", WALK], capture_output=True, text=True, check=True)
    found: dict[str, list[str]] = json.loads(proc.stdout)
    assert {"peerkit.model", "peerkit.load", "peerkit.checks", "peerkit.cli"} <= set(found)
    assert {"peerkit.render", "peerkit.packs", "peerkit.render.sanitize"} <= set(found)
    assert {name: mkdocs for name, mkdocs in found.items() if mkdocs} == {}


def test_the_plugin_is_registered_as_an_entry_point() -> None:
    from importlib.metadata import entry_points

    (plugin,) = [e for e in entry_points(group="mkdocs.plugins") if e.name == "peerkit"]
    assert plugin.value == "peerkit.mkdocs_plugin.plugin:PeerkitPlugin"


# --- the import graph, read from the source of every module --------------------------------

MKDOCS_ROOTS = {"mkdocs", "material", "mkdocs_macros"}
VALIDATION = (
    "peerkit.anchors",
    "peerkit.bodylimits",
    "peerkit.checks",
    "peerkit.load",
    "peerkit.model",
    "peerkit.readability",
    "peerkit.sessions.checks",
    "peerkit.sessions.load",
    "peerkit.sessions.model",
)
"""Modules that load and check: they must not load `peerkit.render` (directly or through
anything they import), so a check never depends on how a page looks. (`peerkit.curriculum`
checks by rendering each page, on purpose, and is not one of them.)"""


def _modules() -> dict[str, ast.Module]:
    """Every module of the package, by name, parsed from its source."""
    names = ["peerkit"] + [m.name for m in pkgutil.walk_packages(peerkit.__path__, "peerkit.")]
    trees = {}
    for name in names:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin is not None, name
        with open(spec.origin, encoding="utf-8") as source:
            trees[name] = ast.parse(source.read(), spec.origin)
    return trees


def _is_type_checking(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _top_level(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports that run when the module is imported: not inside a function, a class or an
    `if TYPE_CHECKING:` block."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and not _is_type_checking(node):
            yield from _top_level(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            yield from _top_level(node.body + node.orelse + node.finalbody)
            for handler in node.handlers:
                yield from _top_level(handler.body)


def _targets(name: str, node: ast.Import | ast.ImportFrom, known: set[str]) -> set[str]:
    """The modules an import statement in module `name` loads (absolute names)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    base = node.module or ""
    if node.level:
        package = name if _is_package(name, known) else name.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    # `from package import submodule` loads the submodule; `from module import name`, the module.
    found = {f"{base}.{alias.name}" for alias in node.names} & known
    return found or {base}


def _is_package(name: str, known: set[str]) -> bool:
    return any(other.startswith(name + ".") for other in known)


def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(module-level imports within peerkit, every import's top-level package anywhere) per
    module. An import of `peerkit.a.b` is an edge to `peerkit.a.b`: Python runs the package
    `peerkit.a` first, but a package's `__init__` importing its own modules is no cycle."""
    trees = _modules()
    known = set(trees)
    edges: dict[str, set[str]] = {}
    roots: dict[str, set[str]] = {}
    for name, tree in trees.items():
        edges[name] = {
            target
            for node in _top_level(tree.body)
            for target in _targets(name, node, known)
            if target in known and target != name
        }
        every = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
        roots[name] = {t.split(".")[0] for n in every for t in _targets(name, n, known)}
    return edges, roots


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle in the graph, as a path that returns to its start, if there is one."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        path.pop()
        return None

    for start in sorted(edges):
        if start not in state and (found := visit(start)):
            return found
    return None


def _loads(name: str, edges: dict[str, set[str]]) -> set[str]:
    """Every peerkit module that importing `name` runs, with the packages each sits in."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        module = todo.pop()
        parts = module.split(".")
        for here in (".".join(parts[:n]) for n in range(1, len(parts) + 1)):
            if here not in seen:
                seen.add(here)
                todo.extend(edges.get(here, ()))
    return seen


GRAPH, ROOTS = import_graph()


def test_the_graph_is_read_from_every_module() -> None:
    # The walk finds the modules of subpackages and what they import.
    assert {"peerkit.render.page", "peerkit.sessions.view", "peerkit.packs.build"} <= set(GRAPH)
    assert "peerkit.sessions.model" in GRAPH["peerkit.sessions.load"]
    assert "peerkit.render.env" in GRAPH["peerkit.packs.build"]
    assert "mkdocs" in ROOTS["peerkit.mkdocs_plugin.plugin"]


def test_the_import_graph_has_no_cycle() -> None:
    assert _cycle(GRAPH) is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycle(graph) == ["a", "b", "c", "a"]


def test_only_the_plugin_imports_mkdocs() -> None:
    importers = {
        name: sorted(roots & MKDOCS_ROOTS)
        for name, roots in ROOTS.items()
        if roots & MKDOCS_ROOTS and not name.startswith("peerkit.mkdocs_plugin")
    }
    assert importers == {}


def test_checks_do_not_load_the_renderer() -> None:
    assert set(VALIDATION) <= set(GRAPH)
    loads = {
        name: sorted(m for m in _loads(name, GRAPH) if m.startswith("peerkit.render"))
        for name in VALIDATION
    }
    assert {name: found for name, found in loads.items() if found} == {}
