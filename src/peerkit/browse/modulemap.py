"""The modules' prerequisite graph as an inline SVG drawn at build time, and a list fallback.

A module's layer (row, top to bottom) is the length of its longest chain of prerequisites. A
layer wider than `ACROSS` wraps; an arrow that passes other rows runs down a gap between
columns, so arrows never cross boxes. All front-matter is escaped; output is deterministic.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from peerkit.model import Curriculum, Module, slugify

ACROSS = 3  # the most boxes side by side; a wider layer wraps onto another row
VIEW_WIDTH = 700  # so that in a ~700px column one SVG unit is one CSS pixel
BOX_W, GAP_X, GAP_Y, PAD = 192, 36, 56, 12
TITLE_SIZE, TITLE_LINE, SMALL_SIZE, SMALL_LINE = 16, 20, 14, 18
MAX_TITLE_LINES = 4

THEMES = {  # box colours: text and muted text keep ≥ 4.5:1 contrast against the fill
    "light": {"fill": "#eef2ff", "stroke": "#3949ab", "text": "#1a1f36", "muted": "#3f4660"},
    "dark": {"fill": "#283047", "stroke": "#9fa8da", "text": "#f1f3fb", "muted": "#c9cee0"},
}
_VARS = {t: " ".join(f"--peerkit-map-{k}: {v};" for k, v in c.items()) for t, c in THEMES.items()}

MAP_CSS = f"""\
.peerkit-map {{ {_VARS["light"]} }}
[data-md-color-scheme="slate"] .peerkit-map {{ {_VARS["dark"]} }}
@media (prefers-color-scheme: dark) {{
  body:not([data-md-color-scheme]) .peerkit-map {{ {_VARS["dark"]} }}
}}
.peerkit-map-node rect {{ fill: var(--peerkit-map-fill); stroke: var(--peerkit-map-stroke); }}
.peerkit-map-title {{ fill: var(--peerkit-map-text); }}
.peerkit-map-duration {{ fill: var(--peerkit-map-muted); }}
.peerkit-map-node:hover rect, .peerkit-map-node:focus-visible rect {{ stroke-width: 3.5; }}
.peerkit-map-node:focus-visible {{ outline: 2px solid currentColor; outline-offset: 2px; }}
"""
"""The map's rules, appended to the site stylesheet (the SVG's own attributes are the light
theme, for anywhere the stylesheet is missing)."""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NARROW = set("fijlrtI.,:;'!|()[] ")


@dataclass(frozen=True)
class _Box:
    module: Module
    row: int
    x: float
    y: float
    h: float


@dataclass(frozen=True)
class _Plan:
    boxes: dict[str, _Box]  # in reading order: layer, then row, then column
    before: dict[str, list[str]]  # each module's prerequisites that are in the curriculum
    height: float
    x0: float
    across: int


def _e(text: str) -> str:
    return str(escape(_NOT_XML.sub("", text)))


def _f(*values: float) -> str:
    return " ".join(f"{v:.1f}".rstrip("0").rstrip(".") for v in values)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _width(text: str, size: float) -> float:
    """Roughly how wide `text` is in a sans-serif font: narrow, average, wide or CJK letters."""
    cjk = sum(0.4 for c in text if unicodedata.east_asian_width(c) in "WF")
    return size * (cjk + sum(0.3 if c in _NARROW else 0.78 if c.isupper() else 0.6 for c in text))


def _wrap(text: str, size: float = TITLE_SIZE, room: float = BOX_W - 2 * PAD) -> list[str]:
    """`text` in lines that fit `room`: long words broken, at most `MAX_TITLE_LINES`, with '…'."""
    lines, line = list[str](), ""
    for word in text.split():
        if _width(f"{line} {word}".strip(), size) <= room:
            line = f"{line} {word}".strip()
            continue
        lines += [line] if line else []
        while _width(word, size) > room:
            fits = (n for n in range(len(word) - 1, 0, -1) if _width(word[:n] + "-", size) <= room)
            cut = next(fits, 1)
            lines.append(word[:cut] + "-")
            word = word[cut:]
        line = word
    lines += [line] if line else []
    if len(lines) > MAX_TITLE_LINES:
        last = lines[MAX_TITLE_LINES - 1]
        while last and _width(last + "…", size) > room:
            last = last[:-1]
        lines = [*lines[: MAX_TITLE_LINES - 1], last.rstrip() + "…"]
    return lines


def _plan(modules: list[Module]) -> _Plan:
    by_id = {m.id: m for m in modules}  # (a repeated id is reported by the checks)
    before = {i: [p for p in m.prerequisites if p in by_id and p != i] for i, m in by_id.items()}
    layer, pending = dict[str, int](), list(by_id)
    while pending:  # each pass places at least one module, so a cycle cannot loop forever
        ready = [i for i in pending if all(p in layer for p in before[i])] or pending[:1]
        for i in ready:
            layer[i] = 1 + max((layer[p] for p in before[i] if p in layer), default=-1)
        pending = [i for i in pending if i not in layer]
    across = min(ACROSS, max(Counter(layer.values()).values(), default=1))
    x0 = (VIEW_WIDTH - across * BOX_W - (across - 1) * GAP_X) / 2
    col, boxes, y, row = dict[str, int](), dict[str, _Box](), GAP_Y / 2, 0
    for level in range(max(layer.values(), default=-1) + 1):
        placed = {i: [col[p] for p in before[i] if p in col] for i in by_id if layer[i] == level}
        want = {i: sum(cols) / len(cols) if cols else None for i, cols in placed.items()}
        members = sorted(placed, key=lambda i: -1 if (w := want[i]) is None else w)  # stable
        for start in range(0, len(members), across):
            chunk = members[start : start + across]
            spare = across - len(chunk)
            wants = [(n, w) for n, i in enumerate(chunk) if (w := want[i]) is not None]
            costs = [
                (sum(abs(o + n - w) for n, w in wants), abs(2 * o - spare), o)
                for o in range(spare + 1)
            ]
            offset = min(costs)[2]  # nearest its prerequisites, else centred
            lines = max(len(_wrap(by_id[i].title)) for i in chunk)
            h = 2 * PAD + max(lines, 1) * TITLE_LINE + 4 + SMALL_LINE
            for n, i in enumerate(chunk):
                col[i] = offset + n
                boxes[i] = _Box(by_id[i], row, x0 + col[i] * (BOX_W + GAP_X), y, h)
            y, row = y + h + GAP_Y, row + 1
    return _Plan(boxes, before, y - GAP_Y / 2, x0, across)


def _port(ends: list[str], end: str) -> float:
    """Where along a box's edge, from its centre, the arrow to or from `end` meets it."""
    return (ends.index(end) - (len(ends) - 1) / 2) * min(16.0, (BOX_W - 48) / max(len(ends) - 1, 1))


