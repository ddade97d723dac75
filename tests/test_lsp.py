"""``doclint lsp`` end to end: the real server process over stdio, driven by pytest-lsp's
client, on a copy of the example book and of the real chapter."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

pytest.importorskip("pytest_lsp", reason="the lsp extra (pygls, pytest-lsp) is not installed")

from lsprotocol import types

from doclint.engine import api as engine
from doclint.lsp.positions import Positions

from .conftest import REPO
from .lsp_support import (
    Session,
    applied,
    as_findings,
    findings_of,
    position_of,
    running_server,
)

pytestmark = pytest.mark.asyncio

CHAPTER = "01-neural-networks.md"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A copy of the example book, alone in a folder (the workspace)."""
    folder = tmp_path / "book"
    shutil.copytree(REPO / "examples" / "book", folder)
    return folder


# ---------------------------------------------------------------------------------------
# Diagnostics


async def test_diagnostics_equal_the_check_of_the_seed_chapter(seed_copy: Path):
    async with running_server(seed_copy.parent) as session:
        uri = session.open(seed_copy.name)
        published = await session.diagnostics(uri)
    text = seed_copy.read_text(encoding="utf-8")
    expected = findings_of(seed_copy, seed_copy.parent)
    assert expected, "the real chapter has findings"
    assert as_findings(published.diagnostics, text) == sorted(expected)
    for diagnostic in published.diagnostics:
        assert diagnostic.source == "doclint"
        assert diagnostic.code_description.href == (
            f"https://doclint.readthedocs.io/rules/{diagnostic.code}/"
        )


async def test_diagnostics_name_the_other_place(book: Path):
    async with running_server(book) as session:
        chapter = session.open(CHAPTER)
        attention = session.open("02-attention.md")
        first = await session.diagnostics(chapter)
        second = await session.diagnostics(attention)
    stale_title = next(d for d in first.diagnostics if "differs from its heading" in d.message)
    (related,) = stale_title.related_information
    assert related.location.uri == chapter
    assert related.location.range.start.line == 25  # <h2 id="3.常见的激活函数有哪些？">
    duplicate = next(d for d in second.diagnostics if d.code == "duplicate-anchor")
    (first_one,) = duplicate.related_information
    assert first_one.location.range.start.line == 34  # the first <a name="kv-cache">
    severities = {d.code: d.severity for d in first.diagnostics}
    assert severities["toc-anchor"] == types.DiagnosticSeverity.Error
    assert severities["empty-answer"] == types.DiagnosticSeverity.Warning


async def test_columns_are_utf16_code_units(book: Path):
    text = "# 笔记\n\n😀 中文 [链接](#不存在)\n"
    async with running_server(book) as session:
        uri = session.open("notes.md", text)
        published = await session.diagnostics(uri)
    (broken,) = [d for d in published.diagnostics if d.code == "toc-anchor"]
    # The emoji is two UTF-16 code units, each Chinese character one.
    assert broken.range.start == types.Position(line=2, character=6)
    assert broken.range.end == types.Position(line=2, character=16)


async def test_excluded_files_get_no_diagnostics(book: Path):
    (book / ".doclint.yml").write_text("exclude: ['drafts/']\n", encoding="utf-8")
    (book / "drafts").mkdir()
    draft = "# 草稿\n\n- [a](#a)\n- [b](#b)\n"
    (book / "drafts" / "x.md").write_text(draft, encoding="utf-8")
    async with running_server(book) as session:
        uri = session.open("drafts/x.md")
        published = await session.diagnostics(uri)
    assert list(published.diagnostics) == []


async def test_an_open_buffer_takes_precedence_over_the_disk(book: Path):
    async with running_server(book) as session:
        readme = session.open("README.md")
        before = await session.diagnostics(readme)
        assert any("04-deployment.md" in d.message for d in before.diagnostics)
        # A chapter written in the editor and never saved: README's link now resolves.
        count = len(session.client.published)
        unsaved = session.open("04-deployment.md", "# 第四章 部署\n\n## 1.什么是量化？\n\n答案。\n")
        after = await session.diagnostics(readme, after=count)
        # Closed without saving: the chapter is gone again, and README says so.
        count = len(session.client.published)
        session.client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(unsaved))
        )
        closed = await session.diagnostics(readme, after=count)
    assert list(after.diagnostics) == []
    assert [d.code for d in closed.diagnostics] == ["dead-link"]


