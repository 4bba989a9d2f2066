"""Weigh what facilitators search for: module front-matter above body text in Material's index.

Material's search (lunr) scores each section by its fields: `title` (boost 1000), `text` (1)
and `tags` (a million). peerkit adds a `keywords` field that holds, for a module's first
section, its summary, and for each activity's section, its aim. Themes and values are the
page's tags, written as plain text here (the page itself shows them escaped).
"""

from __future__ import annotations

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
        keywords[url] = " ".join(module.summary.split())
        for activity in module.activities:
            keywords[f"{url}#{activity.id}"] = " ".join(activity.aim.split())
    for doc in index.get("docs", []):
        location = doc.get("location", "")
        owner = pages.get(location.partition("#")[0])
        if owner is None:
            continue
        doc["tags"] = tags_of(owner)
        if location in keywords:
            doc["keywords"] = keywords[location]
    return index
