"""Weigh what facilitators search for: module front-matter above body text in Material's index.

Material's search (lunr) scores each section by its fields: `title` (boost 1000), `text` (1)
and `tags` (a million). peerkit adds a `keywords` field that holds, for a module's first
section, its summary, and for each activity's section, its aim. Themes and values are the
page's tags. Material writes every field of a result into the page as HTML (its title and
text arrive escaped), so these are escaped too: `<`, `>` and `&` only, which leaves quotes and
apostrophes searchable.

Words are found the way people type them: English stemming ("share" finds "sharing"), a
separator that splits on punctuation (so a word in quotes or brackets is still a word), and
the site's synonyms (`synonyms:` under the peerkit plugin), written as a `synonyms` field into
every section that holds one of a group's terms. The browser's search reads all of this from
the index's `config`, and peerkit's worker (`search-worker.js`) ranks pages that hold every
word of the query above pages that match one word in a heading.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from peerkit.model import Module
from peerkit.searchindex import DEFAULT_BUDGET, compact, one_line, text_used

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

KEYWORDS_BOOST = 10.0
"""How much more a word in a summary or an aim counts than the same word in body text."""

SYNONYMS_BOOST = 2.0
"""A synonym counts a little more than one mention in body text, far less than a heading."""

SEPARATOR = (
    r"[\s\-_,:;!?=\[\](){}<>\"/\\|.#"
    # curly double quotes, an opening single quote, guillemets, ellipsis, bullets, dashes
    r"\u201c\u201d\u2018\u00ab\u00bb\u2026\u00b7\u2022\u2013\u2014]+"
    r"|&(?:[lg]t|quot|amp|#39);"
)
"""What splits text into words: white space and punctuation (quotes, brackets, dashes,
slashes, full stops), and the entities Material leaves in its text. An apostrophe inside a
word ("don't", with a straight or a curly apostrophe) keeps the word whole, and lunr's query
signs (`*`, `+`, `~`, `^`) keep working."""

PIPELINE = ["stemmer", "stopWordFilter", "trimmer"]
"""lunr's English pipeline: stemming ("sharing" → "share"), common words dropped, and any
punctuation left at a word's ends trimmed."""

# Material's English defaults, which peerkit replaces; a site that chose its own keeps them.
_MATERIAL_SEPARATOR = r"[\s\-]+"
_MATERIAL_PIPELINE = ["stopWordFilter"]


def tags_of(module: Module) -> list[str]:
    """A module's themes, then its values (a value already among the themes is left out),
    each starting with a capital, so that a theme "mutuality" and the value Mutuality are one
    tag with one heading on the tags page."""
    tags: list[str] = []
    seen: set[str] = set()
    for tag in [*module.themes, *(v.label for v in module.values)]:
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag[:1].upper() + tag[1:])
    return tags


def synonym_problems(groups: object) -> list[str]:
    """What is wrong with the `synonyms` setting: a list of groups, each a list of two or more
    words or phrases that mean the same to the people searching."""
    if not isinstance(groups, list):
        return ["synonyms: must be a list of groups, e.g. [[burnout, compassion fatigue]]"]
    problems = []
    for n, group in enumerate(groups, 1):
        if not (
            isinstance(group, list)
            and len(group) >= 2
            and all(isinstance(term, str) and term.strip() for term in group)
        ):
            problems.append(
                f"synonyms: group {n} must be a list of two or more words or phrases, "
                f"e.g. [burnout, compassion fatigue] (found {group!r})"
            )
    return problems


def drop_unused_text(entries: list[dict[str, Any]], url: str, module: Module) -> None:
    """Empty the text of the entries Material's search has just made for a module's page
    (at the end of `entries`, located at `url`) where peerkit's index never reads it
    (`peerkit.searchindex.text_used`): Material's index of a module page is about 50 KB,
    held to the end of the build and written out once before peerkit replaces it."""
    used = text_used(module)
    for entry in reversed(entries):
        page, _, anchor = str(entry.get("location", "")).partition("#")
        if page != url:
            break
        if entry.get("text") and not used(anchor):
            entry["text"] = ""


