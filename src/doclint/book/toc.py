"""A question book's table of contents: which headings belong in it, and how an entry is
written in the style of the entries already there.

``toc-sync`` uses this to add a question that the TOC left out, and ``doclint toc`` to
write a whole TOC. An entry copies its neighbour: what stands before the marker
(indentation, ``>`` of a block quote), the marker (``-``, ``*``, ``1.``), the space after
it and the link's form (GitHub's ``user-content-`` prefix, percent-encoding, an explicit
``id`` or the heading's slug).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import replace
from itertools import accumulate
from operator import itemgetter

from doclint.book.coverage import answer_end, question_headings
from doclint.book.profile import Profile
from doclint.core.findings import Edit
from doclint.core.records import record
from doclint.model.anchors import written_like
from doclint.model.document import CODE, Document, Heading, ListItem, TocEntry
from doclint.parsing.writing import destination, link_text

START_MARKER = "<!-- doclint-toc -->"
END_MARKER = "<!-- /doclint-toc -->"

_CONTAINER_PREFIX = re.compile(r"[ \t>]*")
_ORDERED_MARKER = re.compile(r"(\d{1,9})([.)])")


@record
class EntryStyle:
    """How the entries of one level of a TOC are written."""

    prefix: str  # what stands before the marker: indentation, block-quote markers
    marker: str  # "-", "*", "+", or a number and its delimiter ("3.")
    spacing: str  # between the marker and the link
    fragment_like: str  # a fragment written in the TOC's form (user-content-, %-encoding)
    anchor_kind: str  # the kind of anchor entries link to: "id", "name" or "slug"

    def numbered(self, number: int) -> EntryStyle:
        """The style with the marker's number set, for ordered lists."""
        ordered = _ORDERED_MARKER.fullmatch(self.marker)
        if ordered is None:
            return self
        return replace(self, marker=f"{number}{ordered.group(2)}")

    @property
    def number(self) -> int | None:
        ordered = _ORDERED_MARKER.fullmatch(self.marker)
        return int(ordered.group(1)) if ordered else None

    def link(self, doc: Document, heading: Heading) -> str | None:
        """``[text](#anchor)`` for ``heading``, or None when no anchor reaches only it or
        its text cannot be written as a link text."""
        anchor = heading_anchor(doc, heading, self.anchor_kind)
        text = link_text(heading.text)
        if anchor is None or text is None:
            return None
        target = destination("#" + written_like(self.fragment_like, anchor))
        return f"[{text}]({target})" if target is not None else None

    def entry(self, link: str) -> str:
        """The line of a TOC entry holding ``link``."""
        return f"{self.prefix}{self.marker}{self.spacing}{link}"


DEFAULT_STYLE = EntryStyle(prefix="", marker="-", spacing=" ", fragment_like="", anchor_kind="")


def heading_anchor(doc: Document, heading: Heading, kind: str = "") -> str | None:
    """The anchor that reaches ``heading`` and nothing before it: of ``kind`` where the
    heading has one (an ``id``, an ``<a name>``, a slug), else the heading's own."""
    names = [
        anchor.name for anchor in doc.anchor_index.anchors_of(heading.index) if anchor.kind == kind
    ]
    if heading.anchor is not None:
        names.append(heading.anchor)
    for name in names:
        reached = doc.anchor_for(name)
        if name and reached is not None and reached.heading == heading.index:
            return name
    return None


def entry_item(doc: Document, entry: TocEntry) -> ListItem:
    return doc.lists[entry.list_index].items[entry.item]


def entry_style(doc: Document, entry: TocEntry) -> EntryStyle | None:
    """The style ``entry`` is written in; None when its line holds more than indentation
    and block-quote markers before the marker (``- - [x](#x)``)."""
    item = entry_item(doc, entry)
    line = doc.lines[item.line - 1]
    prefix = line[: item.column - 1]
    if not _CONTAINER_PREFIX.fullmatch(prefix):
        return None
    spacing = line[item.column - 1 + len(item.marker) : item.content_column - 1] or " "
    link = doc.links[entry.link]
    fragment = link.fragment or ""
    reached = doc.anchor_for(fragment) if link.is_in_page else None
    return EntryStyle(
        prefix=prefix,
        marker=item.marker,
        spacing=spacing,
        fragment_like=fragment,
        anchor_kind=reached.kind if reached is not None else "",
    )


