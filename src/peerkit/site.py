"""Settings an organisation gives its site: its name and where people can find other support.

Every module page and every pack ends with the signposting list, because peer support is not
crisis or clinical care. The list is the organisation's own, set once in `mkdocs.yml` under the
peerkit plugin; the model here keeps it independent of MkDocs so packs use the same list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Field, StringConstraints, ValidationError

from peerkit.model import ShortText, Strict, Text

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
    logo: ShortText | None = Field(
        default=None,
        description=(
            "An image (SVG, PNG or JPEG, at most 1 MB) for the packs' covers: a path relative"
            " to mkdocs.yml. Default: the theme's `logo`, in the docs folder."
        ),
    )


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


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running its tags (`!!python/name:`, `!ENV`): they become None."""


_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def read_config(config_file: Path) -> dict[str, Any]:
    """A site's `mkdocs.yml` as plain data, read without MkDocs (and without its tags)."""
    data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    return data if isinstance(data, dict) else {}


def plugin_options(data: dict[str, Any]) -> dict[str, Any]:
    """The peerkit plugin's options in a site's config (`read_config`), or {} if it has none."""
    plugins = data.get("plugins") or []
    for plugin in plugins if isinstance(plugins, list) else [plugins]:
        if isinstance(plugin, dict) and isinstance(plugin.get("peerkit"), dict):
            return plugin["peerkit"]  # type: ignore[no-any-return]
    return {}


def settings_from_config(config_file: Path) -> SiteSettings:
    """The peerkit plugin's settings in a site's `mkdocs.yml`, read without MkDocs.

    Raises ValueError naming the file when the settings are not valid.
    """
    data = read_config(config_file)
    options = plugin_options(data)
    given = {key: options[key] for key in SiteSettings.model_fields if key in options}
    if "organisation" not in given and isinstance(data.get("site_name"), str):
        given["organisation"] = data["site_name"]
    root = config_file.parent
    theme = data.get("theme")
    theme_logo = theme.get("logo") if isinstance(theme, dict) else None
    docs_dir = root / str(data.get("docs_dir") or "docs")
    try:
        given["logo"] = resolve_logo(given.get("logo"), root, docs_dir, theme_logo)
    except ValueError as exc:
        raise ValueError(f"{config_file}: {exc}") from None
    try:
        return SiteSettings.model_validate(given)
    except ValidationError as exc:
        raise ValueError(
            f"{config_file}: the peerkit plugin's settings are not valid: {exc}"
        ) from None
