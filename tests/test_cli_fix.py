"""`doclint fix`, `doclint check --fix` and `doclint toc`, through click's runner and as a
real process."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from click.testing import CliRunner

from doclint.cli.commands import cli

from .conftest import edit_while_fixing, run_doclint

CHAPTER = """\
# 目录

- [1.什么是注意力？](#1.什么是注意力？)
- [2.什么是残差？](#2.什么是残差)
- [3.什么是归一化？](3.什么是归一化？)

<h2 id="1.什么是注意力？">1.什么是注意力？</h2>

注意力是一种加权求和。

<h2 id="2.什么是残差？">2.什么是残差？</h2>

残差连接。

<h2 id="3.什么是归一化？">3.什么是归一化？</h2>

归一化。

<h2 id="4.什么是丢弃？">4.什么是丢弃？</h2>

丢弃。

![](missing.png)
"""

FIXED = (
    CHAPTER.replace("(#2.什么是残差)", "(#2.什么是残差？)")
    .replace("(3.什么是归一化？)", "(#3.什么是归一化？)")
    .replace("(#3.什么是归一化？)\n", "(#3.什么是归一化？)\n- [4.什么是丢弃？](#4.什么是丢弃？)\n")
)


@pytest.fixture
def chapter(book) -> Path:
    return book({"book/ch1.md": CHAPTER})


def invoke(folder: Path, *args: str, monkeypatch):
    monkeypatch.chdir(folder)
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_fix_applies_every_fix_and_says_what_is_left(chapter: Path, monkeypatch) -> None:
    result = invoke(chapter, "fix", "book", monkeypatch=monkeypatch)
    assert (chapter / "book/ch1.md").read_text(encoding="utf-8") == FIXED
    assert result.stdout.splitlines() == [
        "book/ch1.md: fixed 3 (dead-link 1, toc-anchor 1, toc-sync 1)",
        "Fixed 3 problems in 1 of 1 file (dead-link 1, toc-anchor 1, toc-sync 1).",
        "Left for a person: 2 problems (image-alt 1, missing-image 1); "
        "`doclint check` shows where.",
    ]
    assert result.exit_code == 1  # missing-image is an error, and no fix can make the image

    again = invoke(chapter, "fix", "book", "--ignore", "missing-image", monkeypatch=monkeypatch)
    assert again.stdout.splitlines()[0] == "Nothing to fix in 1 file."
    assert again.exit_code == 0
    assert (chapter / "book/ch1.md").read_text(encoding="utf-8") == FIXED


def test_fix_diff_prints_a_patch_and_writes_nothing(chapter: Path, monkeypatch) -> None:
    result = invoke(chapter, "fix", "--diff", "book", monkeypatch=monkeypatch)
    assert (chapter / "book/ch1.md").read_text(encoding="utf-8") == CHAPTER
    assert result.stdout.startswith("--- a/book/ch1.md\n+++ b/book/ch1.md\n@@ -1,8 +1,9 @@\n")
    changed = [line for line in result.stdout.splitlines()[3:] if line[:1] in "+-"]
    assert changed == [
        "-- [2.什么是残差？](#2.什么是残差)",
        "-- [3.什么是归一化？](3.什么是归一化？)",
        "+- [2.什么是残差？](#2.什么是残差？)",
        "+- [3.什么是归一化？](#3.什么是归一化？)",
        "+- [4.什么是丢弃？](#4.什么是丢弃？)",
    ]
    assert "Would fix 3 problems in 1 of 1 file" in result.stderr
    assert result.exit_code == 1  # the files still hold what check fails on

    # The patch is the fix: applied with git, it gives what `doclint fix` writes.
    (chapter / "fix.patch").write_text(result.stdout, encoding="utf-8")
    applied = run_git(chapter, "apply", "fix.patch")
    assert applied.returncode == 0, applied.stderr
    assert (chapter / "book/ch1.md").read_text(encoding="utf-8") == FIXED


def run_git(folder: Path, *args: str):
    import subprocess

    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=False)


def test_fix_select_and_ignore_choose_the_rules(chapter: Path, monkeypatch) -> None:
    result = invoke(chapter, "fix", "--select", "toc-anchor,toc-sync", monkeypatch=monkeypatch)
    assert "Fixed 2 problems in 1 of 1 file (toc-anchor 1, toc-sync 1)." in result.stdout
    text = (chapter / "book/ch1.md").read_text(encoding="utf-8")
    assert "(3.什么是归一化？)" in text and "(#2.什么是残差？)" in text
    result = invoke(chapter, "fix", "--ignore", "toc-sync", monkeypatch=monkeypatch)
    assert "Fixed 1 problem in 1 of 1 file (dead-link 1)." in result.stdout
    assert (chapter / "book/ch1.md").read_text(encoding="utf-8") == FIXED
    unknown = invoke(chapter, "fix", "--select", "toc-anchr", monkeypatch=monkeypatch)
    assert unknown.exit_code == 2 and "unknown rule" in unknown.output


def test_check_fix_reports_what_is_left_in_checks_own_format(chapter: Path, monkeypatch) -> None:
    result = invoke(chapter, "check", "--fix", "--format", "json", monkeypatch=monkeypatch)
    import json

    data = json.loads(result.stdout)  # the summary of fixes goes to stderr
    assert sorted(f["rule"] for f in data["findings"]) == ["image-alt", "missing-image"]
    assert "Fixed 3 problems in 1 of 1 file" in result.stderr
    assert result.exit_code == 1
    assert (chapter / "book/ch1.md").read_text(encoding="utf-8") == FIXED

    plain = invoke(chapter, "check", "--fix", "--select", "toc-anchor", monkeypatch=monkeypatch)
    assert plain.stdout == "No problems found in 1 file.\n"
    assert plain.stderr == "Nothing to fix in 1 file.\n"
    assert plain.exit_code == 0


def test_a_file_changed_while_fixing_exits_2_and_stays_as_changed(
    chapter: Path, monkeypatch
) -> None:
    path = chapter / "book/ch1.md"
    edit_while_fixing(monkeypatch, path, "# edited meanwhile\n")
    result = invoke(chapter, "fix", "book", monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert result.stderr == (
        "doclint: error: book/ch1.md: changed on disk since doclint read it; "
        "not written (run again)\n"
    )
    assert path.read_text(encoding="utf-8") == "# edited meanwhile\n"


def test_a_file_that_is_not_utf8_is_named_and_left_alone(book, monkeypatch) -> None:
    folder = book({})
    data = codecs.BOM_UTF16_LE + CHAPTER.encode("utf-16-le")
    (folder / "utf16.md").write_bytes(data)
    result = invoke(folder, "fix", monkeypatch=monkeypatch)
    assert "utf16.md: not rewritten: file is not valid UTF-8" in result.stdout
    assert (folder / "utf16.md").read_bytes() == data


def test_a_real_process_keeps_crlf_and_bom(book) -> None:
    folder = book({})
    data = codecs.BOM_UTF8 + CHAPTER.replace("\n", "\r\n").encode()
    (folder / "ch1.md").write_bytes(data)
    result = run_doclint("fix", "ch1.md", cwd=folder)
    assert result.returncode == 1, result.stderr  # the missing image is still an error
    assert (folder / "ch1.md").read_bytes() == codecs.BOM_UTF8 + FIXED.replace(
        "\n", "\r\n"
    ).encode()
    second = run_doclint("fix", "ch1.md", cwd=folder)
    assert second.stdout.startswith("Nothing to fix in 1 file.")


TOC_CHAPTER = """\
# 第一章

<!-- doclint-toc -->
- [旧的目录](#旧的目录)
<!-- /doclint-toc -->

## 第一节

### 1.什么是A？

A。

<h3 id="q-2">2.什么是 B？</h3>

B。

## 第二节

### 3.什么是C？
"""


def test_toc_prints_a_toc_in_the_files_own_link_style(book, monkeypatch) -> None:
    folder = book(
        {"ch.md": TOC_CHAPTER.replace("<!-- doclint-toc -->\n- [旧的目录](#旧的目录)\n", "")}
    )
    result = invoke(folder, "toc", "ch.md", monkeypatch=monkeypatch)
    assert result.exit_code == 0
    assert result.stdout == (
        "- [1.什么是A？](#1什么是a)\n- [2.什么是 B？](#q-2)\n- [3.什么是C？](#3什么是c)\n"
    )


def test_toc_write_replaces_what_is_between_the_markers(book, monkeypatch) -> None:
    folder = book({"ch.md": TOC_CHAPTER})
    written = invoke(folder, "toc", "--write", "ch.md", monkeypatch=monkeypatch)
    assert written.stdout == "ch.md: TOC written\n"
    assert (folder / "ch.md").read_text(encoding="utf-8") == TOC_CHAPTER.replace(
        "- [旧的目录](#旧的目录)\n",
        "- [1.什么是A？](#1什么是a)\n- [2.什么是 B？](#q-2)\n- [3.什么是C？](#3什么是c)\n",
    )
    again = invoke(folder, "toc", "--write", "ch.md", monkeypatch=monkeypatch)
    assert again.stdout == "ch.md: TOC already up to date\n"
    assert invoke(folder, "check", "ch.md", monkeypatch=monkeypatch).exit_code == 0


def test_toc_follows_the_style_of_the_toc_the_file_has(book, monkeypatch) -> None:
    chapter = (
        "* [第一章](#user-content-ch1)\n"
        "    * [1.一？](#user-content-1.一？)\n"
        "\n"
        '<h2 id="ch1">第一章</h2>\n<h3 id="1.一？">1.一？</h3>\n答。\n'
        '<h3 id="2.二？">2.二？</h3>\n答。\n<h2 id="ch2">第二章</h2>\n'
    )
    folder = book({"ch.md": chapter})
    result = invoke(folder, "toc", "ch.md", monkeypatch=monkeypatch)
    assert result.stdout == (
        "* [第一章](#user-content-ch1)\n"
        "    * [1.一？](#user-content-1.一？)\n"
        "    * [2.二？](#user-content-2.二？)\n"
    )


def test_toc_errors_are_one_line_exit_2(book, monkeypatch) -> None:
    folder = book({"plain.md": "## 1.一\n", "half.md": "<!-- /doclint-toc -->\n## 1.一\n"})
    (folder / "latin1.md").write_bytes(b"<!-- doclint-toc -->\n<!-- /doclint-toc -->\n\xe9\n")
    for name in ("plain.md", "half.md"):
        result = run_doclint("toc", "--write", name, cwd=folder)
        assert result.returncode == 2 and result.stderr.count("\n") == 1
        assert "doclint-toc" in result.stderr and "Traceback" not in result.stderr
    result = run_doclint("toc", "--write", "latin1.md", cwd=folder)
    assert result.returncode == 2 and "not UTF-8" in result.stderr
    assert (folder / "latin1.md").read_bytes().endswith(b"\xe9\n")
    missing = run_doclint("toc", "nope.md", cwd=folder)
    assert missing.returncode == 2 and "nope.md: cannot read" in missing.stderr


def test_toc_warns_about_questions_no_link_reaches(book, monkeypatch) -> None:
    folder = book({"ch.md": "## 1.一\n\n<h2>2.二</h2>\n"})
    result = invoke(folder, "toc", "ch.md", monkeypatch=monkeypatch)
    assert result.stdout == "- [1.一](#1一)\n"
    assert result.stderr == (
        'doclint: warning: ch.md:3: no link reaches "2.二" alone (no anchor, or an earlier '
        "element has it); left out\n"
    )


def test_parallel_and_serial_fixes_agree(book, monkeypatch) -> None:
    files = {f"ch{n:02d}.md": CHAPTER + ("x" * 40_000) + "\n" for n in range(20)}
    folder = book(files)
    serial = invoke(folder, "fix", "--diff", "-j", "1", monkeypatch=monkeypatch)
    parallel = invoke(folder, "fix", "--diff", "-j", "2", monkeypatch=monkeypatch)
    assert serial.stdout == parallel.stdout and serial.stderr == parallel.stderr
    assert "Would fix 60 problems in 20 of 20 files" in parallel.stderr
    written = invoke(folder, "fix", "-j", "2", monkeypatch=monkeypatch)
    assert "Fixed 60 problems in 20 of 20 files" in written.stdout
    assert all(
        (folder / name).read_text(encoding="utf-8")
        == FIXED.replace("![](missing.png)\n", "![](missing.png)\n" + "x" * 40_000 + "\n")
        for name in files
    )
