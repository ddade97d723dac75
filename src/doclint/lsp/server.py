"""The language server: open documents in, the engine's results out.

Each LSP feature is one small function registered here; what it answers comes from
``doclint.engine.buffers`` (the engine over open buffers) through the modules beside this one.
Checks run on the event loop, one at a time, so that every answer is computed from one
consistent set of texts. A change after a pause is checked at once; changes that follow
each other faster than ``debounceMs`` (an initialization option, 150 by default) are
checked once they stop, so only the last text is checked. Diagnostics always carry the
version of the text they were computed from.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import traceback
from collections.abc import Callable
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
from doclint.lsp import actions, completion, navigation, outline
from doclint.lsp.diagnostics import diagnostics
from doclint.lsp.files import OpenFile
from doclint.lsp.positions import Positions

DEFAULT_DEBOUNCE_MS = 150
_CONFIG_NAMES = frozenset({*CONFIG_FILENAMES, "pyproject.toml"})


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

    def __init__(self) -> None:
        super().__init__(
            "doclint",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=_Protocol,
        )
        self.roots: list[Path] = []
        self._root_keys: dict[str, Path] = {}  # path_key(root) + os.sep → root
        # By root key; None: the configuration found there is invalid.
        self.books: dict[str, Workspace | None] = {}
        self.debounce = DEFAULT_DEBOUNCE_MS / 1000
        self._uris: dict[str, str] = {}  # path key → URI, for open documents
        self._pending: dict[str, asyncio.TimerHandle] = {}
        self._checked_at: dict[str, float] = {}  # event loop time of each URI's last check

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
        root = max(holding, key=len) if holding else path_key(path.parent) + os.sep
        if root not in self.books:
            folder = self._root_keys.get(root, path.parent)
            self.books[root] = self._load_book(folder)
        return self.books[root]

    def set_roots(self, roots: list[Path]) -> None:
        self.roots = roots
        self._root_keys = {path_key(root) + os.sep: root for root in roots}

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
        where = "".join(traceback.format_exception(error)[-3:]).rstrip()
        self.log(
            f"doclint: rule {rule} failed on {display}; the other rules ran\n{where}",
            types.MessageType.Error,
        )

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
        config_changed = any(path.name in _CONFIG_NAMES for path in changed)
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
            self.check(uri, dependents=differs_from_disk)

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
        if path.name in _CONFIG_NAMES:
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


def create_server() -> DoclintServer:
    server = DoclintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: DoclintServer, params: types.InitializeParams) -> None:
        options = params.initialization_options or {}
        if isinstance(options, dict) and isinstance(options.get("debounceMs"), (int, float)):
            ls.debounce = max(options["debounceMs"], 0) / 1000
        folders = [folder.uri for folder in params.workspace_folders or []]
        if not folders and params.root_uri:
            folders = [params.root_uri]
        ls.set_roots([Path(path) for uri in folders if (path := to_fs_path(uri))])

    @server.feature(types.INITIALIZED)
    async def initialized(ls: DoclintServer, params: types.InitializedParams) -> None:
        """Ask the client to report changes to the configuration and the chapters (when
        it can: clients that cannot still send didSave for open files)."""
        workspace = ls.client_capabilities.workspace
        watching = workspace.did_change_watched_files if workspace else None
        if watching is None or not watching.dynamic_registration:
            return
        patterns = [f"**/{name}" for name in sorted(_CONFIG_NAMES)] + ["**/*.md", "**/*.markdown"]
        watchers = [types.FileSystemWatcher(glob_pattern=pattern) for pattern in patterns]
        await ls.client_register_capability_async(
            types.RegistrationParams(
                registrations=[
                    types.Registration(
                        id="doclint-watched-files",
                        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers),
                    )
                ]
            )
        )

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: DoclintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.opened(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: DoclintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: DoclintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.saved(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: DoclintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.closed(params.text_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files(ls: DoclintServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls.reload([Path(p) for change in params.changes if (p := to_fs_path(change.uri))])

    for method, answer, options in _REQUESTS:
        _register_request(server, method, answer, options)

    @server.feature(types.CODE_ACTION_RESOLVE)
    def resolve_code_action(ls: DoclintServer, action: types.CodeAction) -> types.CodeAction:
        uri = action.data.get("uri") if isinstance(action.data, dict) else None
        file = ls.open_file(uri) if uri else None
        return actions.resolve(file, action) if file is not None else action

    return server


# Requests about one open document: (method, the function that answers, options).
_REQUESTS: list[tuple[str, Callable[[OpenFile, Any], Any], Any]] = [
    (types.TEXT_DOCUMENT_CODE_ACTION, actions.code_actions, actions.OPTIONS),
    (types.TEXT_DOCUMENT_COMPLETION, completion.complete, completion.OPTIONS),
    (types.TEXT_DOCUMENT_DEFINITION, navigation.definition, None),
    (types.TEXT_DOCUMENT_REFERENCES, navigation.references, None),
    (types.TEXT_DOCUMENT_PREPARE_RENAME, navigation.prepare_rename, None),
    (types.TEXT_DOCUMENT_RENAME, navigation.rename, types.RenameOptions(prepare_provider=True)),
    (types.TEXT_DOCUMENT_HOVER, outline.hover, None),
    (types.TEXT_DOCUMENT_DOCUMENT_SYMBOL, outline.symbols, None),
    (types.TEXT_DOCUMENT_CODE_LENS, outline.code_lenses, None),
]


def _register_request(
    server: DoclintServer, method: str, answer: Callable[[OpenFile, Any], Any], options: Any
) -> None:
    """Answer ``method`` with ``answer(file, params)`` for the document it names."""

    def handler(ls: DoclintServer, params: Any) -> Any:
        file = ls.open_file(params.text_document.uri)
        return answer(file, params) if file is not None else None

    handler.__name__ = answer.__name__
    server.feature(method, options)(handler)


def serve() -> None:
    """Speak LSP on stdin and stdout until the client says exit."""
    # The protocol gets its own handle on stdout (which pygls closes at the end), and
    # anything else printed goes to stderr, where it cannot corrupt the message stream.
    # The command line tunes the cycle collector for short runs (cli.run); a server runs
    # for hours, and with the default thresholds its cyclic garbage does not pile up.
    gc.set_threshold(700, 10, 10)
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout.flush()
    sys.stdout = sys.stderr
    create_server().start_io(sys.stdin.buffer, protocol_out)
