"""The workspace checked from disk when the language server starts (``engine.precheck``):
the same checks as ``Workspace.check``, file by file; used only while every open buffer
holds what the disk does; and the start that reads ``initialize`` before pygls does."""

from __future__ import annotations

import io
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from doclint.engine import forkpool
from doclint.engine.buffer_views import path_key
from doclint.engine.buffers import Workspace
from doclint.engine.precheck import Precheck, check_workspace

from .conftest import CORPUS, REPO, needs

pytest.importorskip("pygls", reason="the lsp extra (pygls) is not installed")

from doclint.lsp.roots import initialize_roots
from doclint.lsp.start import _Replayed, read_first_message

forks = pytest.mark.skipif(not forkpool.available(), reason="doclint forks on Linux only")


def write_book(root: Path) -> None:
    """Two chapters that ask one question each other asks too, and link to each other."""
    (root / "a.md").write_text(
        "# A\n\n- [1.什么是注意力？](#1什么是注意力)\n- [b](b.md#2乙)\n\n"
        "## 1.什么是注意力？\n\n答。\n",
        encoding="utf-8",
    )
    (root / "b.md").write_text(
        "# B\n\n## 1.什么是注意力？\n\n答。\n\n## 3.丙\n\n[a](a.md#没有)\n",
        encoding="utf-8",
    )


def assert_same_as_checked_one_by_one(root: Path, jobs: int) -> None:
    prechecked = check_workspace(Workspace(root), jobs=jobs)
    workspace = Workspace(root)
    files = workspace.markdown_files()
    assert set(prechecked.checks) == {path_key(path) for path in files}
    for path in files:
        assert prechecked.checks[path_key(path)].check == workspace.check(path), path
    assert prechecked.failures == ()


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_file_has_the_check_of_the_workspace(tmp_path: Path, jobs: int):
    write_book(tmp_path)
    assert_same_as_checked_one_by_one(tmp_path, jobs)
    checks = check_workspace(Workspace(tmp_path), jobs=jobs).checks
    b = checks[path_key(tmp_path / "b.md")].check
    # As Workspace.check has them: the file's own, then those across chapters.
    assert [f.rule for f in b.findings] == ["question-numbering", "dead-link", "duplicate-question"]
    assert b.places[1].end == (9, 13)  # the dead link's range reaches past its ")"


def test_the_example_book_has_the_check_of_the_workspace(tmp_path: Path):
    shutil.copytree(REPO / "examples" / "book", tmp_path / "book")
    assert_same_as_checked_one_by_one(tmp_path / "book", jobs=2)


@needs(CORPUS)
def test_the_real_book_has_the_check_of_the_workspace():
    assert_same_as_checked_one_by_one(CORPUS, jobs=2)  # read in place, never written


def test_a_workspace_too_large_is_not_checked_ahead(tmp_path: Path):
    write_book(tmp_path)
    assert check_workspace(Workspace(tmp_path), max_bytes=100).checks == {}
    workspace = Workspace(tmp_path)
    workspace.adopt({}, workspace.disk_state)
    a = tmp_path / "a.md"
    assert workspace.check(a) == Workspace(tmp_path).check(a)  # checked when asked


def test_its_checks_hold_while_the_buffers_hold_the_disk(tmp_path: Path):
    write_book(tmp_path)
    workspace = Workspace(tmp_path)
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    prechecked = check_workspace(Workspace(tmp_path)).checks
    workspace.adopt(prechecked, workspace.disk_state)
    workspace.open(a, a.read_text(encoding="utf-8"))
    assert workspace.check(a) is prechecked[path_key(a)].check
    # b.md edited: a.md's link into it is checked against the buffer, not taken as it was.
    workspace.open(b, "# B\n\n## 2.乙\n")
    assert [f.rule for f in workspace.check(a).findings] == []
    workspace.close(b)
    assert workspace.check(a) is prechecked[path_key(a)].check


