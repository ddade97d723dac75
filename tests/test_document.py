"""The document model: one parse, exact positions, headings, anchors, lists, TOC.

Every test runs with each parser that is installed: both must give the same facts.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doclint.model.document import BLANK, CODE, HEADING
from doclint.parsing import PYTHON, RUST, parse_document, rust_available
from doclint.parsing.python_parser import read_link_text
from doclint.parsing.writing import target_of as read_link_destination


@pytest.fixture(autouse=True, params=[PYTHON, RUST])
def parser(request, monkeypatch) -> str:
    if request.param == RUST and not rust_available():
        pytest.skip("markdown-it-pyrs is not installed")
    monkeypatch.setenv("DOCLINT_PARSER", request.param)
    return request.param


def test_headings_from_markdown_and_raw_html() -> None:
    doc = parse_document(
        "# Title\n\nSetext\n------\n\n<h2 id=\"q-001\">Q one</h2>\n<h3 id='x'>X</h3>\n"
        "<h4 id=plain>Y</h4>\n"
    )
    kinds = [(h.kind, h.level, h.text, h.line, h.anchor) for h in doc.headings]
    assert kinds == [
        ("atx", 1, "Title", 1, "title"),
        ("setext", 2, "Setext", 3, "setext"),
        ("html", 2, "Q one", 6, "q-001"),
        ("html", 3, "X", 7, "x"),
        ("html", 4, "Y", 8, "plain"),
    ]


def test_html_headings_get_no_slug_but_markdown_ones_do() -> None:
    doc = parse_document("<h2>Plain HTML</h2>\n\n## Plain HTML\n")
    assert set(doc.anchors) == {"plain-html"}


def test_link_positions_are_exact_in_every_container() -> None:
    text = (
        "Intro [a](#x) and ![i](p.png)\n"  # line 1
        "> quote <https://e.com> and [b][r]\n"  # line 2
        "\n"
        "1. item\n"  # line 4
        '   continued [c](c.md "title")\n'  # line 5
        "\n"
        "| x | [d](#d) |\n"  # line 7
        "|---|---|\n"
        "\n"
        '<a href="h.md">h</a> www.example.com/page.\n'  # line 10
        "\n"
        "[r]: ./ref.md\n"  # line 12
    )
    doc = parse_document(text)
    found = [(link.kind, link.target, link.line, link.column, link.syntax) for link in doc.links]
    assert found == [
        ("link", "#x", 1, 7, "inline"),
        ("image", "p.png", 1, 19, "inline"),
        ("link", "https://e.com", 2, 9, "autolink"),
        ("link", "./ref.md", 2, 29, "reference"),
        ("link", "c.md", 5, 14, "inline"),
        ("link", "#d", 7, 7, "inline"),
        ("link", "h.md", 10, 1, "html"),
        ("link", "http://www.example.com/page", 10, 22, "bare"),
    ]
    reference = doc.links[3]
    assert reference.target_span is not None and reference.target_span.line == 12


def test_target_span_points_at_the_destination() -> None:
    doc = parse_document('- [标题](#标题 "t") [x](<a b.md>)\n')
    first, second = doc.links
    assert (first.target_span.line, first.target_span.column, first.target_span.length) == (1, 8, 3)
    assert (second.target_span.column, second.target_span.length) == (21, 8)


def test_nothing_in_code_counts() -> None:
    doc = parse_document("`[a](#b)`\n\n    [c](#d)\n\n```\n![e](f.png)\n```\n")
    assert doc.links == ()


def test_crlf_and_cr_line_endings_keep_numbers_exact() -> None:
    for newline in ("\r\n", "\r"):
        doc = parse_document(newline.join(["# A", "", "text [x](#y)", ""]))
        assert [(link.line, link.column) for link in doc.links] == [(3, 6)]


def test_line_kinds() -> None:
    doc = parse_document("# H\n\ntext\n\n```\ncode\n```\n<!-- c -->\n---\n")
    assert doc.line_kinds[0] == HEADING
    assert doc.line_kinds[1] == BLANK
    assert doc.line_kinds[5] == CODE
    assert doc.line_kinds[4] == doc.line_kinds[7] == doc.line_kinds[8] == "m"


def test_front_matter_is_not_markdown() -> None:
    doc = parse_document("---\ntitle: x\n---\n\n# Real\n")
    assert [h.text for h in doc.headings] == ["Real"]


def test_lists_and_nested_toc() -> None:
    doc = parse_document(
        "- [第一部分](#p1)\n"
        "  - [1.一](#q1)\n"
        "  - [2.二](#q2)\n"
        "- [第二部分](#p2)\n"
        "\n"
        '<h1 id="p1">第一部分</h1>\n<h2 id="q1">1.一</h2>\n<h2 id="q2">2.二</h2>\n'
        '<h1 id="p2">第二部分</h1>\n'
    )
    assert [(b.depth, len(b.items)) for b in doc.lists] == [(0, 2), (1, 2)]
    entries = [(e.text, e.depth, e.group, e.resolved, e.parent) for e in doc.toc_entries]
    # A group is an entry that holds entries, decided per entry: 第二部分 holds none.
    assert entries == [
        ("第一部分", 0, True, True, None),
        ("1.一", 1, False, True, 0),
        ("2.二", 1, False, True, 0),
        ("第二部分", 0, False, True, None),
    ]


def test_a_list_of_external_links_is_not_a_toc() -> None:
    doc = parse_document("- [a](https://a.com)\n- [b](https://b.com)\n- [c](#c)\n\n## c\n")
    assert doc.toc_entries == ()


def test_anchor_before_a_heading_names_it() -> None:
    doc = parse_document('<a name="q1"></a>\n\n## 1.问题\n')
    assert doc.heading_at_anchor(doc.anchors["q1"]).text == "1.问题"


def test_suppression_directives() -> None:
    doc = parse_document(
        "<!-- doclint-disable toc-anchor, dead-link -->\ntext <!-- doclint-enable -->\n"
    )
    assert [(d.action, d.rules, d.line) for d in doc.directives] == [
        ("disable", ("toc-anchor", "dead-link"), 1),
        ("enable", (), 2),
    ]


def test_list_items_know_their_marker_content_and_end() -> None:
    doc = parse_document(
        "- [a](#a)\n"  # line 1
        "  - [b](#b)\n"
        "\n"
        "  more of a's item\n"  # line 4
        "\n"
        "> 12)  [c](#c)\n"  # line 6
    )
    outer, inner, quoted = doc.lists
    items = [(i.marker, i.column, i.content_column, i.end_line) for i in outer.items]
    assert items == [("-", 1, 3, 4)]
    items = [(i.marker, i.column, i.content_column, i.end_line) for i in inner.items]
    assert items == [("-", 3, 5, 2)]
    items = [(i.marker, i.column, i.content_column, i.end_line) for i in quoted.items]
    assert items == [("12)", 3, 8, 6)]
    assert [(e.list_index, e.item) for e in doc.toc_entries] == [(0, 0), (1, 0)]


def test_items_that_start_on_their_parents_line_have_their_own_columns() -> None:
    doc = parse_document("- - a\n\n1. 2) - b\n\n> - > - c\n")
    columns = [[(i.marker, i.column, i.content_column) for i in block.items] for block in doc.lists]
    assert columns == [
        [("-", 1, 3)],
        [("-", 3, 5)],
        [("1.", 1, 4)],
        [("2)", 4, 7)],
        [("-", 7, 9)],
        [("-", 3, 5)],
        [("-", 7, 9)],
    ]


def test_link_text_span_points_between_the_brackets() -> None:
    doc = parse_document(
        '- [**标题**](#x "t") ![alt](p.png) [ref][r] [two\nlines](#y)\n\n[r]: #z\n'
    )
    spans = [(link.text, link.text_span) for link in doc.links]
    assert [(text, (s.line, s.column, s.length) if s else None) for text, s in spans] == [
        ("标题", (1, 4, 6)),
        ("alt", (1, 22, 3)),
        ("ref", None),
        ("two lines", None),
    ]


def test_reading_link_destinations_and_texts_back() -> None:
    assert read_link_destination("<#a b>") == "#a b"
    assert read_link_destination("#a\\(b") == "#a(b"
    assert read_link_destination("#a b") is None
    assert read_link_text("a \\] *b*") == "a ] b"
    assert read_link_text("a](#x) [b") is None


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="<>()\\ \t\na#&;%b.:/-", max_size=20), st.integers(0, 3))
def test_destinations_are_read_as_markdown_it_reads_them(text: str, pos: int) -> None:
    from markdown_it import MarkdownIt

    from doclint.parsing.builder import read_destination

    result = MarkdownIt().helpers.parseLinkDestination(text, pos, len(text))
    expected = (result.str, result.pos) if result.ok else None
    assert read_destination(text, pos) == expected


_HTML_HEADING_LINES = st.builds(
    "{indent}<{h}{level}{attributes}{space}>{text}</{h}{level}{space}>{trail}".format_map,
    st.fixed_dictionaries(
        {
            "indent": st.sampled_from(["", "  ", "> ", "- ", "1. ", "   > - "]),
            "h": st.sampled_from(["h", "H"]),
            "level": st.sampled_from("1267"),
            "attributes": st.lists(
                st.sampled_from(
                    [' id="q-1"', " id='x &amp; y'", " id=plain", " ID=Up", ' class="c"', " hidden"]
                ),
                max_size=3,
            ).map("".join),
            "space": st.sampled_from(["", " ", "\t"]),
            "text": st.text(alphabet="ab 问题？&<>/#\t", max_size=12),
            "trail": st.sampled_from(["", " ", "\n", "\nnext line", "<!-- c -->"]),
        }
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_HTML_HEADING_LINES, min_size=1, max_size=3))
def test_plain_html_headings_read_directly_give_the_same_facts(lines: list[str]) -> None:
    from doclint.parsing.builder import FactsBuilder

    text = "\n\n".join(lines) + "\n"
    direct = parse_document(text)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(FactsBuilder, "_plain_html_heading", lambda *_: False)
        general = parse_document(text)
    for fact in ("line_kinds", "headings", "anchor_list", "links", "lists", "directives"):
        assert getattr(direct, fact) == getattr(general, fact), fact


def test_records_are_frozen_dataclasses_that_fill_their_slots_directly() -> None:
    import dataclasses
    import pickle

    from doclint.model.document import Link, Span

    link = Link("link", "#a", "A", 3, 1, "inline", text_span=Span(3, 2, 1))
    assert (link.target_span, link.text_span) == (None, Span(3, 2, 1))
    same = Link(kind="link", target="#a", text="A", line=3, column=1, syntax="inline")
    assert dataclasses.replace(link, text_span=None) == same
    assert hash(dataclasses.replace(link, text_span=None)) == hash(same)
    assert pickle.loads(pickle.dumps(link)) == link
    with pytest.raises(dataclasses.FrozenInstanceError):
        link.line = 4  # type: ignore[misc]
    with pytest.raises(TypeError):
        Link("link", "#a")  # type: ignore[call-arg]
    assert not hasattr(link, "__dict__")
