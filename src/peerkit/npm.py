"""The browser files a site serves itself, pinned like npm pins them, installed without Node.

A peerkit site serves one file from npm itself (never from a CDN): the iframe-worker shim that
runs search in a folder opened with file://. `PINS` is the pin; `package_lock` writes it as
the `package-lock.json` a site keeps, and `install` does what `npm ci` does for packages with
no install scripts: download each locked tarball from the registry, refuse it unless its
sha512 matches the lock, and unpack it into node_modules/. Packages already at the locked
version are left alone.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import tarfile
import urllib.request
from pathlib import Path
from typing import Any

PINS = {
    "iframe-worker": {
        "version": "1.0.4",
        "resolved": "https://registry.npmjs.org/iframe-worker/-/iframe-worker-1.0.4.tgz",
        "integrity": "sha512-roeaaI+Lg1LJNfgpCjoRe/+WzEjy9+Z08LoEvu85MCPbBjwm+qXz8Ag5U05lHa6V1"
        "CysZyGzE0SOkAtSUA5q7Q==",
        "license": "MIT",
        "engines": {"node": ">= 16"},
    }
}
"""npm packages a site needs in node_modules/, exactly as package-lock.json records them."""

BENCH_TOOLS = {"lighthouse": "12.8.2"}
"""npm tools `make bench` runs (never a site's): exact versions, installed by npm into
`.tools/` on first use. Lighthouse 12 is the last that runs on Node 20."""


def package_json(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "private": True,
        "description": "Browser files the site serves itself. `make setup` installs them "
        "(`peerkit npm-install`, no Node needed; `npm ci` does the same).",
        "license": "UNLICENSED",
        "dependencies": {package: pin["version"] for package, pin in PINS.items()},
    }


def package_lock(name: str) -> dict[str, Any]:
    top = {k: v for k, v in package_json(name).items() if k in ("name", "license", "dependencies")}
    packages: dict[str, Any] = {"": top}
    packages.update({f"node_modules/{package}": pin for package, pin in PINS.items()})
    return {"name": name, "lockfileVersion": 3, "requires": True, "packages": packages}


def install(root: Path) -> list[str]:
    lock = json.loads((root / "package-lock.json").read_text(encoding="utf-8"))
    installed = []
    for where, package in lock["packages"].items():
        if not where.startswith("node_modules/"):
            continue
        dest = root / where
        manifest = dest / "package.json"
        if manifest.is_file():
            current = json.loads(manifest.read_text(encoding="utf-8")).get("version")
            if current == package["version"]:
                continue
        unpack(download(package), dest)
        installed.append(f"{where.removeprefix('node_modules/')}@{package['version']}")
    return installed


def download(package: dict[str, Any], cache: Path | None = None) -> bytes:
    """A locked package's tarball, refused unless its hash matches the lock's `integrity`.
    With `cache`, a tarball kept there is used (and checked) instead of downloading again."""
    kept = cache / Path(package["resolved"]).name if cache else None
    if kept is not None and kept.is_file() and _matches(package, kept.read_bytes()):
        return kept.read_bytes()
    with urllib.request.urlopen(package["resolved"], timeout=60) as response:
        data: bytes = response.read()
    if not _matches(package, data):
        algorithm = package["integrity"].partition("-")[0]
        raise ValueError(f"{package['resolved']}: {algorithm} does not match package-lock.json")
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_bytes(data)
    return data


def _matches(package: dict[str, Any], data: bytes) -> bool:
    algorithm, _, expected = str(package["integrity"]).partition("-")
    return base64.b64encode(hashlib.new(algorithm, data).digest()).decode() == expected


def unpack(data: bytes, dest: Path) -> None:
    """An npm tarball's `package/` folder, unpacked as `dest` (replacing what was there)."""
    shutil.rmtree(dest, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = [m for m in tar.getmembers() if m.name.startswith("package/")]
        for member in members:
            member.name = member.name.removeprefix("package/")
        tar.extractall(dest, members=members, filter="data")


VENDOR = Path(__file__).parent / "vendor"
"""Where a built wheel keeps the pinned npm packages (see hatch_build.py): a site installed
from the wheel needs no download for them."""

SHIM = "iframe-worker/shim/index.js"


def packaged_shim() -> Path | None:
    """The iframe-worker shim that came inside peerkit's wheel (or, in a source checkout, the
    one `make setup` installed beside it), or None."""
    for shim in (VENDOR / SHIM, Path(__file__).parents[2] / "node_modules" / SHIM):
        if shim.is_file():
            return shim
    return None
