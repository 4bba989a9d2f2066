"""One project loader (peerkit.project): check, stats, pack, build and the plugin read a site's
mkdocs.yml the same way, so each says the same thing about it."""

from __future__ import annotations

import logging
from pathlib import Path
from textwrap import dedent

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

from peerkit.project import Project
from peerkit.site import settings_from_config

from conftest import FIXTURES, ROOT, run_peerkit

MINIMAL = (FIXTURES / "minimal.md").read_text(encoding="utf-8")


def _site(tmp_path: Path, plugin_options: str) -> Path:
    """A small site: one module (`listening`), no sessions, the given plugin options."""
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "listening.md").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    options = "".join(f"      {line}\n" for line in dedent(plugin_options).strip().splitlines())
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Riverside\ntheme: {name: material, font: false}\n"
        "plugins:\n  - peerkit:\n" + options,
        encoding="utf-8",
    )
    return tmp_path


def test_stats_include_the_reference_modules_the_site_chooses(tmp_path: Path) -> None:
    root = _site(tmp_path, "reference_modules: [boundaries]")
    proc = run_peerkit("stats", "modules", cwd=root)
    assert proc.returncode == 0, proc.output
    first_cells = [line.split()[0] for line in proc.stdout.splitlines()[1:]]
    # Boundaries builds on other reference modules, which come with it.
    assert "listening" in first_cells and "boundaries" in first_cells, proc.stdout


def test_check_warns_about_brand_colours_below_wcag_aa_at_their_line(tmp_path: Path) -> None:
    root = _site(tmp_path, "brand: {primary: '#7fb3ff'}\nsafety: {}")
    proc = run_peerkit("check", cwd=root)
    lines = [line for line in proc.stdout.splitlines() if "brand" in line]
    assert lines == [
        "mkdocs.yml:5: warning: plugins.peerkit.brand.primary: #7fb3ff gives white header "
        "text on it a contrast of 2.14:1, below WCAG AA (4.5:1): choose a darker colour"
    ], proc.stdout
    assert proc.returncode == 0, proc.output  # a warning: the site may still publish


def test_a_settings_mistake_reads_the_same_in_check_pack_and_the_build(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _site(tmp_path, "contact:\n  email: [not, text]")
    expected = "mkdocs.yml:6: plugins.peerkit.contact.email: "
    checked = run_peerkit("check", cwd=root)
    assert checked.returncode == 1
    said = [line for line in checked.stdout.splitlines() if "contact" in line]
    assert len(said) == 1 and said[0].startswith(expected), checked.stdout

    # `peerkit pack` and `peerkit export` read the settings with settings_from_config.
    monkeypatch.chdir(root)
    with pytest.raises(ValueError) as raised:
        settings_from_config(Path("mkdocs.yml"))
    assert str(raised.value) == said[0]

    # The plugin, as `peerkit build` and `mkdocs build` run it.
    config = load_config(str(root / "mkdocs.yml"))
    with (
        caplog.at_level(logging.ERROR, logger="mkdocs.plugins.peerkit"),
        pytest.raises(PluginError),
    ):
        config.plugins.on_config(config)
    assert [r.getMessage() for r in caplog.records if "contact" in r.getMessage()] == said


def test_check_on_a_folder_that_does_not_exist_says_so_in_one_line(tmp_path: Path) -> None:
    _site(tmp_path, "reference_modules: [boundaries]")  # nothing around it is checked
    proc = run_peerkit("check", "nosuchfolder", cwd=tmp_path, process=True)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == ["nosuchfolder:1: no such folder of modules"]
    assert proc.stderr == ""


def test_a_project_parses_each_module_file_once(tmp_path: Path) -> None:
    root = _site(tmp_path, "reference_modules: [boundaries]")
    project = Project.from_config(root / "mkdocs.yml")
    read: list[Path] = []
    load = project.load

    def counting(path: Path, where: Path | None = None) -> object:
        read.append(path.absolute())
        return load(path, where)

    project.load = counting  # type: ignore[method-assign,assignment]
    checked = project.check()
    assert checked.ok, checked.findings
    assert {p.stem for p in read} >= {"listening", "boundaries"}
    assert len(project._loaded) == len({p for p in read}), "a module file was parsed twice"


@pytest.mark.parametrize(
    ("value", "packs"), [("off", False), ("0", False), ("no", False), ("on", True), (None, True)]
)
def test_packs_follow_peerkit_packs_through_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str | None, packs: bool
) -> None:
    """PEERKIT_PACKS reaches the plugin only through `!ENV` in mkdocs.yml, as in the reference
    site's and every new site's."""
    for config_file in (ROOT / "mkdocs.yml", ROOT / "src/peerkit/scaffold/site/mkdocs.yml"):
        assert "packs: !ENV [PEERKIT_PACKS, true]" in config_file.read_text(encoding="utf-8")
    root = _site(tmp_path, "packs: !ENV [PEERKIT_PACKS, true]")
    if value is None:
        monkeypatch.delenv("PEERKIT_PACKS", raising=False)
    else:
        monkeypatch.setenv("PEERKIT_PACKS", value)
    config = load_config(str(root / "mkdocs.yml"))
    assert config.plugins["peerkit"].config.packs is packs