async def test_a_change_rechecks_the_chapters_that_link_into_it(book: Path):
    notes_text = "# 笔记\n\n见[激活](01-neural-networks.md#8.新问题)。\n"
    async with running_server(book) as session:
        chapter = session.open(CHAPTER)
        notes = session.open("notes.md", notes_text)
        before = await session.diagnostics(notes)
        assert [d.code for d in before.diagnostics] == ["dead-link"]
        count = len(session.client.published)
        text = (book / CHAPTER).read_text(encoding="utf-8")
        session.replace(chapter, text + '\n<h2 id="8.新问题">8.新问题</h2>\n\n答案。\n')
        after = await session.diagnostics(notes, after=count)
    assert list(after.diagnostics) == []


async def test_the_last_of_200_rapid_changes_is_what_is_published(seed_copy: Path):
    text = seed_copy.read_text(encoding="utf-8")
    async with running_server(seed_copy.parent, debounce_ms=50) as session:
        uri = session.open(seed_copy.name)
        await session.diagnostics(uri)
        end = Positions(text).offset_position(len(text))
        typed = "[坏链接](#不存在的问题)"
        for index in range(200):
            char = typed[index % len(typed)]
            session.edit(uri, types.Range(end, end), char)
            text += char
            end = Positions(text).offset_position(len(text))
        final = session.versions[uri]
        published = await session.diagnostics(uri, final)
        last_for_uri = [p for p in session.client.published if p.uri == uri][-1]
    assert last_for_uri.version == final
    seed_copy.write_text(text, encoding="utf-8")
    assert as_findings(published.diagnostics, text) == sorted(
        findings_of(seed_copy, seed_copy.parent)
    )
    # Debounced: far fewer checks than changes.
    assert len([p for p in session.client.published if p.uri == uri]) < 50


# ---------------------------------------------------------------------------------------
# Code actions


async def code_actions(session: Session, uri: str, line: int, only=None):
    return await session.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(line, 0), types.Position(line, 0)),
            context=types.CodeActionContext(diagnostics=[], only=only),
        )
    )


async def test_fix_all_makes_the_edits_of_doclint_fix(book: Path):
    text = (book / CHAPTER).read_text(encoding="utf-8")
    async with running_server(book) as session:
        uri = session.open(CHAPTER)
        await session.diagnostics(uri)
        actions = await code_actions(session, uri, 0, only=[types.CodeActionKind.SourceFixAll])
        # Asked for every kind (a light bulb), it comes without its edit, made on resolve.
        offered = await code_actions(session, uri, 0)
        unresolved = next(a for a in offered if a.kind == "source.fixAll.doclint")
        resolved = await session.client.code_action_resolve_async(unresolved)
    (fix_all,) = actions
    assert fix_all.kind == "source.fixAll.doclint"
    fixed = engine.fix([CHAPTER], cwd=book, write=False, jobs=1)
    (file_fix,) = fixed.files
    assert applied(text, fix_all.edit.changes[uri]) == file_fix.fixed.decode("utf-8")
    assert unresolved.edit is None
    assert resolved.edit == fix_all.edit


async def test_a_quick_fix_per_fixable_finding_and_a_suppression(book: Path):
    text = (book / CHAPTER).read_text(encoding="utf-8")
    async with running_server(book) as session:
        uri = session.open(CHAPTER)
        await session.diagnostics(uri)
        actions = await code_actions(session, uri, 7)  # the broken "#4.什么是反向传播"
        titles = [action.title for action in actions]
        fix = next(a for a in actions if a.is_preferred)
        fixed = applied(text, fix.edit.changes[uri])
        assert "- [4.什么是反向传播？](#4.什么是反向传播？)" in fixed.splitlines()
        assert fix.diagnostics[0].code == "toc-anchor"
        disable = next(a for a in actions if a.title == "Disable toc-anchor for this line")
        suppressed = applied(text, disable.edit.changes[uri])
        version = session.replace(uri, suppressed)
        after = await session.diagnostics(uri, version)
    assert len(titles) == len(set(titles))
    assert "toc-anchor" not in {d.code for d in after.diagnostics}
    assert "dead-link" in {d.code for d in after.diagnostics}  # the other findings stay


async def test_the_table_of_contents_action_writes_doclint_toc(book: Path):
    async with running_server(book) as session:
        uri = session.open("02-attention.md")
        await session.diagnostics(uri)
        actions = await code_actions(session, uri, 2, only=[types.CodeActionKind.Source])
    toc = next(a for a in actions if a.title == "Insert/update table of contents")
    text = (book / "02-attention.md").read_text(encoding="utf-8")
    written = applied(text, toc.edit.changes[uri]).splitlines()
    start = written.index("<!-- doclint-toc -->")
    end = written.index("<!-- /doclint-toc -->")
    expected = engine.table_of_contents("02-attention.md", cwd=book).lines
    assert tuple(written[start + 1 : end]) == expected
    assert start == 2  # in place of the TOC list
    assert written[end + 1 :] == text.splitlines()[8:]  # the old list is gone, not repeated


