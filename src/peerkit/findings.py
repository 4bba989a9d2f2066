"""Findings: what validation says about a file, and the one way they are printed."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    error = "error"
    warning = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in one file, at the line a person should look at."""

    path: Path
    line: int
    message: str
    severity: Severity = Severity.error

    def location(self, root: Path | None = None) -> str:
        return f"{one_line(display_path(self.path, root))}:{self.line}"

    def format(self, root: Path | None = None) -> str:
        """`path:line: message` on one line, with `warning: ` first for warnings."""
        prefix = "warning: " if self.severity is Severity.warning else ""
        return f"{self.location(root)}: {prefix}{one_line(self.message)}"

    def github_annotation(self, root: Path | None = None) -> str:
        """A GitHub Actions workflow command, so CI shows the finding on the line itself."""
        message = one_line(self.message).replace("%", "%25")
        path = one_line(display_path(self.path, root)).replace("%", "%25")
        path = path.replace(",", "%2C").replace(":", "%3A")
        return f"::{self.severity.value} file={path},line={self.line}::{message}"


_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)


def one_line(text: str) -> str:
    """`text` with control characters (and direction overrides and noncharacters) shown as
    escapes: a value quoted in a message can never start a new line of the report, forge a
    CI command, drive the terminal (ESC) or make the line read differently."""
    return _CONTROL.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


def display_path(path: Path, root: Path | None = None) -> str:
    """`path` relative to `root` (default: the working directory) where it lies inside it."""
    # The path as given first (a link is named by its own name, not by where it leads).
    for base, full in (
        (Path(os.path.abspath(root or Path.cwd())), Path(os.path.abspath(path))),
        ((root or Path.cwd()).resolve(), path.resolve()),
    ):
        try:
            return full.relative_to(base).as_posix()
        except ValueError:
            continue
    base, full = Path(os.path.abspath(root or Path.cwd())), Path(os.path.abspath(path))
    return os.path.relpath(full, base) if full.anchor == base.anchor else str(path)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when one of `choices` is close to `word`, else nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.error]


def summary(findings: list[Finding], files_checked: int, what: str = "module file") -> str:
    """One closing line, e.g. `2 errors in 1 of 8 module files`."""
    errs = errors(findings)
    warns = len(findings) - len(errs)
    if not findings:
        return f"No problems in {files_checked} {what}{'s' if files_checked != 1 else ''}."
    bad_files = len({f.path for f in findings})
    parts = []
    if errs:
        parts.append(f"{len(errs)} error{'s' if len(errs) != 1 else ''}")
    if warns:
        parts.append(f"{warns} warning{'s' if warns != 1 else ''}")
    return f"{' and '.join(parts)} in {bad_files} of {files_checked} {what}s."
