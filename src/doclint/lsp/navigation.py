"""Go to definition, find references and rename, for links, headings and ids.

Which anchor a fragment reaches, which links reach an anchor and what slug a new title
gets are the engine's answers (``Document.anchor_for``, ``Workspace.links_into``,
``Workspace.slug_after_retitling``); here they become locations and edits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types

from doclint.engine.buffer_views import LinkPlace, heading_text_written
from doclint.lsp.files import OpenFile
from doclint.model.anchors import TOP_OF_PAGE, fragment_target, written_like
from doclint.model.document import Anchor, Document, Heading, Link, Span
from doclint.parsing.writing import html_attribute


def link_at(document: Document, line: int, column: int) -> Link | None:
    """The link written at a place, from its ``[`` to its closing ``)``."""
    for link in document.links:
        if link.line != line or link.column > column:
            continue
        span = link.target_span
        if span is not None and span.line == line:
            end = span.column + span.length + 1
        else:
            end = link.column + len(link.text) + 2
        if column <= end:
            return link
    return None


def fragment_span(document: Document, link: Link) -> tuple[Span, str] | None:
    """Where a link's fragment is written (after ``#``), and how."""
    span = link.target_span
    if span is None:
        return None
    written = document.lines[span.line - 1][span.column - 1 : span.column - 1 + span.length]
    hash_at = written.find("#")
    if hash_at < 0:
        return None
    fragment = written[hash_at + 1 :].removesuffix(">")
    return Span(span.line, span.column + hash_at + 1, len(fragment)), fragment


_BARE_ESCAPES = {" ": "%20", "\t": "%09", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"}


def _in_angle_brackets(document: Document, link: Link) -> bool:
    """Whether the link's destination is written ``<…>`` (where spaces may stand)."""
    span = link.target_span
    if span is None:
        return False
    return document.lines[span.line - 1][span.column - 1 : span.column].startswith("<")


@dataclass(frozen=True)
class Target:
    """An anchor a request is about: in ``path``, named ``anchor``; ``heading`` when it is
    a markdown heading's slug (renaming it means retitling the heading)."""

    path: Path
    document: Document
    anchor: Anchor
    heading: Heading | None

    @property
    def renames_title(self) -> bool:
        return self.anchor.kind == "slug" and self.heading is not None


def target_of_link(file: OpenFile, link: Link) -> Target | None:
    fragment = link.fragment
    path = file.book.resolve_target(link.target, file.path)
    if fragment is None or path is None or fragment_target(fragment) in TOP_OF_PAGE:
        return None
    document = file.book.document(path)
    anchor = document.anchor_for(fragment) if document is not None else None
    if document is None or anchor is None:
        return None
    return Target(path, document, anchor, document.heading_at_anchor(anchor))


def target_at(file: OpenFile, position: types.Position) -> tuple[Target | None, Link | None]:
    """The anchor at the cursor: an id or name written there, a heading's, or the one a
    link's fragment reaches (and then that link)."""
    document = file.document
    if document is None:
        return None, None
    line, column = file.place(position)
    for anchor in document.anchor_list:
        on_it = anchor.line == line and anchor.column <= column <= anchor.column + len(anchor.name)
        if anchor.kind != "slug" and on_it:
            heading = document.heading_at_anchor(anchor)
            return Target(file.path, document, anchor, heading), None
    for heading in document.headings:
        if heading.line <= line <= heading.end_line and heading.anchor is not None:
            anchor = document.anchors.get(heading.anchor)
            if anchor is not None and anchor.heading == heading.index:
                return Target(file.path, document, anchor, heading), None
    link = link_at(document, line, column)
    return (target_of_link(file, link), link) if link is not None else (None, None)


def _declaration(file: OpenFile, target: Target) -> types.Location:
    """Where the anchor is named: an id's value, or the text of a heading with a slug."""
    heading = target.heading
    if target.renames_title and heading is not None:
        return file.location(target.path, heading.line, heading.column, len(heading.text))
    anchor = target.anchor
    return file.location(target.path, anchor.line, anchor.column, len(anchor.name))


def _fragment_location(file: OpenFile, place: LinkPlace) -> types.Location:
    found = fragment_span(place.document, place.link)
    if found is None:
        link = place.link
        return file.location(place.path, link.line, link.column)
    span, _ = found
    return file.location(place.path, span.line, span.column, span.length)


def definition(file: OpenFile, params: types.DefinitionParams) -> types.Location | None:
    document = file.document
    if document is None:
        return None
    line, column = file.place(params.position)
    link = link_at(document, line, column)
    if link is None:
        return None
    target = target_of_link(file, link)
    if target is not None:
        return _declaration(file, target)
    path = file.book.resolve_target(link.target, file.path)
    if path is None or link.is_in_page or not path.is_file():
        return None
    return file.location(path, 1, 1)


def references(file: OpenFile, params: types.ReferenceParams) -> list[types.Location] | None:
    target, _ = target_at(file, params.position)
    if target is None:
        return None
    found = [
        _fragment_location(file, place)
        for place in file.book.links_into(target.path, target.anchor.name)
    ]
    if params.context.include_declaration:
        found.insert(0, _declaration(file, target))
    return found


def _name_range(file: OpenFile, target: Target) -> types.Range | None:
    """What the user renames: an id's value, or a markdown heading's text."""
    location = _declaration(file, target)
    if target.renames_title:
        assert target.heading is not None
        if not heading_text_written(target.document, target.heading):
            return None
    return location.range


def prepare_rename(
    file: OpenFile, params: types.PrepareRenameParams
) -> types.PrepareRenamePlaceholder | None:
    target, through = target_at(file, params.position)
    range_ = _name_range(file, target) if target is not None else None
    if target is None or range_ is None:
        return None
    name = target.heading.text if target.renames_title and target.heading else target.anchor.name
    document = file.document
    found = fragment_span(document, through) if through and document else None
    if found is not None:
        span, _ = found
        range_ = file.positions.span(span.line, span.column, span.length)
    return types.PrepareRenamePlaceholder(range_, name)


def rename(file: OpenFile, params: types.RenameParams) -> types.WorkspaceEdit | None:
    target, _ = target_at(file, params.position)
    if target is None or _name_range(file, target) is None or not params.new_name:
        return None
    changes: dict[str, list[types.TextEdit]] = {}

    def change(location: types.Location, new_text: str) -> None:
        changes.setdefault(location.uri, []).append(types.TextEdit(location.range, new_text))

    if target.renames_title:
        assert target.heading is not None
        new_anchor = file.book.slug_after_retitling(target.path, target.heading, params.new_name)
        if new_anchor is None:
            return None
        change(_declaration(file, target), params.new_name)
    else:
        new_anchor = params.new_name
        change(_declaration(file, target), html_attribute(new_anchor))
    for place in file.book.links_into(target.path, target.anchor.name):
        found = fragment_span(place.document, place.link)
        if found is not None:
            span, written = found
            location = file.location(place.path, span.line, span.column, span.length)
            fragment = written_like(written, new_anchor)
            if not _in_angle_brackets(place.document, place.link):
                # A bare destination ends at a space, and parentheses must balance.
                fragment = "".join(_BARE_ESCAPES.get(char, char) for char in fragment)
            change(location, fragment)
    return types.WorkspaceEdit(changes=changes)
