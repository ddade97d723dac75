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

from doclint.book.profile import Profile
from doclint.book.titles import titles
from doclint.book.views import derived
from doclint.core.records import record
from doclint.model.document import BLANK, CODE, FRONT_MATTER, HEADING, MARKUP, Document, Heading

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
    parent: int | None = None  # the line of the group holding this question


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
    """Headings that are questions (groups included), in document order: those the TOC
    reaches, and a heading the TOC leaves out that has the title of an entry reaching
    nothing; in a file without a TOC, the headings matching the question patterns."""
    entries = doc.toc_entries
    if not entries:
        return [heading for heading in doc.headings if profile.is_question_title(heading.text)]
    indexes = {index for index in entry_headings(doc, profile) if index is not None}
    return [doc.headings[index] for index in sorted(indexes)]


def entry_headings(doc: Document, profile: Profile) -> list[int | None]:
    """The heading each TOC entry stands for: the one it reaches (or evidently means), or
    for an entry reaching nothing, the heading with its title, numbering aside, when
    exactly one has it: one question whose link is broken, not a missing one beside an
    unlisted one (a heading the TOC leaves out is preferred to one it lists already)."""
    return list(
        derived(doc, "entry headings", profile, lambda: tuple(_entry_headings(doc, profile)))
    )


def _entry_headings(doc: Document, profile: Profile) -> list[int | None]:
    entries = doc.toc_entries
    placed = [entry.heading for entry in entries]
    if all(index is not None for index in placed):
        return placed
    listed = {index for index in placed if index is not None}
    unlisted: dict[str, list[int]] = {}
    listed_by_key: dict[str, list[int]] = {}
    key = titles(doc, profile).key
    for heading in doc.headings:
        into = listed_by_key if heading.index in listed else unlisted
        into.setdefault(key(heading.text), []).append(heading.index)
    taken: set[int] = set()
    for position, entry in enumerate(entries):
        if placed[position] is not None:
            continue
        entry_key = key(entry.text)
        for candidates in (unlisted.get(entry_key, ()), listed_by_key.get(entry_key, ())):
            if len(candidates) == 1 and candidates[0] not in taken:
                placed[position] = candidates[0]
                taken.add(candidates[0])
                break
    return placed


# A question as the heading it has (by index) or, reaching none, as its TOC entry.
_Node = tuple[str, int]


def questions(doc: Document, profile: Profile, measure: bool = True) -> list[Question]:
    """Every question of the file with its state, in document order; ``missing`` ones
    (TOC entries that reach no heading) at the line of their TOC entry. Without
    ``measure`` an answer is read only as far as its state needs, and ``chars`` is None.

    A question that holds other questions is a ``group``, whatever text it has: in the
    TOC, an entry with entries nested in it; among headings, a question heading whose
    section holds deeper question headings."""
    return list(
        derived(doc, ("questions", measure), profile, lambda: _questions(doc, profile, measure))
    )


def _questions(doc: Document, profile: Profile, measure: bool) -> tuple[Question, ...]:
    headings = question_headings(doc, profile)
    is_question = {heading.index for heading in headings}
    parents: dict[_Node, _Node] = {}
    if doc.toc_entries:
        missing, groups = _toc_structure(doc, profile, parents)
    else:
        missing, groups = [], _heading_structure(doc, is_question, parents)

    found: list[tuple[_Node, Question]] = []
    for heading in headings:
        node = ("heading", heading.index)
        question = _question_state(doc, profile, heading, is_question, measure)
        if node in groups:
            question = replace(question, state=GROUP, placeholder=None)
        found.append((node, question))
    for position in missing:
        entry = doc.toc_entries[position]
        node = ("entry", position)
        question = Question(
            line=entry.line,
            column=entry.column,
            anchor=doc.links[entry.link].target.lstrip("#"),
            title=entry.text,
            state=GROUP if node in groups else MISSING,
            chars=0,
            heading=None,
        )
        found.append((node, question))
    lines = {node: question.line for node, question in found}
    placed = [
        replace(question, parent=lines[parents[node]]) if node in parents else question
        for node, question in found
    ]
    placed.sort(key=lambda question: (question.line, question.column))
    return tuple(placed)


def _heading_structure(
    doc: Document, is_question: set[int], parents: dict[_Node, _Node]
) -> set[_Node]:
    """Sets, in ``parents``, the question heading whose section holds each question
    heading; returns the groups, the questions that hold others."""
    open_sections: list[Heading] = []  # the headings whose sections hold this one
    for heading in doc.headings:
        while open_sections and open_sections[-1].level >= heading.level:
            open_sections.pop()
        if heading.index in is_question:
            holder = next((h for h in reversed(open_sections) if h.index in is_question), None)
            if holder is not None:
                parents[("heading", heading.index)] = ("heading", holder.index)
        open_sections.append(heading)
    return set(parents.values())


def _toc_structure(
    doc: Document, profile: Profile, parents: dict[_Node, _Node]
) -> tuple[list[int], set[_Node]]:
    """Sets, in ``parents``, the entry a TOC nests each question in (the first, where the
    TOC lists a question twice); returns the positions of the entries that are
    ``missing`` questions (one per fragment), and the groups: entries holding entries."""
    entries = doc.toc_entries
    placed = entry_headings(doc, profile)
    missing: dict[str, int] = {}  # fragment → the first entry that misses it

    def node(position: int) -> _Node:
        index = placed[position]
        if index is not None:
            return ("heading", index)
        target = doc.links[entries[position].link].target.lstrip("#")
        return ("entry", missing.setdefault(target, position))

    groups: set[_Node] = set()
    for position, entry in enumerate(entries):
        child = node(position)
        if entry.group:
            groups.add(child)
        holder = node(entry.parent) if entry.parent is not None else None
        if holder is not None and holder != child:
            parents.setdefault(child, holder)
    return sorted(set(missing.values())), groups


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
    chars, placeholder, has_content = _content(doc, profile, heading.end_line, end, measure)
    state = ANSWERED if has_content else STUB if placeholder else EMPTY
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
