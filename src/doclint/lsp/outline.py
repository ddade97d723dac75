"""What a chapter holds: hovers on links and questions, the questions as an outline, and
the chapter's coverage above its TOC. Questions and their states are ``coverage``'s."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from doclint.book.coverage import ANSWERED, GROUP, MISSING, FileCoverage, Question
from doclint.lsp.files import OpenFile
from doclint.lsp.navigation import link_at, target_of_link
from doclint.model.document import Document, Heading


def _question_summary(question: Question | None) -> str:
    if question is None:
        return "not a question"
    if question.state == GROUP:
        return "group of questions"
    if question.chars is None or question.state == MISSING:
        return question.state
    return f"{question.state} · {question.chars} characters"


def hover(file: OpenFile, params: types.HoverParams) -> types.Hover | None:
    document = file.document
    if document is None:
        return None
    line, column = file.place(params.position)
    link = link_at(document, line, column)
    if link is not None:
        target = target_of_link(file, link)
        if target is not None and target.heading is not None:
            text = _heading_card(file, target.document, target.heading, preview=True)
        else:
            path = file.book.resolve_target(link.target, file.path)
            if link.fragment is not None or path is None or path == file.path:
                return None
            text = _chapter_card(file, path)
            if text is None:
                return None
    else:
        heading = next((h for h in document.headings if h.line <= line <= h.end_line), None)
        question = file.book.question_of(document, heading) if heading is not None else None
        if heading is None or question is None:
            return None
        text = _heading_card(file, document, heading, preview=False)
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
    )


def _heading_card(file: OpenFile, document: Document, heading: Heading, preview: bool) -> str:
    question = file.book.question_of(document, heading)
    lines = [f"**{heading.text}**", "", _question_summary(question)]
    first = file.book.answer_preview(document, heading) if preview else None
    if first:
        lines += ["", f"> {first}"]
    return "\n".join(lines)


def _chapter_card(file: OpenFile, path: Path) -> str | None:
    """A linked chapter: its title and how much of it is answered."""
    document = file.book.document(path)
    coverage = file.book.coverage(path)
    if document is None or coverage is None:
        return None
    title = document.headings[0].text if document.headings else path.name
    lines = [f"**{title}**"]
    if coverage.total:
        lines += ["", _coverage_line(coverage)]
    return "\n".join(lines)


def _coverage_line(coverage: FileCoverage) -> str:
    return (
        f"{coverage.total} questions · {coverage.count(ANSWERED)} answered · "
        f"{coverage.coverage:.1f}%"
    )


def symbols(
    file: OpenFile, params: types.DocumentSymbolParams
) -> list[types.DocumentSymbol] | None:
    document = file.document
    coverage = file.book.coverage(file.path)
    if document is None or coverage is None:
        return None
    roots: list[types.DocumentSymbol] = []
    by_line: dict[int, types.DocumentSymbol] = {}  # the symbol of each question, by line
    for question in coverage.questions:  # a group comes before the questions it holds
        place = file.positions.line_range(question.line)
        symbol = types.DocumentSymbol(
            name=question.title or "(untitled)",
            detail=_question_summary(question),
            kind=types.SymbolKind.Namespace if question.state == GROUP else types.SymbolKind.String,
            range=place,
            selection_range=place,
            children=[],
        )
        holder = by_line.get(question.parent) if question.parent is not None else None
        (holder.children if holder is not None else roots).append(symbol)  # type: ignore[union-attr]
        by_line[question.line] = symbol
    return roots


def code_lenses(file: OpenFile, params: types.CodeLensParams) -> list[types.CodeLens] | None:
    document = file.document
    coverage = file.book.coverage(file.path)
    if document is None or coverage is None or not coverage.questions:
        return None
    title = _coverage_line(coverage)
    return [
        types.CodeLens(
            range=file.positions.line_range(_toc_heading_line(document)),
            command=types.Command(title=title, command=""),
        )
    ]


def _toc_heading_line(document: Document) -> int:
    """The line of the heading above the TOC (the first line when there is none)."""
    if not document.toc_entries:
        return 1
    first_entry = document.toc_entries[0].line
    above = [heading.line for heading in document.headings if heading.line < first_entry]
    return above[-1] if above else first_entry
