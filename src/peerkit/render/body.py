"""Module bodies: Markdown from untrusted hands, with peerkit's macro calls in it.

A body may show text and call peerkit's macros with plain values, e.g.
`{{ activity("power-walk") }}`, and nothing else: no loops, conditions, filters, attribute
access or arithmetic. That is checked on the parsed template before anything runs, then the
body renders in Jinja's immutable sandbox with no globals but the macros, so neither Python's
internals nor a runaway loop are within reach.
"""

from __future__ import annotations

import re
import secrets
import traceback
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup


class BodyProblem(Exception):
    """A body that cannot render; `line` is 1-based within the body."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


_TAG_NAMES: dict[type[nodes.Node], str] = {
    nodes.For: "for",
    nodes.If: "if",
    nodes.Assign: "set",
    nodes.AssignBlock: "set",
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
    nodes.FilterBlock: "filter",
    nodes.With: "with",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from … import",
    nodes.Extends: "extends",
    nodes.Block: "block",
    nodes.ScopedEvalContextModifier: "autoescape",
}


MAX_CALLS = 100
"""Macro calls one body may make: enough for any module, too few to flood a page."""

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_JINJA_SYNTAX = re.compile(r"\{[{%#]|\r")


def render_body(source: str, macros: Mapping[str, Callable[..., Markup]]) -> str:
    """Render `source` with `macros`; raises `BodyProblem` with the line of the first mistake."""
    if not _JINJA_SYNTAX.search(source):
        return source  # what Jinja gives for text with no {{, {% or {# (and no \r to convert)
    env = ImmutableSandboxedEnvironment(
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )
    env.globals.clear()
    env.filters.clear()
    env.tests.clear()
    env.globals.update(macros)
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise BodyProblem(exc.lineno, f"template syntax error: {exc.message}") from None
    except RecursionError:
        raise BodyProblem(1, "a {{ … }} expression is nested too deeply") from None
    except Exception as exc:  # any failure to read untrusted text is a finding
        raise BodyProblem(1, f"cannot read the {{{{ … }}}} expressions: {exc}") from None
    for line, message in _refusals(tree, macros, _code_lines(source)):
        raise BodyProblem(line, message)
    for line, message in _misplaced(env, tree, macros):
        raise BodyProblem(line, message)
    try:
        return env.from_string(tree).render()
    except Exception as exc:  # any failure in an untrusted body is a finding
        raise BodyProblem(_template_line(exc), _describe(exc)) from None


def _code_lines(source: str) -> set[int]:
    """Lines (1-based) inside fenced code blocks, where Markdown would show a macro's
    output as code rather than place it."""
    inside: set[int] = set()
    fence = ""
    for number, line in enumerate(source.split("\n"), start=1):
        match = _FENCE.match(line)
        if fence:
            inside.add(number)
            if match and match[1][0] == fence[0] and len(match[1]) >= len(fence):
                fence = ""
        elif match:
            fence = match[1]
    return inside


def _refusals(
    tree: nodes.Template, macros: Mapping[str, Any], code_lines: set[int]
) -> Iterator[tuple[int, str]]:
    """Everything in the body other than text, constants and macro calls with constants."""
    calls = list(tree.find_all(nodes.Call))
    if len(calls) > MAX_CALLS:
        yield calls[MAX_CALLS].lineno, f"more than {MAX_CALLS} macro calls in one module"
    for call in calls:
        if call.lineno in code_lines:
            yield (
                call.lineno,
                "a macro call inside a code block would not show its content: move it out "
                "of the code block (to show braces as text, write {{ '{{' }})",
            )
    for statement in tree.body:
        if not isinstance(statement, nodes.Output):
            tag = _TAG_NAMES.get(type(statement), type(statement).__name__.lower())
            yield (
                statement.lineno,
                f"module pages cannot use {{% {tag} %}}: they hold text and calls such as "
                '{{ activity("id") }} (to show {% as text, wrap it in {% raw %}…{% endraw %})',
            )
            continue
        for expression in statement.nodes:
            problem = _expression_problem(expression, macros)
            if problem:
                yield expression.lineno, problem


def _expression_problem(expression: nodes.Node, macros: Mapping[str, Any]) -> str | None:
    if isinstance(expression, nodes.TemplateData | nodes.Const):
        return None
    for name in expression.find_all(nodes.Name):
        if name.name not in macros:
            return (
                f"'{name.name}' is not something a module page can use; the macros are "
                f"{', '.join(macros)} (to show {{{{ as text, write {{{{ '{{{{' }}}})"
            )
    if (
        isinstance(expression, nodes.Call)
        and isinstance(expression.node, nodes.Name)
        and all(isinstance(arg, nodes.Const) for arg in expression.args)
        and all(isinstance(kw.value, nodes.Const) for kw in expression.kwargs)
        and expression.dyn_args is None
        and expression.dyn_kwargs is None
    ):
        return None
    return (
        "module pages can only call peerkit's macros with plain values, "
        'like {{ activity("id") }} or {{ reflection() }}'
    )


# Where a macro's block would be broken up or lost, found on the body with each call replaced
# by a marker (so `{% raw %}` and whitespace control count exactly as they will).
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_TAG = re.compile(r"<[A-Za-z/][^<>]*>")
_LINK_TARGET = re.compile(r"\]\([^)\n]*(?:\)|$)|^ {0,3}\[[^\]\n]+\]:.*$", re.MULTILINE)
_LINK_TEXT = re.compile(r"\[[^\[\]\n]*\](?=[(\[])")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_PLACES = (
    (_COMMENT, "inside an HTML comment (<!-- … -->)"),
    (_TAG, "inside an HTML tag (an attribute)"),
    (_LINK_TARGET, "inside a link's address"),
    (_LINK_TEXT, "inside a link's text"),
)


def _misplaced(
    env: jinja2.Environment, tree: nodes.Template, macros: Mapping[str, Any]
) -> Iterator[tuple[int, str]]:
    """Macro calls whose block would be mangled or lost where they stand: in an HTML comment,
    inline code, an indented code block, a tag's attribute or a link (fenced code blocks are
    refused by `_refusals`)."""
    calls = [c for c in tree.find_all(nodes.Call) if isinstance(c.node, nodes.Name)]
    if not calls:
        return
    nonce = "pkmacro" + secrets.token_hex(6)
    counter = iter(range(len(calls)))
    marker_macros = {
        name: (lambda *_a, **_k: Markup(f"{nonce}x{next(counter)}x")) for name in macros
    }
    try:
        text = env.from_string(tree).render(**marker_macros)
    except Exception:  # the real render below reports what is wrong with the call
        return
    spans = [
        (m.start(), m.end(), where) for pattern, where in _PLACES for m in pattern.finditer(text)
    ]
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    for match in re.finditer(f"{nonce}x(\\d+)x", text):
        index = int(match[1])
        line_no = text.count("\n", 0, match.start())
        where = next((w for a, b, w in spans if a <= match.start() < b), None)
        if where is None:
            line = lines[line_no]
            column = match.start() - starts[line_no]
            if any(m.start() <= column < m.end() for m in _CODE_SPAN.finditer(line)):
                where = "inside inline code (`…`)"
            elif _indented_code(lines, line_no):
                where = "in an indented code block (a line starting with four spaces)"
        if where is not None and index < len(calls):
            yield (
                calls[index].lineno,
                (
                    f"a macro call {where} would not show its content: put it on a line of its "
                    "own (to show braces as text, write {{ '{{' }})"
                ),
            )


def _indented_code(lines: list[str], number: int) -> bool:
    """Whether line `number` is in an indented code block: four spaces in, after a blank
    line, and not under a list item (where indenting continues the item)."""

    def indented(line: str) -> bool:
        return line.expandtabs(4).startswith("    ")

    if not indented(lines[number]):
        return False
    start = number
    while start > 0 and (indented(lines[start - 1]) or not lines[start - 1].strip()):
        start -= 1
    if start == 0:
        return True
    if lines[start].strip():
        return False  # straight after a line of text: it continues that paragraph
    return not _LIST_ITEM.match(lines[start - 1])


def _template_line(exc: BaseException) -> int:
    """The body line where `exc` was raised (Jinja maps template frames to it)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == "<template>"]
    return frames[-1].lineno if frames and frames[-1].lineno else 1


_METHOD_OF = re.compile(r"\b(?:Renderer|Macros)\.")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TypeError) and "argument" in str(exc):
        # A macro is a method: name it as the page calls it, without its class.
        return "wrong arguments: " + _METHOD_OF.sub("", str(exc))
    if isinstance(exc, RecursionError):
        return "a macro calls itself without end"
    return str(exc) or type(exc).__name__
