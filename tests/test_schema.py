"""One schema source: the committed JSON Schema is the model's, and editors can use it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from peerkit import safeyaml
from peerkit.npm import package_json, package_lock
from peerkit.schema import module_schema, module_schema_text, schema, schema_text
from peerkit.sessions.load import plan_paths

from conftest import FIXTURES, ROOT, run_peerkit

SCHEMA_FILE = ROOT / "schema" / "module.schema.json"


def front_matter(path: Path) -> object:
    text = path.read_text(encoding="utf-8")
    data, _, problems = safeyaml.load(text.split("---\n", 2)[1])
    assert not problems
    return data


def test_committed_schema_matches_the_model() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == module_schema_text(), (
        "schema/module.schema.json is out of date: run 'make schema'"
    )


def test_schema_command_reports_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "module.schema.json"
    stale.write_text("{}\n", encoding="utf-8")
    proc = run_peerkit("schema", "-o", str(stale), "--check")
    assert proc.returncode == 1
    assert "is out of date" in proc.stderr


@pytest.mark.parametrize(
    "path", [*sorted((ROOT / "modules").glob("*.md")), FIXTURES / "minimal.md"]
)
def test_schema_accepts_valid_modules(path: Path) -> None:
    jsonschema.Draft202012Validator(module_schema()).validate(front_matter(path))


def test_schema_rejects_what_the_checker_rejects() -> None:
    validator = jsonschema.Draft202012Validator(module_schema())
    for case in ("unknown-key", "unknown-value", "missing-key", "wrong-type"):
        data = front_matter(FIXTURES / "broken" / case / "listening.md")
        assert list(validator.iter_errors(data)), case


def test_module_files_point_editors_at_the_schema() -> None:
    for path in sorted((ROOT / "modules").glob("*.md")):
        second_line = path.read_text(encoding="utf-8").splitlines()[1]
        assert second_line == "# yaml-language-server: $schema=../schema/module.schema.json"
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))["title"] == "peerkit module"


def test_committed_session_schema_matches_the_model() -> None:
    committed = (ROOT / "schema" / "session.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text("session"), "out of date: run 'make schema'"


@pytest.mark.parametrize("path", plan_paths(ROOT / "sessions"), ids=lambda p: p.stem)
def test_session_schema_accepts_the_reference_plans_and_editors_find_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schema/session.schema.json"
    data, _, problems = safeyaml.load(text)
    assert not problems
    jsonschema.Draft202012Validator(schema("session")).validate(data)


def test_self_care_bank_schema_is_the_models_and_accepts_the_reference_bank() -> None:
    committed = (ROOT / "schema" / "self-care-ideas.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text("self-care-ideas"), "out of date: run 'make schema'"
    text = (ROOT / "sessions" / "_self-care-ideas.yml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        "# yaml-language-server: $schema=../schema/self-care-ideas.schema.json"
    )
    data, _, problems = safeyaml.load(text)
    assert not problems
    validator = jsonschema.Draft202012Validator(schema("self-care-ideas"))
    validator.validate(data)
    data["ideas"][0]["cost"] = "£2"
    assert list(validator.iter_errors(data))  # the bank holds free ideas only


def test_session_schema_rejects_an_item_of_two_kinds_and_unknown_keys() -> None:
    validator = jsonschema.Draft202012Validator(schema("session"))
    base = {"title": "T", "start": "10:00", "available": 60}
    assert not list(validator.iter_errors({**base, "items": [{"break": "Tea", "minutes": 5}]}))
    assert list(validator.iter_errors({**base, "items": [{"brake": "Tea", "minutes": 5}]}))
    assert list(validator.iter_errors({**base, "items": [{"break": "Tea"}], "colour": "red"}))


def test_the_npm_lock_file_is_the_pin_peerkit_writes() -> None:
    """package.json and package-lock.json are written from `peerkit.npm.PINS`: a site made
    by `peerkit new` gets the same pin as this repository."""
    name = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["name"]
    assert json.loads((ROOT / "package.json").read_text(encoding="utf-8")) == package_json(name)
    assert json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8")) == package_lock(
        name
    )
