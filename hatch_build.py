"""Build hook: the wheel carries the browser files a site serves itself (the iframe-worker
shim for search from file://), so a site installed from the wheel downloads nothing from npm,
and the lock's hashes for a new site's pinned requirements (`peerkit/locked-hashes.json`).

Each package pinned in `peerkit.npm.PINS` is downloaded from the npm registry at build time
(or taken from `.cache/peerkit/npm/`), refused unless its sha512 matches the pin, and put in
the wheel under `peerkit/vendor/<name>/`. Nothing from npm is committed to the repository.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class VendorBuildHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install uses the checkout's node_modules (`make setup`)
        root = Path(self.root)
        # peerkit.npm uses only the standard library: load it without importing peerkit.
        spec = importlib.util.spec_from_file_location("_peerkit_npm", root / "src/peerkit/npm.py")
        assert spec is not None and spec.loader is not None
        npm = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(npm)
        self._temp = Path(tempfile.mkdtemp(prefix="peerkit-vendor-"))
        # The lock's hashes, for the pins in a new site's requirements.txt (peerkit.lockfile).
        spec = importlib.util.spec_from_file_location(
            "_peerkit_lockfile", root / "src/peerkit/lockfile.py"
        )
        assert spec is not None and spec.loader is not None
        lockfile = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(lockfile)
        hashes = lockfile.hashes_from_lock((root / "uv.lock").read_text(encoding="utf-8"))
        (self._temp / "locked-hashes.json").write_text(json.dumps(hashes, sort_keys=True))
        build_data["force_include"][str(self._temp / "locked-hashes.json")] = (
            "peerkit/locked-hashes.json"
        )
        for name, pin in npm.PINS.items():
            data = npm.download(pin, cache=root / ".cache" / "peerkit" / "npm")
            npm.unpack(data, self._temp / name)
            build_data["force_include"][str(self._temp / name)] = f"peerkit/vendor/{name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        temp = getattr(self, "_temp", None)
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
