"""Run mode: a session on a projector, a presenter view beside it, and the same screens as
16:9 slides in the packs.

`screens.py` turns a Session (a module, a module's version or a session plan, as the packs
see it) into screens; `page.py` renders them as a page that runs from any folder (file://)
and as print HTML for WeasyPrint. `assets/` holds the page's script and styles.
"""

from peerkit.runmode.page import (
    ASSETS,
    SCRIPT,
    STYLESHEET,
    run_link,
    run_page,
    run_path,
    slides_html,
)
from peerkit.runmode.screens import Item, Screen, items_of, screens_of

__all__ = [
    "ASSETS",
    "SCRIPT",
    "STYLESHEET",
    "Item",
    "Screen",
    "items_of",
    "run_link",
    "run_page",
    "run_path",
    "screens_of",
    "slides_html",
]
