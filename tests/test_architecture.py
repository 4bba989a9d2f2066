"""peerkit's core must not depend on MkDocs: MkDocs is one renderer among possible others."""

from __future__ import annotations

import json
import subprocess
import sys

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
