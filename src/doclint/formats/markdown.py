"""Coverage as markdown, for a pull-request comment or a job summary."""

from __future__ import annotations

from urllib.parse import quote

from ..coverage import CoverageReport, FileCoverage, unwritten
from .table import format_percent

BAR_WIDTH = 10


def progress_bar(percent: float, width: int = BAR_WIDTH) -> str:
    filled = int(percent * width / 100)
    return "█" * filled + "░" * (width - filled)


def _link(path: str, anchor: str | None = None) -> str:
    target = quote(path, safe="/._-~")
    if anchor:
        target += "#" + quote(anchor, safe="._-~")
    return target


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")


def _row(name: str, coverage_percent: float, counts: tuple[int, ...], precision: int) -> str:
    cells = [name, *(str(count) for count in counts)]
    cells.append(
        f"`{progress_bar(coverage_percent)}` {format_percent(coverage_percent, precision)}"
    )
    return "| " + " | ".join(cells) + " |"


def _counts(coverage: FileCoverage) -> tuple[int, ...]:
    return (
        coverage.total,
        coverage.count("answered"),
        coverage.count("empty"),
        coverage.count("stub"),
        coverage.count("missing"),
    )


def render_report(report: CoverageReport, precision: int = 1) -> str:
    totals = report.totals
    out = [
        f"## Question coverage: {format_percent(totals.coverage, precision)} "
        f"({totals.answered} of {totals.questions} answered)",
        "",
        "| Chapter | Questions | Answered | Empty | Stub | Missing | Coverage |",
        "|:--|--:|--:|--:|--:|--:|:--|",
    ]
    for coverage in report.files:
        name = f"[{_escape(coverage.path)}]({_link(coverage.path)})"
        out.append(_row(name, coverage.coverage, _counts(coverage), precision))
    out.append(
        _row(
            "**Total**",
            totals.coverage,
            (totals.questions, totals.answered, totals.empty, totals.stub, totals.missing),
            precision,
        )
    )
    gaps = unwritten(report.files)
    if gaps:
        out += ["", f"<details><summary>Unwritten questions ({len(gaps)})</summary>", ""]
        for path, question in gaps:
            out.append(
                f"- [{_escape(question.title)}]({_link(path, question.anchor)}) "
                f"— {question.state} (`{path}:{question.line}`)"
            )
        out += ["", "</details>"]
    return "\n".join(out) + "\n"