# ---------------------------------------------------------------------------------------
# Which headings a TOC lists


def missing_questions(doc: Document, profile: Profile) -> Iterator[Heading]:
    """Question-like headings beside the listed questions, not inside their answers: at
    a level the TOC lists, with an anchor, and a title matching the question patterns."""
    listed = {entry.heading for entry in doc.toc_entries if entry.heading is not None}
    if not listed:
        return
    levels = {doc.headings[index].level for index in listed}
    inside_answer_until = 0  # the line where the answer being read ends
    for heading in doc.headings[min(listed) :]:
        if heading.index not in listed:
            if heading.line < inside_answer_until or heading.level not in levels:
                continue
            if heading.anchor is None or not profile.is_question_title(heading.text):
                continue
        ending = answer_end(doc, heading, listed)
        inside_answer_until = ending.line if ending else len(doc.lines) + 1
        if heading.index not in listed:
            yield heading


def toc_headings(doc: Document, profile: Profile) -> list[Heading]:
    """The headings a complete TOC of the file lists, in document order: those its TOC
    lists and the questions it leaves out; in a file without a TOC, its questions."""
    if not doc.toc_entries:
        return question_headings(doc, profile)
    chosen = {entry.heading for entry in doc.toc_entries if entry.heading is not None}
    chosen.update(heading.index for heading in missing_questions(doc, profile))
    return [doc.headings[index] for index in sorted(chosen)]


# ---------------------------------------------------------------------------------------
# Adding one entry


@record
class NewEntry:
    """The edit that adds one entry to a TOC."""

    edit: Edit
    link: str  # the entry's link, ``[text](#anchor)``


class TocPlaces:
    """Where entries for the headings a file's TOC leaves out go, worked out once for the
    file: a book may leave out thousands."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        entries = doc.toc_entries
        self._linked = _headings_linked_from_a_toc(doc)
        # (heading, position) of the entries that reach a heading, in heading order.
        self._placed = sorted(
            (entry.heading, position)
            for position, entry in enumerate(entries)
            if entry.heading is not None
        )
        # How many entries reaching no heading stand before each position.
        self._unplaced_before = list(accumulate((e.heading is None for e in entries), initial=0))

    def new_entry(self, heading: Heading) -> NewEntry | None:
        """The edit that lists ``heading`` in the TOC at its place in document order,
        written like the entry beside it; None when that place is not clear.

        The place is after the entry of the heading before it, or after that entry's
        ancestor at the new heading's level (a chapter entry holding the questions
        before).
        """
        previous = self.entry_before(heading)
        if previous is None:
            return None
        doc = self.doc
        entries = doc.toc_entries
        beside = _ancestor_at_level(doc, entries, previous, heading.level)
        if beside is None or not _holds(doc, beside, entries[previous]):
            return None
        style = entry_style(doc, beside)
        if style is None:
            return None
        if style.number is not None:
            style = style.numbered(style.number + 1)
        link = style.link(doc, heading)
        if link is None:
            return None
        end_line = entry_item(doc, beside).end_line
        return NewEntry(
            Edit(end_line, len(doc.lines[end_line - 1]) + 1, 0, "\n" + style.entry(link)), link
        )

    def entry_before(self, heading: Heading) -> int | None:
        """The position of the entry of the heading before ``heading``; None when a TOC
        link reaches ``heading`` already (in a line that is no entry: a lost "- ", say),
        or when the TOC is out of order there, or lists an entry there that reaches no
        heading: that entry may be this very question under an older name."""
        if heading.index in self._linked:
            return None
        at = bisect_left(self._placed, heading.index, key=itemgetter(0))
        if at == 0:
            return None
        previous = self._placed[at - 1][1]
        later = bisect_right(self._placed, heading.index, key=itemgetter(0))
        end = self._placed[later][1] if later < len(self._placed) else len(self.doc.toc_entries)
        if previous >= end or self._unplaced_before[end] > self._unplaced_before[previous + 1]:
            return None
        return previous


def _holds(doc: Document, outer: TocEntry, inner: TocEntry) -> bool:
    """Whether ``inner``'s item is ``outer``'s or nested in it."""
    item = entry_item(doc, outer)
    return item.line <= entry_item(doc, inner).line <= item.end_line


def _headings_linked_from_a_toc(doc: Document) -> set[int]:
    """The headings that links inside the lines of a TOC list reach."""
    spans = set()
    for entry in doc.toc_entries:
        root = doc.lists[entry.list_index]
        while root.parent is not None:
            root = doc.lists[root.parent]
        spans.add((root.line, root.items[-1].end_line))
    starts = sorted(spans)
    # The furthest line reached by a span starting at or before each start.
    reach = list(accumulate((last for _, last in starts), max))
    linked = set()
    for link in doc.links:
        if link.kind != "link" or not link.is_in_page:
            continue
        at = bisect_right(starts, (link.line, float("inf"))) - 1
        if at >= 0 and reach[at] >= link.line:
            reached = doc.anchor_for(link.target[1:])
            if reached is not None and reached.heading is not None:
                linked.add(reached.heading)
    return linked


def _ancestor_at_level(
    doc: Document, entries: Sequence[TocEntry], position: int, level: int
) -> TocEntry | None:
    """The entry at ``position``, or the closest entry before it and shallower in the TOC
    that holds it, whose heading has ``level``."""
    depth = entries[position].depth + 1
    for candidate in reversed(entries[: position + 1]):
        if candidate.depth >= depth:
            continue
        depth = candidate.depth
        if candidate.heading is not None and doc.headings[candidate.heading].level == level:
            return candidate
        if depth == 0:
            break
    return None


# ---------------------------------------------------------------------------------------
# A whole TOC


@record
class GeneratedToc:
    """A TOC generated from a file's questions."""

    lines: tuple[str, ...]
    unlinked: tuple[Heading, ...]  # questions no link can reach (no anchor, or not unique)


