"""`peerkit check` refuses what the build refuses: settings that would fetch from another
site (some only through the theme's script, like `repo_url`), and ids that clash in prose.
Each is reported at its line, the same way by both."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, copy_site, mkdocs_build

MINIMAL = (FIXTURES / "minimal.md").read_text(encoding="utf-8")
PROMISE = "so the privacy statement would not be true"


def peerkit(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Without CI set, so `peerkit check` prints its lines alone (no GitHub annotations).
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    return subprocess.run(
        [sys.executable, "-m", "peerkit", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    (number,) = [i for i, line in enumerate(lines, start=1) if line.strip().startswith(text)]
    return number


def test_settings_that_reach_other_sites_fail_check_and_build_at_their_line(
    tmp_path: Path,
) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("  font: false ", "  logo: https://example.org/logo.png\n  # font: false ")
    text = text.replace(
        "extra:\n", "extra:\n  analytics:\n    provider: google\n    property: G-PEERKIT\n"
    )
    text += (
        "repo_url: https://github.com/example/peer-training\n"
        "extra_css:\n  - assets/ours.css\n  - https://cdn.example.net/theme.css\n"
        "extra_javascript:\n  - path: //cdn.example.net/widget.js\n    defer: true\n"
    )
    config.write_text(text, encoding="utf-8")
    expected = [
        f"mkdocs.yml:{line_of(config, 'theme:')}: theme.font: every page would load Google "
        f"Fonts from fonts.googleapis.com, {PROMISE}: set `font: false` under theme (pages then "
        "use the reader's own fonts)",
        f"mkdocs.yml:{line_of(config, 'logo:')}: theme.logo: https://example.org/logo.png is "
        f"loaded from another site, {PROMISE}: copy the file into docs/ and give its path there",
        f"mkdocs.yml:{line_of(config, 'analytics:')}: extra.analytics: every visit would be "
        f"reported to another site, {PROMISE}: remove it",
        f"mkdocs.yml:{line_of(config, 'repo_url:')}: repo_url: every page would ask "
        f"api.github.com for the repository's stars and forks, {PROMISE}: remove repo_url, and "
        "link to the repository from a page instead",
        f"mkdocs.yml:{line_of(config, '- https://cdn.example.net/theme.css')}: extra_css: "
        f"https://cdn.example.net/theme.css is loaded from another site, {PROMISE}: copy the "
        "file into docs/ and list its path there",
        f"mkdocs.yml:{line_of(config, '- path: //cdn')}: extra_javascript: "
        f"//cdn.example.net/widget.js is loaded from another site, {PROMISE}: copy the file "
        "into docs/ and list its path there",
    ]
    checked = peerkit(root, "check", "modules")
    assert checked.returncode == 1
    assert checked.stdout.splitlines() == sorted(expected, key=lambda f: int(f.split(":")[1]))
    built = mkdocs_build(root, "--strict")
    assert built.returncode == 1
    for finding in expected:
        assert f"WARNING -  peerkit: {finding}\n" in built.output


def test_a_repository_elsewhere_that_the_theme_does_not_ask_about_is_allowed(
    tmp_path: Path,
) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + "repo_url: https://git.example.org/peers/training\n",
        encoding="utf-8",
    )
    checked = peerkit(root, "check", "modules")
    assert checked.returncode == 0, checked.stdout


def test_an_id_clash_in_prose_fails_check_and_build_at_its_line(tmp_path: Path) -> None:
    case = FIXTURES / "broken" / "duplicate-html-id"
    root = copy_site(tmp_path, modules={"listening.md": (case / "listening.md").read_text()})
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    checked = peerkit(root, "check", "modules")
    assert checked.returncode == 1
    assert checked.stdout.splitlines() == [f"modules/{line}" for line in expected]
    built = peerkit(root, "build", "--no-packs")
    assert built.returncode == 1
    for line in expected:
        assert f"ERROR   -  modules/{line}\n" in built.stderr
