"""`python -m peerkit`: the same as the `peerkit` command."""

from peerkit.cli import main

main()
