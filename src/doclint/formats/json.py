"""JSON output for ``check`` and ``report`` (``version: 1``; fields are added, never renamed)."""

from __future__ import annotations

import json

from ..coverage import CoverageReport, FileCoverage
from ..engine import CheckResult
from ..findings import Severity

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


def render_report(report: CoverageReport) -> str:
    totals = report.totals
    document = {
        "version": VERSION,
        "files": [_file(coverage) for coverage in report.files],
        "total": {
            "files": totals.files,
            "questions": totals.questions,
            "answered": totals.answered,
            "empty": totals.empty,
            "stub": totals.stub,
            "missing": totals.missing,
            "coverage": totals.coverage,
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
