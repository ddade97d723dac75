"""Finds a question asked twice, and a title written twice in one heading.

## What it does
Compares the titles of a chapter's questions after Unicode NFKC, case folding, and
without their numbering (``12.``, ``3、``, ``4.1.2``, ``问题3：``, ``Q3:``, the label
``面试问题：``; the profile's `number-patterns`), whitespace and punctuation. A question
whose title equals an earlier one's is reported at its heading, naming the first. With
`scope: book` the chapters checked together are compared too: a question already asked
in another chapter is reported with `book-severity`, naming that chapter and line.
Groups (questions that hold questions) are not compared.

It also reports a heading whose title is written twice in a row
(``5.介绍一下X？5.介绍一下 X？``), a slip of hand edits, and an ``id`` written so.

## Why is this bad?
Chapters merged or copied bring their questions twice: readers answer the same question
twice, and the book's count of questions is wrong. A title written twice shows twice in
the TOC and in every link to it.

## Example
```markdown
<h2 id="3.什么是人脸验证？">3.什么是人脸验证？</h2>
…
<h2 id="7.什么是人脸验证">7.什么是人脸验证</h2>
```

## Use instead
Keep one of the two, and merge what the second answer adds.

## Fix safety
A title written twice in a heading is fixed by keeping its first copy of the visible text
(when that text is written plainly in the line); the ``id`` is left alone, since links use
it. A question asked twice is not fixed: which answer to keep is a person's choice.

## Options
`scope` decides which questions are compared; `book-severity` how a repeat across
chapters is reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from doclint.book.coverage import GROUP, Question, questions
from doclint.book.profile import Profile
from doclint.book.titles import repeated_half, titles
from doclint.book.views import derived
from doclint.core.findings import Edit, Finding, Fix, Severity, Violation
from doclint.core.records import record
from doclint.model.document import Document, Heading
from doclint.rules.options import option
from doclint.rules.spec import Context, RuleSpec

RULE_ID = "duplicate-question"
SCOPES = ("chapter", "book")


@record  # the configuration checks its values (check_values); a dataclass costs more to make
class Options:
    """duplicate-question's settings (``rules: duplicate-question:`` in the configuration)."""

    scope: str = option(
        "book",
        "Compare questions within each chapter only (`chapter`), or across the chapters "
        "checked together too (`book`).",
        choices=SCOPES,
    )
    book_severity: str = option(
        "info",
        "The severity of a question already asked in another chapter.",
        choices=Severity.names(),
        ignore_case=True,
    )


def check(doc: Document, options: Options, context: Context) -> Iterator[Violation]:
    yield from _repeated_titles(doc, questions(doc, context.profile, measure=False))
    first_of: dict[str, Question] = {}
    for key, question in _keyed_questions(doc, context.profile):
        first = first_of.setdefault(key, question)
        if first is not question:
            yield Violation(
                question.line,
                question.column,
                f'question "{question.title}" repeats the question at line {first.line} '
                f'("{first.title}")',
            )


def _keyed_questions(doc: Document, profile: Profile) -> tuple[tuple[str, Question], ...]:
    """The questions compared, with their keys: not groups, not missing ones, and not
    those whose title has no key (a number or punctuation alone). The rule and the comparison across
    chapters read the same, kept with the document."""

    def compute() -> tuple[tuple[str, Question], ...]:
        key = titles(doc, profile).key
        found = questions(doc, profile, measure=False)
        keyed = ((key(q.title), q) for q in found if q.state != GROUP and q.heading is not None)
        return tuple((title_key, q) for title_key, q in keyed if title_key)

    return derived(doc, "keyed questions", profile, compute)


def _repeated_titles(doc: Document, found: Iterable[Question]) -> Iterator[Violation]:
    """Question headings whose visible title, or whose id, is one title written twice."""
    for question in found:
        if question.heading is None:
            continue
        heading = doc.headings[question.heading]
        first_copy = repeated_half(heading.text)
        if first_copy is not None:
            yield Violation(
                heading.line,
                heading.column,
                f'the title of "{heading.text}" repeats itself',
                suggestion=first_copy,
                fix=_keep_first_copy(doc, heading, first_copy),
            )
        # An id written as the text is tells nothing the text did not.
        elif heading.explicit_id not in (None, heading.text) and repeated_half(heading.explicit_id):
            yield Violation(
                heading.line,
                heading.column,
                f'the id "{heading.explicit_id}" repeats itself; links use it as written, '
                "so change it together with them",
            )


def _keep_first_copy(doc: Document, heading: Heading, first_copy: str) -> Fix | None:
    """The edit that writes the heading's text once, where the text is written plainly on
    the heading's line (no markup or entities in it)."""
    if heading.end_line != heading.line:
        return None
    line = doc.lines[heading.line - 1]
    at = line.find(heading.text, heading.column - 1)
    if at < 0 or line.find(heading.text, at + 1) >= 0:
        return None
    return Fix(
        f'Write the title once: "{first_copy}"',
        (Edit(heading.line, at + 1, len(heading.text), first_copy),),
    )


# ---------------------------------------------------------------------------------------
# Across the book: each chapter's questions are gathered while it is checked, and the
# engine compares them once every chapter is done.


@record
class AskedQuestions:
    """The questions of one chapter, for comparing chapters (suppressed ones left out)."""

    path: str
    questions: tuple[tuple[str, int, int, str], ...]  # (key, line, column, title)


def asked_questions(
    doc: Document, path: str, profile: Profile, suppressed: Callable[[int], bool]
) -> AskedQuestions:
    """The chapter's questions to compare with other chapters: ``suppressed`` says at
    which lines a comment switches the rule off."""
    asked = tuple(
        (key, question.line, question.column, question.title)
        for key, question in _keyed_questions(doc, profile)
        if not suppressed(question.line)
    )
    return AskedQuestions(path, asked)


def wanted_across_chapters(settings: dict) -> Severity | None:
    """The severity of findings across chapters, when the rule runs with ``scope: book``
    (``settings``: the enabled rules' settings, by id); None when it does not."""
    rule = settings.get(RULE_ID)
    if rule is None or rule.options.scope != "book":
        return None
    return Severity.parse(rule.options.book_severity)


def book_duplicates(chapters: Iterable[AskedQuestions], severity: Severity) -> Iterator[Finding]:
    """Questions asked in an earlier chapter (in the order given), one finding each."""
    first_of: dict[str, tuple[str, int, str]] = {}
    for chapter in chapters:
        local: dict[str, tuple[str, int, str]] = {}
        for key, line, column, title in chapter.questions:
            first = first_of.get(key)
            if first is not None and first[0] != chapter.path:
                yield Finding(
                    chapter.path,
                    line,
                    column,
                    RULE_ID,
                    severity,
                    f'question "{title}" is asked in {first[0]}:{first[1]} too ("{first[2]}")',
                )
            local.setdefault(key, (chapter.path, line, title))
        for key, first in local.items():
            first_of.setdefault(key, first)


SPEC = RuleSpec(
    id=RULE_ID,
    summary="Question asked twice, in a chapter or across the book; a title written twice",
    severity=Severity.WARNING,
    check=check,
    options=Options,
    fixable=True,
    doc=__doc__ or "",
)