def generate(doc: Document, profile: Profile) -> GeneratedToc:
    """A TOC of the file's questions in document order, nested by heading level, each
    level written like the file's own TOC entries at that depth (if any)."""
    headings = toc_headings(doc, profile)
    levels = sorted({heading.level for heading in headings})
    styles = _styles_by_depth(doc, len(levels))
    numbers = [0] * len(levels)
    lines: list[str] = []
    unlinked: list[Heading] = []
    for heading in headings:
        depth = levels.index(heading.level)
        numbers[depth] += 1
        numbers[depth + 1 :] = [0] * (len(levels) - depth - 1)
        style = styles[depth]
        if style.number is not None:
            style = style.numbered(numbers[depth] + style.number - 1)
        link = style.link(doc, heading)
        if link is None:
            unlinked.append(heading)
        else:
            lines.append(style.entry(link))
    return GeneratedToc(tuple(lines), tuple(unlinked))


def _styles_by_depth(doc: Document, depths: int) -> list[EntryStyle]:
    """The style of the first entry at each depth of the file's TOC; a depth without one
    nests under the depth above it, in that depth's link form."""
    found: dict[int, EntryStyle] = {}
    for entry in doc.toc_entries:
        if entry.depth not in found:
            style = entry_style(doc, entry)
            if style is not None:
                found[entry.depth] = style
    styles: list[EntryStyle] = []
    for depth in range(depths):
        if depth in found:
            styles.append(found[depth])
        elif styles:
            above = styles[-1]
            indent = " " * (len(above.marker) + len(above.spacing))
            styles.append(replace(above, prefix=above.prefix + indent))
        else:
            styles.append(next(iter(found.values()), DEFAULT_STYLE))
    return styles


def marked_region(doc: Document) -> tuple[int, int] | None:
    """The lines of the TOC markers, ``<!-- doclint-toc -->`` and ``<!-- /doclint-toc -->``,
    outside code; None without both, in that order."""
    start = end = None
    for number, line in enumerate(doc.lines, start=1):
        if doc.line_kinds[number - 1] == CODE:
            continue
        if line.strip() == START_MARKER and start is None:
            start = number
        elif line.strip() == END_MARKER and start is not None:
            end = number
            break
    return (start, end) if start is not None and end is not None else None


def replace_marked(doc: Document, region: tuple[int, int], lines: Sequence[str]) -> Edit:
    """The edit that puts ``lines`` between the markers, in place of what is there."""
    start, end = region
    between = sum(len(doc.lines[number]) + 1 for number in range(start, end - 1))
    inserted = "".join("\n" + line for line in lines)
    return Edit(start, len(doc.lines[start - 1]) + 1, between, inserted)
