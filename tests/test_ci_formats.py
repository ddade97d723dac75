"""``doclint check --format github|sarif|junit``: what CI services read.

SARIF output is validated against the OASIS SARIF 2.1.0 schema in ../shared/schemas
(those tests skip when it is absent; the schema is read there, not copied).
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from urllib.parse import unquote

import pytest

from doclint.config.loading import load_config
from doclint.core.findings import Finding, Severity
from doclint.engine import api as engine
from doclint.engine.results import CheckResult
from doclint.formats import github, sarif
from doclint.rules.registry import all_rules

from .conftest import CORPUS, REPO, SARIF_SCHEMA, needs, run_doclint

SCHEMA = SARIF_SCHEMA
COMMAND = re.compile(r"^::(error|warning|notice) (?P<properties>[^:]*)::(?P<message>.*)$")


def _properties(line: str) -> dict[str, str]:
    match = COMMAND.match(line)
    assert match, line
    pairs = (item.split("=", 1) for item in match.group("properties").split(","))
    return {key: value for key, value in pairs}


def test_github_annotations_for_a_chapter_with_the_rest_summarised(chapter_copy: Path) -> None:
    summary = chapter_copy.parent / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    result = run_doclint(
        "check", "--format", "github", "chapter.md", cwd=chapter_copy.parent,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )  # fmt: skip
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    commands = [line for line in lines if line.startswith("::")]
    errors = [line for line in commands if line.startswith("::error ")]
    warnings = [line for line in commands if line.startswith("::warning ")]
    notices = [line for line in commands if line.startswith("::notice ")]
    # The chapter has 4 errors and 11 warnings: all errors, 10 warnings, a notice for the rest.
    assert (len(errors), len(warnings), len(notices)) == (4, 10, 1)
    assert _properties(errors[0]) == {
        "file": "chapter.md",
        "line": "29",
        "col": "1",
        "title": "doclint missing-image",
    }
    assert notices[0].startswith("::notice title=doclint%3A 1 more finding::1 more finding ")
    assert "(1 warning)" in notices[0] and "job summary" in notices[0]
    # The one that GitHub would drop (the last empty answer) is still in the log, plainly.
    plain = [line for line in lines if line.startswith("chapter.md:")]
    assert plain == [
        'chapter.md:97:1: warning empty-answer question "15.RGB和HSV颜色空间各有什么优缺点？" '
        "has no answer"
    ]
    assert lines[-1] == "Found 4 errors and 11 warnings in 1 of 1 file."

    table = summary.read_text(encoding="utf-8")
    assert table.startswith("earlier step\n### doclint: Found 4 errors and 11 warnings")
    rows = [line for line in table.splitlines() if line.startswith("| chapter.md |")]
    assert len(rows) == 15
    assert rows[0] == (
        '| chapter.md | 29:1 | error | `missing-image` | image "./imgs/直方图均衡化前后的对比'
        '.png" does not exist |'
    )


def test_github_without_a_step_summary_and_without_overflow(book) -> None:
    folder = book({"docs/a.md": "[x](#nowhere)\n"})
    result = run_doclint(
        "check", "--format", "github", "a.md", cwd=folder / "docs", env={"GITHUB_STEP_SUMMARY": ""}
    )
    assert result.returncode == 1
    # Paths are given from the repository root (here the folder with .git), not from cwd.
    (folder / ".git").mkdir()
    rooted = run_doclint("check", "--format", "github", "-q", "a.md", cwd=folder / "docs")
    assert rooted.stdout.startswith(
        "::error file=docs/a.md,line=1,col=1,title=doclint toc-anchor::"
    )
    assert rooted.stdout.count("\n") == 1 and "::notice" not in rooted.stdout


def _finding(severity: Severity, line: int = 1, message: str = "m") -> Finding:
    return Finding("a.md", line, 1, "toc-anchor", severity, message)


def test_github_escapes_properties_and_data() -> None:
    finding = Finding("dir,x/a:b.md", 3, 2, "toc-anchor", Severity.ERROR, "50% done\r\nnext: a, b")
    line = github.annotation(finding, finding.path)
    assert line == (
        "::error file=dir%2Cx/a%3Ab.md,line=3,col=2,title=doclint toc-anchor::"
        "50%25 done%0D%0Anext: a, b"
    )
    assert github.escape_property("%:,\n") == "%25%3A%2C%0A"


def test_github_keeps_ten_of_each_kind_and_one_notice_for_the_rest() -> None:
    findings = (
        [_finding(Severity.ERROR, n) for n in range(12)]
        + [_finding(Severity.WARNING, n) for n in range(3)]
        + [_finding(Severity.INFO, n) for n in range(10)]
    )
    shown, hidden = github.split_annotations(findings)
    kinds = [github.COMMANDS[finding.severity] for finding in shown]
    # 10 errors, every warning, and 9 notices: the tenth notice says what was left out.
    assert (kinds.count("error"), kinds.count("warning"), kinds.count("notice")) == (10, 3, 9)
    assert [(f.severity, f.line) for f in hidden] == [
        (Severity.ERROR, 10),
        (Severity.ERROR, 11),
        (Severity.INFO, 9),
    ]
    output = github.render_check(CheckResult(["a.md"], findings), str)
    assert output.count("::notice ") == 10
    assert "3 more findings (2 errors, 1 info) not shown" in output
    exactly = [_finding(Severity.INFO, n) for n in range(10)]
    assert github.split_annotations(exactly) == (exactly, [])


def test_github_step_summary_escapes_markdown_and_stays_under_a_mebibyte() -> None:
    tricky = Finding("a.md", 1, 1, "toc-anchor", Severity.ERROR, 'wrap "[x](# y)" in <…> | *now*')
    table = github.step_summary(CheckResult(["a.md"], [tricky]), str)
    assert '| wrap "\\[x\\](\\# y)" in \\<…\\> \\| \\*now\\* |' in table
    many = [_finding(Severity.WARNING, n, "x" * 2000) for n in range(1000)]
    big = github.step_summary(CheckResult(["a.md"], many), str)
    assert len(big.encode()) < github.STEP_SUMMARY_BYTES
    assert big.rstrip().endswith("a job summary holds at most 1 MiB.")


def _validate(document: dict) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(document)


def test_sarif_of_a_chapter_is_complete(chapter_copy: Path) -> None:
    result = run_doclint("check", "--format", "sarif", "chapter.md", cwd=chapter_copy.parent)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "doclint" and driver["version"]
    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == list(all_rules())
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert "## What it does" in rule["help"]["markdown"]
        assert rule["helpUri"] == f"https://doclint.readthedocs.io/rules/{rule['id']}/"
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    results = run["results"]
    assert len(results) == 15
    for item in results:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        location = item["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": "chapter.md", "uriBaseId": "%SRCROOT%"}
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1
    first = results[0]
    assert (first["ruleId"], first["level"]) == ("missing-image", "error")
    assert first["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 29,
        "startColumn": 1,
    }
    prints = [item["partialFingerprints"]["doclint/v1"] for item in results]
    assert len(set(prints)) == len(prints)
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_fingerprints_survive_moved_lines(book) -> None:
    text = "- [a](#x)\n- [b](#x)\n\n## y\n\n| a | b |\n|---|---|\n"
    folder = book({"a.md": text})
    config = load_config(cwd=folder)
    before = engine.check(["a.md"], config, cwd=folder)
    (folder / "a.md").write_text("# 新的标题\n\n一段话。\n\n" + text, encoding="utf-8")
    after = engine.check(["a.md"], config, cwd=folder)
    assert [f.line for f in before.findings] != [f.line for f in after.findings]

    def prints(result: CheckResult) -> list[str]:
        document = json.loads(sarif.render_check(result, str, rules=all_rules(), version="0"))
        return [
            item["partialFingerprints"]["doclint/v1"] for item in document["runs"][0]["results"]
        ]

    assert prints(before) == prints(after)
    # The same problem twice in a file is told apart by its number.
    assert len(set(prints(before))) == len(before.findings) == 2


@needs(SCHEMA)
@needs(CORPUS)
def test_sarif_of_the_corpus_is_valid_with_paths_from_the_repository_root(tmp_path: Path) -> None:
    # A copy inside a repository, checked from a sub-folder: uris must start at the root.
    root = tmp_path / "repo"
    shutil.copytree(CORPUS, root / "book")
    (root / ".git").mkdir()
    result = run_doclint("check", "--format", "sarif", ".", cwd=root / "book")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    _validate(document)
    results = document["runs"][0]["results"]
    assert len(results) > 500
    uris = {item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for item in results}
    assert all(uri.startswith("book/") and (root / unquote(uri)).is_file() for uri in uris)
    assert document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == root.as_uri() + "/"


def test_junit_has_one_testcase_per_file_and_one_failure_per_finding(book) -> None:
    folder = book({"a.md": "[x](#nowhere)\n[y](#gone)\n", "b.md": "# fine\n"})
    (folder / "c.md").write_bytes(b"ok\n\xff not UTF-8\n")
    result = run_doclint(
        "check", "--format", "junit", "a.md", "b.md", "c.md", "nope.md", cwd=folder
    )
    assert result.returncode == 2  # nope.md does not exist
    suites = ElementTree.fromstring(result.stdout.encode())
    cases = {case.get("name"): case for case in suites.iter("testcase")}
    assert set(cases) == {"a.md", "b.md", "c.md", "nope.md"}
    assert [f.get("type") for f in cases["a.md"].findall("failure")] == ["toc-anchor"] * 2
    assert cases["a.md"].find("failure").text.startswith("a.md:1:1: error toc-anchor ")
    assert list(cases["b.md"]) == []
    assert [f.get("type") for f in cases["c.md"].findall("failure")] == ["encoding"]
    assert cases["nope.md"].find("error").get("message") == "no such file or folder"
    assert (suites.get("tests"), suites.get("failures"), suites.get("errors")) == ("4", "3", "1")


def test_sarif_describes_the_encoding_rule_when_a_file_is_not_text(book) -> None:
    folder = book({"a.md": "# fine\n"})
    (folder / "c.md").write_bytes(b"ok\n\xff not UTF-8\n")
    document = json.loads(run_doclint("check", "--format", "sarif", cwd=folder).stdout)
    run = document["runs"][0]
    (only,) = run["results"]
    assert only["ruleId"] == "encoding"
    assert run["tool"]["driver"]["rules"][only["ruleIndex"]]["id"] == "encoding"


@needs(SCHEMA)
def test_sarif_of_a_chapter_and_of_a_file_that_is_not_text_is_valid(chapter_copy: Path) -> None:
    folder = chapter_copy.parent
    (folder / "c.md").write_bytes(b"ok\n\xff not UTF-8\n")
    for paths in (["chapter.md"], ["c.md"], ["chapter.md", "c.md"]):
        result = run_doclint("check", "--format", "sarif", *paths, cwd=folder)
        assert result.returncode == 1, result.stderr
        _validate(json.loads(result.stdout))


def test_the_example_workflow_is_the_one_the_ci_page_shows() -> None:
    import yaml

    workflow_text = (REPO / "examples" / "github-workflow.yml").read_text(encoding="utf-8")
    shown = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    assert f"```yaml\n{workflow_text}```" in shown
    steps = yaml.safe_load(workflow_text)["jobs"]["doclint"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    uses = [step.get("uses", "") for step in steps]
    assert 'git fetch --no-tags --depth=1 origin "${{ github.base_ref }}"' in runs
    action = next(step for step in steps if step.get("uses", "").startswith("OWNER/doclint@"))
    assert action["with"]["args"] == "--base origin/${{ github.base_ref }}"
    assert action["with"]["sarif"] == "doclint.sarif"
    assert 'doclint report --base "origin/$BASE_REF" --fail-on-regression' in runs
    assert any(use.startswith("github/codeql-action/upload-sarif@") for use in uses)
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == "~/.cache/doclint"
