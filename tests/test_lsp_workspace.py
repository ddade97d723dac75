"""``doclint.engine.buffers``, the engine the language server asks: the same findings and fixes
as ``doclint check`` and ``doclint fix``, with open buffers taking precedence over the
disk; and ``doclint.lsp.positions``, where doclint's columns become LSP's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from doclint.engine import api as engine
from doclint.engine.buffers import Workspace

from .conftest import CORPUS, REPO, needs

pytest.importorskip("lsprotocol", reason="the lsp extra (pygls) is not installed")

from lsprotocol import types

from doclint.lsp.positions import Positions


def as_rows(findings) -> list[tuple]:
    return sorted((f.path, f.line, f.column, f.rule, f.severity, f.message) for f in findings)


def check_every_file(root: Path) -> None:
    workspace = Workspace(root)
    expected = engine.check(["."], cwd=root, jobs=1)
    found = []
    for display in expected.files:
        found.extend(workspace.check(root / display).findings)
    assert as_rows(found) == as_rows(expected.findings)


def test_the_example_book_has_the_findings_of_doclint_check(tmp_path: Path):
    shutil.copytree(REPO / "examples" / "book", tmp_path / "book")
    check_every_file(tmp_path / "book")


@needs(CORPUS)
def test_the_real_book_has_the_findings_of_doclint_check():
    check_every_file(CORPUS)  # read in place, never written


def test_fixes_are_those_of_doclint_fix(tmp_path: Path):
    book = tmp_path / "book"
    shutil.copytree(REPO / "examples" / "book", book)
    workspace = Workspace(book)
    fixed = engine.fix(["."], cwd=book, write=False, jobs=1)
    for file_fix in fixed.files:
        expected = file_fix.fixed.decode("utf-8") if file_fix.fixed else None
        assert workspace.fixed_text(book / file_fix.display) == expected


def test_an_open_buffer_takes_precedence_over_the_disk(tmp_path: Path):
    (tmp_path / "a.md").write_text("# A\n\n[b](b.md#2乙)\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# B\n\n## 1.甲\n", encoding="utf-8")
    workspace = Workspace(tmp_path)
    assert [f.rule for f in workspace.check(tmp_path / "a.md").findings] == ["dead-link"]
    workspace.open(tmp_path / "b.md", "# B\n\n## 2.乙\n")
    assert workspace.check(tmp_path / "a.md").findings == ()
    assert workspace.dependents(tmp_path / "b.md") == []  # a.md is not open
    workspace.open(tmp_path / "a.md", "# A\n\n[b](b.md#2乙) [c](c.md)\n")
    assert [f.rule for f in workspace.check(tmp_path / "a.md").findings] == ["dead-link"]
    workspace.open(tmp_path / "c.md", "# C, never saved\n")
    assert workspace.check(tmp_path / "a.md").findings == ()
    assert workspace.dependents(tmp_path / "c.md") == [tmp_path / "a.md"]


def test_positions_count_utf16_code_units():
    positions = Positions("ab\r\n😀中x\ny")
    assert positions.position(2, 3) == types.Position(line=1, character=3)
    assert positions.column(types.Position(line=1, character=3)) == (2, 3)
    assert positions.column(types.Position(line=1, character=2)) == (2, 2)
    utf8 = Positions("😀中x", types.PositionEncodingKind.Utf8)
    assert utf8.position(1, 3) == types.Position(line=0, character=7)


@pytest.mark.parametrize(
    ("new_text", "expected"),
    [
        ("ab\r\n😀中xz\ny", ((1, 4), (1, 4), "z")),
        ("ab\r\n\r\n😀中x\ny", ((1, 0), (1, 0), "\r\n")),
        ("ab\r\ny", ((1, 0), (2, 0), "")),
        ("Xab\r\n😀中x\ny", ((0, 0), (0, 0), "X")),
    ],
)
def test_one_edit_turns_a_text_into_another(new_text: str, expected):
    edit = Positions("ab\r\n😀中x\ny").replacement(new_text)
    start, end, inserted = expected
    assert (edit.range.start.line, edit.range.start.character) == start
    assert (edit.range.end.line, edit.range.end.character) == end
    assert edit.new_text == inserted
