"""Load, check and render a folder of modules: the one entry point every front end uses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from peerkit.checks import run_checks
from peerkit.findings import Finding, errors
from peerkit.incremental import BuildCache
from peerkit.load import ModuleLoader, load_folder, load_module
from peerkit.model import Curriculum, ModuleFile
from peerkit.render import (
    Download,
    Link,
    MacroError,
    PageError,
    RenderedModule,
    Renderer,
    default_link,
)
from peerkit.site import SiteSettings
from peerkit.vocabulary import check_terms


@dataclass(frozen=True)
class Result:
    """A checked curriculum: the modules that loaded, their pages, every finding, files read."""

    curriculum: Curriculum
    findings: list[Finding]
    files_checked: int
    pages: dict[str, RenderedModule] = field(default_factory=dict)
    """Each module's rendered page, by module id."""
    renderer: Renderer | None = None
    """The renderer that made the pages, for other pages' macros in the same build."""

    @property
    def ok(self) -> bool:
        return not errors(self.findings)


def check_folder(
    folder: Path,
    template_dirs: Sequence[Path] = (),
    link_for: Callable[[ModuleFile], Link] = lambda _: default_link,
    settings: SiteSettings | None = None,
    downloads_for: Callable[[ModuleFile], Sequence[Download]] = lambda _: (),
    also: Sequence[Path] = (),
    load: ModuleLoader = load_module,
    cache: BuildCache | None = None,
    setting: str = "",
    parallel: bool = False,
    pages: bool = True,
) -> Result:
    """Load every module in `folder`, run every check and render every page once.

    Rendering is part of checking: a body that calls an unknown activity or uses a name the
    sandbox refuses is a mistake in the module, reported at its line. `link_for` gives the
    link function for each module's page (the default suits pages at `<prefix>/<id>/`);
    `settings` are the organisation's (its signposting list ends every module page), and
    `downloads_for` gives the printable packs each module page links to. `also` adds module
    files from elsewhere (the reference curriculum's, for instance), checked with the rest.
    `load` reads one module file (a `Project` passes one that reads each file once).

    With a `cache` (kept by `serve` between builds), only files whose text changed are parsed
    again, and only pages whose module, or a module they show, changed are rendered again;
    `setting` names everything else a page depends on (the site's settings, its addresses).
    `parallel` loads a large folder with one process per core (see `load_folder`).

    Without `pages` (`peerkit check`) every body is still rendered, macro calls and all, so
    every finding is the same, but peerkit's own fragments are not (see `Macros.pages`) and
    the result has no pages.
    """
    if cache is not None:
        cache.start()
    if not folder.is_dir() and not also:
        return Result(Curriculum(files=[]), [Finding(folder, 1, "no such folder of modules")], 0)
    if cache is not None:
        load = cache.load
    files, findings, count = (
        load_folder(folder, load, parallel=parallel and cache is None)
        if folder.is_dir()
        else ([], [], 0)
    )
    if settings is not None and settings.vocabulary is not None:
        # The site's own modules; reference modules it includes keep their own terms.
        findings.extend(check_terms(files, settings.vocabulary))
    for path in also:
        module_file, found = load(path, None)
        findings.extend(found)
        if module_file is not None:
            files.append(module_file)
    count += len(also)
    if count == 0:
        findings.append(Finding(folder, 1, "no module files (*.md) in this folder"))
    findings.extend(run_checks(files, cache.per_module if cache is not None else None))
    curriculum = Curriculum(files=files)
    renderer = Renderer(curriculum, template_dirs, settings, pages=pages)
    if cache is not None:
        cache.curriculum(curriculum)
    made: dict[str, RenderedModule] = {}
    for module_file in files:
        downloads = downloads_for(module_file)
        key = f"{setting}\n{downloads!r}"
        kept = cache.page(module_file, key) if cache is not None else None
        if isinstance(kept, RenderedModule):
            made[module_file.module.id] = kept
            continue
        try:
            page = renderer.module_page(module_file, link_for(module_file), downloads)
            if not renderer.pages:
                continue
            made[module_file.module.id] = page
            if cache is not None:
                cache.keep(module_file, key, set(page.uses), page)
        except PageError as exc:
            findings.extend(exc.findings)
        except (MacroError, RecursionError, ValueError, TypeError) as exc:
            # Every mistake should have its own sentence; this one has none yet. Say where.
            findings.append(
                Finding(
                    module_file.path,
                    module_file.body_line,
                    f"the page for module '{module_file.module.id}' could not be made "
                    f"({type(exc).__name__}: {exc}): please report this to peerkit's developers",
                )
            )
    return Result(curriculum, sorted(set(findings)), count, made, renderer)
