"""Which process pool checks many files, and that no SQLite connection crosses a fork."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import sqlite3
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from doclint.config.loading import load_config
from doclint.engine import api as engine
from doclint.engine import forkpool, workers

linux_only = pytest.mark.skipif(not forkpool.available(), reason="doclint forks on Linux only")


@pytest.mark.parametrize(
    ("platform", "forks"),
    [("linux", True), ("darwin", False), ("win32", False), ("freebsd14", False)],
)
def test_forkpool_is_used_on_linux_only(monkeypatch, platform: str, forks: bool) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    assert forkpool.available() is (forks and hasattr(os, "fork"))


def _chapters(folder: Path, count: int = 6) -> list[str]:
    """Chapters that link to each other, each with findings of several rules."""
    names = [f"ch{number:02d}.md" for number in range(count)]
    for number, name in enumerate(names):
        following = names[(number + 1) % count]
        (folder / name).write_text(
            f"# 第{number}章\n\n- [1.问题？](#1问题)\n- [2.问题？](#2.坏)\n\n## 1.问题？\n\n"
            f"![图](imgs/{number}.png) [下一章]({following}#1问题) [无](nowhere.md)\n",
            encoding="utf-8",
        )
    return names


@pytest.fixture
def small_pool(monkeypatch) -> None:
    """A pool for a handful of small files (it normally waits for 16 files and 512 KiB)."""
    monkeypatch.setattr(workers, "POOL_MIN_FILES", 2)
    monkeypatch.setattr(workers, "POOL_MIN_BYTES", 1)


@pytest.mark.usefixtures("small_pool")
def test_off_linux_the_files_are_checked_by_concurrent_futures(monkeypatch, tmp_path) -> None:
    _chapters(tmp_path)
    config = load_config(cwd=tmp_path)
    alone = engine.check(["."], config, cwd=tmp_path, jobs=1)

    def no_fork(*args, **kwargs):
        raise AssertionError("forkpool used off Linux")

    monkeypatch.setattr(forkpool, "run_forked", no_fork)
    pools: list[int] = []

    class CountedPool(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs) -> None:
            pools.append(kwargs["max_workers"])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", CountedPool)
    monkeypatch.setattr(sys, "platform", "darwin")
    # As on macOS and Windows, workers are new interpreters that get the task pickled.
    started_as = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method("spawn", force=True)
    try:
        pooled = engine.check(["."], config, cwd=tmp_path, jobs=2)
    finally:
        multiprocessing.set_start_method(started_as, force=True)
    assert pools == [2]
    assert pooled.findings == alone.findings and len(alone.findings) > 6


@linux_only
@pytest.mark.usefixtures("small_pool")
def test_no_sqlite_connection_is_open_when_workers_are_forked(monkeypatch, tmp_path) -> None:
    names = _chapters(tmp_path)
    config = load_config(cwd=tmp_path)
    expected = engine.check(["."], config, cwd=tmp_path, jobs=1).findings
    opened: list[sqlite3.Connection] = []
    open_at_fork: list[int] = []
    connect, fork = sqlite3.connect, os.fork

    def recording_connect(*args, **kwargs):
        connection = connect(*args, **kwargs)
        opened.append(connection)
        return connection

    def checking_fork() -> int:
        open_at_fork.append(sum(1 for connection in opened if _is_open(connection)))
        return fork()

    monkeypatch.setattr(sqlite3, "connect", recording_connect)
    monkeypatch.setattr(os, "fork", checking_fork)

    def check() -> engine.CheckResult:
        return engine.check(
            ["."], config, cwd=tmp_path, jobs=2, use_cache=True, cache_dir=tmp_path / "cache"
        )

    first = check()  # an empty cache: every file is checked, by the pool
    assert first.findings == expected and first.from_cache == []
    (tmp_path / names[0]).write_text("## 新的一章\n", encoding="utf-8")
    (tmp_path / names[1]).write_text("## 又一章\n", encoding="utf-8")
    second = check()  # two files changed (and those linking to them): the pool again
    assert first.notices == second.notices == []
    assert opened and open_at_fork, "the cache was not opened, or no worker was forked"
    assert open_at_fork == [0] * len(open_at_fork)
    assert not any(_is_open(connection) for connection in opened)
    # The cache was written after the first pool and read before the second.
    assert second.from_cache == names[2:5]  # not the changed files, nor ch05 that links to one


def _is_open(connection: sqlite3.Connection) -> bool:
    try:
        connection.total_changes  # noqa: B018 (raises once the connection is closed)
    except sqlite3.ProgrammingError:
        return False
    return True
