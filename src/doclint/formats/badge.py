"""A coverage badge as SVG, in the flat style of shields.io, coloured as coverage.py and
interrogate colour theirs: ≥95 brightgreen, ≥90 green, ≥75 yellowgreen, ≥60 yellow,
≥40 orange, else red (compared unrounded)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from doclint.formats.table import format_percent

LABEL = "questions"

COLOURS = (
    (95.0, "#4c1"),  # brightgreen
    (90.0, "#97ca00"),  # green
    (75.0, "#a4a61d"),  # yellowgreen
    (60.0, "#dfb317"),  # yellow
    (40.0, "#fe7d37"),  # orange
    (0.0, "#e05d44"),  # red
)

# Widths in pixels of Verdana at 11px, the badge font; other characters count as "m".
_WIDTHS = {
    **dict.fromkeys("0123456789", 7.0),
    ".": 3.5,
    "%": 12.0,
    " ": 3.9,
    "e": 6.8,
    "i": 3.0,
    "n": 7.0,
    "o": 6.7,
    "q": 6.9,
    "s": 5.8,
    "t": 4.3,
    "u": 7.0,
}


def colour(percent: float) -> str:
    return next(hex_colour for floor, hex_colour in COLOURS if percent >= floor)


def _text_width(text: str) -> int:
    return round(sum(_WIDTHS.get(char, 10.7) for char in text))


def render_badge(percent: float, precision: int = 1) -> str:
    value = format_percent(percent, precision)
    label_width = _text_width(LABEL) + 10
    value_width = _text_width(value) + 10
    width = label_width + value_width
    title = escape(f"{LABEL}: {value} answered")
    fill = colour(percent)
    # Text is drawn at 10x scale and shrunk, as shields.io does, for crisp small glyphs.
    label_x = label_width * 5
    value_x = label_width * 10 + value_width * 5
    shadow = 'fill="#010101" fill-opacity=".3"'
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" \
role="img" aria-label="{title}">
  <title>{title}</title>
  <linearGradient id="s" x2="0" y2="100%">
    <stop offset="0" stop-color="#bbb" stop-opacity=".1"/>
    <stop offset="1" stop-opacity=".1"/>
  </linearGradient>
  <clipPath id="r"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>
  <g clip-path="url(#r)">
    <rect width="{label_width}" height="20" fill="#555"/>
    <rect x="{label_width}" width="{value_width}" height="20" fill="{fill}"/>
    <rect width="{width}" height="20" fill="url(#s)"/>
  </g>
  <g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" \
text-rendering="geometricPrecision" font-size="110">
    <text x="{label_x}" y="150" {shadow} transform="scale(.1)">{LABEL}</text>
    <text x="{label_x}" y="140" transform="scale(.1)">{LABEL}</text>
    <text x="{value_x}" y="150" {shadow} transform="scale(.1)">{value}</text>
    <text x="{value_x}" y="140" transform="scale(.1)">{value}</text>
  </g>
</svg>
"""
