"""What the language server asks of a workspace besides findings: fixed texts, a TOC, a
suppression comment, questions and their answers, where links lead. ``Workspace``
(``buffers.py``) has these as methods; they read only its documents and configuration."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from doclint.book import toc
from doclint.book.coverage import (
    FileCoverage,
    Question,
    answer_end,
    file_coverage,
    question_headings,
)
from doclint.core.findings import Edit, Fix
from doclint.engine.fixer import SourceText, fix_text
from doclint.model.anchors import fragment_target
from doclint.model.document import CODE, HTML, TEXT, Document, Heading, Link, is_local_target
from doclint.parsing import parse_document
from doclint.workspace.project import Project

# Called with the rule id, the file and the exception when a rule raises.
RuleErrorHandler = Callable[[str, str, BaseException], None]


def path_key(path: Path | str) -> str:
    """One spelling per file, as ``Project`` keys files."""
    return os.path.normcase(os.path.abspath(path))


@dataclass(frozen=True)
class LinkPlace:
    """A link written in a file of the workspace."""

    path: Path
    document: Document
    link: Link


class BufferViews:
    """The views of ``Workspace`` over its documents (see ``buffers.Workspace``)."""

    # -----------------------------------------------------------------------------------
    # Fixing

    def fixed_text(self, path: Path, fix: Fix | None = None) -> str | None:
        """The text with one finding's fix applied, or with every fix ``doclint fix``
        would apply; None when nothing changes."""
        text = self.text(path)
        checked = self.check(path)
        document = self.document(path) if checked.checked else None
        if text is None or document is None:
            return None
        if fix is not None:
            return _applied(text, fix)
        project = self.buffered_project()
        display = self.display(path)
        result = fix_text(
            SourceText(b"", text),
            document,
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
        return parse_document(retitled, str(path)).headings[heading.index].slug

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
