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

Each file is first validated against ``tests/rules/schema.json``: a misspelt key (say
``expcet``) fails as an invalid file, rather than being ignored and leaving a case that
checks nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from doclint.config.loading import load_config
from doclint.engine import api as engine

from .conftest import commit_all

CASES_DIR = Path(__file__).parent / "rules"
SCHEMA = json.loads((CASES_DIR / "schema.json").read_text(encoding="utf-8"))


class InvalidCaseFile(Exception):
    """A case file that is not YAML or does not match the schema; says where and why."""


def load_case_file(path: Path) -> dict:
    """The file's rule and cases, once it is known to match ``tests/rules/schema.json``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise InvalidCaseFile(f"{path.name}: not YAML: {error}") from None
    validator = jsonschema.Draft202012Validator(SCHEMA)
    problems = [
        f"{path.name}: at {error.json_path}: {_said(error)}"
        for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    ]
    if problems:
        raise InvalidCaseFile("\n".join(problems))
    if data["rule"] != path.stem:
        raise InvalidCaseFile(f"{path.name}: its rule is {data['rule']!r}, not {path.stem!r}")
    return data


def _said(error: jsonschema.ValidationError) -> str:
    # A choice between keys fails with the whole case printed: its description says more.
    if error.validator in ("oneOf", "anyOf", "not") and "description" in error.schema:
        return str(error.schema["description"])
    return error.message


def _cases():
    for path in sorted(CASES_DIR.glob("*.yml")):
        try:
            data = load_case_file(path)
        except InvalidCaseFile as problem:
            # Runs as one failing test that says what is wrong, not as a collection error.
            yield pytest.param(None, str(problem), id=f"{path.name}: invalid")
            continue
        for case in data["cases"]:
            yield pytest.param(data["rule"], case, id=f"{data['rule']}: {case['name']}")


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8"))


@pytest.mark.parametrize(("rule", "case"), list(_cases()))
def test_rule_case(rule: str | None, case: dict | str, tmp_path: Path) -> None:
    if rule is None:
        pytest.fail(str(case), pytrace=False)
    assert isinstance(case, dict)
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


def test_every_rule_has_a_valid_case_file() -> None:
    from doclint.rules.registry import all_rules

    for rule_id in all_rules():
        assert load_case_file(CASES_DIR / f"{rule_id}.yml")["rule"] == rule_id


MISSPELT = """\
rule: toc-anchor
cases:
  - name: a finding, but the key that lists it is misspelt
    markdown: |
      [x](#nowhere)
    expcet:
      - {line: 1, column: 1}
"""


def test_a_misspelt_key_is_an_invalid_case_file(tmp_path: Path) -> None:
    path = tmp_path / "toc-anchor.yml"
    path.write_text(MISSPELT, encoding="utf-8")
    with pytest.raises(InvalidCaseFile) as raised:
        load_case_file(path)
    message = str(raised.value)
    assert "toc-anchor.yml: at $.cases[0]: Additional properties are not allowed" in message
    assert "'expcet' was unexpected" in message
    assert "'expect' is a required property" in message


VALID = MISSPELT.replace("expcet:", "expect:") + "    fix: null\n"


def test_the_misspelt_file_spelt_right_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "toc-anchor.yml"
    path.write_text(VALID, encoding="utf-8")
    (case,) = load_case_file(path)["cases"]
    assert case["expect"] == [{"line": 1, "column": 1}] and case["fix"] is None


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (("{line: 1, column: 1}", "{line: 1, colum: 1}"), "'colum' was unexpected"),
        (("{line: 1, column: 1}", "{line: 1, column: 1, fix: x}"), "'fix' was unexpected"),
        (("markdown: |", "check: doc.md\n    markdown: |"), "either `markdown`, or `files`"),
        (("    fix: null\n", ""), "'fix' is a required property"),
        (("rule: toc-anchor", "rule: toc-anchors"), "its rule is 'toc-anchors'"),
        (("    markdown: |", "  markdown: ["), "not YAML"),
    ],
)
def test_other_mistakes_in_a_case_file_are_named(
    tmp_path: Path, change: tuple[str, str], complaint: str
) -> None:
    path = tmp_path / "toc-anchor.yml"
    path.write_text(VALID.replace(*change), encoding="utf-8")
    with pytest.raises(InvalidCaseFile, match=r"^toc-anchor\.yml: ") as raised:
        load_case_file(path)
    assert complaint in str(raised.value)
