"""Coverage as a static HTML site: an index of books and chapters, and a page per chapter
with every question, its state and a link to its line.

As in coverage.py's ``htmlcov``, the data is prepared once here, in Python, and the Jinja2
templates in ``htmlfiles/`` only render it, with autoescaping: a question title is the
book author's text and must show as text. The site is a few local files (pages, one style
sheet, one script) that work from ``file://`` and from GitHub Pages without a request to
any other host.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doclint import __version__
from doclint.book.comparison import Comparison, FileComparison
from doclint.book.coverage import (
    ANSWERED,
    COUNTED_STATES,
    EMPTY,
    GROUP,
    MISSING,
    STUB,
    UNWRITTEN_STATES,
    CoverageReport,
    FileCoverage,
    percent,
)
from doclint.core.errors import DoclintError
from doclint.core.findings import Finding
from doclint.core.records import record
from doclint.formats.table import format_percent
from doclint.workspace.sourcelinks import SourceLinks

if TYPE_CHECKING:
    import jinja2

FILES = Path(__file__).parent / "htmlfiles"
STATIC_FILES = ("style.css", "report.js")
INSTALL_HINT = "pip install 'doclint[html]'"


def environment() -> jinja2.Environment:
    """The template environment; a clear error when Jinja2 is not installed."""
    try:
        # Delayed for start-up time: only `report --format html` needs a template engine,
        # and `doclint check` must not pay for importing one.
        import jinja2
    except ImportError:
        raise DoclintError(
            f"--format html needs Jinja2, which is not installed: {INSTALL_HINT}"
        ) from None
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(FILES),
        bytecode_cache=_template_cache(jinja2),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _template_cache(jinja2) -> jinja2.BytecodeCache | None:
    """Compiled templates, kept in doclint's cache folder: compiling them anew is a
    tenth of the time of a report on a book."""
    from doclint.core.cachedb import user_cache_dir

    folder = user_cache_dir() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only home: compile them each time
    return jinja2.FileSystemBytecodeCache(str(folder))


# ---------------------------------------------------------------------------------------
# What the templates show


@record
class Counts:
    questions: int
    answered: int
    empty: int
    stub: int
    missing: int
    coverage: float  # unrounded, for sorting and the bar
    shown: str  # rounded, as the other formats show it


@record
class Change:
    """A chapter against ``--base``: answered questions gained or lost, coverage delta."""

    answered: int
    coverage_delta: float | None  # None: the chapter had no questions at the base
    shown: str


@record
class ChapterRow:
    path: str  # as doclint shows it
    name: str  # the path from the folder that holds every chapter of the report
    page: str
    counts: Counts
    change: Change | None


@record
class BookRow:
    name: str
    chapters: tuple[ChapterRow, ...]
    counts: Counts


@record
class QuestionRow:
    number: int
    title: str
    state: str
    chars: str  # answer size, or "—" where there is no answer to measure
    chars_sort: int
    line: int
    source: str


@record
class Section:
    """The questions under one group heading (or before the first group)."""

    title: str | None
    line: int | None
    source: str | None
    questions: tuple[QuestionRow, ...]


@record
class FindingRow:
    line: int
    column: int
    severity: str
    rule: str
    message: str
    suggestion: str | None
    source: str


@record
class ChangeRow:
    kind: str
    chapter: str
    page: str | None  # None when the chapter has no questions now
    title: str
    where: str
    source: str | None  # None when the question is gone from the working tree
    note: str


@record
class BaseView:
    name: str
    commit: str
    trend: str
    before: str
    after: str


def _counts(files: Sequence[FileCoverage], precision: int) -> Counts:
    answered = sum(coverage.count(ANSWERED) for coverage in files)
    questions = sum(coverage.total for coverage in files)
    coverage = percent(answered, questions)
    return Counts(
        questions=questions,
        answered=answered,
        empty=sum(coverage.count(EMPTY) for coverage in files),
        stub=sum(coverage.count(STUB) for coverage in files),
        missing=sum(coverage.count(MISSING) for coverage in files),
        coverage=coverage,
        shown=format_percent(coverage, precision),
    )


def page_name(path: str) -> str:
    """A chapter page's file name: ASCII, stable from run to run, unique per path."""
    return f"chapter-{hashlib.sha1(path.encode('utf-8')).hexdigest()[:12]}.html"


def _change(compared: FileComparison, precision: int) -> Change:
    before = compared.before.count(ANSWERED) if compared.before is not None else 0
    after = compared.after.count(ANSWERED) if compared.after is not None else 0
    gained = after - before
    if compared.coverage_before is None or compared.coverage_after is None:
        return Change(gained, None, f"{gained:+d} answered, new")
    delta = compared.coverage_after - compared.coverage_before
    points = f"{delta:+.{precision}f}"
    return Change(gained, delta, f"{gained:+d} answered, {points} pts")


def _names_from_common_folder(paths: Sequence[str]) -> dict[str, str]:
    """Paths without the folders they all share: ``doclint report /home/me/book`` shows
    ``第一章/问题.md``, not the whole way to it, in every row."""
    folders = [posixpath.dirname(path) for path in paths]
    try:
        common = posixpath.commonpath(folders) if folders else ""
    except ValueError:  # absolute and relative paths mixed: keep them as they are
        common = ""
    return {path: posixpath.relpath(path, common) if common else path for path in paths}


