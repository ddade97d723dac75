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
The fix rewrites the link's destination to the suggested anchor where the destination is
written: in the link, in its reference definition (``[x]: #frag``, unless other links use
it too) or in an ``<a href>``. A destination with a space, which is no
link at all, is rewritten without it. A ``user-content-`` prefix and percent-encoding are
kept, and the new destination is escaped (brackets, parentheses) only as far as it must
be to read back exactly. The fix is offered only when exactly one anchor fits: not when
none or several do, nor when the fragment evidently means one heading and the link's text
is the title of another. Then the finding stays for a person to decide.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from doclint.core.findings import Severity, Violation
from doclint.model.anchors import fragment_target, written_like
from doclint.model.document import Anchor, Document, Link
from doclint.rules._shared import replace_target
from doclint.rules.spec import Context, NoOptions, RuleSpec


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
        suggestion = "#" + written_like(fragment, intended.name)
        if _cut_short_by_a_quote(fragment, intended):
            yield Violation(
                link.line,
                link.column,
                f'link fragment "#{fragment}" matches no heading or anchor in this file: the '
                f"id at line {intended.line} is cut short by the double quote inside it, "
                f'so browsers see the id "{intended.name}"; write that quote as &quot; '
                "or “”",
                suggestion=suggestion,
            )
            continue
        yield Violation(
            link.line,
            link.column,
            f'link fragment "#{fragment}" matches no heading or anchor in this file',
            suggestion=suggestion,
            fix=replace_target(doc, link, suggestion, f"Point the link at {suggestion}")
            if not _text_names_another(doc, link, intended)
            else None,
        )


def _cut_short_by_a_quote(fragment: str, intended: Anchor) -> bool:
    """Whether the fragment is an id whose inner double quote ended it early: the link
    then wants the whole text, and the fix belongs in the id, not in the link."""
    return intended.kind == "id" and fragment_target(fragment).startswith(intended.name + '"')


def _text_names_another(doc: Document, link: Link, intended: Anchor) -> bool:
    """Whether the link's text is the title of another heading than the one its fragment
    evidently means: two targets fit, and a person must choose."""
    titled = doc.anchor_index.headings_titled(link.text) if link.text.strip() else ()
    return len(titled) == 1 and titled[0].index != intended.heading


def _unparsed(doc: Document, link: Link, fragment: str) -> Violation:
    intended = doc.intended_anchor(fragment.strip(), link.text)
    suggestion = "#" + written_like(fragment.strip(), intended.name) if intended else None
    return Violation(
        link.line,
        link.column,
        f'"[{link.text}](#{fragment})" is not a link: its destination contains a space; '
        "remove the space or wrap the destination in <…>",
        suggestion=suggestion,
        fix=replace_target(doc, link, suggestion, f"Point the link at {suggestion}")
        if suggestion
        else None,
    )


SPEC = RuleSpec(
    id="toc-anchor",
    summary="In-page link whose #fragment reaches no heading or anchor in the file",
    severity=Severity.ERROR,
    check=check,
    fixable=True,
    doc=__doc__ or "",
)
