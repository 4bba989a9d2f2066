"""Checks that look across a module or across the whole curriculum.

Each check takes loaded modules and returns findings; none of them prints anything.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from markdown.extensions.toc import slugify

from peerkit.anchors import page_anchors
from peerkit.findings import Finding, did_you_mean
from peerkit.model import ModuleFile
from peerkit.packs.cards import cards_fit
from peerkit.prompt_repeats import prompts_not_repeated
from peerkit.sessions.checks import check_module_breaks

Check = Callable[[list[ModuleFile]], Iterable[Finding]]


RESERVED_MODULE_IDS = {"index"}
"""Ids a module page cannot have: `modules/index/` would replace the section's own page."""

_Use = tuple[str, ModuleFile, int]  # an id, where it is defined, and the line


def _repeats(kind: str, uses: Iterable[_Use]) -> Iterator[Finding]:
    """A finding for each use of an id after its first."""
    first: dict[str, tuple[ModuleFile, int]] = {}
    for item_id, f, line in uses:
        other = first.setdefault(item_id, (f, line))
        if other == (f, line):
            continue
        if kind == "anchor":
            where = (
                f"on line {other[1]}" if other[0] is f else f"in {other[0].path.name}:{other[1]}"
            )
            yield Finding(
                f.path, line, f"the anchor #{item_id} is already used {where}: rename one"
            )
        elif other[0] is f:
            yield Finding(
                f.path, line, f'{kind} id "{item_id}" is used twice (first at line {other[1]})'
            )
        else:
            yield Finding(
                f.path,
                line,
                f"{kind} id '{item_id}' is already used in {other[0].path.name}:{other[1]}: "
                "rename one",
            )


def unique_ids(files: list[ModuleFile]) -> Iterable[Finding]:
    """Module, activity and handout ids name pages, anchors and what session plans use:
    each is unique across the whole curriculum."""
    yield from _repeats("module", ((f.module.id, f, f.line_of("id")) for f in files))
    yield from _repeats(
        "activity",
        (
            (a.id, f, f.line_of("activities", i, "id"))
            for f in files
            for i, a in enumerate(f.module.activities)
        ),
    )
    yield from _repeats(
        "handout",
        (
            (h.id, f, f.line_of("handouts", i, "id"))
            for f in files
            for i, h in enumerate(f.module.handouts)
        ),
    )
    for f in files:
        if f.module.id in RESERVED_MODULE_IDS:
            yield Finding(f.path, f.line_of("id"), f"module id '{f.module.id}' is reserved")


def handouts_resolve(files: list[ModuleFile]) -> Iterable[Finding]:
    for f in files:
        defined = [h.id for h in f.module.handouts]
        for a_index, activity in enumerate(f.module.activities):
            for h_index, handout_id in enumerate(activity.handouts):
                if handout_id not in defined:
                    yield Finding(
                        f.path,
                        f.line_of("activities", a_index, "handouts", h_index),
                        f"activities.{activity.id}.handouts: no handout '{handout_id}' in this "
                        f"module{did_you_mean(handout_id, defined)}",
                    )


