"""Property-based tests: whatever a module or plan file holds, peerkit answers with findings
or a model, never an exception.

Documents are generated from a valid module (or plan) with keys removed, added or given
values of the wrong kind or with awkward text, and with bodies made of the pieces that
break Markdown and templates (brackets, backticks, tags, comments, macro calls, control and
direction characters). `make test` runs a few hundred examples per property; `make fuzz`
(HYPOTHESIS_PROFILE=fuzz) runs 10,000.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import markdown
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerkit.curriculum import check_folder
from peerkit.load import parse_module
from peerkit.model import Curriculum
from peerkit.render import PageError
from peerkit.sessions.checks import check_plan
from peerkit.sessions.load import parse_plan

from conftest import FIXTURES

settings.register_profile(
    "default",
    max_examples=200,
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

MINIMAL = (FIXTURES / "minimal.md").read_text(encoding="utf-8")
_FRONT, _BODY = MINIMAL.split("\n---\n", 1)
MODULE: dict[str, Any] = yaml.safe_load(_FRONT.removeprefix("---\n"))
PLAN: dict[str, Any] = {
    "title": "An evening session",
    "start": "18:00",
    "available": 60,
    "items": [{"welcome": "Welcome", "minutes": 10}, {"activity": "listening-pairs"}],
}
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "toc", "tables"]
NOT_A_SENTENCE = "please report this to peerkit's developers"

# Text that reaches into every awkward corner: controls, separators, direction overrides,
# noncharacters, astral characters, quotes and YAML's own punctuation.
awkward_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(
            list("\x00\x1b\x07\r\n\t\x85\u2028\u2029\u202e\u2066\ufffe\ufeff🌱'\"#:-[]{}&*!|>%@`")
        ),
    ),
    max_size=40,
)
scalars = st.one_of(
    awkward_text,
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.sampled_from(["20-30", "30-20", "0", "listening-pairs", "both", "online", "1.0", "10:00"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(awkward_text, inner, max_size=4)
    ),
    max_leaves=12,
)


def mutated(base: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """`base` with some keys removed, some replaced (at the top or one level down), some added."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        data = yaml.safe_load(yaml.safe_dump(base))  # a deep copy
        for key in draw(st.lists(st.sampled_from(sorted(data)), max_size=3)):
            data.pop(key, None)
        for key in draw(st.lists(st.sampled_from(sorted(base)), max_size=3)):
            data[key] = draw(values)
        nested = data.get("activities") or data.get("items")
        if isinstance(nested, list) and nested and isinstance(nested[0], dict):
            for key in draw(st.lists(st.sampled_from(sorted(nested[0]) or ["x"]), max_size=3)):
                nested[0][key] = draw(values)
        for key, value in draw(st.dictionaries(awkward_text, values, max_size=2)).items():
            data[key] = value
        return data

    return build()


def as_yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


body_pieces = st.sampled_from(
    [
        "\n", "\n\n", "    ", "\t", "- ", "1. ", "> ", "# ", "[", "]", "(", ")", "`", "```\n",
        "<div>", "</div>", '<div markdown="1">', "<!--", "-->", "<span title=\"", "\">",
        '{{ activity("listening-pairs") }}', "{{ reflection() }}", "{{ signposting() }}",
        '{{ handout("x") }}', "{{ x }}", "{{", "}}", "{%", "%}", "{% raw %}", "{% endraw %}",
        "{{ '{{' }}", "{: #id }", "*", "_", "|", "---", "\\", "&amp;", "text ", "\x00", "\x1b",
        "\u2028", "\u202e", "\ufffe", "🌱",
    ]
)  # fmt: skip
bodies = st.one_of(
    st.lists(body_pieces, max_size=40).map("".join),
    st.text(max_size=200),
    st.tuples(st.sampled_from(["[", "<div>", "- ", "> ", "    - "]), st.integers(0, 1500)).map(
        lambda pair: pair[0] * pair[1]
    ),
)
module_texts = st.one_of(
    st.builds(lambda front, body: f"---\n{as_yaml(front)}---\n{body}", mutated(MODULE), bodies),
    st.builds(lambda body: MINIMAL + body, bodies),
    st.text(max_size=300),
    st.builds(lambda text: "---\n" + text + "\n---\n", st.text(max_size=300)),
)
plan_texts = st.one_of(
    mutated(PLAN).map(as_yaml),
    st.text(max_size=300),
    st.lists(body_pieces, max_size=30).map("".join),
)


def check_module_text(text: str) -> None:
    """What `peerkit check` and a build do with one module file holding `text`."""
    path = Path("m.md")
    module_file, findings = parse_module(path, text)
    assert (module_file is None) == bool(findings), findings
    with tempfile.TemporaryDirectory() as folder:
        modules = Path(folder) / "modules"
        modules.mkdir()
        (modules / "m.md").write_text(text, encoding="utf-8", errors="surrogatepass")
        result = check_folder(modules)
    for finding in result.findings:
        assert finding.line >= 1
        assert finding.message and NOT_A_SENTENCE not in finding.message, finding
        assert "\n" not in finding.format()
    if result.ok:  # what check passes, a build turns into a page
        for page in result.pages.values():
            try:
                page.finish(markdown.markdown(page.markdown, extensions=EXTENSIONS))
            except PageError as exc:
                assert exc.findings


@given(module_texts)
def test_any_module_file_gets_findings_or_a_module(text: str) -> None:
    check_module_text(text)


@given(plan_texts)
def test_any_plan_file_gets_findings_or_a_plan(text: str) -> None:
    module_file, _ = parse_module(Path("m.md"), MINIMAL)
    assert module_file is not None
    plan_file, findings = parse_plan(Path("p.yml"), text)
    assert (plan_file is None) == bool(findings), findings
    if plan_file is not None:
        for finding in check_plan(plan_file, Curriculum(files=[module_file])):
            assert finding.line >= 1 and finding.message
    for finding in findings:
        assert finding.line >= 1 and finding.message
        assert "\n" not in finding.format()
