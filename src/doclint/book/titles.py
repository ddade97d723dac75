"""Question titles as a reader compares them: the same question, whatever its number.

``duplicate-question`` compares titles under their key (``Titles.key``); coverage uses the
same key to see that a TOC entry reaching nothing and a heading the TOC leaves out are one
question; ``question-numbering`` reads their numbers. ``repeated_half`` finds a title
written twice in one heading, a slip of hand edits (``5.介绍一下X？5.介绍一下 X？``).
"""

from __future__ import annotations

import unicodedata

from doclint.book.profile import Profile
from doclint.book.views import derived
from doclint.model.anchors import nfkc
from doclint.model.document import Document

Number = tuple[int, ...]


class _KeyTable(dict):
    """``str.translate`` table, filled as characters are met: whitespace, punctuation
    (P*), separators (Z*) and controls (C*) map to None, every other character to
    itself."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        kept = None if char.isspace() or unicodedata.category(char)[0] in "PZC" else char
        self[code] = kept
        return kept


_KEY_TABLE = _KeyTable()


class Titles:
    """The numbers and keys of one document's titles under a profile, each read once:
    both rules on questions, coverage and the comparison across chapters ask for them."""

    def __init__(self, profile: Profile) -> None:
        self._profile = profile
        self._numberings: dict[str, tuple[Number | None, int]] = {}
        self._keys: dict[str, str] = {}

    def numbering(self, text: str) -> tuple[Number | None, int]:
        """``Profile.numbering``: the number ``text`` starts with, and where its title
        proper starts."""
        known = self._numberings.get(text)
        if known is None:
            known = self._numberings[text] = self._profile.numbering(text)
        return known

    def number(self, text: str) -> Number | None:
        return self.numbering(text)[0]

    def key(self, text: str) -> str:
        """``text`` without its numbering and label (``12.``, ``问题3：``, ``面试问题：``),
        in NFKC, case-folded, without whitespace and punctuation."""
        known = self._keys.get(text)
        if known is None:
            known = self._keys[text] = _bare_key(text[self.numbering(text)[1] :])
        return known


def titles(doc: Document, profile: Profile) -> Titles:
    """The titles of ``doc`` under ``profile``, kept with the document."""
    return derived(doc, "titles", profile, lambda: Titles(profile))


def _bare_key(text: str) -> str:
    return nfkc(text).casefold().translate(_KEY_TABLE)


def repeated_half(text: str) -> str | None:
    """The first copy of a title written twice in a row (``5.X？5.X？``, spacing and width
    aside), as written; None when the text is not one title twice, or too short to tell
    (``哈哈`` is no slip)."""
    head = text.lstrip()[:1]
    if not head or (
        text.find(head, text.index(head) + 1) < 0 and (head.isascii() or nfkc(head) == head)
    ):
        # Most titles stop here, unkeyed: a title written twice holds its first character
        # twice, unless its second copy writes that character in another width (``5`` then
        # ``５``), a slip this misses; a first character NFKC changes goes on to the key.
        return None
    key = _bare_key(text)
    if len(key) < 8 or len(key) % 2 or key[: len(key) // 2] != key[len(key) // 2 :]:
        return None
    pieces = [(index, _bare_key(char)) for index, char in enumerate(text)]
    pieces = [(index, piece) for index, piece in pieces if piece]
    if "".join(piece for _, piece in pieces) != key:  # NFKC joined characters: no copy
        return None
    length = 0
    for index, piece in pieces:
        if length == len(key) // 2:
            # The first copy ends where the second copy's first character starts.
            return text[:index].strip() or None
        length += len(piece)
    return None