async def test_the_table_of_contents_action_inserts_one_where_there_is_none(book: Path):
    text = "# 第四章\n\n## 1.甲？\n\n甲。\n\n## 2.乙？\n\n乙。\n"
    async with running_server(book) as session:
        uri = session.open("04.md", text)
        actions = await code_actions(session, uri, 1, only=[types.CodeActionKind.Source])
    toc = next(a for a in actions if a.title == "Insert/update table of contents")
    assert applied(text, toc.edit.changes[uri]).splitlines()[:6] == [
        "# 第四章",
        "<!-- doclint-toc -->",
        "- [1.甲？](#1甲)",
        "- [2.乙？](#2乙)",
        "<!-- /doclint-toc -->",
        "",
    ]


# ---------------------------------------------------------------------------------------
# Completion


async def complete(session: Session, uri: str, text: str, marker: str) -> list:
    result = await session.client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_of(text, marker, len(marker)),
        )
    )
    return result.items if isinstance(result, types.CompletionList) else result


async def test_completion_of_anchors_and_paths(book: Path):
    notes = "# 笔记\n\n- [a](#\n- [b](01-neural-networks.md#\n- [c](\n![d](imgs/\n"
    chapter_text = (book / CHAPTER).read_text(encoding="utf-8") + "\n[x](#\n"
    async with running_server(book) as session:
        chapter = session.open(CHAPTER, chapter_text)
        uri = session.open("notes.md", notes)
        own = await complete(session, chapter, chapter_text, "[x](#")
        other = await complete(session, uri, notes, "- [b](01-neural-networks.md#")
        paths = await complete(session, uri, notes, "- [c](")
        images = await complete(session, uri, notes, "![d](imgs/")
    perceptron = next(item for item in own if item.label == "1.什么是感知机？")
    assert "answered" in perceptron.detail
    stub = next(item for item in own if item.label == "6.梯度消失如何缓解？")
    assert stub.detail.startswith("stub")
    assert {item.label for item in other} >= {"1.什么是感知机？", "7.BatchNorm 的作用是什么？"}
    assert {"01-neural-networks.md", "02-attention.md", "imgs/"} <= {i.label for i in paths}
    assert {item.label for item in images} == {
        "Residual-Block.svg",
        "perceptron.svg",
        "scaled dot product.svg",
    }


async def test_completion_writes_anchors_as_the_toc_does(book: Path):
    text = (book / "02-attention.md").read_text(encoding="utf-8") + "\n[x](#\n"
    async with running_server(book) as session:
        uri = session.open("02-attention.md", text)
        items = await complete(session, uri, text, "[x](#")
    # This TOC links to slugs: the headings' slugs are offered, the TOC's way.
    assert "2为什么要除以根号-d" in {item.label for item in items}


# ---------------------------------------------------------------------------------------
# Navigation


# A link into the chapter written as GitHub writes it: prefixed and percent-encoded.
ENCODED = quote("为什么需要激活函数？")
NOTES = f"# 笔记\n\n见[激活函数](01-neural-networks.md#user-content-2.{ENCODED})。\n"


async def test_definition_and_references(book: Path):
    chapter_text = (book / CHAPTER).read_text(encoding="utf-8")
    async with running_server(book) as session:
        chapter = session.open(CHAPTER)
        notes = session.open("notes.md", NOTES)
        readme_text = (book / "README.md").read_text(encoding="utf-8")
        readme = session.open("README.md")
        in_page = await session.client.text_document_definition_async(
            types.DefinitionParams(
                types.TextDocumentIdentifier(chapter), position_of(chapter_text, "](#2.", 3)
            )
        )
        cross = await session.client.text_document_definition_async(
            types.DefinitionParams(types.TextDocumentIdentifier(notes), position_of(NOTES, "#user"))
        )
        file_link = await session.client.text_document_definition_async(
            types.DefinitionParams(
                types.TextDocumentIdentifier(readme), position_of(readme_text, "02-attention")
            )
        )
        references = await session.client.text_document_references_async(
            types.ReferenceParams(
                text_document=types.TextDocumentIdentifier(chapter),
                position=position_of(chapter_text, '<h2 id="2.', 12),
                context=types.ReferenceContext(include_declaration=False),
            )
        )
    assert in_page.uri == chapter and in_page.range.start.line == 21
    assert cross.uri == chapter and cross.range.start.line == 21
    assert file_link.uri == session.uri("02-attention.md") and file_link.range.start.line == 0
    assert sorted((ref.uri, ref.range.start.line) for ref in references) == sorted(
        [(chapter, 5), (notes, 2)]
    )


