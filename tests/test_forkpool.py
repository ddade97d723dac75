"""The fork pool: results in order, a worker's exception raised here, no hang, no zombie."""

from __future__ import annotations

import os
import time

import pytest

from doclint.engine import forkpool

pytestmark = pytest.mark.skipif(not forkpool.available(), reason="doclint forks on Linux only")

_started: list[int] = []


def _children() -> set[int]:
    path = f"/proc/{os.getpid()}/task/{os.getpid()}/children"
    if not os.path.exists(path):
        return set()
    with open(path) as handle:
        return {int(pid) for pid in handle.read().split()}


@pytest.mark.parametrize(("chunks", "processes"), [(0, 2), (1, 4), (7, 2), (40, 3)])
def test_results_come_back_in_chunk_order(chunks: int, processes: int) -> None:
    before = _children()
    assert forkpool.run_forked(lambda index: [index] * index, chunks, processes) == [
        [index] * index for index in range(chunks)
    ]
    assert _children() == before  # every worker reaped


def test_each_process_starts_once_before_its_chunks() -> None:
    def work(index: int) -> tuple[int, int]:
        time.sleep(0.01)  # both processes get chunks
        return os.getpid(), len(_started)

    results = forkpool.run_forked(work, 12, 2, start=lambda: _started.append(1))
    assert {started for _, started in results} == {1}  # in each process, once
    assert _started == [1]  # this process works too
    assert len({pid for pid, _ in results}) == 2


def test_an_exception_in_a_worker_is_raised_here() -> None:
    def work(index: int) -> int:
        if index == 3:
            raise ValueError(f"chunk {index} is bad")
        return index

    with pytest.raises(ValueError, match="chunk 3 is bad"):
        forkpool.run_forked(work, 8, 2)


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    parent = os.getpid()

    def work(index: int) -> int:
        if os.getpid() != parent:
            os._exit(9)  # the forked worker dies with the first chunk it takes
        time.sleep(0.02)  # so that it takes one
        return index

    with pytest.raises(forkpool.WorkerFailed, match="ended early"):
        forkpool.run_forked(work, 6, 2)


def test_large_results_pass_through_the_pipes() -> None:
    # Far more than a pipe holds, from both workers at once.
    results = forkpool.run_forked(lambda index: "x" * 3_000_000 + str(index), 4, 2)
    assert [result[-1] for result in results] == ["0", "1", "2", "3"]


def test_a_worker_goes_on_working_while_this_process_is_busy(tmp_path) -> None:
    # This process takes in results only between its own chunks. A worker whose results
    # outgrow the pipe meanwhile must keep them and take its next chunks, not wait.
    parent = os.getpid()
    chunk_count = 5

    def work(index: int) -> str:
        if os.getpid() != parent:
            (tmp_path / str(index)).touch()
            return "x" * 1_000_000
        deadline = time.monotonic() + 20
        while len(list(tmp_path.iterdir())) < chunk_count - 1:
            if time.monotonic() > deadline:
                return "the worker stopped"
            time.sleep(0.01)
        return "the worker did every other chunk"

    results = forkpool.run_forked(work, chunk_count, 2)
    assert "the worker did every other chunk" in results
    assert results.count("x" * 1_000_000) == chunk_count - 1
