"""The fixer: edits land on the original bytes and nothing else changes; files are written
atomically, never over a change made meanwhile, never when they are not UTF-8."""

from __future__ import annotations

import codecs
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from doclint.core.findings import Edit, Fix
from doclint.engine import api as engine
from doclint.engine import fixer
from doclint.engine.fixer import SourceText

from .conftest import edit_while_fixing

BROKEN = "- [1.一？](#1一)\n- [2.二？](#2.二)\n\n## 1.一？\n答。\n## 2.二？\n答。\n"
FIXED = "- [1.一？](#1一)\n- [2.二？](#2二)\n\n## 1.一？\n答。\n## 2.二？\n答。\n"


def _fix(*edits: Edit) -> Fix:
    return Fix("test", edits)


def test_edits_land_on_the_original_line_endings_and_bom() -> None:
    data = codecs.BOM_UTF8 + b"a  \r\nb\rc\nlast"
    source = SourceText.from_bytes(data)
    fixed, applied = source.apply(
        [
            (0, _fix(Edit(2, 2, 0, "x"))),  # end of a CR line
            (1, _fix(Edit(4, 1, 4, "LAST"))),  # the last line, without a final newline
            (2, _fix(Edit(1, 3, 0, "\nnew"))),  # an inserted line takes its line's ending
        ]
    )
    assert applied == [0, 1, 2]
    assert fixed.to_bytes() == codecs.BOM_UTF8 + b"a \r\nnew \r\nbx\rc\nLAST"


def test_a_deletion_across_a_crlf_counts_it_as_one_character() -> None:
    source = SourceText.from_bytes(b"ab\r\ncd\r\n")
    fixed, _ = source.apply([(0, _fix(Edit(1, 2, 3, "X")))])
    assert fixed.to_bytes() == b"aXd\r\n"


def test_a_fix_that_would_join_a_cr_and_an_lf_into_one_ending_is_left_out() -> None:
    source = SourceText.from_bytes(b"a\rxy\nz\n")
    fixed, applied = source.apply([(0, _fix(Edit(2, 1, 2, ""))), (1, _fix(Edit(3, 1, 0, "<")))])
    assert applied == [1]  # "a\r\nz" would be two lines where the parser sees three
    assert fixed.to_bytes() == b"a\rxy\n<z\n"


def test_overlapping_fixes_keep_the_first_and_skip_the_later() -> None:
    source = SourceText.from_bytes(b"0123456789\n")
    fixed, applied = source.apply(
        [
            (0, _fix(Edit(1, 3, 3, "abc"))),  # 234
            (1, _fix(Edit(1, 5, 2, "XY"))),  # 45: overlaps the first
            (2, _fix(Edit(1, 7, 0, "!"), Edit(1, 1, 1, "?"))),  # taken whole
            (3, _fix(Edit(1, 9, 0, "<"))),  # insertions at one place keep their order
            (4, _fix(Edit(1, 9, 0, ">"))),
            (5, _fix(Edit(1, 6, 0, "^"))),  # at the edge of a replaced range: overlaps
            (6, _fix(Edit(3, 1, 0, "x"))),  # past the end of the text: does not fit
            (8, _fix(Edit(1, 10, 0, "a"), Edit(1, 1, 2, "b"))),  # all or nothing: 0 is taken
            (7, _fix(Edit(1, 1, 1, "0"))),  # changes nothing
        ]
    )
    assert applied == [0, 2, 3, 4]
    assert fixed.text == "?1abc5!67<>89\n"


