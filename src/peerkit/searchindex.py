"""A search index that stays small as a curriculum grows: what facilitators look for, once.

Material's search plugin indexes every section of every page with its whole text and the
page's tags, so a module page costs about 60 KB of index and 1,000 modules 60 MB, which the
browser fetches and indexes before the first result. For module pages peerkit writes the
entries itself, from the curriculum:

1. Always, for every module (what facilitators look for): the module (title, summary, tags,
   outcomes), one entry per activity (title and aim), each heading of the module's own prose
   and each handout's title.
2. Then, as far as the budget allows: the reflection questions (each an entry of its own
   where there is room for that, else text of the section that asks them), the module's
   notes for facilitators, and the text itself: the module's prose, each activity's steps,
   notes, online version and gentler option, and each handout's text, in page order, the
   last one cut at a word.

What every module page repeats is left out: the support list, the running order (the
activities are entries of their own), the Easy Read summary, sources and licence, the
template's fixed sentences, and the tags on every section (the module's entry holds them).

The budget (`search_budget`, kilobytes of index) is shared evenly between the modules after the
other pages have taken their share, so a small site keeps all its text and a site of 1,000
modules keeps about 4 KB a module. Text is HTML-escaped as Material expects (`<`, `>`, `&`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from html import escape
from typing import Any

from peerkit.anchors import prompt_anchors, section_anchors
from peerkit.model import Module

DEFAULT_BUDGET = 4_000_000
"""Bytes of search index a site aims for, other pages included (1,000 modules: 4 KB each),
with room under 5 MB for the synonyms written in afterwards."""

DROPPED_SECTIONS = ("outcomes", "running-order", "handouts", "easy-read", "support", "about")
"""A module page's sections whose text is elsewhere in the index or the same on every page."""

Doc = dict[str, Any]


def size_of(doc: Doc) -> int:
    """Bytes of one entry in the index as peerkit writes it."""
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), default=str)
    return len(text.encode()) + 1


def plain(html: str) -> str:
    """Text without tags, on one line; entities left as they are (Material's text keeps
    them)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _markdown_text(text: str) -> str:
    """Markdown from front-matter as plain, escaped text: links, emphasis and code marks
    removed."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`]{1,3}(?=\S)|(?<=\S)[*_`]{1,3}", "", text)
    return escape(" ".join(text.split()), quote=False)


def _joined(texts: Iterable[str | None]) -> str:
    return " ".join(_markdown_text(t) for t in texts if t)


def one_line(text: str) -> str:
    """Front-matter text as it is, escaped, on one line."""
    return escape(" ".join(text.split()), quote=False)


def cut(text: str, room: int) -> str:
    """`text` (escaped) in at most `room` bytes, cut at a word, with an ellipsis when cut."""
    if len(text.encode()) <= room:
        return text
    if room < 40:
        return ""
    kept = text.encode()[: room - 4].decode(errors="ignore")
    kept = kept.rsplit(" ", 1)[0]
    kept = re.sub(r"&[#\w]*$", "", kept)  # no entity cut in half
    return f"{kept} …"


def module_docs(
    module: Module, url: str, material: list[Doc], tags: list[str], room: int | None
) -> list[Doc]:
    """A module page's entries: `material` is what Material's search made of the page (for
    the headings and text of the module's own prose), `room` the bytes this module may take
    (None: no limit). Each reflection question is an entry of its own (search lands on it)
    where there is room, or else text in the entry of the activity or section that asks it,
    as far as there is room."""
    docs, extra = _entries(module, url, material, tags, separate=True)
    if room is not None and sum(size_of(d) for d in docs) > room:
        docs, extra = _entries(module, url, material, tags, separate=False)
    left = None if room is None else room - sum(size_of(d) for d in docs)
    for doc, text in extra:
        if not text:
            continue
        joined = f"{doc['text']} {text}".strip()
        if left is None:
            doc["text"] = joined
            continue
        grown = cut(joined, len(doc["text"].encode()) + max(left, 0))
        left -= len(grown.encode()) - len(doc["text"].encode())
        doc["text"] = grown
        if left <= 0:
            break
    return docs


