"""The one place where fixes are applied: to a file's original bytes, and safely to disk.

Rules attach edits to their findings; they count lines and columns on the text as the
parser saw it (line endings made ``\\n``, the byte order mark gone). ``SourceText`` keeps
the file as it is: its BOM, its line endings (CRLF, CR or LF, even mixed), trailing
whitespace and final newline, and maps those positions onto it, so that a fix changes the
characters it names and nothing else. A newline that an edit inserts is written as the
line ending of the line where it lands.

Only UTF-8 files are rewritten: decoding and encoding UTF-8 gives back the very same
bytes, which no other encoding doclint reads promises.

Files are replaced atomically (a temporary file in the same folder, flushed, synced and
renamed over the original, with the original's permission bits), and never when the file
changed on disk since it was read.
"""

from __future__ import annotations

import codecs
import contextlib
import difflib
import os
import re
import stat
import tempfile
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from doclint.core.errors import DoclintError
from doclint.core.findings import Edit, Finding, Fix
from doclint.model.document import Document
from doclint.parsing import parse_document
from doclint.parsing.builder import normalized_text as parsed_text

# A file whose fixes keep producing new fixes stops here; the next run goes on from there.
MAX_PASSES = 10

_LINE_ENDING = re.compile(r"\r\n|\r|\n")


class NotRewritable(Exception):
    """The file's bytes cannot be edited without changing others (not UTF-8)."""


class ChangedOnDisk(DoclintError):
    """The file is no longer what was read: writing would lose someone's change."""


@dataclass(frozen=True)
class SourceText:
    """A file's text with its own line endings, and the byte order mark it started with."""

    bom: bytes
    text: str

    @classmethod
    def from_bytes(cls, data: bytes) -> SourceText:
        bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
        try:
            text = data[len(bom) :].decode("utf-8")
        except UnicodeDecodeError:
            raise NotRewritable("file is not valid UTF-8") from None
        return cls(bom, text)

    def to_bytes(self) -> bytes:
        return self.bom + self.text.encode("utf-8")

    def with_text(self, text: str) -> SourceText:
        return SourceText(self.bom, text)

    def document(self, path: str) -> Document:
        return parse_document(self.text, path)

    def is_text_of(self, document: Document) -> bool:
        """Whether ``document`` was parsed from this very text, line endings aside: then
        its positions are positions in this text."""
        text = parsed_text(self.text)
        return "\n".join(document.lines) == (text[:-1] if text.endswith("\n") else text)

    def apply(self, fixes: Iterable[tuple[int, Fix]]) -> tuple[SourceText, list[int]]:
        """The text with as many of ``fixes`` as fit together, and the keys of those applied.

        ``fixes`` are ``(key, fix)`` pairs, taken in order: a fix is applied whole or not
        at all, and left out when one of its edits overlaps an edit already taken (it can
        apply on a later pass, against the text it then finds). Insertions at one place
        are kept in the order given. A fix that would change nothing is not applied.

        Nor is a fix that would change lines it does not name: with a CR line ending
        before an LF one, removing what stands between them would make one CRLF of the
        two. The result is checked against the same edits made to the text as parsed.
        """
        layout = _Layout(self.text)
        chosen: list[tuple[int, list[_Change]]] = []
        for key, fix in fixes:
            found = [layout.change(edit) for edit in fix.edits]
            changes = [change for change in found if change is not None]
            if len(changes) < len(found):
                continue
            if all(self.text[c.start : c.end] == c.insert for c in changes):
                continue
            taken = [change for _, earlier in chosen for change in earlier]
            if any(
                c.overlaps(other) for c in changes for other in [*taken, *changes] if c is not other
            ):
                continue
            chosen.append((key, changes))
        if not self._keeps_lines(layout, chosen):
            # Rare: find the fixes that change other lines alone, then any pair that does.
            chosen = [(key, c) for key, c in chosen if self._keeps_lines(layout, [(key, c)])]
            while not self._keeps_lines(layout, chosen):
                chosen.pop()
        changes = [change for _, fix_changes in chosen for change in fix_changes]
        if not changes:
            return self, []
        return self.with_text(_assemble(self.text, changes, raw=True)), [k for k, _ in chosen]

    def _keeps_lines(self, layout: _Layout, chosen: list[tuple[int, list[_Change]]]) -> bool:
        changes = [change for _, fix_changes in chosen for change in fix_changes]
        written = _assemble(self.text, changes, raw=True)
        parsed = _assemble(layout.parsed_text, changes, raw=False)
        return _LINE_ENDING.sub("\n", written) == parsed


