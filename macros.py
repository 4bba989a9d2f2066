"""mkdocs-macros entry point for this site's hand-written pages in docs/.

Module pages never pass through mkdocs-macros: peerkit renders them in its own sandbox.
"""

from peerkit.mkdocs_plugin.macros import register


def define_env(env):
    register(env)