def _path(plan: _Plan, a: _Box, b: _Box, dx1: float, dx2: float, lane: float) -> str:
    x1, y1 = a.x + BOX_W / 2 + dx1, a.y + a.h
    x2, y2 = b.x + BOX_W / 2 + dx2, b.y
    if b.row == a.row + 1:  # a curve that stays in the gap between the two rows
        m = (y1 + y2) / 2
        return f"M{_f(x1, y1)}C{_f(x1, m, x2, m, x2, y2)}"
    # Otherwise down the gap between columns nearest the middle (in a lane), clear of boxes.
    k = round(((x1 + x2) / 2 - plan.x0 + GAP_X / 2) / (BOX_W + GAP_X))
    cx = plan.x0 - GAP_X / 2 + max(0, min(plan.across, k)) * (BOX_W + GAP_X) + lane
    ya, yb = y1 + GAP_Y / 2, y2 - GAP_Y / 2
    down, into = _f(x1, ya, cx, ya, cx, y1 + GAP_Y), _f(cx, yb, x2, yb, x2, y2)
    return f"M{_f(x1, y1)}C{down}V{_f(y2 - GAP_Y)}C{into}"


def _describe(plan: _Plan) -> str:
    titles = {i: " ".join(b.module.title.split()) for i, b in plan.boxes.items()}
    after = {i: [j for j in plan.boxes if i in plan.before[j]] for i in plan.boxes}
    said = [f"{len(titles)} modules. Each arrow points to a module that comes after another."]
    for i in plan.boxes:
        if after[i]:
            said.append(f"{titles[i]} comes before {_and([titles[j] for j in after[i]])}.")
        elif not plan.before[i]:
            said.append(f"{titles[i]} stands on its own.")
    return " ".join(said)


