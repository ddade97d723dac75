"""``doclint report --format markdown`` (a table per book and per chapter) and
``doclint report --badge PATH.svg``."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from doclint.formats.badge import colour, render_badge
from doclint.formats.markdown import progress_bar

from .conftest import run_doclint

SVG = "{http://www.w3.org/2000/svg}"

TWO_OF_THREE = (
    "- [1.甲](#1甲)\n- [2.乙](#2乙)\n- [3.丙](#3丙)\n\n## 1.甲\n答。\n## 2.乙\n答。\n## 3.丙\n"
)
ALL_OF_TWO = "- [1.丁](#1丁)\n- [2.戊](#2戊)\n\n## 1.丁\n答。\n## 2.戊\n答。\n"


def test_markdown_report_has_a_table_per_book_and_per_chapter(book) -> None:
    folder = book(
        {
            "part-a/ch1.md": TWO_OF_THREE,
            "part-a/ch2.md": ALL_OF_TWO,
            "part-b/ch1.md": ALL_OF_TWO,
        }
    )
    result = run_doclint("report", "--format", "markdown", cwd=folder)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("## Question coverage: 85.7% (6 of 7 answered)\n")
    assert "| Book | Chapters | Questions | Answered | Empty | Stub | Missing | Coverage |" in out
    assert "| [part-a](part-a) | 2 | 5 | 4 | 1 | 0 | 0 | `████████░░` 80.0% |" in out
    assert "| [part-b](part-b) | 1 | 2 | 2 | 0 | 0 | 0 | `██████████` 100.0% |" in out
    assert "| **Total** | 3 | 7 | 6 | 1 | 0 | 0 | `████████░░` 85.7% |" in out
    assert "### part-a: 80.0% (4 of 5 answered)" in out
    assert "| [ch1.md](part-a/ch1.md) | 3 | 2 | 1 | 0 | 0 | `██████░░░░` 66.7% |" in out
    assert "| **part-a total** | 5 | 4 | 1 | 0 | 0 | `████████░░` 80.0% |" in out
    assert "### part-b: 100.0% (2 of 2 answered)" in out
    assert "- [3.丙](part-a/ch1.md#3%E4%B8%99) — empty, line 9" in out


def test_markdown_report_of_a_chapter(chapter_copy: Path) -> None:
    out = run_doclint("report", "--format", "markdown", cwd=chapter_copy.parent).stdout
    assert "| [chapter.md](chapter.md) | 15 | 6 | 9 | 0 | 0 | `████░░░░░░` 40.0% |" in out
    assert "<details><summary>Unwritten questions (9)</summary>" in out
    assert "- [7.什么是图像金字塔？](chapter.md#7." in out


@pytest.mark.parametrize(
    ("percent", "bar"), [(0, "░" * 10), (80, "████████░░"), (99.9, "█████████░"), (100, "█" * 10)]
)
def test_progress_bar_is_filled_only_when_reached(percent: float, bar: str) -> None:
    assert progress_bar(percent) == bar


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        (100, "#4c1"),
        (95, "#4c1"),
        (94.99, "#97ca00"),
        (90, "#97ca00"),
        (75, "#a4a61d"),
        (60, "#dfb317"),
        (40, "#fe7d37"),
        (39.9, "#e05d44"),
        (0, "#e05d44"),
    ],
)
def test_badge_colours_follow_coverage_py_and_interrogate(percent: float, expected: str) -> None:
    assert colour(percent) == expected


def _badge_text(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return [element.text for element in root.iter(f"{SVG}text")]


def test_badge_is_valid_svg_with_the_total_coverage(chapter_copy: Path) -> None:
    folder = chapter_copy.parent
    result = run_doclint("report", "--badge", "badge.svg", cwd=folder)
    assert result.returncode == 0, result.stderr
    svg = (folder / "badge.svg").read_text(encoding="utf-8")
    assert "40.0%" in _badge_text(svg)
    root = ElementTree.fromstring(svg)
    assert root.get("aria-label") == "questions: 40.0% answered"
    fills = [rect.get("fill") for rect in root.iter(f"{SVG}rect")]
    assert "#fe7d37" in fills  # 40.0 is at least 40: orange

    # Unchanged coverage: the file is not rewritten, so a hook that writes it does not loop.
    long_ago = 1_000_000_000 * 10**9
    os.utime(folder / "badge.svg", ns=(long_ago, long_ago))
    assert run_doclint("report", "--badge", "badge.svg", cwd=folder).returncode == 0
    assert (folder / "badge.svg").stat().st_mtime_ns == long_ago

    # Changed coverage (question 7 answered: 7 of 15): rewritten.
    text = chapter_copy.read_text(encoding="utf-8")
    chapter_copy.write_text(text.replace('<h2 id="8.', '答案。\n\n<h2 id="8.'), encoding="utf-8")
    run_doclint("report", "--badge", "badge.svg", cwd=folder)
    assert "46.7%" in _badge_text((folder / "badge.svg").read_text(encoding="utf-8"))


def test_badge_text_widths_grow_with_the_value() -> None:
    narrow = ElementTree.fromstring(render_badge(5.0, 0))
    wide = ElementTree.fromstring(render_badge(100.0, 2))
    assert int(narrow.get("width")) < int(wide.get("width"))


def test_badge_that_cannot_be_written_is_one_line_exit_2(chapter_copy: Path) -> None:
    result = run_doclint("report", "--badge", "no/such/folder/badge.svg", cwd=chapter_copy.parent)
    assert result.returncode == 2
    assert result.stderr.startswith("doclint: error: cannot write the badge to no/such/folder/")
    assert result.stderr.count("\n") == 1
