"""markdown-it-py and markdown-it-pyrs give the same facts, so the same findings.

The fast parser is used automatically when installed (``doclint[fast]``); these tests
prove it changes nothing on the real book and chapter and on the example book.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doclint.parsing import PYTHON, RUST, chosen_parser, parse_document, rust_available

from .conftest import CHAPTER, CORPUS, REPO, SEED

pytestmark = pytest.mark.skipif(not rust_available(), reason="markdown-it-pyrs is not installed")

FACTS = ("lines", "line_kinds", "headings", "anchor_list", "links", "lists", "directives")


def markdown_files() -> list[Path]:
    files = [*sorted((REPO / "examples" / "book").glob("*.md")), CHAPTER]
    if SEED.exists():
        files.append(SEED)
    if CORPUS.exists():
        files += sorted(CORPUS.rglob("*.md"))
    return files


def test_every_fact_is_the_same_with_either_parser() -> None:
    files = markdown_files()
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        python = parse_document(text, str(path), parser=PYTHON)
        rust = parse_document(text, str(path), parser=RUST)
        for fact in FACTS:
            assert getattr(python, fact) == getattr(rust, fact), f"{path}: {fact}"
        assert python.toc_entries == rust.toc_entries, path
    if CORPUS.exists():
        assert len(files) > 118


def test_findings_are_the_same_with_either_parser(monkeypatch) -> None:
    from doclint.config.loading import load_config
    from doclint.engine import api as engine

    folder = CORPUS if CORPUS.exists() else REPO / "examples" / "book"
    results = []
    for parser in (PYTHON, RUST):
        monkeypatch.setenv("DOCLINT_PARSER", parser)
        assert chosen_parser() == parser
        result = engine.check(["."], load_config(cwd=folder), cwd=folder, jobs=1)
        results.append(
            [(f.path, f.line, f.column, f.rule, f.message, f.suggestion) for f in result.findings]
        )
    assert results[0] == results[1]
    assert results[0]


@pytest.mark.parametrize(
    "text",
    [
        "> " * 6_000 + "deep\n",
        "- " * 6_000 + "deep\n",
        "[°\x8b\U000d94b5\n\x96ÿ\U0007604b`",  # markdown-it-pyrs panics on this one
    ],
)
def test_input_the_fast_parser_cannot_take_goes_to_the_python_parser(text: str, capfd) -> None:
    rust = parse_document(text, parser=RUST)
    assert rust.lines == parse_document(text, parser=PYTHON).lines
    assert "panicked" not in capfd.readouterr().err


LINK_TEXT_ALPHABET = "ab[]()\\`*_&;#<>!- \u3000中"


@settings(max_examples=2_000, deadline=None)
@given(st.text(alphabet=LINK_TEXT_ALPHABET, max_size=12))
def test_link_texts_read_back_the_same_with_either_parser(label: str) -> None:
    # Fixes write a link text only if it reads back as meant: both parsers must agree.
    from doclint.parsing import python_parser, rust_parser

    assert rust_parser.read_link_text(label) == python_parser.read_link_text(label)


@settings(max_examples=1_000, deadline=None)
@given(st.text(alphabet="a[<`:/w.中\n", max_size=30), st.data())
def test_a_block_may_hold_links_exactly_when_its_bytes_hold_one_of_their_marks(
    text: str, data: st.DataObject
) -> None:
    # The fast parser skips the inline nodes of blocks without these: none may be missed.
    from doclint.parsing.rust_parser import _Positions

    positions = _Positions(text, text.split("\n"))
    size = len(positions.data)
    start = data.draw(st.integers(0, size))
    end = data.draw(st.integers(start, size))
    block = positions.data[start:end]
    marks = (b"[", b"<", b"`", b"://", b"www.")
    assert positions.may_hold_links(start, end) == any(mark in block for mark in marks)
