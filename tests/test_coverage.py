"""Question states: answered, empty, stub, missing, group."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from doclint.book.coverage import questions
from doclint.config.loading import load_config
from doclint.parsing import parse_document

from .conftest import CHAPTER, CORPUS, REPO, needs


def states(text: str, tmp_path: Path) -> list[tuple[str, str]]:
    profile = load_config(cwd=tmp_path).profile
    return [(q.title, q.state) for q in questions(parse_document(text), profile)]


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


@pytest.mark.parametrize(
    "folder",
    [
        pytest.param(CHAPTER.parent, id="tests' chapter"),
        pytest.param(REPO / "examples" / "book", id="example book"),
        pytest.param(CORPUS, marks=needs(CORPUS), id="real book"),
    ],
)
def test_states_are_the_same_whether_or_not_answers_are_measured(
    tmp_path: Path, folder: Path
) -> None:
    # The check reads an answer only as far as its state needs; the report counts it all.
    profile = load_config(cwd=tmp_path).profile
    for path in sorted(folder.rglob("*.md")):
        doc = parse_document(path.read_text(encoding="utf-8", errors="replace"))
        measured = questions(doc, profile)
        read = questions(doc, profile, measure=False)
        assert [replace(q, chars=None) for q in measured] == [
            replace(q, chars=None) for q in read
        ], path
        assert all(q.chars is not None for q in measured)


def parents(text: str, tmp_path: Path) -> list[tuple[str, str, int | None]]:
    profile = load_config(cwd=tmp_path).profile
    return [(q.title, q.state, q.parent) for q in questions(parse_document(text), profile)]


def test_a_toc_where_one_entry_of_ten_has_children(tmp_path: Path) -> None:
    toc = [f"- [{n}.问{n}？](#q{n})" for n in range(1, 11)]
    toc[3:4] = ["- [4.问4？](#q4)", "  - [4.1 子一](#q41)", "  - [4.2 子二](#q42)"]
    body = [f'<h2 id="q{n}">{n}.问{n}？</h2>\n\n答{n}。\n' for n in range(1, 11)]
    body[3] = (
        '<h2 id="q4">4.问4？</h2>\n<h3 id="q41">4.1 子一</h3>\n答。\n<h3 id="q42">4.2 子二</h3>\n'
    )
    body[6] = '<h2 id="q7">7.问7？</h2>\n'
    profile = load_config(cwd=tmp_path).profile
    found = questions(parse_document("\n".join(toc) + "\n\n" + "\n".join(body)), profile)
    counted = [question for question in found if question.state != "group"]
    assert len(counted) == 11
    assert [q.title for q in counted if q.state == "empty"] == ["4.2 子二", "7.问7？"]
    group = next(question for question in found if question.state == "group")
    assert group.title == "4.问4？"
    assert [q.title for q in found if q.parent == group.line] == ["4.1 子一", "4.2 子二"]


def test_a_group_entry_with_text_of_its_own_is_still_a_group(tmp_path: Path) -> None:
    text = """\
- [1.注意力](#1.注意力)
  - [1.1 什么是自注意力？](#1.1什么是自注意力？)

<h2 id="1.注意力">1.注意力</h2>

这一组问题讲注意力机制。

<h3 id="1.1什么是自注意力？">1.1 什么是自注意力？</h3>
"""
    assert states(text, tmp_path) == [("1.注意力", "group"), ("1.1 什么是自注意力？", "empty")]


def test_a_numbered_topic_over_interview_questions_is_a_group(tmp_path: Path) -> None:
    text = """\
## 1. 注意力机制

### 面试问题：什么是自注意力？

自注意力是……

### 面试问题：多头注意力有什么好处？
"""
    found = states(text, tmp_path)
    assert found[0] == ("1. 注意力机制", "group")
    counted = [state for _, state in found[1:]]
    assert counted == ["answered", "empty"]  # 50%, not 66.7%


def test_dotted_numbering_nests_without_a_toc(tmp_path: Path) -> None:
    text = """\
## 4.1 第一节

### 4.1.1 小节

#### 4.1.1.1 问一？

答。

#### 4.1.1.2 问二？

### 4.1.2 小节

#### 4.1.2.1 问三？

答。
"""
    found = parents(text, tmp_path)
    assert [(title, state) for title, state, _ in found] == [
        ("4.1 第一节", "group"),
        ("4.1.1 小节", "group"),
        ("4.1.1.1 问一？", "answered"),
        ("4.1.1.2 问二？", "empty"),
        ("4.1.2 小节", "group"),
        ("4.1.2.1 问三？", "answered"),
    ]
    assert [parent for _, _, parent in found] == [None, 1, 3, 3, 1, 11]


def test_an_id_cut_short_by_a_quote_is_one_answered_question(tmp_path: Path) -> None:
    text = """\
- [13.甲？](#13.甲？)
- [14.在训练中，"硬负样本挖掘"为何关键？](#14.在训练中，"硬负样本挖掘"为何关键？)

<h2 id="13.甲？">13.甲？</h2>
答。
<h2 id="14.在训练中，"硬负样本挖掘"为何关键？">14.在训练中，"硬负样本挖掘"为何关键？</h2>
答。
"""
    assert [state for _, state in states(text, tmp_path)] == ["answered", "answered"]


def test_an_entry_reaching_nothing_and_an_unlisted_heading_of_its_title_are_one(
    tmp_path: Path,
) -> None:
    text = """\
- [1.甲？](#1.甲？)
- [20.介绍一下volatile关键字](#20.介绍一下volatile关键字)

<h2 id="1.甲？">1.甲？</h2>
答。
<h2 id="28.介绍一下volatile关键字]">28.介绍一下volatile关键字]</h2>
答。
"""
    assert states(text, tmp_path) == [
        ("1.甲？", "answered"),
        ("28.介绍一下volatile关键字]", "answered"),
    ]
