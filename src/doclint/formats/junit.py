"""JUnit XML: one test case per file, one failure per finding.

CI services that show test results (GitLab, Jenkins, Azure Pipelines, test-reporter
actions) then list each file with its findings; a file that could not be read is a test
case with an error.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from doclint.engine.results import CheckResult
from doclint.formats.text import finding_line

# Characters XML 1.0 cannot hold at all; they would make the whole report unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render_check(result: CheckResult) -> str:
    findings_by_path: dict[str, list] = {path: [] for path in result.files}
    for finding in result.findings:
        findings_by_path.setdefault(finding.path, []).append(finding)
    errors_by_path: dict[str, list] = {}
    for error in result.errors:
        errors_by_path.setdefault(error.path, []).append(error)
        findings_by_path.setdefault(error.path, [])

    counts = {
        "tests": str(len(findings_by_path)),
        "failures": str(len(result.findings)),
        "errors": str(len(result.errors)),
    }
    suites = ElementTree.Element("testsuites", {"name": "doclint", **counts})
    suite = ElementTree.SubElement(
        suites, "testsuite", {"name": "doclint check", **counts, "skipped": "0"}
    )
    for path, findings in findings_by_path.items():
        name = _xml_text(path)
        case = ElementTree.SubElement(
            suite, "testcase", {"classname": "doclint", "name": name, "file": name}
        )
        for finding in findings:
            failure = ElementTree.SubElement(
                case,
                "failure",
                {
                    "type": finding.rule,
                    "message": _xml_text(f"{finding.severity} {finding.rule}: {finding.message}"),
                },
            )
            failure.text = _xml_text(finding_line(finding))
        for error in errors_by_path.get(path, ()):
            element = ElementTree.SubElement(
                case, "error", {"type": "input", "message": _xml_text(error.message)}
            )
            element.text = _xml_text(f"{error.path}: {error.message}")
    ElementTree.indent(suites)
    body = ElementTree.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
