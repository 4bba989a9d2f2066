"""The `peerkit` plugin's options in `mkdocs.yml`."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class PeerkitConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off (e.g. to build only the hand-written pages)."""

    modules_dir = c.Type(str, default="modules")
    """The folder of module files, relative to `mkdocs.yml`."""

    pages_path = c.Type(str, default="modules")
    """Where module pages appear in the site: `modules/<id>/`."""

    nav_section = c.Type(str, default="Modules")
    """With an explicit `nav`, module pages fill the section with this title (added if absent)."""
