"""The per-file result cache: a repeat run reuses results, and never a stale one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import run_doclint

CHAPTER = """\
- [1.问题](#1问题)
- [2.问题](#2.坏)

## 1.问题

![图](imgs/figure.png) [下一章](two.md#setup)
"""


def check(folder: Path, *options: str) -> tuple[list, str]:
    completed = run_doclint(
        "check",
        "--format",
        "json",
        "--cache-dir",
        str(folder / ".cache"),
        *options,
        ".",
        cwd=folder,
    )
    assert completed.returncode in (0, 1), completed.stderr
    findings = [(f["path"], f["line"], f["rule"]) for f in json.loads(completed.stdout)["findings"]]
    return findings, completed.stderr


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "one.md").write_text(CHAPTER, encoding="utf-8")
    (tmp_path / "two.md").write_text("## Set up\n", encoding="utf-8")
    return tmp_path


def test_a_repeat_run_gives_the_same_findings_from_the_cache(folder: Path) -> None:
    first, _ = check(folder)
    assert (folder / ".cache" / "results.sqlite3").is_file()
    second, stderr = check(folder)
    assert second == first and stderr == ""
    assert {rule for _, _, rule in first} >= {"toc-anchor", "missing-image", "dead-link"}


def test_a_changed_file_is_checked_again(folder: Path) -> None:
    check(folder)
    (folder / "one.md").write_text(CHAPTER.replace("#2.坏", "#1问题"), encoding="utf-8")
    findings, _ = check(folder)
    assert ("one.md", 2, "toc-anchor") not in findings


def test_what_the_rules_saw_on_disk_is_checked_again(folder: Path) -> None:
    before, _ = check(folder)
    assert ("one.md", 6, "missing-image") in before and ("one.md", 6, "dead-link") in before
    (folder / "imgs").mkdir()
    (folder / "imgs" / "figure.png").write_bytes(b"png")  # one.md itself is unchanged
    (folder / "two.md").write_text("## Setup\n", encoding="utf-8")
    after, _ = check(folder)
    assert ("one.md", 6, "missing-image") not in after
    assert ("one.md", 6, "dead-link") not in after


def test_another_configuration_does_not_reuse_results(folder: Path) -> None:
    check(folder)
    (folder / ".doclint.yml").write_text("rules:\n  missing-image: false\n", encoding="utf-8")
    findings, _ = check(folder)
    assert not any(rule == "missing-image" for _, _, rule in findings)


def test_no_cache_writes_nothing(folder: Path) -> None:
    check(folder, "--no-cache")
    assert not (folder / ".cache").exists()


def test_a_damaged_cache_is_rebuilt_with_a_notice(folder: Path) -> None:
    first, _ = check(folder)
    (folder / ".cache" / "results.sqlite3").write_bytes(b"not a database" * 100)
    second, stderr = check(folder)
    assert second == first
    assert "result cache" in stderr and "rebuilt" in stderr
    third, stderr = check(folder)
    assert third == first and stderr == ""