def weigh(
    index: dict[str, Any],
    pages: dict[str, Module],
    synonyms: list[list[str]] | None = None,
    memo: dict[tuple[str, ...], str] | None = None,
    budget: int | None = DEFAULT_BUDGET,
) -> dict[str, Any]:
    """`index` is Material's search_index.json; `pages` maps each module page's URL (as the
    index writes locations) to its module; `synonyms` are groups of terms that mean the same.
    `memo`, kept between builds while `serve` runs, holds each section's synonyms by its
    text, so that only sections that changed are searched for them again. `budget` is the
    bytes the index aims for (`peerkit.searchindex`; None keeps all text)."""
    config = index.setdefault("config", {})
    if config.get("separator") in (None, _MATERIAL_SEPARATOR):
        config["separator"] = SEPARATOR
    if config.get("pipeline") in (None, _MATERIAL_PIPELINE):
        config["pipeline"] = list(PIPELINE)
    fields = config.setdefault("fields", {})
    fields.setdefault("keywords", {"boost": KEYWORDS_BOOST})
    tags = {url: tags_of(module) for url, module in pages.items()}
    index["docs"] = compact(index.get("docs", []), pages, tags, budget)
    if synonyms:
        fields.setdefault("synonyms", {"boost": SYNONYMS_BOOST})
        tag_boost = fields.get("tags", {}).get("boost", TAG_SYNONYMS_BOOST)
        fields.setdefault("tag_synonyms", {"boost": tag_boost})
        _add_synonyms(index.get("docs", []), synonyms, {} if memo is None else memo)
    return index


TAG_SYNONYMS_BOOST = 1_000_000.0
"""A synonym of a module's tag counts as the tag does (Material's boost for tags)."""


def _add_synonyms(
    docs: list[dict[str, Any]], groups: list[list[str]], memo: dict[tuple[str, ...], str]
) -> None:
    """Each section that holds a term of a group gets the group's other terms: as
    `tag_synonyms` (weighed like tags) when one of its tags holds the term, else as
    `synonyms`."""
    patterns = [
        [(term, _first_word(term), _term_pattern(term)) for term in group] for group in groups
    ]
    groups_key = repr(groups)
    for doc in docs:
        tags = doc.get("tags", [])
        parts = [doc.get("title", ""), doc.get("text", ""), doc.get("keywords", ""), *tags]
        tag_key = (groups_key, "tags", *tags)
        if tag_key not in memo:
            memo[tag_key] = "\x1f".join(_terms_of(" ".join(_plain(t) for t in tags), patterns))
        tagged = [t for t in memo[tag_key].split("\x1f") if t]
        key = (groups_key, *parts)
        if key not in memo:
            found = _terms_of(" ".join(_plain(part) for part in parts), patterns)
            memo[key] = one_line(" ".join(t for t in found if t not in tagged))
        if tagged:
            doc["tag_synonyms"] = one_line(" ".join(tagged))
        if memo[key]:
            doc["synonyms"] = memo[key]


def _terms_of(text: str, groups: list[list[tuple[str, str, re.Pattern[str]]]]) -> list[str]:
    """The terms of each group that holds a term in `text`, less those it holds."""
    folded = text.casefold()
    found: list[str] = []
    for group in groups:
        # A term's first word must be in the text (case folded) for its pattern to match:
        # a quick test that spares most of the searches.
        held = [term for term, first, pattern in group if first in folded and pattern.search(text)]
        if held:
            found += [term for term, _, _ in group if term not in held and term not in found]
    return found


def _first_word(term: str) -> str:
    words = re.findall(r"\w+", term.casefold())
    return words[0] if words else ""


def _term_pattern(term: str) -> re.Pattern[str]:
    """A term's words in order, with any separator between them and any ending on the last
    ("small group" matches "small groups" and "small-group")."""
    words = [re.escape(w) for w in re.findall(r"\w+", term.casefold())]
    return re.compile(r"\b" + r"[\W_]+".join(words) + r"\w*", re.IGNORECASE)


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def search_plugin(config: MkDocsConfig) -> Any:
    """The site's search plugin (Material's, or MkDocs' own), or None."""
    return config.plugins.get("material/search") or config.plugins.get("search")
