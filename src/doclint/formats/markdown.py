"""Coverage as markdown, for a pull-request comment or a job summary.

A table of books (the folders that hold chapters) when there are several, a table of
chapters per book with a progress bar per row, and the unwritten questions as links to
their anchors, grouped by chapter.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from urllib.parse import quote

from doclint.book.comparison import CHANGE_KINDS, Comparison
from doclint.book.coverage import (
    ANSWERED,
    EMPTY,
    MISSING,
    STUB,
    CoverageReport,
    FileCoverage,
    percent,
    unwritten,
)
from doclint.formats.table import format_percent, format_percent_or_dash

BAR_WIDTH = 10

COLUMNS = ("Questions", "Answered", "Empty", "Stub", "Missing", "Coverage")


def progress_bar(percent: float, width: int = BAR_WIDTH) -> str:
    """``████████░░``: a cell is filled only when reached, so 99% never looks complete."""
    filled = int(percent * width / 100)
    return "█" * filled + "░" * (width - filled)


def link_target(path: str, anchor: str | None = None) -> str:
    target = quote(path, safe="/._-~")
    if anchor:
        target += "#" + quote(anchor, safe="._-~")
    return target


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|<>#!~&])")


def escape_text(text: str) -> str:
    """Text that shows as written inside a table cell or a link: markdown and HTML
    punctuation is backslash-escaped, line breaks become spaces."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(text.splitlines()))


def code(text: str) -> str:
    """A code span; a backtick inside would end it early."""
    return "`" + " ".join(text.replace("`", "'").splitlines()) + "`"


def _counts(files: Sequence[FileCoverage]) -> tuple[int, int, int, int, int]:
    return (
        sum(coverage.total for coverage in files),
        sum(coverage.count(ANSWERED) for coverage in files),
        sum(coverage.count(EMPTY) for coverage in files),
        sum(coverage.count(STUB) for coverage in files),
        sum(coverage.count(MISSING) for coverage in files),
    )


def _row(name: str, counts: tuple[int, ...], precision: int, extra: Sequence[str] = ()) -> str:
    coverage = percent(counts[1], counts[0])
    cells = [name, *extra, *(str(count) for count in counts)]
    cells.append(f"`{progress_bar(coverage)}` {format_percent(coverage, precision)}")
    return "| " + " | ".join(cells) + " |"


def _table(first: str, extra: Sequence[str] = ()) -> list[str]:
    headers = (first, *extra, *COLUMNS)
    alignment = [":--", *("--:" for _ in headers[1:-1]), ":--"]
    return ["| " + " | ".join(headers) + " |", "|" + "|".join(alignment) + "|"]


def books(report: CoverageReport) -> dict[str, list[FileCoverage]]:
    """Chapters grouped by the folder that holds them, in the order of the report."""
    grouped: dict[str, list[FileCoverage]] = {}
    for coverage in report.files:
        grouped.setdefault(posixpath.dirname(coverage.path) or ".", []).append(coverage)
    return grouped


def _book_name(folder: str) -> str:
    return "(top folder)" if folder == "." else folder


def _chapters_table(chapters: Sequence[FileCoverage], total_name: str, precision: int) -> list[str]:
    out = _table("Chapter")
    for coverage in chapters:
        name = f"[{escape_text(posixpath.basename(coverage.path))}]({link_target(coverage.path)})"
        out.append(_row(name, _counts([coverage]), precision))
    out.append(_row(f"**{escape_text(total_name)}**", _counts(chapters), precision))
    return out


def _unwritten(report: CoverageReport) -> list[str]:
    gaps = unwritten(report.files)
    if not gaps:
        return []
    out = ["", f"<details><summary>Unwritten questions ({len(gaps)})</summary>"]
    chapter = None
    for path, question in gaps:
        if path != chapter:
            chapter = path
            out += ["", f"**[{escape_text(path)}]({link_target(path)})**", ""]
        out.append(
            f"- [{escape_text(question.title)}]({link_target(path, question.anchor)}) "
            f"— {question.state}, line {question.line}"
        )
    out += ["", "</details>"]
    return out


def render_report(report: CoverageReport, precision: int = 1) -> str:
    totals = report.totals
    out = [
        f"## Question coverage: {format_percent(totals.coverage, precision)} "
        f"({totals.answered} of {totals.questions} answered)",
        "",
    ]
    grouped = books(report)
    if len(grouped) <= 1:
        out += _chapters_table(report.files, "Total", precision)
    else:
        out += _table("Book", ("Chapters",))
        for folder, chapters in grouped.items():
            name = f"[{escape_text(_book_name(folder))}]({link_target(folder)})"
            out.append(_row(name, _counts(chapters), precision, (str(len(chapters)),)))
        out.append(_row("**Total**", _counts(report.files), precision, (str(len(report.files)),)))
        for folder, chapters in grouped.items():
            counts = _counts(chapters)
            out += [
                "",
                f"### {escape_text(_book_name(folder))}: "
                f"{format_percent(percent(counts[1], counts[0]), precision)} "
                f"({counts[1]} of {counts[0]} answered)",
                "",
            ]
            out += _chapters_table(chapters, f"{_book_name(folder)} total", precision)
    if report.skipped_files:
        skipped = report.skipped_files
        out += ["", f"{skipped} file{'s' if skipped != 1 else ''} without questions not shown."]
    out += _unwritten(report)
    return "\n".join(out) + "\n"


def render_comparison(comparison: Comparison, precision: int = 1) -> str:
    """Changes since the base revision: a row per changed chapter, then each change."""
    before, after = comparison.before, comparison.after
    out = [
        f"### Since {code(comparison.base)}: coverage {comparison.trend} "
        f"({format_percent(before.coverage, precision)} → "
        f"{format_percent(after.coverage, precision)})",
        "",
    ]
    if not comparison.files:
        return "\n".join([*out, "No question changed.", ""])
    out += [
        "| Chapter | Before | After | Newly answered | Emptied | Removed | Added |",
        "|:--|--:|--:|--:|--:|--:|--:|",
    ]
    for file in comparison.files:
        counts = " | ".join(str(file.count(kind)) for kind in CHANGE_KINDS)
        out.append(
            f"| [{escape_text(file.path)}]({link_target(file.path)}) "
            f"| {format_percent_or_dash(file.coverage_before, precision)} "
            f"| {format_percent_or_dash(file.coverage_after, precision)} | {counts} |"
        )
    out.append("")
    for file in comparison.files:
        for change in file.changes:
            title = escape_text(change.title)
            if not change.gone and change.after is not None:
                title = f"[{title}]({link_target(file.path, change.after.anchor)})"
            where = code(f"{file.path}:{change.line}")
            if change.gone:
                where += f" at {code(comparison.base)}"
            note = f" ({escape_text(change.note)})" if change.note else ""
            out.append(f"- **{change.kind}**: {title}{note} — {where}")
    return "\n".join(out) + "\n"