def _sections(coverage: FileCoverage, links: SourceLinks, output: Path) -> tuple[Section, ...]:
    """The questions in document order, split at each group heading."""
    link = links.of_file(coverage.path, output)
    sections: list[Section] = []
    title: str | None = None
    line: int | None = None
    rows: list[QuestionRow] = []
    number = 0

    def close() -> None:
        if rows or title is not None:
            source = link(line) if line is not None else None
            sections.append(Section(title, line, source, tuple(rows)))

    for question in coverage.questions:
        if question.state == GROUP:
            close()
            title, line, rows = question.title, question.line, []
            continue
        if question.state not in COUNTED_STATES:
            continue
        number += 1
        measured = question.state != MISSING and question.chars is not None
        rows.append(
            QuestionRow(
                number=number,
                title=question.title,
                state=question.state,
                chars=f"{question.chars:,}" if measured else "—",
                chars_sort=question.chars if measured and question.chars else 0,
                line=question.line,
                source=link(question.line),
            )
        )
    close()
    return tuple(sections)


def _changes(
    comparison: Comparison, pages: Mapping[str, str], links: SourceLinks, output: Path
) -> dict[str, tuple[ChangeRow, ...]]:
    """Each changed chapter's changed questions, in the order ``comparison`` keeps."""
    found: dict[str, tuple[ChangeRow, ...]] = {}
    for compared in comparison.files:
        rows = []
        for change in compared.changes:
            where = f"{compared.path}:{change.line}"
            if change.gone:
                where += f" at {comparison.base}"
            source = None if change.gone else links.url(compared.path, change.line, output)
            rows.append(
                ChangeRow(
                    kind=change.kind,
                    chapter=compared.path,
                    page=pages.get(compared.path),
                    title=change.title,
                    where=where,
                    source=source,
                    note=change.note,
                )
            )
        found[compared.path] = tuple(rows)
    return found


def _finding_rows(
    findings: Sequence[Finding], links: SourceLinks, output: Path
) -> dict[str, list[FindingRow]]:
    by_path: dict[str, list[FindingRow]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(
            FindingRow(
                line=finding.line,
                column=finding.column,
                severity=str(finding.severity),
                rule=finding.rule,
                message=finding.message,
                suggestion=finding.suggestion,
                source=links.url(finding.path, finding.line, output),
            )
        )
    return by_path


# ---------------------------------------------------------------------------------------
# Rendering


def render_site(
    report: CoverageReport,
    comparison: Comparison | None,
    findings: Sequence[Finding] | None,
    links: SourceLinks,
    output: Path,
    precision: int = 1,
    templates: jinja2.Environment | None = None,
) -> Iterator[tuple[str, str]]:
    """Every file of the site, as (name, text): ``index.html``, a page per chapter, the
    style sheet and the script. ``output`` is the folder the site will be in, which
    relative links to the book's files start from; ``findings`` is None when ``check``
    did not run. Pages come one at a time, so that each is written while the next is
    rendered: a burst of file creations is much slower on some disks than the same
    files written between other work."""
    templates = templates or environment()
    output = output.resolve()
    pages = {coverage.path: page_name(coverage.path) for coverage in report.files}
    changes = _changes(comparison, pages, links, output) if comparison is not None else {}
    compared = {file.path: file for file in comparison.files} if comparison else {}
    by_path = _finding_rows(findings, links, output) if findings is not None else {}

    shown_names = _names_from_common_folder([coverage.path for coverage in report.files])
    chapters = [
        ChapterRow(
            path=coverage.path,
            name=shown_names[coverage.path],
            page=pages[coverage.path],
            counts=_counts([coverage], precision),
            change=_change(compared[coverage.path], precision)
            if coverage.path in compared
            else None,
        )
        for coverage in report.files
    ]
    grouped: dict[str, list[int]] = {}
    for index, coverage in enumerate(report.files):
        book = posixpath.dirname(shown_names[coverage.path])
        grouped.setdefault(book or ".", []).append(index)
    books = [
        BookRow(
            name=folder,
            chapters=tuple(chapters[index] for index in indexes),
            counts=_counts([report.files[index] for index in indexes], precision),
        )
        for folder, indexes in grouped.items()
    ]
    base = None
    if comparison is not None:
        base = BaseView(
            name=comparison.base,
            commit=comparison.commit[:12],
            trend=comparison.trend,
            before=format_percent(comparison.before.coverage, precision),
            after=format_percent(comparison.after.coverage, precision),
        )
    common: dict[str, Any] = {
        "version": __version__,
        "base": base,
        "with_findings": findings is not None,
        "states": COUNTED_STATES,
        "unwritten_states": UNWRITTEN_STATES,
    }
    yield (
        "index.html",
        templates.get_template("index.html.j2").render(
            **common,
            total=_counts(report.files, precision),
            books=books,
            chapters=chapters,
            skipped=report.skipped_files,
            changes=[row for rows in changes.values() for row in rows],
            findings_listed=sum(len(by_path.get(path, ())) for path in pages),
            # Files without questions have no page; their findings are only counted.
            findings_unlisted=sum(len(rows) for path, rows in by_path.items() if path not in pages),
        ),
    )
    chapter_template = templates.get_template("chapter.html.j2")
    for coverage, chapter in zip(report.files, chapters, strict=True):
        yield (
            chapter.page,
            chapter_template.render(
                **common,
                chapter=chapter,
                source=links.url(coverage.path, None, output),
                sections=_sections(coverage, links, output),
                changes=changes.get(coverage.path, ()),
                findings=by_path.get(coverage.path, []),
            ),
        )
    for name in STATIC_FILES:
        yield name, (FILES / name).read_text(encoding="utf-8")
    # GitHub Pages would run the site through Jekyll without this; it needs nothing built.
    yield ".nojekyll", ""
