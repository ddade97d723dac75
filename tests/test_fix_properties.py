"""Properties of `fix` on generated question books: TOCs of markdown and HTML headings with
CJK titles, anchors broken at random, in files with any line endings and a BOM or not.

Whatever is generated, fixing is idempotent, changes only lines that hold links (the TOC
and links elsewhere), leaves every other line and its ending as it was, makes every link
it touched resolve, and leaves no fixable finding.
"""

from __future__ import annotations

import codecs
import difflib
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doclint.config.loading import load_config
from doclint.core.findings import Edit, Fix
from doclint.engine import api as engine
from doclint.engine.fixer import SourceText, lines_with_endings
from doclint.model.anchors import match_key
from doclint.model.document import Document
from doclint.parsing import parse_document

_LINE_ENDING = re.compile(r"\r\n|\r|\n")

cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
title_char = st.one_of(
    cjk,
    st.sampled_from("abcXYZ019？（）：，-_.? "),
)
words = st.text(title_char, min_size=1, max_size=12).map(lambda text: " ".join(text.split()))


@st.composite
def books(draw):
    """A chapter: a TOC, then questions as markdown or HTML headings, with some damage."""
    count = draw(st.integers(2, 7))
    # Books write their questions one way; a few mix markdown and HTML headings.
    style = draw(st.sampled_from(["atx", "html", "mixed"]))
    questions = []
    for number in range(1, count + 1):
        title = f"{number}.{draw(words)}"
        if not match_key(title[len(str(number)) + 1 :]):
            title += "问题"
        kind = draw(st.sampled_from(["atx", "html"])) if style == "mixed" else style
        questions.append((title, kind))
    # The anchors as GitHub makes them: read from the chapter without a TOC.
    body_lines: list[str] = []
    for title, kind in questions:
        if kind == "atx":
            body_lines.append(f"## {title}")
        else:
            body_lines.append(f'<h2 id="{title}">{title}</h2>')
        body_lines += ["", draw(st.sampled_from(["答。", "回答 ", "答案\t"])), ""]
    anchors = [heading.anchor for heading in parse_document("\n".join(body_lines)).headings]

    user_content = draw(st.booleans())
    toc_lines = ["# 目录", ""]
    for (title, kind), anchor in zip(questions, anchors, strict=True):
        fragment = ("user-content-" if user_content and kind == "html" else "") + anchor
        damage = draw(
            st.sampled_from(
                ["none", "none", "punctuation", "case", "garbage", "no-hash", "drop", "lost"]
            )
        )
        if damage == "drop":
            continue
        if damage == "lost":  # an entry for a question that no heading answers any more
            title = f"{title}旧"
            fragment = draw(st.text("abcxyz", min_size=1, max_size=5))
        if damage == "punctuation":
            fragment = re.sub(r"[.？（）：，?_-]", "", fragment) or "x"
        elif damage == "case":
            fragment = fragment.upper()
        elif damage == "garbage":
            fragment = draw(st.text("abcxyz", min_size=1, max_size=5))
        destination = fragment if damage == "no-hash" else "#" + fragment
        if " " in destination:
            destination = f"<{destination}>"
        toc_lines.append(f"- [{title}]({destination})")
    lines = [*toc_lines, "", *body_lines]
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = ending.join(lines) + draw(st.sampled_from(["", ending]))
    bom = codecs.BOM_UTF8 if draw(st.booleans()) else b""
    return bom + text.encode("utf-8")


