"""Find, read and validate configuration.

The default profile is ``rules/default.yml``, shipped inside the package. A project's
``.doclint.yml`` (or ``[tool.doclint]`` in ``pyproject.toml``), found by walking up from the
working directory to the repository root, or named with ``--config``, is laid over it.
Every mistake in a configuration file is reported with the file, the line, the key and the
closest valid name, never silently ignored.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigError
from .findings import Severity
from .reading import DEFAULT_MAX_FILE_SIZE
from .records import record
from .registry import RuleSpec, all_rules

CONFIG_FILENAMES = (".doclint.yml", ".doclint.yaml")
TOP_LEVEL_KEYS = (
    "include",
    "exclude",
    "fail-on",
    "max-file-size",
    "rules",
    "profile",
    "report",
)
REPORT_KEYS = ("source-url",)
PROFILE_KEYS = ("question-patterns", "placeholder-patterns", "metadata-patterns")
RULE_SETTING_KEYS = ("enabled", "severity")
# The packs inside an installed package; a wheel holds each one parsed too (hatch_build.py).
PACKS = Path(__file__).parent / "packs"

if TYPE_CHECKING:
    import yaml


@dataclass(frozen=True)
class Profile:
    """What a question book looks like: patterns for questions, placeholders, metadata."""

    question_patterns: tuple[re.Pattern[str], ...]
    placeholder_patterns: tuple[re.Pattern[str], ...]
    metadata_patterns: tuple[re.Pattern[str], ...]

    def is_question_title(self, text: str) -> bool:
        return self._any_question.search(text) is not None

    def is_metadata_line(self, line: str) -> bool:
        return self._any_metadata.search(line) is not None

    def strip_placeholders(self, text: str) -> tuple[str, bool]:
        """The text without its placeholders, and whether there were any."""
        if self._any_placeholder.search(text) is None:
            return text, False
        for pattern in self.placeholder_patterns:
            text = pattern.sub("", text)
        return text, True

    # Each list searched as one pattern: answers have many lines and books many answers.
    @cached_property
    def _any_question(self) -> _AnyOf:
        return _AnyOf(self.question_patterns)

    @cached_property
    def _any_metadata(self) -> _AnyOf:
        return _AnyOf(self.metadata_patterns)

    @cached_property
    def _any_placeholder(self) -> _AnyOf:
        return _AnyOf(self.placeholder_patterns)


def _starts_at_start(pattern: str) -> bool:
    """Whether every match of ``pattern`` starts at the start of the text: it begins with
    ``^`` and has no ``|`` outside groups (``^a|b`` also finds "b" anywhere)."""
    if not pattern.startswith("^"):
        return False
    depth = 0
    position = 1
    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            position += 2
            continue
        if char == "[":  # a class: "]" right after "[" or "[^" is a member
            position += 2 if pattern[position + 1 : position + 2] == "^" else 1
            position += 1 if pattern[position : position + 1] == "]" else 0
            while position < len(pattern) and pattern[position] != "]":
                position += 2 if pattern[position] == "\\" else 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return False
        position += 1
    return True


class _AnyOf:
    """Searches for any of several patterns with few regular expressions: patterns joined
    (their groups and back-references kept apart) where they can be.

    The engine finds a pattern that starts with a literal character by scanning for that
    character; joined with one that does not (``\\bTODO\\b``), it would try every
    alternative at every position. Such patterns are joined apart.
    """

    def __init__(self, patterns: tuple[re.Pattern[str], ...]) -> None:
        quick: list[re.Pattern[str]] = []
        slow: list[re.Pattern[str]] = []
        for pattern in patterns:
            (quick if _starts_with_literal(pattern) else slow).append(pattern)
        self._searches = [search for group in (quick, slow) if group for search in _joined(group)]

    def search(self, text: str) -> object | None:
        for search in self._searches:
            found = search(text)
            if found is not None:
                return found
        return None


def _joined(patterns: list[re.Pattern[str]]) -> list[Callable[[str], object | None]]:
    """The searches that find any of ``patterns``: one where they can be joined."""
    flags = {pattern.flags for pattern in patterns}
    if len(flags) != 1 or any(pattern.groups for pattern in patterns):
        return [pattern.search for pattern in patterns]
    joined_flags = flags.pop()
    try:
        joined = re.compile(
            "|".join(f"(?:{pattern.pattern})" for pattern in patterns), joined_flags
        )
    except re.error:
        return [pattern.search for pattern in patterns]
    # Patterns that all start at the start of the text need be tried there only (a search
    # would try every position of every line).
    if not joined_flags & re.MULTILINE and all(
        _starts_at_start(pattern.pattern) for pattern in patterns
    ):
        return [joined.match]
    return [joined.search]


_REGEX_SYNTAX = frozenset("\\.^$*+?{}[]|()")


def _starts_with_literal(pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` starts with a character the engine can scan for: a literal one,
    not made optional, that has no case where case is ignored."""
    source = pattern.pattern
    if pattern.flags & re.VERBOSE or not source or source[0] in _REGEX_SYNTAX:
        return False
    if source[1:2] in ("?", "*", "{"):
        return False
    first = source[0]
    return not pattern.flags & re.IGNORECASE or first.lower() == first.upper()


