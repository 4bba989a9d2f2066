"""Install the npm packages pinned in package-lock.json into node_modules/, without Node.

The site serves a few browser files itself (never from a CDN). This does what `npm ci` does
for packages with no install scripts: download each locked tarball from the registry, refuse
it unless its sha512 matches the lock file, and unpack it. Packages already at the locked
version are left alone.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path


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
        with urllib.request.urlopen(package["resolved"], timeout=60) as response:
            data = response.read()
        algorithm, _, expected = package["integrity"].partition("-")
        digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
        if digest != expected:
            raise SystemExit(f"{package['resolved']}: {algorithm} does not match package-lock.json")
        shutil.rmtree(dest, ignore_errors=True)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            members = [m for m in tar.getmembers() if m.name.startswith("package/")]
            for member in members:
                member.name = member.name.removeprefix("package/")
            tar.extractall(dest, members=members, filter="data")
        installed.append(f"{where.removeprefix('node_modules/')}@{package['version']}")
    return installed


if __name__ == "__main__":
    done = install(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
    if done:
        print("Installed " + ", ".join(done))
