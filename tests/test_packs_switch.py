"""The `packs` switch: `auto` (the default) builds packs with `mkdocs build` and leaves them out
with `mkdocs serve`, where they would slow every edit; an explicit value always wins."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config

from peerkit.mkdocs_plugin.plugin import PeerkitPlugin


def _plugin(command: str | None, **options: object) -> PeerkitPlugin:
    plugin = PeerkitPlugin()
    errors, _ = plugin.load_config(options)
    assert not errors, errors
    if command is not None:
        plugin.on_startup(command=command, dirty=False)
    return plugin


def test_packs_default_to_auto() -> None:
    assert _plugin(None).config.packs == "auto"


@pytest.mark.parametrize(
    ("command", "packs"), [("build", True), ("gh-deploy", True), ("serve", False), (None, True)]
)
def test_auto_packs_are_built_by_build_and_left_out_by_serve(
    command: str | None, packs: bool
) -> None:
    assert _plugin(command).packs_enabled is packs
    assert _plugin(command, packs="auto").packs_enabled is packs
    assert _plugin(command, packs="AUTO").packs_enabled is packs


@pytest.mark.parametrize("command", ["build", "serve"])
@pytest.mark.parametrize(
    ("value", "packs"), [(True, True), ("on", True), (False, False), ("off", False)]
)
def test_an_explicit_packs_value_wins_over_the_command(
    command: str, value: object, packs: bool
) -> None:
    plugin = _plugin(command, packs=value)
    assert plugin.packs_enabled is packs
    assert bool(plugin.downloads("modules/x/", [("Pack", "packs/x.pdf")])) is packs


def test_a_wrong_packs_value_names_auto_among_the_choices() -> None:
    errors, _ = PeerkitPlugin().load_config({"packs": "sometimes"})
    assert errors
    assert "expected true, false or auto" in str(errors[0][1])


@pytest.mark.parametrize(("value", "packs"), [(None, True), ("off", False), ("on", True)])
def test_env_packs_in_mkdocs_yml_win_under_serve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str | None, packs: bool
) -> None:
    """`packs: !ENV [PEERKIT_PACKS, true]`: packs under serve too, unless PEERKIT_PACKS is off."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Test\nplugins:\n  - peerkit:\n      packs: !ENV [PEERKIT_PACKS, true]\n",
        encoding="utf-8",
    )
    if value is None:
        monkeypatch.delenv("PEERKIT_PACKS", raising=False)
    else:
        monkeypatch.setenv("PEERKIT_PACKS", value)
    config = load_config(str(tmp_path / "mkdocs.yml"))
    plugin = config.plugins["peerkit"]
    assert isinstance(plugin, PeerkitPlugin)
    plugin.on_startup(command="serve", dirty=False)
    assert plugin.packs_enabled is packs
