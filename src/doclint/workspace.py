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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from . import toc
from .anchors import fragment_target
from .config import Config, RuleSettings, load_config
from .coverage import FileCoverage, Question, answer_end, file_coverage, question_headings
from .discovery import FileFilter, discover
from .document import CODE, HTML, TEXT, Document, Heading, Link, is_local_target
from .engine import lint_document
from .findings import Edit, Finding, Fix, Severity
from .fixer import SourceText, fix_text
from .project import Lookup, Project
from .reading import ENCODING_RULE, NotText, Unreadable, decode, read_markdown
from .registry import Context, RuleSpec, all_rules

# Called with the rule id, the file and the exception when a rule raises.
RuleErrorHandler = Callable[[str, str, BaseException], None]


def path_key(path: Path | str) -> str:
    """One spelling per file, as ``Project`` keys files."""
    return os.path.normcase(os.path.abspath(path))


@dataclass(frozen=True)
class FileCheck:
    """The findings of one file, and the document they were found in (None when the file
    could not be checked: not text, too large)."""

    path: Path
    document: Document | None
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class LinkPlace:
    """A link written in a file of the workspace."""

    path: Path
    document: Document
    link: Link


class _BufferedProject(Project):
    """A ``Project`` for which files open in the editor exist, saved or not."""

    def __init__(self, root: Path, workspace: Workspace) -> None:
        super().__init__(root, workspace.document)
        self._open = workspace.open_keys

    def lookup(self, path: Path) -> Lookup:
        if path_key(path) in self._open:
            return Lookup(True)
        return super().lookup(path)


