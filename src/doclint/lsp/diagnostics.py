"""Findings as LSP diagnostics: where, how severe, which rule (with its documentation),
and the other place a finding names."""

from __future__ import annotations

from lsprotocol import types

from doclint.core.findings import Finding, Severity
from doclint.engine.file_checks import FileCheck, FindingPlace
from doclint.lsp.positions import Positions

SOURCE = "doclint"

# The documentation site (mkdocs, a page per rule at rules/<id>.md).
RULE_DOCS_URL = "https://doclint.readthedocs.io/rules/{rule}/"

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


class Diagnostics:
    """Makes the diagnostics of one checked document."""

    def __init__(self, positions: Positions, uri: str) -> None:
        self.positions = positions
        self.uri = uri

    def of(self, finding: Finding, place: FindingPlace) -> types.Diagnostic:
        return types.Diagnostic(
            range=self._range(finding, place),
            message=finding.message,
            severity=_SEVERITIES[finding.severity],
            code=finding.rule,
            code_description=types.CodeDescription(href=RULE_DOCS_URL.format(rule=finding.rule)),
            source=SOURCE,
            related_information=self._related_information(place) or None,
        )

    def _range(self, finding: Finding, place: FindingPlace) -> types.Range:
        """The link that starts at the finding (up to its closing parenthesis), else the
        rest of the finding's line."""
        positions = self.positions
        start = positions.position(finding.line, finding.column)
        if place.end is not None:
            return types.Range(start, positions.position(*place.end))
        written = positions.line_text(finding.line).rstrip()
        end = max(len(written) + 1, finding.column + 1)
        return types.Range(start, positions.position(finding.line, end))

    def _related_information(self, place: FindingPlace) -> list[types.DiagnosticRelatedInformation]:
        return [
            types.DiagnosticRelatedInformation(
                location=types.Location(self.uri, self.positions.span(line, column, 0)),
                message=message,
            )
            for line, column, message in place.related
        ]


def diagnostics(check: FileCheck, positions: Positions, uri: str) -> list[types.Diagnostic]:
    """Every finding of a checked file, as the client shows them."""
    make = Diagnostics(positions, uri)
    return [
        make.of(finding, place) for finding, place in zip(check.findings, check.places, strict=True)
    ]
