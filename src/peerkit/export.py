"""`peerkit export`: the generated pages as plain Markdown files, for any Markdown site tool.

A site does not have to be built by MkDocs to carry peerkit's pages. This writes what the
plugin would add to a site (a page per module, a page per session plan, the browse pages, an
index page) as Markdown files with YAML front-matter (`title`, `description`, `tags`), plus
the assets they use, into a folder. peerkit's own blocks are raw HTML with no blank lines
inside, so CommonMark tools and Python-Markdown alike keep each one whole. An author's prose
stays Markdown; a passage of prose that holds raw HTML is written as the cleaned HTML it
becomes (as on the site), so nothing unsafe in a module reaches the other tool.

Links between pages are relative and name the pages' addresses, which depend on the tool:
`links="html"` for `modules/boundaries.html` (MkDocs with `use_directory_urls: false`, and
most static hosts), `links="directory"` for `modules/boundaries/`.

Like everything in peerkit's core, this imports nothing from MkDocs.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import markdown
import yaml
from markupsafe import escape

from peerkit.browse.index import (
    BROWSE_KINDS,
    browse_script,
    curriculum_index,
    index_json,
    index_script,
)
from peerkit.browse.pages import BROWSE_PAGES, browse_page, script_files
from peerkit.browse.pages import stylesheet as browse_stylesheet
from peerkit.colour import brand_css
from peerkit.findings import Finding, errors
from peerkit.project import Project
from peerkit.render import Link, RenderedModule
from peerkit.render.page import SLOT
from peerkit.render.sanitize import clean_html
from peerkit.sessions.view import session_page, sessions_of
from peerkit.site import SiteSettings

LinkStyle = Literal["html", "directory"]
MARKER = ".peerkit-export"
"""A file in every export: only a folder holding it (or an empty one) is ever replaced."""

ASSETS = Path(__file__).parent / "render" / "assets"
_PROSE_EXTENSIONS = ["toc", "attr_list", "md_in_html", "tables"]


class ExportError(Exception):
    """The folder cannot take an export; nothing was written."""


@dataclass
class Export:
    """What an export wrote, or the findings that stopped it (then nothing was written)."""

    folder: Path
    findings: list[Finding]
    pages: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not errors(self.findings)


def page_url(src: str, style: LinkStyle) -> str:
    """The address a tool gives the Markdown file `src` (e.g. `modules/x.md`)."""
    stem = src.removesuffix(".md")
    if style == "html":
        return f"{stem}.html"
    if posixpath.basename(stem) == "index":
        parent = posixpath.dirname(stem)
        return f"{parent}/" if parent else ""
    return f"{stem}/"


def relative(target: str, page: str) -> str:
    """The href from the page at address `page` to the address `target`."""
    here = page if page.endswith("/") or not page else posixpath.dirname(page)
    href = posixpath.relpath(target or ".", here or ".")
    if href == ".":
        return "./"
    return href + "/" if target.endswith("/") else href


def export_site(
    out: Path,
    modules_dir: Path,
    config_file: Path | None = None,
    sessions_dir: Path | None = None,
    *,
    links: LinkStyle = "html",
    browse: bool = True,
) -> Export:
    """Write the site's generated pages and their assets into `out` (replaced as a whole).

    Every module and plan is checked first; on any error nothing is written and the findings
    are returned. Raises `ExportError` if `out` holds files that are not an earlier export."""
    out = out.resolve()
    if out.exists() and not (out.is_dir() and ((out / MARKER).is_file() or not any(out.iterdir()))):
        raise ExportError(f"{out} is not empty and is not an earlier export: choose a new folder")
    if config_file is not None:
        project = Project.from_config(
            config_file, modules_dir=modules_dir, sessions_dir=sessions_dir
        )
    else:
        project = Project.for_modules(modules_dir)
        project.sessions_dir = sessions_dir or project.sessions_dir
    settings = project.settings
    options = project.plugin_options
    overrides = project.root / "overrides" / "peerkit"
    template_dirs = [overrides] if overrides.is_dir() else []

    pages_path = str(options.get("pages_path") or "modules").strip("/")
    sessions_path = str(options.get("sessions_path") or "sessions").strip("/")
    browse_path = str(options.get("browse_path") or "browse").strip("/")

    def module_src(module_id: str) -> str:
        return f"{pages_path}/{module_id}.md"

    def link_from(src: str) -> Link:
        here = page_url(src, links)

        def link(module_id: str, anchor: str | None = None) -> str:
            target = page_url(module_src(module_id), links)
            href = relative(target, here) if target != here else ""
            return href + (f"#{anchor}" if anchor else "") if href or anchor else "./"

        return link

    checked = project.check(
        template_dirs=template_dirs, link_for=lambda f: link_from(module_src(f.module.id))
    )
    result, plans, findings = checked.result, checked.plans, checked.findings
    if errors(findings) or result.renderer is None:
        return Export(out, findings)

    renderer = result.renderer
    files: dict[str, str] = {}
    cards: list[tuple[str, str]] = []
    for module_id, rendered in result.pages.items():
        module = result.curriculum.module(module_id)
        assert module is not None
        meta = {
            "title": str(escape(rendered.title)),
            "description": str(escape(rendered.description)),
            "tags": [str(escape(t)) for t in [*module.themes, *module.values]],
        }
        files[module_src(module_id)] = _page(meta, markdown_of(rendered))
        cards.append((module_src(module_id), module.title))
    sessions = []
    for session in (
        s for s in sessions_of(result.curriculum, plans, settings) if s.source == "session"
    ):
        src = f"{sessions_path}/{session.id}.md"
        meta = {"title": str(escape(session.title))}
        if session.summary:
            meta["description"] = str(escape(session.summary))
        files[src] = _page(meta, _html_block(session_page(renderer, session, link_from(src))))
        sessions.append((src, session.title))
    browse_pages = []
    if browse:
        planner = f"{browse_path}/planner.md"
        for page in BROWSE_PAGES:
            src = f"{browse_path}/{page.name}.md"
            here = page_url(src, links)
            html = browse_page(
                renderer,
                page,
                link_from(src),
                assets=relative("index.html", here).removesuffix("index.html"),
                planner=relative(page_url(planner, links), here),
            )
            meta = {"title": page.title, "description": page.description}
            files[src] = _page(meta, _html_block(html))
            browse_pages.append((src, page.title))
    files["index.md"] = _page(
        {"title": str(escape(settings.organisation or "Training modules"))},
        _index(cards, sessions, browse_pages),
    )
    assets = _assets(result.curriculum, settings, link_from("index.md"), browse)
    return _write(out, files, assets, findings)


def markdown_of(rendered: RenderedModule) -> str:
    """A module page as Markdown: prose stays Markdown (or becomes cleaned HTML where it holds
    raw HTML), and each of peerkit's blocks is raw HTML with no blank line inside."""
    parts = SLOT.split(rendered.markdown)
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append(_html_block(rendered.fragments[part]))
        elif part.strip():
            out.append(_prose(part))
    return "\n\n".join(out) + "\n"