async def test_rename_an_id_updates_every_link_in_its_style(book: Path):
    chapter_text = (book / CHAPTER).read_text(encoding="utf-8")
    async with running_server(book) as session:
        chapter = session.open(CHAPTER)
        notes = session.open("notes.md", NOTES)
        at = position_of(chapter_text, '<h2 id="2.', 10)
        prepared = await session.client.text_document_prepare_rename_async(
            types.PrepareRenameParams(types.TextDocumentIdentifier(chapter), at)
        )
        edit = await session.client.text_document_rename_async(
            types.RenameParams(types.TextDocumentIdentifier(chapter), at, "2.激活函数为何必要")
        )
    assert prepared.placeholder == "2.为什么需要激活函数？"
    renamed = applied(chapter_text, edit.changes[chapter])
    assert '<h2 id="2.激活函数为何必要">' in renamed
    assert "- [2.为什么需要激活函数？](#2.激活函数为何必要)" in renamed
    notes_renamed = applied(NOTES, edit.changes[notes])
    encoded = "%E6%BF%80%E6%B4%BB%E5%87%BD%E6%95%B0%E4%B8%BA%E4%BD%95%E5%BF%85%E8%A6%81"
    assert f"(01-neural-networks.md#user-content-2.{encoded})" in notes_renamed


async def test_a_renamed_id_with_a_space_is_escaped_in_bare_links(book: Path):
    chapter_text = (book / CHAPTER).read_text(encoding="utf-8")
    async with running_server(book) as session:
        chapter = session.open(CHAPTER)
        at = position_of(chapter_text, '<h2 id="5.', 10)
        edit = await session.client.text_document_rename_async(
            types.RenameParams(types.TextDocumentIdentifier(chapter), at, "5.残差 连接")
        )
    renamed = applied(chapter_text, edit.changes[chapter])
    assert '<h2 id="5.残差 连接">' in renamed
    assert "- [5.什么是残差连接？](#5.残差%20连接)" in renamed


async def test_rename_a_slug_retitles_the_heading(book: Path):
    text = (book / "02-attention.md").read_text(encoding="utf-8")
    async with running_server(book) as session:
        uri = session.open("02-attention.md")
        at = position_of(text, "## 1.什么是自注意力", 5)
        prepared = await session.client.text_document_prepare_rename_async(
            types.PrepareRenameParams(types.TextDocumentIdentifier(uri), at)
        )
        edit = await session.client.text_document_rename_async(
            types.RenameParams(types.TextDocumentIdentifier(uri), at, "1.自注意力是什么？")
        )
    assert prepared.placeholder == "1.什么是自注意力？"
    renamed = applied(text, edit.changes[uri]).splitlines()
    assert "## 1.自注意力是什么？" in renamed
    assert "- [1.什么是自注意力？](#1自注意力是什么)" in renamed


# ---------------------------------------------------------------------------------------
# Hover, outline, coverage


async def test_hover_on_a_link_and_on_a_question(book: Path):
    text = (book / CHAPTER).read_text(encoding="utf-8")
    async with running_server(book) as session:
        uri = session.open(CHAPTER)
        on_link = await session.client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), position_of(text, "](#1.", 4))
        )
        on_question = await session.client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), position_of(text, '<h2 id="6.'))
        )
    assert "1.什么是感知机？" in on_link.contents.value
    assert "answered" in on_link.contents.value
    # The first line of the answer, not the difficulty line above it.
    assert "感知机是最简单的线性分类器" in on_link.contents.value
    assert "难度" not in on_link.contents.value
    assert "stub" in on_question.contents.value


async def test_hover_on_a_link_to_a_chapter(book: Path):
    text = (book / "README.md").read_text(encoding="utf-8")
    async with running_server(book) as session:
        uri = session.open("README.md")
        hover = await session.client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), position_of(text, "(02-att", 2))
        )
    assert "第二章 注意力与 Transformer" in hover.contents.value
    assert "6 questions · 4 answered · 66.7%" in hover.contents.value


