"""The `peerkit` command: thin wrappers around the library's functions."""

from __future__ import annotations

import os
import re
import signal
import sys
from pathlib import Path
from typing import Literal

import click

from peerkit.engine import (
    CHOICES,
    END_OF_LIFE_NOTICE,
    NAMES,
    Engine,
    EngineError,
    address_problem,
    choose,
    command,
    environment,
)
from peerkit.findings import Finding, errors, summary
from peerkit.model import slugify
from peerkit.packs.build import SET_LETTERS, CardsDoNotFit, build_packs, packs_for
from peerkit.project import Project
from peerkit.publish import (
    BuildLocked,
    IncompleteSite,
    UnsafeSiteDir,
    build_lock,
    build_site,
    describe_os_error,
    explain_failure,
    site_dir_of,
    zip_site,
)
from peerkit.readability import PLAIN_ENGLISH, band, module_stats
from peerkit.schema import SCHEMAS, schema_text
from peerkit.sessions.checks import check_plan
from peerkit.sessions.load import load_plan
from peerkit.sessions.view import Session, module_session, plan_session, version_sessions

ENGINE_OPTION = click.option(
    "--engine",
    "engine_name",
    type=click.Choice(CHOICES),
    help="MkDocs or ProperDocs (default: engine: in mkdocs.yml, else auto: ProperDocs when "
    "installed).",
)


@click.group()
@click.version_option(package_name="peerkit")
def main() -> None:
    """Write peer-support training modules once; publish them as a site and as packs."""


CONFIG_OPTION = click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="The site's mkdocs.yml.",
)
"""The site's settings file, for the commands that build or serve a site."""


@main.command()
@click.argument("path", default="modules", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--plans",
    multiple=True,
    type=click.Path(path_type=Path, exists=True),
    help="A session plan, or a folder of them, to check (default: sessions/ beside PATH).",
)
@click.option(
    "--annotations/--no-annotations",
    default=None,
    help="Also print GitHub Actions annotations (default: on when CI is set).",
)
def check(path: Path, plans: tuple[Path, ...], annotations: bool | None) -> None:
    """Check every module in PATH (default: modules/) and every session plan, and report each
    mistake as path:line.

    Plans are read from the `sessions` folder beside PATH, or from each --plans file or folder.
    The site's `mkdocs.yml` beside PATH, if there is one, is checked too, and the reference
    modules it chooses are checked with PATH's.
    """
    if not path.is_dir():
        # One line: no plans or settings from around a folder that is not there.
        click.echo(Finding(path, 1, "no such folder of modules").format())
        sys.exit(1)
    project = Project.for_modules(path)
    project.parallel = True  # a large folder is read on every core
    checked = project.check(plans, pages=False)  # the findings; no page is made
    findings, files = checked.findings, checked.files_checked
    for finding in findings:
        click.echo(finding.format())
    if annotations if annotations is not None else bool(os.environ.get("CI")):
        for finding in findings:
            click.echo(finding.github_annotation())
    what = "module file" if checked.only_modules else "file"
    click.echo(summary(findings, files, what), err=True)
    sys.exit(1 if errors(findings) else 0)


