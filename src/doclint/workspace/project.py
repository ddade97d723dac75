"""What rules may ask about the files around a document, answered from the disk once.

Rules stay pure: they ask whether a path exists (with its exact case, as GitHub and Linux
see it) and what anchors another markdown file has; this object reads the disk and caches
the answers for the run, and parses each other file at most once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from doclint.core.records import record
from doclint.model.anchors import fragment_target, resolves
from doclint.model.document import is_local_target

if TYPE_CHECKING:
    from doclint.model.anchors import AnchorIndex
    from doclint.model.document import Anchor, Document


# hashlib's blake2b is always its own ``_blake2.blake2b``, never OpenSSL's (hashlib
# prefers it by name). Taken from there, it is the same digest without ``import hashlib``,
# which loads OpenSSL: for start-up time, a thirtieth of a check served from the result
# cache. An interpreter that keeps blake2 elsewhere is served by hashlib.
try:
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - not CPython
    from hashlib import blake2b as _blake2b


def digest(data: bytes) -> str:
    """A file's content digest, as dependencies and the result cache record it."""
    return _blake2b(data, digest_size=16).hexdigest()


class AnchorNames:
    """The anchor names of a file the engine parsed. Whether a fragment resolves needs
    only these; what a broken one meant needs the whole index, which is read again then
    (rare: a link into another file that misses)."""

    def __init__(self, names: frozenset[str], path: Path, project: Project) -> None:
        self.names = names
        self._path = path
        self._project = project
        self._index: AnchorIndex | None = None
        self._read = False

    def resolves(self, fragment: str) -> bool:
        return resolves(fragment, self.names)

    def intended_anchor(self, fragment: str, text: str = "") -> Anchor | None:
        if not self._read:  # once per file, however many broken links point into it
            self._index = self._project.full_anchors(self._path)
            self._read = True
        return self._index.intended_anchor(fragment, text) if self._index is not None else None


@dataclass
class Dependencies:
    """What checking one file asked of the disk, and the answers (for the result cache)."""

    lookups: dict[str, list] = field(default_factory=dict)  # path → [found, actual, is_dir]
    anchors: dict[str, str | None] = field(default_factory=dict)  # path → content digest


@record
class Lookup:
    """Whether a path exists: ``found``; or only with other letter case: ``actual``."""

    found: bool
    actual: str | None = None  # the path as it exists, when only the case differs
    is_dir: bool = False


@record
class LinkSource:
    """Where a link is written: the file (relative to the repository root), line, column."""

    path: str
    line: int
    column: int


