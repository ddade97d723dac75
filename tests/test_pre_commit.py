"""The pre-commit hooks, run for real by pre-commit.

``pre-commit try-repo`` installs this checkout (its committed HEAD, plus uncommitted
changes to tracked files when there are some) into a fresh environment from the package
index, the way a book's repository would with ``repo: <this repository>``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import GIT_IDENTITY, REPO, git

BROKEN = "- [1.问题](#1.nowhere)\n\n## 1.问题\n\n答。\n"
FIXED = "- [1.问题](#1问题)\n\n## 1.问题\n\n答。\n"


def pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        # The project's own doclint hook runs the doclint of this environment.
        env={
            **os.environ,
            **GIT_IDENTITY,
            "PRE_COMMIT_HOME": str(home),
            "PRE_COMMIT_COLOR": "never",
            "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
        },
        check=False,
        timeout=900,
    )


needs_checkout = pytest.mark.skipif(
    not (REPO / ".git").exists() or shutil.which("git") is None,
    reason="pre-commit installs hooks from a git checkout",
)


@needs_checkout
@pytest.mark.slow
def test_try_repo_fails_on_a_broken_file_and_passes_once_fixed(tmp_path: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    (book / "ch.md").write_text(BROKEN, encoding="utf-8")
    (book / "other.md").write_text(FIXED.replace("问题", "另一问题"), encoding="utf-8")
    (book / "notes.txt").write_text("[x](#nowhere)\n", encoding="utf-8")
    git("init", "-q", cwd=book)
    git("add", "-A", cwd=book)
    home = tmp_path / "pre-commit-home"

    failing = pre_commit("try-repo", str(REPO), "doclint", "--all-files", cwd=book, home=home)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "doclint..." in failing.stdout and "Failed" in failing.stdout
    assert 'ch.md:1:3: error toc-anchor link fragment "#1.nowhere"' in failing.stdout
    assert "(did you mean: #1问题)" in failing.stdout
    # Markdown files only: notes.txt has the same broken link and is not checked.
    assert "notes.txt" not in failing.stdout
    assert "Found 1 error and 0 warnings in 1 of 2 files." in failing.stdout

    # Only the files passed in: the broken chapter is not one of them.
    other = pre_commit("try-repo", str(REPO), "doclint", "--files", "other.md", cwd=book, home=home)
    assert other.returncode == 0, other.stdout + other.stderr

    (book / "ch.md").write_text(FIXED, encoding="utf-8")
    git("add", "-A", cwd=book)
    passing = pre_commit("try-repo", str(REPO), "doclint", "--all-files", cwd=book, home=home)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "doclint..." in passing.stdout and "Passed" in passing.stdout


def test_the_hook_manifest_and_the_project_config_are_valid(tmp_path: Path) -> None:
    home = tmp_path / "home"
    manifest = pre_commit("validate-manifest", ".pre-commit-hooks.yaml", cwd=REPO, home=home)
    assert manifest.returncode == 0, manifest.stdout + manifest.stderr
    config = pre_commit("validate-config", ".pre-commit-config.yaml", cwd=REPO, home=home)
    assert config.returncode == 0, config.stdout + config.stderr

    import yaml

    hooks = {
        hook["id"]: hook
        for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    }
    assert hooks["doclint"]["entry"] == "doclint check"
    assert hooks["doclint-links"]["entry"] == "doclint check --external"
    assert hooks["doclint-links"]["stages"] == ["manual"]
    for hook in hooks.values():
        assert hook["types"] == ["markdown"] and hook["require_serial"] is True
        assert hook.get("pass_filenames", True) is True


@needs_checkout
def test_the_projects_own_markdown_passes_its_doclint_hook(tmp_path: Path) -> None:
    result = pre_commit("run", "doclint", "--all-files", cwd=REPO, home=tmp_path / "home")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "doclint..." in result.stdout and "Passed" in result.stdout
