"""Human-readable output: ``path:line:col: severity rule-id message``, grouped by file.

Colour only on a terminal (the CLI decides); the ``path:line:col`` prefix stays whole on
every line so that editors and terminals can jump to it.
"""

from __future__ import annotations

from collections import Counter

import click

from doclint.core.findings import Finding, Severity
from doclint.engine.results import CheckResult

_SEVERITY_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def message(finding: Finding) -> str:
    """The message, with the suggestion when there is one."""
    if finding.suggestion:
        return f"{finding.message} (did you mean: {finding.suggestion})"
    return finding.message


def finding_line(finding: Finding, colour: bool = False) -> str:
    where = f"{finding.path}:{finding.line}:{finding.column}:"
    severity = str(finding.severity)
    if not colour:
        return f"{where} {severity} {finding.rule} {message(finding)}"
    text = finding.message
    if finding.suggestion:
        text += " (did you mean: " + click.style(finding.suggestion, fg="green") + ")"
    return (
        f"{click.style(where, bold=True)} "
        f"{click.style(severity, fg=_SEVERITY_COLOURS[finding.severity], bold=True)} "
        f"{click.style(finding.rule, fg='cyan')} {text}"
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(result: CheckResult) -> str:
    files = len(result.files)
    if not result.findings:
        return f"No problems found in {_plural(files, 'file')}."
    with_findings = len({finding.path for finding in result.findings})
    infos = result.count(Severity.INFO)
    return (
        f"Found {_plural(result.count(Severity.ERROR), 'error')} and "
        f"{_plural(result.count(Severity.WARNING), 'warning')}"
        + (f" ({_plural(infos, 'note')})" if infos else "")
        + f" in {with_findings} of {_plural(files, 'file')}."
    )


def rule_counts(result: CheckResult, colour: bool = False) -> list[str]:
    """One line per rule, most frequent first: how many findings and their severity."""
    counts = Counter((finding.rule, finding.severity) for finding in result.findings)
    width = max((len(rule) for rule, _ in counts), default=0)
    lines = []
    for (rule, severity), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        name = click.style(rule.ljust(width), fg="cyan") if colour else rule.ljust(width)
        lines.append(f"{count:6d}  {name}  {severity}")
    return lines


def fix_hint(result: CheckResult) -> str | None:
    fixable = sum(1 for finding in result.findings if finding.fix is not None)
    if not fixable:
        return None
    return f"{_plural(fixable, 'finding')} can be fixed automatically: run `doclint fix`."


def render_check(result: CheckResult, quiet: bool = False, colour: bool = False) -> str:
    lines: list[str] = []
    previous_path = None
    for finding in result.findings:
        if not quiet and previous_path is not None and finding.path != previous_path:
            lines.append("")
        previous_path = finding.path
        lines.append(finding_line(finding, colour))
    if not quiet:
        if result.findings:
            lines.append("")
            lines.extend(rule_counts(result, colour))
        lines.append(summary(result))
        hint = fix_hint(result)
        if hint:
            lines.append(hint)
    return "\n".join(lines) + ("\n" if lines else "")
