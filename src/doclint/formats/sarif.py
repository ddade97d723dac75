"""SARIF 2.1.0, as GitHub code scanning reads it.

The tool's rules come from the registry with their documentation; each result names its
rule by id and index, has a level, a message and one location whose ``uri`` is relative
to the repository root (``uriBaseId: %SRCROOT%``), and a fingerprint that stays the same
when the text around the finding moves, so that code scanning keeps one alert per problem.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import quote

from doclint.core.findings import Finding, Severity
from doclint.engine.results import CheckResult
from doclint.formats.text import message
from doclint.rules.documentation import rule_markdown, rule_url
from doclint.rules.spec import RuleSpec
from doclint.text.reading import ENCODING_RULE, ENCODING_SUMMARY

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
VERSION = "2.1.0"
SOURCE_ROOT = "%SRCROOT%"
FINGERPRINT = "doclint/v1"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _section(doc: str, title: str) -> str:
    """The text of one ``## title`` section of a rule's documentation, as one paragraph."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", doc, re.MULTILINE | re.DOTALL)
    if not match:
        return ""
    return " ".join(match.group(1).split())


def _name(rule_id: str) -> str:
    """SARIF's ``name``: an identifier, not an id with hyphens (``toc-anchor`` → TocAnchor)."""
    return "".join(part.capitalize() for part in rule_id.split("-"))


def rule_descriptor(spec: RuleSpec) -> dict:
    doc = spec.doc.strip()
    page = rule_markdown(spec)  # as `doclint rules ID` prints it, with the options' defaults
    return {
        "id": spec.id,
        "name": _name(spec.id),
        "shortDescription": {"text": spec.summary},
        "fullDescription": {"text": _section(doc, "What it does") or spec.summary},
        "help": {"text": page, "markdown": page},
        "helpUri": rule_url(spec.id),
        "defaultConfiguration": {"level": LEVELS[spec.severity]},
        "properties": {"tags": ["markdown", "documentation"], "fixable": spec.fixable},
    }


def _encoding_descriptor() -> dict:
    """Files doclint could not read as text are reported under a rule of their own."""
    return {
        "id": ENCODING_RULE,
        "name": _name(ENCODING_RULE),
        "shortDescription": {"text": ENCODING_SUMMARY},
        "fullDescription": {"text": ENCODING_SUMMARY},
        "defaultConfiguration": {"level": "error"},
    }


# Line numbers inside messages ("duplicates the item at line 96") would change the
# fingerprint whenever text moves; they are left out of it.
_LINE_REFERENCE = re.compile(r"\blines? \d+(?:[-–]\d+)?")


def fingerprints(findings: list[Finding], uris: list[str]) -> list[str]:
    """A hash of rule, file and message (without line numbers), numbered when the same
    problem occurs more than once in a file."""
    seen: dict[str, int] = {}
    prints = []
    for finding, uri in zip(findings, uris, strict=True):
        key = "\0".join((finding.rule, uri, _LINE_REFERENCE.sub("line", finding.message)))
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        seen[digest] = seen.get(digest, 0) + 1
        prints.append(f"{digest}:{seen[digest]}")
    return prints


def render_check(
    result: CheckResult,
    repository_path: Callable[[str], str],
    *,
    rules: Mapping[str, RuleSpec],
    version: str,
    root: Path | None = None,
    information_uri: str | None = None,
) -> str:
    """``rules`` become ``tool.driver.rules``; ``root``, when given, is declared as the
    absolute location of ``%SRCROOT%`` for viewers that open the files."""
    descriptors = [rule_descriptor(spec) for spec in rules.values()]
    if any(finding.rule == ENCODING_RULE for finding in result.findings):
        descriptors.append(_encoding_descriptor())
    index = {descriptor["id"]: position for position, descriptor in enumerate(descriptors)}
    uris = [quote(repository_path(finding.path), safe="/") for finding in result.findings]
    results = [
        {
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": LEVELS[finding.severity],
            "message": {"text": message(finding)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri, "uriBaseId": SOURCE_ROOT},
                        "region": {"startLine": finding.line, "startColumn": finding.column},
                    }
                }
            ],
            "partialFingerprints": {FINGERPRINT: fingerprint},
        }
        for finding, uri, fingerprint in zip(
            result.findings, uris, fingerprints(result.findings, uris), strict=True
        )
    ]
    driver: dict = {"name": "doclint", "version": version, "semanticVersion": version}
    if information_uri:
        driver["informationUri"] = information_uri
    driver["rules"] = descriptors
    run: dict = {"tool": {"driver": driver}}
    if root is not None:
        run["originalUriBaseIds"] = {SOURCE_ROOT: {"uri": root.resolve().as_uri() + "/"}}
    # Columns count characters, as everywhere in doclint; SARIF's default is UTF-16 units.
    run["columnKind"] = "unicodeCodePoints"
    run["results"] = results
    document = {"$schema": SCHEMA_URI, "version": VERSION, "runs": [run]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
