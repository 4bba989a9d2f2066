"""The module map: an inline SVG of which module comes before which, and its list fallback."""

from __future__ import annotations

import itertools
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from peerkit.browse.modulemap import (
    MAP_CSS,
    MAX_TITLE_LINES,
    THEMES,
    module_map_list,
    module_map_svg,
)
from peerkit.colour import SLATE, WHITE, contrast
from peerkit.findings import errors
from peerkit.load import load_folder, parse_module
from peerkit.model import Curriculum, Module, ModuleFile

from conftest import FIXTURES, ROOT

MINIMAL = (FIXTURES / "minimal.md").read_text(encoding="utf-8")
NS = "{http://www.w3.org/2000/svg}"
Rect = tuple[float, float, float, float]


def link(module_id: str) -> str:
    return f"../{module_id}/"


def make(module_id: str, prerequisites: tuple[str, ...] = (), title: str = "") -> ModuleFile:
    text = (
        MINIMAL.replace("id: listening\n", f"id: {module_id}\n", 1)
        .replace("title: Listening well", f"title: {json.dumps(title or module_id.title())}", 1)
        .replace("licence:", f"prerequisites: {json.dumps(list(prerequisites))}\nlicence:", 1)
    )
    loaded, findings = parse_module(Path(f"{module_id}.md"), text)
    assert loaded is not None, [f.format() for f in findings]
    return loaded


def curriculum(*files: ModuleFile) -> Curriculum:
    return Curriculum(files=list(files))


def real() -> Curriculum:
    files, findings, _ = load_folder(ROOT / "modules")
    assert files and not errors(findings)
    return Curriculum(files=files)


def wide() -> Curriculum:
    """Seven starting points (so a layer wraps), a chain, and arrows that must pass rows."""
    roots = [make(f"root-{n}") for n in range(7)]
    return curriculum(
        *roots,
        make("after-first", ("root-0",)),
        make("after-last", ("root-6", "root-1")),
        make("deep", ("after-first", "root-3")),
        make("deeper", ("deep", "root-5", "after-last")),
    )


def boxes(svg: ET.Element, c: Curriculum) -> dict[str, Rect]:
    """Each module's box, found from the link that wraps it."""
    ids = {link(m.id): m.id for m in c.modules}
    found: dict[str, Rect] = {}
    for a in svg.iter(f"{NS}a"):
        rect = a.find(f"{NS}rect")
        assert rect is not None
        x, y, w, h = (float(rect.attrib[k]) for k in ("x", "y", "width", "height"))
        found[ids[a.attrib["href"]]] = (x, y, w, h)
    return found


def arrows(svg: ET.Element) -> list[tuple[str, str, str]]:
    return [
        (p.attrib["data-from"], p.attrib["data-to"], p.attrib["d"])
        for p in svg.iter(f"{NS}path")
        if p.get("class") == "peerkit-map-edge"
    ]


