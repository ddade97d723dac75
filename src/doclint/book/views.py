"""Views of a document under a profile (its questions, its titles' numbers and keys),
computed once and kept with the document: several rules ask for the same ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from doclint.book.profile import Profile
from doclint.model.document import Document

_View = TypeVar("_View")


def derived(doc: Document, view: object, profile: Profile, compute: Callable[[], _View]) -> _View:
    """A view of ``doc`` under ``profile``, computed once: rules ask for the same ones.
    Kept by the profile's identity (hashing a profile hashes all its patterns), with the
    profile itself, so that a view is never taken for another profile's."""
    known = doc.derived.get(view)
    if known is None or known[0] is not profile:
        known = doc.derived[view] = (profile, compute())
    return known[1]  # type: ignore[index, return-value]
