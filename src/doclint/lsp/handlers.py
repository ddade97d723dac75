"""Which LSP message calls what: the document life cycle and the configuration go to
``DoclintServer``; each request about an open document goes to the one function of
``actions``, ``completion``, ``navigation`` or ``outline`` that answers it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import to_fs_path

from doclint.engine.precheck import Precheck
from doclint.lsp import actions, completion, navigation, outline
from doclint.lsp.files import OpenFile
from doclint.lsp.roots import workspace_roots
from doclint.lsp.server import CONFIG_NAMES, DoclintServer


def create_server(prechecks: Sequence[Precheck] = ()) -> DoclintServer:
    server = DoclintServer(prechecks)

    @server.feature(types.INITIALIZE)
    def initialize(ls: DoclintServer, params: types.InitializeParams) -> None:
        options = params.initialization_options or {}
        if isinstance(options, dict) and isinstance(options.get("debounceMs"), (int, float)):
            ls.debounce = max(options["debounceMs"], 0) / 1000
        folders = [folder.uri for folder in params.workspace_folders or []]
        ls.set_roots(workspace_roots(folders, params.root_uri))
        ls.watch_prechecks()

    @server.feature(types.INITIALIZED)
    async def initialized(ls: DoclintServer, params: types.InitializedParams) -> None:
        """Ask the client to report changes to the configuration and the chapters (when
        it can: clients that cannot still send didSave for open files)."""
        workspace = ls.client_capabilities.workspace
        watching = workspace.did_change_watched_files if workspace else None
        if watching is None or not watching.dynamic_registration:
            return
        patterns = [f"**/{name}" for name in sorted(CONFIG_NAMES)] + ["**/*.md", "**/*.markdown"]
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

    for method, event in _DOCUMENT_EVENTS:
        _register_document_event(server, method, event)

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


# Notifications about one document: (method, what the server does with its URI).
_DOCUMENT_EVENTS: list[tuple[str, Callable[[DoclintServer, str], None]]] = [
    (types.TEXT_DOCUMENT_DID_OPEN, DoclintServer.opened),
    (types.TEXT_DOCUMENT_DID_CHANGE, DoclintServer.changed),
    (types.TEXT_DOCUMENT_DID_SAVE, DoclintServer.saved),
    (types.TEXT_DOCUMENT_DID_CLOSE, DoclintServer.closed),
]


def _register_document_event(
    server: DoclintServer, method: str, event: Callable[[DoclintServer, str], None]
) -> None:
    def handler(ls: DoclintServer, params: Any) -> None:
        event(ls, params.text_document.uri)

    handler.__name__ = event.__name__
    server.feature(method)(handler)


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
