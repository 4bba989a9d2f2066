"""Curriculum data to HTML fragments and module pages.

- `env`: the one sandboxed, autoescaping Jinja environment (web and print) and its filters.
- `macros`: what a page may call, and the state of the page they place things on.
- `page`: a module's page, with its slots, and the `Renderer` of one curriculum.
- `body`, `sanitize`, `text`: module bodies, the HTML cleaner, plain and inline text.
"""

from peerkit.render.macros import (
    DOCS_MACRO_NAMES,
    MACRO_NAMES,
    Download,
    Link,
    MacroError,
    default_link,
)
from peerkit.render.page import PageError, RenderedModule, Renderer

__all__ = [
    "DOCS_MACRO_NAMES",
    "MACRO_NAMES",
    "Download",
    "Link",
    "MacroError",
    "PageError",
    "RenderedModule",
    "Renderer",
    "default_link",
]
