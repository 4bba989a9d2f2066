"""Pages that stay small as a site grows.

Material's navigation templates write blank lines for every page in every section, even
the sections that `navigation.prune` leaves closed, so whitespace is about two thirds of
the navigation's bytes. In the primary sidebar (the navigation, which holds no `<pre>`,
`<textarea>` or script) each run of white space with a line break becomes one line break:
the page looks and reads the same.
"""

from __future__ import annotations

import re

_SIDEBAR = re.compile(
    r'<div class="md-sidebar md-sidebar--primary".*?'
    r'(?=<div class="md-sidebar md-sidebar--secondary"|<div class="md-content")',
    re.S,
)
_BREAKS = re.compile(r"\s*\n\s*")


def compact_navigation(html: str) -> str:
    """`html` with the white space of its primary sidebar (the navigation) squeezed."""
    return _SIDEBAR.sub(lambda m: _BREAKS.sub("\n", m[0]), html, count=1)
