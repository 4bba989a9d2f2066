"""Reading session plans: the YAML files in a site's `sessions/` folder, safely, with the line
of each key so that every finding points at its line."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pydantic import ValidationError

from peerkit import safeyaml
from peerkit.findings import Finding
from peerkit.load import describe_errors, read_text
from peerkit.sessions.ideas import load_bank
from peerkit.sessions.model import PLAN_SUFFIXES, Plan, PlanFile


def plan_paths(folder: Path) -> list[Path]:
    """The plan files in `folder`, skipping hidden and `_`-prefixed ones and folders (a named
    pipe or a link is listed, for `load_plan` to refuse)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix in PLAN_SUFFIXES and not p.is_dir() and not p.name.startswith((".", "_"))
    )


def parse_plan(path: Path, text: str) -> tuple[PlanFile | None, list[Finding]]:
    """A plan from its YAML text (which came from `path`)."""
    try:
        data, key_lines, problems = safeyaml.load(text)
    except safeyaml.YAMLProblem as problem:
        return None, [Finding(path, problem.line + 1, problem.message)]
    findings = [Finding(path, p.line + 1, p.message) for p in problems]
    line_map = {key: line + 1 for key, line in key_lines.items()}
    if not isinstance(data, dict):
        findings.append(Finding(path, 1, "a session plan is a set of keys such as 'title: ...'"))
        return None, findings
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        refused = [p.path for p in problems]
        details = [e for e in exc.errors() if not any(e["loc"][: len(r)] == r for r in refused)]
        findings.extend(describe_errors(path, details, data, line_map, Plan))
        return None, sorted(set(findings))
    if findings:
        return None, sorted(findings)
    return PlanFile(path, plan, line_map), []


def load_plan(path: Path, root: Path | None = None) -> tuple[PlanFile | None, list[Finding]]:
    """Read one plan file (inside the project `root`)."""
    text, findings = read_text(path, root)
    if text is None:
        return None, findings
    plan_file, findings = parse_plan(path, text)
    if plan_file is not None:
        bank, _ = load_bank(path.parent, root)  # its own mistakes: check_plans reports them
        if bank is not None:
            plan_file = replace(plan_file, ideas=bank.by_id())
    return plan_file, findings
