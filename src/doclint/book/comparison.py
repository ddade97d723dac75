"""What changed in the answers since a git revision: coverage before and after, per file
and in total, and the questions newly answered, emptied, removed or added.

Questions are matched by anchor (what links use), then by title for those whose anchor
changed. A question whose heading was deleted while its TOC entry stayed is ``missing``
now; it is reported as removed, because its answer is gone from where readers look.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from doclint.book.coverage import (
    ANSWERED,
    MISSING,
    CoverageReport,
    FileCoverage,
    Question,
    Totals,
)
from doclint.model.anchors import fragment_target, match_key

NEWLY_ANSWERED = "newly answered"
EMPTIED = "answer emptied"
REMOVED = "removed"
ADDED = "added"
CHANGE_KINDS = (NEWLY_ANSWERED, EMPTIED, REMOVED, ADDED)


@dataclass(frozen=True)
class QuestionChange:
    kind: str  # one of CHANGE_KINDS
    title: str
    anchor: str | None
    before: Question | None  # at the revision
    after: Question | None  # in the working tree

    @property
    def heading_deleted(self) -> bool:
        """Removed by deleting its heading while the TOC still lists it."""
        return (
            self.before is not None
            and self.before.state != MISSING
            and self.after is not None
            and self.after.state == MISSING
        )

    @property
    def gone(self) -> bool:
        """Its heading is not in the working tree any more."""
        return self.after is None or self.heading_deleted

    @property
    def note(self) -> str:
        """What a reader needs besides the kind of change, or nothing."""
        if self.heading_deleted and self.after is not None:
            return f"heading deleted; the TOC entry at line {self.after.line} still lists it"
        return ""

    @property
    def line(self) -> int:
        """Where the question is now, or where it was at the revision when it is gone."""
        shown = self.before if self.gone else self.after
        assert shown is not None  # a change has a question on at least one side
        return shown.line


@dataclass(frozen=True)
class FileComparison:
    path: str
    before: FileCoverage | None  # None: the file had no questions at the revision
    after: FileCoverage | None  # None: it has none now (deleted, or emptied of questions)
    changes: tuple[QuestionChange, ...]

    @property
    def coverage_before(self) -> float | None:
        return self.before.coverage if self.before is not None else None

    @property
    def coverage_after(self) -> float | None:
        return self.after.coverage if self.after is not None else None

    def count(self, kind: str) -> int:
        return sum(1 for change in self.changes if change.kind == kind)


@dataclass(frozen=True)
class Comparison:
    base: str  # the revision as the user named it
    commit: str
    files: tuple[FileComparison, ...]  # files whose questions or coverage changed
    before: Totals
    after: Totals

    @property
    def regressed(self) -> bool:
        """Total coverage is lower than at the revision, compared exactly (not rounded)."""
        return _ratio(self.after) < _ratio(self.before)

    @property
    def trend(self) -> str:
        """``fell``, ``rose`` or ``stayed``: total coverage against the revision, exactly."""
        before, after = _ratio(self.before), _ratio(self.after)
        return "fell" if after < before else "rose" if after > before else "stayed"


def _ratio(totals: Totals) -> Fraction:
    return Fraction(totals.answered, totals.questions) if totals.questions else Fraction(1)


def _counted(coverage: FileCoverage | None) -> list[Question]:
    return list(coverage.counted) if coverage is not None else []


def _pairs(
    before: Sequence[Question], after: Sequence[Question]
) -> tuple[list[tuple[Question, Question]], list[Question], list[Question]]:
    """Matched (before, after) pairs, then the questions only before and only after."""
    pairs: list[tuple[Question, Question]] = []
    left = list(before)
    right = list(after)
    for key in (
        lambda q: fragment_target(q.anchor) if q.anchor else None,
        lambda q: match_key(q.title) or None,
    ):
        waiting: dict[str, list[Question]] = {}
        for question in right:
            name = key(question)
            if name is not None:
                waiting.setdefault(name, []).append(question)
        unmatched = []
        for question in left:
            name = key(question)
            candidates = waiting.get(name, []) if name is not None else []
            if candidates:
                partner = candidates.pop(0)
                pairs.append((question, partner))
                right.remove(partner)
            else:
                unmatched.append(question)
        left = unmatched
    return pairs, left, right


def _change(before: Question, after: Question) -> str | None:
    if before.state != ANSWERED and after.state == ANSWERED:
        return NEWLY_ANSWERED
    if after.state == MISSING and before.state != MISSING:
        return REMOVED
    if before.state == ANSWERED and after.state != ANSWERED:
        return EMPTIED
    return None


def compare_file(
    path: str, before: FileCoverage | None, after: FileCoverage | None
) -> FileComparison:
    pairs, removed, added = _pairs(_counted(before), _counted(after))
    changes = []
    for old, new in pairs:
        kind = _change(old, new)
        if kind is not None:
            changes.append(QuestionChange(kind, old.title, old.anchor, old, new))
    changes += [QuestionChange(REMOVED, q.title, q.anchor, q, None) for q in removed]
    changes += [QuestionChange(ADDED, q.title, q.anchor, None, q) for q in added]
    order = {kind: position for position, kind in enumerate(CHANGE_KINDS)}
    changes.sort(key=lambda change: (order[change.kind], change.line))
    return FileComparison(path, before, after, tuple(changes))


def compare(base: str, commit: str, before: CoverageReport, after: CoverageReport) -> Comparison:
    """Coverage at the revision (``before``) against the working tree (``after``)."""
    old = {coverage.path: coverage for coverage in before.files}
    new = {coverage.path: coverage for coverage in after.files}
    files = []
    for path in sorted(old.keys() | new.keys()):
        compared = compare_file(path, old.get(path), new.get(path))
        moved = compared.coverage_before != compared.coverage_after
        if compared.changes or moved:
            files.append(compared)
    return Comparison(base, commit, tuple(files), before.totals, after.totals)
