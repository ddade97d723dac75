"""Every rule has cases, documentation in ruff's sections, and a stable id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from doclint.rules.registry import all_rules

SECTIONS = [
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## Fix safety",
    "## Options",
]
RULES = all_rules()


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_has_a_case_file_with_passing_failing_and_fix_cases(rule_id: str) -> None:
    import yaml

    path = Path(__file__).parent / "rules" / f"{rule_id}.yml"
    assert path.exists(), f"tests/rules/{rule_id}.yml is missing"
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    assert any(not case["expect"] for case in cases), "no passing case"
    assert any(case["expect"] for case in cases), "no failing case"
    failing = [case for case in cases if case["expect"]]
    assert all("fix" in case for case in failing), "a failing case without a fix expectation"
    fixed = [case for case in failing if case["fix"] is not None]
    if RULES[rule_id].fixable:
        assert fixed, "a fixable rule without a case showing its fix"
        assert len(fixed) < len(failing), "a fixable rule without a case it does not fix"
    else:
        assert not fixed, "a rule that is not fixable with a fix expectation"


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_documentation_has_ruffs_sections_in_order(rule_id: str) -> None:
    doc = RULES[rule_id].doc
    positions = [doc.find(section) for section in SECTIONS]
    assert all(position >= 0 for position in positions), f"{rule_id}: missing sections"
    assert positions == sorted(positions), f"{rule_id}: sections out of order"


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_ids_are_kebab_case_and_summaries_one_line(rule_id: str) -> None:
    spec = RULES[rule_id]
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", spec.id)
    assert "\n" not in spec.summary and not spec.summary.endswith(".")


def test_default_profile_configures_every_rule() -> None:
    import yaml

    from doclint.config.sources import default_pack_text

    pack = yaml.safe_load(default_pack_text())
    assert set(pack["rules"]) == set(RULES)
