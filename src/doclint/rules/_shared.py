"""Helpers several rules share: reading link targets and proposing replacements."""

from __future__ import annotations

import re
from urllib.parse import unquote

from ..anchors import USER_CONTENT_PREFIX
from ..document import Link
from ..findings import Edit, Fix


def split_target(target: str) -> tuple[str, str | None]:
    """A local target's path (percent-decoded, query removed) and its fragment."""
    path, hash_mark, fragment = target.partition("#")
    path = path.split("?", 1)[0]
    return unquote(path), (fragment if hash_mark else None)


def with_prefix_of(fragment: str, anchor: str) -> str:
    """``anchor`` written the way the broken fragment was: keep a ``user-content-`` prefix."""
    prefix = USER_CONTENT_PREFIX if unquote(fragment).startswith(USER_CONTENT_PREFIX) else ""
    return prefix + anchor


_NEEDS_ANGLE_BRACKETS = re.compile(r"[\s<>]")


def destination(text: str) -> str | None:
    """``text`` as a link destination, or None when it cannot be written safely."""
    if "\n" in text or "<" in text or ">" in text:
        return None
    if _NEEDS_ANGLE_BRACKETS.search(text):
        return f"<{text}>"
    if text.count("(") != text.count(")"):
        return text.replace("(", "\\(").replace(")", "\\)")
    return text


def replace_target(link: Link, new_target: str, title: str) -> Fix | None:
    """A fix that rewrites the link's destination, where it is written inline."""
    if link.target_span is None or link.syntax not in ("inline", "reference", "html"):
        return None
    written = new_target if link.syntax == "html" else destination(new_target)
    if written is None or (link.syntax == "html" and '"' in new_target):
        return None
    span = link.target_span
    return Fix(title, (Edit(span.line, span.column, span.length, written),))
