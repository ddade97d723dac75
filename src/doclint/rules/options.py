"""Rule options, written once: each is a field of its rule's ``Options`` dataclass, made
with ``option()``, which holds its default, what it means, and the values it may take.

Everything else reads them from there: the configuration's defaults (``rules/default.yml``
sets no option), the link checker's settings, and, through ``doclint.rules.documentation``
(``describe``), ``doclint rules ID``, the JSON Schema of the configuration
(``doclint.config.schema``) and the documentation site. Only ``option`` and
``check_values`` are here: a check imports this module, and nothing it does not need.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

# The keys of a field's metadata; ``doclint.rules.documentation`` reads them.
DOC = "doc"
CHOICES = "choices"
IGNORE_CASE = "ignore_case"
MINIMUM = "minimum"
EXCLUSIVE_MINIMUM = "exclusive_minimum"


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
            DOC: doc,
            CHOICES: tuple(choices),
            IGNORE_CASE: ignore_case,
            MINIMUM: minimum,
            EXCLUSIVE_MINIMUM: exclusive_minimum,
        },
    )


def check_values(options: Any) -> None:
    """Raise ValueError for an option outside its ``choices``, ``minimum`` or
    ``exclusive_minimum``: the configuration asks it of every rule's options."""
    for field in dataclasses.fields(options):
        meta = field.metadata
        value = getattr(options, field.name)
        name = field.name.replace("_", "-")
        choices = meta.get(CHOICES, ())
        if choices:
            seen = value.lower() if meta[IGNORE_CASE] and isinstance(value, str) else value
            if seen not in choices:
                raise ValueError(f'"{name}" must be one of {", ".join(choices)}, not {value!r}')
        above = meta.get(EXCLUSIVE_MINIMUM)
        if above is not None and value <= above:
            raise ValueError(f'"{name}" must be greater than {above}, not {value}')
        if meta.get(MINIMUM) is not None and value < meta[MINIMUM]:
            least = meta[MINIMUM]
            bound = "must not be negative" if least == 0 else f"must be at least {least}"
            raise ValueError(f'"{name}" {bound}, not {value}')