@dataclass(frozen=True)
class _Change:
    """An edit placed in the text as written (``start``, ``end``, ``insert``) and in the
    text as parsed, where every line ending is one ``\\n``."""

    start: int
    end: int
    insert: str
    parsed_start: int
    parsed_end: int
    parsed_insert: str
    order: int

    def overlaps(self, other: _Change) -> bool:
        """Whether two changes touch the same characters: insertions side by side at one
        place do not; an insertion inside (or at the edge of) a replaced range does."""
        if self.start == self.end and other.start == other.end:
            return False
        if self.start == self.end:
            return other.start <= self.start <= other.end
        if other.start == other.end:
            return self.start <= other.start <= self.end
        return self.start < other.end and other.start < self.end


def _assemble(text: str, changes: Sequence[_Change], *, raw: bool) -> str:
    """``text`` with ``changes`` made, in the text as written (``raw``) or as parsed."""

    def place(change: _Change) -> tuple[int, int, str]:
        if raw:
            return change.start, change.end, change.insert
        return change.parsed_start, change.parsed_end, change.parsed_insert

    # From the end of the text backwards, so that offsets stay valid; insertions at one
    # place in the order they were given.
    parts: list[str] = []
    position = len(text)
    for change in sorted(changes, key=lambda c: (*place(c)[:2], c.order), reverse=True):
        start, end, insert = place(change)
        parts.append(text[end:position])
        parts.append(insert)
        position = start
    parts.append(text[:position])
    return "".join(reversed(parts))


