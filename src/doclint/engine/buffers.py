"""A book being edited: the CLI's checks, fixes, TOC and coverage over texts that may come
from an editor's open buffers rather than from disk.

This is the engine as a long-lived object. It holds the configuration (found as the CLI
finds it, from the workspace's folder), the texts of open buffers, and documents parsed
from them or from disk; every check builds a ``Project`` whose files are read through it,
so that an open buffer takes precedence over the file on disk for every question a rule
asks (its anchors, whether it exists). Rules run through ``engine.lint_document``, chosen
by ``Config.enabled_rules`` and filtered by the file's suppressions, exactly as in
``doclint check``; fixes go through ``fixer``; nothing here knows about editors or LSP.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from doclint.book.coverage import (
    FileCoverage,
)
from doclint.config.loading import Config, RuleSettings, load_config
from doclint.core.findings import Finding, Severity
from doclint.engine.buffer_views import BufferViews, path_key
from doclint.engine.discovery import FileFilter, discover
from doclint.engine.file_checks import DiskCheck, FileCheck, FindingPlace, finding_places
from doclint.engine.linting import asked_questions, lint_document
from doclint.model.document import Document
from doclint.parsing import parse_document
from doclint.parsing.builder import normalized_text
from doclint.rules import duplicate_question
from doclint.rules.duplicate_question import AskedQuestions
from doclint.rules.registry import all_rules
from doclint.rules.spec import Context, RuleSpec
from doclint.text.reading import (
    ENCODING_RULE,
    NotText,
    Unreadable,
    file_stamp,
    read_markdown,
    text_problem,
)
from doclint.workspace.project import Lookup, Project

# Called with the rule id, the file and the exception when a rule raises.
RuleErrorHandler = Callable[[str, str, BaseException], None]


class _BufferedProject(Project):
    """A ``Project`` for which files open in the editor exist, saved or not."""

    def __init__(self, root: Path, workspace: Workspace) -> None:
        super().__init__(root, workspace.document)
        self._open = workspace.open_keys

    def lookup(self, path: Path) -> Lookup:
        if path_key(path) in self._open:
            return Lookup(True)
        return super().lookup(path)


class Workspace(BufferViews):
    """The files under ``root`` as an editor holds them."""

    def __init__(self, root: Path, on_rule_error: RuleErrorHandler | None = None) -> None:
        self.root = Path(os.path.abspath(root))
        self.on_rule_error = on_rule_error
        self._buffers: dict[str, str] = {}
        # Why an open file cannot be checked as it is on disk (not UTF-8, binary): the CLI
        # reports that file so, until it is saved again.
        self._disk_problems: dict[str, NotText] = {}
        self._buffer_documents: dict[str, tuple[str, Document]] = {}
        self._disk_documents: dict[str, tuple[tuple[int, int], Document | None]] = {}
        self._checks: dict[str, tuple[int, str, FileCheck]] = {}
        self._links_out: dict[str, frozenset[str]] = {}
        self._generation = 0  # changes whenever any text or the configuration changes
        self._markdown_files: list[Path] | None = None
        self._coverages: dict[str, tuple[Document, Config, FileCoverage]] = {}
        self._places: dict[Path, tuple[str, str]] = {}
        # Why an open buffer cannot be checked, by the text it was worked out for.
        self._buffer_problems: dict[str, tuple[str, NotText | None]] = {}
        # Every file's check as on disk, made before the editor asked (``precheck``):
        # it holds while every open buffer holds what the disk does.
        self._prechecked: dict[str, DiskCheck] = {}
        self.disk_state = 0  # counts the changes to the disk and the configuration
        self._differ_from_disk: set[str] = set()  # open buffers, by key
        self.reload_config()

    # -----------------------------------------------------------------------------------
    # Configuration and files

    def reload_config(self) -> None:
        """Read the configuration again (``ConfigError`` when it is invalid)."""
        self.config: Config = load_config(cwd=self.root)
        self._filter = FileFilter(self.config)
        specs = all_rules()
        self._rules: list[tuple[RuleSpec, RuleSettings]] = [
            (specs[rule_id], settings) for rule_id, settings in self.config.enabled_rules().items()
        ]
        self._markdown_files = None
        self._buffer_problems.clear()  # the size limit may have changed
        self._disk_changed()

    def _changed(self) -> None:
        self._generation += 1

    def _disk_changed(self) -> None:
        self.disk_state += 1
        self._prechecked.clear()
        self._changed()

    @property
    def open_keys(self) -> frozenset[str]:
        return frozenset(self._buffers)

    def excluded(self, path: Path) -> bool:
        """Whether ``doclint check`` would leave this file out when named."""
        return self._filter.excluded(path)

    def display(self, path: Path) -> str:
        """The path as ``doclint check`` run in the workspace's folder shows it."""
        try:
            return os.path.relpath(path, self.root).replace(os.sep, "/")
        except ValueError:  # another drive
            return str(path)

    def markdown_files(self) -> list[Path]:
        """The markdown files ``doclint check`` finds in the workspace, and open buffers."""
        if self._markdown_files is None:
            sources, _ = discover([str(self.root)], self.config, self.root)
            self._markdown_files = [source.path for source in sources]
        on_disk = {path_key(path) for path in self._markdown_files}
        unsaved = [Path(key) for key in self._buffers if key not in on_disk]
        return [*self._markdown_files, *unsaved]

    def files_changed_on_disk(self) -> None:
        """Files were created, deleted or written outside the editor."""
        self._markdown_files = None
        self._disk_changed()

    # -----------------------------------------------------------------------------------
    # Buffers

    def open(self, path: Path, text: str) -> bool:
        """An editor opened the file; whether its text differs from the disk's (then the
        files that link into it must be checked again)."""
        key = path_key(path)
        self._buffers[key] = text
        on_disk = self._read_disk(path)
        same = on_disk is not None and normalized_text(on_disk) == normalized_text(text)
        if same:
            self._differ_from_disk.discard(key)
            parsed = self._disk_document(path, key, parse=False)
            if parsed is not None:
                self._buffer_documents[key] = (text, parsed)  # parsed already, for a link
        else:
            self._differ_from_disk.add(key)
        self._changed()
        return not same

    def update(self, path: Path, text: str) -> None:
        key = path_key(path)
        self._buffers[key] = text
        self._differ_from_disk.add(key)
        self._changed()

    def saved(self, path: Path) -> None:
        """The editor wrote the buffer to disk (perhaps as a new file)."""
        key = path_key(path)
        self._read_disk(path)
        self._disk_documents.pop(key, None)
        self._differ_from_disk.discard(key)
        known = self._markdown_files or []
        if not any(path_key(file) == key for file in known):
            self._markdown_files = None  # a new file: find the files again when asked
        self._disk_changed()

    def close(self, path: Path) -> None:
        key = path_key(path)
        for table in (self._buffers, self._buffer_documents, self._disk_problems, self._checks):
            table.pop(key, None)
        self._links_out.pop(key, None)
        self._differ_from_disk.discard(key)
        self._coverages.pop(str(path), None)
        self._changed()

    def _read_disk(self, path: Path) -> str | None:
        """The file's text on disk; None (noting why the CLI would not check it) when it
        is not text or not there."""
        key = path_key(path)
        self._disk_problems.pop(key, None)
        try:
            return read_markdown(path, self.config.max_file_size)
        except NotText as problem:
            self._disk_problems[key] = problem
        except Unreadable:
            pass  # not saved yet: the buffer is all there is
        return None

    def text(self, path: Path) -> str | None:
        """The file's text: the open buffer's, else the disk's; None if not text."""
        key = path_key(path)
        if key in self._buffers:
            return self._buffers[key]
        try:
            return read_markdown(path, self.config.max_file_size)
        except (NotText, Unreadable):
            return None

    # -----------------------------------------------------------------------------------
    # Documents

    def document(self, path: Path) -> Document | None:
        """The file parsed once per text: the open buffer, else the file on disk."""
        key = path_key(path)
        text = self._buffers.get(key)
        if text is None:
            return self._disk_document(path, key)
        if self._problem(key, text) is not None:
            return None
        cached = self._buffer_documents.get(key)
        if cached is not None and cached[0] is text:
            return cached[1]
        document = parse_document(text, str(path))
        self._buffer_documents[key] = (text, document)
        return document

    def _disk_document(self, path: Path, key: str, parse: bool = True) -> Document | None:
        """The file on disk parsed (once per stamp); with ``parse=False``, only if it
        was parsed already."""
        stamp = file_stamp(path)
        if stamp is None:
            return None
        cached = self._disk_documents.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        if not parse:
            return None
        try:
            document: Document | None = parse_document(
                read_markdown(path, self.config.max_file_size), str(path)
            )
        except (NotText, Unreadable):
            document = None
        self._disk_documents[key] = (stamp, document)
        return document

    def _problem(self, key: str, text: str) -> NotText | None:
        """Why ``doclint check`` would check no rule on this file, as a ``NotText``."""
        if key in self._disk_problems:
            return self._disk_problems[key]
        known = self._buffer_problems.get(key)
        if known is not None and known[0] is text:  # asked again for every other chapter
            return known[1]
        problem = text_problem(text, self.config.max_file_size)
        self._buffer_problems[key] = (text, problem)
        return problem

    # -----------------------------------------------------------------------------------
    # Checking

    def buffered_project(self) -> Project:
        """The files around a document, as the open buffers show them."""
        return _BufferedProject(self.root, self)

    def check(self, path: Path) -> FileCheck:
        """Every enabled rule's findings for the file as the editor holds it; a rule that
        raises is reported to ``on_rule_error`` and the others still run."""
        key = path_key(path)
        text, problem = self._text_and_problem(path, key)
        cached = self._checks.get(key)
        if cached is not None and cached[0] == self._generation and cached[1] is text:
            return cached[2]
        prechecked = self._prechecked.get(key)
        if self._differ_from_disk or prechecked is None or prechecked.stamp != file_stamp(path):
            prechecked = self._check_now(path, problem, across_chapters=True)[0]
        result = prechecked.check
        self._links_out[key] = prechecked.links_out
        if key in self._buffers:
            self._checks[key] = (self._generation, text, result)
        return result

    def check_on_disk(self, path: Path) -> tuple[DiskCheck, AskedQuestions | None]:
        """The file's check as on disk (no buffer open), but for duplicate-question across
        chapters, which needs every chapter: the caller compares the questions handed
        back."""
        key = path_key(path)
        problem = None
        if self._disk_document(path, key) is None:  # read once, unless it is not text
            _, problem = self._text_and_problem(path, key)
        checked, document = self._check_now(path, problem, across_chapters=False)
        asked = None
        if document is not None and self._across_chapters() is not None:
            asked = asked_questions(document, self.display(path), self.config.profile)
        return checked, asked

    def adopt(self, prechecked: dict[str, DiskCheck], as_of: int) -> None:
        """Take the files' checks made on disk by ``precheck`` (by ``path_key``) when
        started at ``disk_state`` ``as_of``: unless the disk changed since."""
        if as_of == self.disk_state:
            self._prechecked = prechecked

    def _check_now(
        self, path: Path, problem: NotText | None, across_chapters: bool
    ) -> tuple[DiskCheck, Document | None]:
        """The file's check and the document it was made in (None when the file could
        not be checked)."""
        stamp = file_stamp(path)
        display = self.display(path)
        document = self.document(path) if problem is None else None
        if problem is not None or document is None:
            reason = problem or NotText("file cannot be read as text")
            finding = Finding(
                display, reason.line, reason.column, ENCODING_RULE, Severity.ERROR, reason.message
            )
            unchecked = FileCheck(path, False, (finding,), (FindingPlace(),))
            return DiskCheck(unchecked, stamp, frozenset()), None
        project = self.buffered_project()
        findings = self._lint(document, display, project)
        if across_chapters:
            findings.extend(self._asked_in_other_chapters(path, document, display))
        checked = FileCheck(path, True, tuple(findings), finding_places(document, findings))
        return DiskCheck(checked, stamp, project.files_linked_from(document, path)), document

    def _text_and_problem(self, path: Path, key: str) -> tuple[str | None, NotText | None]:
        """The text to check, or what keeps the file from being checked, as the CLI says."""
        if key in self._buffers:
            text = self._buffers[key]
            return text, self._problem(key, text)
        try:
            return read_markdown(path, self.config.max_file_size), None
        except NotText as problem:
            return None, problem
        except Unreadable as error:
            return None, NotText(f"cannot read: {error}")

    def _lint(self, document: Document, display: str, project: Project) -> list[Finding]:
        project.remember(Path(document.path), document)
        context = Context(profile=self.config.profile, project=project)
        findings: list[Finding] = []
        for rule in self._rules:
            try:
                findings.extend(lint_document(document, display, [rule], context))
            except Exception as error:  # one broken rule must not hide the others' findings
                if self.on_rule_error is not None:
                    self.on_rule_error(rule[0].id, display, error)
        findings.sort(key=Finding.sort_key)
        return findings

    def _asked_in_other_chapters(
        self, path: Path, document: Document, display: str
    ) -> list[Finding]:
        """duplicate-question across the book (``scope: book``): the questions of this
        file already asked in a chapter before it, compared as ``doclint check`` of the
        workspace compares them (chapters in the order it finds them)."""
        severity = self._across_chapters()
        if severity is None:
            return []
        profile = self.config.profile
        key = path_key(path)
        chapters = []
        for other in self.markdown_files():
            other_key, other_display = self._place(other)
            if other_key == key:
                break  # only the chapters before this one can have asked first
            other_document = self.document(other)
            if other_document is not None:
                chapters.append(asked_questions(other_document, other_display, profile))
        chapters.append(asked_questions(document, display, profile))
        return [
            finding
            for finding in duplicate_question.book_duplicates(chapters, severity)
            if finding.path == display
        ]

    def _across_chapters(self) -> Severity | None:
        return duplicate_question.wanted_across_chapters(self.config.enabled_rules())

    def _place(self, path: Path) -> tuple[str, str]:
        """A file's key and display path, worked out once: every check walks them all."""
        known = self._places.get(path)
        if known is None:
            known = self._places[path] = (path_key(path), self.display(path))
        return known

    def dependents(self, path: Path) -> list[Path]:
        """Open files (other than ``path``) whose links point into ``path``."""
        key = path_key(path)
        return [
            Path(other)
            for other, targets in self._links_out.items()
            if other != key and other in self._buffers and key in targets
        ]
