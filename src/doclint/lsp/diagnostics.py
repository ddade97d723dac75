"""Findings as LSP diagnostics: where, how severe, which rule (with its documentation),
and the other place a finding names."""

from __future__ import annotations

from lsprotocol import types

from ..document import Document
from ..findings import Finding, Severity
from ..workspace import FileCheck, first_of_same_anchor, heading_of_entry
from .positions import Positions

SOURCE = "doclint"

# The documentation site (mkdocs, a page per rule at rules/<id>.md).
RULE_DOCS_URL = "https://doclint.readthedocs.io/rules/{rule}/"

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def finding_range(finding: Finding, document: Document | None, positions: Positions) -> types.Range:
    """The finding's place: the link that starts there (up to its closing parenthesis),
    else the rest of its line."""
    if document is not None:
        for link in document.links:
            if (link.line, link.column) == (finding.line, finding.column) and link.target_span:
                span = link.target_span
                if span.line == link.line:
                    return types.Range(
                        positions.position(finding.line, finding.column),
                        positions.position(span.line, span.column + span.length + 1),
                    )
    written = positions.line_text(finding.line).rstrip()
    end = max(len(written) + 1, finding.column + 1)
    return types.Range(
        positions.position(finding.line, finding.column), positions.position(finding.line, end)
    )


def diagnostics(check: FileCheck, positions: Positions, uri: str) -> list[types.Diagnostic]:
    """Every finding of a checked file, as the client shows them."""
    return [to_diagnostic(finding, check.document, positions, uri) for finding in check.findings]


def to_diagnostic(
    finding: Finding, document: Document | None, positions: Positions, uri: str
) -> types.Diagnostic:
    return types.Diagnostic(
        range=finding_range(finding, document, positions),
        message=finding.message,
        severity=_SEVERITIES[finding.severity],
        code=finding.rule,
        code_description=types.CodeDescription(href=RULE_DOCS_URL.format(rule=finding.rule)),
        source=SOURCE,
        related_information=_related(finding, document, positions, uri) or None,
    )


def _related(
    finding: Finding, document: Document | None, positions: Positions, uri: str
) -> list[types.DiagnosticRelatedInformation]:
    if document is None:
        return []
    found = []
    first = first_of_same_anchor(document, finding.line, finding.column)
    if finding.rule == "duplicate-anchor" and first is not None:
        line, column = first
        found.append((line, column, "first defined here"))
    heading = heading_of_entry(document, finding.line, finding.column)
    if finding.rule == "toc-sync" and heading is not None:
        found.append((heading.line, heading.column, f'the heading "{heading.text}"'))
    return [
        types.DiagnosticRelatedInformation(
            location=types.Location(uri, positions.span(line, column, 0)), message=message
        )
        for line, column, message in found
    ]


def same_place(diagnostic: types.Diagnostic, finding: Finding, positions: Positions) -> bool:
    """Whether a diagnostic the client sends back is the one made from ``finding``."""
    start = positions.position(finding.line, finding.column)
    return diagnostic.code == finding.rule and diagnostic.range.start == start
