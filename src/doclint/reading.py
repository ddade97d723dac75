"""Reading a markdown file's bytes as text, or saying exactly why it cannot be read."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

# Findings about the file itself rather than its markdown; no other rule runs on it.
ENCODING_RULE = "encoding"
ENCODING_SUMMARY = "File that is not UTF-8 or UTF-16 text, so no other rule could check it"


@dataclass(frozen=True)
class NotText(Exception):
    """The file was read but is not markdown text doclint can check."""

    line: int
    column: int
    message: str


class Unreadable(Exception):
    """The file cannot be read at all (missing, a folder, no permission)."""


def read_markdown(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise Unreadable(error.strerror or str(error)) from None
    return decode(data)


def decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM), or UTF-16 with a BOM."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise NotText(
                1, 1, "file starts with a UTF-16 byte order mark but is not UTF-16"
            ) from None
    if b"\0" in data[:8192]:
        raise NotText(1, 1, "binary file (it contains NUL bytes); not checked")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise NotText(
            line,
            column,
            f"file is not valid UTF-8 (byte 0x{data[error.start]:02x} at line {line}); "
            "convert it to UTF-8; no other rule ran on it",
        ) from None
