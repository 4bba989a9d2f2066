"""The hashes of every package file in peerkit's lock (uv.lock), for a new site's pins.

A site's `requirements.txt` pins each package peerkit runs on at the version installed here;
with each pin come the sha256 hashes the lock records for that version's files, so the site's
`make setup` (uv, which checks any hash it is given) refuses a file that is not the one peerkit
was tested with. A wheel carries the hashes as `peerkit/locked-hashes.json` (written when it
is built, see hatch_build.py); a source checkout reads `uv.lock` itself.

Standard library only: the wheel's build hook loads this file without peerkit's dependencies.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

PACKAGED = Path(__file__).parent / "locked-hashes.json"
CHECKOUT_LOCK = Path(__file__).resolve().parents[2] / "uv.lock"


def hashes_from_lock(lock_text: str) -> dict[str, dict[str, list[str]]]:
    """{package name: {version: sorted hashes of its sdist and wheels}} from uv.lock's text."""
    found: dict[str, dict[str, list[str]]] = {}
    for package in tomllib.loads(lock_text).get("package", []):
        files = [package.get("sdist") or {}, *(package.get("wheels") or [])]
        hashes = sorted({f["hash"] for f in files if isinstance(f, dict) and "hash" in f})
        if hashes and "version" in package:
            name = str(package["name"]).lower().replace("_", "-")
            found.setdefault(name, {})[str(package["version"])] = hashes
    return found


def locked_hashes() -> dict[str, dict[str, list[str]]]:
    """The lock's hashes from the wheel, or from the checkout's uv.lock, or {} if neither."""
    if PACKAGED.is_file():
        data: dict[str, dict[str, list[str]]] = json.loads(PACKAGED.read_text(encoding="utf-8"))
        return data
    if CHECKOUT_LOCK.is_file():
        return hashes_from_lock(CHECKOUT_LOCK.read_text(encoding="utf-8"))
    return {}
