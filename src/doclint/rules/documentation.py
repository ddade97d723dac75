"""A rule's documentation as one markdown text: its spec, its docstring in ruff's sections,
then its options with their defaults, generated from its ``Options``. ``doclint rules ID``
prints it and the documentation site makes each rule's page of it, so the two never
differ and no default is written by hand."""

from __future__ import annotations

from doclint.rules.options import OptionInfo, describe, written
from doclint.rules.spec import RuleSpec

DOCS_URL = "https://doclint.readthedocs.io/"


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
