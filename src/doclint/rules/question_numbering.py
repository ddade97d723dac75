"""Finds slips in the numbers of questions: repeats, gaps, steps back, and numbers that
disagree between a heading, its id and its TOC entry.

## What it does
Reads the number at the start of each question's title (the profile's `number-patterns`:
``12.``, ``3、``, ``4.1.2``, ``问题3：``, ``Q3:``, ``第3题``; titles without a number are
ignored). Among siblings — the questions held by the same group (groups included: a
group numbered 3 between questions 2 and 4 is no gap), under the same section heading —
numbers must be unique and consecutive; the first of a group's questions may start
anywhere (a new group may restart at 1). With dotted numbers the last part runs among
siblings, a number may go up a level (``4.1.3`` then ``4.2.1``), and a question held by a
numbered group starts with the group's number. Reported at the question, once each:
- a repeat: "question number 2 repeats line 63's";
- a gap: "5 follows 3: 4 is missing" (or, where a heading numbered 4 is there but no TOC
  entry reaches it, which line it is at);
- a step back: "3 follows 5 (line 80)";
- a number that disagrees with its group's;
- a heading whose text, explicit ``id`` (when the id starts with a number, as ``3.`` or
  ``4.1.2_``; ids such as ``q-007`` are labels) and TOC entry do not say the same number.

## Why is this bad?
Readers cite a book by its numbers ("question 14 of chapter 7"). A repeated or skipped
number sends them to the wrong question, and a heading whose id says another number than
its text is a copy-paste slip that links then repeat.

## Example
```markdown
<h2 id="3.什么是1：1人脸验证？">2.什么是人脸识别？</h2>
```

## Use instead
```markdown
<h2 id="2.什么是人脸识别？">2.什么是人脸识别？</h2>
```

## Fix safety
No automatic fix: renumbering moves anchors and the links that use them. The message says
what the neighbours say.

## Options
None; books that number differently set the profile's `number-patterns`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache

from doclint.book.coverage import Question, questions
from doclint.book.titles import Number, Titles, titles
from doclint.core.findings import Severity, Violation
from doclint.model.document import Document, TocEntry
from doclint.rules.spec import Context, NoOptions, RuleSpec


def check(doc: Document, options: NoOptions, context: Context) -> Iterator[Violation]:
    found = questions(doc, context.profile, measure=False)
    read = titles(doc, context.profile)
    numbers = {q.line: read.number(q.title) for q in found}
    by_line = {q.line: q for q in found}
    scopes = _scopes(doc, found)
    siblings: dict[tuple[int | None, tuple[int | None, int | None]], list[Question]] = {}
    for question in found:
        # A question reaching no heading stands in the TOC, not among the headings: the
        # order of the two cannot be compared, and toc-anchor reports its link already.
        if numbers[question.line] is not None and question.heading is not None:
            siblings.setdefault((question.parent, scopes[question.line]), []).append(question)
    # Read at the first gap only: most chapters have none, and it numbers every heading.
    unlisted = cache(
        lambda: _unlisted_numbered_headings(doc, read, found) if doc.toc_entries else {}
    )
    for (parent, _), members in siblings.items():
        parent_number = numbers.get(parent) if parent is not None else None
        group = by_line.get(parent) if parent is not None else None
        yield from _sequence(members, numbers, parent_number, group, unlisted)
    entries_of: dict[int, list[TocEntry]] = {}
    for entry in doc.toc_entries:
        if entry.heading is not None:
            entries_of.setdefault(entry.heading, []).append(entry)
    for question in found:
        if question.heading is None:
            continue
        said = entries_of.get(question.heading, ())
        disagreement = _disagreement(doc, read, question, numbers[question.line], said)
        if disagreement is not None:
            yield disagreement


def _scopes(doc: Document, found: Sequence[Question]) -> dict[int, tuple[int | None, int | None]]:
    """For each question (by line), where its numbers run: the TOC list that lists it (a
    chapter with one TOC list per part numbers each part apart), and the closest heading
    holding it that is no question (``## 第二章`` over ``### 1.…`` restarts at 1)."""
    toc_list: dict[int, int] = {}  # heading index → the TOC list that lists it first
    for entry in doc.toc_entries:
        if entry.heading is not None and entry.heading not in toc_list:
            root = doc.lists[entry.list_index]
            while root.parent is not None:
                root = doc.lists[root.parent]
            toc_list[entry.heading] = root.index
    question_headings = {q.heading for q in found if q.heading is not None}
    section_of: dict[int, int | None] = {}
    # The open headings: (level, line of the closest one that is no question).
    sections: list[tuple[int, int | None]] = []
    for heading in doc.headings:
        while sections and sections[-1][0] >= heading.level:
            sections.pop()
        holder = sections[-1][1] if sections else None
        if heading.index in question_headings:
            section_of[heading.index] = holder
            sections.append((heading.level, holder))
        else:
            sections.append((heading.level, heading.line))
    scopes: dict[int, tuple[int | None, int | None]] = {}
    for question in found:
        if question.heading is not None:
            place = toc_list.get(question.heading)
            scopes[question.line] = (place, section_of.get(question.heading))
    return scopes


def _unlisted_numbered_headings(
    doc: Document, read: Titles, found: Sequence[Question]
) -> dict[Number, int]:
    """The lines of numbered headings that are no questions (the TOC reaches them not),
    by number: where a gap's number stands, the TOC is what slipped."""
    questions_at = {q.heading for q in found}
    unlisted: dict[Number, int] = {}
    for heading in doc.headings:
        if heading.index not in questions_at:
            number = read.number(heading.text)
            if number is not None:
                unlisted.setdefault(number, heading.line)
    return unlisted


def _sequence(
    members: Sequence[Question],
    numbers: dict[int, Number | None],
    parent_number: Number | None,
    parent: Question | None,
    unlisted: Callable[[], dict[Number, int]],
) -> Iterator[Violation]:
    seen: dict[Number, Question] = {}
    previous: Question | None = None
    # What the previous question's number may stand for: its own and, after a repeat or
    # a step back, also the one it should have had. The next question may follow either,
    # so that one slip is reported once, not again at the question after it.
    befores: tuple[Number, ...] = ()
    for question in members:
        number = numbers[question.line]
        assert number is not None
        candidates: tuple[Number, ...] = (number,)
        if (
            parent is not None
            and parent_number is not None
            and len(number) == len(parent_number) + 1
            and number[:-1] != parent_number
        ):
            yield Violation(
                question.line,
                question.column,
                f"question number {_written(number)} is in group {_written(parent_number)} "
                f"(line {parent.line}): its number should start with {_written(parent_number)}",
            )
        elif number in seen:
            yield Violation(
                question.line,
                question.column,
                f"question number {_written(number)} repeats line {seen[number].line}'s",
            )
            candidates = (number, *(_next(before) for before in befores[:1]))
        elif previous is not None and befores:
            before = befores[0]
            slips = [_slip(candidate, number) for candidate in befores]
            if "back" in slips and None not in slips and "gap" not in slips:
                yield Violation(
                    question.line,
                    question.column,
                    f"question number {_written(number)} follows {_written(before)} "
                    f"(line {previous.line}): the numbers go back",
                )
                candidates = (number, _next(before))
            elif None not in slips:
                yield Violation(
                    question.line,
                    question.column,
                    f"question number {_written(number)} follows {_written(before)}: "
                    f"{_gap(_successor(before, number), unlisted)}",
                )
        seen.setdefault(number, question)
        previous, befores = question, candidates


def _gap(skipped: Number, unlisted: Callable[[], dict[Number, int]]) -> str:
    line = unlisted().get(skipped)
    if line is None:
        return f"{_written(skipped)} is missing"
    return (
        f"{_written(skipped)} is missing from the questions: the heading at line {line} "
        "has that number, but no TOC entry reaches it"
    )


def _next(number: Number) -> Number:
    return (*number[:-1], number[-1] + 1)


def _slip(before: Number, after: Number) -> str | None:
    """None when ``after`` may follow ``before``; "back" or "gap" otherwise.

    ``after`` follows when it is ``before`` with one part raised by one and the parts
    after it 1 (``4.1.3`` → ``4.1.4``, ``4.2.1``, ``5``), or ``before`` with ``.1``
    added (``3`` → ``3.1``)."""
    if len(before) == 1 and len(after) == 1:  # most books number plainly: 1, 2, 3
        step = after[0] - before[0]
        return None if step == 1 else "back" if step <= 0 else "gap"
    if after <= before:
        return "back"
    if after[: len(before)] == before:
        return None if all(part == 1 for part in after[len(before) :]) else "gap"
    at = next(i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b)
    if after[at] == before[at] + 1 and all(part == 1 for part in after[at + 1 :]):
        return None
    return "gap"


def _successor(before: Number, after: Number) -> Number:
    """The number that ``after`` skipped: the next at the first part where they differ."""
    at = next(
        (i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b), len(before)
    )
    if at == len(before):
        return (*before, 1)
    if after[at] == before[at] + 1:  # the level above went up, the level below did not
        return (*after[: at + 1], *([1] * (len(after) - at - 1)))
    return (*before[:at], before[at] + 1)


def _written(number: Number) -> str:
    return ".".join(str(part) for part in number)


def _disagreement(
    doc: Document,
    read: Titles,
    question: Question,
    number: Number | None,
    entries: Iterable[TocEntry],
) -> Violation | None:
    """Where a heading's text, id and TOC ``entries`` do not say the same number."""
    assert question.heading is not None
    heading = doc.headings[question.heading]
    explicit = heading.explicit_id
    # An id that starts with a number says one (``3.``); ``q-007`` is a label.
    numbered_id = explicit if explicit is not None and explicit.lstrip()[:1].isdigit() else None
    if numbered_id in (None, heading.text) and all(e.text == heading.text for e in entries):
        return None  # all written as the heading's text is: one number, or none
    said: list[tuple[str | TocEntry, Number]] = []  # who says what; worded if they differ
    if number is not None:
        said.append(("text", number))
    if numbered_id is not None:
        id_number = read.number(numbered_id)
        if id_number is not None:
            said.append(("id", id_number))
    for entry in entries:
        entry_number = read.number(entry.text)
        if entry_number is not None:
            said.append((entry, entry_number))
    if len({number for _, number in said}) <= 1:
        return None

    def who(speaker: str | TocEntry) -> str:
        if speaker == "text":
            return "the heading's text"
        if speaker == "id":
            return f'its id "{explicit}"'
        assert isinstance(speaker, TocEntry)
        return f"the TOC entry at line {speaker.line}"

    return Violation(
        question.line,
        question.column,
        "question numbers disagree: "
        + ", ".join(f"{who(speaker)} says {_written(number)}" for speaker, number in said),
    )


SPEC = RuleSpec(
    id="question-numbering",
    summary="Question numbers that repeat, skip, go back, or disagree with the id or TOC",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__ or "",
)
