"""The example book shows every rule firing, and a realistic mix of answers."""

from __future__ import annotations

from pathlib import Path

from doclint.config.loading import load_config
from doclint.engine import api as engine
from doclint.rules.registry import all_rules

REPO = Path(__file__).resolve().parents[1]


def test_every_rule_fires_in_the_example_book() -> None:
    result = engine.check(["examples/book"], load_config(cwd=REPO), cwd=REPO)
    assert not result.errors
    # Rules that compare with a git revision have nothing to compare with here.
    offline = {rule_id for rule_id, spec in all_rules().items() if not spec.needs_base}
    assert {finding.rule for finding in result.findings} == offline


def test_the_example_book_is_partly_written() -> None:
    totals = engine.report(["examples/book"], load_config(cwd=REPO), cwd=REPO).coverage.totals
    assert totals.questions == 18
    assert (totals.answered, totals.empty, totals.stub, totals.missing) == (13, 2, 2, 1)