@main.command()
@click.argument("path", default="modules", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--min-reading-ease",
    type=float,
    default=None,
    help=f"Exit 1 if a module's participant text scores lower (plain English: {PLAIN_ENGLISH:g}).",
)
def stats(path: Path, min_reading_ease: float | None) -> None:
    """Per module: activities, prompts, minutes and how easily participants can read it
    (with the reference modules that the site's mkdocs.yml beside PATH chooses)."""
    if not path.is_dir():
        click.echo(Finding(path, 1, "no such folder of modules").format(), err=True)
        sys.exit(1)
    result = Project.for_modules(path).check_modules()
    for finding in result.findings:
        click.echo(finding.format(), err=True)
    rows = [module_stats(module_file) for module_file in result.curriculum.files]
    header = (
        "module",
        "activities",
        "prompts (module + activity)",
        "activity min",
        "duration",
        "words",
        "reading ease",
    )
    table = [header] + [
        (
            row.id,
            str(row.activities),
            f"{row.module_prompts} + {row.activity_prompts}",
            str(row.activity_minutes),
            str(row.duration),
            str(row.words),
            f"{row.reading_ease:g} ({band(row.reading_ease)})",
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )
    hard = [
        row for row in rows if min_reading_ease is not None and row.reading_ease < min_reading_ease
    ]
    for row in hard:
        click.echo(
            f"{row.id}: reading ease {row.reading_ease:g} is below {min_reading_ease:g}", err=True
        )
    sys.exit(1 if hard or not result.ok else 0)


@main.command()
@click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--modules",
    "modules_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The folder of modules (default: modules/ beside the plan's or module's folder).",
)
@click.option(
    "--config",
    "config_file",
    default="mkdocs.yml",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The site's mkdocs.yml, for the organisation's name and support list.",
)
@click.option(
    "--out",
    "-o",
    default=".",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write the PDFs under OUT/packs/ (default: the current folder).",
)
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
@click.option(
    "--sets",
    type=click.IntRange(1, len(SET_LETTERS)),
    default=1,
    show_default=True,
    help="Lettered sets of each card deck (Set A, Set B, ...), one per small group.",
)
@click.option(
    "--cache",
    default=".cache/peerkit/packs",
    type=click.Path(path_type=Path, file_okay=False),
    show_default=True,
    help="Rendered PDFs by content hash; an unchanged pack is not rendered again.",
)
def pack(
    source: Path,
    modules_dir: Path | None,
    config_file: Path,
    out: Path,
    paper: Literal["a4", "letter"],
    sets: int,
    cache: Path,
) -> None:
    """Make the PDF packs of one session plan (sessions/NAME.yml) or one module (modules/NAME.md):
    facilitator, participant and large-print packs, show sheets, paperwork and, when there are
    cards, a card sheet (and a participant pack per day of a course)."""
    modules_dir = modules_dir or source.resolve().parent.parent / "modules"
    project = Project.from_config(config_file, modules_dir=modules_dir)
    findings = project.config_findings()
    result = project.check_modules()
    findings += result.findings
    settings = project.settings
    session = None
    versions: list[Session] = []
    if source.suffix == ".md":
        module_file = next(
            (f for f in result.curriculum.files if f.path.resolve() == source.resolve()), None
        )
        if module_file is not None:
            session = module_session(module_file.module, result.curriculum, settings)
            versions = version_sessions(module_file.module, result.curriculum, settings)
        elif not findings:
            findings.append(Finding(source, 1, f"not a module in {modules_dir}"))
    else:
        plan_file, found = load_plan(source)
        findings += found
        if plan_file is not None and result.ok:
            findings += check_plan(plan_file, result.curriculum)
            session = plan_session(plan_file, result.curriculum, settings)
    for finding in sorted(set(findings)):
        click.echo(finding.format(), err=True)
    if errors(findings) or session is None:
        sys.exit(1)
    packs = [pack for one in (session, *versions) for pack in packs_for(one)]
    with click.progressbar(length=len(packs), label="Making packs", file=sys.stderr) as bar:
        try:
            report = build_packs(
                packs,
                out,
                cache,
                settings,
                paper=paper,
                sets=SET_LETTERS[:sets],
                progress=lambda _: bar.update(1),
                sources=result.curriculum.files,
            )
        except CardsDoNotFit as exc:
            for finding in exc.findings:
                click.echo(finding.format(), err=True)
            sys.exit(1)
    for pack_path, boxes in sorted(report.boxes.items()):
        for overflow in boxes.overflows:
            click.echo(
                f"warning: {pack_path} page {overflow.page}: {overflow.describe()}", err=True
            )
    for path in report.written:
        click.echo(path)
    click.echo(f"{report.rendered} rendered, {report.cached} from the cache", err=True)


