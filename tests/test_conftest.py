"""The fixture-site factory the other tests build on: mkdocs.yml edited as data keeps every
other setting, tags MkDocs resolves included."""

from __future__ import annotations

from pathlib import Path

from mkdocs.utils.yaml import get_yaml_loader

from conftest import ROOT, Tagged, copy_site, peerkit_options, read_config, site_config


def test_a_fixture_site_changes_only_what_it_is_asked_to(tmp_path: Path) -> None:
    root = copy_site(tmp_path, modules={}, plugin={"browse": False}, config={"nav": None})
    reference, copy = read_config(ROOT / "mkdocs.yml"), read_config(root / "mkdocs.yml")
    # Its own modules: the reference modules' vocabulary is left out too (see copy_site).
    expected = {k: v for k, v in peerkit_options(reference).items() if k != "vocabulary"}
    assert peerkit_options(copy) == {**expected, "browse": False}
    assert "nav" in reference and "nav" not in copy
    assert {k: v for k, v in copy.items() if k != "plugins"} == {
        k: v for k, v in reference.items() if k not in ("plugins", "nav")
    }


def test_tags_that_mkdocs_resolves_are_written_back_as_they_were(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "plugins:\n  - peerkit:\n      packs: !ENV [PEERKIT_PACKS, false]\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        encoding="utf-8",
    )
    with site_config(tmp_path) as config:
        assert peerkit_options(config)["packs"] == Tagged("!ENV", ["PEERKIT_PACKS", False])
        peerkit_options(config)["organisation"] = "Riverside"
    text = (tmp_path / "mkdocs.yml").read_text(encoding="utf-8")
    loaded = get_yaml_loader()(text)
    try:
        data = loaded.get_single_data()
    finally:
        loaded.dispose()
    assert data["plugins"] == [{"peerkit": {"packs": False, "organisation": "Riverside"}}]
    emoji = data["markdown_extensions"][0]["pymdownx.emoji"]["emoji_index"]
    assert emoji.__name__ == "twemoji"
