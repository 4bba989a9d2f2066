"""`safeyaml.load` reads most documents through libyaml's own composer (quick), and any
document that may hold an anchor, an alias, a tag or very deep nesting the careful way. Either
way an author must get the same data, the same lines and the same refusals at the same lines:
these tests compare the two on the repo's modules, every fixture and generated documents."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerkit import safeyaml

from conftest import FIXTURES, ROOT

settings.register_profile(
    "default",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def answer(read: Any, text: str) -> Any:
    """Everything an author would see from reading `text` with `read`."""
    try:
        data, lines, problems = read(text)
    except safeyaml.YAMLProblem as problem:
        return ("refused", problem.line, problem.message)
    return data, lines, [(p.line, p.message, p.path) for p in problems]


def same(text: str) -> None:
    assert answer(safeyaml.load, text) == answer(safeyaml.careful_load, text)


def front_matters() -> list[Path]:
    files = sorted((ROOT / "modules").glob("*.md"))
    files += sorted(p for p in FIXTURES.rglob("*") if p.suffix in {".md", ".yml", ".yaml"})
    return [p for p in files if p.is_file()]


@pytest.mark.parametrize("path", front_matters(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_and_fixture_reads_the_same_both_ways(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", "replace")
    front = (
        text.split("---\n", 2)[1] if text.startswith("---\n") and text.count("---\n") > 1 else text
    )
    same(front)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # an anchor and an alias
        "a: [&x 1, *x]\n",
        "a: {b: &x 1, c: *x}\n",
        "a: *x\n",  # an alias to nothing
        "a: !!str 1\n",
        "a: ! 1\n",  # the non-specific tag, allowed
        "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
        "a: 'Q & A'\nb: \"don't * stop!\"\nc: plain & text!\n",  # only text
        "a: |\n  - &x one\n  - *x\nb: 2\n",  # only text, in a block
        "a: 1 # a comment with & and *\n",
        "- &a [*a]\n",
        "<<: {x: 1}\n",
        "a: 1\na: 2\n",
        '"\\x1b": 1\n',
        'a: "\\u202e text"\nb: plain\n',
        "a: " + "[" * 40 + "]" * 40 + "\n",
        "a: " + "[" * 3000 + "]" * 3000 + "\n",  # read the careful way: too deep to trust to C
        "- " * 1500 + "x\n",
        "a: 1\r\nb: [2, 3]\r\n",
        "",
        "# only a comment\n",
        "a: 1\n---\nb: 2\n",
        "a: [1, 2\n",
    ],
)
def test_documents_that_need_care_read_the_same_both_ways(text: str) -> None:
    same(text)


def test_an_alias_bomb_is_refused_at_once() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]\n" for n in range(12)
    )
    with pytest.raises(safeyaml.YAMLProblem, match=r"anchors \(&a\) are not allowed"):
        safeyaml.load(bomb)


pieces = st.sampled_from(
    [
        "a", "b", "key", " ", "  ", "\n", "\n  ", "\n- ", "- ", ": ", ":", "? ", ",", "[", "]",
        "{", "}", "&x ", "&y", "*x", "*y", " *x", "!", "!!str ", "!!int ", "! ", "!e!t ", "#",
        " # c", "'", '"', "\\", "\\x1b", "\\u202e", "|", "|\n  ", ">-\n  ", "1", "2024-01-01",
        "yes", "~", "<<", "=", "---\n", "...\n", "%TAG !e! tag:x,2000:\n", "Q & A!", "\t",
        "\r\n", "\u202e", "é", "🌱",
    ]
)  # fmt: skip


@given(st.lists(pieces, max_size=40).map("".join))
def test_generated_documents_read_the_same_both_ways(text: str) -> None:
    same(text)


@given(
    st.dictionaries(
        st.text(max_size=8),
        st.recursive(
            st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none()),
            lambda inner: st.one_of(
                st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
            ),
            max_leaves=10,
        ),
        max_size=5,
    ),
    st.sampled_from([None, "&x ", "*x", "!!str ", "! "]),
)
def test_dumped_data_with_a_property_spliced_in_reads_the_same(data: Any, splice: Any) -> None:
    import yaml

    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    same(text)
    if splice:
        middle = text.find(": ")
        if middle >= 0:
            same(text[: middle + 2] + splice + text[middle + 2 :])


def test_the_reference_modules_are_read_the_quick_way(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str, hidden: bool = True) -> Any:
        raise AssertionError("read the careful way")

    monkeypatch.setattr(safeyaml, "careful_load", refuse)
    for path in sorted((ROOT / "modules").glob("*.md")):
        safeyaml.load(path.read_text(encoding="utf-8").split("---\n", 2)[1])
