"""HTML cleaning for module pages.

Module prose is Markdown, and Markdown passes raw HTML through. Module files may come from
volunteers, so the HTML of a module page is cleaned with ammonia (through nh3) before it is
published: scripts, styles, frames, event-handler attributes and `javascript:` links go;
images from other hosts go too. The markup Markdown and peerkit's templates produce stays.
"""

from __future__ import annotations

import nh3

_TAGS = set(nh3.ALLOWED_TAGS) | {"section", "input"}
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title", "lang", "dir", "role"},
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start", "type"},
    "details": {"open"},
    "th": {"scope", "colspan", "rowspan", "style"},
    "td": {"colspan", "rowspan", "style"},
    "input": {"type", "checked", "disabled"},  # Markdown task lists
}


def _local_sources_only(tag: str, attribute: str, value: str) -> str | None:
    """Images load only from the site itself: a picture from elsewhere is a request to
    another host (a tracking pixel, for one) every time the page is read."""
    if attribute == "src" and (value.startswith("//") or ":" in value.split("/", 1)[0]):
        return None
    return value


def clean_html(html: str) -> str:
    """`html` with everything that could run code or load from elsewhere removed."""
    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        generic_attribute_prefixes={"data-", "aria-"},
        attribute_filter=_local_sources_only,
        filter_style_properties={"text-align"},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
        strip_comments=True,
    )
