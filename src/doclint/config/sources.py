"""Configuration files read with the line of every key, so that every mistake is reported
where it is written; and the default profile shipped inside the package."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doclint.core.errors import ConfigError

if TYPE_CHECKING:
    import yaml

# The packs inside an installed package; a wheel holds each one parsed too (hatch_build.py).
PACKS = Path(__file__).resolve().parents[1] / "packs"

# ---------------------------------------------------------------------------------------
# Reading YAML and TOML with line numbers


class Source:
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


def read_yaml(path: Path, text: str) -> Source:
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
    return Source(str(path), data if data is not None else {}, lines)


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


def read_pyproject(path: Path, text: str) -> Source | None:
    toml = _toml_module()
    try:
        data = toml.loads(text)
    except toml.TOMLDecodeError as error:
        line = getattr(error, "lineno", None)
        raise ConfigError(str(path), f"invalid TOML: {error}", line) from None
    section = data.get("tool", {}).get("doclint")
    if section is None:
        return None
    return Source(str(path), section, _toml_key_lines(text))


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


def default_pack_text() -> str:
    """``default.yml`` from the installed package, or from the source tree."""
    # The wheel holds it as a plain file (hatch force-include): no importlib.resources,
    # whose import alone is a tenth of a run on one chapter.
    packaged = PACKS / "default.yml"
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    in_checkout = Path(__file__).resolve().parents[3] / "rules" / "default.yml"
    return in_checkout.read_text(encoding="utf-8")


def default_pack() -> Source:
    name = "doclint/packs/default.yml"
    parsed = PACKS / "default.json"
    if parsed.is_file():
        import json

        # Its lines are not known; only a broken package could make them wanted.
        return Source(name, json.loads(parsed.read_text(encoding="utf-8")), {})
    return read_yaml(Path(name), default_pack_text())


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(str(path), "not valid UTF-8") from None
    except OSError as error:
        raise ConfigError(str(path), f"cannot read: {error.strerror or error}") from None
