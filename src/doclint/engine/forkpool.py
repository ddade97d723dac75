"""Run chunks of work in this process and forked ones, with no more machinery than that
needs; or one call in a forked process while this one goes on.

Used on Linux only (``available``). ``concurrent.futures`` would do, but importing it and
``multiprocessing`` and starting its pool cost about 0.04 s, a tenth of a whole check of
a book. Forked workers already hold the work in memory, so only chunk numbers go to them
(through one pipe all read) and each chunk's result comes back pickled (through a pipe
per worker). A worker inherits all the parent holds: the caller closes SQLite connections
first, since one must never be used on both sides of a fork.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import sys
from collections.abc import Callable
from typing import Any

_INDEX_SIZE = 4
_LENGTH_SIZE = 8


class WorkerFailed(RuntimeError):
    """A worker process ended without handing back all its results."""


def run_forked(
    work: Callable[[int], Any],
    chunk_count: int,
    processes: int,
    start: Callable[[], None] = lambda: None,
) -> list[Any]:
    """``[work(0), …, work(chunk_count - 1)]``, computed by ``processes`` processes (this
    one and forked ones) that take chunks in turn as they finish; ``start`` runs once in
    each of them first. An exception in a worker is raised here."""
    tasks_read, tasks_write = os.pipe()
    # Every chunk number is written before any worker starts: far less than a pipe holds.
    os.write(tasks_write, b"".join(i.to_bytes(_INDEX_SIZE, "little") for i in range(chunk_count)))
    os.close(tasks_write)
    sys.stdout.flush()
    sys.stderr.flush()
    results = _Results(chunk_count)
    try:
        for _ in range(min(processes, chunk_count) - 1):
            results_read, results_write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker: never returns
                os.close(results_read)
                for other in results.pids:
                    os.close(other)
                _serve(work, start, tasks_read, results_write)
            os.close(results_write)
            results.add_worker(results_read, pid)
        # This process works too: work done here is not pickled, and runs a little faster
        # than in a fresh fork. Between its chunks it takes in what the workers finished.
        start()
        while data := os.read(tasks_read, _INDEX_SIZE):
            index = int.from_bytes(data, "little")
            results.values[index] = work(index)
            results.done += 1
            results.take(wait=False)
        while results.pids and results.take(wait=True):
            pass
        if results.done != chunk_count:
            raise WorkerFailed(
                f"a worker process ended early ({results.done} of {chunk_count} chunks done)"
            )
        return results.values
    except BaseException:
        for pid in results.pids.values():
            _kill(pid)
        raise
    finally:
        os.close(tasks_read)
        for pipe in results.pids:
            os.close(pipe)
        for pid in results.pids.values():
            _reap(pid)


def _serve(work: Callable[[int], Any], start: Callable[[], None], tasks: int, results: int) -> None:
    # The parent takes in results only between its own chunks: a worker whose results
    # outgrow the pipe keeps them and goes on working rather than wait for it.
    unsent = _Unsent(results)
    status = 0
    try:
        os.set_blocking(results, False)
        start()
        while data := os.read(tasks, _INDEX_SIZE):
            index = int.from_bytes(data, "little")
            unsent.add((index, True, work(index)))
            unsent.send_some()
    except BaseException as error:  # handed to the parent, which raises it
        status = 1
        try:
            unsent.add((-1, False, error))
        except Exception:
            unsent.add((-1, False, WorkerFailed(repr(error))))
    finally:
        with contextlib.suppress(OSError):
            unsent.send_all()
        # Not the parent's exit: its atexit handlers, buffers and finalizers are its own.
        os._exit(status)


class _Unsent:
    """Pickled results a worker has not yet written to its pipe."""

    def __init__(self, pipe: int) -> None:
        self._pipe = pipe
        self._data = bytearray()

    def add(self, message: tuple[int, bool, Any]) -> None:
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        self._data += len(payload).to_bytes(_LENGTH_SIZE, "little")
        self._data += payload

    def send_some(self) -> None:
        """Write what the pipe takes now, without waiting."""
        with contextlib.suppress(BlockingIOError):
            while self._data:
                del self._data[: os.write(self._pipe, self._data)]

    def send_all(self) -> None:
        os.set_blocking(self._pipe, True)
        self.send_some()


class _Results:
    """Chunks' results, and the workers' pipes they arrive through."""

    def __init__(self, chunk_count: int) -> None:
        self.values: list[Any] = [None] * chunk_count
        self.done = 0
        self.pids: dict[int, int] = {}  # result pipe → worker pid
        self._open: list[int] = []  # pipes not yet at their end
        self._buffers: dict[int, bytearray] = {}

    def add_worker(self, pipe: int, pid: int) -> None:
        self.pids[pipe] = pid
        self._open.append(pipe)
        self._buffers[pipe] = bytearray()

    def take(self, wait: bool) -> bool:
        """Read all the workers have written so far (first waiting for something if
        ``wait``); False once every pipe is at its end."""
        timeout = None if wait else 0
        while self._open:
            readable, _, _ = select.select(self._open, [], [], timeout)
            if not readable:
                return True
            for pipe in readable:
                self._read(pipe)
            timeout = 0
        return False

    def _read(self, pipe: int) -> None:
        data = os.read(pipe, 1 << 20)
        if not data:
            self._open.remove(pipe)
            return
        buffer = self._buffers[pipe]
        buffer += data
        start = 0
        while len(buffer) - start >= _LENGTH_SIZE:
            length = int.from_bytes(buffer[start : start + _LENGTH_SIZE], "little")
            end = start + _LENGTH_SIZE + length
            if len(buffer) < end:
                break
            index, ok, value = pickle.loads(buffer[start + _LENGTH_SIZE : end])
            start = end
            if not ok:
                raise value
            self.values[index] = value
            self.done += 1
        del buffer[:start]


class ForkedCall:
    """``function()`` computed in a forked process while this one goes on; its result
    comes back pickled through a pipe, which the caller can watch (``fileno``) or wait
    for (``result``). The process leads a process group of its own, so that ``cancel``
    also ends the processes it forks in turn."""

    def __init__(self, function: Callable[[], Any]) -> None:
        read, write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.setpgid(0, 0)
            os.close(read)
            _answer(function, write)
        # Here too, so that the group exists whichever of the two runs first.
        with contextlib.suppress(OSError):
            os.setpgid(pid, pid)
        os.close(write)
        os.set_blocking(read, False)
        self._pid: int | None = pid
        self._pipe = read
        self._data = bytearray()
        self._ended = False

    def fileno(self) -> int:
        return self._pipe

    def read_available(self) -> bool:
        """Take in what the process has written so far, without waiting; True once it
        has all come (the pipe stays open until ``result``)."""
        while not self._ended:
            try:
                data = os.read(self._pipe, 1 << 20)
            except BlockingIOError:
                return False
            self._data += data
            self._ended = not data
        return True

    def result(self) -> Any:
        """The function's result, once the process has handed it all back; what it
        raised is raised here."""
        os.set_blocking(self._pipe, True)
        self.read_available()
        self._close()
        if not self._data:
            raise WorkerFailed("the forked process ended without a result")
        ok, value = pickle.loads(self._data)
        if not ok:
            raise value
        return value

    def cancel(self) -> None:
        """End the process and those it forked, if it has not ended."""
        if self._pid is not None:
            with contextlib.suppress(OSError):
                os.killpg(self._pid, signal.SIGTERM)
            _kill(self._pid)
        self._close()

    def _close(self) -> None:
        if self._pipe >= 0:
            os.close(self._pipe)
            self._pipe = -1
        if self._pid is not None:
            _reap(self._pid)
            self._pid = None


def _answer(function: Callable[[], Any], pipe: int) -> None:
    status = 0
    try:
        payload = pickle.dumps((True, function()), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as error:  # handed to the parent, which raises it
        status = 1
        try:
            payload = pickle.dumps((False, error), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            payload = pickle.dumps((False, WorkerFailed(repr(error))))
    try:
        with open(pipe, "wb") as out:
            out.write(payload)
    finally:
        # Not the parent's exit: its atexit handlers, buffers and finalizers are its own.
        os._exit(status)


def _kill(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGTERM)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def available() -> bool:
    """Whether to fork here: on Linux only. macOS has ``fork`` too, but its system
    libraries are not safe to use in a forked child of a process that used them (Python
    starts processes with spawn there); elsewhere the caller uses ``concurrent.futures``."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")
