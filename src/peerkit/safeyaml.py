"""YAML for untrusted files: plain data only, every key's line remembered.

PyYAML's `safe_load` still expands aliases (a few hundred bytes can become millions of items),
silently keeps the last of two equal keys and forgets where anything came from. This loader
composes the document itself and builds plain Python data from the nodes, refusing anchors,
aliases, tags, duplicate keys, non-text keys and very deep nesting.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from peerkit.characters import has_invisible, invisible, strip_invisible

MAX_DEPTH = 32

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MAP_TAG = "tag:yaml.org,2002:map"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_PLAIN_TEXT_TAGS = {"tag:yaml.org,2002:value", _MERGE_TAG}
_SEQ_TAG = "tag:yaml.org,2002:seq"

KeyPath = tuple[str | int, ...]


class YAMLProblem(Exception):
    """A document that cannot be read safely; `line` is 0-based within the YAML text."""

    def __init__(self, line: int, message: str, path: KeyPath = ()) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.path = path


@dataclass
class Problems:
    """Problems found while building data; building goes on so that all are reported."""

    items: list[YAMLProblem] = field(default_factory=list)

    def add(self, node: Node, path: KeyPath, message: str) -> None:
        self.items.append(YAMLProblem(node.start_mark.line, message, path))


_STR_TAG = "tag:yaml.org,2002:str"
# PyYAML's implicit resolvers by a scalar's first character ("" for an empty one), each list
# with the resolvers for any character after it, as `Resolver.resolve` tries them.
_ANY_FIRST: list[tuple[str, re.Pattern[str]]] = list(Resolver.yaml_implicit_resolvers.get(None, []))
_IMPLICIT: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    first: [*resolvers, *_ANY_FIRST]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
    if first is not None
}


class _QuickResolver(Resolver):
    """PyYAML's `Resolver` with the same answers in fewer steps (no path resolvers are
    registered, so a node's tag depends only on its kind, value and implicitness)."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], _ANY_FIRST):
                    if regexp.match(value):
                        return tag
            return _STR_TAG
        return _SEQ_TAG if kind is SequenceNode else _MAP_TAG

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


if Resolver.yaml_path_resolvers:  # pragma: no cover - only if someone registers one
    _QuickResolver = Resolver  # type: ignore[misc,assignment]

_CONSTRUCTOR = SafeConstructor()

if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _Reader(Composer, CParser, SafeConstructor, _QuickResolver):
        """libyaml's parser (about 15 times faster) under PyYAML's Python composer."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            _QuickResolver.__init__(self)
            Composer.__init__(self)

    class _CReader(CParser, _QuickResolver):
        """libyaml's parser and composer: nodes without a line of Python per event."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _QuickResolver.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml
    _Reader = yaml.SafeLoader  # type: ignore[misc,assignment]
    _CReader = None  # type: ignore[assignment,misc]


