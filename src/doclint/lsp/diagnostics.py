"""Findings as LSP diagnostics: where, how severe, which rule (with its documentation),
and the other place a finding names."""

from __future__ import annotations

from lsprotocol import types

from doclint.core.findings import Finding, Severity
from doclint.engine.buffer_views import RelatedPlaces
from doclint.engine.buffers import FileCheck
from doclint.lsp.positions import Positions
from doclint.model.document import Document, Link

SOURCE = "doclint"

# The documentation site (mkdocs, a page per rule at rules/<id>.md).
RULE_DOCS_URL = "https://doclint.readthedocs.io/rules/{rule}/"

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


class Diagnostics:
    """Makes the diagnostics of one document (its places indexed once)."""

    def __init__(self, document: Document | None, positions: Positions, uri: str) -> None:
        self.positions = positions
        self.uri = uri
        self._links: dict[tuple[int, int], Link] = {}
        self._related = RelatedPlaces(document) if document is not None else None
        for link in document.links if document is not None else ():
            self._links.setdefault((link.line, link.column), link)

    def of(self, finding: Finding) -> types.Diagnostic:
        return types.Diagnostic(
            range=self._range(finding),
            message=finding.message,
            severity=_SEVERITIES[finding.severity],
            code=finding.rule,
            code_description=types.CodeDescription(href=RULE_DOCS_URL.format(rule=finding.rule)),
            source=SOURCE,
            related_information=self._related_information(finding) or None,
        )

    def _range(self, finding: Finding) -> types.Range:
        """The link that starts at the finding (up to its closing parenthesis), else the
        rest of the finding's line."""
        positions = self.positions
        start = positions.position(finding.line, finding.column)
        link = self._links.get((finding.line, finding.column))
        span = link.target_span if link is not None else None
        if span is not None and span.line == finding.line:
            return types.Range(start, positions.position(span.line, span.column + span.length + 1))
        written = positions.line_text(finding.line).rstrip()
        end = max(len(written) + 1, finding.column + 1)
        return types.Range(start, positions.position(finding.line, end))

    def _related_information(self, finding: Finding) -> list[types.DiagnosticRelatedInformation]:
        if self._related is None:
            return []
        found = []
        if finding.rule == "duplicate-anchor":
            first = self._related.first_of_same_anchor(finding.line, finding.column)
            if first is not None:
                found.append((*first, "first defined here"))
        if finding.rule == "toc-sync":
            heading = self._related.heading_of_entry(finding.line, finding.column)
            if heading is not None:
                found.append((heading.line, heading.column, f'the heading "{heading.text}"'))
        return [
            types.DiagnosticRelatedInformation(
                location=types.Location(self.uri, self.positions.span(line, column, 0)),
                message=message,
            )
            for line, column, message in found
        ]


def diagnostics(check: FileCheck, positions: Positions, uri: str) -> list[types.Diagnostic]:
    """Every finding of a checked file, as the client shows them."""
    make = Diagnostics(check.document, positions, uri)
    return [make.of(finding) for finding in check.findings]