def _linklines_with_endings(doc: Document) -> set[int]:
    return {link.line for link in doc.links if link.kind == "link"}


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(books())
def test_fix_is_idempotent_local_and_makes_links_resolve(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chapter.md"
        path.write_bytes(data)
        config = load_config(cwd=Path(folder))

        first = engine.fix(["chapter.md"], config, cwd=Path(folder), jobs=1)
        fixed = path.read_bytes()
        second = engine.fix(["chapter.md"], config, cwd=Path(folder), jobs=1)

        assert not first.check.errors
        assert path.read_bytes() == fixed, "a second fix changed the file"
        assert not second.applied and not second.changed
        assert not [f for f in first.check.findings if f.fix is not None], "fixable left"

    assert fixed.startswith(codecs.BOM_UTF8) == data.startswith(codecs.BOM_UTF8)
    before_text = SourceText.from_bytes(data).text
    after_text = SourceText.from_bytes(fixed).text
    before, after = lines_with_endings(before_text), lines_with_endings(after_text)
    endings = {_LINE_ENDING.search(line).group() for line in before if _LINE_ENDING.search(line)}
    assert {m.group() for m in _LINE_ENDING.finditer(after_text)} <= endings
    assert after_text.endswith(("\n", "\r")) == before_text.endswith(("\n", "\r"))

    # Only lines that hold links change: every other line, ending included, stays.
    old_doc, new_doc = parse_document(before_text), parse_document(after_text)
    old_links, new_links = _linklines_with_endings(old_doc), _linklines_with_endings(new_doc)
    assert [line for n, line in enumerate(before, 1) if n not in old_links] == [
        line for n, line in enumerate(after, 1) if n not in new_links
    ]

    # Every link on a line that changed reaches an anchor of the file.
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    changed = {
        number
        for tag, _, _, first_new, end_new in matcher.get_opcodes()
        if tag != "equal"
        for number in range(first_new + 1, end_new + 1)
    }
    for link in new_doc.links:
        if link.line in changed:
            assert link.is_in_page and new_doc.resolves(link.target[1:]), link


@st.composite
def texts_and_edits(draw):
    lines = draw(st.lists(st.text("ab c漢", max_size=6), min_size=1, max_size=6))
    endings = [draw(st.sampled_from(["\n", "\r\n", "\r"])) for _ in lines]
    last_ending = draw(st.booleans())
    text = "".join(line + ending for line, ending in zip(lines, endings, strict=True))
    if not last_ending:
        text = text[: -len(endings[-1])]
    edits = []
    for _ in range(draw(st.integers(0, 4))):
        number = draw(st.integers(1, len(lines)))
        column = draw(st.integers(1, len(lines[number - 1]) + 1))
        room = len(lines[number - 1]) - column + 1
        edits.append(
            Edit(number, column, draw(st.integers(0, room)), draw(st.text("xy\n", max_size=3)))
        )
    return text, edits


@given(texts_and_edits())
def test_edits_on_the_original_text_agree_with_edits_on_the_parsed_text(case) -> None:
    """What edits do to a file with any line endings is what they do to the text the
    parser sees (endings made "\\n"), and nothing more; the only fixes left out beyond
    those the parsed text leaves out are ones that would join a CR and an LF into one
    line ending."""
    text, edits = case
    fixes = [(number, Fix("t", (edit,))) for number, edit in enumerate(edits)]
    source = SourceText.from_bytes(text.encode("utf-8"))
    fixed, applied = source.apply(fixes)

    parsed = SourceText.from_bytes(_LINE_ENDING.sub("\n", text).encode("utf-8"))
    _, applied_to_parsed = parsed.apply(fixes)
    expected, expected_applied = parsed.apply(fix for fix in fixes if fix[0] in applied)
    assert expected_applied == applied
    assert _LINE_ENDING.sub("\n", fixed.text) == expected.text
    assert set(applied) <= set(applied_to_parsed)
    if "\r" not in text.replace("\r\n", ""):
        assert applied == applied_to_parsed  # without lone CRs, nothing is left out
    if not any("\n" in edit.insert or edit.delete for edit in edits):
        # The line endings of the original lines come through in order.
        original_endings = [m.group() for m in _LINE_ENDING.finditer(text)]
        assert [m.group() for m in _LINE_ENDING.finditer(fixed.text)] == original_endings
