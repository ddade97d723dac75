"""GitHub's anchors: heading slugs, fragment resolution and "did you mean" matching.

GitHub gives every markdown heading an anchor made by github-slugger 2.x, and prefixes the
ids and names written in raw HTML with ``user-content-``; a ``#x`` link still reaches
``user-content-x`` there. These functions are the one reference for "does this fragment
resolve?" in doclint.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

if TYPE_CHECKING:
    from doclint.model.document import Anchor, Heading

USER_CONTENT_PREFIX = "user-content-"

# ``#`` alone and ``#top`` scroll to the top of the page on GitHub and in browsers.
TOP_OF_PAGE = frozenset({"", "top"})

_SLUG_CATEGORIES = frozenset({"Nd", "Nl", "Pc"})


def _is_slug_char(char: str) -> bool:
    if char == " " or char == "-":
        return True
    category = unicodedata.category(char)
    return category[0] in "LM" or category in _SLUG_CATEGORIES


class _SlugTable(dict):
    """``str.translate`` table, filled as characters are met: each kept character maps to
    itself (the space to a hyphen), each dropped one to None."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        kept = ("-" if char == " " else char) if _is_slug_char(char) else None
        self[code] = kept
        return kept


_SLUG_TABLE = _SlugTable()


def slug(text: str) -> str:
    """The github-slugger 2.x slug of a heading's text, before de-duplication.

    Lower-case; keep letters, marks, decimal and letter numbers, connector punctuation,
    the ASCII hyphen and the ASCII space; drop everything else; then each space becomes
    a hyphen. Nothing is trimmed or collapsed.
    """
    return text.lower().translate(_SLUG_TABLE)


class Slugger:
    """Unique slugs in document order, as github-slugger numbers repeated headings."""

    def __init__(self) -> None:
        self._occurrences: dict[str, int] = {}

    def slug(self, text: str) -> str:
        original = result = slug(text)
        while result in self._occurrences:
            self._occurrences[original] += 1
            result = f"{original}-{self._occurrences[original]}"
        self._occurrences[result] = 0
        return result


def fragment_target(fragment: str) -> str:
    """The anchor name a fragment (without ``#``) asks for on GitHub.

    Percent-encoding is decoded and a leading ``user-content-`` removed, because GitHub
    serves raw-HTML ids under that prefix and sends plain ``#x`` links there too.
    """
    decoded = unquote(fragment, errors="surrogateescape") if "%" in fragment else fragment
    if decoded.startswith(USER_CONTENT_PREFIX):
        return decoded[len(USER_CONTENT_PREFIX) :]
    return decoded


def written_like(fragment: str, anchor: str) -> str:
    """``anchor`` as a fragment written the way ``fragment`` is: with GitHub's
    ``user-content-`` prefix, and percent-encoded, where ``fragment`` is."""
    decoded = unquote(fragment)
    prefix = USER_CONTENT_PREFIX if decoded.startswith(USER_CONTENT_PREFIX) else ""
    if decoded != fragment:
        return prefix + quote(anchor, safe="")
    return prefix + anchor


def resolves(fragment: str, anchors: Iterable[str] | frozenset[str] | set[str]) -> bool:
    """Whether ``#fragment`` reaches an anchor of a page that has ``anchors``."""
    target = fragment_target(fragment)
    return target in TOP_OF_PAGE or target in anchors


# Runs of letters and numbers, found and joined: quicker on Chinese text than deleting
# what lies between them, which a regular expression tries at every character.
_WORD_RUN = re.compile(r"[^\W_]+")

