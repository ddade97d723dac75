"""`doclint fix` on the real book and the real chapter in ../shared, copied into temporary
folders (skipped when ../shared is absent; nothing is copied into the repository), and on
the tests' own chapter (tests/data) with CRLF line endings and a BOM."""

from __future__ import annotations

import codecs
import difflib
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from doclint.config.loading import load_config
from doclint.engine import api as engine
from doclint.engine.fixer import SourceText, lines_with_endings
from doclint.parsing import parse_document

from .conftest import CHAPTER, CORPUS, SEED, needs, run_doclint

_LINE_ENDING = re.compile(r"\r\n|\r|\n")


def _changed_lines_hold_links(before: bytes, after: bytes) -> list[str]:
    """Problems with a fixed file: a changed line that holds no link, or a link on a changed
    line that reaches no anchor of the file."""
    old_text, new_text = SourceText.from_bytes(before).text, SourceText.from_bytes(after).text
    old_doc, new_doc = parse_document(old_text), parse_document(new_text)
    old_link_lines = {link.line for link in old_doc.links if link.kind == "link"}
    new_link_lines = {link.line for link in new_doc.links if link.kind == "link"}
    problems = []
    matcher = difflib.SequenceMatcher(
        None, lines_with_endings(old_text), lines_with_endings(new_text), autojunk=False
    )
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        for number in range(old_start + 1, old_end + 1):
            if number not in old_link_lines:
                problems.append(f"line {number} changed but held no link")
        for number in range(new_start + 1, new_end + 1):
            if number not in new_link_lines:
                problems.append(f"new line {number} holds no link")
        for link in new_doc.links:
            on_a_changed_line = new_start < link.line <= new_end and link.kind == "link"
            if on_a_changed_line and not (link.is_in_page and new_doc.resolves(link.target[1:])):
                problems.append(f"new line {link.line}: {link.target} reaches nothing")
    return problems


@pytest.mark.slow
@needs(CORPUS)
def test_fixing_the_real_book(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(CORPUS, book)
    config = load_config(cwd=book)
    originals = {path: path.read_bytes() for path in book.rglob("*") if path.is_file()}
    before = engine.check(["."], config, cwd=book)
    broken = Counter(f.rule for f in before.findings)
    assert broken["toc-anchor"] == 142

    fixed = engine.fix(["."], config, cwd=book)

    assert not fixed.check.errors
    after = engine.check(["."], config, cwd=book)
    left = [f for f in after.findings if f.rule == "toc-anchor"]
    assert len(left) <= 44, f"{len(left)} toc-anchor findings left"
    assert all(f.fix is None for f in after.findings), "a fixable finding is left"
    # What fix reports as left is what a check of the fixed files finds.
    assert [(f.path, f.line, f.rule) for f in fixed.check.findings] == [
        (f.path, f.line, f.rule) for f in after.findings
    ]
    assert fixed.applied["toc-anchor"] == broken["toc-anchor"] - len(left)

    changed = {book / file_fix.display for file_fix in fixed.changed}
    for path, data in originals.items():
        if path in changed:
            assert _changed_lines_hold_links(data, path.read_bytes()) == [], path
        else:
            assert path.read_bytes() == data, f"{path} changed without a fix"

    fixed_bytes = {path: path.read_bytes() for path in originals}
    second = engine.fix(["."], config, cwd=book)
    assert not second.applied and not second.changed
    assert {path: path.read_bytes() for path in originals} == fixed_bytes


def _with_damage(
    chapter: Path, deleted_number: int, retitled_number: int, new_title: str
) -> tuple[str, str, str]:
    """The chapter, the chapter with one TOC entry deleted and another question renamed
    (its id kept), and what fix should make of that: the original TOC, with the renamed
    question's new title."""
    original = chapter.read_text(encoding="utf-8")
    doc = parse_document(original)
    deleted, retitled = doc.toc_entries[deleted_number - 1], doc.toc_entries[retitled_number - 1]
    renamed = doc.headings[retitled.heading]
    assert renamed.kind == "html" and renamed.text != new_title
    lines = original.split("\n")
    lines[renamed.line - 1] = lines[renamed.line - 1].replace(
        f">{renamed.text}</h2>", f">{new_title}</h2>"
    )
    expected = list(lines)
    expected[retitled.line - 1] = expected[retitled.line - 1].replace(
        f"[{retitled.text}]", f"[{new_title}]"
    )
    damaged = lines[: deleted.line - 1] + lines[deleted.line :]
    return original, "\n".join(damaged), "\n".join(expected)


@needs(SEED)
def test_fix_restores_a_deleted_entry_and_a_renamed_title_of_the_real_chapter(
    tmp_path: Path,
) -> None:
    original, damaged, expected = _with_damage(SEED, 10, 20, "20.DALL-E系列每一代都有哪些创新？")
    assert damaged != original
    path = tmp_path / "chapter.md"
    path.write_bytes(damaged.encode("utf-8"))

    result = run_doclint("fix", "chapter.md", cwd=tmp_path)

    assert result.returncode == 1, result.stderr  # the chapter's missing images stay
    assert result.stdout.startswith("chapter.md: fixed 2 (toc-sync 2)\n")
    fixed = path.read_bytes().decode("utf-8")
    toc_end = parse_document(original).toc_entries[-1].line
    assert fixed.split("\n")[:toc_end] == expected.split("\n")[:toc_end]
    assert fixed == expected
    again = run_doclint("fix", "chapter.md", cwd=tmp_path)
    assert again.stdout.startswith("Nothing to fix in 1 file.\n")
    assert path.read_bytes().decode("utf-8") == expected


def test_a_crlf_chapter_with_a_bom_keeps_both(tmp_path: Path) -> None:
    _, damaged, expected = _with_damage(CHAPTER, 9, 12, "12.仿射变换保持哪些几何性质？")
    path = tmp_path / "chapter.md"
    path.write_bytes(codecs.BOM_UTF8 + damaged.replace("\n", "\r\n").encode("utf-8"))

    result = run_doclint("fix", "chapter.md", cwd=tmp_path)

    assert "fixed 2 (toc-sync 2)" in result.stdout, result.stderr
    assert path.read_bytes() == codecs.BOM_UTF8 + expected.replace("\n", "\r\n").encode("utf-8")
