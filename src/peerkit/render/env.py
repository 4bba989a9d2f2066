"""The one Jinja environment peerkit renders its own templates in, web and print alike:
sandboxed and autoescaping, so a template (peerkit's, or a site's override) cannot reach
Python and every value is escaped unless a filter marks it safe; an undefined name is an
error, not an empty string.

Module bodies never come here: they render through `peerkit.render.body`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from peerkit.render.text import inline, plain
from peerkit.sessions.crib import first_sentence, say_line

TEMPLATES = Path(__file__).parent / "templates"
"""peerkit's web fragments (a site overrides them from `overrides/peerkit/`)."""


def _tel(number: str) -> str:
    """A phone number as a tel: address: digits and a leading plus only."""
    return re.sub(r"(?!^\+)\D", "", number.strip())


def _web_label(url: str) -> str:
    """An address as people read it aloud: no scheme, no trailing slash."""
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


def _count(number: int) -> str:
    """A count as people read it: 4,625."""
    return f"{number:,}"


FILTERS: dict[str, Callable[..., str | None]] = {
    "count": _count,
    "plain": plain,
    "inline": inline,
    "tel": _tel,
    "web_label": _web_label,
    "say_line": say_line,
    "first_sentence": first_sentence,
}
"""Filters peerkit's templates use, web and print alike."""


def sandbox(template_dirs: Sequence[Path | str]) -> ImmutableSandboxedEnvironment:
    """An environment loading templates from `template_dirs` (first found wins), with the
    shared filters. One per build: templates are not re-read while it lives."""
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    return env


_SHARED: dict[tuple[str, ...], tuple[str, ImmutableSandboxedEnvironment]] = {}


def shared_sandbox(template_dirs: Sequence[Path | str]) -> ImmutableSandboxedEnvironment:
    """`sandbox(template_dirs)`, the same one again while no file in those folders changed:
    while `serve` runs, each rebuild would otherwise compile every template again. For
    callers that add nothing to the environment (the web fragments' `Renderer`)."""
    dirs = tuple(str(d) for d in template_dirs)
    stamp = repr(
        sorted(
            (str(path), path.stat().st_mtime_ns)
            for folder in map(Path, dirs)
            if folder.is_dir()
            for path in folder.rglob("*")
            if path.is_file()
        )
    )
    known = _SHARED.get(dirs)
    if known is None or known[0] != stamp:
        if len(_SHARED) >= 8:
            _SHARED.clear()  # a process building many sites keeps only a few
        known = _SHARED[dirs] = (stamp, sandbox(dirs))
    return known[1]


__all__ = ["FILTERS", "TEMPLATES", "sandbox", "shared_sandbox"]