def _prose(text: str) -> str:
    """Prose as Markdown, except each paragraph (or the whole run, when it has a fenced code
    block) that holds raw HTML, which becomes the cleaned HTML it renders to."""
    if "<" not in text:
        return text.strip("\n")
    fenced = re.search(r"^\s*(```|~~~)", text, re.MULTILINE) is not None
    blocks = [text] if fenced else re.split(r"\n[ \t]*\n", text.strip("\n"))
    out = []
    for block in blocks:
        if "<" in block:
            html = clean_html(markdown.markdown(block, extensions=_PROSE_EXTENSIONS))
            out.append(_html_block(f"<div>\n{html}\n</div>"))
        elif block.strip():
            out.append(block.strip("\n"))
    return "\n\n".join(out)


def _html_block(html: str) -> str:
    """Raw HTML that a Markdown tool keeps as one block: no blank lines, no indented lines
    that could read as code once the block ends."""
    lines = [line.strip() for line in html.strip().splitlines()]
    return "\n".join(line for line in lines if line)


def _page(meta: dict[str, Any], body: str) -> str:
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
    return f"---\n{front}---\n\n{body.strip()}\n"


def _index(
    modules: list[tuple[str, str]], sessions: list[tuple[str, str]], browse: list[tuple[str, str]]
) -> str:
    """The export's home page, in Markdown: every module, session plan and browse page."""
    lines = ["## Modules", ""]
    lines += [f"- [{_md_text(title)}]({src})" for src, title in modules]
    if sessions:
        lines += ["", "## Session plans", ""]
        lines += [f"- [{_md_text(title)}]({src})" for src, title in sessions]
    if browse:
        lines += ["", "## Find and plan", ""]
        lines += [f"- [{_md_text(title)}]({src})" for src, title in browse]
    return "\n".join(lines)


def _md_text(text: str) -> str:
    """Text that Markdown shows as it is, inside a link's label."""
    return re.sub(r"([\\`*_{}\[\]()<>#+!|])", r"\\\1", str(escape(text)))


def _assets(
    curriculum: Any, settings: SiteSettings, root_link: Link, browse: bool
) -> dict[str, str | Path]:
    assets: dict[str, str | Path] = {
        "assets/peerkit/peerkit.css": (ASSETS / "peerkit.css").read_text(encoding="utf-8")
        + "\n"
        + browse_stylesheet(),
        "assets/peerkit/peerkit.js": ASSETS / "peerkit.js",
    }
    if settings.brand is not None:
        assets["assets/peerkit/brand.css"] = brand_css(settings.brand)
    if browse:
        index = curriculum_index(curriculum, root_link)
        assets["assets/peerkit/index.json"] = index_json(index)
        assets["assets/peerkit/index.js"] = index_script(index)
        for kind in BROWSE_KINDS:
            assets[f"assets/peerkit/index-{kind}.js"] = browse_script(index, kind)
        assets.update(script_files())
    return assets


def _write(
    out: Path, files: dict[str, str], assets: dict[str, str | Path], findings: list[Finding]
) -> Export:
    """Write everything into a new folder beside `out`, then put it in `out`'s place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{out.name}-export-", dir=out.parent))
    try:
        for rel, content in [*files.items(), *assets.items()]:
            path = building / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, path)
            else:
                path.write_text(content, encoding="utf-8")
        (building / MARKER).write_text(
            "Written by `peerkit export`. Only a folder holding this file is replaced.\n",
            encoding="utf-8",
        )
        building.chmod(0o755)
        if out.exists():
            shutil.rmtree(out)
        os.replace(building, out)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return Export(out, findings, sorted(files), sorted(assets))
