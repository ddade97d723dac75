"""The fork pool: results in order, a worker's exception raised here, no hang, no zombie."""

from __future__ import annotations

import os

import pytest

from doclint import forkpool

pytestmark = pytest.mark.skipif(not forkpool.available(), reason="no fork on this platform")

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


def test_each_worker_starts_once_before_its_chunks() -> None:
    def work(index: int) -> tuple[int, int]:
        return os.getpid(), len(_started)

    results = forkpool.run_forked(work, 12, 2, start=lambda: _started.append(1))
    assert {started for _, started in results} == {1}  # in each worker, once
    assert not _started  # never in this process
    assert os.getpid() not in {pid for pid, _ in results}


def test_an_exception_in_a_worker_is_raised_here() -> None:
    def work(index: int) -> int:
        if index == 3:
            raise ValueError(f"chunk {index} is bad")
        return index

    with pytest.raises(ValueError, match="chunk 3 is bad"):
        forkpool.run_forked(work, 8, 2)


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    def work(index: int) -> int:
        if index == 2:
            os._exit(9)
        return index

    with pytest.raises(forkpool.WorkerFailed, match="ended early"):
        forkpool.run_forked(work, 6, 2)


def test_large_results_pass_through_the_pipes() -> None:
    # Far more than a pipe holds, from both workers at once.
    results = forkpool.run_forked(lambda index: "x" * 3_000_000 + str(index), 4, 2)
    assert [result[-1] for result in results] == ["0", "1", "2", "3"]
