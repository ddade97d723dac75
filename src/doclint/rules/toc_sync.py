"""Finds TOCs that disagree with the questions they list.

## What it does
For a file with a table of contents (a list whose items mostly link into the page), reports:
- a question heading that no TOC entry points to (a heading at the level of the listed
  questions whose text matches the profile's question patterns);
- TOC entries in a different order from their headings (the fewest entries that, moved,
  would restore document order);
- a TOC entry whose text differs from its heading's text (ignoring case, width,
  punctuation and spacing);
- a TOC entry that lists a question listed already (two entries reaching one heading).

A heading whose title is written twice (``5.X？5.X？``, see `duplicate-question`) is never
copied into the TOC: the finding names the heading instead.

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
- A missing question is added to the TOC right after the entry of the heading before it
  (or after that entry's chapter, when the question is of the chapter's level), written
  like that entry: the same indentation (or block-quote markers), bullet or number, space
  after it and link form (``user-content-`` prefix, percent-encoding, an ``id`` or the
  heading's slug). An entry added to an ordered list takes the next number; the numbers
  after it stay as they are (a list is numbered from its first item when shown). Not
  fixed when the place is unclear: the TOC is out of order there, holds an entry there
  that reaches no heading (it may be this very question under an older name), or already
  links to the question from a line that is no entry (a lost ``- ``); nor when the
  question would be the first of a chapter's entries; nor when no link reaches the heading
  alone (no anchor, or one that an earlier element repeats).
- A stale title is replaced by the heading's text, escaped as little as link text must
  be; markup in the old title goes with it. Not fixed when it is unclear which side is
  out of date: when another heading has the same text, when the entry's text is another
  heading's, or when another entry links to the same heading.
- Entries out of order are not moved automatically: moving them changes the TOC's
  structure, which a person should decide.

## Options
None.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator

from doclint.book import toc
from doclint.book.coverage import entry_headings
from doclint.book.titles import repeated_half
from doclint.core.findings import Edit, Fix, Severity, Violation
from doclint.model.anchors import match_key
from doclint.model.document import Document, TocEntry
from doclint.parsing.writing import destination, link_text
from doclint.rules.spec import Context, NoOptions, RuleSpec


def check(doc: Document, options: NoOptions, context: Context) -> Iterator[Violation]:
    entries = doc.toc_entries
    if not entries:
        return
    yield from _missing_from_toc(doc, context)
    yield from _out_of_order(doc, entries)
    yield from _stale_titles(doc, entries)
    yield from _listed_twice(doc, entries, entry_headings(doc, context.profile))


def _missing_from_toc(doc: Document, context: Context) -> Iterator[Violation]:
    places: toc.TocPlaces | None = None
    for heading in toc.missing_questions(doc, context.profile):
        assert heading.anchor is not None
        if repeated_half(heading.text) is not None:
            yield Violation(
                heading.line,
                heading.column,
                f'question "{heading.text}" is missing from the TOC; its title repeats '
                "itself: write it once, then add it",
            )
            continue
        places = places or toc.TocPlaces(doc)
        added = places.new_entry(heading)
        yield Violation(
            heading.line,
            heading.column,
            f'question "{heading.text}" is missing from the TOC',
            suggestion=added.link
            if added
            else f"[{heading.text}]({destination('#' + heading.anchor)})",
            fix=Fix(f'Add "{heading.text}" to the TOC', (added.edit,)) if added else None,
        )


def _out_of_order(doc: Document, entries: tuple[TocEntry, ...]):
    # A heading listed again is its own finding (see _listed_twice), not an order slip.
    first_per_heading = {}
    for entry in entries:
        if entry.heading is not None:
            first_per_heading.setdefault(entry.heading, entry)
    placed = list(first_per_heading.values())
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


def _stale_titles(doc: Document, entries: tuple[TocEntry, ...]) -> Iterator[Violation]:
    heading_keys: Counter[str] | None = None  # counted at the first difference: most have none
    entries_per_heading = Counter(entry.heading for entry in entries)
    for entry in entries:
        if entry.heading is None:
            continue
        heading = doc.headings[entry.heading]
        # Most entries copy their heading's text: no key needed to see that.
        if entry.text == heading.text or match_key(entry.text) == match_key(heading.text):
            continue
        if repeated_half(heading.text) is not None:
            # Never copy a slip into the TOC: the heading is what needs the edit.
            yield Violation(
                entry.line,
                entry.column,
                f'TOC entry "{entry.text}" differs from its heading "{heading.text}" '
                f"(line {heading.line}), whose title repeats itself: write the heading's "
                "title once",
            )
            continue
        if heading_keys is None:
            heading_keys = Counter(match_key(heading.text) for heading in doc.headings)
        # Which side is out of date is clear only when the heading's text is its own,
        # the entry's text names no other heading, and no other entry links here.
        clear = (
            heading_keys[match_key(heading.text)] == 1
            and heading_keys[match_key(entry.text)] == 0
            and entries_per_heading[entry.heading] == 1
        )
        yield Violation(
            entry.line,
            entry.column,
            f'TOC entry "{entry.text}" differs from its heading "{heading.text}" '
            f"(line {heading.line})",
            suggestion=heading.text,
            fix=_retitle(doc, entry, heading.text) if clear else None,
        )


def _listed_twice(
    doc: Document, entries: tuple[TocEntry, ...], headings: list[int | None]
) -> Iterator[Violation]:
    """Entries after the first that stand for the same heading (reaching it, or reaching
    nothing with its title): one question listed twice."""
    first_entry: dict[int, TocEntry] = {}
    for entry, index in zip(entries, headings, strict=True):
        if index is None:
            continue
        first = first_entry.setdefault(index, entry)
        if first is not entry:
            heading = doc.headings[index]
            yield Violation(
                entry.line,
                entry.column,
                f'TOC entry "{entry.text}" lists the question "{heading.text}" (line '
                f"{heading.line}) a second time: the entry at line {first.line} lists it",
            )


def _retitle(doc: Document, entry: TocEntry, title: str) -> Fix | None:
    span = doc.links[entry.link].text_span
    written = link_text(title)
    if span is None or written is None or doc.links[entry.link].syntax != "inline":
        return None
    return Fix(
        f'Retitle the entry "{title}"', (Edit(span.line, span.column, span.length, written),)
    )


SPEC = RuleSpec(
    id="toc-sync",
    summary="Question missing from the TOC, TOC out of order, or TOC text unlike the heading",
    severity=Severity.WARNING,
    check=check,
    fixable=True,
    doc=__doc__ or "",
)