class Workspace:
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
        document = Document.from_text(text, str(path))
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
            document: Document | None = Document.from_text(
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
            project = _BufferedProject(self.root, self)
            findings = self._lint(document, display, project)
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

    def dependents(self, path: Path) -> list[Path]:
        """Open files (other than ``path``) whose links point into ``path``."""
        key = path_key(path)
        return [
            Path(other)
            for other, targets in self._links_out.items()
            if other != key and other in self._buffers and key in targets
        ]

    # -----------------------------------------------------------------------------------
    # Fixing

    def fixed_text(self, path: Path, fix: Fix | None = None) -> str | None:
        """The text with one finding's fix applied, or with every fix ``doclint fix``
        would apply; None when nothing changes."""
        text = self.text(path)
        checked = self.check(path)
        if text is None or checked.document is None:
            return None
        if fix is not None:
            return _applied(text, fix)
        project = _BufferedProject(self.root, self)
        display = self.display(path)
        result = fix_text(
            SourceText(b"", text),
            checked.document,
            lambda document: self._lint(document, display, project),
            list(checked.findings),
        )
        return result.text.text if result.text.text != text else None

    def with_table_of_contents(self, path: Path, line: int) -> str | None:
        """The text with ``doclint toc``'s TOC between its markers: in place of what is
        between them, or of the file's TOC list, or else before ``line`` (1-based); None
        when nothing changes. Once the markers are there, ``doclint toc --write`` keeps
        the TOC up to date as well."""
        text = self.text(path)
        document = self.document(path)
        if text is None or document is None:
            return None
        generated = toc.generate(document, self.config.profile)
        region = toc.marked_region(document)
        if region is not None:
            edit = toc.replace_marked(document, region, generated.lines)
        else:
            block = [toc.START_MARKER, *generated.lines, toc.END_MARKER]
            first, last = _toc_list_lines(document) or (line, line - 1)
            replaced = sum(len(document.lines[number - 1]) + 1 for number in range(first, last + 1))
            written = "".join(entry + "\n" for entry in block)
            if last == len(document.lines):  # the list ends the file: no line ending after it
                replaced -= 1
                written = written[:-1]
            edit = Edit(first, 1, max(replaced, 0), written)
        return _applied(text, Fix("Write the TOC", (edit,)))

    def suppressed_text(self, path: Path, line: int, rule: str) -> str | None:
        """The text with a comment that disables ``rule`` for ``line``."""
        text = self.text(path)
        document = self.document(path)
        if text is None or document is None:
            return None
        return _applied(text, Fix(f"Disable {rule}", (suppression_edit(document, line, rule),)))

    # -----------------------------------------------------------------------------------
    # Questions and links

    def coverage(self, path: Path) -> FileCoverage | None:
        document = self.document(path)
        return self._coverage_of(document) if document is not None else None

    def _coverage_of(self, document: Document) -> FileCoverage:
        """The document's questions, measured once per parse (hovers, outline and code
        lens ask for them again and again)."""
        cached = self._coverages.get(document.path)
        if cached is not None and cached[0] is document and cached[1] is self.config:
            return cached[2]
        display = self.display(Path(document.path))
        coverage = file_coverage(document, display, self.config.profile)
        self._coverages[document.path] = (document, self.config, coverage)
        return coverage

    def questions_by_heading(self, document: Document) -> dict[int, Question]:
        """The file's questions (groups too) by the index of their heading."""
        return {
            question.heading: question
            for question in self._coverage_of(document).questions
            if question.heading is not None
        }

    def question_of(self, document: Document, heading: Heading) -> Question | None:
        return self.questions_by_heading(document).get(heading.index)

    @staticmethod
    def toc_fragment_style(document: Document) -> str:
        """A fragment as the file's TOC writes them (``user-content-``, percent-encoding),
        for ``anchors.written_like``; empty when the file has no TOC."""
        for entry in document.toc_entries:
            fragment = document.links[entry.link].fragment
            if fragment is not None:
                return fragment
        return ""

    def answer_preview(self, document: Document, heading: Heading) -> str | None:
        """The first line of the answer under ``heading`` that is content."""
        is_question = {h.index for h in question_headings(document, self.config.profile)}
        ending = answer_end(document, heading, is_question | {heading.index})
        end = ending.line - 1 if ending is not None else len(document.lines)
        for number in range(heading.end_line + 1, end + 1):
            line = document.lines[number - 1]
            kind = document.line_kinds[number - 1]
            if kind in (TEXT, CODE, HTML) and not self.config.profile.is_metadata_line(line):
                return line.strip()
        return None

    def slug_after_retitling(self, path: Path, heading: Heading, title: str) -> str | None:
        """The anchor a markdown heading would have with ``title`` as its text (slugs are
        unique per file, so the file is parsed again with the new title)."""
        text = self.text(path)
        document = self.document(path)
        if text is None or document is None or not heading_text_written(document, heading):
            return None
        edit = Edit(heading.line, heading.column, len(heading.text), title)
        retitled = _applied(text, Fix("Retitle", (edit,)))
        if retitled is None:
            return heading.slug
        return Document.from_text(retitled, str(path)).headings[heading.index].slug

    def resolve_target(self, target: str, source: Path) -> Path | None:
        """The file a relative link's target points to (``source`` itself for ``#x``)."""
        if not is_local_target(target):
            return None
        path_part = unquote(target.split("#", 1)[0].split("?", 1)[0])
        if not path_part:
            return source
        return Path(os.path.normpath(Project(self.root).resolve(path_part, source)))

    def links_into(self, path: Path, anchor: str) -> Iterator[LinkPlace]:
        """Every link in the workspace's markdown files that reaches ``anchor`` of
        ``path`` (as GitHub resolves fragments: percent-encoding, ``user-content-``)."""
        key = path_key(path)
        for file in self.markdown_files():
            document = self.document(file)
            if document is None:
                continue
            for link in document.links:
                fragment = link.fragment
                if link.kind != "link" or fragment is None:
                    continue
                if fragment_target(fragment) != anchor:
                    continue
                target = self.resolve_target(link.target, file)
                if target is not None and path_key(target) == key:
                    yield LinkPlace(file, document, link)


def _toc_list_lines(document: Document) -> tuple[int, int] | None:
    """The first and last line of the list that holds the file's (first) TOC."""
    if not document.toc_entries:
        return None
    block = document.lists[document.toc_entries[0].list_index]
    while block.parent is not None:
        block = document.lists[block.parent]
    return block.line, max(item.end_line for item in block.items)


def _applied(text: str, fix: Fix) -> str | None:
    """``text`` with ``fix`` applied by the fixer; None when it does not apply."""
    fixed, applied = SourceText(b"", text).apply([(0, fix)])
    return fixed.text if applied else None


def read_markdown_text(text: str, max_size: int) -> None:
    """Raise ``NotText`` as ``read_markdown`` would for a file holding ``text``."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > max_size:
        from .reading import human_size

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


def suppression_edit(document: Document, line: int, rule: str) -> Edit:
    """The edit that writes ``<!-- doclint-disable-next-line RULE -->`` above ``line``.

    Inside a list, the comment is indented to the content of the item before, so that it
    belongs to that item and does not split the list (a TOC must stay one list).
    """
    written = document.lines[line - 1]
    indent = written[: len(written) - len(written.lstrip())]
    for block in document.lists:
        for place, item in enumerate(block.items):
            if item.line == line and place > 0:
                indent = " " * (item.content_column - 1)
    return Edit(line, 1, 0, f"{indent}<!-- doclint-disable-next-line {rule} -->\n")


def heading_text_written(document: Document, heading: Heading) -> bool:
    """Whether the heading's text is written as is at its column (no markup in it)."""
    line = document.lines[heading.line - 1]
    return line.startswith(heading.text, heading.column - 1)


class RelatedPlaces:
    """The other place a finding names, found from where the finding is: the first
    element with a duplicate anchor, the heading a TOC entry points at. Indexed once per
    document, for files with thousands of findings."""

    def __init__(self, document: Document) -> None:
        self._document = document
        self._anchors = {(anchor.line, anchor.column): anchor for anchor in document.anchor_list}
        self._entries = {(entry.line, entry.column): entry for entry in document.toc_entries}

    def first_of_same_anchor(self, line: int, column: int) -> tuple[int, int] | None:
        anchor = self._anchors.get((line, column))
        first = self._document.anchors.get(anchor.name) if anchor is not None else None
        if first is None or first is anchor:
            return None
        return first.line, first.column

    def heading_of_entry(self, line: int, column: int) -> Heading | None:
        entry = self._entries.get((line, column))
        if entry is None or entry.heading is None:
            return None
        return self._document.headings[entry.heading]
