"""Settings an organisation gives its site: its name and where people can find other support.

Every module page and every pack ends with the signposting list, because peer support is not
crisis or clinical care. The list is the organisation's own, set once in `mkdocs.yml` under the
peerkit plugin; the model here keeps it independent of MkDocs so packs use the same list.
"""

from __future__ import annotations

import copy
import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BeforeValidator, Field, StringConstraints, ValidationError, model_validator
from yaml.nodes import MappingNode, Node, SequenceNode

from peerkit.findings import Finding, Severity
from peerkit.load import describe_errors
from peerkit.model import ShortText, Strict, Text, deepest_line
from peerkit.safefiles import linked_outside
from peerkit.vocabulary import Vocabulary

WebAddress = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^https?://[^\s<>\"']+$", max_length=500),
    Field(description="A full address starting with https:// (or http://)."),
]

DEFAULT_INTRO = (
    "Peer support is not crisis or clinical care. If you need more help, or if today has stirred "
    "something up, these services are there for you."
)


class Service(Strict):
    """One support service or helpline on the signposting list."""

    name: ShortText
    description: Text | None = Field(default=None, description="Who it is for, in a sentence.")
    phone: ShortText | None = Field(default=None, description='e.g. "116 123"')
    text: ShortText | None = Field(default=None, description='e.g. "Text SHOUT to 85258"')
    email: ShortText | None = None
    hours: ShortText | None = Field(default=None, description='e.g. "24 hours, every day"')
    area: ShortText | None = Field(default=None, description='Where it covers, e.g. "Scotland".')
    url: WebAddress | None = None
    source: WebAddress | None = Field(
        default=None, description="The service's own page where these details were checked."
    )
    last_checked: dt.date | None = Field(
        default=None,
        description="When these details were last checked (YYYY-MM-DD); `peerkit check` warns "
        "after 12 months.",
    )


class LocalService(Service):
    """A service near a venue: what it offers, how to reach it, its hours, when last checked."""

    venue: ShortText | None = Field(
        default=None,
        description="The venue it is near; a session plan with the same `venue` prints it.",
    )
    last_checked: dt.date = Field(
        description="When these details were last checked (YYYY-MM-DD); `peerkit check` warns "
        "after 12 months."
    )


class SafetyContact(Strict):
    """Someone a facilitator can reach about a worry: a role, and a name and number if known."""

    role: ShortText = Field(description='e.g. "Duty manager" or "On-call coordinator".')
    name: ShortText | None = None
    phone: ShortText | None = None
    email: ShortText | None = None
    hours: ShortText | None = Field(default=None, description="When they can be reached.")

    @model_validator(mode="after")
    def _reachable(self) -> SafetyContact:
        if self.phone is None and self.email is None:
            raise ValueError("give a 'phone' (or an 'email'): how to reach them")
        return self


def _required_shorthand(value: Any) -> Any:
    # `safety: required` asks for the settings without giving any yet.
    return {"required": True} if value == "required" else value


class Safety(Strict):
    """What a facilitator does when someone may not be safe: who to call, how to record it."""

    required: bool = Field(
        default=False,
        description="Make a strict build fail while any of the safety settings is missing.",
    )
    during: list[SafetyContact] = Field(
        default_factory=list, description="Who a facilitator calls during a session."
    )
    after: list[SafetyContact] = Field(
        default_factory=list, description="Who a facilitator tells after a session."
    )
    safeguarding_lead: SafetyContact | None = Field(
        default=None, description="The person who decides on safeguarding concerns."
    )
    record: Text | None = Field(
        default=None, description="How a concern is written down and passed on, and by when."
    )
    no_answer: Text | None = Field(
        default=None, description="What a facilitator does when nobody answers."
    )


SAFETY_PARTS = {
    "during": "who a facilitator calls during a session (safety.during)",
    "after": "who a facilitator tells after a session (safety.after)",
    "safeguarding_lead": "the safeguarding lead (safety.safeguarding_lead)",
    "record": "how a concern is recorded and passed on (safety.record)",
    "no_answer": "what to do when no one answers (safety.no_answer)",
}


