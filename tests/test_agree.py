"""`peerkit check` refuses what the build refuses: settings that would fetch from another
site (some only through the theme's script, like `repo_url`), and ids that clash in prose.
Each is reported at its line, the same way by both."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES, copy_site, line_of, mkdocs_build, run_peerkit, site_config

MINIMAL = (FIXTURES / "minimal.md").read_text(encoding="utf-8")
PROMISE = "so the privacy statement would not be true"


def test_settings_that_reach_other_sites_fail_check_and_build_at_their_line(
    tmp_path: Path,
) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    with site_config(root) as settings:
        del settings["theme"]["font"]  # Material's default: Google Fonts
        settings["theme"]["logo"] = "https://example.org/logo.png"
        settings["extra"]["analytics"] = {"provider": "google", "property": "G-PEERKIT"}
        settings["repo_url"] = "https://github.com/example/peer-training"
        settings["extra_css"] = ["assets/ours.css", "https://cdn.example.net/theme.css"]
        settings["extra_javascript"] = [{"path": "//cdn.example.net/widget.js", "defer": True}]
    config = root / "mkdocs.yml"
    logo = line_of(config, "logo: https://")
    expected = [
        f"mkdocs.yml:{line_of(config, 'theme:')}: theme.font: every page would load Google "
        f"Fonts from fonts.googleapis.com, {PROMISE}: set `font: false` under theme (pages then "
        "use the reader's own fonts)",
        f"mkdocs.yml:{logo}: theme.logo: https://example.org/logo.png is "
        f"loaded from another site, {PROMISE}: copy the file into docs/ and give its path there",
        f"mkdocs.yml:{line_of(config, 'analytics:')}: extra.analytics: every visit would be "
        f"reported to another site, {PROMISE}: remove it",
        f"mkdocs.yml:{line_of(config, 'repo_url:')}: repo_url: every page would ask "
        f"api.github.com for the repository's stars and forks, {PROMISE}: remove repo_url, and "
        "link to the repository from a page instead",
        f"mkdocs.yml:{line_of(config, '- https://cdn.example.net/theme.css')}: extra_css: "
        f"https://cdn.example.net/theme.css is loaded from another site, {PROMISE}: copy the "
        "file into docs/ and list its path there",
        f"mkdocs.yml:{line_of(config, 'path: //cdn')}: extra_javascript: "
        f"//cdn.example.net/widget.js is loaded from another site, {PROMISE}: copy the file "
        "into docs/ and list its path there",
    ]
    checked = run_peerkit("check", "modules", cwd=root, process=True)
    assert checked.returncode == 1
    assert checked.stdout.splitlines() == sorted(expected, key=lambda f: int(f.split(":")[1]))
    built = mkdocs_build(root, "--strict")
    assert built.returncode == 1
    for finding in expected:
        assert f"WARNING -  peerkit: {finding}\n" in built.output


def test_a_repository_elsewhere_that_the_theme_does_not_ask_about_is_allowed(
    tmp_path: Path,
) -> None:
    root = copy_site(
        tmp_path,
        modules={"listening.md": MINIMAL},
        config={"repo_url": "https://git.example.org/peers/training"},
    )
    checked = run_peerkit("check", "modules", cwd=root, process=True)
    assert checked.returncode == 0, checked.stdout


def test_an_id_clash_in_prose_fails_check_and_build_at_its_line(tmp_path: Path) -> None:
    case = FIXTURES / "broken" / "duplicate-html-id"
    root = copy_site(tmp_path, modules={"listening.md": (case / "listening.md").read_text()})
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    checked = run_peerkit("check", "modules", cwd=root, process=True)
    assert checked.returncode == 1
    assert checked.stdout.splitlines() == [f"modules/{line}" for line in expected]
    built = run_peerkit("build", "--no-packs", cwd=root, process=True)
    assert built.returncode == 1
    for line in expected:
        assert f"ERROR   -  modules/{line}\n" in built.stderr
