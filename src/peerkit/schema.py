"""JSON Schemas for editors, generated from the model: module front-matter and session plans."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from peerkit.model import Module
from peerkit.sessions.ideas import IdeaBank
from peerkit.sessions.model import Plan

SCHEMAS: dict[str, tuple[type[BaseModel], str, str]] = {
    "module": (
        Module,
        "peerkit module",
        "The YAML front-matter of one training module in modules/.",
    ),
    "session": (
        Plan,
        "peerkit session plan",
        "A session plan in sessions/: a running order of activities, modules and other items.",
    ),
    "self-care-ideas": (
        IdeaBank,
        "peerkit self-care bank",
        "sessions/_self-care-ideas.yml: free self-care ideas, 15 to 20 minutes each, that a"
        " plan's self-care item names with `idea:`.",
    ),
}


def schema(kind: str = "module") -> dict[str, Any]:
    model, title, description = SCHEMAS[kind]
    generated = model.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **generated,
        "title": title,
        "description": description,
    }


def module_schema() -> dict[str, Any]:
    return schema("module")


def schema_text(kind: str = "module") -> str:
    """A schema as committed in `schema/<kind>.schema.json` (stable key order, final newline)."""
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"


def module_schema_text() -> str:
    return schema_text("module")
