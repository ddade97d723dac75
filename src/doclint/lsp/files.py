"""A file a request is about, as the features see it: its workspace, path and text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types

from doclint.engine.buffers import Workspace
from doclint.lsp.positions import Positions
from doclint.model.document import Document


@dataclass(frozen=True)
class OpenFile:
    uri: str
    path: Path
    book: Workspace
    positions: Positions  # of the text the editor holds
    # The URI and positions of another file of the workspace (open or on disk).
    elsewhere: Callable[[Path], tuple[str, Positions]]
    # Whether the client asks for a code action's edit once one is chosen (codeAction/resolve).
    resolves_code_actions: bool = False
    # Those already asked for, during the request this object serves.
    _elsewhere_seen: dict[Path, tuple[str, Positions]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def document(self) -> Document | None:
        return self.book.document(self.path)

    def place(self, position: types.Position) -> tuple[int, int]:
        """doclint's 1-based line and column of an LSP position in this file."""
        return self.positions.column(position)

    def location(self, path: Path, line: int, column: int, length: int = 0) -> types.Location:
        if path == self.path:
            uri, positions = self.uri, self.positions
        elif path in self._elsewhere_seen:
            uri, positions = self._elsewhere_seen[path]
        else:
            uri, positions = self._elsewhere_seen[path] = self.elsewhere(path)
        return types.Location(uri, positions.span(line, column, length))
