"""`peerkit upgrade VERSION`: move a site made by `peerkit new` to another peerkit version.

The site's `requirements.txt` names where peerkit comes from (an index pin, a git address or a
folder) and pins everything else with hashes. An upgrade rewrites the peerkit line for the new
version, installs it into the site's own venv with uv (rebuilding peerkit even if a build of
the same version is cached), writes every other pin again from what the new version installed
(so changed dependencies install cleanly), syncs the venv to the file, and reports which
reference modules changed. The PDF packs' cache keys by the packs' HTML and peerkit's
rendering code, so the next build re-renders only the packs that changed.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from packaging.version import InvalidVersion, Version

from peerkit.reference import reference_paths


class UpgradeError(Exception):
    """Why an upgrade cannot go ahead, in one line."""


_PEERKIT_LINE = re.compile(r"^peerkit\b.*$", re.M)
# The new version's locked versions (one per package) as uv constraints, run in the site's venv.
_LOCKED = (
    "from peerkit.lockfile import locked_hashes\n"
    "for name, versions in sorted(locked_hashes().items()):\n"
    "    if len(versions) == 1: print(f'{name}=={next(iter(versions))}')\n"
)
_GIT_REF = re.compile(r"^(peerkit @ git\+\S+?)(@[^@/\s]+)?$")


def reference_summary() -> dict[str, dict[str, Any]]:
    """Each reference module of this peerkit: its version, activity ids and words."""
    found: dict[str, dict[str, Any]] = {}
    for module_id, path in sorted(reference_paths().items()):
        text = path.read_text(encoding="utf-8")
        parts = text.split("\n---", 1) if text.startswith("---") else ["", text]
        front = yaml.safe_load(parts[0].removeprefix("---")) or {}
        activities = front.get("activities") or []
        found[module_id] = {
            "version": str(front.get("version", "")),
            "activities": [str(a.get("id")) for a in activities if isinstance(a, dict)],
            "words": text.split(),
        }
    return found


@dataclass(frozen=True)
class ModuleChange:
    module_id: str
    old_version: str | None
    new_version: str | None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    words: int = 0

    def describe(self) -> str:
        if self.old_version is None:
            return f"{self.module_id}: new in this version ({self.new_version})"
        if self.new_version is None:
            return f"{self.module_id}: no longer in peerkit's reference curriculum"
        parts = [f"{self.module_id}: version {self.old_version} → {self.new_version}"]
        if self.added:
            parts.append("activities added: " + ", ".join(self.added))
        if self.removed:
            parts.append("activities removed: " + ", ".join(self.removed))
        parts.append(f"{self.words} word{'s' if self.words != 1 else ''} changed")
        return "; ".join(parts)


def changes(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]
) -> list[ModuleChange]:
    """The reference modules that differ between two summaries."""
    found = []
    for module_id in sorted(set(before) | set(after)):
        old, new = before.get(module_id), after.get(module_id)
        if old is None or new is None:
            was = None if old is None else str(old["version"])
            now = None if new is None else str(new["version"])
            found.append(ModuleChange(module_id, was, now))  # added or dropped
            continue
        if old == new:
            continue
        matcher = difflib.SequenceMatcher(None, old["words"], new["words"], autojunk=False)
        words = sum(
            max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
        )
        found.append(
            ModuleChange(
                module_id,
                old["version"],
                new["version"],
                tuple(a for a in new["activities"] if a not in old["activities"]),
                tuple(a for a in old["activities"] if a not in new["activities"]),
                words,
            )
        )
    return found


def peerkit_line(requirements: str) -> str:
    found = _PEERKIT_LINE.search(requirements)
    if found is None:
        raise UpgradeError("requirements.txt has no line for peerkit: is this a peerkit site?")
    return found.group(0).split(" \\")[0].strip()


def new_line(current: str, version: str | None, source: str | None) -> str:
    """The peerkit line of requirements.txt for `version` (or `source`, a full location)."""
    if source:
        return source if source.startswith("peerkit") else f"peerkit @ {source}"
    if version is None:
        return current  # the same version again, rebuilt
    try:
        Version(version)
    except InvalidVersion:
        raise UpgradeError(
            f"'{version}' is not a version number: give one like 0.2.0 (see peerkit's tags)"
        ) from None
    if current.startswith("peerkit==") or current == "peerkit":
        return f"peerkit=={version}"
    git = _GIT_REF.match(current)
    if git:
        return f"{git.group(1)}@v{version}"
    raise UpgradeError(
        "this site installs peerkit from a folder, which has no versions: give the new "
        "version's folder or git address with --from"
    )


def check_tag(line: str, version: str | None) -> None:
    """Refuse, in one line, a version that is not a tag of the site's git source."""
    git = _GIT_REF.match(line)
    if not git or version is None:
        return
    url = git.group(1).removeprefix("peerkit @ git+")
    listed = subprocess.run(
        ["git", "ls-remote", "--tags", url], capture_output=True, text=True, check=False
    )
    if listed.returncode != 0:
        raise UpgradeError(f"cannot list peerkit's versions at {url}: {listed.stderr.strip()}")
    tags = sorted({r.rsplit("/", 1)[-1].removesuffix("^{}") for r in listed.stdout.split()[1::2]})
    if f"v{version}" not in tags:
        raise UpgradeError(
            f"peerkit {version} is not a version at {url} (it has {', '.join(tags) or 'none'})"
        )


