"""JSON output for ``check`` and ``report`` (``version: 1``; fields are added, never renamed)."""

from __future__ import annotations

import json

from doclint.book.comparison import Comparison
from doclint.book.coverage import CoverageReport, FileCoverage, Question, Totals
from doclint.core.findings import Severity
from doclint.engine.results import CheckResult

VERSION = 1


def render_check(result: CheckResult) -> str:
    findings = [
        {
            "path": finding.path,
            "line": finding.line,
            "column": finding.column,
            "rule": finding.rule,
            "severity": str(finding.severity),
            "message": finding.message,
            "suggestion": finding.suggestion,
            "fixable": finding.fix is not None,
        }
        for finding in result.findings
    ]
    document = {
        "version": VERSION,
        "findings": findings,
        "summary": {
            "files": len(result.files),
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "infos": result.count(Severity.INFO),
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _file(coverage: FileCoverage) -> dict:
    return {
        "path": coverage.path,
        "questions": coverage.total,
        "answered": coverage.count("answered"),
        "empty": coverage.count("empty"),
        "stub": coverage.count("stub"),
        "missing": coverage.count("missing"),
        "coverage": coverage.coverage,
        "items": [
            {
                "line": question.line,
                "anchor": question.anchor,
                "title": question.title,
                "state": question.state,
                "chars": question.chars,
            }
            for question in coverage.counted
        ],
    }


def _totals(totals: Totals) -> dict:
    return {
        "files": totals.files,
        "questions": totals.questions,
        "answered": totals.answered,
        "empty": totals.empty,
        "stub": totals.stub,
        "missing": totals.missing,
        "coverage": totals.coverage,
    }


def _question(question: Question | None) -> dict | None:
    if question is None:
        return None
    return {"line": question.line, "anchor": question.anchor, "state": question.state}


def _comparison(comparison: Comparison) -> dict:
    return {
        "base": comparison.base,
        "commit": comparison.commit,
        "before": _totals(comparison.before),
        "after": _totals(comparison.after),
        "regressed": comparison.regressed,
        "files": [
            {
                "path": file.path,
                "coverage_before": file.coverage_before,
                "coverage_after": file.coverage_after,
                "changes": [
                    {
                        "change": change.kind,
                        "title": change.title,
                        "before": _question(change.before),
                        "after": _question(change.after),
                    }
                    for change in file.changes
                ],
            }
            for file in comparison.files
        ],
    }


def render_report(report: CoverageReport, comparison: Comparison | None = None) -> str:
    document = {
        "version": VERSION,
        "files": [_file(coverage) for coverage in report.files],
        "total": _totals(report.totals),
    }
    if comparison is not None:
        document["comparison"] = _comparison(comparison)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
