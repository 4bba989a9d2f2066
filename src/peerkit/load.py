"""Module files to the model, with every mistake reported at its line."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from peerkit import safeyaml
from peerkit.bodylimits import body_problems
from peerkit.characters import invisible
from peerkit.findings import Finding, did_you_mean
from peerkit.model import CHIME, PEER_VALUES, Module, ModuleFile, Value, slugify
from peerkit.safefiles import Refused, read_bytes

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FRONT_MATTER_BYTES = 256 * 1024

# YAML counts these as line breaks where editors do not, which would skew every line number.
_SEPARATORS = re.compile("[\u2028\u2029\x85]|\r(?!\n)")
_SEPARATOR_MESSAGE = "an invisible line separator (U+{:04X}) is here: delete it"
_FENCE = re.compile(r"^---[ \t]*$")
# The front-matter ends at the first line after the opening one that is `---` or `...` (then
# spaces or tabs), found in one search. Editors' lines: only \n ends one (a lone \r is refused
# before this), so a line may end in \r\n.
# (Searching for the line break before it, not MULTILINE's `^`, which is tried everywhere.)
_CLOSING_FENCE = re.compile(r"\n(?:---|\.\.\.)[ \t]*\r*(?=\n|\Z)")


def module_paths(folder: Path) -> list[Path]:
    """Every module file under `folder`: Markdown files, except READMEs and `_`-prefixed ones."""
    return sorted(
        p
        for p in folder.rglob("*.md")
        if p.name.lower() != "readme.md"
        and not any(part.startswith(("_", ".")) for part in p.relative_to(folder).parts)
    )


def read_text(path: Path, root: Path | None = None) -> tuple[str | None, list[Finding]]:
    """A content file's text, or why it cannot be read (outside the project `root`, not a
    regular file, too large, not UTF-8, odd line breaks)."""
    try:
        raw = read_bytes(path, MAX_FILE_BYTES, root)
    except Refused as refused:
        return None, [Finding(path, 1, refused.message)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Finding(path, line, "file is not UTF-8 text")]
    separators = _separators(path, text)
    return (None, separators) if separators else (text, [])


def _separators(path: Path, text: str) -> list[Finding]:
    if not ("\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text):
        return []  # the usual case, found without the regular expression's slow alternation
    return [
        Finding(path, text.count("\n", 0, m.start()) + 1, _SEPARATOR_MESSAGE.format(ord(m[0])))
        for m in _SEPARATORS.finditer(text)
    ]


def load_module(path: Path, root: Path | None = None) -> tuple[ModuleFile | None, list[Finding]]:
    """Read one module file (inside the project `root`). Returns the module (None when it
    has errors) and its findings."""
    text, findings = read_text(path, root)
    return parse_module(path, text) if text is not None else (None, findings)


def parse_module(path: Path, text: str) -> tuple[ModuleFile | None, list[Finding]]:
    """Parse module text (front-matter and Markdown body) that came from `path`."""
    front, findings = _read_module(path, text)
    return _validated(path, front) if front is not None else (None, findings)


_Read = tuple[dict[str, Any], dict[tuple[str | int, ...], int], list[Any], list[Finding], str, int]
"""A module file read but not yet validated, as plain data (quick to pass between processes):
its front-matter, each key's line, the key paths the YAML reader refused, the findings so far,
the body and the body's first line."""


def _read_module(path: Path, text: str) -> tuple[_Read | None, list[Finding]]:
    """Everything `parse_module` does but validating the front-matter: the file read (or None)
    and the findings that stop it there."""
    separators = _separators(path, text)
    if separators:
        return None, separators
    first_end = text.find("\n") + 1 or len(text)  # the first line, with its line break
    if not text or not _FENCE.match(text[:first_end].rstrip("\r\n")):
        return None, [
            Finding(
                path, 1, "no front-matter: a module file starts with a line of three dashes (---)"
            )
        ]
    closing = _CLOSING_FENCE.search(text, first_end - 1) if text[first_end - 1] == "\n" else None
    if closing is None:
        return None, [
            Finding(path, 1, "front-matter is not closed: add a line of three dashes (---)")
        ]
    fence = closing.start() + 1  # where the closing line starts
    end = text.count("\n", 0, fence)  # its 0-based number
    body_start = text.find("\n", fence) + 1 or len(text)
    front = text[first_end:fence]
    # (A character is at most 4 bytes: most front-matter is measured without encoding it.)
    if len(front) * 4 > MAX_FRONT_MATTER_BYTES and len(front.encode()) > MAX_FRONT_MATTER_BYTES:
        return None, [
            Finding(path, 1, f"front-matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB")
        ]
    offset = 2  # the YAML's first line is the file's second

    try:
        data, key_lines, problems = safeyaml.load(front)
    except safeyaml.YAMLProblem as problem:
        return None, [Finding(path, problem.line + offset, problem.message)]
    findings = [Finding(path, p.line + offset, p.message) for p in problems]
    line_map = {key: line + offset for key, line in key_lines.items()}
    if not isinstance(data, dict):
        findings.append(
            Finding(path, offset, "front-matter should be a set of keys such as 'id: ...'")
        )
        return None, findings
    body = text[body_start:]
    body_line = end + 2
    findings.extend(Finding(path, body_line + line, message) for line, message in invisible(body))
    findings.extend(
        Finding(path, body_line + line, message) for line, message in body_problems(body)
    )
    return (data, line_map, [p.path for p in problems], findings, body, body_line), []