def _entries(
    module: Module, url: str, material: list[Doc], tags: list[str], *, separate: bool
) -> tuple[list[Doc], list[tuple[Doc, str]]]:
    """The entries every module has, and (entry, the text it gets if there is room)."""
    anchors = section_anchors(module)
    dropped = {anchors[name] for name in DROPPED_SECTIONS if name in anchors}
    activities = {a.id: a for a in module.activities}
    handouts = {f"handout-{h.id}": h for h in module.handouts}
    owners = [(anchors.get("reflection", ""), module.id, module.reflection)]
    owners += [(a.id, a.id, a.reflection) for a in module.activities]
    asked = {section: prompt_anchors(owner, owned) for section, owner, owned in owners}
    questions = {anchor: prompt for pairs in asked.values() for anchor, prompt in pairs}
    boost = next((d["boost"] for d in material if "boost" in d), None)

    def entry(anchor: str, title: str, text: str = "", keywords: str = "") -> Doc:
        doc: Doc = {"location": f"{url}#{anchor}" if anchor else url, "title": title}
        doc["text"] = text
        if keywords:
            doc["keywords"] = keywords
        if boost is not None:
            doc["boost"] = boost
        return doc

    questions_first: list[tuple[Doc, str]] = []  # without entries of their own: short, asked

    def with_questions(doc: Doc, section: str) -> Doc:
        if not separate and asked.get(section):
            questions_first.append((doc, _joined(p.text for _, p in asked[section])))
        return doc

    first = entry(
        "", escape(module.title, quote=False), _joined(module.outcomes), one_line(module.summary)
    )
    first["tags"] = [escape(tag, quote=False) for tag in tags]
    docs: list[Doc] = [first]
    # After the questions: the module's notes for facilitators, then in the order of the page.
    extra: list[tuple[Doc, str]] = [(first, _joined([module.facilitator_notes]))]
    for doc in material:
        anchor = doc.get("location", "").partition("#")[2]
        title = doc.get("title", "")
        if not anchor or anchor in dropped:
            continue
        if anchor in questions:
            if separate:
                docs.append(entry(anchor, title))
            continue
        if anchor in activities:
            activity = activities[anchor]
            new = with_questions(entry(anchor, title, "", one_line(activity.aim)), anchor)
            more = [*activity.steps, activity.facilitator_notes]
            more += [activity.online_variation, activity.alternative]
            extra.append((new, _joined(more)))
        elif anchor in handouts:
            new = entry(anchor, title)
            extra.append((new, _joined([handouts[anchor].body])))
        elif anchor == anchors.get("reflection"):
            new = with_questions(entry(anchor, title), anchor)
        else:  # a heading of the module's own prose
            new = entry(anchor, title)
            extra.append((new, plain(doc.get("text", ""))))
        docs.append(new)
    return docs, questions_first + extra


def text_used(module: Module) -> Callable[[str], bool]:
    """Whether `module_docs` reads the text of Material's entry for the section at an anchor
    of the module's page: only a heading of the module's own prose. The rest of the page's
    text in Material's index (activities, handouts, questions, the support list…) is never
    read, so a build can let it go as soon as the page is indexed."""
    anchors = section_anchors(module)
    unused = {anchors[name] for name in DROPPED_SECTIONS if name in anchors}
    unused |= {a.id for a in module.activities} | {f"handout-{h.id}" for h in module.handouts}
    owners = [(anchors.get("reflection", ""), module.id, module.reflection)]
    owners += [(a.id, a.id, a.reflection) for a in module.activities]
    unused |= {anchor for _, owner, owned in owners for anchor, _ in prompt_anchors(owner, owned)}
    unused.add(anchors.get("reflection", ""))
    return lambda anchor: bool(anchor) and anchor not in unused


def compact(
    docs: list[Doc], pages: dict[str, Module], tags: dict[str, list[str]], budget: int | None
) -> list[Doc]:
    """The index's entries with each module page's replaced by `module_docs`, held to
    `budget` bytes in all where that leaves every module its essentials (None: no budget).
    `pages` maps each module page's URL to its module, `tags` each URL to the page's tags."""
    by_page: dict[str, list[Doc]] = {url: [] for url in pages}
    others: list[Doc] = []
    for doc in docs:
        page = doc.get("location", "").partition("#")[0]
        by_page.get(page, others).append(doc)
    room = None
    if budget is not None and pages:
        room = max(0, budget - sum(size_of(d) for d in others)) // len(pages)
    out: list[Doc] = []
    for doc in docs:  # in the order of the pages
        page = doc.get("location", "").partition("#")[0]
        if page not in pages:
            out.append(dict(doc))  # a copy: synonyms are added to it, and `docs` may be kept
        elif by_page[page] and doc is by_page[page][0]:
            out += module_docs(pages[page], page, by_page[page], tags[page], room)
    return out
