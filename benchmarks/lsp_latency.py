"""How quickly ``doclint lsp`` answers, driving the real server over stdio.

    python benchmarks/lsp_latency.py [--edits 50] [--memory-edits 1000] [--installed]

Three measures, each printed with its target:

- edit latency: on a copy of the real chapter (``../shared/seed``), the time from an
  edit's ``didChange`` to the ``publishDiagnostics`` of its version, the median of
  ``--edits`` edits made one at a time, after a pause (≤ 50 ms);
- first diagnostics of the whole real book (``../shared/corpus``, read in place): from
  starting the server to the diagnostics of all its files, every file opened at once,
  the median of ``--starts`` starts (≤ 1.5 s);
- memory: the server's resident memory after ``--memory-edits`` edits against after 10
  (within 20 %).

By default the server is this checkout's ``doclint lsp`` in the running interpreter. With
``--installed`` it is doclint as users install it: built from this working tree into
``benchmarks/.tools/doclint-lsp`` with ``[fast,lsp]``, its parse front-end compiled with
mypyc, as ``speed.py`` installs it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "ai-painting-models-chapter.md"
CORPUS = SHARED / "corpus"
SERVER = [sys.executable, "-m", "doclint", "lsp"]

LATENCY_TARGET = 0.050
CORPUS_TARGET = 1.5
MEMORY_TARGET = 1.20
PAUSE = 0.2  # longer than the server's debounce delay: each edit is checked at once


class Client(LanguageClient):
    """Waits for the diagnostics of a given URI and version."""

    def __init__(self) -> None:
        super().__init__("doclint-benchmark", "1")
        self.published: dict[tuple[str, int | None], float] = {}
        self.arrived = asyncio.Event()

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            self.published[(params.uri, params.version)] = time.perf_counter()
            self.arrived.set()

    async def published_at(self, uri: str, version: int) -> float:
        while (uri, version) not in self.published:
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), 120)
        return self.published[(uri, version)]


async def start(root: Path, debounce_ms: int | None = None) -> Client:
    client = Client()
    await client.start_io(*SERVER)
    options = {"debounceMs": debounce_ms} if debounce_ms is not None else None
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options=options,
        )
    )
    client.initialized(types.InitializedParams())
    return client


async def stop(client: Client) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def open_document(client: Client, path: Path) -> str:
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8", errors="replace")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "markdown", 1, text))
    )
    return uri


def toggle(client: Client, uri: str, version: int) -> None:
    """Version ``version`` of the document: an "x" typed at the start of line 6 (which
    breaks its TOC link's text), or deleted again, so that the text keeps its size."""
    start = types.Position(5, 0)
    if version % 2 == 0:
        change = types.TextDocumentContentChangePartial(range=types.Range(start, start), text="x")
    else:
        end = types.Position(5, 1)
        change = types.TextDocumentContentChangePartial(range=types.Range(start, end), text="")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]
        )
    )


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (Linux): on a shared machine,
    what the server itself cost, whatever else ran meanwhile."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def resident_memory(pid: int) -> int:
    """Resident set size of a process in bytes (Linux)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


async def edit_latency(folder: Path, edits: int) -> list[float]:
    """Seconds from each edit's didChange to its diagnostics."""
    client = await start(folder)
    uri = open_document(client, folder / SEED.name)
    await client.published_at(uri, 1)
    latencies = []
    for version in range(2, edits + 2):
        await asyncio.sleep(PAUSE)
        toggle(client, uri, version)
        sent = time.perf_counter()
        latencies.append(await client.published_at(uri, version) - sent)
    await stop(client)
    return latencies


async def corpus_first_diagnostics() -> tuple[float, float, float, int]:
    """Seconds from starting the server, and from its answer to ``initialize``, to the
    diagnostics of every file of the book; and the CPU seconds the server used."""
    files = sorted(CORPUS.rglob("*.md"))
    started = time.perf_counter()
    client = await start(CORPUS)
    ready = time.perf_counter()
    uris = [open_document(client, path) for path in files]
    for uri in uris:
        await client.published_at(uri, 1)
    done = time.perf_counter()
    assert client._server is not None
    used = cpu_seconds(client._server.pid)
    await stop(client)
    return done - started, done - ready, used, len(files)


async def memory_growth(folder: Path, edits: int) -> tuple[int, int]:
    """The server's resident memory after 10 edits and after ``edits``."""
    client = await start(folder, debounce_ms=0)
    assert client._server is not None
    pid = client._server.pid
    uri = open_document(client, folder / SEED.name)
    await client.published_at(uri, 1)
    after_ten = 0
    for version in range(2, edits + 2):
        toggle(client, uri, version)
        await client.published_at(uri, version)
        if version == 11:
            after_ten = resident_memory(pid)
    after_all = resident_memory(pid)
    await stop(client)
    return after_ten, after_all


def install_server() -> list[str]:
    """``doclint lsp`` installed from this working tree as users install it (compiled)."""
    import subprocess

    from speed import TOOLS, install_doclint

    doclint = install_doclint("doclint-lsp", compiled=True)
    python = TOOLS / "doclint-lsp" / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "pygls>=2,<3"],
        check=True,
    )
    return [doclint, "lsp"]


def main() -> int:
    global SERVER
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--memory-edits", type=int, default=1000)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--installed", action="store_true", help="the compiled install")
    arguments = parser.parse_args()
    if arguments.installed:
        SERVER = install_server()
    print(f"server: {' '.join(SERVER)}")
    if not SEED.exists() or not CORPUS.exists():
        print(f"needs {SEED} and {CORPUS}", file=sys.stderr)
        return 2
    met = True
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder)
        shutil.copyfile(SEED, workspace / SEED.name)
        latencies = asyncio.run(edit_latency(workspace, arguments.edits))
        median = statistics.median(latencies)
        met &= median <= LATENCY_TARGET
        print(
            f"edit → diagnostics, real chapter: median {median * 1000:.1f} ms of {len(latencies)} "
            f"(min {min(latencies) * 1000:.1f}, max {max(latencies) * 1000:.1f}); "
            f"{median / LATENCY_TARGET:.2f}× the 50 ms target"
        )
        shutil.copyfile(SEED, workspace / SEED.name)
        after_ten, after_all = asyncio.run(memory_growth(workspace, arguments.memory_edits))
        ratio = after_all / after_ten
        met &= ratio <= MEMORY_TARGET
        print(
            f"server memory: {after_ten / 2**20:.1f} MB after 10 edits, {after_all / 2**20:.1f} MB "
            f"after {arguments.memory_edits}: {ratio:.3f}× (target ≤ {MEMORY_TARGET}×)"
        )
    starts = [asyncio.run(corpus_first_diagnostics()) for _ in range(max(arguments.starts, 1))]
    elapsed, after_start, used, count = sorted(starts)[len(starts) // 2]
    met &= elapsed <= CORPUS_TARGET
    print(
        f"first diagnostics of the real book ({count} files opened at once): {elapsed:.2f} s "
        f"from starting the server, the median of {len(starts)} starts (min "
        f"{min(start[0] for start in starts):.2f}, max {max(start[0] for start in starts):.2f}); "
        f"{elapsed / CORPUS_TARGET:.2f}× the 1.5 s target ({after_start:.2f} s of it after the "
        f"server answered initialize; the server process used {used:.2f} s of CPU, and the "
        "check of the workspace it started ran in processes of its own)"
    )
    print(f"cores: {len(os.sched_getaffinity(0))}, load average: {os.getloadavg()[0]:.2f}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
