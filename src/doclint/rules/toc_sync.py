"""Finds TOCs that disagree with the questions they list.

## What it does
For a file with a table of contents (a list whose items mostly link into the page), reports:
- a question heading that no TOC entry points to (a heading at the level of the listed
  questions whose text matches the profile's question patterns);
- TOC entries in a different order from their headings (the fewest entries that, moved,
  would restore document order);
- a TOC entry whose text differs from its heading's text (ignoring case, width,
  punctuation and spacing).

## Why is this bad?
Readers navigate a question book by its TOC. A question left out of it is a question
nobody finds; a stale title promises one question and shows another.

## Example
```markdown
- [1.什么是LoRA？](#1什么是lora)

## 1.什么是LoRA？
## 2.LoRA有哪些变体？
```

## Use instead
```markdown
- [1.什么是LoRA？](#1什么是lora)
- [2.LoRA有哪些变体？](#2lora有哪些变体)
```

## Fix safety
Not fixed automatically yet: adding entries and retitling them are planned for `doclint fix`.

## Options
None.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from ..anchors import match_key
from ..coverage import answer_end
from ..document import Document, TocEntry
from ..findings import Severity, Violation
from ..registry import Context, NoOptions, RuleSpec
from ._shared import destination


def check(doc: Document, options: NoOptions, context: Context) -> Iterator[Violation]:
    entries = doc.toc_entries
    if not entries:
        return
    yield from _missing_from_toc(doc, entries, context)
    yield from _out_of_order(doc, entries)
    yield from _stale_titles(doc, entries)


def _missing_from_toc(doc: Document, entries: tuple[TocEntry, ...], context: Context):
    """Question-like headings beside the listed questions, not inside their answers."""
    listed = {entry.heading for entry in entries if entry.heading is not None}
    if not listed:
        return
    levels = {doc.headings[index].level for index in listed}
    inside_answer_until = 0  # the line where the answer being read ends
    for heading in doc.headings[min(listed) :]:
        if heading.index not in listed:
            if heading.line < inside_answer_until or heading.level not in levels:
                continue
            if heading.anchor is None or not context.profile.is_question_title(heading.text):
                continue
        ending = answer_end(doc, heading, listed)
        inside_answer_until = ending.line if ending else len(doc.lines) + 1
        if heading.index in listed:
            continue
        yield Violation(
            heading.line,
            heading.column,
            f'question "{heading.text}" is missing from the TOC',
            suggestion=f"[{heading.text}]({destination('#' + heading.anchor)})",
        )


def _out_of_order(doc: Document, entries: tuple[TocEntry, ...]):
    placed = [entry for entry in entries if entry.heading is not None]
    in_order = _longest_increasing([entry.heading for entry in placed])
    for position, entry in enumerate(placed):
        if position in in_order:
            continue
        heading = doc.headings[entry.heading]
        yield Violation(
            entry.line,
            entry.column,
            f'TOC entry "{entry.text}" is out of order: its heading is at line {heading.line}',
        )


def _longest_increasing(values: list[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    tail_positions: list[int] = []
    previous: list[int] = [-1] * len(values)
    for position, value in enumerate(values):
        at = bisect_left(tails, value)
        if at == len(tails):
            tails.append(value)
            tail_positions.append(position)
        else:
            tails[at] = value
            tail_positions[at] = position
        previous[position] = tail_positions[at - 1] if at else -1
    kept: set[int] = set()
    position = tail_positions[-1] if tail_positions else -1
    while position >= 0:
        kept.add(position)
        position = previous[position]
    return kept


def _stale_titles(doc: Document, entries: tuple[TocEntry, ...]):
    for entry in entries:
        if entry.heading is None:
            continue
        heading = doc.headings[entry.heading]
        if match_key(entry.text) == match_key(heading.text):
            continue
        yield Violation(
            entry.line,
            entry.column,
            f'TOC entry "{entry.text}" differs from its heading "{heading.text}" '
            f"(line {heading.line})",
            suggestion=heading.text,
        )


SPEC = RuleSpec(
    id="toc-sync",
    summary="Question missing from the TOC, TOC out of order, or TOC text unlike the heading",
    severity=Severity.WARNING,
    check=check,
    doc=__doc__ or "",
)
