"""Driving the real ``doclint lsp`` process over stdio, with pytest-lsp's client.

``running_server(root)`` starts the server, opens a session with ``root`` as the
workspace folder and closes it afterwards; ``Session`` has the few steps every test takes:
open a file, change it, wait for the diagnostics of a given version.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from doclint.engine import api as engine
from doclint.lsp.positions import Positions

SERVER = [sys.executable, "-m", "doclint", "lsp"]

# Long enough for any one check on a slow shared machine; a test that waits this long
# has failed.
WAIT = 60.0


class RecordingClient(LanguageClient):
    """pytest-lsp's client, also keeping every publishDiagnostics with its version and
    every registration the server asks for."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.published: list[types.PublishDiagnosticsParams] = []
        self.registrations: list[types.Registration] = []
        self.new_publication = asyncio.Event()


def _record_diagnostics(client: RecordingClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)
    client.new_publication.set()


def _accept_registration(client: RecordingClient, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)


def make_client() -> RecordingClient:
    from pygls.protocol import default_converter

    client = RecordingClient(converter_factory=default_converter)
    features = {
        **DEFAULT_CLIENT_FEATURES,
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _record_diagnostics,
        types.CLIENT_REGISTER_CAPABILITY: _accept_registration,
    }
    register_lsp_features(client, features)
    return client


class Session:
    def __init__(self, client: RecordingClient, root: Path) -> None:
        self.client = client
        self.root = root
        self.versions: dict[str, int] = {}

    def uri(self, name: str | Path) -> str:
        return (self.root / name).resolve().as_uri()

    def open(self, name: str | Path, text: str | None = None, uri: str | None = None) -> str:
        uri = uri or self.uri(name)
        if text is None:
            text = (self.root / name).read_text(encoding="utf-8")
        self.versions[uri] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
            )
        )
        return uri

    def replace(self, uri: str, text: str) -> int:
        """Send the whole new text as one change; the new version."""
        self.versions[uri] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                [types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return self.versions[uri]

    def edit(self, uri: str, range_: types.Range, text: str) -> int:
        """Send one incremental change; the new version."""
        self.versions[uri] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                [types.TextDocumentContentChangePartial(range=range_, text=text)],
            )
        )
        return self.versions[uri]

    async def diagnostics(
        self, uri: str, version: int | None = None, after: int = 0
    ) -> types.PublishDiagnosticsParams:
        """The first publication for ``uri`` (of ``version``, if given) among those
        received from the ``after``-th on, waiting for it if need be."""
        version = self.versions.get(uri, 1) if version is None else version

        def found() -> types.PublishDiagnosticsParams | None:
            for params in self.client.published[after:]:
                if params.uri == uri and params.version == version:
                    return params
            return None

        async def wait() -> types.PublishDiagnosticsParams:
            while (params := found()) is None:
                self.client.new_publication.clear()
                await self.client.new_publication.wait()
            return params

        return await asyncio.wait_for(wait(), WAIT)


@contextlib.asynccontextmanager
async def running_server(
    root: Path,
    *,
    debounce_ms: int = 10,
    command: list[str] | None = None,
    more_roots: tuple[Path, ...] = (),
) -> AsyncIterator[Session]:
    """The server started with ``root`` (and ``more_roots``) as the workspace folders;
    it checks changes that follow each other within ``debounce_ms`` once they stop."""
    config = ClientServerConfig(server_command=command or SERVER, client_factory=make_client)
    client = await config.start()
    assert isinstance(client, RecordingClient)
    folders = [
        types.WorkspaceFolder(uri=folder.resolve().as_uri(), name=folder.name)
        for folder in (root, *more_roots)
    ]
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=root.resolve().as_uri(),
            workspace_folders=folders,
            initialization_options={"debounceMs": debounce_ms},
        )
    )
    try:
        yield Session(client, root)
    finally:
        await client.shutdown_session()
        await client.stop()


# ---------------------------------------------------------------------------------------
# Texts, positions and findings


def applied(text: str, edits: list[types.TextEdit]) -> str:
    """``text`` with LSP edits made, as a client makes them (UTF-16 positions)."""
    positions = Positions(text)
    offsets = []
    for edit in edits:
        start = _offset(positions, edit.range.start)
        end = _offset(positions, edit.range.end)
        offsets.append((start, end, edit.new_text))
    for start, end, new_text in sorted(offsets, reverse=True):
        text = text[:start] + new_text + text[end:]
    return text


def _offset(positions: Positions, position: types.Position) -> int:
    line, column = positions.column(position)
    before = sum(len(written) + 1 for written in positions.lines[: line - 1])
    return before + column - 1


def position_of(text: str, needle: str, after: int = 0) -> types.Position:
    """The LSP position (UTF-16) ``after`` characters into the first ``needle``."""
    offset = text.index(needle) + after
    return Positions(text).offset_position(offset)


def findings_of(path: Path, cwd: Path) -> list[tuple]:
    """``doclint check``'s findings for one file, as (line, column, rule, message, severity)."""
    result = engine.check([path.name], cwd=cwd, jobs=1)
    return [(f.line, f.column, f.rule, f.message, str(f.severity)) for f in result.findings]


_SEVERITY_NAMES = {1: "error", 2: "warning", 3: "info"}


def as_findings(diagnostics, text: str) -> list[tuple]:
    positions = Positions(text)
    found = []
    for diagnostic in diagnostics:
        line, column = positions.column(diagnostic.range.start)
        severity = _SEVERITY_NAMES[diagnostic.severity]
        found.append((line, column, diagnostic.code, diagnostic.message, severity))
    return sorted(found)
