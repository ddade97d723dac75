"""Fuzzing: markdown built from the constructs question books use, and random bytes.

Whatever the input: no exception; every finding points inside the file; the report's
counts add up; JSON output always parses.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doclint.book.coverage import CoverageReport, file_coverage
from doclint.config.loading import load_config
from doclint.engine.linting import lint_document
from doclint.engine.results import CheckResult
from doclint.formats import json as json_format
from doclint.parsing import parse_document
from doclint.rules.registry import all_rules
from doclint.rules.spec import Context
from doclint.text.reading import NotText, decode
from doclint.workspace.project import Project

FOLDER = Path(tempfile.mkdtemp(prefix="doclint-fuzz-"))
CONFIG = load_config(cwd=FOLDER)
RULES = [(spec, CONFIG.rules[rule_id]) for rule_id, spec in all_rules().items()]
CONTEXT = Context(profile=CONFIG.profile, project=Project(FOLDER))

words = st.sampled_from(
    [
        "什么是",
        "注意力",
        "Transformer",
        "LoRA",
        "（α、Σ）",
        "？",
        "?",
        "：",
        "1.",
        "问题3：",
        "待补充",
        "TODO",
        "a b",
        "C++",
        "`code`",
        "**粗体**",
        "_x_",
        "&amp;",
        "\\[",
        "🚀",
        "²",
        " ",
        "\t",
        "\u3000",
        "#",
        "|",
        "<",
        ">",
        "](",
        "![",
    ]
)
title = st.lists(words, min_size=1, max_size=5).map("".join)
anchor = st.one_of(title, title.map(lambda t: t.replace(" ", "-")), st.just(""))


@st.composite
def blocks(draw) -> str:
    kind = draw(st.integers(0, 11))
    text = draw(title)
    if kind == 0:
        return f"{'#' * draw(st.integers(1, 6))} {text}"
    if kind == 1:
        return f"{text}\n{draw(st.sampled_from(['===', '---']))}"
    if kind == 2:
        quote = draw(st.sampled_from(['"', "'", ""]))
        level = draw(st.integers(1, 6))
        return f"<h{level} id={quote}{draw(anchor)}{quote}>{text}</h{level}>"
    if kind == 3:
        entries = draw(st.lists(st.tuples(title, anchor, st.integers(0, 2)), max_size=6))
        return "\n".join(
            f"{'  ' * depth}- [{label}](#{target})" for label, target, depth in entries
        )
    if kind == 4:
        return f"{draw(st.integers(1, 20))}. {text}\n{draw(st.integers(1, 20))}. {text}"
    if kind == 5:
        return f"![{text}]({draw(st.sampled_from(['a.png', 'imgs/x y.png', 'D:/x.png', '']))})"
    if kind == 6:
        return f"[{text}]({draw(st.sampled_from(['other.md#x', '#' + text, 'x y', 'mailto:a']))})"
    if kind == 7:
        return f"```\n{text}\n```"
    if kind == 8:
        return f"| {text} | [l](#{draw(anchor)}) |\n|---|---|\n| a | b |"
    if kind == 9:
        return f"> {text}\n> - {text}"
    if kind == 10:
        action = draw(st.sampled_from(["disable", "enable", "disable-next-line"]))
        return f"<!-- doclint-{action} -->"
    return draw(st.text(max_size=40))


markdown = st.lists(blocks(), max_size=12).map(
    lambda parts: "\n\n".join(parts) + ("\n" if parts else "")
)
newline = st.sampled_from(["\n", "\r\n", "\r"])


def exercise(text: str) -> None:
    doc = parse_document(text, str(FOLDER / "doc.md"))
    findings = lint_document(doc, "doc.md", RULES, CONTEXT)
    line_count = max(len(doc.lines), 1)
    for finding in findings:
        assert 1 <= finding.line <= line_count, finding
        assert finding.column >= 1, finding
        if doc.lines:
            assert finding.column <= len(doc.lines[finding.line - 1]) + 1, finding
    coverage = file_coverage(doc, "doc.md", CONFIG.profile)
    report = CoverageReport(files=[coverage])
    totals = report.totals
    assert totals.questions == totals.answered + totals.empty + totals.stub + totals.missing
    assert 0.0 <= totals.coverage <= 100.0
    json.loads(json_format.render_check(CheckResult(files=["doc.md"], findings=findings)))
    json.loads(json_format.render_report(report))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown, newline)
def test_generated_books(text: str, line_ending: str) -> None:
    exercise(text.replace("\n", line_ending))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    try:
        text = decode(data)
    except NotText as problem:
        assert problem.line == 1 and problem.message
        return
    exercise(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300))
def test_random_text(text: str) -> None:
    exercise(text)
