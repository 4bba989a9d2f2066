"""Settings an organisation gives its site: its name and where people can find other support.

Every module page and every pack ends with the signposting list, because peer support is not
crisis or clinical care. The list is the organisation's own, set once in `mkdocs.yml` under the
peerkit plugin; the model here keeps it independent of MkDocs so packs use the same list.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

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


class SiteSettings(Strict):
    """What the organisation running the site sets once for every page and pack."""

    organisation: ShortText | None = Field(
        default=None, description="Shown on packs' covers and running headers."
    )
    signposting_intro: Text = DEFAULT_INTRO
    signposting: list[Service] = Field(default_factory=list)