# The closing #s and spaces are stripped in Python: a lazy match before `[ \t#]*$` took
# minutes over a heading of many spaces.
_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*)$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_EXPLICIT_ID = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
# Ids written by hand: on an HTML tag, or in an attr_list (`{: #id }`) after a paragraph.
_HTML_ID = re.compile(r"""<[A-Za-z][^>]*?\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_ATTR_LIST_ID = re.compile(r"\{:?[^}]*?#([\w-]+)[^}]*\}")
_NOT_MARKUP = re.compile(r"(`+).*?\1|<!--.*?-->")  # code spans and comments on one line
_SAFE_ID = re.compile(r"^(?!__)[\w-]+$")  # the ids the HTML cleaner keeps


def body_anchors(f: ModuleFile) -> Iterator[tuple[str, int]]:
    """The anchors Markdown's default slugs give the body's headings, with their lines.

    A close reading, not Markdown itself: the build checks the finished page as well.
    """
    in_code = False
    previous = ""
    for number, line in enumerate(f.body.splitlines(), start=f.body_line):
        if _FENCE.match(line):
            in_code = not in_code
        atx = None if in_code else _ATX.match(line)
        setext = not in_code and previous.strip() and _SETEXT.match(line)
        text = atx[1].rstrip(" \t#") or None if atx else previous if setext else None
        previous = line
        if not in_code:
            yield from _written_ids(line, number, heading=atx is not None)
        if text is None:
            continue
        # Only the last brace can open attr_list's `{: #id }` at the end of a heading (and
        # searching from each brace was quadratic).
        explicit = _EXPLICIT_ID.match(text, max(text.rfind("{"), 0))
        anchor = explicit[1] if explicit else slugify(_LINK.sub(r"\1", text), "-")
        if anchor:  # Markdown numbers headings that slugify to nothing: _1, _2…
            yield anchor, number - (1 if setext and not atx else 0)


def _written_ids(line: str, number: int, *, heading: bool) -> Iterator[tuple[str, int]]:
    """Ids given by hand on one line of prose (a heading's own `{#id}` is its anchor)."""
    markup = _NOT_MARKUP.sub("", line)
    for match in _HTML_ID.finditer(markup):
        anchor = next(group for group in match.groups() if group is not None)
        if _SAFE_ID.match(anchor):
            yield anchor, number
    if not heading:
        for anchor in _ATTR_LIST_ID.findall(markup):
            yield anchor, number


def anchors_unique(files: list[ModuleFile]) -> Iterable[Finding]:
    """Every anchor on a module page is unique, so each link lands where it says."""
    for f in files:
        # An id used twice already has its own finding (see unique_ids): say it once.
        counts = Counter(a.id for a in f.module.activities)
        counts.update(f"handout-{h.id}" for h in f.module.handouts)
        twice = {anchor for anchor, n in counts.items() if n > 1}
        uses = [(anchor, f, line) for anchor, line in page_anchors(f) if anchor not in twice]
        uses.extend((anchor, f, line) for anchor, line in body_anchors(f))
        yield from _repeats("anchor", sorted(uses, key=lambda use: use[2]))


def prerequisites_resolve(files: list[ModuleFile]) -> Iterable[Finding]:
    known = {f.module.id for f in files}
    for f in files:
        for index, prerequisite in enumerate(f.module.prerequisites):
            line = f.line_of("prerequisites", index)
            if prerequisite == f.module.id:
                yield Finding(f.path, line, f"prerequisites: module '{prerequisite}' lists itself")
            elif prerequisite not in known:
                yield Finding(
                    f.path,
                    line,
                    f"prerequisites: no module with id '{prerequisite}'"
                    f"{did_you_mean(prerequisite, known)}",
                )


def prerequisites_acyclic(files: list[ModuleFile]) -> Iterable[Finding]:
    """Report prerequisite cycles, each at the module in it whose id sorts first.

    A depth-first search visits every module once (linear time); each edge back to a module
    still on the search path closes a cycle.
    """
    by_id = {f.module.id: f for f in files}
    graph = {
        f.module.id: [p for p in f.module.prerequisites if p in by_id and p != f.module.id]
        for f in files
    }
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path: list[str] = [start]
        on_path = {start}
        pending = [iter(graph[start])]
        while pending:
            nxt = next(pending[-1], None)
            if nxt is None:
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                pending.pop()
                continue
            if nxt in on_path:
                cycle = path[path.index(nxt) :]
                first = cycle.index(min(cycle))
                cycle = cycle[first:] + cycle[:first]
                f = by_id[cycle[0]]
                index = f.module.prerequisites.index(cycle[1] if len(cycle) > 1 else cycle[0])
                yield Finding(
                    f.path,
                    f.line_of("prerequisites", index),
                    "prerequisites go round in a circle: " + " → ".join([*cycle, cycle[0]]),
                )
            elif nxt not in done:
                path.append(nxt)
                on_path.add(nxt)
                pending.append(iter(graph[nxt]))


def activities_fit_duration(files: list[ModuleFile]) -> Iterable[Finding]:
    for f in files:
        needed = f.module.activity_minutes()
        if needed.min > f.module.duration.max:
            yield Finding(
                f.path,
                f.line_of("duration"),
                f"duration: the activities take at least {needed.min} minutes, "
                f"but the module lasts at most {f.module.duration.max}",
            )


CHECKS: tuple[Check, ...] = (
    unique_ids,
    handouts_resolve,
    anchors_unique,
    prerequisites_resolve,
    prerequisites_acyclic,
    activities_fit_duration,
    cards_fit,
    check_module_breaks,
    prompts_not_repeated,
)


PER_MODULE: frozenset[Check] = frozenset({anchors_unique, cards_fit, check_module_breaks})
"""Checks that look at each module on its own (and take a while): a build kept by `serve`
runs them only on the modules that changed."""

PerModule = Callable[[str, Check, list[ModuleFile]], list[Finding]]


def run_checks(files: list[ModuleFile], per_module: PerModule | None = None) -> list[Finding]:
    """Every check on `files`; `per_module` runs those in `PER_MODULE` (a `BuildCache`'s)."""
    found: list[Finding] = []
    for check in CHECKS:
        if per_module is not None and check in PER_MODULE:
            found += per_module(check.__name__, check, files)
        else:
            found += check(files)
    return found
