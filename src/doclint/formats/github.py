"""GitHub Actions workflow commands: ``::error file=…,line=…,col=…,title=…::message``.

GitHub shows at most 10 annotations of each kind (error, warning, notice) per step and
silently drops the rest, so the first 10 of each kind become annotations and one notice
says how many more there are and where they are listed: in this step's log (as plain
lines) and, when ``GITHUB_STEP_SUMMARY`` is set, in the job summary (``step_summary``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from doclint.core.findings import Finding, Severity
from doclint.engine.results import CheckResult
from doclint.formats.markdown import escape_text
from doclint.formats.text import finding_line, message, summary

ANNOTATIONS_PER_KIND = 10
# GitHub drops a step summary larger than 1 MiB whole; stay below it with room to spare.
STEP_SUMMARY_BYTES = 1_000_000

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """The message of a workflow command: ``%``, CR and LF would end or garble it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: ``:`` and ``,`` separate properties, so they are escaped too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, path: str) -> str:
    properties = {
        "file": path,
        "line": str(finding.line),
        "col": str(finding.column),
        "title": f"doclint {finding.rule}",
    }
    written = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{COMMANDS[finding.severity]} {written}::{escape_data(message(finding))}"


def split_annotations(findings: Sequence[Finding]) -> tuple[list[Finding], list[Finding]]:
    """The findings GitHub will show as annotations, and those it would drop.

    When some are dropped, one notice says so; it takes the place of the last notice.
    """
    counts: dict[str, int] = {}
    for finding in findings:
        kind = COMMANDS[finding.severity]
        counts[kind] = counts.get(kind, 0) + 1
    overflow = any(count > ANNOTATIONS_PER_KIND for count in counts.values())
    limits = {kind: ANNOTATIONS_PER_KIND for kind in COMMANDS.values()}
    if overflow:
        limits["notice"] -= 1
    shown: list[Finding] = []
    hidden: list[Finding] = []
    used = dict.fromkeys(limits, 0)
    for finding in findings:
        kind = COMMANDS[finding.severity]
        if used[kind] < limits[kind]:
            used[kind] += 1
            shown.append(finding)
        else:
            hidden.append(finding)
    return shown, hidden


NOUNS = {
    Severity.ERROR: ("error", "errors"),
    Severity.WARNING: ("warning", "warnings"),
    Severity.INFO: ("info", "infos"),
}


def _counted(findings: Sequence[Finding]) -> str:
    """``2 errors, 1 warning``."""
    parts = []
    for severity, (one, many) in NOUNS.items():
        count = sum(1 for finding in findings if finding.severity == severity)
        if count:
            parts.append(f"{count} {one if count == 1 else many}")
    return ", ".join(parts)


def _overflow_notice(hidden: Sequence[Finding], with_step_summary: bool) -> str:
    where = "this step's log" + (" and the job summary" if with_step_summary else "")
    count = len(hidden)
    text = (
        f"{count} more finding{'s' if count != 1 else ''} ({_counted(hidden)}) not shown as "
        f"annotations: GitHub shows at most {ANNOTATIONS_PER_KIND} errors, "
        f"{ANNOTATIONS_PER_KIND} warnings and {ANNOTATIONS_PER_KIND} notices per step. "
        f"All findings are listed in {where}; `doclint check` prints them locally."
    )
    title = f"doclint: {count} more finding{'s' if count != 1 else ''}"
    return f"::notice title={escape_property(title)}::{escape_data(text)}"


def render_check(
    result: CheckResult,
    repository_path: Callable[[str], str],
    *,
    with_step_summary: bool = False,
    quiet: bool = False,
) -> str:
    """Annotations for the first findings of each kind, a notice for the rest, and the
    rest as plain lines of the log. ``repository_path`` turns a displayed path into one
    relative to the repository root, which is where GitHub looks for the file."""
    shown, hidden = split_annotations(result.findings)
    lines = [annotation(finding, repository_path(finding.path)) for finding in shown]
    if hidden:
        lines.append(_overflow_notice(hidden, with_step_summary))
        lines += [finding_line(finding) for finding in hidden]
    if not quiet:
        lines.append(summary(result))
    return "\n".join(lines) + ("\n" if lines else "")


def step_summary(result: CheckResult, repository_path: Callable[[str], str]) -> str:
    """A markdown table of every finding, for the file ``GITHUB_STEP_SUMMARY`` names."""
    out = [f"### doclint: {summary(result)}", ""]
    if not result.findings:
        return "\n".join(out) + "\n"
    out += [
        "| File | Line | Severity | Rule | Message |",
        "|:--|--:|:--|:--|:--|",
    ]
    size = sum(len(line.encode()) + 1 for line in out)
    for index, finding in enumerate(result.findings):
        row = (
            f"| {escape_text(repository_path(finding.path))} | {finding.line}:{finding.column} "
            f"| {finding.severity} | `{finding.rule}` | {escape_text(message(finding))} |"
        )
        size += len(row.encode()) + 1
        if size > STEP_SUMMARY_BYTES - 200:
            left = len(result.findings) - index
            out += ["", f"{left} more findings not listed: a job summary holds at most 1 MiB."]
            break
        out.append(row)
    return "\n".join(out) + "\n"


def step_outputs(result: CheckResult) -> str:
    """``errors=N``, ``warnings=N`` and ``infos=N``, for the file ``GITHUB_OUTPUT`` names:
    later steps read them as ``steps.<id>.outputs.errors`` without running check again."""
    counts = {
        "errors": result.count(Severity.ERROR),
        "warnings": result.count(Severity.WARNING),
        "infos": result.count(Severity.INFO),
    }
    return "".join(f"{name}={count}\n" for name, count in counts.items())
