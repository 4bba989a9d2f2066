"""Settings in a site's `mkdocs.yml` that would make its pages fetch from another site.

A peerkit site makes no requests to any other site (its privacy statement says so). The build
scans every finished page for addresses elsewhere, but some settings reach other sites only
from the theme's JavaScript (`repo_url` makes every page ask GitHub's API for the repository's
stars), and `peerkit check` never builds pages. `config_findings` reads the settings
themselves, each refusal at its line, and both `peerkit check` and the build use it.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from peerkit.findings import Finding
from peerkit.site import compose_config

_ELSEWHERE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
_PROMISE = "so the privacy statement would not be true"


def _entry(node: yaml.Node | None, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return key_node, value
    return None


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar(node: yaml.Node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def repo_api_host(repo_url: str) -> str | None:
    """The host the theme's script asks for a repository's facts, as Material 9 decides it."""
    if re.match(r"^.+github\.com/([^/]+)/?([^/]+)?", repo_url, re.I):
        return "api.github.com"
    gitlab = re.match(r"^.+?([^/]*gitlab[^/]+)/(.+?)/?$", repo_url, re.I)
    return gitlab[1] if gitlab else None


def config_findings(config_file: Path) -> list[Finding]:
    """What in `config_file` would fetch from another site, each at its line."""
    try:
        root = compose_config(config_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []  # reported by whatever reads the settings
    found: list[Finding] = []

    def refuse(node: yaml.Node, message: str) -> None:
        found.append(Finding(config_file, _line(node), message))

    for key in ("extra_css", "extra_javascript"):
        entry = _entry(root, key)
        items = entry[1].value if entry and isinstance(entry[1], yaml.SequenceNode) else []
        for item in items:
            path = _entry(item, "path")
            address = _scalar(path[1] if path else item)
            if address and _ELSEWHERE.match(address):
                refuse(
                    item,
                    f"{key}: {address} is loaded from another site, {_PROMISE}: copy the file "
                    "into docs/ and list its path there",
                )
    theme = _entry(root, "theme")
    for key in ("logo", "favicon"):
        entry = _entry(theme[1] if theme else None, key)
        address = _scalar(entry[1]) if entry else None
        if entry and address and _ELSEWHERE.match(address):
            refuse(
                entry[1],
                f"theme.{key}: {address} is loaded from another site, {_PROMISE}: copy the "
                "file into docs/ and give its path there",
            )
    if theme is not None:
        font = _entry(theme[1], "font")
        if font is None or _scalar(font[1]) not in ("false", "False", "FALSE"):
            refuse(
                font[0] if font else theme[0],
                f"theme.font: every page would load Google Fonts from fonts.googleapis.com, "
                f"{_PROMISE}: set `font: false` under theme (pages then use the reader's own "
                "fonts)",
            )
    extra = _entry(root, "extra")
    analytics = _entry(extra[1] if extra else None, "analytics")
    if analytics is not None and _scalar(analytics[1]) not in ("", "null", "~", "false"):
        refuse(
            analytics[0],
            f"extra.analytics: every visit would be reported to another site, {_PROMISE}: "
            "remove it",
        )
    repo = _entry(root, "repo_url")
    host = repo_api_host(_scalar(repo[1]) or "") if repo else None
    if repo is not None and host is not None:
        refuse(
            repo[0],
            f"repo_url: every page would ask {host} for the repository's stars and forks, "
            f"{_PROMISE}: remove repo_url, and link to the repository from a page instead",
        )
    return found
