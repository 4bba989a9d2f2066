"""How the plugin speaks during a build.

`log` is MkDocs' plugin logger (`get_plugin_logger`): its messages start `peerkit: ` and its
warnings fail `mkdocs build --strict`. `findings` prints a finding exactly as `peerkit check`
does (`path:line: message`, no prefix), under the same logger name so strict counts it.
`notice` prints a warning that strict lets through.
"""

from __future__ import annotations

import logging

from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger("peerkit")
findings = logging.getLogger("mkdocs.plugins.peerkit")
_notices = logging.getLogger("peerkit.notices")
"""Warnings a strict build lets through (MkDocs counts only those under `mkdocs.`)."""


def notice(message: str) -> None:
    """Print a warning that does not fail `mkdocs build --strict`."""
    if not _notices.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("WARNING -  %(message)s"))
        _notices.addHandler(handler)
    _notices.warning(message)
