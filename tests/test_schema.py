"""The JSON Schema of the configuration: generated from the code, shipped as committed, and
in agreement with ``load_config`` on what a configuration may say."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from doclint.config.loading import PROFILE_KEYS, REPORT_KEYS, TOP_LEVEL_KEYS, load_config
from doclint.config.schema import configuration_schema, schema_text
from doclint.core.errors import ConfigError
from doclint.rules.documentation import describe
from doclint.rules.registry import all_rules

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "schema" / "doclint.schema.json"
SCHEMA = configuration_schema()
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)


def loads(tmp_path: Path, text: str) -> bool:
    """Whether ``load_config`` accepts ``text`` as a ``.doclint.yml``."""
    path = tmp_path / ".doclint.yml"
    path.write_text(text, encoding="utf-8")
    try:
        load_config(path)
    except ConfigError:
        return False
    return True


def valid(text: str) -> bool:
    return VALIDATOR.is_valid(yaml.safe_load(text) or {})


def test_the_shipped_schema_is_the_generated_one() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == schema_text(), (
        "schema/doclint.schema.json is stale: run `doclint schema > schema/doclint.schema.json`"
    )


def test_the_schema_is_a_valid_draft_7_schema() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)


def test_the_schema_knows_every_key_load_config_knows() -> None:
    properties = SCHEMA["properties"]
    assert list(properties) == list(TOP_LEVEL_KEYS)
    assert list(properties["report"]["properties"]) == list(REPORT_KEYS)
    profile = properties["profile"]["properties"]
    assert set(profile) == {*PROFILE_KEYS, *(f"extend-{key}" for key in PROFILE_KEYS)}
    rules = properties["rules"]["properties"]
    assert list(rules) == list(all_rules())
    for rule_id, spec in all_rules().items():
        settings = rules[rule_id]["anyOf"][-1]["properties"]
        assert list(settings) == ["enabled", "severity", *(o.name for o in describe(spec.options))]
        assert settings["severity"]["default"] == str(spec.severity)


def test_option_defaults_in_the_schema_are_what_the_options_hold() -> None:
    rules = SCHEMA["properties"]["rules"]["properties"]
    for rule_id, spec in all_rules().items():
        settings = rules[rule_id]["anyOf"][-1]["properties"]
        built = spec.options()
        for field_name, info in ((o.name.replace("-", "_"), o) for o in describe(spec.options)):
            default = settings[info.name]["default"]
            held = getattr(built, field_name)
            assert default == (list(held) if isinstance(held, tuple) else held), info.name
            # The default is itself valid for the option.
            assert jsonschema.Draft7Validator(settings[info.name]).is_valid(default)


def test_the_example_configuration_validates_and_loads(tmp_path: Path) -> None:
    example = REPO / "examples" / "doclint.yml"
    text = example.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/doclint.schema.json\n")
    assert (example.parent / "../schema/doclint.schema.json").resolve() == SHIPPED
    VALIDATOR.validate(yaml.safe_load(text))
    assert load_config(example).rules["dead-link"].options.external


def test_the_pyproject_table_form_validates() -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    table = tomllib.loads(
        '[tool.doclint]\nexclude = ["drafts/"]\nmax-file-size = 5000000\n'
        '[tool.doclint.rules.image-alt]\nseverity = "error"\n'
        "[tool.doclint.rules.dead-link]\ntimeout = 2.5\nretries = 0\n"
    )["tool"]["doclint"]
    VALIDATOR.validate(table)


# Configurations in the style of tests/test_config.py: each is accepted by both.
ACCEPTED = [
    "",
    "include: ['*.md']\nexclude: [drafts/, node_modules/]\nfail-on: warning\n",
    "include: '*.md'\nfail-on: ERROR\n",
    "max-file-size: 512KB\n",
    "max-file-size: 1.5 mb\n",
    "max-file-size: 100000\n",
    "rules:\n  image-alt: false\n  toc-sync: error\n  empty-answer:\n    severity: info\n",
    "rules:\n  toc-anchor: Warning\n  toc-sync:\n",
    "rules:\n  image-alt:\n    enabled: false\n    generated-alt: ['^x$']\n",
    "rules:\n  image-alt:\n    generated-alt: '^x$'\n",
    "rules:\n  duplicate-question:\n    scope: chapter\n    book-severity: Warning\n",
    "rules:\n  dead-link:\n    external: true\n    timeout: 2\n    retry-wait: 0.5\n"
    "    exclude-urls: ['^https://example\\.com/']\n    accept: ['*: 200-299']\n",
    "profile:\n  extend-placeholder-patterns: ['施工中']\n  question-patterns: ['^\\d+\\.']\n",
    "profile:\n  extend-number-patterns: ['^第(?P<number>\\d+)问']\n",
    "report:\n  source-url: 'https://example.com/{path}#L{line}'\n",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_what_load_config_accepts_the_schema_accepts(tmp_path: Path, text: str) -> None:
    assert loads(tmp_path, text)
    VALIDATOR.validate(yaml.safe_load(text) or {})


# Mistakes both reject: unknown keys, rule ids and options, wrong types, values out of range.
REJECTED = [
    "rulez: {}\n",
    "include: 3\n",
    "fail-on: fatal\n",
    "max-file-size: lots\n",
    "max-file-size: 0\n",
    "rules:\n  toc-anchr: false\n",
    "rules:\n  image-alt:\n    generated_al: []\n",
    "rules:\n  image-alt:\n    generated-alt: 3\n",
    "rules:\n  image-alt:\n    severity: fatal\n",
    "rules:\n  toc-anchor:\n    enabled: yes please\n",
    "rules:\n  toc-anchor: 3\n",
    "rules:\n  dead-link:\n    timeout: ten\n",
    "rules:\n  dead-link:\n    timeout: 0\n",
    "rules:\n  dead-link:\n    retries: -1\n",
    "rules:\n  dead-link:\n    external: 'yes'\n",
    "rules:\n  duplicate-question:\n    scope: everywhere\n",
    "profile:\n  question-pattern: []\n",
    "profile:\n  extend-question-patterns: 7\n",
    "report:\n  source: x\n",
    "- just a list\n",
]


@pytest.mark.parametrize("text", REJECTED)
def test_what_the_schema_rejects_load_config_rejects(tmp_path: Path, text: str) -> None:
    assert not valid(text)
    assert not loads(tmp_path, text)


def test_doclint_schema_prints_the_shipped_schema() -> None:
    from click.testing import CliRunner

    from doclint.cli.commands import cli

    printed = CliRunner().invoke(cli, ["schema"])
    assert printed.exit_code == 0
    assert json.loads(printed.output) == json.loads(SHIPPED.read_text(encoding="utf-8"))