@main.command()
@CONFIG_OPTION
@click.option(
    "--site-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where the site goes (default: site_dir in mkdocs.yml, or site/).",
)
@click.option("--packs/--no-packs", default=True, show_default=True, help="Make the PDF packs.")
@click.option(
    "--offline",
    is_flag=True,
    help="Also pack the site into a zip that works from a folder with no network.",
)
@click.option(
    "--zip",
    "zip_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where the offline zip goes (default: NAME-offline.zip beside the site).",
)
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=0,
    metavar="SECONDS",
    help="If another build of this site is running, wait up to SECONDS for it to finish "
    "(default: stop at once and say who is building).",
)
@ENGINE_OPTION
def build(
    config_file: Path,
    site_dir: Path | None,
    packs: bool,
    offline: bool,
    zip_path: Path | None,
    wait: float,
    engine_name: str | None,
) -> None:
    """Build the site with `mkdocs build --strict` (or ProperDocs'), safely: into a new folder
    that replaces the site only when the build succeeds, so a mistake never leaves a
    half-written site. One build of a site runs at a time."""
    engine = _engine(engine_name, config_file)
    click.echo(click.wrap_text(END_OF_LIFE_NOTICE, 100) + "\n", err=True)
    click.echo(f"Building with {NAMES[engine]}", err=True)
    site = (site_dir or site_dir_of(config_file.resolve())).resolve()
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        with build_lock(site, wait):
            _build_and_zip(config_file, site, packs, offline, zip_path, engine)
    except (UnsafeSiteDir, BuildLocked, IncompleteSite) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(os_error_sentence(exc)) from None
    except KeyboardInterrupt:
        click.echo(
            f"Error: the build was stopped, so {site} was left as it was (the last good build).",
            err=True,
        )
        sys.exit(1)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop(signum: int, frame: object) -> None:
    """SIGTERM stops a build as Ctrl-C does: MkDocs is stopped and the new folder removed."""
    raise KeyboardInterrupt


_OS_ERROR_LINE = re.compile(r"^[\w.]+Error: \[Errno \d+\]")


class _BuildOutput:
    """The engine's lines, passed on as they come, except the traceback of a file system error
    (a full disk, say), which is held back and replaced by one sentence at the end."""

    def __init__(self) -> None:
        self.held: list[str] | None = None

    def __call__(self, line: str) -> None:
        if self.held is None:
            if line.startswith("Traceback (most recent call last):"):
                self.held = [line]
            else:
                _echo_err(line)
            return
        self.held.append(line)
        if line and not line[0].isspace():  # the exception's own line ends a traceback
            if not _OS_ERROR_LINE.match(line):
                for held in self.held:
                    _echo_err(held)
            self.held = None

    def flush(self) -> None:
        for held in self.held or []:
            _echo_err(held)
        self.held = None


def _build_and_zip(
    config_file: Path,
    site: Path,
    packs: bool,
    offline: bool,
    zip_path: Path | None,
    engine: Engine,
) -> None:
    output = _BuildOutput()
    result = build_site(config_file, site, packs=packs, engine=engine, echo=output)
    output.flush()
    reason = explain_failure(result.output)[1] if not result.ok else None
    if not result.ok:
        click.echo(
            (f"Error: {reason}, so " if reason else "The build failed, so ")
            + f"{result.site} was left as it was (the last good build).",
            err=True,
        )
        sys.exit(1)
    click.echo(f"Built {result.site}")
    if offline:
        name = slugify(Project.from_config(config_file).site_name or "site", "site")
        dest = zip_path or result.site.parent / f"{name}-offline.zip"
        zip_site(result.site, dest, name)
        click.echo(f"Offline copy: {dest} (unzip it and open {name}/index.html)")


def os_error_sentence(exc: OSError) -> str:
    """A file system error as one sentence a volunteer can act on."""
    return describe_os_error(exc.errno, str(exc.filename or ""), exc.strerror or str(exc))


