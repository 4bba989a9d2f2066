"""Security headers for a built site: a Content-Security-Policy that names the hash of every
inline script the site has, with `Referrer-Policy: no-referrer` and `frame-ancestors 'none'`.

`write_server_configs` scans the built pages and writes the same headers three ways, ready to
use: `_headers` (Netlify, Cloudflare Pages), `.htaccess` (Apache) and `nginx-headers.conf`
(for an nginx `include`). The policy allows nothing from any other origin.

Where no headers can be sent (a site opened from a folder, GitHub or GitLab Pages),
`add_policy_meta` puts the same policy into every page as `<meta http-equiv>`, less
`frame-ancestors`, which browsers ignore there (only a header can forbid framing).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}

CONFIG_FILES = ("_headers", ".htaccess", "nginx-headers.conf")


# A script element's text ends at the first `</script`, as HTML parsers read it.
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]*)""", re.I)
_SRC = re.compile(r"\bsrc\s*=", re.I)


def inline_scripts(html: str) -> list[str]:
    """The text of each inline script a browser would run (not JSON data blocks)."""
    found = []
    for match in _SCRIPT.finditer(html):
        attributes, text = match[1], match[2]
        kind = _TYPE.search(attributes)
        if _SRC.search(attributes) or (kind and kind[1].lower() not in SCRIPT_TYPES):
            continue
        found.append(text)
    return found


def script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def inline_script_hashes(
    site: Path, leave_out: frozenset[str] = frozenset(), shim: str | None = None
) -> list[str]:
    """CSP source expressions (`'sha256-…'`) for every distinct inline script in the site,
    except the scripts in `leave_out` (those in pages' content, which the policy refuses).

    `shim` is the source of the iframe-worker shim the site serves for search from a folder:
    it writes an inline script into a frame, which inherits the page's policy."""
    hashes = set()
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        for script in inline_scripts(html):
            if script not in leave_out:
                hashes.add(script_hash(script))
        if shim is not None:
            hashes.update(script_hash(s) for s in iframe_worker_scripts(shim, html))
    return sorted(hashes)


_CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script', re.S)
_WORKER = re.compile(r'"search"\s*:\s*"([^"]+)"')


def iframe_worker_scripts(shim: str, html: str) -> list[str]:
    """The inline script the iframe-worker shim (1.0.x) writes into its frame when Material's
    search worker starts on the page `html` (the worker's address as the page gives it)."""
    config = _CONFIG.search(html)
    worker = _WORKER.search(config[1]) if config else None
    post = re.search(r"function c\(s,n\)\{.*?\}(?=function d\()", shim)
    load = re.search(r"function d\(\.\.\.s\)\{.*?\}(?=var o=)", shim)
    if worker is None or post is None or load is None:
        return []
    return [
        f"postMessage={post[0]};importScripts={load[0]};"
        'addEventListener("error",({error})=>{parent.dispatchEvent(new ErrorEvent("error",'
        f'{{filename:"{worker[1]}",error}}))}})'
    ]


# What a page fetches by itself: sources, stylesheets and icons, CSS url()s and @imports.
_FETCHES = re.compile(
    r"""\b(?:src|data|poster)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)"""
    r"""|\bsrcset\s*=\s*["'][^"']*?((?:https?:)?//[^"'\s,]+)"""
    r"""|url\(\s*["']?\s*((?:https?:)?//[^"')\s]+)"""
    r"""|@import\s+["']((?:https?:)?//[^"']+)""",
    re.I,
)
_LINK = re.compile(r"<link\b[^>]*>", re.I)
_LINK_HREF = re.compile(r"""\bhref\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""", re.I)
_LINK_FETCHES = re.compile(
    r"""\brel\s*=\s*["']?[^"'>]*\b(stylesheet|icon|preload|prefetch|modulepreload|manifest|"""
    r"""preconnect|dns-prefetch)\b""",
    re.I,
)


def outside_fetches(html: str) -> list[str]:
    """Addresses on other sites that a page would make the browser fetch by itself.

    The same as running the patterns above over the whole page, but only where they could
    match: every address they find has `//` in it, and a page has few of those (a module page
    at 1,000 modules: 400 KB, a few dozen). Each pattern's text before the `//` holds at most
    one quote mark and its address ends at the next, so the text from the second quote mark
    before a `//` to the first after it holds every match through that `//`; a `<link>` tag
    holds no `>`. Those stretches (joined where they overlap) are scanned as the whole page
    would be, with the same results in the same order."""
    marks = _slashes(html)
    if not marks:
        return []
    found = [
        next(g for g in m.groups() if g)
        for start, end in _stretches(html, marks)
        for m in _FETCHES.finditer(html, start, end)
    ]
    tags: list[tuple[int, int]] = []
    for mark in marks:
        start = html.rfind(">", 0, mark) + 1
        if not tags or tags[-1][0] != start:
            end = html.find(">", mark)
            tags.append((start, len(html) if end == -1 else end + 1))
    for start, end in tags:
        for link in _LINK.findall(html, start, end):
            href = _LINK_HREF.search(link)
            if href and _LINK_FETCHES.search(link):
                found.append(href[1])
    return found


