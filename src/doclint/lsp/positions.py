"""The one place where doclint's positions and LSP's meet.

doclint counts 1-based lines and 1-based columns in characters (code points) of the text
as parsed, where every line ending is one ``\\n``. LSP counts 0-based lines, split at the
same three line endings (``\\r\\n``, ``\\r``, ``\\n``), and 0-based columns in the code
units of the encoding agreed at start-up: UTF-16 unless the client offered another, so a
Chinese character is one unit and an emoji two.
"""

from __future__ import annotations

import re

from lsprotocol import types

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _units(text: str, encoding: str) -> int:
    """Length of ``text`` in the code units of ``encoding``."""
    if text.isascii() or encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class Positions:
    """Converts positions in one text between doclint's counting and the client's."""

    def __init__(self, text: str, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.text = text
        self.encoding = encoding
        self.lines = _LINE_BREAK.split(text)

    def line_text(self, line: int) -> str:
        """A line by its 1-based number; empty beyond the end."""
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""

    def position(self, line: int, column: int) -> types.Position:
        """The LSP position of doclint's 1-based ``line`` and ``column``."""
        written = self.line_text(line)
        return types.Position(
            line=max(line - 1, 0), character=_units(written[: column - 1], self.encoding)
        )

    def span(self, line: int, column: int, length: int) -> types.Range:
        """The range of ``length`` characters from ``line``/``column`` (on one line)."""
        return types.Range(self.position(line, column), self.position(line, column + length))

    def line_range(self, line: int) -> types.Range:
        """The whole of a line, from its first non-blank character."""
        written = self.line_text(line)
        start = len(written) - len(written.lstrip()) + 1
        return types.Range(
            self.position(line, start), self.position(line, len(written.rstrip()) + 1)
        )

    def column(self, position: types.Position) -> tuple[int, int]:
        """doclint's 1-based line and column of an LSP position (clamped to the line)."""
        written = self.line_text(position.line + 1)
        if written.isascii() or self.encoding == types.PositionEncodingKind.Utf32:
            return position.line + 1, min(position.character, len(written)) + 1
        counted = 0
        for index, char in enumerate(written):
            if counted >= position.character:
                return position.line + 1, index + 1
            counted += _units(char, self.encoding)
        return position.line + 1, len(written) + 1

    def before(self, position: types.Position) -> str:
        """The text of the position's line before it."""
        line, column = self.column(position)
        return self.line_text(line)[: column - 1]

    def offset_position(self, offset: int) -> types.Position:
        """The LSP position of an offset into the text."""
        line = self.text.count("\n", 0, offset) + self.text.count("\r", 0, offset)
        line -= self.text.count("\r\n", 0, offset)
        start = max(self.text.rfind("\n", 0, offset), self.text.rfind("\r", 0, offset)) + 1
        return types.Position(line=line, character=_units(self.text[start:offset], self.encoding))

    def replacement(self, new_text: str) -> types.TextEdit:
        """One edit that turns this text into ``new_text``: the part between what they
        have in common at the start and at the end."""
        old = self.text
        start = _common_length(old, new_text, at_end=False)
        end = _common_length(old[start:], new_text[start:], at_end=True)
        # Never split a CRLF: the client would see half a line ending change.
        if 0 < start < len(old) and old[start - 1] == "\r" and old[start] == "\n":
            start -= 1
        old_end = len(old) - end
        if 0 < old_end < len(old) and old[old_end - 1] == "\r" and old[old_end] == "\n":
            old_end += 1
            end -= 1
        return types.TextEdit(
            range=types.Range(self.offset_position(start), self.offset_position(old_end)),
            new_text=new_text[start : len(new_text) - end],
        )


def _common_length(first: str, second: str, *, at_end: bool) -> int:
    """How many characters the two texts share at their start (or end), found by
    comparing slices, which is quick on a chapter of megabytes."""
    low, high = 0, min(len(first), len(second))
    while low < high:
        middle = (low + high + 1) // 2
        if at_end:
            same = first[len(first) - middle :] == second[len(second) - middle :]
        else:
            same = first[:middle] == second[:middle]
        if same:
            low = middle
        else:
            high = middle - 1
    return low