def _validated(path: Path, read: _Read) -> tuple[ModuleFile | None, list[Finding]]:
    """The module `_read_module` read, checked against the model (findings come sorted)."""
    data, line_map, refused, findings, body, body_line = read
    findings = list(findings)
    try:
        module = Module.model_validate(data)
    except ValidationError as exc:
        # A value the YAML reader refused is already reported: skip what follows from it.
        details = [
            e
            for e in exc.errors()
            if not any(_data_loc(e["loc"], data)[: len(r)] == r for r in refused)
        ]
        findings.extend(describe_errors(path, details, data, line_map))
        module = None
    if findings or module is None:
        return None, sorted(findings)
    # Built from validated parts: `model_construct` skips checking each of the key paths again.
    loaded = ModuleFile.model_construct(
        path=path, module=module, body=body, body_line=body_line, lines=line_map
    )
    return loaded, []


ModuleLoader = Callable[[Path, Path | None], tuple[ModuleFile | None, list[Finding]]]
"""`load_module`, or a stand-in that remembers what it read (see `peerkit.project`)."""


PARALLEL_FROM = 64
"""Folders with at least this many modules are loaded by one process per core (`parallel`)."""


def load_folder(
    folder: Path, load: ModuleLoader = load_module, *, parallel: bool = False
) -> tuple[list[ModuleFile], list[Finding], int]:
    """Load every module file in `folder`: (the valid modules, all findings, files read).

    With `parallel`, a large folder is read by one process per core, which parse each file's
    YAML; this process validates what they send back (forked: only from a process with no
    other threads, such as `peerkit check`)."""
    paths = module_paths(folder)
    root = folder.absolute().parent
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if parallel and cores > 1 and len(paths) >= PARALLEL_FROM:
        loaded = _load_in_parallel(paths, root, cores)
    else:
        loaded = [load(path, root) for path in paths]
    files: list[ModuleFile] = []
    findings: list[Finding] = []
    for module_file, found in loaded:
        findings.extend(found)
        if module_file is not None:
            files.append(module_file)
    return files, findings, len(paths)


def _read_many(paths: list[Path], root: Path) -> list[tuple[_Read | None, list[Finding]]]:
    """Each of `paths` read (in a worker): plain data, which is quicker to send back than
    models; the parent validates it."""
    found: list[tuple[_Read | None, list[Finding]]] = []
    for path in paths:
        text, findings = read_text(path, root)
        found.append(_read_module(path, text) if text is not None else (None, findings))
    return found


