"""The JSON Schema of doclint's configuration, built from the code that reads it.

Rules, their options (type, default, meaning, allowed values) and default severities come
from the rule specs and their ``Options`` (``doclint.rules.options``); the defaults of the
other keys from the default profile (``rules/default.yml``) and ``doclint.text.reading``;
the profile's keys from ``doclint.config.loading`` (a test checks that every key
``load_config`` knows is here). ``doclint schema`` prints it; the repository
ships it as ``schema/doclint.schema.json`` (a test keeps that copy equal to this), so that
editors can check ``.doclint.yml`` with ``# yaml-language-server: $schema=…``, and the
documentation's configuration page is made from it.

Not imported by ``doclint check``: only by ``doclint schema`` and the documentation.
"""

from __future__ import annotations

import json
import typing
from typing import Any

from doclint.config.loading import PROFILE_KEYS
from doclint.config.sources import default_pack
from doclint.core.findings import Severity
from doclint.rules.documentation import DOCS_URL, OptionInfo, describe, rule_url
from doclint.rules.registry import all_rules
from doclint.rules.spec import RuleSpec
from doclint.text.reading import DEFAULT_MAX_FILE_SIZE

SCHEMA_URL = f"{DOCS_URL}doclint.schema.json"
DRAFT = "http://json-schema.org/draft-07/schema#"

# What each key means: the descriptions editors show, and the configuration page's.
TOP_LEVEL_DOCS = {
    "include": "Globs of the files to check in folders, relative to the configuration's folder.",
    "exclude": "Globs of files and folders (ending in `/`) never checked, even when named.",
    "fail-on": "The lowest severity that makes a run fail (exit code 1); `--fail-on` overrides it.",
    "max-file-size": "The largest file doclint reads, in bytes or as `512KB`, `10MB`: a larger "
    "one gets a finding and is skipped.",
    "rules": "Each rule by id: `false` turns it off, a severity sets its severity, a mapping sets "
    "`enabled`, `severity` and its options.",
    "profile": "What the book looks like: regular expressions for its questions, placeholders, "
    "metadata lines and numbering. `extend-KEY` adds to the list instead of replacing it.",
    "report": "Settings of `doclint report`.",
}
PROFILE_DOCS = {
    "question-patterns": "In a file without a TOC, a heading is a question when its text "
    "matches one of these (searched in the heading's text).",
    "placeholder-patterns": "An answer made only of these is a stub, not an answer "
    "(case is ignored).",
    "metadata-patterns": "Lines that describe a question rather than answer it, such as a "
    "difficulty line (searched in the source line).",
    "number-patterns": "How a question title is numbered, matched at its start: the group "
    "`number` holds the digits and dots; a pattern without it is a label such as `面试问题：`.",
}
REPORT_DOCS = {
    "source-url": "Where the HTML report links a question's line, such as "
    "`https://github.com/ORG/REPO/blob/{ref}/{path}#L{line}`. Without it, derived from the "
    "git remote `origin` (GitHub, GitLab, Gitea), else relative links to the files.",
}
# ``_size`` in loading.py, without flags (JSON Schema patterns are ECMA-262's).
SIZE_PATTERN = r"^\s*\d+(\.\d+)?\s*([bB]|[kKmMgG][bB]?)?\s*$"


def configuration_schema() -> dict[str, Any]:
    """The schema of ``.doclint.yml`` (and of ``[tool.doclint]`` in ``pyproject.toml``)."""
    pack = default_pack().data
    properties: dict[str, Any] = {
        "include": _described(_patterns(), "include", default=pack.get("include")),
        "exclude": _described(_patterns(), "exclude", default=pack.get("exclude")),
        "fail-on": _described(_severity(), "fail-on", default=pack.get("fail-on")),
        "max-file-size": _described(
            {
                "anyOf": [
                    {"type": "integer", "minimum": 1},
                    {"type": "string", "pattern": SIZE_PATTERN},
                ]
            },
            "max-file-size",
            default=DEFAULT_MAX_FILE_SIZE,
        ),
        "rules": {
            "description": TOP_LEVEL_DOCS["rules"],
            "type": "object",
            "properties": {spec.id: rule_schema(spec) for spec in all_rules().values()},
            "additionalProperties": False,
        },
        "profile": {
            "description": TOP_LEVEL_DOCS["profile"],
            "type": "object",
            "properties": _profile_properties(pack.get("profile") or {}),
            "additionalProperties": False,
        },
        "report": {
            "description": TOP_LEVEL_DOCS["report"],
            "type": "object",
            "properties": {
                "source-url": {"description": REPORT_DOCS["source-url"], "type": "string"}
            },
            "additionalProperties": False,
        },
    }
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_URL,
        "title": "doclint configuration (.doclint.yml, or [tool.doclint] in pyproject.toml)",
        "description": f"Laid over doclint's default profile. Documentation: {DOCS_URL}"
        "configuration/",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }


