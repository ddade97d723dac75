"""What a check produces: findings, their severity, and the edits that fix them."""

from __future__ import annotations

import enum
from dataclasses import field

from doclint.core.records import record


class Severity(enum.IntEnum):
    """Ordered so that ``severity >= fail_on`` decides whether a finding fails a run."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, name: str) -> Severity:
        return cls[name.upper()]

    @classmethod
    def names(cls) -> list[str]:
        return [str(member) for member in cls]


@record
class Edit:
    """Replace ``delete`` characters at 1-based ``line``/``column`` with ``insert``."""

    line: int
    column: int
    delete: int
    insert: str


@record
class Fix:
    """The edits that together repair one finding, and a title saying what they do."""

    title: str
    edits: tuple[Edit, ...]


@record
class Finding:
    """One problem at one place. ``suggestion`` is the likely replacement, when known."""

    path: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    suggestion: str | None = None
    fix: Fix | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule)


@record
class Violation:
    """What a rule reports: where and what. The engine adds path, rule id and severity."""

    line: int
    column: int
    message: str
    suggestion: str | None = None
    fix: Fix | None = None
