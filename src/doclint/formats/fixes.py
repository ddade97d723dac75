"""What ``doclint fix`` did, as text: fixes per file and per rule, and what is left."""

from __future__ import annotations

from collections import Counter

from doclint.engine.results import FixResult


def _per_rule(counts: Counter[str]) -> str:
    return ", ".join(f"{rule} {count}" for rule, count in sorted(counts.items()))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def render_fix(
    result: FixResult, *, dry_run: bool = False, per_file: bool = True, left: bool = True
) -> str:
    """Lines saying what was fixed (or, for a dry run, would be), then what is left."""
    lines: list[str] = []
    changed = result.changed
    if per_file:
        verb = "would fix" if dry_run else "fixed"
        for file_fix in changed:
            count = sum(file_fix.applied.values())
            lines.append(f"{file_fix.display}: {verb} {count} ({_per_rule(file_fix.applied)})")
    for file_fix in result.files:
        if file_fix.not_rewritten and any(f.fix for f in file_fix.findings):
            lines.append(f"{file_fix.display}: not rewritten: {file_fix.not_rewritten}")
    applied = result.applied
    files = len(result.check.files)
    if applied:
        verb = "Would fix" if dry_run else "Fixed"
        lines.append(
            f"{verb} {_plural(sum(applied.values()), 'problem')} in {len(changed)} of "
            f"{_plural(files, 'file')} ({_per_rule(applied)})."
        )
    else:
        lines.append(f"Nothing to fix in {_plural(files, 'file')}.")
    remaining = Counter(finding.rule for finding in result.check.findings)
    if left and remaining:
        lines.append(
            f"Left for a person: {_plural(sum(remaining.values()), 'problem')} "
            f"({_per_rule(remaining)}); `doclint check` shows where."
        )
    return "\n".join(lines) + "\n"
