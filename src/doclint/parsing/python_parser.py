"""The markdown-it-py front-end: the parser every install has.

markdown-it-py gives line ranges for blocks only. Where an inline thing starts is
recorded by wrapping the inline rules that produce links, images, code spans and HTML;
``InlineLocator`` turns those offsets into lines and columns. Inline parsing runs only
where its result can matter (``_inline_where_needed``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from doclint.model.document import CODE, MARKUP, TEXT, Document, Link, Span
from doclint.parsing import sections
from doclint.parsing.builder import FactsBuilder, InlineLocator, autolink_target, normalize_label


class _Parser:
    """CommonMark plus GFM tables and strikethrough, recording inline positions.

    The wrapped inline rules store ``(start, end)`` offsets into the inline source on the
    token they produce; they cost one comparison at characters that cannot start them.
    """

    def __init__(self) -> None:
        md = MarkdownIt("commonmark", {"inline_definitions": True})
        md.enable(["table", "strikethrough"])
        for name, first_char, token_type in (
            ("link", "[", "link_open"),
            ("image", "!", "image"),
            ("autolink", "<", "link_open"),
            ("html_inline", "<", "html_inline"),
            ("backticks", "`", "code_inline"),
        ):
            original = next(rule for rule in md.inline.ruler.__rules__ if rule.name == name).fn
            md.inline.ruler.at(name, _recording(original, first_char, token_type))
        md.core.ruler.at("inline", _inline_where_needed)
        # markdown-it-py refuses file:, javascript: … links for safe HTML; CommonMark (and
        # GitHub's parser) accept them as links, and doclint renders nothing.
        md.validateLink = lambda url: True  # type: ignore[method-assign]
        self.markdown = md


# Characters without which inline parsing leaves a text unchanged but for line breaks.
_INLINE_MARKUP = re.compile(r"[\\`*_&\[\]<!~]")
_LINE_BREAK = re.compile(r" *\n *")


def _inline_where_needed(state: Any) -> None:
    """markdown-it-py's inline stage, run only where its result can matter.

    Headings and list items need their text; other blocks need only their links, images,
    raw HTML and URLs, so a block with no ``[``, ``<`` or URL is not parsed inline. A
    text with no markup at all gets the text token the parse would have made.
    """
    tokens = state.tokens
    parse = state.md.inline.parse
    for index, token in enumerate(tokens):
        if token.type != "inline":
            continue
        content = token.content
        previous = tokens[index - 1].type if index else ""
        needs_text = previous == "heading_open" or (
            previous == "paragraph_open"
            and index > 1
            and tokens[index - 2].type == "list_item_open"
        )
        token.children = []
        if needs_text:
            if _INLINE_MARKUP.search(content):
                parse(content, state.md, state.env, token.children)
            else:
                text = Token("text", "", 0)
                text.content = _LINE_BREAK.sub(" ", content)
                token.children.append(text)
        elif "[" in content or "<" in content or "://" in content or "www." in content:
            parse(content, state.md, state.env, token.children)


def _recording(rule: Callable[..., bool], first_char: str, token_type: str) -> Callable:
    def recording_rule(state: Any, silent: bool) -> bool:
        if state.src[state.pos] != first_char:
            return False
        if silent:
            return rule(state, True)
        start, count = state.pos, len(state.tokens)
        if not rule(state, False):
            return False
        for token in state.tokens[count:]:
            if token.type == token_type:
                token.meta["span"] = (start, state.pos)
                if token_type in ("link_open", "image") and first_char != "<":
                    target, label = _inline_target(state, start, first_char == "!")
                    token.meta["target"] = target
                    token.meta["label"] = label
                break
        return True

    return recording_rule


def _inline_target(
    state: Any, start: int, is_image: bool
) -> tuple[tuple[str, int, int] | str, tuple[int, int] | None]:
    """The destination of a link just parsed: ``(raw, start, end)`` offsets when written
    inline, or the reference label when it comes from a definition; and the offsets of
    the text between the brackets."""
    src = state.src
    label_start = start + 1 if is_image else start
    label_end = state.md.helpers.parseLinkLabel(state, label_start, not is_image)
    if label_end < 0:
        return ("", start, start), None
    label = (label_start + 1, label_end)
    pos = label_end + 1
    if pos < state.posMax and src[pos] == "(":
        pos += 1
        while pos < state.posMax and src[pos] in " \t\n":
            pos += 1
        result = state.md.helpers.parseLinkDestination(src, pos, state.posMax)
        if result.ok:
            return (result.str, pos, result.pos), label
        return ("", pos, pos), label
    if pos < state.posMax and src[pos] == "[":
        close = src.find("]", pos + 1)
        if close > pos + 1:
            return src[pos + 1 : close], label
    return src[label_start + 1 : label_end], label


_parser: _Parser | None = None


def _shared_parser() -> _Parser:
    # Building the parser costs more than parsing a small file; one per process is enough.
    global _parser
    if _parser is None:
        _parser = _Parser()
    return _parser


def read_link_text(label: str) -> str | None:
    """The text a reader sees for the link ``[label](#)``; None when that is not one link."""
    children = _shared_parser().markdown.parseInline(f"[{label}](#)")[0].children or []
    if len(children) < 2 or children[0].type != "link_open" or children[-1].type != "link_close":
        return None
    depth = 0
    for child in children[:-1]:
        depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
        if depth == 0:
            return None  # the first link closed before the end
    return _plain_text(children[1:-1])


# ---------------------------------------------------------------------------------------


def build(text: str, path: str) -> Document:
    document = sections.build(text, path, _parse, _runs_to_end, _walk)
    assert document is not None  # markdown-it-py reads any text
    return document


def _parse(text: str, lines: list[str]) -> list[Token]:
    return _shared_parser().markdown.parse(text, {})


def _runs_to_end(tokens: list[Token], section: str) -> bool:
    """Whether the last block of a section is an HTML block or an unclosed fenced code
    block that reaches its end."""
    last = tokens[-1] if tokens else None
    if last is None or last.type not in ("fence", "html_block") or last.map is None:
        return False
    if last.map[1] < section.count("\n"):
        return False
    if last.type == "html_block":
        return True
    opening_line_only = last.map[0] == section.rstrip("\n").count("\n")
    return opening_line_only or not sections.closes_fence(section, last.markup)


def _walk(
    builder: FactsBuilder, tokens: list[Token], text: str, lines: list[str], first_line: int
) -> None:
    """Report ``tokens`` to ``builder``: those of the file, or of its section that starts
    on line ``first_line``."""
    if first_line:
        for token in tokens:
            if token.map:
                token.map = [token.map[0] + first_line, token.map[1] + first_line]
    for token in tokens:
        if token.type == "definition" and token.map:
            builder.add_definition(normalize_label(token.meta["label"]), *token.map)
    _Walk(builder).run(tokens)


class _Walk:
    def __init__(self, builder: FactsBuilder) -> None:
        self.builder = builder
        self.lines = builder.lines

    def run(self, tokens: list[Token]) -> None:
        builder = self.builder
        index = 0
        total = len(tokens)
        item_levels: list[int] = []
        cell_cursor = -1  # column after the last table cell placed, inside a table row
        while index < total:
            token = tokens[index]
            kind = token.type
            line_map = token.map
            if kind == "inline":
                if cell_cursor >= 0:
                    cell_cursor = self._place_cell(token, cell_cursor)
                first_in_item = (
                    item_levels
                    and builder.item_needs_text()
                    and tokens[index - 1].type == "paragraph_open"
                    and tokens[index - 1].level == item_levels[-1] + 1
                )
                first_link = self._inline(token)
                if first_in_item:
                    children = token.children or []
                    builder.item_text(
                        _plain_text(children), first_link if _starts_with_link(children) else None
                    )
                if line_map:
                    builder.mark(line_map[0], line_map[1], TEXT)
            elif kind == "heading_open":
                inline = tokens[index + 1]
                start, end = line_map if line_map else (0, 1)
                builder.markdown_heading(
                    int(token.tag[1]),
                    _plain_text(inline.children or [], with_alt=False),
                    start,
                    end,
                    setext=token.markup in ("=", "-"),
                    first_content=(inline.content or "").split("\n")[0],
                )
                self._inline(inline)
                index += 3
                continue
            elif kind == "tr_open":
                cell_cursor = 0
            elif kind == "tr_close":
                cell_cursor = -1
            elif kind in ("bullet_list_open", "ordered_list_open"):
                builder.open_list(kind == "ordered_list_open", line_map[0] if line_map else 0)
            elif kind in ("bullet_list_close", "ordered_list_close"):
                builder.close_list()
            elif kind == "list_item_open":
                start, end = line_map if line_map else (0, 1)
                builder.open_item(start, end, (token.info or "") + token.markup)
                item_levels.append(token.level)
            elif kind == "list_item_close":
                builder.close_item()
                item_levels.pop()
            elif line_map is None:  # the blocks below are placed by their lines
                pass
            elif kind == "paragraph_open" or kind == "table_open":
                builder.mark(line_map[0], line_map[1], TEXT)
            elif kind == "fence":
                builder.fence(line_map[0], line_map[1], token.markup)
            elif kind == "code_block":
                builder.mark(line_map[0], line_map[1], CODE, only_non_blank=True)
            elif kind == "html_block":
                builder.html_block(token.content, line_map[0], line_map[1])
            elif kind == "hr" or kind == "definition":
                builder.mark(line_map[0], line_map[1], MARKUP, only_non_blank=True)
            index += 1

    def _place_cell(self, token: Token, cursor: int) -> int:
        """Table cells share a line: find this one after the cells before it."""
        if not token.map or token.map[0] >= len(self.lines):
            return cursor
        line = self.lines[token.map[0]]
        found = line.find(token.content, cursor) if token.content else -1
        if found < 0:
            return cursor
        token.meta["column"] = found
        return found + len(token.content)

    def _inline(self, token: Token) -> Link | None:
        """Links, images and HTML of one inline token; returns its first link."""
        children = token.children or []
        if not children or not token.map:
            return None
        content = token.content
        locator = InlineLocator(content, token.map[0], self.lines, token.meta.get("column", -1))
        spans: list[tuple[int, int]] = []
        first_link: Link | None = None
        for index, child in enumerate(children):
            kind = child.type
            span = child.meta.get("span") if child.meta else None
            if span is None:
                continue
            spans.append(span)
            if kind == "image":
                self._add_link(
                    "image", child, _plain_text(child.children or []), span, locator, content
                )
            elif kind == "link_open":
                link = self._add_link(
                    "link",
                    child,
                    _plain_text(_link_children(children, index)),
                    span,
                    locator,
                    content,
                )
                first_link = first_link or link
            elif kind == "html_inline":
                self.builder.html(child.content, locator.locate, span[0])
        self.builder.text_links(content, spans, locator.locate)
        return first_link

    def _add_link(
        self,
        kind: str,
        token: Token,
        text: str,
        span: tuple[int, int],
        locator: InlineLocator,
        content: str,
    ) -> Link:
        line, column = locator.locate(span[0])
        recorded = token.meta.get("target")
        target_span = text_span = None
        syntax = "inline"
        if token.markup == "autolink":
            syntax = "autolink"
            target = autolink_target(content[span[0] + 1 : span[1] - 1])
            target_span = Span(line, column + 1, span[1] - span[0] - 2)
        elif isinstance(recorded, tuple):
            target, start, end = recorded
            target_line, target_column = locator.locate(start)
            target_span = Span(target_line, target_column, end - start)
            label = token.meta.get("label")
            if label is not None and "\n" not in content[label[0] : label[1]]:
                label_line, label_column = locator.locate(label[0])
                text_span = Span(label_line, label_column, label[1] - label[0])
        else:
            syntax = "reference"
            target, target_span = self.builder.definition_target(normalize_label(recorded or text))
        return self.builder.add_link(
            Link(kind, target, text, line, column, syntax, target_span, text_span)
        )


def _link_children(children: list[Token], open_index: int) -> list[Token]:
    """The tokens between a ``link_open`` and its ``link_close``."""
    depth = 0
    for index in range(open_index, len(children)):
        kind = children[index].type
        if kind == "link_open":
            depth += 1
        elif kind == "link_close":
            depth -= 1
            if depth == 0:
                return children[open_index + 1 : index]
    return children[open_index + 1 :]


def _starts_with_link(children: list[Token]) -> bool:
    for child in children:
        if child.type == "link_open":
            return True
        if child.type == "text" and not child.content.strip():
            continue
        if child.type in ("strong_open", "em_open", "s_open"):
            continue
        return False
    return False


def _plain_text(children: Iterable[Token], with_alt: bool = True) -> str:
    """The text a reader sees; GitHub's heading text (``with_alt=False``) leaves out the
    alt text of images."""
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline", "text_special"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image" and with_alt:
            parts.append(_plain_text(child.children or []))
    return "".join(parts).strip()