class Project:
    def __init__(
        self,
        root: Path,
        load_document: Callable[[Path], Document | None] | None = None,
        markdown_files: Callable[[], Iterable[Path]] | None = None,
    ) -> None:
        self.root = root
        self._load_document = load_document
        self._markdown_files = markdown_files
        self._listings: dict[str, dict[str, list[str]] | None] = {}
        self._existing: dict[str, tuple[str, bool] | None] = {}
        # Anchor names of files parsed earlier (whole indexes would hold every heading of
        # a book in memory), or the whole index of a file parsed for a link.
        self._anchors: dict[str, AnchorIndex | AnchorNames | None] = {}
        self.keep_links = markdown_files is not None
        self._parsed_early: dict[str, Document] = {}
        # Links with a fragment, per file the engine parsed: (target, line, column).
        self._fragment_links: dict[str, tuple[tuple[str, int, int], ...]] = {}
        self._links_into: dict[tuple[str, str], list[LinkSource]] | None = None
        # While a file is checked for the result cache: what its rules asked of the disk.
        self.recording: Dependencies | None = None
        self._digests: dict[str, str | None] = {}

    @staticmethod
    def _key(path: Path) -> str:
        return os.path.normcase(os.path.abspath(path))

    def remember(self, path: Path, document: Document) -> None:
        """Keep the anchors of a file the engine parsed, for links from other files, and
        its links into anchors, for rules that ask who links to an anchor."""
        key = self._key(path)
        self._anchors[key] = AnchorNames(frozenset(document.anchors), path, self)
        if not self.keep_links:
            return
        self._fragment_links[key] = tuple(
            (link.target, link.line, link.column)
            for link in document.links
            if link.kind == "link" and "#" in link.target and is_local_target(link.target)
        )

    def files_linked_from(self, document: Document, path: Path) -> frozenset[str]:
        """The files (by key) the relative links of ``document``, the file ``path``,
        point into."""
        targets = set()
        for link in document.links:
            if link.kind != "link" or link.is_in_page or not is_local_target(link.target):
                continue
            path_part = unquote(link.target.split("#", 1)[0].split("?", 1)[0])
            if path_part:
                targets.add(self._key(self.resolve(path_part, path)))
        return frozenset(targets)

    def links_to(self, path: Path, anchor: str) -> list[LinkSource]:
        """Every link in the repository's markdown files that reaches anchor ``anchor`` of
        ``path``, as the files are now.

        The first call reads the links of every markdown file (files the engine has not
        parsed yet are parsed here once and handed to it later), so only rules that need
        it, for a file that lost an anchor, should ask.
        """
        if self._links_into is None:
            self._links_into = self._index_links()
        return self._links_into.get((self._key(path), anchor), [])

    def _index_links(self) -> dict[tuple[str, str], list[LinkSource]]:
        index: dict[tuple[str, str], list[LinkSource]] = {}
        for file in self._markdown_files() if self._markdown_files else ():
            key = self._key(file)
            if key not in self._fragment_links:
                document = self._parsed_early.get(key)
                if document is None and self._load_document is not None:
                    document = self._load_document(file)
                if document is None:
                    continue
                self._parsed_early[key] = document
                self.remember(file, document)
            shown = os.path.relpath(file, self.root).replace(os.sep, "/")
            for target, line, column in self._fragment_links[key]:
                path_part, _, fragment = target.partition("#")
                path_part = unquote(path_part.split("?", 1)[0])
                into = self._key(self.resolve(path_part, file)) if path_part else key
                source = LinkSource(shown, line, column)
                index.setdefault((into, fragment_target(fragment)), []).append(source)
        return index

    def anchors(self, path: Path) -> AnchorIndex | AnchorNames | None:
        """The anchors of another markdown file, parsing it now if nobody has yet."""
        key = self._key(path)
        if self.recording is not None:
            self.recording.anchors[key] = self.file_digest(key)
        if key not in self._anchors:
            document = self._load_document(path) if self._load_document else None
            if document is not None:
                self._parsed_early[key] = document
            self._anchors[key] = document.anchor_index if document is not None else None
        return self._anchors[key]

    def full_anchors(self, path: Path) -> AnchorIndex | None:
        """The whole anchor index of a file, parsed again if only its names were kept."""
        document = self._load_document(path) if self._load_document else None
        return document.anchor_index if document is not None else None

    def take_parsed(self, path: Path) -> Document | None:
        """A document parsed early for its anchors, so that the engine need not parse it
        again; handed over once."""
        return self._parsed_early.pop(self._key(path), None)

    def resolve(self, target_path: str, relative_to: Path) -> Path:
        """A link's path on disk: ``/x`` from the repository root, others from the file."""
        if target_path.startswith("/"):
            return self.root / target_path.lstrip("/")
        return relative_to.parent / target_path

    def file_digest(self, key: str) -> str | None:
        """The content digest of a file (by its key), read once; None if unreadable."""
        if key not in self._digests:
            try:
                with open(key, "rb") as handle:
                    self._digests[key] = digest(handle.read())
            except OSError:
                self._digests[key] = None
        return self._digests[key]

    def know_digest(self, path: Path, content_digest: str) -> None:
        """The digest of a file already read, so that it is not read again."""
        self._digests[self._key(path)] = content_digest

    def lookup(self, path: Path) -> Lookup:
        """Check every component with its exact case, whatever the file system does."""
        found = self._lookup(path)
        if self.recording is not None:
            answer = [found.found, found.actual, found.is_dir]
            self.recording.lookups[os.path.abspath(path)] = answer
        return found

    def _lookup(self, path: Path) -> Lookup:
        found = self._as_it_exists(os.path.abspath(path))
        if found is None:
            return Lookup(False)
        actual, case_differs = found
        is_dir = os.path.isdir(actual)
        return Lookup(False, actual, is_dir) if case_differs else Lookup(True, None, is_dir)

    def _as_it_exists(self, absolute: str) -> tuple[str, bool] | None:
        """The path with each component as it is written on disk, and whether that differs
        from ``absolute``; None when some component does not exist. Kept for the run:
        the links of a book point into the same few folders."""
        if absolute in self._existing:
            return self._existing[absolute]
        folder, name = os.path.split(absolute)
        found: tuple[str, bool] | None = None
        if not name:
            found = (absolute, False)  # the root
        elif (above := self._as_it_exists(folder)) is not None:
            actual_folder, differs = above
            # A component that is not a folder has no listing: nothing is below it.
            listing = self._listing(actual_folder)
            if listing is not None and name in listing:
                found = (os.path.join(actual_folder, name), differs)
            elif listing is not None and (matches := listing.get(name.casefold() + "\0")):
                found = (os.path.join(actual_folder, matches[0]), True)
        self._existing[absolute] = found
        return found

    def _listing(self, folder: str) -> dict[str, list[str]] | None:
        """Names in a folder, plus a case-folded index (keys end with NUL)."""
        if folder not in self._listings:
            try:
                names = os.listdir(folder)
            except OSError:
                self._listings[folder] = None
                return None
            listing: dict[str, list[str]] = {name: [name] for name in names}
            for name in names:
                listing.setdefault(name.casefold() + "\0", []).append(name)
            self._listings[folder] = listing
        return self._listings[folder]
