"""Shared test helpers: a chapter of the tests' own (tests/data), the real book and
chapter in ../shared (tests of those skip when it is absent), and running doclint through
click's runner or as a real process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "ai-painting-models-chapter.md"
CORPUS = SHARED / "corpus" / "interview-for-algorithm-engineer"
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
# Written for the tests (see tests/data/README.md): 15 questions, 6 answered.
CHAPTER = REPO / "tests" / "data" / "chapter.md"


@pytest.fixture(autouse=True, scope="session")
def _private_cache_home(tmp_path_factory) -> None:
    """Tools the tests run (pre-commit, pip) keep their caches in the test run's folder."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache-home"))


@pytest.fixture(autouse=True)
def private_cache_dir(tmp_path_factory, monkeypatch) -> Path:
    """doclint's caches (results, links) go to a new folder for each test, never the user's
    and never another test's, on every platform: through ``DOCLINT_CACHE_DIR``, which
    doclint processes that a test starts inherit too."""
    from doclint.core.cachedb import CACHE_DIR_VARIABLE

    folder = tmp_path_factory.mktemp("doclint-cache")
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(folder))
    return folder


def needs(path: Path) -> pytest.MarkDecorator:
    """Skip the test when ``path`` in ../shared is absent (a clone elsewhere)."""
    what = {
        CORPUS: "the real book",
        SEED: "the real chapter",
        SARIF_SCHEMA: "the OASIS SARIF 2.1.0 schema",
    }.get(path, path.name)
    return pytest.mark.skipif(not path.exists(), reason=f"needs {what}: {path} is not present")


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """The real chapter, copied alone into an empty folder (as the acceptance check does)."""
    if not SEED.exists():
        pytest.skip(f"needs the real chapter: {SEED} is not present")
    target = tmp_path / "chapter.md"
    shutil.copyfile(SEED, target)
    return target


@pytest.fixture
def chapter_copy(tmp_path: Path) -> Path:
    """The tests' own chapter (tests/data/chapter.md), copied alone into an empty folder:
    for tests that need a real-looking chapter, not the real one."""
    target = tmp_path / "chapter.md"
    shutil.copyfile(CHAPTER, target)
    return target


@pytest.fixture
def book(tmp_path: Path):
    """Write a small book: ``book({"a.md": "...", "imgs/x.png": ""})`` returns its folder."""

    def write(files: dict[str, str]) -> Path:
        for name, content in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        return tmp_path

    return write


# Commits in temporary repositories must not depend on the machine's git identity.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "doclint tests",
    "GIT_AUTHOR_EMAIL": "tests@doclint.invalid",
    "GIT_COMMITTER_NAME": "doclint tests",
    "GIT_COMMITTER_EMAIL": "tests@doclint.invalid",
}


def git(*args: str, cwd: Path) -> str:
    """Run git in ``cwd`` (failing the test if it fails) and return what it printed."""
    completed = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_IDENTITY},
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def commit_all(folder: Path, message: str) -> None:
    """Commit everything in ``folder``, making it a repository first if it is not one."""
    if not (folder / ".git").exists():
        git("init", "-q", cwd=folder)
    git("add", "-A", cwd=folder)
    git("commit", "-q", "--allow-empty", "-m", message, cwd=folder)


def run_doclint(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """doclint as a real process, the way a shell or pre-commit starts it."""
    return subprocess.run(
        [sys.executable, "-m", "doclint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
        timeout=300,
    )


def edit_while_fixing(monkeypatch, path: Path, text: str) -> None:
    """Make ``path`` change on disk after doclint has read and fixed it in memory, before
    it writes: as when an editor saves the file meanwhile."""
    from doclint.engine import workers

    fix_in_memory = workers.Worker._fix

    def fix_while_someone_edits(self, source):
        outcome = fix_in_memory(self, source)
        path.write_text(text, encoding="utf-8")
        return outcome

    monkeypatch.setattr(workers.Worker, "_fix", fix_while_someone_edits)


@pytest.fixture
def link_server():
    """A scripted HTTP server on 127.0.0.1 (see ``tests/linkserver.py``)."""
    from .linkserver import LinkServer

    server = LinkServer().start()
    yield server
    server.stop()


def fake_resolver(answers: dict):
    """A resolver for ``linkcheck``: host → list of addresses, or an exception to raise.
    Hosts not listed do not exist. Records every name asked."""
    from doclint.links.guard import NameNotFound

    asked: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        answer = answers.get(host, NameNotFound("no such name"))
        if isinstance(answer, BaseException):
            raise answer
        return list(answer)

    resolve.asked = asked  # type: ignore[attr-defined]
    return resolve
