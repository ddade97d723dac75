"""The language server: open documents in, the engine's results out.

``DoclintServer`` keeps the workspaces and the open documents, and publishes their
diagnostics; ``handlers.py`` registers what answers each LSP message. What they answer
comes from ``doclint.engine.buffers`` (the engine over open buffers) through the modules
beside this one.
Checks run on the event loop, one at a time, so that every answer is computed from one
consistent set of texts. A change after a pause is checked at once; changes that follow
each other faster than ``debounceMs`` (an initialization option, 150 by default) are
checked once they stop, so only the last text is checked. Diagnostics always carry the
version of the text they were computed from.

While the check of the workspace started with the server (``start.py``) runs, a document
opened as it is on disk waits for it, up to ``PRECHECK_WAIT`` seconds, rather than be
checked a second time here.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import from_fs_path, to_fs_path

from doclint import __version__
from doclint.config.discovery import CONFIG_FILENAMES
from doclint.core.errors import DoclintError
from doclint.engine.buffer_views import path_key
from doclint.engine.buffers import Workspace
from doclint.engine.precheck import Precheck, rule_failure
from doclint.lsp.diagnostics import diagnostics
from doclint.lsp.files import OpenFile
from doclint.lsp.positions import Positions

DEFAULT_DEBOUNCE_MS = 150
# How long a document opened during the check of its workspace waits for that check.
PRECHECK_WAIT = 1.0
CONFIG_NAMES = frozenset({*CONFIG_FILENAMES, "pyproject.toml"})


class _Protocol(LanguageServerProtocol):
    """pygls's protocol, without a leak: pygls 2.1 keeps the future of every notification
    handled by one of its built-in handlers (didOpen, didChange, didSave…) in
    ``_request_futures`` for ever, since only a response to a request removes one: 1.5 KB
    per keystroke. They are dropped here once done."""

    def _handle_notification(self, method_name: str, params: Any) -> None:
        pending = self._request_futures
        before = set(pending)
        super()._handle_notification(method_name, params)
        for added in set(pending) - before:
            future = pending[added]
            if future.done():
                del pending[added]
            else:
                future.add_done_callback(lambda _, key=added: pending.pop(key, None))


class DoclintServer(LanguageServer):
    """Keeps a ``Workspace`` per root folder and the open documents' URIs."""

    def __init__(self, prechecks: Sequence[Precheck] = ()) -> None:
        super().__init__(
            "doclint",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=_Protocol,
        )
        self.roots: list[Path] = []
        self._root_keys: dict[str, Path] = {}  # _root_key(root) → root
        # By root key; None: the configuration found there is invalid.
        self.books: dict[str, Workspace | None] = {}
        self.debounce = DEFAULT_DEBOUNCE_MS / 1000
        self._uris: dict[str, str] = {}  # path key → URI, for open documents
        self._pending: dict[str, asyncio.TimerHandle] = {}
        self._checked_at: dict[str, float] = {}  # event loop time of each URI's last check
        # Checks of whole workspaces still running, by root key, and the documents that
        # wait for them.
        self._prechecks: dict[str, Precheck] = {}
        self._awaiting: dict[str, dict[str, asyncio.TimerHandle]] = {}
        for precheck in prechecks:
            precheck.workspace.on_rule_error = self.rule_failed
            key = _root_key(precheck.workspace.root)
            self.books[key] = precheck.workspace
            self._prechecks[key] = precheck

    # -----------------------------------------------------------------------------------
    # Files and workspaces

    def path_of(self, uri: str) -> Path | None:
        """The file a URI names; an untitled buffer is taken as a file in the first root."""
        if uri.startswith("file:"):
            path = to_fs_path(uri)
            return Path(path) if path else None
        name = os.path.basename(unquote(uri.partition(":")[2])) or "untitled"
        return (self.roots[0] if self.roots else Path.cwd()) / name

    def uri_of(self, path: Path) -> str:
        return self._uris.get(path_key(path)) or from_fs_path(str(path)) or path.as_uri()

    def book_for(self, path: Path) -> Workspace | None:
        """The workspace of the root folder holding ``path`` (the innermost one), or of
        the file's own folder when it is outside every root."""
        key = path_key(path)
        holding = [root for root in self._root_keys if key.startswith(root)]
        root = max(holding, key=len) if holding else _root_key(path.parent)
        if root not in self.books:
            folder = self._root_keys.get(root, path.parent)
            self.books[root] = self._load_book(folder)
        return self.books[root]

    def set_roots(self, roots: list[Path]) -> None:
        self.roots = roots
        self._root_keys = {_root_key(root): root for root in roots}

    def _load_book(self, root: Path) -> Workspace | None:
        try:
            return Workspace(root, on_rule_error=self.rule_failed)
        except DoclintError as error:
            self.show(f"doclint: {error}", types.MessageType.Error)
            return None

    def locate(self, uri: str) -> tuple[Path, Workspace] | None:
        """The file a document is and the workspace it belongs to."""
        path = self.path_of(uri)
        book = self.book_for(path) if path is not None else None
        return (path, book) if path is not None and book is not None else None

    def open_file(self, uri: str) -> OpenFile | None:
        located = self.locate(uri)
        if located is None:
            return None
        path, book = located
        document = self.workspace.get_text_document(uri)
        encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        positions = Positions(document.source, encoding)
        return OpenFile(uri, path, book, positions, self._elsewhere, self._resolves_code_actions())

    def _resolves_code_actions(self) -> bool:
        text = self.client_capabilities.text_document
        code_action = text.code_action if text is not None else None
        resolve = code_action.resolve_support if code_action is not None else None
        return resolve is not None and "edit" in resolve.properties

    def _elsewhere(self, path: Path) -> tuple[str, Positions]:
        book = self.book_for(path)
        text = book.text(path) if book is not None else None
        encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        return self.uri_of(path), Positions(text or "", encoding)

    # -----------------------------------------------------------------------------------
    # Messages to the client

    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def show(self, message: str, kind: types.MessageType) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def rule_failed(self, rule: str, display: str, error: BaseException) -> None:
        self.log(rule_failure(rule, display, error), types.MessageType.Error)

    # -----------------------------------------------------------------------------------
    # Diagnostics

    def publish(self, uri: str) -> OpenFile | None:
        """Check a document as it is now and publish its diagnostics, with its version."""
        file = self.open_file(uri)
        if file is None:
            return None
        version = self.workspace.get_text_document(uri).version
        try:
            if file.book.excluded(file.path):
                found: list[types.Diagnostic] = []
            else:
                found = diagnostics(file.book.check(file.path), file.positions, uri)
        except Exception as error:  # a document must never take the server down
            self.log(f"doclint: cannot check {file.path}: {error!r}", types.MessageType.Error)
            return None
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=version)
        )
        return file

    def check(self, uri: str, dependents: bool = True) -> None:
        """Check a document and publish its diagnostics; with ``dependents``, then also
        the open documents that link into it (its change may have broken or mended
        their links)."""
        self._pending.pop(uri, None)
        file = self.publish(uri)
        self._checked_at[uri] = asyncio.get_running_loop().time()
        if file is not None and dependents:
            for path in file.book.dependents(file.path):
                self.publish(self.uri_of(path))

    def schedule(self, uri: str) -> None:
        """Check a changed document: at once after a pause (an edit's diagnostics come as
        soon as they are computed); while changes keep coming, once they have stopped for
        the debounce delay (only the last text is checked)."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        loop = asyncio.get_running_loop()
        paused = loop.time() - self._checked_at.get(uri, -self.debounce) >= self.debounce
        delay = 0 if pending is None and paused else self.debounce
        self._pending[uri] = loop.call_later(delay, self.check, uri)

    def publish_all(self) -> None:
        for uri in list(self._uris.values()):
            self.publish(uri)

    def reload(self, changed: list[Path]) -> None:
        """Files changed on disk: read the configuration again if it was one of them (a
        workspace keeps its open buffers), then check the open documents again."""
        config_changed = any(path.name in CONFIG_NAMES for path in changed)
        for root, book in list(self.books.items()):
            if book is None:  # its configuration was invalid: perhaps it is mended now
                self.books[root] = self._load_book(self._root_keys.get(root, Path(root)))
                self._reopen(root)
            elif config_changed:
                try:
                    book.reload_config()
                except DoclintError as error:
                    self.show(
                        f"doclint: {error} (the previous configuration stays)",
                        types.MessageType.Error,
                    )
            else:
                book.files_changed_on_disk()
        self.publish_all()

    def _reopen(self, root: str) -> None:
        """Hand the open documents under ``root`` to its (new) workspace."""
        book = self.books.get(root)
        if book is None:
            return
        for key, uri in self._uris.items():
            if self.book_for(Path(key)) is book:
                book.open(Path(key), self.workspace.get_text_document(uri).source)

    # -----------------------------------------------------------------------------------
    # Document life cycle

    def opened(self, uri: str) -> None:
        path = self.path_of(uri)
        if path is not None:
            self._uris[path_key(path)] = uri  # also under an invalid configuration
        located = self.locate(uri)
        if located is not None:
            path, book = located
            differs_from_disk = book.open(path, self.workspace.get_text_document(uri).source)
            root = _root_key(book.root)
            if root in self._prechecks and not differs_from_disk:
                loop = asyncio.get_running_loop()
                waiting = loop.call_later(PRECHECK_WAIT, self.check, uri, False)
                self._pending[uri] = self._awaiting.setdefault(root, {})[uri] = waiting
            else:
                self.check(uri, dependents=differs_from_disk)

    # -----------------------------------------------------------------------------------
    # The check of each workspace started with the server

    def watch_prechecks(self) -> None:
        """Take in each workspace check's result as it comes, on the event loop."""
        loop = asyncio.get_running_loop()
        for root, precheck in self._prechecks.items():
            loop.add_reader(precheck.fileno(), self._precheck_readable, root)

    def _precheck_readable(self, root: str) -> None:
        precheck = self._prechecks[root]
        if not precheck.read_available():
            return
        asyncio.get_running_loop().remove_reader(precheck.fileno())
        del self._prechecks[root]
        try:
            prechecked = precheck.result()
        except Exception as error:  # the documents are checked here instead
            self.log(f"doclint: the check of the workspace failed: {error!r}")
        else:
            precheck.workspace.adopt(prechecked.checks, precheck.disk_state)
            for message in prechecked.failures:
                self.log(message, types.MessageType.Error)
        for uri, waiting in self._awaiting.pop(root, {}).items():
            if self._pending.get(uri) is waiting:  # not changed or closed since
                waiting.cancel()
                self.check(uri, dependents=False)

    def changed(self, uri: str) -> None:
        located = self.locate(uri)
        if located is not None:
            path, book = located
            book.update(path, self.workspace.get_text_document(uri).source)
            self.schedule(uri)

    def saved(self, uri: str) -> None:
        located = self.locate(uri)
        if located is None:
            return
        path, book = located
        if path.name in CONFIG_NAMES:
            self.reload([path])
            return
        book.saved(path)
        self.check(uri)

    def closed(self, uri: str) -> None:
        path = self.path_of(uri)
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        if path is None:
            return
        self._uris.pop(path_key(path), None)
        self._checked_at.pop(uri, None)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )
        book = self.book_for(path)
        if book is None:
            return
        # Unsaved changes are gone with the buffer: what links into it is checked again
        # against the disk.
        dependents = book.dependents(path)
        book.close(path)
        for other in dependents:
            self.publish(self.uri_of(other))


def _root_key(folder: Path) -> str:
    """A folder's key, as the start of the keys of the files in it."""
    return path_key(folder) + os.sep
