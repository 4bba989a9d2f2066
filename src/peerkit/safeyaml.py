"""YAML for untrusted files: plain data only, every key's line remembered.

PyYAML's `safe_load` still expands aliases (a few hundred bytes can become millions of items),
silently keeps the last of two equal keys and forgets where anything came from. This loader
composes the document itself and builds plain Python data from the nodes, refusing anchors,
aliases, tags, duplicate keys, non-text keys and very deep nesting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from peerkit.characters import invisible, strip_invisible

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


if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _Reader(Composer, CParser, SafeConstructor, Resolver):
        """libyaml's parser (about 15 times faster) under PyYAML's Python composer."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            Composer.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml
    _Reader = yaml.SafeLoader  # type: ignore[misc,assignment]


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
    data = _build(loader, root, (), lines, problems)
    return data, lines, problems.items


def _build(
    loader: SafeConstructor,
    node: Node,
    path: KeyPath,
    lines: dict[KeyPath, int],
    problems: Problems,
) -> Any:
    if len(path) > MAX_DEPTH:
        problems.add(node, path, f"nested more than {MAX_DEPTH} levels deep")
        return None
    if isinstance(node, ScalarNode):
        cleaned = _without_invisible(node, path, problems)
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
            items.append(_build(loader, child, (*path, index), lines, problems))
        return items
    if isinstance(node, MappingNode):
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag == _MERGE_TAG:
                problems.add(key_node, path, "merge keys (<<) are not allowed: write keys out")
                continue
            if not (isinstance(key_node, ScalarNode) and key_node.tag == "tag:yaml.org,2002:str"):
                shown = key_node.value if isinstance(key_node, ScalarNode) else "a list or mapping"
                problems.add(key_node, path, f"key {shown!r} must be plain text (put it in quotes)")
                continue
            key = _without_invisible(key_node, (*path, key_node.value), problems)
            key = key_node.value if key is None else key
            if key in mapping:
                problems.add(key_node, (*path, key), f"key '{key}' appears twice: keep one")
                continue
            lines[(*path, key)] = key_node.start_mark.line
            mapping[key] = _build(loader, value_node, (*path, key), lines, problems)
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