@main.command()
@CONFIG_OPTION
@click.option(
    "--dev-addr",
    "address",
    default="127.0.0.1:8000",
    show_default=True,
    metavar="HOST:PORT",
    help="Where to serve the site (make serve ADDR=...).",
)
@click.option(
    "--dirty/--no-dirty",
    default=True,
    show_default=True,
    help="Write again only the pages an edit changes (all of them when the navigation, "
    "mkdocs.yml or a page in docs/ changes); --no-dirty builds every page every time.",
)
@ENGINE_OPTION
def serve(config_file: Path, address: str, dirty: bool, engine_name: str | None) -> None:
    """Serve the site while you edit, rebuilding on every change (no PDF packs)."""
    engine = _engine(engine_name, config_file)
    problem = address_problem(address)
    if problem:
        raise click.ClickException(problem)
    argv = command(engine, "serve", "--dev-addr", address, "--config-file", str(config_file))
    argv += ["--dirty"] if dirty else []
    click.echo(f"Serving with {NAMES[engine]} on http://{address}/ (Ctrl+C to stop)", err=True)
    sys.stderr.flush()
    # The engine takes this process's place, so Ctrl+C and kill reach it directly.
    os.execve(argv[0], argv, environment(packs=False))


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--modules",
    "modules_dir",
    default=Path("modules"),
    show_default=True,
    type=click.Path(path_type=Path, file_okay=False),
)
@click.option(
    "--config",
    "config_file",
    default=Path("mkdocs.yml"),
    show_default=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The site's settings (organisation, support list, reference modules), if it has one.",
)
@click.option(
    "--links",
    type=click.Choice(["html", "directory"]),
    default="html",
    show_default=True,
    help="Page addresses in the other tool: modules/x.html, or modules/x/.",
)
@click.option("--browse/--no-browse", default=True, show_default=True, help="The browse pages.")
def export(
    folder: Path,
    modules_dir: Path,
    config_file: Path,
    links: Literal["html", "directory"],
    browse: bool,
) -> None:
    """Write the generated pages (modules, session plans, browse pages) as plain Markdown, with
    their assets, into FOLDER, for any Markdown site tool. Nothing is written if a module or
    plan has a mistake."""
    from peerkit.export import ExportError, export_site  # (what check never needs)

    try:
        result = export_site(folder, modules_dir, config_file, links=links, browse=browse)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    for finding in result.findings:
        click.echo(finding.format(), err=True)
    if not result.ok:
        count = len(errors(result.findings))
        click.echo(f"Nothing was exported: {count} error{'s' if count != 1 else ''}.", err=True)
        sys.exit(1)
    click.echo(
        f"Exported {len(result.pages)} pages and {len(result.assets)} assets to {result.folder}"
    )
    click.echo(
        "Add assets/peerkit/peerkit.css to the tool's stylesheets and assets/peerkit/peerkit.js "
        "to its scripts; docs/engines.md explains the rest."
    )


@main.command()
@click.argument("folder", default=".", type=click.Path(path_type=Path, file_okay=False))
def ready(folder: Path) -> None:
    """Is the site in FOLDER ready to publish? Reports, as path:line, each placeholder that
    `peerkit new` put there and that is still unchanged: prompts in the pages, the example
    module, the example email address and the placeholder logo."""
    from peerkit.ready import placeholders

    found = placeholders(folder)
    for finding in found:
        click.echo(finding.format())
    if found:
        click.echo(
            f"{len(found)} placeholder{'s' if len(found) != 1 else ''} from peerkit new "
            "left: replace them before you publish.",
            err=True,
        )
        sys.exit(1)
    click.echo("No placeholders from peerkit new are left.", err=True)


