"""Finds two items of the same list that say the same thing.

## What it does
Compares the items of each list (not items of different lists, nor of nested lists with
their parents) after normalising their text: NFKC (fullwidth becomes ASCII), case,
spacing, markup and trailing punctuation are ignored. Equal items are *duplicates*. Items
equal only once a bracketed qualifier is dropped from one of them — ``PixArt系列（α、Σ）``
and ``PixArt系列`` — are *near-duplicates*. The message names the line of the first one.

## Why is this bad?
Lists of models, papers or TOC entries grow by pasting; a repeated item makes the list
longer without saying more, and a near-duplicate usually means one of them is stale.

## Example
```markdown
8. PixArt系列文生图大模型（α、Σ）
9. Playground系列文生图大模型
10. PixArt系列文生图大模型
```

## Use instead
```markdown
8. PixArt系列文生图大模型（α、Σ）
9. Playground系列文生图大模型
```

## Fix safety
No automatic fix: which item to keep, and whether to merge their wording, is a person's
choice.

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from doclint.core.findings import Severity, Violation
from doclint.model.anchors import nfkc
from doclint.model.document import Document
from doclint.rules.spec import Context, NoOptions, RuleSpec

_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕|<[^<>]*>|《[^《》]*》")
_PUNCTUATION = ".,;:!?。，；：！？、…·-"


def normalise(text: str) -> str:
    # Spacing goes first, so that one strip takes the whole run of spacing and
    # punctuation the text ends with.
    return "".join(nfkc(text).casefold().split()).rstrip(_PUNCTUATION)


def _has_opening_bracket(text: str) -> bool:
    # A scan for each bracket: quicker than a regular expression's search for any of them,
    # which reads Chinese text character by character.
    return "(" in text or "[" in text or "【" in text or "〔" in text or "<" in text or "《" in text


def without_qualifiers(normalised: str) -> str:
    if not _has_opening_bracket(normalised):
        return normalised
    previous = None
    while previous != normalised:
        previous, normalised = normalised, _BRACKETED.sub("", normalised)
    return normalised.rstrip(_PUNCTUATION)


def check(doc: Document, options: NoOptions, context: Context) -> Iterator[Violation]:
    for block in doc.lists:
        if len(block.items) < 2:
            continue
        exact: dict[str, int] = {}
        bare: dict[str, int] = {}  # items that have no qualifier, by text
        qualified: dict[str, int] = {}  # items that have one, by text without it
        for item in block.items:
            key = normalise(item.text)
            if not key:
                continue
            if key in exact:
                yield Violation(
                    item.line,
                    item.column,
                    f'list item "{item.text}" duplicates the item at line {exact[key]}',
                )
                continue
            exact[key] = item.line
            base = without_qualifiers(key)
            if not base:
                continue
            has_qualifier = base != key
            earlier = bare.get(base) if has_qualifier else qualified.get(base)
            if earlier is not None:
                yield Violation(
                    item.line,
                    item.column,
                    f'list item "{item.text}" nearly duplicates the item at line {earlier} '
                    "(they differ only by a bracketed qualifier)",
                )
            (qualified if has_qualifier else bare).setdefault(base, item.line)


SPEC = RuleSpec(
    id="duplicate-list-entry",
    summary="Two items of one list with the same text, or differing only by a (qualifier)",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__ or "",
)