def _load_in_parallel(
    paths: list[Path], root: Path, cores: int
) -> list[tuple[ModuleFile | None, list[Finding]]]:
    """`load_module` for each of `paths`, in order, in a pool of forked processes."""
    import multiprocessing  # only a large `peerkit check` needs these
    from concurrent.futures import ProcessPoolExecutor

    workers = min(cores, 8)
    chunks = [paths[i::workers] for i in range(workers)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        done = list(pool.map(_read_many, chunks, [root] * workers))
    order = {path: n for n, path in enumerate(paths)}
    pairs = [
        (path, result)
        for chunk, results in zip(chunks, done, strict=True)
        for path, result in zip(chunk, results, strict=True)
    ]
    return [
        _validated(path, read) if read is not None else (None, findings)
        for path, (read, findings) in sorted(pairs, key=lambda pair: order[pair[0]])
    ]


# --- turning pydantic's errors into sentences a module author can act on -----------------


def describe_errors(
    path: Path,
    errors: Iterable[ErrorDetails],
    data: dict[str, Any],
    line_map: dict[tuple[str | int, ...], int],
    root: type[BaseModel] = Module,
) -> list[Finding]:
    """Pydantic's errors for `data` (read from `path`, lines in `line_map`) as findings."""
    findings = []
    seen: set[tuple[int, str]] = set()
    for error in errors:
        loc = _data_loc(error["loc"], data)
        line = _line_of(loc, line_map)
        message = _message(error, loc, data, root)
        if (line, message) not in seen:
            seen.add((line, message))
            findings.append(Finding(path, line, message))
    return findings


def _data_loc(loc: tuple[str | int, ...], data: Any) -> tuple[str | int, ...]:
    """Pydantic's location without the entries that name validators rather than keys."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str):
            out.append(part)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int):
            out.append(part)
            node = node[part] if 0 <= part < len(node) else None
        elif node is None and isinstance(part, str) and not part.startswith(("function-", "json-")):
            out.append(part)  # a missing key below a present one
        # other parts ('function-after[...]', 'str' in unions) describe validators: skip them
    return tuple(out)


def _line_of(loc: tuple[str | int, ...], line_map: dict[tuple[str | int, ...], int]) -> int:
    for end in range(len(loc), -1, -1):
        if loc[:end] in line_map:
            return line_map[loc[:end]]
    return 2


def _where(loc: tuple[str | int, ...], data: Any) -> str:
    """A readable key path: list items are named by their `id` when they have one."""
    text = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            item_id = item.get("id") if isinstance(item, dict) else None
            text += f".{item_id}" if isinstance(item_id, str) and item_id else f"#{part + 1}"
            node = item
        else:
            text += f".{part}" if text else part
            node = node.get(part) if isinstance(node, dict) else None
    return text


def _model_at(loc: tuple[str | int, ...], root: type[BaseModel]) -> type[BaseModel] | None:
    """The model class whose keys are valid at `loc` (for "did you mean" suggestions)."""
    model = root
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        found = _find_model(field.annotation)
        if found is None:
            return None
        model = found
    return model


def _find_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _find_model(arg)
        if found is not None:
            return found
    meta = getattr(annotation, "__origin__", None)
    return _find_model(meta) if meta is not None and meta is not annotation else None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of keys"
    if value is None:
        return "empty"
    return type(value).__name__


def _message(
    error: ErrorDetails, loc: tuple[str | int, ...], data: dict[str, Any], root: type[BaseModel]
) -> str:
    kind = error["type"]
    given = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        parent = _where(loc[:-1], data)
        text = f"missing required key '{loc[-1]}'"
        return f"{parent}: {text}" if parent else text
    where = _where(loc, data) or ("front-matter" if root is Module else "")
    if not where:  # a rule about the whole file
        return f"{error['msg'].removeprefix('Value error, ')}"
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1], root)
        hint = did_you_mean(str(loc[-1]).lower(), model.model_fields) if model else ""
        parent = _where(loc[:-1], data)
        text = f"unknown key '{loc[-1]}'{hint}"
        return f"{parent}: {text}" if parent else text
    if kind == "enum" and root is Module and loc and loc[0] == "values":
        choices = [v.value for v in Value]
        return (
            f"{where}: unknown value '{given}'{did_you_mean(str(given).lower(), choices)}; "
            f"use CHIME values ({', '.join(CHIME)}) or peer values ({', '.join(PEER_VALUES)})"
        )
    if kind == "enum":
        return f"{where}: '{given}' is not one of {ctx.get('expected', '')}"
    if kind == "string_type":
        hint = " (put it in quotes)" if isinstance(given, int | float | bool) else ""
        return f"{where}: should be text, not {_kind(given)}{hint}"
    if kind == "string_pattern_mismatch":
        if loc and loc[-1] == "version":
            return f'{where}: \'{given}\' should be a version like "1.0" or "2.1.3"'
        if loc and loc[-1] == "url":
            return f"{where}: '{given}' should be a web address starting with https://"
        if len(loc) >= 2 and loc[-2] == "brand":
            return f"{where}: '{given}' should be a colour as six hex digits, like \"#00574b\""
        return (
            f"{where}: '{given}' is not a valid id; use lowercase letters, digits and hyphens,"
            f" like '{slugify(str(given), 'my-id')}'"
        )
    if kind in {"string_too_short", "too_short"}:
        if isinstance(given, list):
            needed = ctx.get("min_length", 1)
            return f"{where}: needs at least {needed} item{'s' if needed != 1 else ''}"
        return f"{where}: should not be empty"
    if kind == "too_long":
        return (
            f"{where}: has {ctx.get('actual_length', len(given) if given else '?')} items,"
            f" more than the {ctx.get('max_length')} allowed"
        )
    if kind == "string_too_long":
        return f"{where}: is too long (at most {ctx.get('max_length')} characters)"
    if kind == "list_type":
        return (
            f"{where}: should be a list (one item per line, each starting with '- '),"
            f" not {_kind(given)}"
        )
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"{where}: should be a set of keys, not {_kind(given)}"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"{where}: should be a whole number, not {_kind(given)}"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"{where}: should be at least {ctx.get('ge', ctx.get('gt'))}"
    if kind in {"less_than_equal", "less_than"}:
        return f"{where}: should be at most {ctx.get('le', ctx.get('lt'))}"
    if kind == "value_error":
        return f"{where}: {ctx.get('error', error['msg'])}"
    return f"{where}: {error['msg'][0].lower()}{error['msg'][1:]}"
