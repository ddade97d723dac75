"""What a run of the engine returns: findings, coverage, fixes, a TOC."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from doclint.book.coverage import CoverageReport
from doclint.core.findings import Finding, Severity
from doclint.core.records import record
from doclint.engine.discovery import FileError

if TYPE_CHECKING:
    from doclint.engine.fixer import FileFix
    from doclint.model.document import Heading


@dataclass
class CheckResult:
    """What ``check`` found: the files, their findings and the files it could not read."""

    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # for stderr, e.g. a rebuilt link cache
    # The files whose findings the result cache gave, without checking them again.
    from_cache: list[str] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity)

    def failed(self, fail_on: Severity) -> bool:
        return any(finding.severity >= fail_on for finding in self.findings)


@dataclass
class ReportResult:
    """What ``report`` measured, and the files it could not read."""

    coverage: CoverageReport
    errors: list[FileError] = field(default_factory=list)


@dataclass
class FixResult:
    """What ``fix`` did: each file's fixes, and what is left, as a check would report it."""

    check: CheckResult
    files: list[FileFix] = field(default_factory=list)
    written: bool = True  # False: a dry run, the files on disk are as they were

    def failed(self, fail_on: Severity) -> bool:
        """Whether the files on disk, once this is done, have findings that fail."""
        if self.written:
            return self.check.failed(fail_on)
        before = (f for file_fix in self.files for f in file_fix.findings_before)
        return any(finding.severity >= fail_on for finding in before)

    @property
    def applied(self) -> Counter[str]:
        """Fixes by rule id, over every file."""
        total: Counter[str] = Counter()
        for file_fix in self.files:
            total.update(file_fix.applied)
        return total

    @property
    def changed(self) -> list[FileFix]:
        return [file_fix for file_fix in self.files if file_fix.changed]


@record
class TocResult:
    """A table of contents generated for a file."""

    lines: tuple[str, ...]  # the generated TOC
    unlinked: tuple[Heading, ...]  # questions no link reaches alone, left out
    written: bool = False  # whether the file was rewritten (it differed)