def points(d: str) -> list[tuple[float, float]]:
    """Points along a path of M, C and V commands, as the map draws them."""
    tokens = re.findall(r"[MCV]|-?\d+(?:\.\d+)?", d)
    out: list[tuple[float, float]] = []
    x = y = 0.0
    while tokens:
        command = tokens.pop(0)
        if command == "M":
            x, y = float(tokens.pop(0)), float(tokens.pop(0))
        elif command == "V":
            end = float(tokens.pop(0))
            out += [(x, y + (end - y) * t / 20) for t in range(1, 20)]
            y = end
        else:
            c = [float(tokens.pop(0)) for _ in range(6)]
            xs, ys = (x, c[0], c[2], c[4]), (y, c[1], c[3], c[5])
            for t in (n / 40 for n in range(1, 40)):
                w = ((1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3)
                px, py = (sum(a * b for a, b in zip(w, v, strict=True)) for v in (xs, ys))
                out.append((px, py))
            x, y = c[4], c[5]
        out.append((x, y))
    return out


def inside(point: tuple[float, float], rect: Rect, margin: float = 0.5) -> bool:
    x, y, w, h = rect
    return x + margin < point[0] < x + w - margin and y + margin < point[1] < y + h - margin


def map_order(c: Curriculum) -> list[Module]:
    """Modules in the map's reading order: top to bottom, then left to right."""
    found = boxes(ET.fromstring(module_map_svg(c, link)), c)
    return sorted(c.modules, key=lambda m: (found[m.id][1], found[m.id][0]))


def edges_of(c: Curriculum) -> set[tuple[str, str]]:
    ids = {m.id for m in c.modules}
    return {(p, m.id) for m in c.modules for p in m.prerequisites if p in ids}


def test_every_module_is_one_link_to_its_page() -> None:
    c = real()
    svg = ET.fromstring(module_map_svg(c, link))
    hrefs = [a.attrib["href"] for a in svg.iter(f"{NS}a")]
    assert sorted(hrefs) == sorted(link(m.id) for m in c.modules)
    assert len(set(hrefs)) == len(c.modules) == 8
    ids = [a.attrib["id"] for a in svg.iter(f"{NS}a")]
    assert sorted(ids) == sorted(f"peerkit-map-{m.id}" for m in c.modules)


@pytest.mark.parametrize("make_curriculum", [real, wide])
def test_one_arrow_per_prerequisite_from_box_to_a_box_below(
    make_curriculum: Callable[[], Curriculum],
) -> None:
    c = make_curriculum()
    svg = ET.fromstring(module_map_svg(c, link))
    drawn, found = arrows(svg), boxes(svg, c)
    assert len(drawn) == len(edges_of(c)) and {(a, b) for a, b, _ in drawn} == edges_of(c)
    for before, after, d in drawn:
        (x1, y1), (x2, y2) = points(d)[0], points(d)[-1]
        bx, by, bw, bh = found[before]
        ax, ay, aw, _ = found[after]
        assert bx < x1 < bx + bw and y1 == by + bh, (before, d)  # leaves the bottom edge
        assert ax < x2 < ax + aw and y2 == ay, (after, d)  # arrives at the top edge
        assert ay > by + bh  # the module that comes after is in a later layer


@pytest.mark.parametrize("make_curriculum", [real, wide])
def test_no_boxes_overlap_and_no_arrow_crosses_a_box(
    make_curriculum: Callable[[], Curriculum],
) -> None:
    c = make_curriculum()
    svg_text = module_map_svg(c, link)
    svg = ET.fromstring(svg_text)
    found = boxes(svg, c)
    for (x1, y1, w1, h1), (x2, y2, w2, h2) in itertools.combinations(found.values(), 2):
        assert x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1
    width, height = map(float, svg.attrib["viewBox"].split()[2:])
    assert all(
        0 <= x <= x + w <= width and 0 <= y <= y + h <= height for x, y, w, h in found.values()
    )
    for _, _, d in arrows(svg):
        for point in points(d):
            assert not any(inside(point, rect) for rect in found.values()), (d, point)
            assert 0 <= point[0] <= width and 0 <= point[1] <= height
    rows = [y for _, y, _, _ in found.values()]
    assert max(map(rows.count, rows)) <= 3
    if make_curriculum is wide:
        assert len({found[f"root-{n}"][1] for n in range(7)}) == 3  # the first layer wraps
        assert "V" in svg_text  # some arrows had to run down a gap between columns


def test_layers_follow_the_longest_chain() -> None:
    c = curriculum(make("c", ("a", "b")), make("b", ("a",)), make("a"), make("d"))
    found = boxes(ET.fromstring(module_map_svg(c, link)), c)
    assert found["a"][1] == found["d"][1] < found["b"][1] < found["c"][1]


def test_front_matter_is_escaped() -> None:
    title = 'A <script>alert("x")</script> & "quoted" title'
    c = curriculum(make("safe"), make("unsafe", ("safe",), title=title))
    svg_text = module_map_svg(c, link)
    html = module_map_list(c, link)
    for text in (svg_text, html):
        assert "<script" not in text
        ET.fromstring(text)  # still well-formed
    svg = ET.fromstring(svg_text)
    desc = svg.find(f"{NS}desc")
    assert desc is not None and title in (desc.text or "")
    labels = [t.text for t in svg.iter(f"{NS}title")]
    words = " ".join(t.text or "" for t in svg.iter(f"{NS}tspan"))
    assert title in labels or words.startswith('A <script>alert("x")</script> & "quoted"')
    assert title in [a.text for a in ET.fromstring(html).iter("a")]

    hostile = curriculum(make("safe"))
    svg = ET.fromstring(module_map_svg(hostile, lambda i: f'"><script>{i}'))
    assert [a.attrib["href"] for a in svg.iter(f"{NS}a")] == ['"><script>safe']


def test_output_is_deterministic() -> None:
    first, second = real(), real()
    assert module_map_svg(first, link) == module_map_svg(second, link)
    assert module_map_list(first, link) == module_map_list(second, link)
    assert module_map_svg(wide(), link) == module_map_svg(wide(), link)


def test_missing_prerequisites_are_ignored() -> None:
    c = curriculum(make("b", ("a", "ghost")), make("a"), make("lonely", ("ghost",)))
    svg = ET.fromstring(module_map_svg(c, link))
    assert [(a, b) for a, b, _ in arrows(svg)] == [("a", "b")]
    found = boxes(svg, c)
    assert found["lonely"][1] == found["a"][1] < found["b"][1]
    html = module_map_list(c, link)
    assert "ghost" not in html and "ghost" not in module_map_svg(c, link)


def test_a_cycle_does_not_hang() -> None:
    c = curriculum(make("a", ("b",)), make("b", ("a",)), make("c", ("a",)), make("d", ("d",)))
    svg = ET.fromstring(module_map_svg(c, link))
    assert len(boxes(svg, c)) == 4
    assert sorted((a, b) for a, b, _ in arrows(svg)) == [("a", "b"), ("a", "c"), ("b", "a")]


def test_the_map_is_labelled_scales_and_reads_at_700px() -> None:
    c = real()
    svg = ET.fromstring(module_map_svg(c, link))
    assert svg.attrib["role"] == "group" and svg.attrib["width"] == "100%"
    assert svg.attrib["preserveAspectRatio"].startswith("xMid")
    labels = {e.attrib.get("id"): e for e in svg}
    title_id, desc_id = svg.attrib["aria-labelledby"], svg.attrib["aria-describedby"]
    assert labels[title_id].tag == f"{NS}title" and labels[desc_id].tag == f"{NS}desc"
    # Each link is read as its title and length, not as its wrapped lines run together.
    for module in c.modules:
        node = svg.find(f".//{NS}a[@id='peerkit-map-{module.id}']")
        assert node is not None
        assert node.attrib["aria-label"] == f"{module.title}, {module.duration} minutes"
    desc = labels[desc_id].text or ""
    titles = {m.id: m.title for m in c.modules}
    for before, after in edges_of(c):
        sentence = re.search(re.escape(titles[before]) + r" comes before [^.]*\.", desc)
        assert sentence and titles[after] in sentence[0]
    assert "Self-care stands on its own." in desc
    width = float(svg.attrib["viewBox"].split()[2])
    sizes = [float(t.attrib["font-size"]) for t in svg.iter(f"{NS}text")]
    assert sizes and min(sizes) * 700 / width >= 14


@pytest.mark.parametrize(("theme", "page"), [("light", WHITE), ("dark", SLATE)])
def test_colours_are_readable_in_light_and_dark_themes(theme: str, page: str) -> None:
    colours = THEMES[theme]
    assert contrast(colours["text"], colours["fill"]) >= 4.5
    assert contrast(colours["muted"], colours["fill"]) >= 4.5
    assert contrast(colours["stroke"], page) >= 3  # the box's outline against the page
    assert all(value in MAP_CSS for value in colours.values())
    assert '[data-md-color-scheme="slate"]' in MAP_CSS and "prefers-color-scheme: dark" in MAP_CSS
    svg = module_map_svg(curriculum(make("a")), link)
    assert 'class="peerkit-map-node"' in svg and 'stroke="currentColor"' in svg


def test_the_list_names_each_prerequisite() -> None:
    c = real()
    ul = ET.fromstring(module_map_list(c, link))
    titles = {m.id: m.title for m in c.modules}
    items = [(li, li.findall("a")[0]) for li in ul.findall("li")]
    assert [a.attrib["href"] for _, a in items] == [link(m.id) for m in map_order(c)]
    for li, a in items:
        module = c.module(a.attrib["href"].strip("./"))
        assert module is not None and a.text == module.title
        (note,) = li.findall("ul/li")
        named = [(a.attrib["href"], a.text) for a in note.findall("a")]
        assert named == [(link(p), titles[p]) for p in module.prerequisites]
        assert (note.text or "").startswith("Comes after: " if named else "Nothing")


def test_long_titles_wrap_inside_the_box() -> None:
    title = "Supercalifragilisticexpialidociousness " + "and a very long title " * 10
    svg = ET.fromstring(module_map_svg(curriculum(make("long", title=title.strip())), link))
    lines = [t.text or "" for t in svg.iter(f"{NS}tspan")]
    assert len(lines) == MAX_TITLE_LINES and lines[-1].endswith("…")
    assert lines[0].endswith("-") and all(len(line) <= 22 for line in lines)
    assert [t.text for t in svg.iter(f"{NS}title")][-1] == title.strip()


def test_no_modules_draw_nothing() -> None:
    assert module_map_svg(curriculum(), link) == "" == module_map_list(curriculum(), link)
