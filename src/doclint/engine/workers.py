"""Checking many files: the work each process does, and when a pool of them pays."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from doclint.book.coverage import file_coverage
from doclint.config.loading import Config
from doclint.core.findings import Finding, Severity
from doclint.core.records import record
from doclint.engine.discovery import FileError, SourceFile, discover
from doclint.engine.linting import asked_questions, chosen_rules, lint_document, parse_file
from doclint.model.document import Document
from doclint.parsing import parse_document
from doclint.rules import duplicate_question
from doclint.rules.spec import Context
from doclint.text.reading import ENCODING_RULE, NotText, Unreadable, read_markdown
from doclint.workspace.project import Dependencies, Project

if TYPE_CHECKING:
    from doclint.workspace.revision import Baseline


# Below this many files (or bytes) a process pool costs more than it saves.
POOL_MIN_FILES = 16
POOL_MIN_BYTES = 512 * 1024

Item = TypeVar("Item")
Outcome = list  # findings of one file (and its ExternalLinks when checked), or [FileError]


@record
class Task:
    """What a worker needs to check or measure files; sent once to each worker."""

    kind: str  # "check", "report" or "fix"
    config: Config
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    root: Path
    baseline: Baseline | None = None  # with --base: the checked files as they were
    external: bool = False  # hand back each file's external links for the external stage
    record: bool = False  # hand back what each file's rules asked of the disk (result cache)


@record
class FixedQuestions:
    """A fixed file's questions for duplicate-question across chapters: as the file is,
    and as the fixes make it."""

    before: duplicate_question.AskedQuestions
    after: duplicate_question.AskedQuestions


class Worker:
    def __init__(self, task: Task) -> None:
        self.task = task
        self.rules = chosen_rules(task.config, task.select, task.ignore)
        max_size = task.config.max_file_size
        # Who links where is asked only when comparing with a revision (anchor-stability).
        self.project = Project(
            task.root,
            lambda path: parse_file(path, max_size),
            self._repository_files if task.baseline is not None else None,
        )
        self.context = Context(
            profile=task.config.profile, project=self.project, base=task.baseline
        )
        # With duplicate-question's `scope: book`, each chapter hands back its questions,
        # which the main process compares once every chapter is checked.
        self.across_chapters = task.kind in ("check", "fix") and (
            duplicate_question.wanted_across_chapters(
                task.config.enabled_rules(task.select, task.ignore)
            )
            is not None
        )

    def _repository_files(self) -> list[Path]:
        """Every markdown file of the repository, for rules that ask who links where."""
        sources, _ = discover([str(self.task.root)], self.task.config, self.task.root)
        return [source.path for source in sources]

    def run(self, source: SourceFile) -> Outcome:
        if self.task.kind == "fix":
            return self._fix(source)
        parsed = self._document(source)
        if not isinstance(parsed, Document):
            # A file that is not text has nothing on disk to depend on.
            return (
                [parsed, Dependencies()]
                if self.task.record and isinstance(parsed, Finding)
                else [parsed]
            )
        if self.task.kind == "report":
            return [file_coverage(parsed, source.display, self.task.config.profile)]
        if self.task.record:
            self.project.recording = Dependencies()
        findings: Outcome = lint_document(parsed, source.display, self.rules, self.context)
        if self.across_chapters:
            findings.append(asked_questions(parsed, source.display, self.task.config.profile))
        if self.task.record:
            findings.append(self.project.recording)
            self.project.recording = None
        if self.task.external:
            from doclint.engine.external import links_to_check

            findings.append(links_to_check(parsed, source.display))
        return findings

    def _document(self, source: SourceFile) -> Document | Finding | FileError:
        """The file parsed once (or taken from the project if a link made it parse early)."""
        document = self.project.take_parsed(source.path)
        if document is None:
            try:
                text = read_markdown(source.path, self.task.config.max_file_size)
                document = parse_document(text, str(source.path))
            except Unreadable as error:
                return FileError(source.display, f"cannot read: {error}")
            except NotText as problem:
                return Finding(
                    source.display,
                    problem.line,
                    problem.column,
                    ENCODING_RULE,
                    Severity.ERROR,
                    problem.message,
                )
        self.project.remember(source.path, document)
        return document

    def _lint(self, document: Document, source: SourceFile) -> list[Finding]:
        return lint_document(document, source.display, self.rules, self.context)

    def _fix(self, source: SourceFile) -> Outcome:
        """Check the file and apply its fixes in memory, pass after pass; the main process
        writes the result, once every file is done."""
        from doclint.engine.fixer import FileFix, NotRewritable, SourceText, fix_text

        try:
            data = source.path.read_bytes()
        except OSError as error:
            return [FileError(source.display, f"cannot read: {error.strerror or error}")]
        try:
            text = SourceText.from_bytes(data)
        except NotRewritable as reason:
            # Checked as usual (UTF-16 is read, invalid bytes are a finding), never written.
            parsed = self._document(source)
            if isinstance(parsed, FileError):
                return [parsed]
            found = [parsed] if isinstance(parsed, Finding) else self._lint(parsed, source)
            unfixed = FileFix(
                source.path, source.display, Counter(), found, found, None, None, str(reason)
            )
            if self.across_chapters and isinstance(parsed, Document):
                asked = asked_questions(parsed, source.display, self.task.config.profile)
                return [unfixed, FixedQuestions(asked, asked)]
            return [unfixed]
        # A document parsed early (for its anchors) came from an earlier read of the file:
        # it serves only if that read had the text held here.
        document = self.project.take_parsed(source.path)
        if document is None or not text.is_text_of(document):
            document = text.document(str(source.path))
        self.project.remember(source.path, document)
        before = self._lint(document, source)
        linted = [document]  # the last text linted is the fixed one

        def lint(doc: Document) -> list[Finding]:
            linted.append(doc)
            return self._lint(doc, source)

        fixed = fix_text(text, document, lint, before)
        after = fixed.text.to_bytes()
        changed = after != data
        file_fix = FileFix(
            source.path,
            source.display,
            fixed.applied,
            fixed.findings,
            before,
            data if changed else None,
            after if changed else None,
        )
        if not self.across_chapters:
            return [file_fix]
        # What the file will hold: the fixed text, or as it is if it cannot be written.
        asked = FixedQuestions(
            asked_questions(document, source.display, self.task.config.profile),
            asked_questions(linted[-1], source.display, self.task.config.profile),
        )
        return [file_fix, asked]


_worker: Worker | None = None  # set in each pool process by start_worker


def start_worker(task: Task) -> None:
    global _worker
    _worker = Worker(task)


def run_chunk(chunk: list[SourceFile]) -> list[Outcome]:
    assert _worker is not None
    return [_worker.run(source) for source in chunk]


def contiguous_chunks(items: Sequence[Item], sizes: Sequence[int], count: int) -> list[list[Item]]:
    """About ``count`` contiguous runs of files (neighbours link to each other) of similar
    total size."""
    target = max(sum(sizes) / count, 1)
    chunks: list[list[Item]] = [[]]
    filled = 0.0
    for item, size in zip(items, sizes, strict=True):
        if filled >= target and chunks[-1]:
            chunks.append([])
            filled = 0.0
        chunks[-1].append(item)
        filled += size
    return chunks


def pool_pays(sizes: Sequence[int]) -> bool:
    """Whether files of these sizes are worth a pool of processes."""
    return len(sizes) >= POOL_MIN_FILES and sum(sizes) >= POOL_MIN_BYTES


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def run_files(task: Task, sources: Sequence[SourceFile], jobs: int | None) -> list[Outcome]:
    """Outcomes in the order of ``sources``; in parallel processes when it pays."""
    jobs = default_jobs() if jobs is None else max(jobs, 1)
    sizes = [file_size(source.path) for source in sources]
    if jobs == 1 or not pool_pays(sizes):
        worker = Worker(task)
        return [worker.run(source) for source in sources]
    chunks = contiguous_chunks(sources, sizes, jobs * 8)
    from doclint.engine import forkpool

    if forkpool.available():
        from doclint.parsing import prepare

        prepare()  # loaded once here, not once per worker

        def start() -> None:
            start_worker(task)

        done = forkpool.run_forked(lambda index: run_chunk(chunks[index]), len(chunks), jobs, start)
        return [outcome for chunk in done for outcome in chunk]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(
        max_workers=min(jobs, len(chunks)), initializer=start_worker, initargs=(task,)
    ) as pool:
        return [outcome for chunk in pool.map(run_chunk, chunks) for outcome in chunk]
