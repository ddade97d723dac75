"""Runs every case of ``tests/rules/<rule-id>.yml`` (one loader for all rules).

A case gives the markdown (``markdown:``, checked as ``doc.md``) or several files
(``files:`` and ``check:``), optional rule settings (``config:``), and the findings it
``expect``s of that rule only: ``line`` and ``column``, and where given, the exact
``suggestion`` (null: none) and a piece of the ``message``. Rules that compare with a git
revision get ``base:``, the markdown (or files) of a first commit; the case's own files
are then the working tree, checked with ``--base HEAD``.

A case with findings also says what ``doclint fix`` makes of the checked file: ``fix:``
is the exact text after fixing, or null when no fix is offered. The loader applies the
fixes, checks the text again and requires that no fixable finding of the rule is left,
that every fix removed its finding, that other files are untouched and that a second
``fix`` changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from doclint.config.loading import load_config
from doclint.engine import api as engine

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
        path.write_bytes(content.encode("utf-8"))


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
    checked = case.get("check", "doc.md")

    result = engine.check(
        [checked], config, select=[rule], cwd=tmp_path, base="HEAD" if base is not None else None
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
    if expected:
        _check_fix(rule, case, config, tmp_path, checked, found)


def _check_fix(rule: str, case: dict, config, folder: Path, checked: str, found: list) -> None:
    assert "fix" in case, "a case with findings says what fix makes of it (text, or null)"
    before = {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    target = folder / checked

    fixed = engine.fix([checked], config, select=[rule], cwd=folder)

    assert not fixed.check.errors
    if case["fix"] is None:
        assert all(finding.fix is None for finding in found)
        assert not fixed.applied
        assert all(path.read_bytes() == data for path, data in before.items())
        return
    assert target.read_bytes().decode("utf-8") == case["fix"]
    assert all(path.read_bytes() == data for path, data in before.items() if path != target)
    again = engine.check([checked], config, select=[rule], cwd=folder)
    left = [finding for finding in again.findings if finding.rule == rule]
    assert [f for f in left if f.fix is not None] == [], "a fixable finding is left"
    assert len(left) == len(found) - fixed.applied[rule], "a fix did not remove its finding"
    assert left == fixed.check.findings
    second = engine.fix([checked], config, select=[rule], cwd=folder)
    assert not second.applied and not second.changed
    assert target.read_bytes().decode("utf-8") == case["fix"]
