"""Coverage as a plain-text table, aligned for CJK text in a terminal."""

from __future__ import annotations

import unicodedata

from doclint.book.comparison import Comparison
from doclint.book.coverage import CoverageReport, Totals, unwritten


def display_width(text: str) -> int:
    """Terminal columns: wide and fullwidth characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    padding = " " * max(width - display_width(text), 0)
    return padding + text if right else text + padding


def format_percent(value: float, precision: int = 1) -> str:
    """Rounded for show, except that nothing short of complete shows as 100%."""
    shown = f"{value:.{precision}f}"
    if value < 100 and float(shown) >= 100:
        shown = f"{100 - 10**-precision:.{precision}f}"
    return f"{shown}%"


def render_report(report: CoverageReport, precision: int = 1) -> str:
    headers = ("File", "Questions", "Answered", "Empty", "Stub", "Missing", "Coverage")
    rows = [
        (
            coverage.path,
            str(coverage.total),
            str(coverage.count("answered")),
            str(coverage.count("empty")),
            str(coverage.count("stub")),
            str(coverage.count("missing")),
            format_percent(coverage.coverage, precision),
        )
        for coverage in report.files
    ]
    totals: Totals = report.totals
    rows.append(
        (
            "TOTAL",
            str(totals.questions),
            str(totals.answered),
            str(totals.empty),
            str(totals.stub),
            str(totals.missing),
            format_percent(totals.coverage, precision),
        )
    )
    widths = [max(display_width(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(row: tuple[str, ...]) -> str:
        cells = [_pad(row[0], widths[0])]
        numbers = zip(row[1:], widths[1:], strict=True)
        cells += [_pad(cell, width, right=True) for cell, width in numbers]
        return "  ".join(cells).rstrip()

    out = [line(headers), "  ".join("-" * width for width in widths)]
    out += [line(row) for row in rows[:-1]]
    if rows[:-1]:
        out.append("  ".join("-" * width for width in widths))
    out.append(line(rows[-1]))
    if report.skipped_files:
        count = report.skipped_files
        out.append(f"({count} file{'s' if count != 1 else ''} without questions not shown)")
    gaps = unwritten(report.files)
    if gaps:
        out.append("")
        out.append(f"Unwritten questions ({len(gaps)}):")
        for path, question in gaps:
            out.append(f"{path}:{question.line}  {question.state:<7}  {question.title}")
    return "\n".join(out) + "\n"


def format_percent_or_dash(value: float | None, precision: int = 1) -> str:
    """A percentage, or a dash where there is none (a file that did not exist then)."""
    return format_percent(value, precision) if value is not None else "—"


def render_comparison(comparison: Comparison, precision: int = 1) -> str:
    """What changed since the base revision: per file, coverage before → after and the
    questions newly answered, emptied, removed or added; then the totals."""
    before, after = comparison.before, comparison.after
    out = [f"Compared with {comparison.base} ({comparison.commit[:12]}):"]
    if not comparison.files:
        out.append("no question changed.")
    for file in comparison.files:
        out.append(
            f"{file.path}  {format_percent_or_dash(file.coverage_before, precision)} → "
            f"{format_percent_or_dash(file.coverage_after, precision)}"
        )
        for change in file.changes:
            where = f"{file.path}:{change.line}"
            if change.gone:
                where += f" at {comparison.base}"
            note = f" ({change.note})" if change.note else ""
            out.append(f"  {change.kind:<15} {where}  {change.title}{note}")
    out.append(
        f"TOTAL  {format_percent(before.coverage, precision)} → "
        f"{format_percent(after.coverage, precision)}  "
        f"({before.answered} of {before.questions} answered → "
        f"{after.answered} of {after.questions}): coverage {comparison.trend} since "
        f"{comparison.base}"
    )
    return "\n".join(out) + "\n"