HexColour = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^#[0-9a-fA-F]{6}$"),
    Field(description='A colour as six hex digits, e.g. "#00574b".'),
]


class Brand(Strict):
    """The site's colours. The build warns when text in them would fall below WCAG AA."""

    primary: HexColour = Field(
        default="#00574b", description="The header's background; its text is white."
    )
    accent: HexColour = Field(
        default="#6a1b9a", description="Hovered links, focus rings and markers, on white."
    )
    link: HexColour = Field(default="#00695c", description="Links, on the white page.")
    link_dark: HexColour = Field(
        default="#80cbc4", description="Links (and the accent) in the dark theme."
    )


class Contact(Strict):
    """How to reach the organisation: shown by the `contact()` macro (on the About page)."""

    name: ShortText | None = None
    email: ShortText | None = None
    phone: ShortText | None = None
    address: Text | None = None
    url: WebAddress | None = None


class SiteSettings(Strict):
    """What the organisation running the site sets once for every page and pack."""

    organisation: ShortText | None = Field(
        default=None, description="Shown on packs' covers and running headers."
    )
    signposting_intro: Text = DEFAULT_INTRO
    signposting: list[Service] = Field(default_factory=list)
    contact: Contact | None = None
    licence: Text | None = Field(
        default=None,
        description="How others may reuse the site's material, e.g. a Creative Commons licence.",
    )
    brand: Brand | None = None
    safety: Annotated[Safety | None, BeforeValidator(_required_shorthand)] = Field(
        default=None,
        description="Who facilitators call when someone may not be safe; `safety: required` "
        "makes a strict build fail until it is all given.",
    )
    local_support: list[LocalService] = Field(
        default_factory=list,
        description="Services near the venues, printed beside the national list.",
    )
    vocabulary: Vocabulary | None = Field(
        default=None,
        description=(
            "The audiences and themes modules may use (the catalogue's filters); without it,"
            " any term."
        ),
    )
    logo: ShortText | None = Field(
        default=None,
        description=(
            "An image (SVG, PNG or JPEG, at most 1 MB) for the packs' covers: a path relative"
            " to mkdocs.yml. Default: the theme's `logo`, in the docs folder."
        ),
    )

    def safety_missing(self) -> list[str]:
        """What the safety settings leave out, in words (empty when complete)."""
        safety = self.safety or Safety()
        return [words for key, words in SAFETY_PARTS.items() if not getattr(safety, key)]

    @property
    def safety_required(self) -> bool:
        return self.safety is not None and self.safety.required

    def local_support_for(self, venue: str | None) -> list[LocalService]:
        """The site's local services for a venue: those for every venue and that venue's
        (all of them when no venue is given)."""
        return [s for s in self.local_support if venue is None or s.venue in (None, venue)]


def resolve_logo(given: str | None, root: Path, docs_dir: Path, theme_logo: Any) -> str | None:
    """The logo file for packs as an absolute path: the plugin's `logo` (relative to the
    site's folder), else the theme's `logo` (relative to the docs folder), if it is a file.

    Raises ValueError when the plugin's `logo` names no file.
    """
    if given:
        path = (root / given).resolve()
        if not path.is_file():
            raise ValueError(f"plugins.peerkit.logo: no file {given} beside mkdocs.yml")
        return str(path)
    if isinstance(theme_logo, str) and theme_logo.strip():
        path = (docs_dir / theme_logo).resolve()
        if path.is_file():
            return str(path)
    return None


STALE_AFTER_DAYS = 365
STALE_MARK = "more than 12 months ago"


def stale_services(
    services: list[Service] | list[LocalService], today: dt.date | None = None
) -> list[tuple[int, Service]]:
    """(index, service) of each service last checked more than 12 months before `today`."""
    today = today or dt.date.today()
    return [
        (index, service)
        for index, service in enumerate(services)
        if service.last_checked is not None
        and (today - service.last_checked).days > STALE_AFTER_DAYS
    ]


