"""One file's check as the language server keeps it: the findings, and with each what an
editor shows besides its message — how far the link it is about reaches, and the other
place it names (the first element with a duplicate anchor, the heading a TOC entry points
at). The places are worked out from the document the findings were found in, in whichever
process checked it, so that showing a finding never needs the file parsed again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from doclint.core.findings import Finding
from doclint.model.document import Document, Heading, Link


@dataclass(frozen=True)
class FileCheck:
    """The findings of one file, each with its place. ``checked`` is False when the file
    could not be checked (not text, too large): its one finding says why."""

    path: Path
    checked: bool
    findings: tuple[Finding, ...]
    places: tuple[FindingPlace, ...]


@dataclass(frozen=True)
class DiskCheck:
    """A file's check, with the file's stamp on disk when it was made (modification time
    and size: a check of the disk holds while the stamp does) and the files its relative
    links point into (by key)."""

    check: FileCheck
    stamp: tuple[int, int] | None
    links_out: frozenset[str]


@dataclass(frozen=True)
class FindingPlace:
    # Line and column just past the link the finding starts at, when that link's target
    # ends on the finding's line.
    end: tuple[int, int] | None = None
    # Other places the finding names: line, column and what is there.
    related: tuple[tuple[int, int, str], ...] = ()


def finding_places(document: Document, findings: Sequence[Finding]) -> tuple[FindingPlace, ...]:
    """The place of each of ``findings``, in order."""
    if not findings:
        return ()
    links: dict[tuple[int, int], Link] = {}
    for link in document.links:
        links.setdefault((link.line, link.column), link)
    related = RelatedPlaces(document)
    return tuple(_place(finding, links, related) for finding in findings)


def _place(
    finding: Finding, links: dict[tuple[int, int], Link], related: RelatedPlaces
) -> FindingPlace:
    link = links.get((finding.line, finding.column))
    span = link.target_span if link is not None else None
    end = None
    if span is not None and span.line == finding.line:
        end = (span.line, span.column + span.length + 1)  # past its ")"
    named: list[tuple[int, int, str]] = []
    if finding.rule == "duplicate-anchor":
        first = related.first_of_same_anchor(finding.line, finding.column)
        if first is not None:
            named.append((*first, "first defined here"))
    if finding.rule == "toc-sync":
        heading = related.heading_of_entry(finding.line, finding.column)
        if heading is not None:
            named.append((heading.line, heading.column, f'the heading "{heading.text}"'))
    return FindingPlace(end, tuple(named)) if end is not None or named else _NOWHERE_ELSE


_NOWHERE_ELSE = FindingPlace()


class RelatedPlaces:
    """The other place a finding names, found from where the finding is. Indexed once per
    document, for files with thousands of findings."""

    def __init__(self, document: Document) -> None:
        self._document = document
        self._anchors = {(anchor.line, anchor.column): anchor for anchor in document.anchor_list}
        self._entries = {(entry.line, entry.column): entry for entry in document.toc_entries}

    def first_of_same_anchor(self, line: int, column: int) -> tuple[int, int] | None:
        anchor = self._anchors.get((line, column))
        first = self._document.anchors.get(anchor.name) if anchor is not None else None
        if first is None or first is anchor:
            return None
        return first.line, first.column

    def heading_of_entry(self, line: int, column: int) -> Heading | None:
        entry = self._entries.get((line, column))
        if entry is None or entry.heading is None:
            return None
        return self._document.headings[entry.heading]
