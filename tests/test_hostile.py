"""Files a linter meets in the wild: wrong encodings, binaries, odd line endings, huge or
pathological markdown, strange paths. Each gets a finding or a clean exit 2, never a
traceback or a hang, and the good files beside them are still checked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from doclint.config.loading import load_config
from doclint.engine import api as engine
from doclint.parsing import parse_document

from .conftest import run_doclint

CHAPTER = (
    "- [1.问题甲](#1问题甲)\n- [2.问题乙](#2.坏)\n\n"
    "## 1.问题甲\n\n答案。\n\n## 2.问题乙\n\n答案。\n"
)


def check(folder: Path, *paths: str) -> engine.CheckResult:
    return engine.check(list(paths) or ["."], load_config(cwd=folder), cwd=folder)


@pytest.mark.parametrize(
    ("encoding", "text", "named"),
    [
        (
            "gbk",
            "# 第一章\n\n## 1.什么是卷积神经网络？\n\n卷积神经网络用于图像处理，参数共享。\n",
            "GBK",
        ),
        (
            "big5",
            "# 第一章\n\n## 1.什麼是卷積神經網絡？\n\n卷積神經網絡用於圖像處理，參數共享。\n",
            "Big5",
        ),
        (
            "shift_jis",
            "# 第一章\n\n## 1.畳み込みとは？\n\nこれは画像のためのモデルです。\n",
            "Shift-JIS",
        ),
        ("latin-1", "# Café\n\n## 1. Résumé ?\n\nDéjà vu, naïve façade.\n", "Latin-1"),
    ],
)
def test_legacy_encodings_get_one_finding_naming_the_encoding(
    tmp_path: Path, encoding: str, text: str, named: str
) -> None:
    (tmp_path / "legacy.md").write_bytes(text.encode(encoding))
    result = check(tmp_path)
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("encoding", 1, 1)]
    assert named in result.findings[0].message
    assert not result.errors


@pytest.mark.parametrize(
    ("prefix", "encoding"),
    [(b"\xef\xbb\xbf", "utf-8"), (b"", "utf-16"), (b"", "utf-16-be-bom"), (b"", "utf-8-crlf")],
)
def test_byte_order_marks_and_line_endings_keep_positions_exact(
    tmp_path: Path, prefix: bytes, encoding: str
) -> None:
    if encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + CHAPTER.encode("utf-16-be")
    elif encoding == "utf-8-crlf":
        data = CHAPTER.replace("\n", "\r\n").encode("utf-8")
    else:
        data = prefix + CHAPTER.encode(encoding)
    (tmp_path / "a.md").write_bytes(data)
    result = check(tmp_path)
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("toc-anchor", 2, 3)]


def test_old_mac_line_endings(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(CHAPTER.replace("\n", "\r").encode())
    assert [(f.line, f.column) for f in check(tmp_path).findings] == [(2, 3)]


def test_binary_content_is_skipped_with_a_finding(tmp_path: Path) -> None:
    (tmp_path / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)))
    result = check(tmp_path)
    assert [(f.rule, f.line) for f in result.findings] == [("encoding", 1)]
    assert "binary" in result.findings[0].message


@pytest.mark.parametrize("content", ["", "   \n\t\n", "\n\n\n", "# 无结尾换行", "[x](#x)"])
def test_empty_blank_and_unterminated_files(tmp_path: Path, content: str) -> None:
    (tmp_path / "a.md").write_text(content, encoding="utf-8")
    result = check(tmp_path)
    assert not result.errors
    assert all(1 <= f.line <= max(content.count("\n") + 1, 1) for f in result.findings)


def test_files_over_the_size_limit_are_reported_and_skipped(tmp_path: Path) -> None:
    (tmp_path / ".doclint.yml").write_text("max-file-size: 1KB\n")
    (tmp_path / "big.md").write_text("# big\n" + "x" * 2000 + "\n")
    (tmp_path / "small.md").write_text(CHAPTER)
    result = check(tmp_path)
    assert [(f.path, f.rule) for f in result.findings] == [
        ("big.md", "encoding"),
        ("small.md", "toc-anchor"),
    ]
    assert "larger than 1 KB" in result.findings[0].message


@pytest.mark.parametrize("size", [0, 1, 1023, 1024, 1025, 5000])
def test_a_file_is_read_whole_up_to_the_size_limit(tmp_path: Path, size: int) -> None:
    from doclint.text.reading import NotText, read_markdown

    path = tmp_path / "a.md"
    path.write_bytes(b"x" * size)
    if size <= 1024:
        assert read_markdown(path, max_size=1024) == "x" * size
    else:
        with pytest.raises(NotText, match="larger than 1 KB"):
            read_markdown(path, max_size=1024)


@pytest.mark.parametrize(("size", "whole"), [(100, True), (1024, True), (2000, False)])
def test_a_file_longer_than_its_stated_size_is_read_to_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int, whole: bool
) -> None:
    # A file that grows while it is read, or one whose size the system does not know
    # (st_size 0), is read on to its end, up to the limit.
    from types import SimpleNamespace

    from doclint.text import reading

    path = tmp_path / "a.md"
    path.write_bytes(b"y" * size)
    monkeypatch.setattr(reading.os, "fstat", lambda descriptor: SimpleNamespace(st_size=3))
    if whole:
        assert reading.read_markdown(path, max_size=1024) == "y" * size
    else:
        with pytest.raises(reading.NotText):
            reading.read_markdown(path, max_size=1024)


def test_a_large_chapter_is_checked_when_allowed(tmp_path: Path) -> None:
    body = "".join(f"## {n}.问题{n}\n\n答案 [链接](#{n}问题{n})。\n\n" for n in range(20_000))
    (tmp_path / ".doclint.yml").write_text("max-file-size: 50MB\n")
    (tmp_path / "big.md").write_text(body)
    result = check(tmp_path)
    assert not result.errors and not result.findings


@pytest.mark.parametrize(
    "text",
    [
        ">" * 10_000 + " deep\n",
        "- " * 10_000 + "deep\n",
        "[" * 100_000 + "\n",
        "*" * 100_000 + "\n",
        "](" * 50_000 + "\n",
        "<" * 100_000 + "\n",
        "`" * 100_000 + "\n",
        "word " * 1_000_000 + "\n",
        "".join(f"<h2 id='q{n}'>{n}</h2>\n" for n in range(5_000)),
    ],
    ids=[
        "quotes",
        "lists",
        "brackets",
        "stars",
        "link-openers",
        "angles",
        "ticks",
        "5MB-line",
        "html-headings",
    ],
)
def test_pathological_structure_does_not_crash(text: str) -> None:
    doc = parse_document(text)
    assert len(doc.lines) == text.count("\n")


def test_strange_paths(tmp_path: Path) -> None:
    (tmp_path / "有 空格 的 目录").mkdir()
    (tmp_path / "有 空格 的 目录" / "第 1 章.md").write_text(CHAPTER)
    (tmp_path / "loop").mkdir()
    (tmp_path / "loop" / "again").symlink_to(tmp_path / "loop", target_is_directory=True)
    (tmp_path / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    os.mkfifo(tmp_path / "pipe.md")
    result = check(tmp_path)
    assert [(f.path, f.line) for f in result.findings] == [("有 空格 的 目录/第 1 章.md", 2)]
    assert [(e.path, "cannot read" in e.message) for e in result.errors] == [("dangling.md", True)]


def test_a_folder_of_every_bad_input_still_reports_the_good_files(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(CHAPTER)
    (tmp_path / "gbk.md").write_bytes("# 第一章\n\n问题。\n".encode("gbk"))
    (tmp_path / "binary.md").write_bytes(b"\0\1\2")
    (tmp_path / "empty.md").write_text("")
    (tmp_path / "crlf.md").write_bytes(CHAPTER.replace("\n", "\r\n").encode())
    (tmp_path / "deep.md").write_text("> " * 5_000 + "x\n")
    (tmp_path / "dangling.md").symlink_to(tmp_path / "gone.md")
    completed = run_doclint("check", "--format", "json", ".", cwd=tmp_path)
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert "doclint: error: dangling.md: cannot read" in completed.stderr
    found = {(f["path"], f["rule"], f["line"]) for f in json.loads(completed.stdout)["findings"]}
    assert found == {
        ("binary.md", "encoding", 1),
        ("crlf.md", "toc-anchor", 2),
        ("gbk.md", "encoding", 1),
        ("good.md", "toc-anchor", 2),
        # The same chapter twice, with other line endings: its questions are asked twice.
        ("good.md", "duplicate-question", 4),
        ("good.md", "duplicate-question", 8),
    }


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_exits_2_and_others_are_reported(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(CHAPTER)
    secret = tmp_path / "secret.md"
    secret.write_text("# secret\n")
    secret.chmod(0)
    completed = run_doclint("check", ".", cwd=tmp_path)
    assert completed.returncode == 2
    assert "secret.md: cannot read" in completed.stderr
    assert "good.md:2:3" in completed.stdout


def _check_in_a_new_python(
    folder: Path, options: list[str], report: str, environment: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], str]:
    """``doclint check OPTIONS one.md`` in a new interpreter, and what ``report`` (an
    expression over ``sys.modules``) is when it exits."""
    probe = (
        "import atexit, sys\n"
        f"atexit.register(lambda: print({report}, file=sys.stderr))\n"
        "from doclint.cli.main import main\n"
        f"main(['check', *{options!r}, 'one.md'])\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        env=environment,
    )
    return completed, completed.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        # The result cache is SQLite; nothing of the network, no other output format.
        ((), "['doclint.formats.text', 'sqlite3']"),
        (("--no-cache",), "['doclint.formats.text']"),
    ],
)
def test_start_up_imports_only_what_it_needs(tmp_path: Path, options, expected) -> None:
    (tmp_path / "one.md").write_text(CHAPTER)
    report = (
        "sorted(m for m in sys.modules if m.split('.')[0] in "
        "('httpx', 'httpcore', 'anyio', 'sqlite3', 'jsonschema', 'markdown_it_pyrs') and "
        "m != 'sqlite3.dbapi2' or m.startswith('doclint.formats.'))"
    )
    environment = {**os.environ, "DOCLINT_PARSER": "markdown-it-py"}
    completed, loaded = _check_in_a_new_python(tmp_path, list(options), report, environment)
    assert completed.returncode == 1, completed.stderr
    assert loaded == expected


def test_start_up_with_the_fast_parser_leaves_the_python_parser_and_git_alone(
    tmp_path: Path,
) -> None:
    from doclint.parsing import rust_available

    if not rust_available():
        pytest.skip("markdown-it-pyrs is not installed")
    # A stale TOC title: its fix writes a link text, read back with the parser in use.
    (tmp_path / "one.md").write_text(CHAPTER.replace("- [1.问题甲]", "- [1.旧问题甲]"))
    heavy = (
        "markdown_it",
        "subprocess",
        "difflib",
        "importlib.resources",
        "doclint.workspace.revision",
    )
    report = f"sorted(m for m in {heavy!r} if m in sys.modules)"
    environment = {key: value for key, value in os.environ.items() if key != "DOCLINT_PARSER"}
    completed, loaded = _check_in_a_new_python(tmp_path, ["--no-cache"], report, environment)
    assert "toc-sync" in completed.stdout, completed.stdout + completed.stderr
    assert loaded == "[]"
