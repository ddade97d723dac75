"""Human-readable output: ``path:line:col: severity rule-id message``."""

from __future__ import annotations

from ..engine import CheckResult
from ..findings import Finding, Severity


def message(finding: Finding) -> str:
    """The message, with the suggestion when there is one."""
    if finding.suggestion:
        return f"{finding.message} (did you mean: {finding.suggestion})"
    return finding.message


def finding_line(finding: Finding) -> str:
    return (
        f"{finding.path}:{finding.line}:{finding.column}: "
        f"{finding.severity} {finding.rule} {message(finding)}"
    )


def summary(result: CheckResult) -> str:
    errors = result.count(Severity.ERROR)
    warnings = result.count(Severity.WARNING)
    files = len(result.files)
    with_findings = len({finding.path for finding in result.findings})
    if not result.findings:
        return f"No problems found in {files} file{'s' if files != 1 else ''}."
    return (
        f"Found {errors} error{'s' if errors != 1 else ''} and "
        f"{warnings} warning{'s' if warnings != 1 else ''} "
        f"in {with_findings} of {files} file{'s' if files != 1 else ''}."
    )


def render_check(result: CheckResult, quiet: bool = False) -> str:
    lines = [finding_line(finding) for finding in result.findings]
    if not quiet:
        lines.append(summary(result))
    return "\n".join(lines) + ("\n" if lines else "")
