"""A site as one object: its `mkdocs.yml`, folders, settings, reference modules and one check.

`peerkit check`, `peerkit pack`, `peerkit stats`, `peerkit build` and the MkDocs plugin all
start from a `Project`, so they read the same settings through the same translator (each
mistake at its line in `mkdocs.yml`, in the same words everywhere), include the same reference
modules, and parse each module file once per run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from peerkit.colour import brand_problems
from peerkit.curriculum import Result, check_folder
from peerkit.findings import Finding, Severity, errors
from peerkit.incremental import BuildCache
from peerkit.load import load_module
from peerkit.model import ModuleFile
from peerkit.privacy import config_findings
from peerkit.reference import choose, own_modules, unknown_message
from peerkit.render import Download, Link, default_link
from peerkit.sessions.checks import check_plan, check_plans
from peerkit.sessions.load import load_plan, plan_paths
from peerkit.sessions.model import PlanFile
from peerkit.site import (
    SiteSettings,
    check_config,
    option_lines,
    plugin_options,
    read_config,
    site_folders_outside,
)


@dataclass(frozen=True)
class Check:
    """What one check of a project found: the curriculum's result, the plans, every finding
    (modules, plans and `mkdocs.yml`) and how many files were read."""

    result: Result
    plans: list[PlanFile]
    findings: list[Finding]
    files_checked: int

    @property
    def ok(self) -> bool:
        return not errors(self.findings)

    @property
    def only_modules(self) -> bool:
        """Every file checked was a module file (no plan was read)."""
        return self.files_checked == self.result.files_checked


@dataclass
class Project:
    """A site, from its `mkdocs.yml` (which may be absent: then only its folders count)."""

    config_file: Path
    modules_dir: Path
    sessions_dir: Path
    options: dict[str, Any] | None = None
    """The plugin's options as MkDocs read them (its `!ENV` tags resolved); None: read them
    from `config_file` without MkDocs."""
    today: dt.date | None = None
    parallel: bool = False
    """Load a large folder of modules with one process per core (`peerkit check`)."""
    cache: BuildCache | None = None
    """What `serve` keeps between builds (see `peerkit.incremental`), with `setting`: what
    else a module page depends on."""
    setting: str = ""
    _loaded: dict[tuple[Path, Path | None], tuple[ModuleFile | None, list[Finding]]] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def from_config(
        cls, config_file: Path, options: dict[str, Any] | None = None, **kwargs: Any
    ) -> Project:
        """A site from its `mkdocs.yml`: its folders are the plugin's `modules_dir` and
        `sessions_dir` (relative to that file), unless given."""
        project = cls(config_file, Path(), Path(), options)
        root = config_file.parent
        given = project.plugin_options
        modules = kwargs.pop("modules_dir", None)
        sessions = kwargs.pop("sessions_dir", None)
        project.modules_dir = modules or root / str(given.get("modules_dir") or "modules")
        project.sessions_dir = sessions or root / str(given.get("sessions_dir") or "sessions")
        for key, value in kwargs.items():
            setattr(project, key, value)
        return project

    @classmethod
    def for_modules(cls, modules_dir: Path) -> Project:
        """The site around a folder of modules: `mkdocs.yml` and `sessions/` beside it."""
        return cls(modules_dir.parent / "mkdocs.yml", modules_dir, modules_dir.parent / "sessions")

    # --- mkdocs.yml -------------------------------------------------------------------------

    @property
    def root(self) -> Path:
        return self.config_file.parent

    @property
    def has_config(self) -> bool:
        return self.config_file.is_file()

    @cached_property
    def unreadable(self) -> Finding | None:
        """Why `mkdocs.yml` cannot be read as YAML at all, if it cannot."""
        if not self.has_config:
            return None
        try:
            read_config(self.config_file)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or exc.context or "unreadable YAML"
            line = mark.line + 1 if mark else 1
            return Finding(self.config_file, line, f"YAML syntax error: {problem}")
        except (yaml.YAMLError, OSError, UnicodeDecodeError, RecursionError) as exc:
            return Finding(self.config_file, 1, f"cannot read it: {type(exc).__name__}")
        return None

    @cached_property
    def data(self) -> dict[str, Any]:
        """`mkdocs.yml` as plain data (its tags as None), or {} if there is none to read."""
        if not self.has_config or self.unreadable is not None:
            return {}
        return read_config(self.config_file)

    @cached_property
    def plugin_options(self) -> dict[str, Any]:
        return self.options if self.options is not None else plugin_options(self.data)

    @cached_property
    def site_name(self) -> str:
        return str(self.data.get("site_name") or "")

    @cached_property
    def _settings_checked(self) -> tuple[SiteSettings | None, list[Finding]]:
        if not self.has_config or self.unreadable is not None:
            return SiteSettings(), []
        return check_config(self.config_file, self.today, self.options)

    @property
    def settings(self) -> SiteSettings:
        """The organisation's settings (the defaults while they have a mistake)."""
        return self._settings_checked[0] or SiteSettings()

    @property
    def settings_valid(self) -> bool:
        return self._settings_checked[0] is not None

    @property
    def settings_findings(self) -> list[Finding]:
        """Each mistake in the settings, and what to fix but may publish without (warnings;
        errors when `safety: required`), at its line in `mkdocs.yml`."""
        return list(self._settings_checked[1])

    def brand_findings(self) -> list[Finding]:
        """Brand colours whose text would fall below WCAG AA, as warnings at their line."""
        brand = self.settings.brand
        if brand is None:
            return []
        lines = option_lines(self.config_file) if self.has_config else {}
        return [
            Finding(
                self.config_file,
                lines.get(("brand", key), lines.get(("brand",), 1)),
                f"plugins.peerkit.brand.{key}: {problem}",
                Severity.warning,
            )
            for key, problem in brand_problems(brand)
        ]

    # --- reference modules ------------------------------------------------------------------

    def load(self, path: Path, root: Path | None = None) -> tuple[ModuleFile | None, list[Finding]]:
        """One module file, parsed once per project however often it is asked for."""
        key = (path.absolute(), root)
        if key not in self._loaded:
            self._loaded[key] = load_module(path, root)
        return self._loaded[key]

    @cached_property
    def _reference(self) -> tuple[list[Path], list[str]]:
        wanted = self.plugin_options.get("reference_modules") or []
        if not isinstance(wanted, (str, list)) or not wanted:
            return [], []
        return choose(wanted, own_modules(self.modules_dir, self.load), self.load)

    @property
    def reference_modules(self) -> list[Path]:
        """The reference modules `reference_modules` chooses, and those they build on."""
        return self._reference[0]

    @property
    def unknown_reference(self) -> list[str]:
        """Ids in `reference_modules` that the reference curriculum does not have."""
        return self._reference[1]

    # --- checking ---------------------------------------------------------------------------

    def config_findings(self) -> list[Finding]:
        """Everything wrong in `mkdocs.yml` and around it, as `peerkit check` reports it."""
        if not self.has_config:
            return []
        if self.unreadable is not None:
            return [self.unreadable]
        findings = self.settings_findings + self.brand_findings()
        findings += config_findings(self.config_file)
        if self.unknown_reference:
            findings.append(Finding(self.config_file, 1, unknown_message(self.unknown_reference)))
        findings += site_folders_outside(self.config_file)
        return findings

    def check_modules(
        self,
        template_dirs: Sequence[Path] = (),
        link_for: Callable[[ModuleFile], Link] = lambda _: default_link,
        downloads_for: Callable[[ModuleFile], Sequence[Download]] = lambda _: (),
        *,
        pages: bool = True,
    ) -> Result:
        """The site's modules and its chosen reference modules, checked and rendered
        (without `pages`, checked only: see `check_folder`)."""
        return check_folder(
            self.modules_dir,
            template_dirs,
            link_for=link_for,
            settings=self.settings,
            downloads_for=downloads_for,
            also=self.reference_modules,
            load=self.load,
            parallel=self.parallel,
            cache=self.cache,
            setting=self.setting,
            pages=pages,
        )

    def check(
        self,
        plans: Sequence[Path] = (),
        *,
        config: bool = True,
        template_dirs: Sequence[Path] = (),
        link_for: Callable[[ModuleFile], Link] = lambda _: default_link,
        downloads_for: Callable[[ModuleFile], Sequence[Download]] = lambda _: (),
        pages: bool = True,
    ) -> Check:
        """One check of the whole project: `mkdocs.yml` (unless `config` is false), every
        module (rendered with `template_dirs`, `link_for` and `downloads_for`, see
        `check_folder`), and every plan in the sessions folder (or in each of `plans`, a file
        or a folder). Without `pages`, modules are checked but their pages not kept."""
        findings = self.config_findings() if config else []
        result = self.check_modules(template_dirs, link_for, downloads_for, pages=pages)
        findings += result.findings
        files = result.files_checked
        found_plans: list[PlanFile] = []
        for where in plans or (self.sessions_dir,):
            if where.exists() and not where.is_dir():
                plan_file, found = load_plan(where)
                findings += found
                if plan_file is not None:
                    findings += check_plan(plan_file, result.curriculum)
                    found_plans.append(plan_file)
                files += 1
            elif where.is_dir() or plans:
                loaded, found = check_plans(where, result.curriculum)
                found_plans += loaded
                findings += found
                files += len(plan_paths(where)) if where.is_dir() else 0
        return Check(result, found_plans, sorted(set(findings)), files)
