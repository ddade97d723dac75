"""Configuration: discovery, layering over the default profile, and one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doclint.config.loading import load_config
from doclint.core.errors import ConfigError
from doclint.core.findings import Severity


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_come_from_the_shipped_profile(tmp_path: Path) -> None:
    config = load_config(cwd=tmp_path)
    assert config.source is None
    assert config.rules["toc-anchor"].severity == Severity.ERROR
    assert config.rules["empty-answer"].severity == Severity.WARNING
    assert config.profile.is_question_title("12.什么是注意力？")
    assert config.profile.is_metadata_line("**难度评分：⭐⭐⭐ (3/5)**")


def test_the_pack_a_wheel_ships_parsed_gives_the_same_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    import yaml

    from doclint.config import sources as config_module

    write(tmp_path / "book", ".doclint.yml", "rules:\n  image-alt:\n    enabled: false\n")
    from_yaml = load_config(cwd=tmp_path / "book")
    packs = tmp_path / "packs"
    # As hatch_build.py writes it into the wheel.
    parsed = yaml.safe_load(config_module.default_pack_text())
    write(packs, "default.json", json.dumps(parsed, ensure_ascii=False))
    monkeypatch.setattr(config_module, "PACKS", packs)
    from_json = load_config(cwd=tmp_path / "book")
    assert from_json == from_yaml
    assert not from_json.rules["image-alt"].enabled


def test_found_by_walking_up_and_layered(tmp_path: Path) -> None:
    write(
        tmp_path,
        ".doclint.yml",
        "rules:\n  image-alt: false\n  toc-sync: error\n  empty-answer:\n    severity: info\n"
        "profile:\n  extend-placeholder-patterns: ['施工中']\n",
    )
    (tmp_path / ".git").mkdir()
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    config = load_config(cwd=inner)
    assert config.source == (tmp_path / ".doclint.yml").resolve()
    assert not config.rules["image-alt"].enabled
    assert config.rules["toc-sync"].severity == Severity.ERROR
    assert config.rules["empty-answer"].severity == Severity.INFO
    assert config.profile.strip_placeholders("施工中")[1]
    assert config.profile.strip_placeholders("待补充")[1]


def test_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    write(tmp_path, ".doclint.yml", "rules: {image-alt: false}\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    assert load_config(cwd=repo).source is None


def test_pyproject_table(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.doclint]\nexclude = ["drafts/"]\n\n'
        '[tool.doclint.rules.image-alt]\nseverity = "error"\n',
    )
    config = load_config(cwd=tmp_path)
    assert config.exclude == ("drafts/",)
    assert config.rules["image-alt"].severity == Severity.ERROR


def test_rule_options_are_typed(tmp_path: Path) -> None:
    write(tmp_path, ".doclint.yml", "rules:\n  image-alt:\n    generated-alt: ['^x$']\n")
    assert load_config(cwd=tmp_path).rules["image-alt"].options.generated_alt == ("^x$",)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("rulez: {}\n", 1, ['unknown key "rulez"', '"rules"']),
        ("rules:\n  toc-anchr: false\n", 2, ['unknown rule id "toc-anchr"', '"toc-anchor"']),
        ("rules:\n  image-alt:\n    generated_al: []\n", 3, ['"generated-alt"']),
        ("rules:\n  image-alt:\n    generated-alt: 3\n", 3, ["must be a string"]),
        ("rules:\n  image-alt:\n    severity: fatal\n", 3, ["must be one of info, warning, error"]),
        ("rules:\n  toc-anchor:\n    enabled: yes please\n", 3, ['"enabled"']),
        (
            "rules:\n  duplicate-question:\n    scope: everything\n",
            2,
            ['"scope" must be one of chapter, book'],
        ),
        ("profile:\n  number-patterns: ['(?P<n>\\d+)']\n", 2, ['one group only, "number"']),
        ("profile:\n  question-patterns: ['(']\n", 2, ["invalid regular expression"]),
        ("profile:\n  question-pattern: []\n", 2, ['"question-patterns"']),
        ("rules: [a, b\n", 2, ["invalid YAML"]),
        ("- just a list\n", 1, ["must be a mapping"]),
    ],
)
def test_mistakes_name_the_file_line_and_closest_key(
    tmp_path: Path, text: str, line: int, words: list[str]
) -> None:
    write(tmp_path, ".doclint.yml", text)
    with pytest.raises(ConfigError) as raised:
        load_config(cwd=tmp_path)
    message = str(raised.value)
    assert message.startswith(f"{tmp_path / '.doclint.yml'}:{line}: "), message
    assert "\n" not in message
    for word in words:
        assert word in message


def test_an_explicit_config_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "nope.yml", cwd=tmp_path)


def test_pyproject_errors_have_lines(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.doclint]\ninclude = 3\n")
    with pytest.raises(ConfigError, match=r"pyproject.toml:2: .*list of strings"):
        load_config(cwd=tmp_path)


@pytest.mark.parametrize(
    ("patterns", "text", "found"),
    [
        (["^a", r"^\s*b"], "  b", True),
        (["^a", r"^\s*b"], "xa", False),
        (["^a|b"], "xb", True),  # "|" outside a group: "b" is found anywhere
        (["^(?:a|b)"], "xb", False),
        (["^[|]x", "y"], "zy", True),  # one pattern not anchored: searched everywhere
        (["(?m)^a"], "x\na", True),
        ([r"^\|x"], "a|x", False),
        (["^[]|]x|y"], "zy", True),
        (["待补充", r"\bTODO\b"], "x TODO", True),  # joined apart: the first is scanned for
        (["待补充", r"\bTODO\b"], "xTODO", False),
        (["a?b", "待"], "b", True),  # "a" is optional: "a?b" is not scanned for "a"
        (["c{0}d", "待"], "d", True),
    ],
)
def test_joined_profile_patterns_find_what_each_pattern_finds(
    patterns: list[str], text: str, found: bool
) -> None:
    from doclint.book.profile import _AnyOf

    compiled = tuple(re.compile(pattern) for pattern in patterns)
    assert any(pattern.search(text) for pattern in compiled) is found
    assert (_AnyOf(compiled).search(text) is not None) is found


PROFILE_PATTERN_POOL = [
    "待补充",
    "待续",
    r"\bTODO\b",
    "todo",
    "^x",
    "a?b",
    "(?i)ab",
    "中|\\bz",
    "c{0,1}d",
]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(PROFILE_PATTERN_POOL), min_size=1, max_size=5, unique=True),
    st.sampled_from([0, re.IGNORECASE, re.MULTILINE]),
    st.text(alphabet="待补充续TODOtodo abxyzcd中\n", max_size=20),
)
def test_any_of_the_profile_patterns_is_found_however_they_are_joined(
    patterns: list[str], flags: int, text: str
) -> None:
    from doclint.book.profile import _AnyOf

    compiled = tuple(re.compile(pattern, flags) for pattern in patterns)
    expected = any(pattern.search(text) for pattern in compiled)
    assert (_AnyOf(compiled).search(text) is not None) is expected
