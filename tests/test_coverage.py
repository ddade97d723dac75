"""Question states: answered, empty, stub, missing, group."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from doclint.config import load_config
from doclint.coverage import questions
from doclint.document import Document

from .conftest import CORPUS, needs


def states(text: str, tmp_path: Path) -> list[tuple[str, str]]:
    profile = load_config(cwd=tmp_path).profile
    return [(q.title, q.state) for q in questions(Document.from_text(text), profile)]


def test_toc_entries_define_the_questions(tmp_path: Path) -> None:
    text = """\
- [1.答了](#1.答了)
- [2.空的](#2.空的)
- [3.占位](#3.占位)
- [4.还没写](#4.还没写)
- [5.打错了](#5打错了)

<h2 id="1.答了">1.答了</h2>
答案。
<h2 id="2.空的">2.空的</h2>

<h2 id="3.占位">3.占位</h2>

**TBD**

<h2 id="5.打错了">5.打错了</h2>

有答案。

## 不是问题
"""
    assert states(text, tmp_path) == [
        ("4.还没写", "missing"),
        ("1.答了", "answered"),
        ("2.空的", "empty"),
        ("3.占位", "stub"),
        ("5.打错了", "answered"),  # the broken link counts as the heading it meant
    ]


def test_markdown_subheadings_of_an_html_question_belong_to_its_answer(tmp_path: Path) -> None:
    text = """\
- [7.HyDE](#7.HyDE)
- [8.评估](#8.评估)

<h3 id="7.HyDE">7.HyDE</h3>

### 什么是HyDE
HyDE 先生成假设文档。

<h3 id="8.评估">8.评估</h3>

<h3 id="参考">参考</h3>
文献。
"""
    assert states(text, tmp_path) == [("7.HyDE", "answered"), ("8.评估", "empty")]


def test_groups_are_not_counted(tmp_path: Path) -> None:
    text = """\
- [第一章](#第一章)
  - [1.一](#1一)
  - [2.二](#2二)

# 第一章
## 1.一
答。
## 2.二
"""
    assert states(text, tmp_path) == [("第一章", "group"), ("1.一", "answered"), ("2.二", "empty")]


def test_without_a_toc_numbered_headings_are_questions(tmp_path: Path) -> None:
    text = "# 第二章\n\n## 问题1：什么是 BN？\n\n答。\n\n## 面试问题：什么是 LN？\n\n## 小结\n"
    assert states(text, tmp_path) == [
        ("问题1：什么是 BN？", "answered"),
        ("面试问题：什么是 LN？", "empty"),
    ]


def test_a_forgotten_hash_still_names_its_question(tmp_path: Path) -> None:
    text = """\
- [1.一](#1.一)
- [2.二](2.二)

<h2 id="1.一">1.一</h2>
答。
<h2 id="2.二">2.二</h2>
"""
    assert states(text, tmp_path) == [("1.一", "answered"), ("2.二", "empty")]


@needs(CORPUS)
def test_states_are_the_same_whether_or_not_answers_are_measured(tmp_path: Path) -> None:
    # The check reads an answer only as far as its state needs; the report counts it all.
    profile = load_config(cwd=tmp_path).profile
    for path in sorted(CORPUS.rglob("*.md")):
        doc = Document.from_text(path.read_text(encoding="utf-8", errors="replace"))
        measured = questions(doc, profile)
        read = questions(doc, profile, measure=False)
        assert [replace(q, chars=None) for q in measured] == [
            replace(q, chars=None) for q in read
        ], path
        assert all(q.chars is not None for q in measured)
