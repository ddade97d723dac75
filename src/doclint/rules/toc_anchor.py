"""Finds in-page links whose fragment reaches no heading or anchor of the file.

## What it does
Checks every link that starts with ``#`` against the anchors GitHub creates for the file:
the slug of every markdown heading (with ``-1``, ``-2`` for repeats) and every ``id`` and
``<a name>`` written in raw HTML. Percent-encoding is decoded and a leading
``user-content-`` is accepted, as on GitHub. ``#`` and ``#top`` are always valid.

When exactly one anchor fits the broken fragment once case, width, punctuation and spacing
are ignored, or exactly one heading has the link's text, it is suggested.

## Why is this bad?
A TOC entry that points nowhere leaves the reader at the top of a long chapter. GitHub
renders no warning: the link just does nothing.

## Example
```markdown
- [3.直接写？](#3.直接写)

## 3.直接写？
```

## Use instead
```markdown
- [3.直接写？](#3直接写)
```

## Fix safety
The fix rewrites the fragment to the suggested anchor, and is offered only when exactly one
anchor fits. With none or several, the finding stays for a person to decide.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..document import Document
from ..findings import Severity, Violation
from ..registry import Context, NoOptions, RuleSpec
from ._shared import replace_target, with_prefix_of


def check(doc: Document, options: NoOptions, context: Context) -> Iterator[Violation]:
    for link in doc.links:
        if link.kind != "link" or not link.is_in_page:
            continue
        fragment = link.target[1:]
        if link.syntax == "unparsed":
            yield _unparsed(doc, link, fragment)
            continue
        if doc.resolves(fragment):
            continue
        intended = doc.intended_anchor(fragment, link.text)
        if intended is None:
            yield Violation(
                link.line,
                link.column,
                f'link fragment "#{fragment}" matches no heading or anchor in this file',
            )
            continue
        suggestion = "#" + with_prefix_of(fragment, intended.name)
        yield Violation(
            link.line,
            link.column,
            f'link fragment "#{fragment}" matches no heading or anchor in this file',
            suggestion=suggestion,
            fix=replace_target(link, suggestion, f"Point the link at {suggestion}"),
        )


def _unparsed(doc: Document, link, fragment: str) -> Violation:
    intended = doc.intended_anchor(fragment.strip(), link.text)
    return Violation(
        link.line,
        link.column,
        f'"[{link.text}](#{fragment})" is not a link: its destination contains a space; '
        "remove the space or wrap the destination in <…>",
        suggestion="#" + intended.name if intended else None,
    )


SPEC = RuleSpec(
    id="toc-anchor",
    summary="In-page link whose #fragment reaches no heading or anchor in the file",
    severity=Severity.ERROR,
    check=check,
    fixable=True,
    doc=__doc__ or "",
)