def module_map_svg(
    curriculum: Curriculum, link: Callable[[str], str], *, id_prefix: str = "peerkit-map"
) -> Markup:
    """An inline SVG of which module comes before which; each box links to `link(module_id)`.

    Boxes have ids `<id_prefix>-<module id>`; the map's own parts `<id_prefix>--title` (and
    `--desc`, `--arrow`), which no slug can clash with. Empty if there are no modules."""
    plan, p = _plan(curriculum.modules), id_prefix
    if not plan.boxes:
        return Markup("")
    light = THEMES["light"]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="peerkit-map" width="100%" '
        f'viewBox="0 0 {VIEW_WIDTH} {_f(plan.height)}" preserveAspectRatio="xMidYMin meet" '
        f'role="group" aria-labelledby="{p}--title" aria-describedby="{p}--desc">',
        f'<title id="{p}--title">Module map: which modules come before which</title>',
        f'<desc id="{p}--desc">{_e(_describe(plan))}</desc>',
        f'<defs><marker id="{p}--arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" orient="auto">'
        '<path d="M0 0L10 5L0 10z" fill="currentColor"/></marker></defs>',
        '<g fill="none" stroke="currentColor" stroke-width="1.5">',
    ]
    edges = [(a, b) for b in plan.boxes for a in plan.before[b]]
    place = {i: (box.x, box.y) for i, box in plan.boxes.items()}
    outs = {i: sorted((b for a, b in edges if a == i), key=place.__getitem__) for i in place}
    ins = {i: sorted(plan.before[i], key=place.__getitem__) for i in place}
    for n, (a, b) in enumerate(edges):
        ends = _port(outs[a], b), _port(ins[b], a)
        d = _path(plan, plan.boxes[a], plan.boxes[b], *ends, lane=(n % 5 - 2) * 3)
        out.append(
            f'<path class="peerkit-map-edge" data-from="{_e(a)}" data-to="{_e(b)}" d="{d}" '
            f'marker-end="url(#{p}--arrow)"/>'
        )
    out.append("</g>")
    for i, box in plan.boxes.items():
        title, cx = box.module.title, _f(box.x + BOX_W / 2)
        lines = _wrap(title)
        top = box.y + PAD + (box.h - 2 * PAD - 4 - SMALL_LINE - len(lines) * TITLE_LINE) / 2
        spans = "".join(
            f'<tspan x="{cx}" y="{_f(top + (n + 1) * TITLE_LINE - 5)}">{_e(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        full = f"<title>{_e(title)}</title>" if " ".join(lines) != " ".join(title.split()) else ""
        slug = slugify(i)
        out.append(
            # A name of its own: the wrapped lines would otherwise be read run together.
            f'<a class="peerkit-map-node" id="{p}-{slug}" href="{_e(link(i))}" '
            f'aria-label="{_e(" ".join(title.split()))}, {_e(str(box.module.duration))} minutes">'
            f"{full}"
            f'<rect x="{_f(box.x)}" y="{_f(box.y)}" width="{BOX_W}" height="{_f(box.h)}" rx="10" '
            f'fill="{light["fill"]}" stroke="{light["stroke"]}" stroke-width="1.5"/>'
            f'<text class="peerkit-map-title" text-anchor="middle" font-size="{TITLE_SIZE}" '
            f'font-weight="600" fill="{light["text"]}">{spans}</text>'
            f'<text class="peerkit-map-duration" text-anchor="middle" font-size="{SMALL_SIZE}" '
            f'fill="{light["muted"]}" x="{cx}" y="{_f(box.y + box.h - PAD - 4)}">'
            f"{_e(str(box.module.duration))} min</text></a>"
        )
    out.append("</svg>")
    return Markup("\n".join(out))


def module_map_list(curriculum: Curriculum, link: Callable[[str], str]) -> Markup:
    """The map as a nested HTML list, in the map's order, for screen readers and print."""
    plan = _plan(curriculum.modules)
    items = []
    for i, box in plan.boxes.items():
        before = [
            f'<a href="{_e(link(p))}">{_e(plan.boxes[p].module.title)}</a>' for p in plan.before[i]
        ]
        after = f"Comes after: {', '.join(before)}" if before else "Nothing needs to come first"
        items.append(
            f'<li><a href="{_e(link(i))}">{_e(box.module.title)}</a> '
            f"({_e(str(box.module.duration))} minutes)<ul><li>{after}</li></ul></li>"
        )
    return Markup('<ul class="peerkit-map-list">\n' + "\n".join(items) + "\n</ul>" if items else "")
