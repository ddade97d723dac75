"""Finds questions without an answer, or with only a placeholder.

## What it does
For every question of the file (see `doclint report`), looks at its answer: everything
under its heading up to the next heading of the same or a higher level. Blank lines, HTML
comments, horizontal rules and the profile's metadata lines (such as
``**难度评分：⭐⭐⭐**``) are not content. An answer with no content is *empty*; one whose
only content matches the profile's placeholder patterns (待补充, TODO, TBD, 敬请期待, …) is
a *stub*. The message says which.

## Why is this bad?
A question with no answer is a promise the book does not keep yet. Listing them keeps the
gaps visible; `doclint report` counts them.

## Example
```markdown
<h2 id="14.介绍一下Seedream">14.介绍一下Seedream</h2>

（待补充）
```

## Use instead
Write the answer, or leave the question out of the TOC until it is written.

## Fix safety
No automatic fix.

## Options
None; the patterns live in the profile (`profile:` in the configuration).
"""

from __future__ import annotations

from collections.abc import Iterator

from doclint.book.coverage import EMPTY, STUB, questions
from doclint.core.findings import Severity, Violation
from doclint.model.document import Document
from doclint.rules.spec import Context, NoOptions, RuleSpec


def check(doc: Document, options: NoOptions, context: Context) -> Iterator[Violation]:
    for question in questions(doc, context.profile, measure=False):
        if question.state == EMPTY:
            yield Violation(
                question.line, question.column, f'question "{question.title}" has no answer'
            )
        elif question.state == STUB:
            yield Violation(
                question.line,
                question.column,
                f'question "{question.title}" has only a placeholder for an answer '
                f'("{question.placeholder}")',
            )


SPEC = RuleSpec(
    id="empty-answer",
    summary="Question with no answer, or only a placeholder such as 待补充 or TODO",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__ or "",
)