# Fullwidth punctuation of Chinese text, as NFKC writes it. Replacing a character by its
# compatibility mapping leaves the text's NFKC form unchanged, and text with none of them
# left is mostly normalised already, which is far quicker to tell than to normalise.
_WIDE_PUNCTUATION = (
    ("，", ","),
    ("？", "?"),
    ("：", ":"),
    ("（", "("),
    ("）", ")"),
    ("！", "!"),
    ("；", ";"),
    ("\u3000", " "),
)


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, several times quicker on Chinese text."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    for wide, narrow in _WIDE_PUNCTUATION:
        if wide in text:
            text = text.replace(wide, narrow)
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=4096)  # a book's titles are keyed again and again, by several rules
def match_key(text: str) -> str:
    """A key under which two spellings of the same title compare equal.

    NFKC (fullwidth forms become ASCII), case-folded, with punctuation, symbols and all
    spacing removed: only letters and numbers remain.
    """
    return "".join(_WORD_RUN.findall(nfkc(text).casefold()))


class AnchorIndex:
    """The anchors of one file, and the headings they name, for resolving fragments.

    Kept apart from the rest of a document so that the anchors of every file of a book
    can stay in memory while the files themselves do not.
    """

    def __init__(self, anchor_list: Sequence[Anchor], headings: Sequence[Heading]) -> None:
        self.anchor_list = tuple(anchor_list)
        self.headings = tuple(headings)
        self.by_name: dict[str, Anchor] = {}
        for anchor in self.anchor_list:
            self.by_name.setdefault(anchor.name, anchor)

    def resolves(self, fragment: str) -> bool:
        return resolves(fragment, self.by_name)

    def anchor_for(self, fragment: str) -> Anchor | None:
        return self.by_name.get(fragment_target(fragment))

    @cached_property
    def _anchors_by_heading(self) -> dict[int, list[Anchor]]:
        by_heading: dict[int, list[Anchor]] = {}
        for anchor in self.anchor_list:
            if anchor.heading is not None:
                by_heading.setdefault(anchor.heading, []).append(anchor)
        return by_heading

    def anchors_of(self, heading: int) -> Sequence[Anchor]:
        """The anchors that name the heading with index ``heading``, in document order."""
        return self._anchors_by_heading.get(heading, ())

    @cached_property
    def _anchors_by_key(self) -> dict[str, list[Anchor]]:
        by_key: dict[str, list[Anchor]] = {}
        for anchor in self.anchor_list:
            by_key.setdefault(match_key(anchor.name), []).append(anchor)
        return by_key

    @cached_property
    def _headings_by_key(self) -> dict[str, list[Heading]]:
        by_key: dict[str, list[Heading]] = {}
        for heading in self.headings:
            if heading.anchor is not None and heading.anchor in self.by_name:
                by_key.setdefault(match_key(heading.text), []).append(heading)
        return by_key

    def headings_titled(self, text: str) -> Sequence[Heading]:
        """The linkable headings whose text is ``text``, ignoring case, width,
        punctuation and spacing."""
        return self._headings_by_key.get(match_key(text), ())

    def intended_anchor(self, fragment: str, text: str = "") -> Anchor | None:
        """The anchor a broken fragment evidently means, when exactly one fits.

        First the fragment is compared with every anchor, ignoring case, width,
        punctuation and spacing; failing that, the link text with every heading's text.
        """
        by_fragment = self._anchors_by_key.get(match_key(fragment_target(fragment)), ())
        candidates = self._one_per_element(by_fragment)
        if len(candidates) == 1:
            return candidates[0]
        if text.strip():
            headings = self.headings_titled(text)
            candidates = self._one_per_element(
                self.by_name[h.anchor] for h in headings if h.anchor is not None
            )
            if len(candidates) == 1:
                return candidates[0]
        return None

    def _one_per_element(self, candidates: Iterable[Anchor]) -> list[Anchor]:
        """Candidates, one per element they name: a heading's own anchor stands for it."""
        chosen: dict[object, Anchor] = {}
        for anchor in candidates:
            element: object = anchor.heading if anchor.heading is not None else anchor
            current = chosen.get(element)
            if current is None or (
                anchor.heading is not None and anchor.name == self.headings[anchor.heading].anchor
            ):
                chosen[element] = anchor
        return list(chosen.values())
