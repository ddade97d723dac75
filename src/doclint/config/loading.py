"""Find, read and validate configuration.

The default profile is ``rules/default.yml``, shipped inside the package. A project's
``.doclint.yml`` (or ``[tool.doclint]`` in ``pyproject.toml``), found by walking up from the
working directory to the repository root, or named with ``--config``, is laid over it.
Every mistake in a configuration file is reported with the file, the line, the key and the
closest valid name, never silently ignored.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doclint.book.profile import Profile
from doclint.config.discovery import find_config_file, repository_root
from doclint.config.sources import Source, default_pack, read_pyproject, read_text, read_yaml
from doclint.core.errors import ConfigError
from doclint.core.findings import Severity
from doclint.core.records import record
from doclint.rules.options import check_values
from doclint.rules.registry import all_rules
from doclint.rules.spec import RuleSpec
from doclint.text.reading import DEFAULT_MAX_FILE_SIZE

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
PROFILE_KEYS = (
    "question-patterns",
    "placeholder-patterns",
    "metadata-patterns",
    "number-patterns",
)
RULE_SETTING_KEYS = ("enabled", "severity")
# The packs inside an installed package; a wheel holds each one parsed too (hatch_build.py).
PACKS = Path(__file__).parent / "packs"

if TYPE_CHECKING:
    pass


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


def load_config(config_path: Path | None = None, cwd: Path | None = None) -> Config:
    """The effective configuration: the default profile with the project's laid over it."""
    cwd = (cwd or Path.cwd()).resolve()
    defaults = default_pack()
    if config_path is not None:
        if not config_path.is_file():
            raise ConfigError(str(config_path), "configuration file not found")
        if config_path.name == "pyproject.toml":
            found = read_pyproject(config_path, read_text(config_path))
            if found is None:
                raise ConfigError(str(config_path), "has no [tool.doclint] table")
            user: Source | None = found
        else:
            user = read_yaml(config_path, read_text(config_path))
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


def _unknown(source: Source, what: str, name: str, valid: typing.Iterable[str], *path: str):
    valid = list(valid)
    return source.error(
        f'unknown {what} "{name}"{_closest(name, valid)}; valid: {", ".join(valid)}', *path
    )


def _build(defaults: Source, user: Source | None, root: Path, location: Path | None) -> Config:
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


def _string_list(source: Source, value: Any, *path: str) -> list[str]:
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


def _size(source: Source, value: Any, *path: str) -> int:
    """Bytes, or a string such as ``10MB`` or ``512 KB``."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    found = _SIZE.match(value) if isinstance(value, str) else None
    if found and float(found.group(1)) > 0:
        return int(float(found.group(1)) * _SIZE_UNITS[found.group(2).lower()])
    raise source.error(f'"{path[-1]}" must be a size such as 10MB or 500000, not {value!r}', *path)


def _severity(source: Source, value: Any, *path: str) -> Severity:
    if isinstance(value, str) and value.lower() in Severity.names():
        return Severity.parse(value)
    raise source.error(
        f'"{path[-1]}" must be one of {", ".join(Severity.names())}, not {value!r}', *path
    )


def _rules_layer(
    source: Source, value: Any, specs: dict[str, RuleSpec], rule_values: dict[str, dict]
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


def _rule_settings(spec: RuleSpec, values: dict[str, tuple], layers: list[Source]) -> RuleSettings:
    enabled = values.pop("enabled", (True, None, None))[0]
    severity = values.pop("severity", (spec.severity, None, None))[0]
    hints = typing.get_type_hints(spec.options)
    options: dict[str, Any] = {}
    for name, (value, source, where) in values.items():
        options[name] = _coerce(value, hints[name], source, where, spec.id)
    try:
        built = spec.options(**options)
        check_values(built)
    except (TypeError, ValueError, re.error) as error:
        source = layers[-1]
        raise source.error(f"invalid settings for {spec.id}: {error}", "rules", spec.id) from None
    return RuleSettings(enabled=enabled, severity=severity, options=built)


def _coerce(value: Any, hint: Any, source: Source, where: tuple[str, ...], rule_id: str) -> Any:
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


def _profile_layer(source: Source, value: Any, patterns: dict[str, list[str]]) -> None:
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
                # With the flags it is used with: re's cache then serves _compile.
                compiled = _compile(base, pattern)
            except re.error as error:
                raise source.error(
                    f'invalid regular expression in "{key}": {pattern!r}: {error}',
                    "profile",
                    key,
                    str(index),
                ) from None
            if base == "number-patterns" and set(compiled.groupindex) - {"number"}:
                raise source.error(
                    f'a pattern in "{key}" may name one group only, "number": {pattern!r}',
                    "profile",
                    key,
                    str(index),
                )
        patterns[base] = [*patterns[base], *items] if extend else items


def _report_layer(source: Source, value: Any, source_url: str | None) -> str | None:
    """The ``report`` section: ``source-url``, validated here so a typo stops the run."""
    from doclint.workspace.sourcelinks import template_problem

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