def _slashes(html: str) -> list[int]:
    """Where each `//` in `html` starts (overlapping ones too: `///` gives two)."""
    marks, at = [], html.find("//")
    while at != -1:
        marks.append(at)
        at = html.find("//", at + 1)
    return marks


def _quote_before(html: str, end: int) -> int:
    """The position of the last quote mark before `end`, or -1."""
    return max(html.rfind('"', 0, end), html.rfind("'", 0, end))


def _stretches(html: str, marks: list[int]) -> list[tuple[int, int]]:
    """Stretches of `html` that hold every match of `_FETCHES` (see `outside_fetches`)."""
    stretches: list[tuple[int, int]] = []
    for mark in marks:
        start = max(0, _quote_before(html, max(0, _quote_before(html, mark))))
        after = [i for i in (html.find('"', mark), html.find("'", mark)) if i != -1]
        end = min(after, default=len(html))
        if stretches and start <= stretches[-1][1]:
            stretches[-1] = (stretches[-1][0], max(end, stretches[-1][1]))
        else:
            stretches.append((start, end))
    return stretches


def policy(script_hashes: list[str], *, meta: bool = False) -> str:
    """The site's Content-Security-Policy: its own files, and inline scripts by hash only.
    With `meta`, the policy for a `<meta http-equiv>`: browsers ignore `frame-ancestors`
    there, so it is left to the headers."""
    directives = [
        "default-src 'self'",
        "script-src " + " ".join(["'self'", *script_hashes]),
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    if meta:
        directives.remove("frame-ancestors 'none'")
    return "; ".join(directives)


def headers(script_hashes: list[str]) -> dict[str, str]:
    return {
        "Content-Security-Policy": policy(script_hashes),
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    }


def write_server_configs(
    site: Path,
    leave_out: frozenset[str] = frozenset(),
    shim: str | None = None,
    *,
    meta: bool = True,
) -> dict[str, str]:
    """Write `_headers`, `.htaccess` and `nginx-headers.conf` into `site`, and (with `meta`)
    the same policy into every page as a `<meta>`; returns the headers. Scripts in
    `leave_out` are not allowed by the policy; `shim` is the iframe-worker shim's source,
    when the site serves it."""
    hashes = inline_script_hashes(site, leave_out, shim)
    values = headers(hashes)
    netlify = ["# Netlify and Cloudflare Pages read this file from the site's root.", "/*"]
    netlify += [f"  {name}: {value}" for name, value in values.items()]
    apache = [
        "# Apache reads this file from the site's root (it needs mod_headers).",
        "<IfModule mod_headers.c>",
        *(f'  Header always set {name} "{value}"' for name, value in values.items()),
        "</IfModule>",
    ]
    nginx = [
        "# For nginx: `include /path/to/site/nginx-headers.conf;` inside your `server` block.",
        "# nginx drops these headers in any `location` block that has an `add_header` of its",
        "# own: include this file again inside each such block, or the pages there go out",
        "# without their Content-Security-Policy.",
        *(f'add_header {name} "{value}" always;' for name, value in values.items()),
    ]
    for name, lines in zip(CONFIG_FILES, (netlify, apache, nginx), strict=True):
        (site / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    if meta:
        add_policy_meta(site, policy(hashes, meta=True))
    return values


POLICY_META = '<meta http-equiv="Content-Security-Policy" content="{}">'
# As bytes: pages are changed without being decoded (the planner's run page is 23 MB of text
# in memory at 1,000 modules, and a copy of it at every step). The tags these find are ASCII.
_CHARSET = re.compile(rb"<meta charset=[^>]*>", re.I)
_HEAD = re.compile(rb"<head\b[^>]*>", re.I)
_HAS_POLICY = b'http-equiv="Content-Security-Policy"'


def add_policy_meta(site: Path, content: str) -> None:
    """Put the policy into every page of `site` first thing in <head> (a policy in a <meta>
    covers only what comes after it), just after the page's `<meta charset>`, which moves up
    with it so that it stays within the first bytes of the page."""
    tag = POLICY_META.format(content.replace('"', "&quot;")).encode("utf-8")
    for page in sorted(site.rglob("*.html")):
        html = page.read_bytes()
        head = _HEAD.search(html)
        if head is None or _HAS_POLICY in html:
            continue
        charset = _CHARSET.search(html, head.end())
        with page.open("wb") as out:
            out.write(html[: head.end()])
            out.write(b"\n" + (charset[0] if charset else b"") + b"\n" + tag)
            if charset:
                out.write(memoryview(html)[head.end() : charset.start()])
                out.write(memoryview(html)[charset.end() :])
            else:
                out.write(memoryview(html)[head.end() :])
