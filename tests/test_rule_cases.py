"""Runs every case of ``tests/rules/<rule-id>.yml`` (one loader for all rules).

A case gives the markdown (``markdown:``, checked as ``doc.md``) or several files
(``files:`` and ``check:``), optional rule settings (``config:``), and the findings it
``expect``s of that rule only: ``line`` and ``column``, and where given, the exact
``suggestion`` (null: none) and a piece of the ``message``. Rules that compare with a git
revision get ``base:``, the markdown (or files) of a first commit; the case's own files
are then the working tree, checked with ``--base HEAD``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from doclint import engine
from doclint.config import load_config

from .conftest import commit_all

CASES_DIR = Path(__file__).parent / "rules"


def _cases():
    for path in sorted(CASES_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            yield pytest.param(data["rule"], case, id=f"{data['rule']}: {case['name']}")


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


@pytest.mark.parametrize(("rule", "case"), list(_cases()))
def test_rule_case(rule: str, case: dict, tmp_path: Path) -> None:
    files = case.get("files") or {"doc.md": case["markdown"]}
    base = case.get("base")
    if base is not None:
        _write(tmp_path, base if isinstance(base, dict) else {"doc.md": base})
        commit_all(tmp_path, "base")
    _write(tmp_path, files)
    settings = {"rules": {rule: case["config"]}} if case.get("config") else {}
    (tmp_path / ".doclint.yml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    config = load_config(cwd=tmp_path)

    result = engine.check(
        [case.get("check", "doc.md")],
        config,
        select=[rule],
        cwd=tmp_path,
        base="HEAD" if base is not None else None,
    )

    assert not result.errors
    found = [finding for finding in result.findings if finding.rule == rule]
    expected = case["expect"]
    assert [(f.line, f.column) for f in found] == [(e["line"], e["column"]) for e in expected], (
        "\n".join(f"{f.line}:{f.column} {f.message}" for f in found)
    )
    for finding, expectation in zip(found, expected, strict=True):
        if "suggestion" in expectation:
            assert finding.suggestion == expectation["suggestion"]
        if "message" in expectation:
            assert expectation["message"] in finding.message
