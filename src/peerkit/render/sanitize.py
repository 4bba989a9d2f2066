"""HTML cleaning for module pages.

Module prose is Markdown, and Markdown passes raw HTML through. Module files may come from
volunteers, so the HTML of a module page is cleaned with ammonia (through nh3) before it is
published: scripts, styles, frames, event-handler attributes and `javascript:` links go;
images from other hosts go too. The markup Markdown and peerkit's templates produce stays.
"""

from __future__ import annotations

import re

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


_SAFE_ID = re.compile(r"^[^\W_][\w-]*$")
_RELATIVE_SRC = re.compile(r"^(?![/\\])[\w.~%+-]+(?:/[\w.~%+-]+)*$")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Keep ids that cannot pose as the theme's own (Material's start with `__`), no
    `data-md-*` hooks for the theme's scripts, and images only from this site: a picture
    from elsewhere is a request to another host (a tracking pixel, say) on every visit."""
    if attribute == "id":
        return value if _SAFE_ID.match(value) else None
    if attribute.startswith("data-md"):
        return None
    if attribute == "src":
        return value if _RELATIVE_SRC.match(value) else None
    return value


def clean_html(html: str) -> str:
    """`html` with everything that could run code or load from elsewhere removed."""
    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        generic_attribute_prefixes={"data-", "aria-"},
        attribute_filter=_attribute_filter,
        filter_style_properties={"text-align"},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
        strip_comments=True,
    )
