"""What rules may ask about the files around a document, answered from the disk once.

Rules stay pure: they ask whether a path exists (with its exact case, as GitHub and Linux
see it) and what anchors another markdown file has; this object reads the disk and caches
the answers for the run, and parses each other file at most once.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .anchors import AnchorIndex
    from .document import Document


@dataclass(frozen=True)
class Lookup:
    """Whether a path exists: ``found``; or only with other letter case: ``actual``."""

    found: bool
    actual: str | None = None  # the path as it exists, when only the case differs
    is_dir: bool = False


class Project:
    def __init__(
        self, root: Path, load_document: Callable[[Path], Document | None] | None = None
    ) -> None:
        self.root = root
        self._load_document = load_document
        self._listings: dict[str, dict[str, list[str]] | None] = {}
        self._anchors: dict[str, AnchorIndex | None] = {}
        self._parsed_early: dict[str, Document] = {}

    @staticmethod
    def _key(path: Path) -> str:
        return os.path.normcase(os.path.abspath(path))

    def remember(self, path: Path, document: Document) -> None:
        """Keep the anchors of a file the engine parsed, for links from other files."""
        self._anchors[self._key(path)] = document.anchor_index

    def anchors(self, path: Path) -> AnchorIndex | None:
        """The anchors of another markdown file, parsing it now if nobody has yet."""
        key = self._key(path)
        if key not in self._anchors:
            document = self._load_document(path) if self._load_document else None
            if document is not None:
                self._parsed_early[key] = document
            self._anchors[key] = document.anchor_index if document is not None else None
        return self._anchors[key]

    def take_parsed(self, path: Path) -> Document | None:
        """A document parsed early for its anchors, so that the engine need not parse it
        again; handed over once."""
        return self._parsed_early.pop(self._key(path), None)

    def resolve(self, target_path: str, relative_to: Path) -> Path:
        """A link's path on disk: ``/x`` from the repository root, others from the file."""
        if target_path.startswith("/"):
            return self.root / target_path.lstrip("/")
        return relative_to.parent / target_path

    def lookup(self, path: Path) -> Lookup:
        """Check every component with its exact case, whatever the file system does."""
        absolute = Path(os.path.abspath(path))
        parts = absolute.parts
        current = Path(parts[0])
        actual_parts = [parts[0]]
        case_differs = False
        for index, part in enumerate(parts[1:], start=1):
            listing = self._listing(current)
            if listing is None:
                return Lookup(False)
            if part in listing:
                actual = part
            else:
                matches = listing.get(part.casefold() + "\0")
                if not matches:
                    return Lookup(False)
                actual = matches[0]
                case_differs = True
            actual_parts.append(actual)
            current = current / actual
            if index < len(parts) - 1 and not current.is_dir():
                return Lookup(False)
        is_dir = current.is_dir()
        if case_differs:
            return Lookup(False, str(Path(*actual_parts)), is_dir)
        return Lookup(True, None, is_dir)

    def _listing(self, folder: Path) -> dict[str, list[str]] | None:
        """Names in a folder, plus a case-folded index (keys end with NUL)."""
        key = str(folder)
        if key not in self._listings:
            try:
                names = os.listdir(folder)
            except OSError:
                self._listings[key] = None
                return None
            listing: dict[str, list[str]] = {name: [name] for name in names}
            for name in names:
                listing.setdefault(name.casefold() + "\0", []).append(name)
            self._listings[key] = listing
        return self._listings[key]
