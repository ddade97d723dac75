"""``doclint lsp`` starting: the workspace is checked while the server gets ready.

The protocol library (lsprotocol, under pygls) takes about half a second to import, as
long as checking a whole book takes. The client's first message, ``initialize``, names
the workspace's folders, so it is read here first with the standard library; a forked
process starts checking those folders from disk (``engine.precheck``), and only then is
the server imported and handed the message, as if it had read it itself. Nothing here
imports pygls's protocol or lsprotocol.
"""

from __future__ import annotations

import gc
import io
import os
import sys
from pathlib import Path
from typing import BinaryIO

from doclint.core.errors import DoclintError
from doclint.engine.buffer_views import path_key
from doclint.engine.buffers import Workspace
from doclint.engine.precheck import Precheck
from doclint.lsp.roots import initialize_roots

# The longest header block of a message read here; a client that sends more is left to
# pygls, which reads the rest.
_MAX_HEADER_LINES = 16


def serve() -> None:
    """Speak LSP on stdin and stdout until the client says exit."""
    # The command line tunes the cycle collector for short runs (cli.run); a server runs
    # for hours, and with the default thresholds its cyclic garbage does not pile up.
    gc.set_threshold(700, 10, 10)
    stdin = sys.stdin.buffer
    first = read_first_message(stdin)
    prechecks = start_prechecks(initialize_roots(first)) if Precheck.available() else []
    # The protocol gets its own handle on stdout (which pygls closes at the end), and
    # anything else printed goes to stderr, where it cannot corrupt the message stream.
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout.flush()
    sys.stdout = sys.stderr
    # Imported only now, for start-up time: the workspace's check runs meanwhile.
    from doclint.lsp.handlers import create_server

    server = create_server(prechecks)
    try:
        server.start_io(_Replayed(first, stdin), protocol_out)
    finally:  # a check still running is of no use to anyone now
        for precheck in prechecks:
            precheck.cancel()


def read_first_message(stdin: BinaryIO) -> bytes:
    """The client's first message as sent (headers and content), or what could be read of
    it: whatever it is, it is handed to pygls unchanged."""
    read = bytearray()
    length = None
    for _ in range(_MAX_HEADER_LINES):
        line = stdin.readline()
        read += line
        if not line.strip():
            break
        name, _, value = line.decode("ascii", "replace").partition(":")
        if name.strip().lower() == "content-length" and value.strip().isdigit():
            length = int(value)
    else:
        return bytes(read)
    if line and length is not None:
        read += stdin.read(length)
    return bytes(read)


def start_prechecks(roots: list[Path]) -> list[Precheck]:
    """A check of each root folder from disk, started now in a forked process (none for a
    folder whose configuration is invalid: the server says why when it loads it)."""
    prechecks = []
    for root in {path_key(root): root for root in roots}.values():
        try:
            workspace = Workspace(root)
        except DoclintError:
            continue
        prechecks.append(Precheck(workspace))
    return prechecks


class _Replayed(io.RawIOBase):
    """stdin, with the bytes read from it already put back in front."""

    def __init__(self, first: bytes, rest: BinaryIO) -> None:
        self._first = io.BytesIO(first)
        self._rest = rest
        self._pending = len(first)

    def readline(self, size: int | None = -1) -> bytes:
        if self._pending:
            line = self._first.readline()
            self._pending -= len(line)
            if line.endswith(b"\n") or not line:
                return line
            return line + self._rest.readline()
        return self._rest.readline()

    def read(self, size: int | None = -1) -> bytes:
        if not self._pending:
            return self._rest.read(size)
        whole = size is None or size < 0
        data = self._first.read(-1 if whole else size)
        self._pending -= len(data)
        if whole:
            return data + self._rest.read()
        return data + self._rest.read(size - len(data)) if len(data) < size else data

    def readable(self) -> bool:
        return True
