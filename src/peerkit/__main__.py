"""`python -m peerkit`: the same as the `peerkit` command."""

from peerkit.launch import main

main()
