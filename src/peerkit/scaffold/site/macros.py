"""Gives the pages in docs/ peerkit's macros, such as {{ module_cards() }} and {{ contact() }}.

Module pages never pass through here: peerkit renders them in its own sandbox.
"""

from typing import Any

from peerkit.mkdocs_plugin.macros import register


def define_env(env: Any) -> None:
    register(env)
