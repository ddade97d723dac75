"""Finds two elements of one file with the same anchor name.

## What it does
Reports an ``id`` or ``<a name>`` that repeats an anchor defined earlier in the file, by
raw HTML or by a markdown heading's slug (GitHub numbers repeated slugs itself, so two
headings with the same text are fine).

## Why is this bad?
A link can reach only the first of them; the second copy is usually a pasted heading
whose answer was never written, or a renumbering that went wrong.

## Example
```markdown
<h2 id="3.什么是DDPM">3.什么是DDPM</h2>
…
<h2 id="3.什么是DDPM">3.什么是DDIM</h2>
```

## Use instead
```markdown
<h2 id="3.什么是DDPM">3.什么是DDPM</h2>
…
<h2 id="4.什么是DDIM">4.什么是DDIM</h2>
```

## Fix safety
No automatic fix: which of the two should change is a person's choice.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from doclint.core.findings import Severity, Violation
from doclint.model.document import Anchor, Document
from doclint.rules.spec import Context, NoOptions, RuleSpec


def check(doc: Document, options: NoOptions, context: Context) -> Iterator[Violation]:
    first: dict[str, Anchor] = {}
    for anchor in doc.anchor_list:
        earlier = first.setdefault(anchor.name, anchor)
        if earlier is anchor or anchor.kind == "slug":
            continue
        yield Violation(
            anchor.line,
            anchor.column,
            f'anchor "{anchor.name}" is already defined at line {earlier.line}',
        )


SPEC = RuleSpec(
    id="duplicate-anchor",
    summary="Two elements in one file with the same id or name",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__ or "",
)
