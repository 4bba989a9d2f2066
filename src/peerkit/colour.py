"""Colours an organisation chooses, checked against WCAG 2.2 contrast before they are used.

`brand_problems` says, for each colour, where text in it (or on it) would fall below the AA
ratio of 4.5:1, and which way to move it. `brand_css` turns the colours into the CSS
variables Material for MkDocs reads, for the light and the dark scheme.
"""

from __future__ import annotations

from peerkit.site import Brand

AA = 4.5
WHITE = "#ffffff"
SLATE = "#1e2129"  # Material's dark ("slate") page background


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def brand_problems(brand: Brand) -> list[tuple[str, str]]:
    """(key, message) for each colour whose text would be hard to read."""
    checks = [
        ("primary", WHITE, brand.primary, "white header text on it", "darker"),
        ("link", brand.link, WHITE, "links on the white page", "darker"),
        ("accent", brand.accent, WHITE, "hovered links on the white page", "darker"),
        ("link_dark", brand.link_dark, SLATE, "links on the dark theme's page", "lighter"),
    ]
    problems = []
    for key, text, background, where, way in checks:
        ratio = contrast(text, background)
        if ratio < AA:
            problems.append(
                (
                    key,
                    f"{getattr(brand, key)} gives {where} a contrast of {ratio:.2f}:1, below "
                    f"WCAG AA ({AA}:1): choose a {way} colour",
                )
            )
    return problems


def _mix(colour: str, other: str, share: float) -> str:
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b, strict=True))


def brand_css(brand: Brand) -> str:
    """Material's colour variables for the light and the dark scheme."""
    return (
        "/* The site's colours, from the peerkit plugin's `brand` settings in mkdocs.yml. */\n"
        ':root,\n[data-md-color-scheme="default"] {\n'
        f"  --md-primary-fg-color: {brand.primary};\n"
        f"  --md-primary-fg-color--light: {_mix(brand.primary, WHITE, 0.2)};\n"
        f"  --md-primary-fg-color--dark: {_mix(brand.primary, '#000000', 0.3)};\n"
        f"  --md-accent-fg-color: {brand.accent};\n"
        f"  --md-typeset-a-color: {brand.link};\n"
        "}\n\n"
        '[data-md-color-scheme="slate"] {\n'
        f"  --md-primary-fg-color: {brand.primary};\n"
        f"  --md-accent-fg-color: {brand.link_dark};\n"
        f"  --md-typeset-a-color: {brand.link_dark};\n"
        "}\n"
    )
