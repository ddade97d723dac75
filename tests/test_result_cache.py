"""The per-file result cache: a repeat run reuses results, and never a stale one.

``CheckResult.from_cache`` names the files whose findings came from the cache: each test
says which files must be reused (a hit) and which checked again (a miss), not only that
the findings are the same either way.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from doclint.config.loading import load_config
from doclint.engine import api as engine

from .conftest import run_doclint

CHAPTER = """\
- [1.问题](#1问题)
- [2.问题](#2.坏)

## 1.问题

![图](imgs/figure.png) [下一章](two.md#setup)
"""


Found = list[tuple[str, int, str]]


def check(folder: Path) -> tuple[Found, list[str], list[str]]:
    """Findings, notices and the files taken from the cache, of a cached check of ``folder``."""
    result = engine.check(
        ["."], load_config(cwd=folder), cwd=folder, use_cache=True, cache_dir=folder / ".cache"
    )
    assert not result.errors
    findings = [(f.path, f.line, f.rule) for f in result.findings]
    return findings, result.notices, result.from_cache


def check_command(folder: Path, *options: str) -> tuple[Found, str]:
    """``doclint check`` as a process: findings and what it wrote to stderr."""
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


def test_a_repeat_run_takes_every_file_from_the_cache(folder: Path) -> None:
    first, _, reused = check(folder)
    assert reused == []
    assert (folder / ".cache" / "results.sqlite3").is_file()
    second, notices, reused = check(folder)
    assert reused == ["one.md", "two.md"]  # a hit for each file
    assert second == first and notices == []
    assert {rule for _, _, rule in first} >= {"toc-anchor", "missing-image", "dead-link"}


def test_the_command_fills_the_cache_that_the_next_run_reads(folder: Path) -> None:
    first, stderr = check_command(folder)
    assert stderr == ""
    second, notices, reused = check(folder)
    assert reused == ["one.md", "two.md"] and second == first and notices == []
    third, stderr = check_command(folder)
    assert third == first and stderr == ""


def test_a_changed_file_is_checked_again(folder: Path) -> None:
    check(folder)
    (folder / "one.md").write_text(CHAPTER.replace("#2.坏", "#1问题"), encoding="utf-8")
    findings, _, reused = check(folder)
    assert reused == ["two.md"]  # a miss for one.md, a hit for the file that did not change
    assert ("one.md", 2, "toc-anchor") not in findings


def test_what_the_rules_saw_on_disk_is_checked_again(folder: Path) -> None:
    before, _, _ = check(folder)
    assert ("one.md", 6, "missing-image") in before and ("one.md", 6, "dead-link") in before
    assert check(folder)[2] == ["one.md", "two.md"]
    (folder / "imgs").mkdir()
    (folder / "imgs" / "figure.png").write_bytes(b"png")  # one.md itself is unchanged
    after, _, reused = check(folder)
    assert reused == ["two.md"]  # one.md's image now exists: a miss
    assert ("one.md", 6, "missing-image") not in after and ("one.md", 6, "dead-link") in after
    (folder / "two.md").write_text("## Setup\n", encoding="utf-8")  # the anchor one.md asks
    after, _, reused = check(folder)
    assert reused == []  # both missed: two.md changed, and one.md links to its anchors
    assert ("one.md", 6, "dead-link") not in after


def test_another_configuration_does_not_reuse_results(folder: Path) -> None:
    check(folder)
    (folder / ".doclint.yml").write_text("rules:\n  missing-image: false\n", encoding="utf-8")
    findings, _, reused = check(folder)
    assert reused == []
    assert not any(rule == "missing-image" for _, _, rule in findings)
    assert check(folder)[2] == ["one.md", "two.md"]


def test_no_cache_writes_nothing(folder: Path) -> None:
    check_command(folder, "--no-cache")
    assert not (folder / ".cache").exists()


def test_a_damaged_cache_is_rebuilt_with_a_notice(folder: Path) -> None:
    first, _ = check_command(folder)
    (folder / ".cache" / "results.sqlite3").write_bytes(b"not a database" * 100)
    second, stderr = check_command(folder)
    assert second == first
    assert "result cache" in stderr and "rebuilt" in stderr
    third, notices, reused = check(folder)
    assert third == first and notices == [] and reused == ["one.md", "two.md"]


def test_without_cache_dir_the_tests_own_folder_is_used(folder: Path, private_cache_dir) -> None:
    # conftest gives each test its own folder: nothing is read from or written to the
    # user's cache, neither here nor by a doclint process that a test starts.
    from doclint.core.cachedb import user_cache_dir

    assert user_cache_dir() == private_cache_dir
    completed = run_doclint("check", "-q", ".", cwd=folder)
    assert completed.returncode == 1, completed.stderr
    assert (private_cache_dir / "results.sqlite3").is_file()
    result = engine.check(["."], load_config(cwd=folder), cwd=folder, use_cache=True)
    assert result.from_cache == ["one.md", "two.md"]
