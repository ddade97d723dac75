"""Long files are parsed a section at a time (``doclint.parsing.sections``), so a parser's
tree never holds a whole 30 MB chapter; the facts are those of the file parsed whole.

Sections are made tiny here, so that every file is cut at each heading it may be cut at.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doclint.parsing import PYTHON, RUST, parse_document, rust_available, sections

from .conftest import CORPUS
from .test_fuzz import blocks
from .test_parsers_agree import FACTS, markdown_files

PARSERS = [PYTHON, RUST] if rust_available() else [PYTHON]


@contextmanager
def sections_of(size: int) -> Iterator[list[int]]:
    """Sections of ``size`` characters while it lasts; yields the length of every text
    handed to a parser in sections."""
    parsed: list[int] = []
    walk_in_sections = sections.walk_in_sections

    def recording(builder, parse, runs_to_end, walk):
        def parse_and_record(section: str, lines: list[str]):
            parsed.append(len(section))
            return parse(section, lines)

        return walk_in_sections(builder, parse_and_record, runs_to_end, walk)

    saved = sections.SECTION_SIZE
    sections.SECTION_SIZE = size
    sections.walk_in_sections = recording
    try:
        yield parsed
    finally:
        sections.SECTION_SIZE = saved
        sections.walk_in_sections = walk_in_sections


def facts(text: str, parser: str) -> list[object]:
    document = parse_document(text, "doc.md", parser=parser)
    return [getattr(document, fact) for fact in FACTS] + [document.toc_entries]


def assert_same_facts_in_sections(text: str, parser: str, size: int = 1) -> list[int]:
    whole = facts(text, parser)
    with sections_of(size) as parsed:
        assert facts(text, parser) == whole
    return parsed


@pytest.mark.parametrize("parser", PARSERS)
def test_real_books_read_the_same_in_sections(parser: str) -> None:
    files = markdown_files()
    parsed = 0
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        parsed += len(assert_same_facts_in_sections(text, parser, 200))
    # Files were cut, not merely parsed whole.
    assert parsed > (10 if CORPUS.exists() else 1) * len(files)


# Each has a line that starts like a heading but may not be one, or something else that
# could read differently when cut there.
TRICKY = {
    "fence": "# a\n```\n# in a fence\n```\n# b\ntext\n",
    "fence-unclosed": "# a\n```\n# in a fence\n# still\n",
    "fence-longer-close": "# a\n~~~~\n## x\n~~~\n## y\n~~~~\n# z\n",
    "fence-closed-next-section": "# a\n```\ncode\n# x\n```\n# y\n",
    "fence-then-heading": "# a\n```\ncode\n```\n# b\n",
    "fence-closed-by-shorter": "# a\n````\ncode\n```\n# in\n````\n# b\n",
    "fence-closed-by-other-character": "# a\n~~~\ncode\n```\n# in\n~~~\n# b\n",
    "fence-closing-with-text": "# a\n```\ncode\n``` x\n# in\n```\n# b\n",
    "fence-closing-with-tab": "# a\n```\ncode\n```\t\n# b\n",
    "fence-closing-indented-3": "# a\n```\ncode\n   ```\n# b\n",
    "fence-closing-indented-4": "# a\n```\ncode\n    ```\n# in\n```\n# b\n",
    "fence-opened-last": "# a\ntext\n```\n# in\n```\n# b\n",
    "fence-empty-closed": "# a\n```\n```\n# b\n",
    "html": "# a\n<div>\n# in html\n</div>\n\n# out\n",
    "html-comment": "# a\n<!--\n# in a comment\n-->\n# after\n",
    "html-pre": "# a\n<pre>\n# in pre\n</pre>\n# after\n",
    "html-custom-tag": "# a\n<custom-tag>\n# in html\n\n# out\n",
    "html-ended-by-blank": "# a\n<div>\n\n# out\n",
    "definition-after-use": "# a\n[text][ref]\n# b\n[ref]: /url\n",
    "definition-before-use": "# a\n[ref]: /url\n# b\n[text][ref]\n",
    "definition-in-list": "- [ref]: /url\n# b\n[text][ref]\n",
    "paragraph": "para\n# h\n---\n",
    "list-fence": "- item\n  ```\n# h\n  ```\n",
    "quote": "> quote\n# h\n> quote\n",
    "table": "| a |\n|---|\n| b |\n# h\n| c |\n",
    "indented-code": "    # code\n# h\n    # code\n",
    "front-matter": "---\ntitle: x\n---\n# h\ntext\n# h2\n",
    "crlf": "# a\r\n```\r\n# in\r\n```\r\n# b\r\n[x](#a)\r\n",
    "cr": "# a\r```\r# in\r```\r# b\r[x](#a)\r",
    "repeated": "# h\n" * 50 + "[x](#h-49)\n",
    "toc-ahead": "- [B](#b)\n- [C](#c)\n# A\n# B\n## C\n",
    "empty-headings": "#\n# \n#\tx\n#hashtag\n###### six\n####### seven\n",
    "disabled": "<!-- doclint-disable -->\n# a\n[bad](#nope)\n<!-- doclint-enable -->\n# b\n",
    "no-final-newline": "# a\ntext\n# b\n[x](#a)",
    "cjk": "# 什么是注意力？\n答案。\n## 1. LoRA（α）\n- [什么是注意力？](#什么是注意力)\n",
}


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("text", TRICKY.values(), ids=TRICKY.keys())
def test_lines_that_look_like_headings_read_the_same_in_sections(text: str, parser: str) -> None:
    assert_same_facts_in_sections(text, parser)


# Blocks that may hold a line like a heading, or define what links elsewhere use.
heading = st.builds(lambda level, word: "#" * level + " " + word, st.integers(1, 7), blocks())
hiding = st.one_of(
    st.builds(
        lambda fence, inner: f"{fence}\n{inner}", st.sampled_from(["```", "~~~", "````"]), heading
    ),
    st.builds(
        lambda tag, inner: f"{tag}\n{inner}",
        st.sampled_from(["<div>", "<!--", "<pre>", "<x-y>"]),
        heading,
    ),
    st.sampled_from(
        ["```", "-->", "</pre>", "</div>", "", "[ref]: /url", "[text][ref]", "- a", "> b"]
    ),
)
books = st.lists(
    st.tuples(st.one_of(blocks(), heading, hiding), st.sampled_from(["\n", "\n\n"])), max_size=16
).map(lambda parts: "".join(part + separator for part, separator in parts))


@pytest.mark.parametrize("parser", PARSERS)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=books)
def test_generated_books_read_the_same_in_sections(parser: str, text: str) -> None:
    assert_same_facts_in_sections(text, parser)


def test_no_section_much_longer_than_asked_is_parsed() -> None:
    # The bound on memory: a parser is never handed more than a section and the rest of
    # the chapter it ends in.
    chapter = "".join(f"## {n}. 问题\n\n答案 [链接](#{n}-问题)。\n\n" for n in range(2_000))
    longest_chapter = max(len(part) for part in chapter.split("## ")) + 3
    for parser in PARSERS:
        with sections_of(1_000) as parsed:
            parse_document(chapter, "doc.md", parser=parser)
        assert len(parsed) > 50
        assert max(parsed) <= 1_000 + longest_chapter


def test_a_fence_open_at_a_sections_end_takes_in_more_until_it_closes() -> None:
    fenced = "```\n" + "".join(f"# {n} in a fence\n" for n in range(100)) + "```\n"
    text = "# a\n" + fenced + "# b\n" * 100
    for parser in PARSERS:
        parsed = assert_same_facts_in_sections(text, parser, 20)
        # Each time a section ends in the fence, the next try is twice as long.
        assert any(length > len(fenced) for length in parsed)
        assert len(parsed) < 100
