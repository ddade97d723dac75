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
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from doclint.book.coverage import (
    FileCoverage,
)
from doclint.config.loading import Config, RuleSettings, load_config
from doclint.core.findings import Finding, Severity
from doclint.engine.buffer_views import BufferViews, path_key
from doclint.engine.discovery import FileFilter, discover
from doclint.engine.fixer import SourceText
from doclint.engine.linting import asked_questions, lint_document
from doclint.model.document import Document, is_local_target
from doclint.parsing import parse_document
from doclint.rules import duplicate_question
from doclint.rules.registry import all_rules
from doclint.rules.spec import Context, RuleSpec
from doclint.text.reading import ENCODING_RULE, NotText, Unreadable, decode, read_markdown
from doclint.workspace.project import Lookup, Project

# Called with the rule id, the file and the exception when a rule raises.
RuleErrorHandler = Callable[[str, str, BaseException], None]


@dataclass(frozen=True)
class FileCheck:
    """The findings of one file, and the document they were found in (None when the file
    could not be checked: not text, too large)."""

    path: Path
    document: Document | None
    findings: tuple[Finding, ...]


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
        self._on_rule_error = on_rule_error
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
        self._changed()

    def _changed(self) -> None:
        self._generation += 1

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
        self._changed()

    # -----------------------------------------------------------------------------------
    # Buffers

    def open(self, path: Path, text: str) -> bool:
        """An editor opened the file; whether its text differs from the disk's (then the
        files that link into it must be checked again)."""
        key = path_key(path)
        self._buffers[key] = text
        self._read_disk_problem(path)
        on_disk = self._disk_document(path, key)
        same = on_disk is not None and SourceText(b"", text).is_text_of(on_disk)
        if on_disk is not None and same:
            self._buffer_documents[key] = (text, on_disk)  # parsed already, for a link
        self._changed()
        return not same

    def update(self, path: Path, text: str) -> None:
        self._buffers[path_key(path)] = text
        self._changed()

    def saved(self, path: Path) -> None:
        """The editor wrote the buffer to disk (perhaps as a new file)."""
        key = path_key(path)
        self._read_disk_problem(path)
        self._disk_documents.pop(key, None)
        known = self._markdown_files or []
        if not any(path_key(file) == key for file in known):
            self._markdown_files = None  # a new file: find the files again when asked
        self._changed()

    def close(self, path: Path) -> None:
        key = path_key(path)
        for table in (self._buffers, self._buffer_documents, self._disk_problems, self._checks):
            table.pop(key, None)
        self._links_out.pop(key, None)
        self._coverages.pop(str(path), None)
        self._changed()

    def _read_disk_problem(self, path: Path) -> None:
        key = path_key(path)
        self._disk_problems.pop(key, None)
        try:
            read_markdown(path, self.config.max_file_size)
        except NotText as problem:
            self._disk_problems[key] = problem
        except Unreadable:
            pass  # not saved yet: the buffer is all there is

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

    def _disk_document(self, path: Path, key: str) -> Document | None:
        try:
            status = os.stat(path)
        except OSError:
            return None
        stamp = (status.st_mtime_ns, status.st_size)
        cached = self._disk_documents.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
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
        problem = self._buffer_problem(text)
        self._buffer_problems[key] = (text, problem)
        return problem

    def _buffer_problem(self, text: str) -> NotText | None:
        try:
            size = len(text) if text.isascii() else len(text.encode("utf-8"))
        except UnicodeEncodeError:  # lone surrogates: the bytes of no UTF-8 file
            size = -1
        if "\0" in text or size < 0 or size > self.config.max_file_size:
            try:
                read_markdown_text(text, self.config.max_file_size)
            except NotText as problem:
                return problem
        return None

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
        display = self.display(path)
        document = self.document(path) if problem is None else None
        if problem is not None or document is None:
            reason = problem or NotText("file cannot be read as text")
            finding = Finding(
                display, reason.line, reason.column, ENCODING_RULE, Severity.ERROR, reason.message
            )
            result = FileCheck(path, None, (finding,))
        else:
            project = self.buffered_project()
            findings = self._lint(document, display, project)
            findings.extend(self._asked_in_other_chapters(path, document, display))
            self._links_out[key] = _link_targets(document, path, project)
            result = FileCheck(path, document, tuple(findings))
        if key in self._buffers:
            self._checks[key] = (self._generation, text, result)
        return result

    def check_text(self, path: Path, text: str) -> FileCheck:
        """Check ``text`` as the content of ``path``, held as an open buffer from now on."""
        if path_key(path) in self._buffers:
            self.update(path, text)
        else:
            self.open(path, text)
        return self.check(path)

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
                if self._on_rule_error is not None:
                    self._on_rule_error(rule[0].id, display, error)
        findings.sort(key=Finding.sort_key)
        return findings

    def _asked_in_other_chapters(
        self, path: Path, document: Document, display: str
    ) -> list[Finding]:
        """duplicate-question across the book (``scope: book``): the questions of this
        file already asked in a chapter before it, compared as ``doclint check`` of the
        workspace compares them (chapters in the order it finds them)."""
        severity = duplicate_question.wanted_across_chapters(self.config.enabled_rules())
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


def read_markdown_text(text: str, max_size: int) -> None:
    """Raise ``NotText`` as ``read_markdown`` would for a file holding ``text``."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > max_size:
        from doclint.text.reading import human_size

        raise NotText(f"file is larger than {human_size(max_size)} (max-file-size); not checked")
    decode(data)


def _link_targets(document: Document, path: Path, project: Project) -> frozenset[str]:
    """The files the document's relative links point into."""
    targets = set()
    for link in document.links:
        if link.kind != "link" or link.is_in_page or not is_local_target(link.target):
            continue
        path_part = unquote(link.target.split("#", 1)[0].split("?", 1)[0])
        if path_part:
            targets.add(path_key(project.resolve(path_part, path)))
    return frozenset(targets)