def _run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    if done.returncode != 0:
        last = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        raise UpgradeError(
            f"{Path(command[0]).name} {command[1]} failed: " + (last[-1] if last else "")
        )
    return done


@dataclass
class Upgrade:
    old: str
    new: str
    old_version: str
    new_version: str
    modules: list[ModuleChange]


def upgrade(
    site: Path, version: str | None, source: str | None = None, python: Path | None = None
) -> Upgrade:
    """Install peerkit `version` (or from `source`) into the site's venv, rewrite its
    requirements.txt, and say which reference modules changed."""
    requirements = site / "requirements.txt"
    if not requirements.is_file():
        raise UpgradeError(f"{requirements} is missing: run this in a site made by peerkit new")
    python = python or site / ".venv" / "bin" / "python"
    if not python.is_file():
        raise UpgradeError(f"{python} is missing: run `make setup` first")
    uv = python.parent / "uv"
    if not uv.is_file():
        raise UpgradeError(f"{uv} is missing: run `make setup` first")
    text = requirements.read_text(encoding="utf-8")
    old = peerkit_line(text)
    line = new_line(old, version, source)
    check_tag(line, version if not source else None)
    summary = "from peerkit.upgrade import state; state()"
    before = json.loads(_run([str(python), "-c", summary]).stdout)

    env = {**os.environ, "VIRTUAL_ENV": str(python.parent.parent)}
    uv_pip = [str(uv), "pip", "install", "--quiet", "--python", str(python)]
    scratch = site / ".venv"
    just_peerkit = scratch / "peerkit.txt"
    just_peerkit.write_text(line + "\n", encoding="utf-8")
    # The new peerkit's code first, rebuilt even if uv holds a build of the same version...
    _run(
        [*uv_pip, "--no-deps", "--reinstall-package", "peerkit", "--refresh-package", "peerkit",
         "-r", str(just_peerkit)],
        env=env,
    )  # fmt: skip
    # ...then its dependencies, resolved afresh (they may have changed) but held to the
    # versions the new version's lock records, so each has hashes to pin.
    constraints = scratch / "locked.txt"
    constraints.write_text(_run([str(python), "-c", _LOCKED]).stdout, encoding="utf-8")
    _run([*uv_pip, "-c", str(constraints), "-r", str(just_peerkit)], env=env)
    pins = _run(
        [str(python), "-c",
         "import sys; from peerkit.scaffold import requirements; "
         "sys.stdout.write(requirements(sys.argv[1]))", line],
    ).stdout  # fmt: skip
    requirements.write_text(pins, encoding="utf-8")
    # As `make setup` installs: every package but peerkit with its hashes required, then
    # peerkit with no dependencies of its own; then the packages only the old version needed go.
    hashed = scratch / "hashed.txt"
    hashed.write_text(_PEERKIT_LINE.sub("", pins), encoding="utf-8")
    _run([*uv_pip, "--require-hashes", "-r", str(hashed)], env=env)
    _run([*uv_pip, "--no-deps", "-r", str(just_peerkit)], env=env)
    gone = sorted(_pinned(text) - _pinned(pins))
    if gone:
        _run([str(uv), "pip", "uninstall", "--quiet", "--python", str(python), *gone], env=env)
    (site / ".venv" / ".installed").touch()
    after = json.loads(_run([str(python), "-c", summary]).stdout)
    return Upgrade(
        old,
        line,
        before["peerkit"],
        after["peerkit"],
        changes(before["reference"], after["reference"]),
    )


def _pinned(requirements: str) -> set[str]:
    """The names pinned with == in a requirements file (peerkit's own line aside)."""
    return set(re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", requirements, re.M)) - {"peerkit"}


def state() -> None:
    """Print this install's peerkit version and reference summary as JSON (for `upgrade`)."""
    from importlib.metadata import version

    json.dump({"peerkit": version("peerkit"), "reference": reference_summary()}, sys.stdout)
