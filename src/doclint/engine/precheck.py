"""The whole workspace checked from disk at once, before the editor asks.

When the language server starts, a forked process (``Precheck``) checks every markdown
file of the workspace with ``Workspace.check_on_disk`` — the same checks as
``Workspace.check`` — in parallel processes, and compares the chapters' questions for
duplicate-question across the book once, rather than once per file. The server hands
the result to ``Workspace.adopt``, which answers from it for as long as every open buffer
holds what the disk does.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass

from doclint.core.findings import Finding
from doclint.engine import forkpool
from doclint.engine.buffer_views import path_key
from doclint.engine.buffers import Workspace
from doclint.engine.file_checks import DiskCheck, FileCheck, finding_places
from doclint.engine.workers import contiguous_chunks, default_jobs, file_size, pool_pays
from doclint.rules import duplicate_question
from doclint.rules.duplicate_question import AskedQuestions

# How much lower than the server's the checking processes' priority is (``nice``).
PRIORITY_BELOW = 10
# The most markdown checked ahead, in bytes: about ten times a large book. Checking a
# folder holds every file's document in memory (25 MB for the real book's 3 MB), so a
# larger workspace is checked file by file, as the editor opens them.
MAX_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Prechecked:
    checks: dict[str, DiskCheck]  # by path_key
    failures: tuple[str, ...]  # a message for each rule that raised on a file


def check_workspace(
    workspace: Workspace, jobs: int | None = None, max_bytes: int = MAX_BYTES
) -> Prechecked:
    """Every markdown file of the workspace checked as it is on disk; none when they
    hold more than ``max_bytes``."""
    files = workspace.markdown_files()
    jobs = default_jobs() if jobs is None else max(jobs, 1)
    sizes = [file_size(path) for path in files]
    if sum(sizes) > max_bytes:
        return Prechecked({}, ())
    chunks = contiguous_chunks(files, sizes, jobs * 8)
    failures: list[str] = []

    def check_chunk(index: int) -> tuple[list[tuple[DiskCheck, AskedQuestions | None]], list[str]]:
        already = len(failures)
        checked = [workspace.check_on_disk(path) for path in chunks[index]]
        return checked, failures[already:]

    reported = workspace.on_rule_error
    workspace.on_rule_error = lambda *failed: failures.append(rule_failure(*failed))
    try:
        if jobs > 1 and pool_pays(sizes) and forkpool.available():
            done = forkpool.run_forked(check_chunk, len(chunks), jobs)
        else:
            done = [check_chunk(index) for index in range(len(chunks))]
    finally:
        workspace.on_rule_error = reported
    checked = [item for chunk, _ in done for item in chunk]
    severity = duplicate_question.wanted_across_chapters(workspace.config.enabled_rules())
    across: dict[str, list[Finding]] = {}
    if severity is not None:
        asked = [questions for _, questions in checked if questions is not None]
        for finding in duplicate_question.book_duplicates(asked, severity):
            across.setdefault(finding.path, []).append(finding)
    checks = {}
    for path, (disk, _) in zip(files, checked, strict=True):
        more = across.get(workspace.display(path))
        if more and (document := workspace.document(path)) is not None:
            # As Workspace.check adds them: after the file's own.
            check = disk.check
            places = check.places + finding_places(document, more)
            check = FileCheck(check.path, check.checked, (*check.findings, *more), places)
            disk = DiskCheck(check, disk.stamp, disk.links_out)
        checks[path_key(path)] = disk
    return Prechecked(checks, tuple(message for _, chunk in done for message in chunk))


def rule_failure(rule: str, display: str, error: BaseException) -> str:
    """What the language server logs when a rule raises on a file."""
    where = "".join(traceback.format_exception(error)[-3:]).rstrip()
    return f"doclint: rule {rule} failed on {display}; the other rules ran\n{where}"


class Precheck(forkpool.ForkedCall):
    """``check_workspace`` running in a forked process, started as early as the
    workspace's folder is known (Linux only: see ``forkpool.available``); its ``result``
    is the ``Prechecked``."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.disk_state = workspace.disk_state  # what the check starts from
        super().__init__(lambda: _check_behind(workspace))

    @staticmethod
    def available() -> bool:
        return forkpool.available()


def _check_behind(workspace: Workspace) -> Prechecked:
    # At a lower priority: the server's own start, which the editor waits for, comes
    # first, and this check takes the time the cores have left.
    os.nice(PRIORITY_BELOW)
    # Nor does it read or write the editor's messages: holding the pipes they come
    # through would keep them open after the server ends.
    quiet = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1):
        os.dup2(quiet, stream)
    return check_workspace(workspace)