@record
class RuleSettings:
    """How one rule runs: whether at all, at which severity, with which options."""

    enabled: bool
    severity: Severity
    options: Any


@dataclass(frozen=True)
class Config:
    """The effective configuration: the default profile with the project's laid over it."""

    root: Path  # include/exclude globs are relative to this folder
    source: Path | None  # the file the configuration came from, None for the defaults
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    fail_on: Severity
    rules: Mapping[str, RuleSettings]
    profile: Profile
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; larger files are reported, not read
    # report.source-url: where the HTML report links a question's line (sourcelinks.py)
    source_url: str | None = None

    def enabled_rules(
        self, select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()
    ) -> dict[str, RuleSettings]:
        chosen = {
            rule_id: settings
            for rule_id, settings in self.rules.items()
            if (rule_id in select if select else settings.enabled) and rule_id not in ignore
        }
        return chosen


# ---------------------------------------------------------------------------------------
# Reading YAML and TOML with line numbers


class _Source:
    """A parsed configuration file and the line of every key in it."""

    def __init__(self, name: str, data: Any, lines: dict[tuple[str, ...], int]):
        self.name = name
        self.data = data
        self._lines = lines

    def line(self, *path: str) -> int | None:
        for length in range(len(path), -1, -1):
            if path[:length] in self._lines:
                return self._lines[path[:length]]
        return None

    def error(self, message: str, *path: str) -> ConfigError:
        return ConfigError(self.name, message, self.line(*path))


def _read_yaml(path: Path, text: str) -> _Source:
    import yaml

    try:
        # libyaml's loader, when PyYAML was built with it, reads the same YAML faster.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else {}
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(
            str(path), f"invalid YAML: {problem}", mark.line + 1 if mark else None
        ) from None
    lines: dict[tuple[str, ...], int] = {}
    if node is not None:
        _record_lines(node, (), lines)
    return _Source(str(path), data if data is not None else {}, lines)


def _record_lines(node: yaml.Node, path: tuple[str, ...], lines: dict) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if node.id == "mapping":
        for key_node, value_node in node.value:
            key = str(key_node.value)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _record_lines(value_node, (*path, key), lines)
    elif node.id == "sequence":
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, str(index)), lines)


def _toml_module() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    import tomli

    return tomli


def _read_pyproject(path: Path, text: str) -> _Source | None:
    toml = _toml_module()
    try:
        data = toml.loads(text)
    except toml.TOMLDecodeError as error:
        line = getattr(error, "lineno", None)
        raise ConfigError(str(path), f"invalid TOML: {error}", line) from None
    section = data.get("tool", {}).get("doclint")
    if section is None:
        return None
    return _Source(str(path), section, _toml_key_lines(text))


