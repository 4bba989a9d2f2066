"""The YAML reader for untrusted front-matter."""

from __future__ import annotations

import pytest

from peerkit import safeyaml


def test_plain_data_with_the_line_of_every_key() -> None:
    data, lines, problems = safeyaml.load("id: x\nsteps:\n  - one\n  - two\nnested:\n  key: 1\n")
    assert data == {"id": "x", "steps": ["one", "two"], "nested": {"key": 1}}
    assert lines[("id",)] == 0
    assert lines[("steps", 1)] == 3
    assert lines[("nested", "key")] == 5
    assert problems == []


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: 1\nb: &x [1]\n", 1, "anchors (&x) are not allowed: write each value out in full"),
        (
            "a: !!python/name:os.system\n",
            0,
            "tags such as '!!python/name:os.system' are not allowed",
        ),
        ("a: !custom 1\n", 0, "tags such as '!custom' are not allowed"),
        ("a: 1\na: 2\n", 1, "key 'a' appears twice: keep one"),
        ("1: one\n", 0, "key '1' must be plain text (put it in quotes)"),
        ("a: " + "[" * 40 + "]" * 40 + "\n", 0, "nested more than 32 levels deep"),
        ("<<: {x: 1}\n", 0, "merge keys (<<) are not allowed"),
        ("a: 1\nduration: 2024-02-30\n", 1, "cannot read '2024-02-30'; put it in quotes"),
        ("n: " + "9" * 5000 + "\n", 0, "cannot read '9999"),
        ('a: 1\ntitle: "form\x0cfeed"\n', 1, "U+000C is not allowed in YAML"),
    ],
)
def test_refused_yaml(text: str, line: int, message: str) -> None:
    try:
        _, _, problems = safeyaml.load(text)
    except safeyaml.YAMLProblem as problem:
        problems = [problem]
    assert [(p.line, p.message[: len(message)]) for p in problems][:1] == [(line, message)]


def test_extremely_deep_nesting_is_refused_not_crashed() -> None:
    with pytest.raises(safeyaml.YAMLProblem, match="nested more than"):
        safeyaml.load("[" * 20_000)


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['true']\n",
        "licence: !!bool maybe\n",
        "a: !!int ''\n",
        "a: !!timestamp x\n",
        "a: !!str x\n",
    ],
)
def test_explicit_tags_are_refused_before_anything_is_built(text: str) -> None:
    with pytest.raises(safeyaml.YAMLProblem, match="tags such as '!!"):
        safeyaml.load(text)


def test_yaml_1_1_special_scalars_are_just_text() -> None:
    data, _, problems = safeyaml.load("a: =\nb: <<\n")
    assert data == {"a": "=", "b": "<<"}
    assert problems == []