class _Composer(_Reader):
    """A reader whose composer refuses anchors and aliases before anything is built."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise YAMLProblem(
                _line(event),
                f"aliases (*{event.anchor}) are not allowed: write the value out in full",
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YAMLProblem(
                _line(event),
                f"anchors (&{anchor}) are not allowed: write each value out in full",
            )
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            raise YAMLProblem(
                _line(event), f"tags such as '{_short(tag)}' are not allowed: write plain values"
            )
        return super().compose_node(parent, index)


def load(text: str) -> tuple[Any, dict[KeyPath, int], list[YAMLProblem]]:
    """Read one YAML document into plain data.

    Returns the data, the 0-based line of every key path (a mapping key's own line; a list
    item's first line) and the problems found. Raises `YAMLProblem` when the text cannot be
    parsed at all.
    """
    # Only an escape ("\\e") can put into a scalar a character the text does not hold.
    hidden = "\\" in text or has_invisible(text)
    quick = _quick_load(text, hidden)
    return quick if quick is not None else careful_load(text, hidden)


def careful_load(
    text: str, hidden: bool = True
) -> tuple[Any, dict[KeyPath, int], list[YAMLProblem]]:
    """`load` through PyYAML's Python composer, which sees every anchor, alias and tag where
    it stands and refuses it there. (`load` takes this way whenever a document may hold one.)"""
    loader = _Composer(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or exc.context or "unreadable YAML"
            raise YAMLProblem(mark.line if mark else 0, f"YAML syntax error: {problem}") from None
        except yaml.reader.ReaderError as exc:
            line = text.count("\n", 0, exc.position)
            shown = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "a character"
            raise YAMLProblem(
                line, f"{shown} is not allowed in YAML: delete it or retype the text around it"
            ) from None
        except yaml.YAMLError as exc:
            raise YAMLProblem(0, f"YAML error: {exc}") from None
        except RecursionError:
            raise YAMLProblem(0, f"nested more than {MAX_DEPTH} levels deep") from None
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {}
    problems = Problems()
    if root is None:
        return None, lines, problems.items
    lines[()] = root.start_mark.line
    data = _build(loader, root, (), lines, problems, hidden)
    return data, lines, problems.items


# --- the quick way: libyaml's own composer, for the documents it can be trusted with --------

QUICK_NESTING = 2000
"""Documents that might nest deeper than this are read the careful way: libyaml's composer
recurses in C and would crash the process somewhere past 20,000 levels."""

_WIDE = 500
_WIDE_STRUCTURE = re.compile(f"\\n[ \t?:-]{{{_WIDE}}}")
"""A line whose indentation and `- `, `? `, `: ` indicators might reach `_WIDE` columns."""


def _nesting_bound(text: str) -> int:
    """More than the deepest nesting `text` can hold. A block collection inside another starts
    further right (or, a list as a mapping's value, in the same column, once), and only after
    a line's indentation and indicators, so block nesting is at most twice the widest such
    start; each flow collection opens with a bracket or a brace; a scalar is one level more."""
    odd_breaks = any(c in text for c in "\x85\u2028\u2029") or (
        "\r" in text and "\r" in text.replace("\r\n", "")
    )  # line breaks to YAML that the search below does not count
    if odd_breaks or _WIDE_STRUCTURE.search("\n" + text):  # (the first line too)
        return len(text) * 2 + 2  # as if every character opened a level
    return 2 * (_WIDE + 1) + text.count("[") + text.count("{") + 2


def _quick_load(
    text: str, hidden: bool
) -> tuple[Any, dict[KeyPath, int], list[YAMLProblem]] | None:
    """`load`'s answer through libyaml's composer, or None when the careful way must answer:
    an error, a document that might nest too deeply, or any `&`, `*` or `!` that is not
    inside a scalar's text (so it may be an anchor, an alias or a tag, which the careful way
    refuses at their lines). A node reached twice (an alias) also sends it the careful way."""
    if _CReader is None or _nesting_bound(text) > QUICK_NESTING:
        return None
    reader = _CReader(text)
    try:
        root = reader.get_single_node()
    except Exception:  # the careful way reports it, at its line
        return None
    finally:
        reader.dispose()
    if root is None:
        return None
    lines: dict[KeyPath, int] = {(): root.start_mark.line}
    problems = Problems()
    properties = "&" in text or "*" in text or "!" in text
    spans: list[tuple[int, int]] | None = [] if properties else None
    seen: set[int] | None = set() if "*" in text else None  # an alias needs a `*`
    try:
        data = _quick_build(root, (), lines, problems, hidden, spans, seen)
    except _Twice:
        return None
    if spans is not None and not _only_in_scalars(text, spans):
        return None
    return data, lines, problems.items


def _quick_build(
    node: Node,
    path: KeyPath,
    lines: dict[KeyPath, int],
    problems: Problems,
    hidden: bool,
    spans: list[tuple[int, int]] | None,
    seen: set[int] | None,
) -> Any:
    """What `_build` gives, with the usual case (a list or mapping of text, nothing hidden)
    done here without a call per value; anything else goes to `_build`."""
    kind = type(node)
    if (
        hidden
        or len(path) >= MAX_DEPTH
        or not (
            (kind is MappingNode and node.tag == _MAP_TAG)
            or (kind is SequenceNode and node.tag == _SEQ_TAG)
        )
    ):
        return _build(_CONSTRUCTOR, node, path, lines, problems, hidden, spans, seen)
    if seen is not None:
        if id(node) in seen:
            raise _Twice
        seen.add(id(node))
    if kind is SequenceNode:
        items: list[Any] = []
        for index, child in enumerate(node.value):
            child_path = (*path, index)
            lines[child_path] = child.start_mark.line
            if type(child) is ScalarNode and child.tag == _STR_TAG:
                if seen is not None:
                    if id(child) in seen:
                        raise _Twice
                    seen.add(id(child))
                if spans is not None:
                    spans.append((child.start_mark.index, child.end_mark.index))
                items.append(child.value)
            else:
                items.append(_quick_build(child, child_path, lines, problems, hidden, spans, seen))
        return items
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if seen is not None:
            if id(key_node) in seen:
                raise _Twice
            seen.add(id(key_node))
        key_kind = type(key_node)
        if key_kind is ScalarNode and spans is not None:
            spans.append((key_node.start_mark.index, key_node.end_mark.index))
        if key_kind is ScalarNode and key_node.tag == _MERGE_TAG:
            problems.add(key_node, path, "merge keys (<<) are not allowed: write keys out")
            continue
        if not (key_kind is ScalarNode and key_node.tag == _STR_TAG):
            shown = key_node.value if key_kind is ScalarNode else "a list or mapping"
            problems.add(key_node, path, f"key {shown!r} must be plain text (put it in quotes)")
            continue
        key = key_node.value
        if key in mapping:
            problems.add(key_node, (*path, key), f"key '{key}' appears twice: keep one")
            continue
        child_path = (*path, key)
        lines[child_path] = key_node.start_mark.line
        if type(value_node) is ScalarNode and value_node.tag == _STR_TAG:
            if seen is not None:
                if id(value_node) in seen:
                    raise _Twice
                seen.add(id(value_node))
            if spans is not None:
                spans.append((value_node.start_mark.index, value_node.end_mark.index))
            mapping[key] = value_node.value
        else:
            mapping[key] = _quick_build(
                value_node, child_path, lines, problems, hidden, spans, seen
            )
    return mapping


class _Twice(Exception):
    """A node reached a second time: the document has an alias."""


_PROPERTY = re.compile(r"[&*!]")


def _only_in_scalars(text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether every `&`, `*` and `!` in `text` is strictly inside one of the scalar `spans`
    (start and end character offsets), where it is only text: a node's anchor or tag is
    where its span starts, and an alias is between nodes."""
    spans.sort()
    starts = [start for start, _ in spans]
    for match in _PROPERTY.finditer(text):
        at = match.start()
        index = bisect_left(starts, at) - 1  # the last span starting before `at`
        if index < 0 or not at < spans[index][1]:
            return False
    return True


def _build(
    loader: SafeConstructor,
    node: Node,
    path: KeyPath,
    lines: dict[KeyPath, int],
    problems: Problems,
    hidden: bool = True,
    spans: list[tuple[int, int]] | None = None,
    seen: set[int] | None = None,
) -> Any:
    """Plain data from `node`. `hidden` is false when no scalar can hold an invisible
    character (the text has none and no escapes). With `seen`, raises `_Twice` at a node
    reached again, and each scalar's span goes in `spans`."""
    if seen is not None:
        if id(node) in seen:
            raise _Twice
        seen.add(id(node))
    if len(path) > MAX_DEPTH:
        problems.add(node, path, f"nested more than {MAX_DEPTH} levels deep")
        return None
    if isinstance(node, ScalarNode):
        if spans is not None:
            spans.append((node.start_mark.index, node.end_mark.index))
        if node.tag == _STR_TAG and not hidden:
            return node.value  # what `construct_yaml_str` gives
        cleaned = _without_invisible(node, path, problems) if hidden else None
        if cleaned is not None:
            return cleaned  # reported; checking goes on with what can be seen
    if isinstance(node, ScalarNode) and node.tag in _PLAIN_TEXT_TAGS and not node.style:
        return node.value  # `=` and `<<` resolve to YAML 1.1 special tags: they are just text
    allowed = _SCALAR_TAGS if isinstance(node, ScalarNode) else {_SEQ_TAG, _MAP_TAG}
    if node.tag not in allowed:
        problems.add(
            node, path, f"tags such as '{_short(node.tag)}' are not allowed: write plain values"
        )
        return None
    if isinstance(node, ScalarNode):
        try:
            return loader.yaml_constructors[node.tag](loader, node)
        except Exception:  # a value PyYAML cannot build is the author's to fix, not a crash
            problems.add(
                node, path, f"cannot read '{node.value[:40]}'; put it in quotes if it is text"
            )
            return None
    if isinstance(node, SequenceNode):
        items = []
        for index, child in enumerate(node.value):
            lines[(*path, index)] = child.start_mark.line
            items.append(
                _build(loader, child, (*path, index), lines, problems, hidden, spans, seen)
            )
        return items
    if isinstance(node, MappingNode):
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if seen is not None:
                if id(key_node) in seen:
                    raise _Twice
                seen.add(id(key_node))
                if isinstance(key_node, ScalarNode) and spans is not None:
                    spans.append((key_node.start_mark.index, key_node.end_mark.index))
            if isinstance(key_node, ScalarNode) and key_node.tag == _MERGE_TAG:
                problems.add(key_node, path, "merge keys (<<) are not allowed: write keys out")
                continue
            if not (isinstance(key_node, ScalarNode) and key_node.tag == "tag:yaml.org,2002:str"):
                shown = key_node.value if isinstance(key_node, ScalarNode) else "a list or mapping"
                problems.add(key_node, path, f"key {shown!r} must be plain text (put it in quotes)")
                continue
            key = (
                _without_invisible(key_node, (*path, key_node.value), problems) if hidden else None
            )
            key = key_node.value if key is None else key
            if key in mapping:
                problems.add(key_node, (*path, key), f"key '{key}' appears twice: keep one")
                continue
            lines[(*path, key)] = key_node.start_mark.line
            mapping[key] = _build(
                loader, value_node, (*path, key), lines, problems, hidden, spans, seen
            )
        return mapping
    problems.add(node, path, "unsupported YAML node")
    return None


def _without_invisible(node: ScalarNode, path: KeyPath, problems: Problems) -> str | None:
    """The text of `node` without the characters no text needs (typed as escapes such as
    "\\0" or "\\e": the reader refuses them typed in), each reported; None if it has none."""
    found = list(invisible(node.value))
    if not found:
        return None
    line, message = found[0]
    # A quoted value's escapes sit on the line it starts on; a block's lines are its own.
    block = node.style in ("|", ">")
    problems.items.append(
        YAMLProblem(node.start_mark.line + (1 + line if block else 0), message, path)
    )
    return strip_invisible(node.value)


def _line(event: yaml.Event | None) -> int:
    return event.start_mark.line if event is not None and event.start_mark else 0


def _short(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org") else tag
