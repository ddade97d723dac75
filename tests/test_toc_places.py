"""Where ``toc-sync`` adds a missing question: ``TocPlaces`` works out once per file the
entry it goes after, as a straightforward search per heading would, so a book leaving out
thousands of questions does not take quadratic time. The search is kept here as the
reference."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doclint.book import toc
from doclint.model.document import Document, Heading
from doclint.parsing import parse_document


def reference_entry_before(doc: Document, heading: Heading) -> int | None:
    entries = doc.toc_entries
    spans = set()
    for entry in entries:
        root = doc.lists[entry.list_index]
        while root.parent is not None:
            root = doc.lists[root.parent]
        spans.add((root.line, root.items[-1].end_line))
    for link in doc.links:
        if link.kind != "link" or not link.is_in_page:
            continue
        if any(first <= link.line <= last for first, last in spans):
            reached = doc.anchor_for(link.target[1:])
            if reached is not None and reached.heading == heading.index:
                return None
    placed = [(position, e) for position, e in enumerate(entries) if e.heading is not None]
    before = [(p, e) for p, e in placed if e.heading is not None and e.heading < heading.index]
    after = [(p, e) for p, e in placed if e.heading is not None and e.heading > heading.index]
    if not before:
        return None
    previous = max(before, key=lambda pair: (pair[1].heading, pair[0]))[0]
    following = min(after, key=lambda pair: (pair[1].heading, pair[0]))[0] if after else None
    end = following if following is not None else len(entries)
    if previous >= end or any(entries[p].heading is None for p in range(previous + 1, end)):
        return None
    return previous


@st.composite
def books(draw: st.DrawFn) -> str:
    """A TOC listing some of a book's questions, perhaps out of order, nested by level,
    with entries that reach nothing; then the questions, and links elsewhere."""
    count = draw(st.integers(1, 14))
    words = st.sampled_from(["问题", "LoRA", "注意力", "Q", "什么是"])
    questions = [(draw(st.integers(2, 3)), f"{n}{draw(words)}") for n in range(count)]
    listed = draw(st.lists(st.sampled_from(range(count)), unique=True))
    if draw(st.booleans()):
        listed.sort()
    marker = draw(st.sampled_from(["- ", "* ", "1. "]))
    lines = [
        f"{'  ' * (questions[n][0] - 2)}{marker}[{questions[n][1]}](#{questions[n][1].lower()})"
        for n in listed
    ]
    for _ in range(draw(st.integers(0, 2))):
        lines.insert(draw(st.integers(0, len(lines))), f"{marker}[gone](#gone)")
    body = "".join(f"{'#' * level} {title}\n\n答。\n\n" for level, title in questions)
    for n in draw(st.lists(st.integers(0, count - 1), max_size=2)):
        body += f"[again](#{questions[n][1].lower()})\n"
    return "# Book\n\n" + "\n".join(lines) + "\n\n" + body


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books())
def test_new_entries_go_after_the_entry_a_search_per_heading_finds(text: str) -> None:
    doc = parse_document(text, "doc.md")
    places = toc.TocPlaces(doc)
    for heading in doc.headings:
        assert places.entry_before(heading) == reference_entry_before(doc, heading)


def test_the_places_of_many_missing_questions() -> None:
    toc_lines = "".join(f"- [问题{n}](#问题{n})\n" for n in range(0, 300, 2))
    body = "".join(f"## 问题{n}\n\n答。\n\n" for n in range(300))
    doc = parse_document(toc_lines + "\n" + body, "doc.md")
    places = toc.TocPlaces(doc)
    before = [places.entry_before(heading) for heading in doc.headings]
    assert before == [reference_entry_before(doc, heading) for heading in doc.headings]
    added = [places.new_entry(heading) for heading in doc.headings]
    # Each odd question goes after the even one before it; the listed ones go nowhere.
    assert [entry.link if entry else None for entry in added[:4]] == [
        None,
        "[问题1](#问题1)",
        None,
        "[问题3](#问题3)",
    ]
    assert sum(entry is not None for entry in added) == 150
