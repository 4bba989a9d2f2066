"""Characters no module or plan needs, which hide text or break what shows it.

A control character (NUL, ESC…) is invisible on the page and in an editor, can be dropped
silently by Markdown or drive a terminal that prints it; line and paragraph separators
(U+2028, U+2029) end lines in some programs and not others; bidirectional overrides and
isolates make text read differently from how it is stored ("Trojan source"); noncharacters
(U+FFFE…) and lone surrogates are not text at all. Tab and newline are fine. Left-to-right and
right-to-left marks (U+200E, U+200F) are kept: right-to-left languages need them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # control characters except tab and newline
    "\u2028\u2029"  # line and paragraph separators
    "\u202a-\u202e\u2066-\u2069"  # bidirectional embeddings, overrides and isolates
    "\ud800-\udfff"  # lone surrogates (only YAML escapes can make them)
    "\ufdd0-\ufdef"  # noncharacters
    + "".join(
        f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
    )
    + "]"
)
"""Any of the characters `invisible` reports (a CR before a newline aside, which it allows)."""
_CRLF_CR = re.compile("\r(?=\n)")


def describe(char: str) -> str:
    """What `char` is, in words, e.g. 'U+001B (a control character)'."""
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        kind = "a control character"
    elif char in "\u2028\u2029":
        kind = "an invisible line separator"
    elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        kind = "a direction override, which can disguise text"
    elif 0xD800 <= code <= 0xDFFF:
        kind = "half of a character pair, not a character"
    else:
        kind = "a noncharacter"
    return f"U+{code:04X} ({kind})"


def invisible(text: str) -> Iterator[tuple[int, str]]:
    """(0-based line, message) for each character in `text` that no module needs; a CR
    before a newline (Windows line ends) is fine."""
    if not has_invisible(text):
        return
    text = _CRLF_CR.sub("", text)
    for match in INVISIBLE.finditer(text):
        line = text.count("\n", 0, match.start())
        yield line, f"{describe(match[0])} is not allowed: delete it or retype the text around it"


def strip_invisible(text: str) -> str:
    """`text` without the characters `invisible` reports (a CR before a newline stays)."""
    return INVISIBLE.sub("", text)


# The same characters as `INVISIBLE`, in UTF-8 (lone surrogates as Python writes them with
# "surrogatepass"); a CR is looked for apart, since one before a newline is fine.
_INVISIBLE_UTF8 = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]"
    rb"|\xed[\xa0-\xbf]|\xef\xb7[\x90-\xaf]|\xef\xbf[\xbe\xbf]|[\xf0-\xf4][\x8f\x9f\xaf\xbf]\xbf[\xbe\xbf]"
)
_PRINTABLE_ASCII = bytes([9, 10, 13, *range(0x20, 0x7F)])


def has_invisible(text: str) -> bool:
    """Whether `invisible(text)` would report anything, found quickly: the text's printable
    ASCII is set aside first (a multi-byte character never contains those bytes), so the
    search runs over what is left, which is usually short."""
    rest = text.encode("utf-8", "surrogatepass").translate(None, _PRINTABLE_ASCII)
    if rest and _INVISIBLE_UTF8.search(rest):
        return True
    return "\r" in text and "\r" in text.replace("\r\n", "")
