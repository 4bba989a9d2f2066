"""The `peerkit` command's entry point. `peerkit --version` answers from the installed
package's metadata without importing the rest of peerkit (pydantic, Jinja, the model), so it
takes a few hundredths of a second; every other command goes to `peerkit.cli`."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from importlib.metadata import version

        # The same line click's version option prints.
        print(f"peerkit, version {version('peerkit')}")
        return
    from peerkit.cli import main as cli

    cli()
