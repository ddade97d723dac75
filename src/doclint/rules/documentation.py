"""A rule's documentation as one markdown text: its spec, its docstring in ruff's sections,
then its options with their defaults, generated from its ``Options``. ``doclint rules ID``
prints it and the documentation site makes each rule's page of it, so the two never
differ and no default is written by hand."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from doclint.core.records import record
from doclint.rules import options as option_fields
from doclint.rules.spec import RuleSpec

DOCS_URL = "https://doclint.readthedocs.io/"


@record
class OptionInfo:
    """One option as a configuration file writes it."""

    name: str  # as written in configuration: ``max-retry-wait``
    hint: Any  # the Python type: bool, int, float, str or tuple[str, ...]
    default: Any  # as a configuration would write it: lists, not tuples
    doc: str
    choices: tuple[str, ...] = ()
    ignore_case: bool = False
    minimum: float | None = None
    exclusive_minimum: float | None = None

    @property
    def kind(self) -> str:
        """The type in words, for people."""
        if self.choices:
            return "one of " + ", ".join(f"`{choice}`" for choice in self.choices)
        if typing.get_origin(self.hint) is tuple:
            return "list of strings"
        return {bool: "true or false", int: "whole number", float: "number"}.get(
            self.hint, "string"
        )


def describe(options: type) -> tuple[OptionInfo, ...]:
    """Every option of an ``Options`` class, in the order it declares them."""
    hints = typing.get_type_hints(options)
    described = []
    for field in dataclasses.fields(options):
        if option_fields.DOC not in field.metadata:
            raise TypeError(f"{options.__qualname__}.{field.name} is not made with option()")
        meta = field.metadata
        described.append(
            OptionInfo(
                name=field.name.replace("_", "-"),
                hint=hints[field.name],
                default=config_value(field.default),
                doc=meta[option_fields.DOC],
                choices=meta[option_fields.CHOICES],
                ignore_case=meta[option_fields.IGNORE_CASE],
                minimum=meta[option_fields.MINIMUM],
                exclusive_minimum=meta[option_fields.EXCLUSIVE_MINIMUM],
            )
        )
    return tuple(described)


def config_value(value: Any) -> Any:
    """A default as a configuration file writes it: a list for a tuple, ``10`` for ``10.0``."""
    if isinstance(value, tuple):
        return [config_value(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def written(value: Any) -> str:
    r"""A default in YAML's inline notation: ``false``, ``10``, ``book``, ``['^x\d+$']``
    (strings other than words single-quoted, so that patterns read back as written)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(written(item) for item in value) + "]"
    if isinstance(value, str) and not value.isalnum():
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def rule_url(rule_id: str) -> str:
    """The rule's page on the documentation site."""
    return f"{DOCS_URL}rules/{rule_id}/"


def option_line(info: OptionInfo) -> str:
    """``- `timeout` (number, default `10`): Seconds for each request…``"""
    return f"- `{info.name}` ({info.kind}, default `{written(info.default)}`): {info.doc}"


def example_configuration(spec: RuleSpec) -> str:
    """The rule's settings as a ``.doclint.yml`` writes them, every one at its default."""
    lines = ["rules:", f"  {spec.id}:", f"    severity: {spec.severity}"]
    for info in describe(spec.options):
        if isinstance(info.default, list) and info.default:
            lines.append(f"    {info.name}:")
            lines += [f"      - {written(item)}" for item in info.default]
        else:
            lines.append(f"    {info.name}: {written(info.default)}")
    return "\n".join(lines)


def rule_markdown(spec: RuleSpec) -> str:
    """The whole documentation of one rule, in markdown, ending with a newline."""
    options = describe(spec.options)
    parts = [
        f"# {spec.id}",
        f"{spec.summary}.",
        f"Default severity: {spec.severity}. Fixable: {'yes' if spec.fixable else 'no'}.",
        spec.doc.strip(),
    ]
    if options:
        parts.append("\n".join(option_line(info) for info in options))
    parts.append(
        "In `.doclint.yml`, with every setting at its default:\n\n"
        f"```yaml\n{example_configuration(spec)}\n```"
    )
    return "\n\n".join(parts) + "\n"
