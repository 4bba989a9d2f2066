"""Is a site from `peerkit new` ready to publish? What is still peerkit's placeholder text.

`peerkit new` fills a site with prompts for its owner ("*Replace this paragraph with…*"),
an example module, an example email address and a placeholder logo. Each is fine while the
site is being made, and wrong on a published site. `placeholders` finds each one still there,
at its line, by comparing with the template the site came from, so text the owner has
changed is never reported.
"""

from __future__ import annotations

import re
from pathlib import Path

from peerkit.findings import Finding
from peerkit.scaffold import SITE, module_skeleton

EXAMPLE_MODULE = ("getting-started", "Getting started with peer support")
"""The example module `peerkit new` writes (see `peerkit.scaffold.new_site`)."""

_PROMPT = re.compile(r"^\*[A-Z].*")
_EXAMPLE_ADDRESSES = ("hello@example.org",)


def _prompts() -> dict[str, set[str]]:
    """The first line of each prompt for the owner in the template's pages, by page."""
    prompts: dict[str, set[str]] = {}
    for page in (SITE / "docs").rglob("*.md"):
        lines = page.read_text(encoding="utf-8").splitlines()
        found = {line.strip() for line in lines if _PROMPT.match(line.strip())}
        if found:
            prompts[page.relative_to(SITE).as_posix()] = found
    return prompts


def placeholders(root: Path) -> list[Finding]:
    """Placeholder text from `peerkit new` that is still in the site at `root`."""
    findings = []
    for rel, prompts in sorted(_prompts().items()):
        page = root / rel
        if not page.is_file():
            continue
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip() in prompts:
                findings.append(
                    Finding(page, number, "a prompt from peerkit new: write your own text here")
                )
    module = root / "modules" / f"{EXAMPLE_MODULE[0]}.md"
    if module.is_file() and module.read_text(encoding="utf-8") == module_skeleton(*EXAMPLE_MODULE):
        message = "the example module from peerkit new, unchanged: make it your own or delete it"
        findings.append(Finding(module, 1, message))
    config = root / "mkdocs.yml"
    if config.is_file():
        for number, line in enumerate(config.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            for address in _EXAMPLE_ADDRESSES:
                if address in code:
                    findings.append(
                        Finding(config, number, f"{address} is an example: give your own contact")
                    )
    logo = root / "docs" / "assets" / "logo.svg"
    if logo.is_file() and logo.read_bytes() == (SITE / "docs" / "assets" / "logo.svg").read_bytes():
        findings.append(Finding(logo, 1, "the placeholder logo from peerkit new: use your own"))
    return findings