def _toml_key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Lines of keys under ``[tool.doclint…]``, found by reading the file as text (the
    standard TOML parser keeps no positions)."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[+\s*([^\]]+?)\s*\]+", stripped)
        if header:
            parts = tuple(part.strip().strip("\"'") for part in header.group(1).split("."))
            table = parts[2:] if parts[:2] == ("tool", "doclint") else None
            if table is not None:
                lines.setdefault(table, number)
            continue
        key = re.match(r"^\"?([A-Za-z0-9_\-.]+)\"?\s*=", stripped)
        if table is not None and key:
            keys = tuple(part.strip("\"'") for part in key.group(1).split("."))
            lines.setdefault((*table, *keys), number)
    return lines


# ---------------------------------------------------------------------------------------
# Finding the configuration


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds a ``.git``."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def find_config_file(cwd: Path) -> tuple[Path, _Source] | None:
    """Walk up from ``cwd``, stopping at the repository root, for the first configuration."""
    stop = repository_root(cwd)
    for folder in (cwd, *cwd.parents):
        for name in CONFIG_FILENAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate, _read_yaml(candidate, _read_text(candidate))
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            source = _read_pyproject(pyproject, _read_text(pyproject))
            if source is not None:
                return pyproject, source
        if folder == stop:
            break
    return None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(str(path), "not valid UTF-8") from None
    except OSError as error:
        raise ConfigError(str(path), f"cannot read: {error.strerror or error}") from None


def default_pack_text() -> str:
    """``default.yml`` from the installed package, or from the source tree."""
    # The wheel holds it as a plain file (hatch force-include): no importlib.resources,
    # whose import alone is a tenth of a run on one chapter.
    packaged = PACKS / "default.yml"
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    in_checkout = Path(__file__).resolve().parents[2] / "rules" / "default.yml"
    return in_checkout.read_text(encoding="utf-8")


def _default_pack() -> _Source:
    name = "doclint/packs/default.yml"
    parsed = PACKS / "default.json"
    if parsed.is_file():
        import json

        # Its lines are not known; only a broken package could make them wanted.
        return _Source(name, json.loads(parsed.read_text(encoding="utf-8")), {})
    return _read_yaml(Path(name), default_pack_text())


def load_config(config_path: Path | None = None, cwd: Path | None = None) -> Config:
    """The effective configuration: the default profile with the project's laid over it."""
    cwd = (cwd or Path.cwd()).resolve()
    defaults = _default_pack()
    if config_path is not None:
        if not config_path.is_file():
            raise ConfigError(str(config_path), "configuration file not found")
        if config_path.name == "pyproject.toml":
            found = _read_pyproject(config_path, _read_text(config_path))
            if found is None:
                raise ConfigError(str(config_path), "has no [tool.doclint] table")
            user: _Source | None = found
        else:
            user = _read_yaml(config_path, _read_text(config_path))
        location: Path | None = config_path.resolve()
    else:
        discovered = find_config_file(cwd)
        location, user = discovered if discovered else (None, None)
    root = location.parent if location is not None else (repository_root(cwd) or cwd)
    return _build(defaults, user, root, location)


# ---------------------------------------------------------------------------------------
# Validation


def _closest(name: str, valid: typing.Iterable[str]) -> str:
    import difflib

    match = difflib.get_close_matches(name, list(valid), n=1, cutoff=0.5)
    return f' (did you mean "{match[0]}"?)' if match else ""


def _unknown(source: _Source, what: str, name: str, valid: typing.Iterable[str], *path: str):
    valid = list(valid)
    return source.error(
        f'unknown {what} "{name}"{_closest(name, valid)}; valid: {", ".join(valid)}', *path
    )


