"""Rule options, written once: each is a field of its rule's ``Options`` dataclass, made
with ``option()``, which holds its default, what it means, and the values it may take.

Everything else reads them from there: the configuration's defaults (``rules/default.yml``
sets no option), ``doclint rules ID``, the JSON Schema of the configuration
(``doclint.config.schema``), the documentation site, and the link checker's settings.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Sequence
from typing import Any

from doclint.core.records import record

_DOC = "doc"
_CHOICES = "choices"
_IGNORE_CASE = "ignore_case"
_MINIMUM = "minimum"
_EXCLUSIVE_MINIMUM = "exclusive_minimum"


def option(
    default: Any,
    doc: str,
    *,
    choices: Sequence[str] = (),
    ignore_case: bool = False,
    minimum: float | None = None,
    exclusive_minimum: float | None = None,
) -> Any:
    """A field of a rule's ``Options``: its default and a one-sentence meaning (markdown),
    and optionally the strings it may be (``choices``, compared without case when
    ``ignore_case``) or the least number it may be (``minimum``, or greater than
    ``exclusive_minimum``). ``check_values`` enforces the last two kinds."""
    return dataclasses.field(
        default=default,
        metadata={
            _DOC: doc,
            _CHOICES: tuple(choices),
            _IGNORE_CASE: ignore_case,
            _MINIMUM: minimum,
            _EXCLUSIVE_MINIMUM: exclusive_minimum,
        },
    )


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
        if _DOC not in field.metadata:
            raise TypeError(f"{options.__qualname__}.{field.name} is not made with option()")
        meta = field.metadata
        described.append(
            OptionInfo(
                name=field.name.replace("_", "-"),
                hint=hints[field.name],
                default=config_value(field.default),
                doc=meta[_DOC],
                choices=meta[_CHOICES],
                ignore_case=meta[_IGNORE_CASE],
                minimum=meta[_MINIMUM],
                exclusive_minimum=meta[_EXCLUSIVE_MINIMUM],
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


def check_values(options: Any) -> None:
    """Raise ValueError for an option outside its ``choices``, ``minimum`` or
    ``exclusive_minimum``; for ``Options.__post_init__``."""
    for field in dataclasses.fields(options):
        meta = field.metadata
        value = getattr(options, field.name)
        name = field.name.replace("_", "-")
        choices = meta.get(_CHOICES, ())
        if choices:
            seen = value.lower() if meta[_IGNORE_CASE] and isinstance(value, str) else value
            if seen not in choices:
                raise ValueError(f'"{name}" must be one of {", ".join(choices)}, not {value!r}')
        if meta.get(_EXCLUSIVE_MINIMUM) is not None and value <= meta[_EXCLUSIVE_MINIMUM]:
            raise ValueError(
                f'"{name}" must be greater than {meta[_EXCLUSIVE_MINIMUM]}, not {value}'
            )
        if meta.get(_MINIMUM) is not None and value < meta[_MINIMUM]:
            least = meta[_MINIMUM]
            bound = "must not be negative" if least == 0 else f"must be at least {least}"
            raise ValueError(f'"{name}" {bound}, not {value}')
