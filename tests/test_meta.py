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


def test_the_default_configuration_of_every_rule_is_its_code(tmp_path: Path) -> None:
    """``rules/default.yml`` sets no rule: each runs at its spec's severity, with its
    ``Options`` defaults, the one place they are written."""
    import yaml

    from doclint.config.loading import load_config
    from doclint.config.sources import default_pack_text

    assert "rules" not in yaml.safe_load(default_pack_text())
    settings = load_config(cwd=tmp_path).rules
    assert set(settings) == set(RULES)
    for rule_id, spec in RULES.items():
        assert settings[rule_id].enabled
        assert settings[rule_id].severity == spec.severity
        assert settings[rule_id].options == spec.options()


@pytest.mark.parametrize("rule_id", list(RULES))
def test_every_option_has_a_meaning_and_its_default_is_documented(rule_id: str) -> None:
    from doclint.rules.documentation import describe, rule_markdown, written

    spec = RULES[rule_id]
    page = rule_markdown(spec)
    options = describe(spec.options)  # raises for a field not made with option()
    for info in options:
        assert info.doc.strip() and info.doc.endswith("."), info.name
        assert f"- `{info.name}` ({info.kind}, default `{written(info.default)}`)" in page
    # The docstring's own "## Options" prose names options but restates no default.
    prose = spec.doc[spec.doc.index("## Options") :]
    assert "default" not in prose.lower(), f"{rule_id}: a default written by hand"
    if not options:
        assert prose.split("\n")[1].startswith("None"), f"{rule_id}: say there are none"


def test_the_link_checker_takes_its_settings_from_the_dead_link_options() -> None:
    import dataclasses

    from doclint.engine.external import ExternalRun, link_check_settings
    from doclint.links.model import Settings
    from doclint.rules import dead_link

    # No field that mirrors an option has a default of its own.
    own_defaults = {
        field.name
        for field in dataclasses.fields(Settings)
        if field.default is not dataclasses.MISSING
    }
    assert own_defaults == {"github_token", "user_agent"}
    options = dead_link.Options(timeout=2.5, exclude_hosts=("*.intra",), accept=("*: 999",))
    made = link_check_settings(options, ExternalRun(), environ={})
    assert (made.timeout, made.exclude_hosts) == (2.5, ("*.intra",))
    assert made.accepts("x.example", 999)
    assert made.max_redirects == dead_link.Options().max_redirects
