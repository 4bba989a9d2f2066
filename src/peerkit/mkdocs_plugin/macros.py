"""peerkit's macros for hand-written pages in `docs/`, through mkdocs-macros-plugin.

`macros.py` at the site's root calls `register(env)`. The macros read the curriculum the
peerkit plugin loaded for this build; links are made relative to the page being rendered.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from markupsafe import Markup
from mkdocs.exceptions import PluginError

from peerkit.mkdocs_plugin.plugin import PeerkitPlugin
from peerkit.render import DOCS_MACRO_NAMES, Renderer


def register(env: Any) -> None:
    """Register every peerkit macro with a mkdocs-macros `env`."""
    plugin = env.conf.plugins.get("peerkit")
    if not isinstance(plugin, PeerkitPlugin):
        raise PluginError(
            "macros.py needs the 'peerkit' plugin listed before 'macros' in mkdocs.yml"
        )

    def bind(name: str) -> Callable[..., Markup]:
        @functools.wraps(getattr(Renderer, name))
        def macro(*args: Any, **kwargs: Any) -> Markup:
            renderer = plugin.renderer
            if renderer is None:
                raise PluginError(f"{name}(): the peerkit plugin has not loaded the curriculum")
            downloads = plugin.safety_downloads(env.page.url)
            with renderer.page(None, plugin.link_from(env.page.url), downloads=downloads):
                return getattr(renderer, name)(*args, **kwargs)  # type: ignore[no-any-return]

        return macro

    for name in DOCS_MACRO_NAMES:
        env.macro(bind(name), name)
