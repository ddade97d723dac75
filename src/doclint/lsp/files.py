"""A file a request is about, as the features see it: its workspace, path and text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types

from ..document import Document
from ..workspace import Workspace
from .positions import Positions


@dataclass(frozen=True)
class OpenFile:
    uri: str
    path: Path
    book: Workspace
    positions: Positions  # of the text the editor holds
    # The URI and positions of another file of the workspace (open or on disk).
    elsewhere: Callable[[Path], tuple[str, Positions]]

    @property
    def document(self) -> Document | None:
        return self.book.document(self.path)

    def place(self, position: types.Position) -> tuple[int, int]:
        """doclint's 1-based line and column of an LSP position in this file."""
        return self.positions.column(position)

    def location(self, path: Path, line: int, column: int, length: int = 0) -> types.Location:
        uri, positions = self.elsewhere(path)
        return types.Location(uri, positions.span(line, column, length))
