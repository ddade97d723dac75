"""Writing markdown that reads back as exactly what was meant.

Fixes write link destinations and link texts into people's files. Each is escaped as
little as possible and then read back with the parser that reads documents: what does
not read back unchanged is not written at all.
"""

from __future__ import annotations

import re

from doclint.parsing.builder import read_destination

# "&" that would start a character reference such as "&amp;" or "&#123;".
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# A backslash that would escape the ASCII punctuation after it.
_ESCAPING_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
_ASCII_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def destination(target: str) -> str | None:
    """``target`` written as an inline link destination, or None when it cannot be."""
    if "\n" in target or "\r" in target:
        return None
    escaped = _ENTITY.sub(r"\\&", _ESCAPING_BACKSLASH.sub(r"\\\\", target))
    candidates = (
        target,
        escaped,
        escaped.replace("(", "\\(").replace(")", "\\)"),
        "<" + escaped.replace("<", "\\<").replace(">", "\\>") + ">",
    )
    return next((written for written in candidates if target_of(written) == target), None)


def target_of(written: str) -> str | None:
    """The target a whole inline link destination names, or None if it is not one."""
    read = read_destination(written, 0)
    return read[0] if read is not None and read[1] == len(written) else None


def link_text(text: str) -> str | None:
    """``text`` written between a link's brackets so that it shows as exactly ``text``."""
    if "\n" in text or "\r" in text:
        return None
    from doclint.parsing import read_link_text

    minimal = _ENTITY.sub(r"\\&", re.sub(r"([\\\[\]`<])", r"\\\1", text))
    candidates = (text, minimal, _ASCII_PUNCTUATION.sub(r"\\\1", text))
    return next((written for written in candidates if read_link_text(written) == text), None)


def html_attribute(value: str) -> str:
    """``value`` inside a quoted HTML attribute, where ``html.unescape`` reads it back."""
    # Imported here for start-up time: a check imports this module, only a fix writes.
    from html import escape

    return escape(value, quote=True)
