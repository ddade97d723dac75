"""A markdown file parsed once into the facts every rule reads.

``doclint.parsing.parse_document`` runs one parse and one walk over its result,
and keeps only plain, immutable facts: lines, headings (markdown and raw HTML), anchors,
links and images with exact 1-based positions, lists, TOC entries and what kind of content
each line holds. Rules never see a parser's tokens and never parse again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from doclint.core.records import record
from doclint.model import anchors as anchor_rules

# What each line of a document holds, one character per line (``Document.line_kinds``).
BLANK = " "
TEXT = "t"  # paragraph, list item or table text
HEADING = "h"
CODE = "c"  # the inside of a code block
HTML = "x"  # raw HTML with visible text or an image
MARKUP = "m"  # structure only: rules, fences, comments, empty tags, link definitions
FRONT_MATTER = "f"


@record
class Span:
    """Where a piece of text is written: 1-based line and column, length in characters."""

    line: int
    column: int
    length: int


@record
class Heading:
    """A markdown or raw HTML heading."""

    index: int
    level: int
    text: str
    line: int
    column: int
    end_line: int
    kind: str  # "atx", "setext" or "html"
    explicit_id: str | None  # id written in the heading itself (raw HTML headings)
    slug: str | None  # GitHub's unique slug (markdown headings only; GitHub adds none to HTML)

    @property
    def anchor(self) -> str | None:
        """The name a link uses to reach this heading."""
        return self.explicit_id if self.explicit_id is not None else self.slug


@record
class Anchor:
    """A name a link fragment can reach: a heading's slug, or an ``id`` or ``name``."""

    name: str
    line: int
    column: int
    kind: str  # "id", "name" or "slug"
    heading: int | None  # index of the heading it names, if any


@record
class Link:
    """A link or image. ``target`` is the destination as written, escapes resolved."""

    kind: str  # "link" or "image"
    target: str
    text: str
    line: int
    column: int
    syntax: str  # "inline", "reference", "autolink", "html", "bare" or "unparsed"
    target_span: Span | None = None
    # Where the text between ``[`` and ``]`` is written, for inline links on one line.
    text_span: Span | None = None

    @property
    def fragment(self) -> str | None:
        """The part after ``#``, or None when the target has no ``#``."""
        hash_at = self.target.find("#")
        return None if hash_at < 0 else self.target[hash_at + 1 :]

    @property
    def is_in_page(self) -> bool:
        return self.target.startswith("#")


@record
class ListItem:
    """An item of a list, with the plain text of its first paragraph."""

    line: int
    column: int  # where the marker is written
    text: str  # plain text of the item's first paragraph
    link: int | None  # index (in Document.links) of the first link of that paragraph
    sublists: tuple[int, ...]  # indexes (in Document.lists) of lists nested in the item
    marker: str  # "-", "*", "+", or the number and delimiter of an ordered item ("12.")
    content_column: int  # where the item's text starts on its first line
    end_line: int  # the item's last non-blank line, nested lists included


@record
class ListBlock:
    """A list, its items, and where it is nested."""

    index: int
    line: int
    ordered: bool
    depth: int
    parent: int | None  # the list this one is nested in
    items: tuple[ListItem, ...]


@record
class TocEntry:
    """An item of a table of contents, pointing (or meant to point) at a heading."""

    link: int  # index in Document.links
    line: int
    column: int
    text: str
    depth: int
    list_index: int
    resolved: bool  # the target reaches an anchor as written
    heading: int | None  # the heading reached or, when unresolved, evidently meant
    group: bool  # the entry holds entries: a part or chapter of questions
    item: int  # index of the entry's item in Document.lists[list_index].items
    parent: int | None = None  # index (in Document.toc_entries) of the entry holding it


@record
class Directive:
    """An inline suppression comment such as ``<!-- doclint-disable toc-anchor -->``."""

    line: int
    end_line: int
    action: str  # "disable", "enable", "disable-next-line" or "disable-file"
    rules: tuple[str, ...]  # empty means every rule


