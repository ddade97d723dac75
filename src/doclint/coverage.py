"""Questions, the state of their answers, and coverage per file and in total.

A question is a heading that a TOC entry of the same file points to (or, in a file without
a TOC, a heading that matches the profile's question patterns). A TOC entry whose fragment
reaches nothing counts as the heading it evidently meant, or else as a ``missing`` question.
Its answer is everything under the heading up to the next heading of the same or a higher
level; blank lines, comments, rules and the profile's metadata lines are not content.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from .config import Profile
from .document import BLANK, CODE, FRONT_MATTER, HEADING, MARKUP, Document, Heading
from .records import record

ANSWERED = "answered"
EMPTY = "empty"
STUB = "stub"
MISSING = "missing"
GROUP = "group"
COUNTED_STATES = (ANSWERED, EMPTY, STUB, MISSING)
UNWRITTEN_STATES = (EMPTY, STUB, MISSING)

_INLINE_COMMENT = re.compile(r"<!--.*?-->")


@record
class Question:
    """A question of a file, where it is and the state of its answer."""

    line: int
    column: int
    anchor: str | None
    title: str
    state: str
    chars: int | None  # characters of the answer; None where they were not counted
    heading: int | None  # index in Document.headings; None for a missing question
    placeholder: str | None = None  # the placeholder text of a stub


@record
class FileCoverage:
    """The questions of one file."""

    path: str
    questions: tuple[Question, ...]

    def count(self, state: str) -> int:
        return sum(1 for question in self.questions if question.state == state)

    @property
    def counted(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.state in COUNTED_STATES)

    @property
    def total(self) -> int:
        return len(self.counted)

    @property
    def coverage(self) -> float:
        return percent(self.count(ANSWERED), self.total)


@record
class Totals:
    """Counts of files and of questions in each state."""

    files: int
    questions: int
    answered: int
    empty: int
    stub: int
    missing: int

    @property
    def coverage(self) -> float:
        return percent(self.answered, self.questions)


@dataclass
class CoverageReport:
    """The questions of every file measured."""

    files: list[FileCoverage] = field(default_factory=list)
    skipped_files: int = 0  # files read that hold no question

    @property
    def totals(self) -> Totals:
        return Totals(
            files=len(self.files),
            questions=sum(f.total for f in self.files),
            answered=sum(f.count(ANSWERED) for f in self.files),
            empty=sum(f.count(EMPTY) for f in self.files),
            stub=sum(f.count(STUB) for f in self.files),
            missing=sum(f.count(MISSING) for f in self.files),
        )


def percent(part: int, whole: int) -> float:
    """Unrounded percentage; a file without questions is complete, as in coverage.py."""
    return 100.0 * part / whole if whole else 100.0


# ---------------------------------------------------------------------------------------


def question_headings(doc: Document, profile: Profile) -> list[Heading]:
    """Headings that are questions, in document order."""
    entries = doc.toc_entries
    if entries:
        indexes = sorted({entry.heading for entry in entries if entry.heading is not None})
        return [doc.headings[index] for index in indexes]
    return [heading for heading in doc.headings if profile.is_question_title(heading.text)]


def questions(doc: Document, profile: Profile, measure: bool = True) -> list[Question]:
    """Every question of the file with its state, in document order; ``missing`` ones
    (TOC entries that reach no heading) at the line of their TOC entry. Without
    ``measure`` an answer is read only as far as its state needs, and ``chars`` is None."""
    headings = question_headings(doc, profile)
    is_question = {heading.index for heading in headings}
    groups = {entry.heading for entry in doc.toc_entries if entry.group}
    found: list[Question] = []
    for heading in headings:
        question = _question_state(doc, profile, heading, is_question, measure)
        if heading.index in groups:
            question = replace(question, state=GROUP)
        found.append(question)
    seen_missing: set[str] = set()
    for entry in doc.toc_entries:
        if entry.heading is not None or entry.group:
            continue
        target = doc.links[entry.link].target.lstrip("#")
        if target in seen_missing:
            continue
        seen_missing.add(target)
        found.append(
            Question(
                line=entry.line,
                column=entry.column,
                anchor=target,
                title=entry.text,
                state=MISSING,
                chars=0,
                heading=None,
            )
        )
    found.sort(key=lambda question: (question.line, question.column))
    return found


def answer_end(doc: Document, heading: Heading, is_question: set[int]) -> Heading | None:
    """The heading that ends a question's answer: the next question, or the next heading
    of a higher level, or of the same level and written the same way.

    Books that write questions as HTML headings use markdown headings of the same level
    to structure an answer (``<h3 id=…>问题</h3>`` then ``### 原理``); those belong to it.
    """
    is_html = heading.kind == "html"
    for index in range(heading.index + 1, len(doc.headings)):
        later = doc.headings[index]
        if index in is_question or later.level < heading.level:
            return later
        if later.level == heading.level and (later.kind == "html") == is_html:
            return later
    return None


def _question_state(
    doc: Document, profile: Profile, heading: Heading, is_question: set[int], measure: bool
) -> Question:
    ending = answer_end(doc, heading, is_question)
    end = ending.line - 1 if ending is not None else len(doc.lines)
    # A question whose answer runs into a deeper question is a group of questions.
    has_sub_questions = ending is not None and ending.level > heading.level
    chars, placeholder, has_content = _content(doc, profile, heading.end_line, end, measure)
    if not has_content:
        state = GROUP if has_sub_questions else (STUB if placeholder else EMPTY)
    else:
        state = ANSWERED
    return Question(
        line=heading.line,
        column=heading.column,
        anchor=heading.anchor,
        title=heading.text,
        state=state,
        chars=chars,
        heading=heading.index,
        placeholder=placeholder if state == STUB else None,
    )


_NOT_CONTENT = frozenset({BLANK, MARKUP, HEADING, FRONT_MATTER})


_HAS_WORD = re.compile(r"[^\W_]")


def _content(
    doc: Document, profile: Profile, start: int, end: int, measure: bool
) -> tuple[int | None, str | None, bool]:
    """Characters of content in lines ``start+1 .. end`` (1-based, inclusive), or None
    without ``measure``; the first placeholder seen; and whether anything besides
    placeholders is there (without ``measure``, known at the first such line)."""
    chars = 0
    placeholder: str | None = None
    has_content = False
    kinds = doc.line_kinds
    for index in range(start, min(end, len(doc.lines))):
        if has_content and not measure:
            break
        kind = kinds[index]
        if kind in _NOT_CONTENT:
            continue
        line = doc.lines[index]
        if kind == CODE:
            chars += _visible_length(line)
            has_content = True
            continue
        if profile.is_metadata_line(line):
            continue
        text = _INLINE_COMMENT.sub("", line) if "<!--" in line else line
        if has_content:
            chars += _visible_length(text)
            continue
        remaining, had_placeholder = profile.strip_placeholders(text)
        if had_placeholder and placeholder is None:
            placeholder = text.strip()
        if _HAS_WORD.search(remaining):
            has_content = True
        elif not had_placeholder:
            continue  # punctuation or markup alone: "……", a table rule, "**"
        if measure:
            chars += _visible_length(text)
    return chars if measure else None, placeholder, has_content


def _visible_length(text: str) -> int:
    return len("".join(text.split()))


def file_coverage(doc: Document, path: str, profile: Profile) -> FileCoverage:
    return FileCoverage(path=path, questions=tuple(questions(doc, profile)))


def unwritten(files: Iterable[FileCoverage]) -> Sequence[tuple[str, Question]]:
    return [
        (coverage.path, question)
        for coverage in files
        for question in coverage.questions
        if question.state in UNWRITTEN_STATES
    ]
