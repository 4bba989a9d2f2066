"""Security headers for a built site: a Content-Security-Policy that names the hash of every
inline script the site has, with `Referrer-Policy: no-referrer` and `frame-ancestors 'none'`.

`write_server_configs` scans the built pages and writes the same headers three ways, ready to
use: `_headers` (Netlify, Cloudflare Pages), `.htaccess` (Apache) and `nginx-headers.conf`
(for an nginx `include`). The policy allows nothing from any other origin.
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


def inline_script_hashes(site: Path, leave_out: frozenset[str] = frozenset()) -> list[str]:
    """CSP source expressions (`'sha256-…'`) for every distinct inline script in the site,
    except the scripts in `leave_out` (those in pages' content, which the policy refuses)."""
    hashes = set()
    for page in sorted(site.rglob("*.html")):
        for script in inline_scripts(page.read_text(encoding="utf-8")):
            if script not in leave_out:
                hashes.add(script_hash(script))
    return sorted(hashes)


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
    """Addresses on other sites that a page would make the browser fetch by itself."""
    found = [next(g for g in m.groups() if g) for m in _FETCHES.finditer(html)]
    for link in _LINK.findall(html):
        href = _LINK_HREF.search(link)
        if href and _LINK_FETCHES.search(link):
            found.append(href[1])
    return found


def policy(script_hashes: list[str]) -> str:
    """The site's Content-Security-Policy: its own files, and inline scripts by hash only."""
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
    return "; ".join(directives)


def headers(script_hashes: list[str]) -> dict[str, str]:
    return {
        "Content-Security-Policy": policy(script_hashes),
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    }


def write_server_configs(site: Path, leave_out: frozenset[str] = frozenset()) -> dict[str, str]:
    """Write `_headers`, `.htaccess` and `nginx-headers.conf` into `site`; returns the headers.
    Scripts in `leave_out` are not allowed by the policy."""
    values = headers(inline_script_hashes(site, leave_out))
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
        *(f'add_header {name} "{value}" always;' for name, value in values.items()),
    ]
    for name, lines in zip(CONFIG_FILES, (netlify, apache, nginx), strict=True):
        (site / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return values