async def test_symbols_and_code_lens_of_the_seed_chapter(seed_copy: Path):
    async with running_server(seed_copy.parent) as session:
        uri = session.open(seed_copy.name)
        symbols = await session.client.text_document_document_symbol_async(
            types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
        )
        lenses = await session.client.text_document_code_lens_async(
            types.CodeLensParams(types.TextDocumentIdentifier(uri))
        )
    report = engine.report([seed_copy.name], cwd=seed_copy.parent, jobs=1).coverage
    (coverage,) = report.files
    assert [(s.name, s.detail.split(" ")[0]) for s in symbols] == [
        (q.title, q.state) for q in coverage.questions
    ]
    (lens,) = lenses
    assert lens.command.title == "35 questions · 15 answered · 42.9%"
    assert lens.range.start.line == 2  # "## 第一章 …", the heading above the TOC


async def test_groups_contain_their_questions(book: Path):
    text = (
        "# 书\n\n## 目录\n\n"
        "- [第一部分](#第一部分)\n  - [1.甲？](#1甲)\n  - [2.乙？](#2乙)\n"
        "- [第二部分](#第二部分)\n  - [3.丙？](#3丙)\n\n"
        "## 第一部分\n\n### 1.甲？\n\n甲。\n\n### 2.乙？\n\n"
        "## 第二部分\n\n### 3.丙？\n\n丙。\n"
    )
    async with running_server(book) as session:
        uri = session.open("parts.md", text)
        symbols = await session.client.text_document_document_symbol_async(
            types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
        )
    assert [(s.name, [c.name for c in s.children]) for s in symbols] == [
        ("第一部分", ["1.甲？", "2.乙？"]),
        ("第二部分", ["3.丙？"]),
    ]
    assert symbols[0].children[1].detail == "empty · 0 characters"


# ---------------------------------------------------------------------------------------
# Configuration


async def test_each_root_folder_has_its_own_configuration(tmp_path: Path):
    chapter = "# 章\n\n![](missing.png)\n"
    for name, config in (
        ("strict", ""),
        ("lenient", "rules:\n  missing-image:\n    enabled: false\n"),
    ):
        (tmp_path / name).mkdir()
        (tmp_path / name / ".doclint.yml").write_text(config or "{}\n", encoding="utf-8")
        (tmp_path / name / "a.md").write_text(chapter, encoding="utf-8")
    async with running_server(tmp_path / "strict", more_roots=(tmp_path / "lenient",)) as session:
        strict = session.open("a.md")
        lenient = session.open(Path("..") / "lenient" / "a.md")
        in_strict = await session.diagnostics(strict)
        in_lenient = await session.diagnostics(lenient)
    assert "missing-image" in {d.code for d in in_strict.diagnostics}
    assert "missing-image" not in {d.code for d in in_lenient.diagnostics}
    assert "image-alt" in {d.code for d in in_lenient.diagnostics}


async def test_configuration_is_reloaded_when_it_changes(book: Path):
    text = (book / CHAPTER).read_text(encoding="utf-8")
    async with running_server(book) as session:
        uri = session.open(CHAPTER)
        before = await session.diagnostics(uri)
        assert "image-alt" in {d.code for d in before.diagnostics}
        assert any(
            r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
            for r in session.client.registrations
        )
        # An unsaved change, which the reloaded workspace must still see.
        await session.diagnostics(uri, session.replace(uri, text + "\n[新](#不存在的锚点)\n"))
        config = book / ".doclint.yml"
        config.write_text(
            "rules:\n  image-alt:\n    enabled: false\n  toc-anchor:\n    severity: info\n",
            encoding="utf-8",
        )
        count = len(session.client.published)
        session.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                [types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Created)]
            )
        )
        after = await session.diagnostics(uri, after=count)
    assert "image-alt" not in {d.code for d in after.diagnostics}
    severities = {d.code: d.severity for d in after.diagnostics}
    assert severities["toc-anchor"] == types.DiagnosticSeverity.Information
    unsaved_line = len(text.splitlines()) + 1
    assert unsaved_line in {d.range.start.line for d in after.diagnostics if d.code == "toc-anchor"}


async def test_an_invalid_configuration_is_shown_until_it_is_mended(book: Path):
    config = book / ".doclint.yml"
    config.write_text("rules: [\n", encoding="utf-8")
    async with running_server(book) as session:
        uri = session.open(CHAPTER)
        await asyncio.sleep(0.5)
        assert not [p for p in session.client.published if p.uri == uri]
        assert any(".doclint.yml" in m.message for m in session.client.messages)
        config.write_text("rules:\n  image-alt:\n    enabled: false\n", encoding="utf-8")
        session.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                [types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]
            )
        )
        mended = await session.diagnostics(uri)
    codes = {d.code for d in mended.diagnostics}
    assert "toc-anchor" in codes and "image-alt" not in codes
