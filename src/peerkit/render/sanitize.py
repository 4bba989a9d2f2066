"""HTML cleaning for the prose of module pages.

Module prose is Markdown, and Markdown passes raw HTML through. Module files may come from
volunteers, so the HTML their prose becomes is cleaned with ammonia (through nh3) before it
is published. Nothing may run code (scripts, `on…` attributes, `javascript:` links), load
from another host (images are allowed only by relative path), or take over the theme: ids
cannot pose as Material's own (which start with `__`), classes come from an allowlist of what
Markdown extensions write (so no `md-*` layout classes and no `mermaid`, which would make the
theme fetch a script from a CDN), and no `data-*` attributes reach the theme's scripts.

Titles are text only. Material's `content.tooltips` feature puts an element's `title` into the
page as HTML when it is hovered, so a title holding `<` or `>` (markup, or a `<meta>` refresh)
is dropped: nothing in a tooltip can run or navigate, whatever features a site turns on.
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
    "input": {"checked", "disabled"},  # Markdown task lists; type: see _ATTRIBUTE_VALUES
}
_ATTRIBUTE_VALUES = {"input": {"type": {"checkbox"}}}

_SAFE_ID = re.compile(r"^(?!__)[\w-]+$")
_RELATIVE_SRC = re.compile(r"^(?![/\\])[\w.~%+-]+(?:/[\w.~%+-]+)*$")
# Classes written by Python-Markdown and the usual extensions (admonition, footnotes,
# code highlighting, task lists, tabs, details, critic).
_SAFE_CLASS = re.compile(
    r"^(?:admonition(?:-title)?|note|abstract|summary|tldr|info|todo|tip|hint|important"
    r"|success|check|done|question|help|faq|warning|caution|attention|failure|fail|missing"
    r"|danger|error|bug|example|quote|cite|headerlink|toclink|footnote(?:-[\w-]+)?"
    r"|footnote-ref|footnote-backref|highlight|codehilite|linenos|linenodiv|language-[\w-]+"
    r"|task-list(?:-[\w-]+)?|tabbed-[\w-]+|critic|break|del|ins|comment)$"
)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "title":
        return None if "<" in value or ">" in value else value
    if attribute == "id":
        return value if _SAFE_ID.match(value) else None
    if attribute == "class":
        kept = [name for name in value.split() if _SAFE_CLASS.match(name)]
        return " ".join(kept) or None
    if attribute == "src":
        return value if _RELATIVE_SRC.match(value) else None
    return value


def clean_html(html: str) -> str:
    """`html` with everything that could run code, fetch from elsewhere or take over the
    theme removed."""
    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        generic_attribute_prefixes={"aria-"},
        tag_attribute_values=_ATTRIBUTE_VALUES,
        attribute_filter=_attribute_filter,
        filter_style_properties={"text-align"},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
        strip_comments=True,
    )
