"""The `peerkit` command: thin wrappers around the library's functions."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from peerkit.curriculum import check_folder
from peerkit.findings import summary
from peerkit.schema import module_schema_text


@click.group()
@click.version_option(package_name="peerkit")
def main() -> None:
    """Write peer-support training modules once; publish them as a site and as packs."""


@main.command()
@click.argument("path", default="modules", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--annotations/--no-annotations",
    default=None,
    help="Also print GitHub Actions annotations (default: on when CI is set).",
)
def check(path: Path, annotations: bool | None) -> None:
    """Check every module in PATH (default: modules/) and report each mistake as path:line."""
    result = check_folder(path)
    for finding in result.findings:
        click.echo(finding.format())
    if annotations if annotations is not None else bool(os.environ.get("CI")):
        for finding in result.findings:
            click.echo(finding.github_annotation())
    click.echo(summary(result.findings, result.files_checked), err=True)
    sys.exit(0 if result.ok else 1)


@main.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the schema to this file instead of printing it.",
)
@click.option("--check", "check_only", is_flag=True, help="Exit 1 if OUTPUT is out of date.")
def schema(output: Path | None, check_only: bool) -> None:
    """The JSON Schema of module front-matter, generated from peerkit's model."""
    text = module_schema_text()
    if output is None:
        click.echo(text, nl=False)
        return
    if check_only:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            click.echo(f"{output} is out of date: run 'peerkit schema -o {output}'", err=True)
            sys.exit(1)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}", err=True)