def _build(defaults: _Source, user: _Source | None, root: Path, location: Path | None) -> Config:
    specs = all_rules()
    layers = [defaults] + ([user] if user is not None else [])
    include: list[str] = []
    exclude: list[str] = []
    fail_on = Severity.ERROR
    max_file_size = DEFAULT_MAX_FILE_SIZE
    source_url: str | None = None
    rule_values: dict[str, dict[str, Any]] = {rule_id: {} for rule_id in specs}
    patterns: dict[str, list[str]] = {key: [] for key in PROFILE_KEYS}
    for source in layers:
        data = source.data
        if not isinstance(data, dict):
            raise source.error("the configuration must be a mapping of keys to values")
        for key, value in data.items():
            if key not in TOP_LEVEL_KEYS:
                raise _unknown(source, "key", str(key), TOP_LEVEL_KEYS, str(key))
            if key in ("include", "exclude"):
                target = include if key == "include" else exclude
                target[:] = _string_list(source, value, key)
            elif key == "fail-on":
                fail_on = _severity(source, value, key)
            elif key == "max-file-size":
                max_file_size = _size(source, value, key)
            elif key == "rules":
                _rules_layer(source, value, specs, rule_values)
            elif key == "profile":
                _profile_layer(source, value, patterns)
            elif key == "report":
                source_url = _report_layer(source, value, source_url)
    settings = {
        rule_id: _rule_settings(specs[rule_id], values, layers)
        for rule_id, values in rule_values.items()
    }
    profile = Profile(
        **{
            key.replace("-", "_"): tuple(_compile(key, pattern) for pattern in patterns[key])
            for key in PROFILE_KEYS
        }
    )
    return Config(
        root=root,
        source=location,
        include=tuple(include),
        exclude=tuple(exclude),
        fail_on=fail_on,
        rules=settings,
        profile=profile,
        max_file_size=max_file_size,
        source_url=source_url,
    )


