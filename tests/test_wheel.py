"""The wheel ships the YAML rule packs, and an installed doclint loads them from itself;
built with ``DOCLINT_COMPILE=1``, it ships the parse front-end compiled, which reads books
exactly as the pure one does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

from .conftest import CORPUS

REPO = Path(__file__).resolve().parents[1]


def run(
    *command: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", **(env or {})},
    )


@pytest.mark.slow
def test_wheel_installs_and_checks_a_file(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", dist, REPO, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    wheel = next(dist.glob("doclint-*.whl"))

    names = zipfile.ZipFile(wheel).namelist()
    assert "doclint/packs/default.yml" in names
    assert not [name for name in names if name.endswith(tuple(EXTENSION_SUFFIXES))]
    import yaml

    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read("doclint/packs/default.yml").decode("utf-8")
        parsed = json.loads(archive.read("doclint/packs/default.json"))
    assert parsed == yaml.safe_load(shipped)
    with zipfile.ZipFile(wheel) as archive:
        schema = archive.read("doclint/doclint.schema.json").decode("utf-8")
    assert schema == (REPO / "schema" / "doclint.schema.json").read_text(encoding="utf-8")

    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    installed = run(python, "-m", "pip", "install", "-q", wheel, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr

    work = tmp_path / "work"
    work.mkdir()
    (work / "ch.md").write_text("- [1.问题](#1问题)\n- [2.问题](#2.nowhere)\n\n## 1.问题\n答。\n")
    where = run(
        python,
        "-c",
        "import doclint.config.loading as c, importlib.resources as r;"
        "print(r.files('doclint').joinpath('packs', 'default.yml').is_file(), c.__file__)",
        cwd=work,
    )
    assert where.stdout.split()[0] == "True"
    assert str(environment) in where.stdout  # the installed copy, not this checkout

    checked = run(environment / "bin" / "doclint", "check", "ch.md", cwd=work)
    assert checked.returncode == 1, checked.stderr
    # Without a .doclint.yml, the default profile is read from its parsed copy.
    imports = run(python, "-X", "importtime", "-m", "doclint", "check", "ch.md", cwd=work)
    assert imports.returncode == 1, imports.stderr
    assert " yaml\n" not in imports.stderr and "doclint.config.loading" in imports.stderr
    assert "ch.md:2:3: error toc-anchor" in checked.stdout


# The tests that read markdown through the parse front-end: the fast parser against the
# Python one (facts and findings, on generated text and on the book), long files read in
# sections, fuzzing, hostile input, every rule's cases and the real books.
_PARSE_TESTS = (
    "tests/test_parsers_agree.py",
    "tests/test_sections.py",
    "tests/test_fuzz.py",
    "tests/test_hostile.py",
    "tests/test_document.py",
    "tests/test_rule_cases.py",
    "tests/test_real_books.py",
    "tests/test_example_book.py",
)


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("cc"), reason="no C compiler to build with mypyc")
def test_compiled_wheel_reads_books_as_the_pure_one_does(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = run(
        sys.executable,
        *("-m", "pip", "wheel", "--no-deps", "-w", dist, REPO),
        cwd=tmp_path,
        env={"DOCLINT_COMPILE": "1"},
    )
    assert built.returncode == 0, built.stdout + built.stderr
    wheel = next(dist.glob("doclint-*.whl"))
    assert not wheel.name.endswith("-none-any.whl")  # built for this platform
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    compiled = {"PYTHONPATH": str(site)}

    where = run(
        sys.executable,
        "-c",
        "import doclint.parsing.rust_parser as walk, doclint.parsing.builder as builder;"
        "print(walk.__file__); print(builder.__file__)",
        cwd=tmp_path,
        env=compiled,
    )
    files = where.stdout.split()
    assert len(files) == 2 and all(
        file.startswith(str(site)) and file.endswith(tuple(EXTENSION_SUFFIXES)) for file in files
    ), where.stdout + where.stderr

    tests = run(
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--basetemp={tmp_path / 'pytest'}",  # not beside this run's, which it would prune
        *_PARSE_TESTS,
        cwd=REPO,
        env=compiled,
    )
    assert tests.returncode == 0, tests.stdout[-5000:] + tests.stderr[-2000:]

    books = [REPO / "examples" / "book"] + ([CORPUS] if CORPUS.is_dir() else [])
    for book in books:
        command = (sys.executable, "-m", "doclint", "check", "--no-cache", "--format", "json", ".")
        pure = run(*command, cwd=book)
        fast = run(*command, cwd=book, env=compiled)
        assert pure.returncode == fast.returncode == 1, fast.stderr
        assert json.loads(fast.stdout) == json.loads(pure.stdout)