@dataclass(frozen=True, eq=False)
class Document:
    """The facts of one markdown file that every rule reads."""

    path: str
    lines: tuple[str, ...]
    line_kinds: str
    headings: tuple[Heading, ...]
    anchor_list: tuple[Anchor, ...]
    links: tuple[Link, ...]
    lists: tuple[ListBlock, ...]
    directives: tuple[Directive, ...]

    @cached_property
    def anchor_index(self) -> anchor_rules.AnchorIndex:
        return anchor_rules.AnchorIndex(self.anchor_list, self.headings)

    @property
    def anchors(self) -> dict[str, Anchor]:
        """Every anchor by name; the first one wins where names repeat."""
        return self.anchor_index.by_name

    def resolves(self, fragment: str) -> bool:
        return self.anchor_index.resolves(fragment)

    def anchor_for(self, fragment: str) -> Anchor | None:
        return self.anchor_index.anchor_for(fragment)

    def intended_anchor(self, fragment: str, text: str = "") -> Anchor | None:
        return self.anchor_index.intended_anchor(fragment, text)

    def heading_at_anchor(self, anchor: Anchor | None) -> Heading | None:
        if anchor is None or anchor.heading is None:
            return None
        return self.headings[anchor.heading]

    @cached_property
    def toc_entries(self) -> tuple[TocEntry, ...]:
        return tuple(_toc_entries(self))

    @cached_property
    def derived(self) -> dict[object, object]:
        """Views of the document that the layers above compute from it (its questions
        under a profile), kept with it: every rule that asks gets the one computed."""
        return {}

    def forgotten_hash_anchor(self, link: Link) -> Anchor | None:
        """For a relative link like ``(3.标题)``: the in-page anchor it evidently meant."""
        if link.kind != "link" or not is_local_target(link.target) or link.is_in_page:
            return None
        if "/" in link.target or link.target.startswith("."):
            return None
        exact = self.anchor_for(link.target)
        return exact if exact is not None else self.intended_anchor(link.target, link.text)


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_WINDOWS_DRIVE = re.compile(r"^(?:file:/*)?[A-Za-z]:[\\/]", re.IGNORECASE)


def is_windows_drive_path(target: str) -> bool:
    return bool(_WINDOWS_DRIVE.match(target))


def is_local_target(target: str) -> bool:
    """A path in the repository: no scheme (``mailto:``, ``https:``…), not ``//host``."""
    if target.startswith("//"):
        return False
    return not _SCHEME.match(target) or is_windows_drive_path(target)


def is_external_target(target: str) -> bool:
    return target.startswith(("http://", "https://"))


def _toc_entries(doc: Document) -> Iterator[TocEntry]:
    """Items of TOC lists: lists in which most items (at least two) link into the page."""
    entries_before = 0
    for block in doc.lists:
        if block.parent is not None:
            continue
        tree = list(_list_tree(doc, block.index))
        linked = [
            place
            for place in tree
            if place[0].link is not None and _points_into_page(doc, doc.links[place[0].link])
        ]
        if len(linked) < 2 or len(linked) * 2 <= len(tree):
            continue
        # Positions (in the entries yielded) of linked items, and of the entry holding each.
        position_of = {id(place[0]): position for position, place in enumerate(linked)}
        parents = _linked_parents(doc, block.index, position_of)
        holders = {parent for parent in parents.values() if parent is not None}
        first = entries_before
        for position, (item, depth, list_index, item_index) in enumerate(linked):
            assert item.link is not None
            link = doc.links[item.link]
            if link.is_in_page:
                anchor = doc.anchor_for(link.target[1:])
                resolved = doc.resolves(link.target[1:])
                if anchor is None and not resolved:
                    anchor = doc.intended_anchor(link.target[1:], link.text)
            else:
                anchor = doc.forgotten_hash_anchor(link)
                resolved = False
            heading = doc.heading_at_anchor(anchor)
            parent = parents[id(item)]
            yield TocEntry(
                link=item.link,
                line=link.line,
                column=link.column,
                text=link.text,
                depth=depth,
                list_index=list_index,
                resolved=resolved,
                heading=heading.index if heading else None,
                group=position in holders,
                item=item_index,
                parent=first + parent if parent is not None else None,
            )
        entries_before += len(linked)


def _linked_parents(
    doc: Document, index: int, position_of: dict[int, int], holder: int | None = None
) -> dict[int, int | None]:
    """For each item under a list (by ``id``), the position of the closest linked item
    that holds it; ``position_of`` gives the positions of the linked items."""
    parents: dict[int, int | None] = {}
    for item in doc.lists[index].items:
        parents[id(item)] = holder
        inner = position_of.get(id(item), holder)
        for sublist in item.sublists:
            parents.update(_linked_parents(doc, sublist, position_of, inner))
    return parents


def _points_into_page(doc: Document, link: Link) -> bool:
    if link.kind != "link":
        return False
    return link.is_in_page or doc.forgotten_hash_anchor(link) is not None


def _list_tree(
    doc: Document, index: int, depth: int = 0
) -> Iterator[tuple[ListItem, int, int, int]]:
    """Every item under a list: the item, its depth, its list and its place in that list."""
    for place, item in enumerate(doc.lists[index].items):
        yield item, depth, index, place
        for sublist in item.sublists:
            yield from _list_tree(doc, sublist, depth + 1)