def _string_list(source: _Source, value: Any, *path: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise source.error(f'"{path[-1]}" must be a list of strings', *path)
    return list(value)


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(|b|kb|k|mb|m|gb|g)\s*$", re.IGNORECASE)
_SIZE_UNITS = {
    "": 1,
    "b": 1,
    "k": 1024,
    "kb": 1024,
    "m": 1024**2,
    "mb": 1024**2,
    "g": 1024**3,
    "gb": 1024**3,
}


def _size(source: _Source, value: Any, *path: str) -> int:
    """Bytes, or a string such as ``10MB`` or ``512 KB``."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    found = _SIZE.match(value) if isinstance(value, str) else None
    if found and float(found.group(1)) > 0:
        return int(float(found.group(1)) * _SIZE_UNITS[found.group(2).lower()])
    raise source.error(f'"{path[-1]}" must be a size such as 10MB or 500000, not {value!r}', *path)


def _severity(source: _Source, value: Any, *path: str) -> Severity:
    if isinstance(value, str) and value.lower() in Severity.names():
        return Severity.parse(value)
    raise source.error(
        f'"{path[-1]}" must be one of {", ".join(Severity.names())}, not {value!r}', *path
    )


def _rules_layer(
    source: _Source, value: Any, specs: dict[str, RuleSpec], rule_values: dict[str, dict]
) -> None:
    if not isinstance(value, dict):
        raise source.error('"rules" must map rule ids to settings', "rules")
    for rule_id, setting in value.items():
        rule_id = str(rule_id)
        if rule_id not in specs:
            raise _unknown(source, "rule id", rule_id, specs, "rules", rule_id)
        values = rule_values[rule_id]
        where = ("rules", rule_id)
        if isinstance(setting, bool):
            values["enabled"] = (setting, source, where)
        elif isinstance(setting, str):
            values["severity"] = (_severity(source, setting, *where), source, where)
            values.setdefault("enabled", (True, source, where))
        elif setting is None:
            continue
        elif isinstance(setting, dict):
            fields = specs[rule_id].option_fields()
            for key, item in setting.items():
                key = str(key)
                if key == "enabled":
                    if not isinstance(item, bool):
                        raise source.error(
                            f'"enabled" of {rule_id} must be true or false', *where, key
                        )
                    values["enabled"] = (item, source, (*where, key))
                elif key == "severity":
                    values["severity"] = (_severity(source, item, *where, key), source, where)
                else:
                    name = key.replace("-", "_")
                    if name not in fields:
                        valid = [*RULE_SETTING_KEYS, *(f.replace("_", "-") for f in fields)]
                        raise _unknown(source, f"setting of {rule_id}", key, valid, *where, key)
                    values[name] = (item, source, (*where, key))
        else:
            raise source.error(
                f"{rule_id} must be true, false, a severity, or a mapping of settings", *where
            )


def _rule_settings(spec: RuleSpec, values: dict[str, tuple], layers: list[_Source]) -> RuleSettings:
    enabled = values.pop("enabled", (True, None, None))[0]
    severity = values.pop("severity", (spec.severity, None, None))[0]
    hints = typing.get_type_hints(spec.options)
    options: dict[str, Any] = {}
    for name, (value, source, where) in values.items():
        options[name] = _coerce(value, hints[name], source, where, spec.id)
    try:
        built = spec.options(**options)
    except (TypeError, ValueError, re.error) as error:
        source = layers[-1]
        raise source.error(f"invalid settings for {spec.id}: {error}", "rules", spec.id) from None
    return RuleSettings(enabled=enabled, severity=severity, options=built)


def _coerce(value: Any, hint: Any, source: _Source, where: tuple[str, ...], rule_id: str) -> Any:
    origin = typing.get_origin(hint)
    key = where[-1]
    if origin is tuple:
        item_hint = typing.get_args(hint)[0]
        items = [value] if isinstance(value, (str, int, float)) else value
        if not isinstance(items, list):
            raise source.error(f'"{key}" of {rule_id} must be a list', *where)
        return tuple(
            _coerce(item, item_hint, source, (*where, str(index)), rule_id)
            for index, item in enumerate(items)
        )
    if origin is typing.Union or str(origin) == "types.UnionType":
        for option in typing.get_args(hint):
            if option is type(None) and value is None:
                return None
        hint = next(option for option in typing.get_args(hint) if option is not type(None))
    if hint is bool and isinstance(value, bool):
        return value
    if hint is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if hint is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if hint is str and isinstance(value, str):
        return value
    expected = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}
    raise source.error(
        f'"{key}" of {rule_id} must be {expected.get(hint, str(hint))}, not {value!r}', *where
    )


def _profile_layer(source: _Source, value: Any, patterns: dict[str, list[str]]) -> None:
    if not isinstance(value, dict):
        raise source.error('"profile" must be a mapping', "profile")
    for key, item in value.items():
        key = str(key)
        extend = key.startswith("extend-")
        base = key[len("extend-") :] if extend else key
        if base not in PROFILE_KEYS:
            valid = [*PROFILE_KEYS, *(f"extend-{k}" for k in PROFILE_KEYS)]
            raise _unknown(source, "profile key", key, valid, "profile", key)
        items = _string_list(source, item, "profile", key)
        for index, pattern in enumerate(items):
            try:
                re.compile(pattern)
            except re.error as error:
                raise source.error(
                    f'invalid regular expression in "{key}": {pattern!r}: {error}',
                    "profile",
                    key,
                    str(index),
                ) from None
        patterns[base] = [*patterns[base], *items] if extend else items


def _report_layer(source: _Source, value: Any, source_url: str | None) -> str | None:
    """The ``report`` section: ``source-url``, validated here so a typo stops the run."""
    from .sourcelinks import template_problem

    if not isinstance(value, dict):
        raise source.error('"report" must be a mapping', "report")
    for key, item in value.items():
        key = str(key)
        if key not in REPORT_KEYS:
            raise _unknown(source, "report key", key, REPORT_KEYS, "report", key)
        problem = template_problem(item)
        if problem is not None:
            raise source.error(f'"report.source-url" {problem}', "report", key)
        source_url = item
    return source_url


def _compile(key: str, pattern: str) -> re.Pattern[str]:
    # Patterns were validated when read; placeholders are matched without regard to case.
    flags = re.IGNORECASE if key == "placeholder-patterns" else 0
    return re.compile(pattern, flags)


def option_defaults(spec: RuleSpec) -> dict[str, Any]:
    """Option names (as written in configuration) and their defaults, for documentation."""
    defaults = {}
    for field in dataclasses.fields(spec.options):
        if field.default is not dataclasses.MISSING:
            value = field.default
        elif field.default_factory is not dataclasses.MISSING:
            value = field.default_factory()
        else:
            value = None
        defaults[field.name.replace("_", "-")] = value
    return defaults