def stale_message(where: str, service: Service) -> str:
    assert service.last_checked is not None
    return (
        f"{where}: {service.name} was last checked on {service.last_checked.isoformat()}, "
        f"{STALE_MARK}: check its number and hours with the service, then update "
        "'last_checked'"
    )


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running its tags (`!!python/name:`, `!ENV`): they become None."""


_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


@lru_cache(maxsize=8)
def _config_data(text: str) -> Any:
    return yaml.load(text, Loader=_ConfigLoader)


@lru_cache(maxsize=8)
def compose_config(text: str) -> Node | None:
    """The node tree of `mkdocs.yml`'s text (read once however often it is asked for: a build
    reads it several times, and `serve` again on every rebuild). Its nodes are not to be
    changed."""
    return yaml.compose(text, Loader=_ConfigLoader)


def read_config(config_file: Path) -> dict[str, Any]:
    """A site's `mkdocs.yml` as plain data, read without MkDocs (and without its tags)."""
    data = _config_data(config_file.read_text(encoding="utf-8"))
    return copy.deepcopy(data) if isinstance(data, dict) else {}


def plugin_options(data: dict[str, Any]) -> dict[str, Any]:
    """The peerkit plugin's options in a site's config (`read_config`), or {} if it has none."""
    plugins = data.get("plugins") or []
    for plugin in plugins if isinstance(plugins, list) else [plugins]:
        if isinstance(plugin, dict) and isinstance(plugin.get("peerkit"), dict):
            return plugin["peerkit"]  # type: ignore[no-any-return]
    return {}