def test_its_checks_are_dropped_when_the_disk_changes(tmp_path: Path):
    write_book(tmp_path)
    workspace = Workspace(tmp_path)
    a = tmp_path / "a.md"
    started = workspace.disk_state
    prechecked = check_workspace(Workspace(tmp_path)).checks
    workspace.files_changed_on_disk()
    workspace.adopt(prechecked, started)  # too late: made from the disk as it was
    workspace.open(a, a.read_text(encoding="utf-8"))
    assert workspace.check(a) is not prechecked[path_key(a)].check
    assert workspace.check(a) == prechecked[path_key(a)].check  # the disk is the same


def test_a_file_written_since_is_checked_again(tmp_path: Path):
    write_book(tmp_path)
    workspace = Workspace(tmp_path)
    a = tmp_path / "a.md"
    prechecked = check_workspace(Workspace(tmp_path)).checks
    workspace.adopt(prechecked, workspace.disk_state)
    a.write_text("# A\n\n[x](#nowhere)\n", encoding="utf-8")
    os.utime(a, ns=(1, 1))  # a stamp unlike the one checked, whatever the clock's grain
    workspace.open(a, a.read_text(encoding="utf-8"))
    assert workspace.check(a) == Workspace(tmp_path).check(a)
    assert workspace.check(a).findings[0].line == 3


@forks
def test_in_a_forked_process(tmp_path: Path):
    write_book(tmp_path)
    precheck = Precheck(Workspace(tmp_path))
    assert precheck.result() == check_workspace(Workspace(tmp_path))


@forks
def test_a_forked_call_hands_back_its_result_or_its_exception():
    call = forkpool.ForkedCall(lambda: {"pid": os.getpid()})
    while not call.read_available():
        pass
    assert call.result()["pid"] != os.getpid()

    def fails() -> None:
        raise ValueError("broken on purpose")

    with pytest.raises(ValueError, match="broken on purpose"):
        forkpool.ForkedCall(fails).result()


@forks
def test_cancelling_a_forked_call_ends_the_processes_it_forked():
    def work_for_a_minute() -> list:
        return forkpool.run_forked(lambda _: time.sleep(60), 2, 2)

    call = forkpool.ForkedCall(work_for_a_minute)
    group = call._pid
    time.sleep(0.5)  # both processes at work
    started = time.monotonic()
    call.cancel()
    assert time.monotonic() - started < 10
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            break  # no process left in its group
        time.sleep(0.05)
    else:
        pytest.fail("a process of the cancelled call is still running")


def message(content: dict) -> bytes:
    body = json.dumps(content).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_the_first_message_is_read_whole_and_handed_on_unchanged(tmp_path: Path):
    first = message(
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"rootUri": tmp_path.as_uri(), "capabilities": {}},
        }
    )
    second = message({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    stdin = io.BufferedReader(io.BytesIO(first + second))
    read = read_first_message(stdin)
    assert read == first
    assert initialize_roots(read) == [tmp_path]
    replayed = _Replayed(read, stdin)
    assert replayed.readline() == first.split(b"\r\n")[0] + b"\r\n"
    assert replayed.readline() == b"\r\n"
    assert replayed.read(5) + replayed.read() == first[first.index(b"{") :] + second


def test_workspace_folders_come_before_the_root(tmp_path: Path):
    folders = [{"uri": (tmp_path / name).as_uri(), "name": name} for name in ("x", "y")]
    params = {"rootUri": tmp_path.as_uri(), "workspaceFolders": folders, "capabilities": {}}
    read = message({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params})
    assert initialize_roots(read) == [tmp_path / "x", tmp_path / "y"]


@pytest.mark.parametrize(
    "sent",
    [
        b"",
        b"Content-Length: 5\r\n\r\n{oops",
        b"garbage without headers",
        message({"jsonrpc": "2.0", "id": 1, "method": "shutdown"}),
    ],
)
def test_a_first_message_that_is_no_initialize_names_no_folder(sent: bytes):
    stdin = io.BufferedReader(io.BytesIO(sent))
    read = read_first_message(stdin)
    assert read == sent  # all of it handed to pygls, which answers as it does
    assert initialize_roots(read) == []
