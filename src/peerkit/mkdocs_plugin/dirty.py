"""`serve --dirty` that keeps the site right: MkDocs' `--dirty` writes again only the pages
whose source changed, which leaves every other page's navigation, the home page and the
site's name as they were, keeps a removed module's page, and (Material) lists a page's
search entries twice when more than one page changed.

peerkit keeps the quick path for what most edits are, a module's text: while the site's
shape is the same (mkdocs.yml, the pages in docs/ and overrides/, the session plans, and
each module's id, title and themes, in order), only the pages that changed are written.
When the shape changes, the rebuild is a clean one, as without `--dirty`: the site folder
is emptied first and Material's search starts again. When a module's front-matter changes,
the pages in docs/ that call peerkit's macros (the home page's module cards) are built
again too."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.utils import clean_directory

from peerkit.incremental import digest
from peerkit.mkdocs_plugin.log import log
from peerkit.mkdocs_plugin.search import search_plugin

if TYPE_CHECKING:
    from peerkit.mkdocs_plugin.plugin import PeerkitPlugin


def _stamps(folder: Path) -> list[tuple[str, int, int]]:
    """Each file under `folder`: its path, time and size."""
    found = []
    for top, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(top, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            found.append((path, stat.st_mtime_ns, stat.st_size))
    return sorted(found)


def site_shape(plugin: PeerkitPlugin, config: MkDocsConfig) -> str:
    """What every page shows besides its own content: mkdocs.yml, the pages and files of
    docs/ and overrides/ (their titles reach every page's navigation), the session plans,
    and each module's id, title and themes (the navigation and its groups), in order."""
    assert plugin.curriculum is not None
    config_file = Path(config.config_file_path or "mkdocs.yml")
    folders = [Path(config.docs_dir)]
    if config.theme.custom_dir:
        folders.append(Path(config.theme.custom_dir))
    return digest(
        config_file.read_text(encoding="utf-8") if config_file.is_file() else "",
        repr([_stamps(folder) for folder in folders]),
        repr([(plan.id, plan.plan.model_dump_json()) for plan in plugin.plans]),
        repr([(m.id, m.title, m.themes) for m in plugin.curriculum.modules]),
    )


def keep_site_right(plugin: PeerkitPlugin, config: MkDocsConfig, files: Files) -> None:
    """Under `serve --dirty`, before peerkit decides which of its pages are unchanged: when
    the site's shape changed since the last build, empty the site folder (every page is
    then written again) and let Material's search forget its earlier index."""
    shape = site_shape(plugin, config)
    if shape == plugin.site_shape:
        if plugin.cache.fronts != plugin.site_fronts:
            # A module's front-matter reaches pages in docs/ through the macros
            # (module_cards…): those pages are built again.
            plugin.site_fronts = plugin.cache.fronts
            for file in files.documentation_pages():
                if file.generated_by is None and _uses_macros(file.content_string):
                    setattr(file, "is_modified", lambda: True)  # noqa: B010
        return
    plugin.site_fronts = plugin.cache.fronts
    if plugin.site_shape is not None:
        log.info("the site's navigation, settings or pages changed: every page is built again")
    plugin.site_shape = shape
    if os.path.isdir(config.site_dir):
        clean_directory(config.site_dir)
    search = _material_search(config)
    if search is not None:
        search.search_index_prev = None


def _uses_macros(markdown: str) -> bool:
    return "{{" in markdown or "{%" in markdown


def _material_search(config: MkDocsConfig) -> Any:
    search = search_plugin(config)
    return search if hasattr(search, "search_index_prev") else None


def forget_rebuilt_entries(config: MkDocsConfig) -> None:
    """Before Material's search writes its index under `--dirty`: it keeps the entries of
    the earlier build and drops those of one changed page only (it expects one), so every
    other page built again would be listed twice. Drop the earlier entries of each page
    that has new ones."""
    search = _material_search(config)
    prev = getattr(search, "search_index_prev", None)
    entries = getattr(getattr(search, "search_index", None), "entries", None)
    if prev is None or not entries or not isinstance(getattr(prev, "entries", None), list):
        return
    rebuilt = {str(entry.get("location", "")).partition("#")[0] for entry in entries}
    prev.entries = [
        entry
        for entry in prev.entries
        if str(entry.get("location", "")).partition("#")[0] not in rebuilt
    ]