def test_fix_text_goes_on_until_nothing_applies(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text(BROKEN, encoding="utf-8")
    result = engine.fix(["doc.md"], cwd=tmp_path)
    assert path.read_text(encoding="utf-8") == FIXED
    assert result.applied == {"toc-anchor": 1}
    assert [file_fix.display for file_fix in result.changed] == ["doc.md"]
    again = engine.fix(["doc.md"], cwd=tmp_path)
    assert not again.applied and not again.changed


def test_a_file_parsed_early_for_a_link_from_another_is_fixed_too(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("[b](b.md#2二)\n", encoding="utf-8")
    (tmp_path / "b.md").write_bytes(BROKEN.replace("\n", "\r\n").encode())
    result = engine.fix(["."], cwd=tmp_path, jobs=1)
    assert (tmp_path / "b.md").read_bytes() == FIXED.replace("\n", "\r\n").encode()
    assert result.applied == {"toc-anchor": 1}
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "[b](b.md#2二)\n"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("crlf-bom", codecs.BOM_UTF8 + BROKEN.replace("\n", "\r\n").encode()),
        ("cr", BROKEN.replace("\n", "\r").encode()),
        ("mixed, trailing spaces, no final newline", b"x  \r\n" + BROKEN.encode() + b"end \t"),
    ],
)
def test_bytes_outside_the_edits_stay_as_they_were(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / "doc.md"
    path.write_bytes(data)
    engine.fix(["doc.md"], cwd=tmp_path)
    expected = data.replace("(#2.二)".encode(), "(#2二)".encode())
    assert path.read_bytes() == expected


def test_a_crlf_file_with_a_bom_keeps_both_when_a_line_is_added(tmp_path: Path) -> None:
    text = "- [1.一](#1一)\r\n- [2.二](#2二)\r\n\r\n## 1.一\r\n## 2.二\r\n## 3.三\r\n"
    path = tmp_path / "doc.md"
    path.write_bytes(codecs.BOM_UTF8 + text.encode())
    result = engine.fix(["doc.md"], cwd=tmp_path)
    assert result.applied == {"toc-sync": 1}
    added = text.replace("(#2二)\r\n", "(#2二)\r\n- [3.三](#3三)\r\n")
    assert path.read_bytes() == codecs.BOM_UTF8 + added.encode()


def test_files_that_are_not_utf8_are_never_rewritten(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.md"
    latin1.write_bytes("[x](#é)\n\n## é!\n".encode("latin-1"))
    utf16 = tmp_path / "utf16.md"
    utf16.write_bytes(codecs.BOM_UTF16_LE + BROKEN.encode("utf-16-le"))
    before = {path: path.read_bytes() for path in (latin1, utf16)}

    result = engine.fix(["."], cwd=tmp_path)

    assert {path: path.read_bytes() for path in before} == before
    assert not result.applied and not result.changed
    reasons = {file_fix.display: file_fix.not_rewritten for file_fix in result.files}
    assert reasons == {
        "latin1.md": "file is not valid UTF-8",
        "utf16.md": "file is not valid UTF-8",
    }
    # What is left is what check reports: the encoding error, and the UTF-16 file's anchor.
    rules = sorted((f.path, f.rule) for f in result.check.findings)
    assert rules == [("latin1.md", "encoding"), ("utf16.md", "toc-anchor")]


def test_a_file_changed_on_disk_since_it_was_read_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text(BROKEN, encoding="utf-8")
    planned = engine.fix(["doc.md"], cwd=tmp_path, write=False)
    (file_fix,) = planned.changed
    assert path.read_text(encoding="utf-8") == BROKEN  # write=False writes nothing

    path.write_text(BROKEN + "someone else's line\n", encoding="utf-8")
    assert file_fix.original is not None and file_fix.fixed is not None
    with pytest.raises(fixer.ChangedOnDisk, match="changed on disk"):
        fixer.replace_file(path, file_fix.original, file_fix.fixed)

    assert path.read_text(encoding="utf-8") == BROKEN + "someone else's line\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.md"]


def test_a_change_between_read_and_write_fails_the_run(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "doc.md"
    path.write_text(BROKEN, encoding="utf-8")
    edit_while_fixing(monkeypatch, path, "an edit made meanwhile\n")
    result = engine.fix(["doc.md"], cwd=tmp_path, jobs=1)

    assert [(e.path, e.message) for e in result.check.errors] == [
        ("doc.md", "changed on disk since doclint read it; not written (run again)")
    ]
    assert path.read_text(encoding="utf-8") == "an edit made meanwhile\n"
    assert not result.applied  # nothing was fixed on disk
    assert [f.rule for f in result.check.findings] == ["toc-anchor"]


@pytest.mark.skipif(os.name != "posix", reason="permission bits and links are POSIX")
def test_permission_bits_and_symbolic_links_are_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text(BROKEN, encoding="utf-8")
    real.chmod(0o640)
    (tmp_path / "link.md").symlink_to(real)

    engine.fix(["link.md"], cwd=tmp_path)

    assert (tmp_path / "link.md").is_symlink()
    assert real.read_text(encoding="utf-8") == FIXED
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_a_failed_write_leaves_the_original_and_no_temporary_file(
    tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "doc.md"
    path.write_text(BROKEN, encoding="utf-8")

    def full_disk(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fixer.os, "fsync", full_disk)
    result = engine.fix(["doc.md"], cwd=tmp_path)

    assert [e.message for e in result.check.errors] == ["cannot write: No space left on device"]
    assert path.read_text(encoding="utf-8") == BROKEN
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.md"]


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_a_process_killed_between_write_and_rename_leaves_the_original(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text(BROKEN, encoding="utf-8")
    # The fixer has written and synced the new file when it renames it: die right there.
    script = textwrap.dedent(
        """
        import os, signal, sys
        from pathlib import Path
        from doclint.engine import api as engine, fixer

        def killed(*args):
            os.kill(os.getpid(), signal.SIGKILL)

        fixer.os.replace = killed
        engine.fix(["doc.md"], cwd=Path(sys.argv[1]))
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, timeout=120
    )

    assert completed.returncode == -signal.SIGKILL
    assert path.read_text(encoding="utf-8") == BROKEN
    (left,) = [p for p in tmp_path.iterdir() if p.name != "doc.md"]
    assert left.name.startswith(".doc.md.") and left.name.endswith(".doclint-tmp")
    assert left.read_text(encoding="utf-8") == FIXED  # it died after the write, before the rename
    # The leftover is no markdown file: a later run checks and fixes doc.md alone.
    assert [f.display for f in engine.fix(["."], cwd=tmp_path).files] == ["doc.md"]
    assert path.read_text(encoding="utf-8") == FIXED


def test_unified_diff_keeps_line_endings_and_marks_a_missing_final_newline() -> None:
    diff = fixer.unified_diff("a.md", b"x\r\ny", b"x\r\nz")
    assert diff == (
        "--- a/a.md\n+++ b/a.md\n@@ -1,2 +1,2 @@\n x\r\n-y\n\\ No newline at end of file\n"
        "+z\n\\ No newline at end of file\n"
    )