def option_lines(config_file: Path) -> dict[tuple[str | int, ...], int]:
    """The 1-based line of every key (and list item) under the peerkit plugin's options in
    `mkdocs.yml`, by key path, so a mistake in the settings is reported where it is."""
    try:
        root = compose_config(config_file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    plugins = _value_of(root, "plugins")
    # `plugins:` is a list (`- peerkit:`) or, less often, a mapping (`peerkit:`).
    items: list[Node] = plugins.value if isinstance(plugins, SequenceNode) else []
    if isinstance(plugins, MappingNode):
        items = [MappingNode(plugins.tag, [pair]) for pair in plugins.value]
        for node, pair in zip(items, plugins.value, strict=True):
            node.start_mark = pair[0].start_mark
    for item in items:
        options = _value_of(item, "peerkit")
        if isinstance(options, MappingNode):
            # A missing key is reported at the plugin's own line, `- peerkit:`.
            lines: dict[tuple[str | int, ...], int] = {(): item.start_mark.line + 1}
            _node_lines(options, (), lines)
            return lines
    return {}


def _value_of(node: Node | None, key: str) -> Node | None:
    if isinstance(node, MappingNode):
        for key_node, value in node.value:
            if key_node.value == key and isinstance(value, Node):
                return value
    return None


def _node_lines(node: Node, path: tuple[str | int, ...], lines: dict[Any, int]) -> None:
    if len(path) > 16:
        return
    if isinstance(node, MappingNode):
        for key_node, value in node.value:
            key = (*path, str(key_node.value))
            lines[key] = key_node.start_mark.line + 1
            _node_lines(value, key, lines)
    elif isinstance(node, SequenceNode):
        for index, child in enumerate(node.value):
            lines[(*path, index)] = child.start_mark.line + 1
            _node_lines(child, (*path, index), lines)


def settings_problems(
    where: Path, given: dict[str, Any], lines: dict[tuple[str | int, ...], int]
) -> tuple[SiteSettings | None, list[Finding]]:
    """The settings in `given` (the plugin's options), or each mistake at its line in
    `where` (mkdocs.yml), its key path starting `plugins.peerkit.`."""
    try:
        return SiteSettings.model_validate(given), []
    except ValidationError as exc:
        findings = describe_errors(where, exc.errors(), given, lines, SiteSettings)
        return None, [
            Finding(where, f.line if lines else 1, f"plugins.peerkit.{f.message}") for f in findings
        ]


def settings_warnings(
    where: Path,
    settings: SiteSettings,
    lines: dict[tuple[str | int, ...], int],
    today: dt.date | None = None,
) -> list[Finding]:
    """What a site should fix but may publish without: safety settings that are missing
    (an error when `safety: required` is set) and support details checked over 12 months ago."""
    findings = []
    missing = settings.safety_missing()
    if missing:
        severity = Severity.error if settings.safety_required else Severity.warning
        findings.append(
            Finding(
                where,
                deepest_line(lines, ("safety",)) if lines else 1,
                (
                    "plugins.peerkit.safety is required, but it does not say "
                    if settings.safety_required
                    else "plugins.peerkit.safety: the safety page prints fill-in lines, because "
                    "it does not say "
                )
                + "; ".join(missing)
                + (
                    ""
                    if settings.safety_required
                    else " (set `safety: required` to make a strict build fail until it does)"
                ),
                severity,
            )
        )
    lists: list[tuple[str, list[Service] | list[LocalService]]] = [
        ("signposting", settings.signposting),
        ("local_support", settings.local_support),
    ]
    for key, services in lists:
        for index, service in stale_services(services, today):
            findings.append(
                Finding(
                    where,
                    deepest_line(lines, (key, index, "last_checked")) if lines else 1,
                    stale_message(f"plugins.peerkit.{key}#{index + 1}", service),
                    Severity.warning,
                )
            )
    return findings


def settings_from_config(config_file: Path) -> SiteSettings:
    """The peerkit plugin's settings in a site's `mkdocs.yml`, read without MkDocs.

    Raises ValueError with each mistake as `path:line: message` (the same words as
    `peerkit check` and the build) when the settings are not valid.
    """
    settings, findings = check_config(config_file)
    if settings is None:
        raise ValueError("\n".join(finding.format() for finding in findings))
    return settings


def site_folders_outside(config_file: Path) -> list[Finding]:
    """Links in the site's `docs/` and theme `overrides/` that lead outside the project (or
    a named pipe or device there): MkDocs would publish or hang on each of them."""
    root = config_file.absolute().parent
    data = read_config(config_file)
    theme = data.get("theme")
    folders = [str(data.get("docs_dir") or "docs")]
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        folders.append(theme["custom_dir"])
    findings: list[Finding] = []
    for name in folders:
        findings += linked_outside(root / name, root, f"{name.rstrip('/')}/")
    return findings


def check_config(
    config_file: Path,
    today: dt.date | None = None,
    options: dict[str, Any] | None = None,
) -> tuple[SiteSettings | None, list[Finding]]:
    """A site's settings from its `mkdocs.yml`, with every mistake and warning at its line:
    the one translator of the plugin's settings into sentences, for `peerkit check`, `peerkit
    pack`, the build and the plugin alike. `options` are the plugin's options as MkDocs read
    them (its `!ENV` tags resolved, unset ones left out), else they are read from the file."""
    data = read_config(config_file) if config_file.is_file() else {}
    if options is None:
        options = plugin_options(data)
    given = {key: options[key] for key in SiteSettings.model_fields if key in options}
    if "organisation" not in given and isinstance(data.get("site_name"), str):
        given["organisation"] = data["site_name"]
    lines = option_lines(config_file) if config_file.is_file() else {}
    try:
        given["logo"] = _config_logo(config_file, data, given.get("logo"))
    except ValueError as exc:
        line = lines.get(("logo",), 1)
        return None, [Finding(config_file, line, str(exc))]
    settings, findings = settings_problems(config_file, given, lines)
    if settings is None:
        return None, findings
    return settings, settings_warnings(config_file, settings, lines, today)


def _config_logo(config_file: Path, data: dict[str, Any], given: Any) -> str | None:
    """The packs' logo for a site's config: its `logo` option or its theme's logo."""
    theme = data.get("theme")
    theme_logo = theme.get("logo") if isinstance(theme, dict) else None
    root = config_file.parent
    docs_dir = root / str(data.get("docs_dir") or "docs")
    return resolve_logo(given if isinstance(given, str) else None, root, docs_dir, theme_logo)
