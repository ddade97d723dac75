"""Helpers several rules share: reading link targets and proposing replacements."""

from __future__ import annotations

from urllib.parse import unquote

from doclint.core.findings import Edit, Fix
from doclint.model.document import Document, Link
from doclint.parsing.writing import destination, html_attribute


def split_target(target: str) -> tuple[str, str | None]:
    """A local target's path (percent-decoded, query removed) and its fragment."""
    path, hash_mark, fragment = target.partition("#")
    path = path.split("?", 1)[0]
    return unquote(path), (fragment if hash_mark else None)


def replace_target(doc: Document, link: Link, new_target: str, title: str) -> Fix | None:
    """A fix that rewrites the link's destination where it is written: in the link, in
    its reference definition, or in an ``<a href>``; None when it cannot be written so
    that it reads back as ``new_target``, or when a definition serves other links too
    (what fits one of them need not fit the others)."""
    if link.target_span is None:
        return None
    if link.syntax == "reference" and any(
        other.target_span == link.target_span for other in doc.links if other is not link
    ):
        return None
    if link.syntax == "html":
        written = None if any(c.isspace() for c in new_target) else html_attribute(new_target)
    elif link.syntax in ("inline", "reference", "unparsed"):
        written = destination(new_target)
    else:
        return None
    if written is None:
        return None
    span = link.target_span
    return Fix(title, (Edit(span.line, span.column, span.length, written),))