@main.command()
@click.argument("version", required=False)
@click.option(
    "--from",
    "source",
    help="Where the new peerkit comes from, if not the site's own source at VERSION: a git "
    "address (git+https://...@v0.2.0) or a folder (file:///...).",
)
@click.option(
    "--site",
    "folder",
    default=".",
    type=click.Path(path_type=Path, file_okay=False),
    help="The site's folder (default: this one).",
)
def upgrade(version: str | None, source: str | None, folder: Path) -> None:
    """Install peerkit VERSION into the site's venv (without VERSION: the same one, rebuilt),
    write requirements.txt again for it, and list the reference modules that changed."""
    from peerkit.upgrade import UpgradeError
    from peerkit.upgrade import upgrade as run_upgrade

    try:
        done = run_upgrade(folder, version, source)
    except UpgradeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"peerkit {done.old_version} → {done.new_version}: {done.new}")
    if not done.modules:
        click.echo("No reference module changed.")
    else:
        click.echo(f"Reference modules changed ({len(done.modules)}):")
        for change in done.modules:
            click.echo(f"  {change.describe()}")
    hint = _hint("build", "peerkit build")
    click.echo(f"Next: `{hint}` re-renders only the PDF packs that changed.")


def _engine(requested: str | None, config_file: Path) -> Engine:
    try:
        return choose(requested, config_file)
    except EngineError as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--name",
    "organisation",
    help="The organisation's name (default: made from FOLDER, e.g. my-site → My site).",
)
@click.option(
    "--peerkit-source",
    "source",
    help="Where the site installs peerkit from, e.g. git+https://example.org/peerkit.git@v0.1.0 "
    "(default: where this peerkit came from).",
)
def new(folder: Path, organisation: str | None, source: str | None) -> None:
    """Start a new training site for an organisation in FOLDER (which must not exist yet)."""
    from peerkit.scaffold import ScaffoldError, new_site

    name = organisation or folder.resolve().name.replace("-", " ").replace("_", " ").capitalize()
    try:
        files = new_site(folder, name, source)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(os_error_sentence(exc) + " (nothing was made)") from None
    click.echo(f"Made {folder} for {name}: {len(files)} files.")
    click.echo(f"Next: cd {folder} && make serve   (then read README.md)")


@main.command("new-module")
@click.argument("module_id", metavar="NAME")
@click.option("--title", help="The module's title (default: made from NAME).")
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("modules"),
    show_default=True,
)
def new_module_command(module_id: str, title: str | None, folder: Path) -> None:
    """Add a module skeleton, NAME.md, with every field explained; it passes `peerkit check`."""
    from peerkit.scaffold import ScaffoldError, new_module

    try:
        path = new_module(folder, module_id, title)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    hint = _hint("check", f"peerkit check {folder}")
    click.echo(f"Made {path}: fill it in, then run `{hint}`.")


@main.command("npm-install")
@click.argument("folder", default=".", type=click.Path(path_type=Path, file_okay=False))
def npm_install(folder: Path) -> None:
    """Install the browser files pinned in FOLDER/package-lock.json into FOLDER/node_modules,
    checking each download's sha512 (like `npm ci`, without Node)."""
    from peerkit.npm import install

    try:
        done = install(folder)
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("Installed " + ", ".join(done) if done else "Already installed", err=True)


@main.command()
@click.argument("kind", type=click.Choice(sorted(SCHEMAS)), default="module")
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the schema to this file instead of printing it.",
)
@click.option("--check", "check_only", is_flag=True, help="Exit 1 if OUTPUT is out of date.")
def schema(kind: str, output: Path | None, check_only: bool) -> None:
    """The JSON Schema of module front-matter (or of session plans), generated from the model."""
    text = schema_text(kind)
    if output is None:
        click.echo(text, nl=False)
        return
    if check_only:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            fix = _hint("schema", f"peerkit schema {kind} -o {output}")
            click.echo(f"{output} is out of date: run '{fix}'", err=True)
            sys.exit(1)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}", err=True)


def _hint(target: str, otherwise: str) -> str:
    """A command to suggest that works in this folder: `make TARGET` where the Makefile here
    has it (a site from `peerkit new`, or peerkit's own repository), else `otherwise`."""
    makefile = Path("Makefile")
    text = makefile.read_text(encoding="utf-8", errors="replace") if makefile.is_file() else ""
    return f"make {target}" if f"\n{target}:" in f"\n{text}" else otherwise


def _echo_err(line: str) -> None:
    click.echo(line, err=True)
