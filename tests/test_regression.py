"""The regression gate: ``report --base REV``, ``check --base REV`` (anchor-stability) and
``--fail-on-regression``, in real git repositories, shallow clones included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from doclint.book.comparison import ADDED, EMPTIED, NEWLY_ANSWERED, REMOVED, compare
from doclint.book.coverage import CoverageReport, file_coverage
from doclint.config.loading import load_config
from doclint.parsing import parse_document

from .conftest import commit_all, git, run_doclint

EDIT_NOTE = "empties question 4's answer and deletes question 1's heading"


@pytest.fixture
def chapter_history(chapter_copy: Path) -> Path:
    """A repository whose first commit is the tests' chapter (6 of 15 answered; question 1's
    heading on line 24, its TOC entry on line 5) and whose second commit empties question
    4's answer and deletes question 1's heading (its TOC entry stays): 4 of 15 answered."""
    folder = chapter_copy.parent
    commit_all(folder, "the chapter")
    lines = chapter_copy.read_text(encoding="utf-8").split("\n")

    def heading(number: int) -> int:
        return next(i for i, line in enumerate(lines) if line.startswith(f'<h2 id="{number}.'))

    first, fourth, fifth = heading(1), heading(4), heading(5)
    edited = lines[:first] + lines[first + 1 : fourth + 1] + [""] + lines[fifth:]
    chapter_copy.write_text("\n".join(edited), encoding="utf-8")
    commit_all(folder, EDIT_NOTE)
    return folder


def test_report_base_shows_coverage_falling_and_names_both_changes(chapter_history: Path) -> None:
    result = run_doclint("report", "--base", "HEAD~1", cwd=chapter_history)
    assert result.returncode == 0, result.stderr
    comparison = result.stdout.split("Compared with HEAD~1", 1)[1]
    assert "chapter.md  40.0% → 26.7%" in comparison
    assert "answer emptied  chapter.md:" in comparison
    assert "4.介绍一下Canny边缘检测的步骤" in comparison
    removed = next(line for line in comparison.splitlines() if "removed" in line)
    assert "1.什么是图像的直方图均衡化？" in removed
    assert "chapter.md:24 at HEAD~1" in removed and "heading deleted" in removed
    assert "TOTAL  40.0% → 26.7%  (6 of 15 answered → 4 of 15): coverage fell" in comparison

    data = json.loads(
        run_doclint("report", "--format", "json", "--base", "HEAD~1", cwd=chapter_history).stdout
    )
    compared = data["comparison"]
    assert round(compared["before"]["coverage"], 1) == 40.0
    assert round(compared["after"]["coverage"], 1) == 26.7
    assert compared["regressed"] is True
    changes = {change["change"]: change for change in compared["files"][0]["changes"]}
    assert set(changes) == {EMPTIED, REMOVED}
    assert changes[EMPTIED]["before"]["state"] == "answered"
    assert changes[EMPTIED]["after"]["state"] == "empty"
    assert changes[REMOVED]["after"] == {
        "line": 5,
        "anchor": "1.什么是图像的直方图均衡化？",
        "state": "missing",
    }

    markdown = run_doclint(
        "report", "--format", "markdown", "--base", "HEAD~1", cwd=chapter_history
    )
    assert "### Since `HEAD~1`: coverage fell (40.0% → 26.7%)" in markdown.stdout
    assert "| [chapter.md](chapter.md) | 40.0% | 26.7% | 0 | 1 | 1 | 0 |" in markdown.stdout


def test_fail_on_regression_exits_1_when_coverage_falls(chapter_history: Path) -> None:
    result = run_doclint("report", "--base", "HEAD~1", "--fail-on-regression", cwd=chapter_history)
    assert result.returncode == 1
    assert result.stderr == "doclint: coverage fell from 40.000% at HEAD~1 to 26.667%\n"
    # Against itself nothing fell.
    same = run_doclint("report", "--base", "HEAD", "--fail-on-regression", cwd=chapter_history)
    assert same.returncode == 0, same.stderr
    assert "Compared with HEAD" in same.stdout and "no question changed." in same.stdout


def test_check_base_reports_the_deleted_heading_as_anchor_stability(chapter_history: Path) -> None:
    result = run_doclint("check", "--format", "json", "--base", "HEAD~1", cwd=chapter_history)
    assert result.returncode == 1
    findings = json.loads(result.stdout)["findings"]
    stability = [f for f in findings if f["rule"] == "anchor-stability"]
    assert len(stability) == 1
    finding = stability[0]
    # Line 24 held the heading; after its deletion, line 24 is where it was.
    assert (finding["path"], finding["line"], finding["severity"]) == ("chapter.md", 24, "error")
    assert '"#1.什么是图像的直方图均衡化？"' in finding["message"]
    assert "1 link still points to it: chapter.md:5" in finding["message"]

    offline = run_doclint("check", "--format", "json", cwd=chapter_history)
    assert not [
        f for f in json.loads(offline.stdout)["findings"] if f["rule"] == "anchor-stability"
    ]


def test_anchor_stability_needs_a_revision(chapter_history: Path) -> None:
    result = run_doclint("check", "--select", "anchor-stability", cwd=chapter_history)
    assert result.returncode == 2
    assert result.stderr == (
        "doclint: error: anchor-stability compares with a git revision: give --base REV\n"
    )
    alone = run_doclint("report", "--fail-on-regression", cwd=chapter_history)
    assert alone.returncode == 2
    assert alone.stderr == "doclint: error: --fail-on-regression needs --base REV to compare with\n"


@pytest.mark.parametrize("command", ["check", "report"])
def test_an_unknown_revision_is_one_line_exit_2(chapter_history: Path, command: str) -> None:
    result = run_doclint(command, "--base", "origin/mian", cwd=chapter_history)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith('doclint: error: --base: unknown git revision "origin/mian"')
    option_like = run_doclint(command, "--base", "--output=x", cwd=chapter_history)
    assert option_like.returncode == 2 and "unknown git revision" in option_like.stderr


def test_base_outside_a_repository_is_one_line_exit_2(book) -> None:
    folder = book({"a.md": "# A\n"})
    result = run_doclint("report", "--base", "HEAD", cwd=folder)
    assert result.returncode == 2
    assert "is not inside a git work tree" in result.stderr and result.stderr.count("\n") == 1


def test_shallow_clone_works_once_the_base_is_fetched(
    chapter_history: Path, tmp_path: Path
) -> None:
    git("branch", "base", "HEAD~1", cwd=chapter_history)
    clone = tmp_path / "clone"
    git("clone", "-q", "--depth=1", chapter_history.as_uri(), str(clone), cwd=tmp_path)
    assert git("rev-parse", "--is-shallow-repository", cwd=clone).strip() == "true"

    missing = run_doclint("report", "--base", "HEAD~1", cwd=clone)
    assert missing.returncode == 2
    assert "this is a shallow clone: fetch the revision first" in missing.stderr

    git("fetch", "-q", "--depth=1", "origin", "base:refs/remotes/origin/base", cwd=clone)
    gate = run_doclint("report", "--base", "origin/base", "--fail-on-regression", cwd=clone)
    assert gate.returncode == 1
    assert "chapter.md  40.0% → 26.7%" in gate.stdout
    checked = run_doclint(
        "check", "--base", "origin/base", "--select", "anchor-stability", cwd=clone
    )
    assert checked.returncode == 1
    assert "chapter.md:24:1: error anchor-stability" in checked.stdout


def test_uncommitted_added_and_deleted_files_and_subfolders(book) -> None:
    folder = book(
        {
            "book/a.md": "- [1.甲](#1甲)\n- [2.乙](#2乙)\n\n## 1.甲\n\n答。\n\n## 2.乙\n",
            "book/b.md": "- [1.丙](#1丙)\n- [2.丁](#2丁)\n\n## 1.丙\n\n答。\n\n## 2.丁\n\n答。\n",
            "book/c.md": "# 没有问题的文件\n",
            "notes/n.md": "- [1.外](#1外)\n- [2.部](#2部)\n\n## 1.外\n## 2.部\n",
        }
    )
    commit_all(folder, "base")
    # Not committed: question 2 of a.md answered, b.md deleted, d.md added.
    (folder / "book/a.md").write_text(
        "- [1.甲](#1甲)\n- [2.乙](#2乙)\n\n## 1.甲\n\n答。\n\n## 2.乙\n\n答。\n", encoding="utf-8"
    )
    (folder / "book/b.md").unlink()
    (folder / "book/d.md").write_text("- [1.戊](#1戊)\n- [2.己](#2己)\n\n## 1.戊\n## 2.己\n")

    data = json.loads(
        run_doclint("report", "--format", "json", "--base", "HEAD", "book", cwd=folder).stdout
    )["comparison"]
    files = {file["path"]: file for file in data["files"]}
    assert set(files) == {"book/a.md", "book/b.md", "book/d.md"}  # notes/ was not asked for
    assert [c["change"] for c in files["book/a.md"]["changes"]] == [NEWLY_ANSWERED]
    assert [c["change"] for c in files["book/b.md"]["changes"]] == [REMOVED, REMOVED]
    assert files["book/b.md"]["coverage_after"] is None
    assert [c["change"] for c in files["book/d.md"]["changes"]] == [ADDED, ADDED]
    assert (data["before"]["answered"], data["before"]["questions"]) == (3, 4)
    assert (data["after"]["answered"], data["after"]["questions"]) == (2, 4)

    # From inside the folder the same files compare the same way.
    inside = json.loads(
        run_doclint("report", "--format", "json", "--base", "HEAD", cwd=folder / "book").stdout
    )["comparison"]
    assert {file["path"] for file in inside["files"]} == {"a.md", "b.md", "d.md"}


def _coverage(path: str, markdown: str) -> CoverageReport:
    profile = load_config(cwd=Path("/")).profile
    doc = parse_document(markdown, path)
    return CoverageReport([file_coverage(doc, path, profile)])


def _chapter(toc: list[str], body: str) -> str:
    return "\n".join(f"- [{title}](#{anchor})" for title, anchor in toc) + "\n\n" + body


def test_comparison_matches_renamed_anchors_by_title_and_compares_exactly() -> None:
    three = [("1.甲", "1甲"), ("2.乙", "2乙"), ("3.丙", "3丙")]
    before = _coverage("a.md", _chapter(three, "## 1.甲\n答。\n## 2.乙\n## 3.丙\n"))
    six = [("1.甲", "q1"), *three[1:], ("4.丁", "4丁"), ("5.戊", "5戊"), ("6.己", "6己")]
    after = _coverage(
        "a.md",
        _chapter(
            six,
            '<h2 id="q1">1.甲</h2>\n\n答。\n\n## 2.乙\n答。\n## 3.丙\n## 4.丁\n答。\n## 5.戊\n',
        ),
    )
    comparison = compare("HEAD", "0" * 40, before, after)
    changes = [(change.kind, change.title) for change in comparison.files[0].changes]
    # 1.甲 changed its anchor but not its title: the same question, still answered.
    # 6.己 is planned in the TOC without a heading: added (at its TOC line), not "deleted".
    assert changes == [(NEWLY_ANSWERED, "2.乙"), (ADDED, "6.己"), (ADDED, "4.丁"), (ADDED, "5.戊")]
    assert [change.note for change in comparison.files[0].changes] == [""] * 4
    # 1 of 3 answered before, 3 of 6 after: 1/3 < 1/2, so no regression.
    assert not comparison.regressed and comparison.trend == "rose"
    # 2 of 6 is exactly 1 of 3: equal is not lower, whatever floating point says.
    plain_six = [*three, ("4.丁", "4丁"), ("5.戊", "5戊"), ("6.己", "6己")]
    body = "## 1.甲\n答。\n## 2.乙\n答。\n## 3.丙\n## 4.丁\n## 5.戊\n## 6.己\n"
    equal = compare("HEAD", "0" * 40, before, _coverage("a.md", _chapter(plain_six, body)))
    assert (equal.after.answered, equal.after.questions) == (2, 6)
    assert not equal.regressed and equal.trend == "stayed"
