"""Weigh what facilitators search for: module front-matter above body text in Material's index.

Material's search (lunr) scores each section by its fields: `title` (boost 1000), `text` (1)
and `tags` (a million). peerkit adds a `keywords` field that holds, for a module's first
section, its summary, and for each activity's section, its aim. Themes and values are the
page's tags. Material writes every field of a result into the page as HTML (its title and
text arrive escaped), so these are escaped too: `<`, `>` and `&` only, which leaves quotes and
apostrophes searchable.
"""

from __future__ import annotations

from html import escape
from typing import Any

from peerkit.model import Module

KEYWORDS_BOOST = 10.0
"""How much more a word in a summary or an aim counts than the same word in body text."""


def tags_of(module: Module) -> list[str]:
    """A module's themes, then its values (a value already among the themes is left out)."""
    tags = list(module.themes)
    seen = {t.casefold() for t in tags}
    tags += [v.value.capitalize() for v in module.values if v.value.casefold() not in seen]
    return tags


def weigh(index: dict[str, Any], pages: dict[str, Module]) -> dict[str, Any]:
    """`index` is Material's search_index.json; `pages` maps each module page's URL (as the
    index writes locations) to its module."""
    fields = index.setdefault("config", {}).setdefault("fields", {})
    fields.setdefault("keywords", {"boost": KEYWORDS_BOOST})
    keywords: dict[str, str] = {}
    for url, module in pages.items():
        keywords[url] = _text(module.summary)
        for activity in module.activities:
            keywords[f"{url}#{activity.id}"] = _text(activity.aim)
    for doc in index.get("docs", []):
        location = doc.get("location", "")
        owner = pages.get(location.partition("#")[0])
        if owner is None:
            continue
        doc["tags"] = [_text(tag) for tag in tags_of(owner)]
        if location in keywords:
            doc["keywords"] = keywords[location]
    return index


def _text(text: str) -> str:
    return escape(" ".join(text.split()), quote=False)