class _Layout:
    """Offsets of the lines of a text, as the parser numbers them, in the text as written."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]  # where each line starts in ``text``
        self.contents = []  # where each line's content ends (before its line ending)
        self.endings: list[str] = []
        self.parsed_starts = [0]  # where each line starts in the text as parsed
        for match in _LINE_ENDING.finditer(text):
            self.contents.append(match.start())
            self.endings.append(match.group())
            self.starts.append(match.end())
            self.parsed_starts.append(self.parsed_starts[-1] + match.start() - self.starts[-2] + 1)
        self.contents.append(len(text))
        self.endings.append("")
        self.default_ending = self.endings[0] or "\n"
        self.parsed_text = _LINE_ENDING.sub("\n", text)
        self.count = 0  # changes placed so far: their order

    def offset(self, line: int, column: int) -> int | None:
        """Where 1-based ``line``/``column`` is in the text; the end of a line's content
        is its last column plus one."""
        if not 1 <= line <= len(self.starts):
            return None
        start = self.starts[line - 1]
        offset = start + column - 1
        if column < 1 or offset > self.contents[line - 1]:
            return None
        return offset

    def advance(self, offset: int, count: int) -> int | None:
        """The offset ``count`` characters of parsed text further: a line ending, one
        character for the parser, is one or two here."""
        line = bisect_right(self.starts, offset) - 1
        while count > 0:
            room = self.contents[line] - offset
            if count <= room:
                return offset + count
            if line + 1 >= len(self.starts):
                return None
            count -= room + 1
            line += 1
            offset = self.starts[line]
        return offset

    def change(self, edit: Edit) -> _Change | None:
        """The edit placed in the text, or None when it does not fit the text (a stale
        position) or inserts a line ending other than ``\\n``."""
        start = self.offset(edit.line, edit.column)
        if start is None or edit.delete < 0 or "\r" in edit.insert:
            return None
        end = self.advance(start, edit.delete)
        if end is None:
            return None
        ending = self.endings[edit.line - 1] or self.default_ending
        parsed_start = self.parsed_starts[edit.line - 1] + edit.column - 1
        self.count += 1
        return _Change(
            start,
            end,
            edit.insert.replace("\n", ending),
            parsed_start,
            parsed_start + edit.delete,
            edit.insert,
            self.count,
        )


# ---------------------------------------------------------------------------------------
# Fixing a file's text until nothing more applies


@dataclass(frozen=True)
class FixedText:
    text: SourceText
    applied: Counter[str]  # fixes applied, by rule id
    findings: list[Finding]  # what the fixed text still has
    passes: int


def fix_text(
    source: SourceText,
    document: Document,
    lint: Callable[[Document], list[Finding]],
    findings: list[Finding] | None = None,
) -> FixedText:
    """Apply the fixes of ``lint``'s findings, re-check, and go on while fixes apply.

    Each pass applies every fix that fits beside the others; a fix left out for an
    overlap, and fixes that only become possible once others are made, come in the next
    pass. ``findings`` are ``lint(document)`` when the caller has them already.
    """
    applied: Counter[str] = Counter()
    current = findings if findings is not None else lint(document)
    passes = 0
    while passes < MAX_PASSES:
        fixable = [finding for finding in current if finding.fix is not None]
        if not fixable:
            break
        fixed, keys = source.apply(
            (number, finding.fix)
            for number, finding in enumerate(fixable)
            if finding.fix is not None
        )
        if not keys:
            break
        passes += 1
        applied.update(fixable[key].rule for key in keys)
        source = fixed
        document = source.document(document.path)
        current = lint(document)
    return FixedText(source, applied, current, passes)


@dataclass(frozen=True)
class FileFix:
    """One file, checked and fixed in memory: what changed and what is left."""

    path: Path
    display: str
    applied: Counter[str]  # fixes by rule id
    findings: list[Finding]  # what the fixed text still has
    findings_before: list[Finding]  # what the file had, in case it cannot be written
    original: bytes | None = None  # the bytes read, when the fixes change them
    fixed: bytes | None = None  # the bytes to write, when they differ from the original
    not_rewritten: str | None = None  # why fixes cannot be written to this file

    @property
    def changed(self) -> bool:
        return self.fixed is not None

    def unwritten(self) -> FileFix:
        """The outcome for the file as it stays on disk, when writing it failed."""
        return FileFix(
            self.path, self.display, Counter(), self.findings_before, self.findings_before
        )


# ---------------------------------------------------------------------------------------
# Writing


def replace_file(path: Path, expected: bytes, data: bytes) -> None:
    """Write ``data`` over ``path`` atomically, if the file still holds ``expected``.

    The new bytes go to a temporary file in the same folder, which is flushed, synced,
    given the original's permission bits and renamed over the original: a crash at any
    moment leaves either the old file or the new one, never a mix. A symbolic link stays
    a link: the file it points to is replaced.
    """
    target = Path(os.path.realpath(path))
    temporary: str | None = None
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".doclint-tmp", dir=target.parent
        )
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        if _read(target) != expected:
            raise ChangedOnDisk("changed on disk since doclint read it; not written (run again)")
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        raise DoclintError(f"cannot write: {error.strerror or error}") from None
    finally:
        if temporary is not None:
            _remove(temporary)
    _sync_folder(target.parent)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable, where the system allows opening a folder."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


def unified_diff(display: str, before: bytes, after: bytes) -> str:
    """What a fix changes, as a unified diff of the file's text (endings as they are)."""
    old = lines_with_endings(SourceText.from_bytes(before).text)
    new = lines_with_endings(SourceText.from_bytes(after).text)
    output = []
    for line in difflib.unified_diff(old, new, f"a/{display}", f"b/{display}"):
        output.append(line)
        if not line.endswith(("\n", "\r")):
            output.append("\n\\ No newline at end of file\n")
    return "".join(output)


def lines_with_endings(text: str) -> list[str]:
    """The lines of ``text``, each with its own line ending (the last one may have none)."""
    lines = []
    start = 0
    for match in _LINE_ENDING.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines
