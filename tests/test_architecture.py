"""peerkit's core must not depend on MkDocs: MkDocs is one renderer among possible others."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "peerkit",
    "peerkit.model",
    "peerkit.safeyaml",
    "peerkit.load",
    "peerkit.checks",
    "peerkit.findings",
    "peerkit.render",
    "peerkit.render.text",
    "peerkit.render.sanitize",
    "peerkit.curriculum",
    "peerkit.schema",
    "peerkit.cli",
]


def test_core_imports_nothing_from_mkdocs() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}: importlib.import_module(name)\n"
        "roots = {'mkdocs', 'material', 'mkdocs_macros'}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in roots)\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""


def test_the_plugin_is_registered_as_an_entry_point() -> None:
    from importlib.metadata import entry_points

    (plugin,) = [e for e in entry_points(group="mkdocs.plugins") if e.name == "peerkit"]
    assert plugin.value == "peerkit.mkdocs_plugin.plugin:PeerkitPlugin"
