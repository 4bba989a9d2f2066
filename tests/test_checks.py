"""Checks across modules: prerequisites and their cycles."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerkit.curriculum import check_folder
from peerkit.render import Renderer

from conftest import FIXTURES, page_html

MINIMAL = (FIXTURES / "minimal.md").read_text(encoding="utf-8")


def module(module_id: str, prerequisites: list[str]) -> str:
    return (
        MINIMAL.replace("id: listening\n", f"id: {module_id}\n")
        .replace("listening-pairs", f"{module_id}-pairs")
        .replace("licence:", f"prerequisites: [{', '.join(prerequisites)}]\nlicence:")
    )


def test_a_three_module_cycle_is_reported_once(tmp_path: Path) -> None:
    for name, prereqs in {"a": ["c"], "b": ["a"], "c": ["b"], "d": ["a"]}.items():
        (tmp_path / f"{name}.md").write_text(module(name, prereqs), encoding="utf-8")
    result = check_folder(tmp_path)
    assert [f.format(root=tmp_path) for f in result.findings] == [
        "a.md:14: prerequisites go round in a circle: a → c → b → a"
    ]


def test_a_module_cannot_be_its_own_prerequisite(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(module("a", ["a"]), encoding="utf-8")
    result = check_folder(tmp_path)
    assert [f.format(root=tmp_path) for f in result.findings] == [
        "a.md:14: prerequisites: module 'a' lists itself"
    ]


def test_prerequisites_link_to_their_module(tmp_path: Path) -> None:
    for name, prereqs in {"a": [], "b": ["a"]}.items():
        (tmp_path / f"{name}.md").write_text(module(name, prereqs), encoding="utf-8")
    result = check_folder(tmp_path)
    assert result.ok
    page = page_html(Renderer(result.curriculum), result.curriculum.files[1])
    assert '<strong>Before this module:</strong> <a href="../a/">Listening well</a>' in page


def test_many_interlinked_prerequisites_are_checked_without_blowing_up(tmp_path: Path) -> None:
    # Every module needs every later one: 2**30 paths for a search that follows them all.
    ids = [f"m{i:02}" for i in range(30)]
    for i, module_id in enumerate(ids):
        later = ids[i + 1 :] + (["m00"] if module_id == "m29" else [])
        (tmp_path / f"{module_id}.md").write_text(module(module_id, later), encoding="utf-8")
    findings = [f.format(root=tmp_path) for f in check_folder(tmp_path).findings]
    assert findings == [
        "m00.md:14: prerequisites go round in a circle: " + " → ".join([*ids, "m00"])
    ]


def test_a_line_separator_is_reported_where_an_editor_shows_it() -> None:
    from peerkit.load import parse_module

    text = MINIMAL.replace("summary: A short", "summary: A\u2028short")
    _, findings = parse_module(Path("m.md"), text)
    assert [f.format() for f in findings] == [
        "m.md:4: an invisible line separator (U+2028) is here: delete it"
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("listening-pairs", "listening-outcomes"),
         "m.md:18: the anchor #listening-outcomes is already used on line 2: rename one"),
        (("## About this module", "Listening pairs\n---------------"),
         "m.md:32: the anchor #listening-pairs is already used on line 18: rename one"),
        (("## About this module", "## [Listening](x) pairs"),
         "m.md:32: the anchor #listening-pairs is already used on line 18: rename one"),
    ],
)  # fmt: skip
def test_anchors_that_would_clash_on_the_page(change: tuple[str, str], expected: str) -> None:
    from peerkit.checks import anchors_unique
    from peerkit.load import parse_module

    loaded, findings = parse_module(Path("m.md"), MINIMAL.replace(*change))
    assert loaded is not None, findings
    assert [f.format() for f in anchors_unique([loaded])] == [expected]


def test_headings_in_other_scripts_are_not_taken_for_clashes() -> None:
    from peerkit.checks import anchors_unique
    from peerkit.load import parse_module

    loaded, _ = parse_module(Path("m.md"), MINIMAL + "\n## Ελληνικά\n\n## Русский\n")
    assert loaded is not None
    assert list(anchors_unique([loaded])) == []


def test_a_lone_carriage_return_is_reported_where_an_editor_shows_it() -> None:
    from peerkit.load import parse_module

    _, findings = parse_module(
        Path("m.md"), MINIMAL.replace("summary: A short", "# x\rsummary: A short")
    )
    assert [f.format() for f in findings] == [
        "m.md:4: an invisible line separator (U+000D) is here: delete it"
    ]
