"""The JSON Schema for module front-matter, generated from the model."""

from __future__ import annotations

import json
from typing import Any

from peerkit.model import Module


def module_schema() -> dict[str, Any]:
    schema = Module.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "peerkit module",
        "description": "The YAML front-matter of one training module in modules/.",
    }


def module_schema_text() -> str:
    """The schema as committed in `schema/module.schema.json` (stable key order, final newline)."""
    return json.dumps(module_schema(), indent=2, ensure_ascii=False) + "\n"
