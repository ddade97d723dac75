"""What a question book looks like: the patterns of its questions, placeholders, metadata
lines and numbering, as one configuration's ``profile:`` gives them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Profile:
    """What a question book looks like: patterns for questions, placeholders, metadata."""

    question_patterns: tuple[re.Pattern[str], ...]
    placeholder_patterns: tuple[re.Pattern[str], ...]
    metadata_patterns: tuple[re.Pattern[str], ...]
    # How a title is numbered: the group ``number`` holds its digits and dots; a pattern
    # without that group is a label without a number (``面试问题：``).
    number_patterns: tuple[re.Pattern[str], ...] = ()

    def is_question_title(self, text: str) -> bool:
        return self._any_question.search(text) is not None

    def is_metadata_line(self, line: str) -> bool:
        return self._any_metadata.search(line) is not None

    def strip_placeholders(self, text: str) -> tuple[str, bool]:
        """The text without its placeholders, and whether there were any."""
        if self._any_placeholder.search(text) is None:
            return text, False
        for pattern in self.placeholder_patterns:
            text = pattern.sub("", text)
        return text, True

    def numbering(self, text: str) -> tuple[tuple[int, ...] | None, int]:
        """The number written at the start of ``text`` (``4.1.2`` is ``(4, 1, 2)``), or None,
        and where the title proper starts: after the numbering and any label. Rules read
        it through ``book.titles.titles``, which reads each title once."""
        number: tuple[int, ...] | None = None
        start = 0
        for _ in range(2):  # a number and a label, in either order: "1. 面试问题：…"
            rest = text[start:]  # sliced: ``^`` matches only at the start of the string
            for pattern in self.number_patterns:
                found = pattern.match(rest)
                if found is None or not found.end():
                    continue
                digits = found.group("number") if "number" in pattern.groupindex else None
                if digits is not None:
                    if number is not None:
                        continue
                    number = tuple(int(part) for part in digits.split(".") if part)
                start += found.end()
                break
            else:
                break
        return number, start

    # Each list searched as one pattern: answers have many lines and books many answers.
    @cached_property
    def _any_question(self) -> _AnyOf:
        return _AnyOf(self.question_patterns)

    @cached_property
    def _any_metadata(self) -> _AnyOf:
        return _AnyOf(self.metadata_patterns)

    @cached_property
    def _any_placeholder(self) -> _AnyOf:
        return _AnyOf(self.placeholder_patterns)


def _starts_at_start(pattern: str) -> bool:
    """Whether every match of ``pattern`` starts at the start of the text: it begins with
    ``^`` and has no ``|`` outside groups (``^a|b`` also finds "b" anywhere)."""
    if not pattern.startswith("^"):
        return False
    depth = 0
    position = 1
    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            position += 2
            continue
        if char == "[":  # a class: "]" right after "[" or "[^" is a member
            position += 2 if pattern[position + 1 : position + 2] == "^" else 1
            position += 1 if pattern[position : position + 1] == "]" else 0
            while position < len(pattern) and pattern[position] != "]":
                position += 2 if pattern[position] == "\\" else 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return False
        position += 1
    return True


class _AnyOf:
    """Searches for any of several patterns with few regular expressions: patterns joined
    (their groups and back-references kept apart) where they can be.

    The engine finds a pattern that starts with a literal character by scanning for that
    character; joined with one that does not (``\\bTODO\\b``), it would try every
    alternative at every position. Such patterns are joined apart.
    """

    def __init__(self, patterns: tuple[re.Pattern[str], ...]) -> None:
        quick: list[re.Pattern[str]] = []
        slow: list[re.Pattern[str]] = []
        for pattern in patterns:
            (quick if _starts_with_literal(pattern) else slow).append(pattern)
        self._searches = [search for group in (quick, slow) if group for search in _joined(group)]

    def search(self, text: str) -> object | None:
        for search in self._searches:
            found = search(text)
            if found is not None:
                return found
        return None


def _joined(patterns: list[re.Pattern[str]]) -> list[Callable[[str], object | None]]:
    """The searches that find any of ``patterns``: one where they can be joined."""
    flags = {pattern.flags for pattern in patterns}
    if len(flags) != 1 or any(pattern.groups for pattern in patterns):
        return [pattern.search for pattern in patterns]
    joined_flags = flags.pop()
    try:
        joined = re.compile(
            "|".join(f"(?:{pattern.pattern})" for pattern in patterns), joined_flags
        )
    except re.error:
        return [pattern.search for pattern in patterns]
    # Patterns that all start at the start of the text need be tried there only (a search
    # would try every position of every line).
    if not joined_flags & re.MULTILINE and all(
        _starts_at_start(pattern.pattern) for pattern in patterns
    ):
        return [joined.match]
    return [joined.search]


_REGEX_SYNTAX = frozenset("\\.^$*+?{}[]|()")


def _starts_with_literal(pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` starts with a character the engine can scan for: a literal one,
    not made optional, that has no case where case is ignored."""
    source = pattern.pattern
    if pattern.flags & re.VERBOSE or not source or source[0] in _REGEX_SYNTAX:
        return False
    if source[1:2] in ("?", "*", "{"):
        return False
    first = source[0]
    return not pattern.flags & re.IGNORECASE or first.lower() == first.upper()