def rule_schema(spec: RuleSpec) -> dict[str, Any]:
    """One rule's entry under ``rules``: ``false``, a severity, or a mapping of settings."""
    settings: dict[str, Any] = {
        "enabled": {"description": "Whether the rule runs.", "type": "boolean", "default": True},
        "severity": {
            "description": "The severity of its findings.",
            **_severity(),
            "default": str(spec.severity),
        },
    }
    for info in describe(spec.options):
        settings[info.name] = option_schema(info)
    return {
        "description": f"{spec.summary}. Default severity: {spec.severity}. {rule_url(spec.id)}",
        "anyOf": [
            {"type": "boolean", "description": "true: on, at its severity; false: off."},
            {**_severity(), "description": "On, at this severity."},
            {"type": "null"},
            {"type": "object", "properties": settings, "additionalProperties": False},
        ],
    }


def option_schema(info: OptionInfo) -> dict[str, Any]:
    """A rule option: its type and bounds as ``_coerce`` and ``check_values`` accept them."""
    hint = info.hint
    nullable = type(None) in typing.get_args(hint)
    if nullable:
        hint = next(part for part in typing.get_args(hint) if part is not type(None))
    schema: dict[str, Any]
    if typing.get_origin(hint) is tuple:
        schema = _patterns()
    elif info.choices and info.ignore_case:
        schema = {
            "anyOf": [
                {"enum": list(info.choices)},
                {"type": "string", "pattern": _any_case(info.choices)},
            ]
        }
    elif info.choices:
        schema = {"enum": list(info.choices)}
    else:
        schema = {"type": {bool: "boolean", int: "integer", float: "number"}.get(hint, "string")}
    if info.minimum is not None:
        schema["minimum"] = info.minimum
    if info.exclusive_minimum is not None:
        schema["exclusiveMinimum"] = info.exclusive_minimum
    if nullable:
        schema = {"anyOf": [schema, {"type": "null"}]}
    return {"description": info.doc, **schema, "default": info.default}


def schema_text() -> str:
    """The schema as the shipped ``schema/doclint.schema.json`` holds it."""
    return json.dumps(configuration_schema(), indent=2, ensure_ascii=False) + "\n"


def _profile_properties(defaults: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for key in PROFILE_KEYS:
        properties[key] = {
            "description": f"{PROFILE_DOCS[key]} Replaces the default list.",
            **_patterns(),
            "default": defaults.get(key, []),
        }
    for key in PROFILE_KEYS:
        properties[f"extend-{key}"] = {
            "description": f"Added to `{key}`.",
            **_patterns(),
        }
    return properties


def _described(schema: dict[str, Any], key: str, default: Any) -> dict[str, Any]:
    return {"description": TOP_LEVEL_DOCS[key], **schema, "default": default}


def _severity() -> dict[str, Any]:
    """A severity, in any letter case (as ``_severity`` in loading.py takes it)."""
    return {
        "anyOf": [
            {"enum": Severity.names()},
            {"type": "string", "pattern": _any_case(Severity.names())},
        ]
    }


def _patterns() -> dict[str, Any]:
    """A list of strings, or one string (as ``_string_list`` in loading.py takes it)."""
    return {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}


def _any_case(words: typing.Iterable[str]) -> str:
    """A pattern for these words in any letter case, without regex flags: ``[Ee][Rr]…``."""
    spelled = (
        "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word) for word in words
    )
    return f"^(?:{'|'.join(spelled)})$"
