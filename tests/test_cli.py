"""The command line, through click's runner and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from doclint.cli.commands import cli

from .conftest import run_doclint

CHAPTER = """\
# 目录

- [1.什么是注意力？](#1.什么是注意力？)
- [2.什么是残差？](#2.什么是残差？)
- [3.什么是归一化？](#3归一化)

<h2 id="1.什么是注意力？">1.什么是注意力？</h2>

注意力是一种加权求和。

<h2 id="2.什么是残差？">2.什么是残差？</h2>

<h2 id="3.什么是归一化？">3.什么是归一化？</h2>

（待补充）
"""


@pytest.fixture
def chapter(book) -> Path:
    return book({"book/ch1.md": CHAPTER})


def invoke(folder: Path, *args: str, monkeypatch) -> object:
    monkeypatch.chdir(folder)
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_text_output_lines_and_summary(chapter: Path, monkeypatch) -> None:
    result = invoke(chapter, "check", "book", monkeypatch=monkeypatch)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (
        'book/ch1.md:5:3: error toc-anchor link fragment "#3归一化" matches no heading or '
        "anchor in this file (did you mean: #3.什么是归一化？)"
    )
    assert lines[1].startswith("book/ch1.md:11:1: warning empty-answer ")
    assert (
        lines[2].startswith("book/ch1.md:13:1: warning empty-answer ") and "placeholder" in lines[2]
    )
    assert lines[3:] == [
        "",
        "     2  empty-answer  warning",
        "     1  toc-anchor    error",
        "Found 1 error and 2 warnings in 1 of 1 file.",
        "1 finding can be fixed automatically: run `doclint fix`.",
    ]


def test_findings_are_grouped_by_file(book, monkeypatch) -> None:
    folder = book({"a.md": "[x](#nowhere)\n[y](#gone)\n", "b.md": "![](b.png)\n"})
    lines = invoke(folder, "check", monkeypatch=monkeypatch).output.splitlines()
    assert [line.split(":")[0] for line in lines[:5]] == ["a.md", "a.md", "", "b.md", "b.md"]
    quiet = invoke(folder, "check", "-q", monkeypatch=monkeypatch).output.splitlines()
    assert len(quiet) == 4 and "" not in quiet


def test_colour_only_on_a_terminal_and_never_with_no_color(chapter: Path, monkeypatch) -> None:
    import sys

    from doclint.cli import output as cli_module

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cli_module.use_colour(no_color=False)
    assert not cli_module.use_colour(no_color=True)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli_module.use_colour(no_color=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False, raising=False)
    monkeypatch.delenv("NO_COLOR")
    assert not cli_module.use_colour(no_color=False)
    plain = invoke(chapter, "check", "--no-color", monkeypatch=monkeypatch).output
    assert "\x1b[" not in plain


def test_colour_marks_severity_rule_and_suggestion() -> None:
    from doclint.core.findings import Finding, Severity
    from doclint.engine.results import CheckResult
    from doclint.formats.text import render_check

    finding = Finding("a.md", 1, 2, "toc-anchor", Severity.ERROR, "broken", suggestion="#x")
    output = render_check(CheckResult(files=["a.md"], findings=[finding]), colour=True)
    assert "\x1b[31m\x1b[1merror" in output and "\x1b[36mtoc-anchor" in output
    assert "\x1b[32m#x" in output


def test_json_output_has_exactly_the_documented_fields(chapter: Path, monkeypatch) -> None:
    result = invoke(chapter, "check", "--format", "json", "book", monkeypatch=monkeypatch)
    data = json.loads(result.output)
    assert data["version"] == 1
    assert {"files", "errors", "warnings"} <= set(data["summary"])
    assert data["summary"]["files"] == 1 and data["summary"]["errors"] == 1
    first = data["findings"][0]
    assert {"path", "line", "column", "rule", "severity", "message", "suggestion"} <= set(first)
    assert (first["path"], first["line"], first["column"]) == ("book/ch1.md", 5, 3)
    assert first["suggestion"] == "#3.什么是归一化？"


def test_fail_on_select_and_ignore(chapter: Path, monkeypatch) -> None:
    assert (
        invoke(chapter, "check", "--ignore", "toc-anchor", monkeypatch=monkeypatch).exit_code == 0
    )
    warned = invoke(
        chapter, "check", "--ignore", "toc-anchor", "--fail-on", "warning", monkeypatch=monkeypatch
    )
    assert warned.exit_code == 1
    only = invoke(
        chapter, "check", "--select", "empty-answer,image-alt", "-q", monkeypatch=monkeypatch
    )
    assert only.exit_code == 0
    assert {line.split()[2] for line in only.output.splitlines()} == {"empty-answer"}


def test_unknown_rule_is_a_usage_error(chapter: Path, monkeypatch) -> None:
    result = invoke(chapter, "check", "--select", "toc-anchr", monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert "unknown rule" in result.output


def test_a_missing_path_exits_2_and_still_reports_the_rest(chapter: Path, monkeypatch) -> None:
    result = invoke(chapter, "check", "book", "nope.md", monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert "book/ch1.md:5:3: error toc-anchor" in result.output
    assert "doclint: error: nope.md: no such file or folder" in result.output


def test_folders_skip_hidden_excluded_and_git_ignored_files(book, monkeypatch) -> None:
    folder = book(
        {
            "a.md": "# A\n",
            ".hidden/b.md": "[x](#nowhere)\n",
            "drafts/c.md": "[x](#nowhere)\n",
            "ignored/d.md": "[x](#nowhere)\n",
            "notes.txt": "[x](#nowhere)\n",
            ".gitignore": "ignored/\n",
            ".doclint.yml": "exclude: ['drafts/']\n",
        }
    )
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    result = invoke(folder, "check", "--format", "json", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["summary"]["files"] == 1


def test_configuration_errors_are_one_line_exit_2(book, monkeypatch) -> None:
    folder = book({"a.md": "# A\n", ".doclint.yml": "rules:\n  toc-anchr: false\n"})
    result = run_doclint("check", cwd=folder)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert (
        '.doclint.yml:2: unknown rule id "toc-anchr" (did you mean "toc-anchor"?)' in result.stderr
    )
    missing = run_doclint("check", "--config", "nope.yml", cwd=folder)
    assert missing.returncode == 2
    assert "nope.yml: configuration file not found" in missing.stderr


def test_report_formats_and_fail_under(chapter: Path, monkeypatch) -> None:
    text = invoke(chapter, "report", "book", monkeypatch=monkeypatch)
    assert text.exit_code == 0
    assert "book/ch1.md:11  empty    2.什么是残差？" in text.output
    assert "33.3%" in text.output

    data = json.loads(invoke(chapter, "report", "--format", "json", monkeypatch=monkeypatch).output)
    assert data["total"] == {
        "files": 1,
        "questions": 3,
        "answered": 1,
        "empty": 1,
        "stub": 1,
        "missing": 0,
        "coverage": pytest.approx(100 / 3),
    }
    assert [item["state"] for item in data["files"][0]["items"]] == ["answered", "empty", "stub"]
    assert set(data["files"][0]["items"][0]) == {"line", "anchor", "title", "state", "chars"}

    markdown = invoke(chapter, "report", "--format", "markdown", monkeypatch=monkeypatch).output
    assert "| [ch1.md](book/ch1.md) | 3 | 1 | 1 | 1 | 0 | `███░░░░░░░` 33.3% |" in markdown
    assert "- [2.什么是残差？](book/ch1.md#2.%E4%BB%80" in markdown

    # 33.33…% is below 33.34 although both print as 33.3%: compared unrounded.
    below = invoke(chapter, "report", "--fail-under", "33.34", monkeypatch=monkeypatch)
    assert below.exit_code == 1
    assert (
        invoke(chapter, "report", "--fail-under", "33.33", monkeypatch=monkeypatch).exit_code == 0
    )


def test_rules_listing_and_documentation(monkeypatch, tmp_path) -> None:
    listing = invoke(tmp_path, "rules", monkeypatch=monkeypatch)
    assert listing.exit_code == 0
    assert [line.split()[0] for line in listing.output.splitlines()] == [
        "toc-anchor",
        "toc-sync",
        "duplicate-anchor",
        "empty-answer",
        "missing-image",
        "image-alt",
        "duplicate-list-entry",
        "duplicate-question",
        "question-numbering",
        "dead-link",
        "anchor-stability",
    ]
    page = invoke(tmp_path, "rules", "image-alt", monkeypatch=monkeypatch)
    assert "## What it does" in page.output and "`generated-alt`" in page.output
    # The options and their defaults, generated from the rule's Options, end the page.
    assert "- `generated-alt` (list of strings, default `['^image-" in page.output
    assert "    generated-alt:\n      - '^image-\\d{8,}$'\n" in page.output
    unknown = invoke(tmp_path, "rules", "image-alts", monkeypatch=monkeypatch)
    assert unknown.exit_code == 2 and 'did you mean "image-alt"' in unknown.output


def test_suppression_comments(book, monkeypatch) -> None:
    folder = book(
        {
            "a.md": "<!-- doclint-disable-next-line toc-anchor -->\n[a](#x)\n[b](#x)\n\n"
            "<!-- doclint-disable -->\n[c](#x)\n<!-- doclint-enable -->\n[d](#x)\n",
            "b.md": "<!-- doclint-disable-file toc-anchor -->\n[e](#x)\n![](gone.png)\n",
        }
    )
    result = invoke(folder, "check", "--format", "json", monkeypatch=monkeypatch)
    found = [(f["path"], f["line"], f["rule"]) for f in json.loads(result.output)["findings"]]
    assert found == [
        ("a.md", 3, "toc-anchor"),
        ("a.md", 8, "toc-anchor"),
        ("b.md", 3, "image-alt"),
        ("b.md", 3, "missing-image"),
    ]


def test_real_process_exit_codes_and_version(chapter: Path) -> None:
    failing = run_doclint("check", "book", cwd=chapter)
    assert failing.returncode == 1 and "toc-anchor" in failing.stdout
    clean = run_doclint("check", "--select", "image-alt", cwd=chapter)
    assert clean.returncode == 0 and "No problems found in 1 file." in clean.stdout
    version = run_doclint("--version", cwd=chapter)
    assert version.returncode == 0 and version.stdout.startswith("doclint, version ")
    usage = run_doclint("check", "--format", "xml", cwd=chapter)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_a_real_process_hands_over_all_its_output(tmp_path: Path) -> None:
    # The command ends without the interpreter's teardown: what it wrote must still
    # arrive whole, far past what a pipe holds at once.
    (tmp_path / "many.md").write_text("".join(f"![](missing-{n}.png)\n\n" for n in range(3000)))
    completed = run_doclint("check", "--format", "json", "--select", "image-alt", cwd=tmp_path)
    assert completed.returncode == 0  # warnings only
    assert len(completed.stdout) > 1 << 17
    assert len(json.loads(completed.stdout)["findings"]) == 3000


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_to_a_full_disk_exits_2_with_a_message(chapter: Path) -> None:
    with open("/dev/full", "w") as full:
        completed = subprocess.run(
            [sys.executable, "-m", "doclint", "check", "book"],
            cwd=chapter,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert completed.returncode == 2
    assert completed.stderr.startswith("doclint: error: [Errno 28] No space left on device")
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize("fork", [True, False], ids=["fork-pool", "process-pool-executor"])
def test_parallel_and_serial_runs_agree(book, monkeypatch, fork: bool) -> None:
    from doclint.engine import forkpool

    # Without fork (Windows), concurrent.futures runs the workers.
    used: list[bool] = []
    monkeypatch.setattr(forkpool, "available", lambda: used.append(fork) or fork)
    files = {f"ch{n:02d}.md": CHAPTER + ("x" * 40_000) + "\n" for n in range(20)}
    folder = book(files)
    # --no-cache: the second run must do the work, not reuse the first run's results.
    options = ("check", "--no-cache", "--format", "json")
    serial = invoke(folder, *options, "-j", "1", monkeypatch=monkeypatch).output
    parallel = invoke(folder, *options, "-j", "2", monkeypatch=monkeypatch).output
    assert serial == parallel
    assert json.loads(parallel)["summary"]["files"] == 20
    assert used == [fork]  # the parallel run, and it alone, chose its pool
