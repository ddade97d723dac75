"""A markdown file parsed once into the facts every rule reads.

``Document.from_text`` runs one markdown-it-py parse and one walk over its tokens, and
keeps only plain, immutable facts: lines, headings (markdown and raw HTML), anchors, links
and images with exact 1-based positions, lists, TOC entries and what kind of content each
line holds. Rules never see tokens and never parse again.

markdown-it-py gives line ranges for blocks only; where an inline thing starts is recorded
by wrapping the inline rules that produce links, images, code spans and HTML (see
``_Parser``), and turned into a line and column in one place (``_InlineLocator``).
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.token import Token

from . import anchors as anchor_rules

# What each line of a document holds, one character per line (``Document.line_kinds``).
BLANK = " "
TEXT = "t"  # paragraph, list item or table text
HEADING = "h"
CODE = "c"  # the inside of a code block
HTML = "x"  # raw HTML with visible text or an image
MARKUP = "m"  # structure only: rules, fences, comments, empty tags, link definitions
FRONT_MATTER = "f"


@dataclass(frozen=True)
class Span:
    """Where a piece of text is written: 1-based line and column, length in characters."""

    line: int
    column: int
    length: int


@dataclass(frozen=True)
class Heading:
    index: int
    level: int
    text: str
    line: int
    column: int
    end_line: int
    kind: str  # "atx", "setext" or "html"
    explicit_id: str | None  # id written in the heading itself (raw HTML headings)
    slug: str | None  # GitHub's unique slug (markdown headings only; GitHub adds none to HTML)

    @property
    def anchor(self) -> str | None:
        """The name a link uses to reach this heading."""
        return self.explicit_id if self.explicit_id is not None else self.slug


@dataclass(frozen=True)
class Anchor:
    name: str
    line: int
    column: int
    kind: str  # "id", "name" or "slug"
    heading: int | None  # index of the heading it names, if any


@dataclass(frozen=True)
class Link:
    """A link or image. ``target`` is the destination as written, escapes resolved."""

    kind: str  # "link" or "image"
    target: str
    text: str
    line: int
    column: int
    syntax: str  # "inline", "reference", "autolink", "html", "bare" or "unparsed"
    target_span: Span | None = None
    # Where the text between ``[`` and ``]`` is written, for inline links on one line.
    text_span: Span | None = None

    @property
    def fragment(self) -> str | None:
        """The part after ``#``, or None when the target has no ``#``."""
        hash_at = self.target.find("#")
        return None if hash_at < 0 else self.target[hash_at + 1 :]

    @property
    def is_in_page(self) -> bool:
        return self.target.startswith("#")


@dataclass(frozen=True)
class ListItem:
    line: int
    column: int  # where the marker is written
    text: str  # plain text of the item's first paragraph
    link: int | None  # index (in Document.links) of the first link of that paragraph
    sublists: tuple[int, ...]  # indexes (in Document.lists) of lists nested in the item
    marker: str  # "-", "*", "+", or the number and delimiter of an ordered item ("12.")
    content_column: int  # where the item's text starts on its first line
    end_line: int  # the item's last non-blank line, nested lists included


@dataclass(frozen=True)
class ListBlock:
    index: int
    line: int
    ordered: bool
    depth: int
    parent: int | None  # the list this one is nested in
    items: tuple[ListItem, ...]


@dataclass(frozen=True)
class TocEntry:
    """An item of a table of contents, pointing (or meant to point) at a heading."""

    link: int  # index in Document.links
    line: int
    column: int
    text: str
    depth: int
    list_index: int
    resolved: bool  # the target reaches an anchor as written
    heading: int | None  # the heading reached or, when unresolved, evidently meant
    group: bool  # at a level of the TOC whose entries hold entries (parts, chapters)
    item: int  # index of the entry's item in Document.lists[list_index].items


@dataclass(frozen=True)
class Directive:
    """An inline suppression comment such as ``<!-- doclint-disable toc-anchor -->``."""

    line: int
    end_line: int
    action: str  # "disable", "enable", "disable-next-line" or "disable-file"
    rules: tuple[str, ...]  # empty means every rule


@dataclass(frozen=True, eq=False)
class Document:
    path: str
    lines: tuple[str, ...]
    line_kinds: str
    headings: tuple[Heading, ...]
    anchor_list: tuple[Anchor, ...]
    links: tuple[Link, ...]
    lists: tuple[ListBlock, ...]
    directives: tuple[Directive, ...]

    @classmethod
    def from_text(cls, text: str, path: str = "<text>") -> Document:
        return _Builder(text, path).build()

    @cached_property
    def anchor_index(self) -> anchor_rules.AnchorIndex:
        return anchor_rules.AnchorIndex(self.anchor_list, self.headings)

    @property
    def anchors(self) -> dict[str, Anchor]:
        """Every anchor by name; the first one wins where names repeat."""
        return self.anchor_index.by_name

    def resolves(self, fragment: str) -> bool:
        return self.anchor_index.resolves(fragment)

    def anchor_for(self, fragment: str) -> Anchor | None:
        return self.anchor_index.anchor_for(fragment)

    def intended_anchor(self, fragment: str, text: str = "") -> Anchor | None:
        return self.anchor_index.intended_anchor(fragment, text)

    def heading_at_anchor(self, anchor: Anchor | None) -> Heading | None:
        if anchor is None or anchor.heading is None:
            return None
        return self.headings[anchor.heading]

    @cached_property
    def toc_entries(self) -> tuple[TocEntry, ...]:
        return tuple(_toc_entries(self))

    def section_end(self, heading: Heading) -> int:
        """The last line (1-based) of everything under ``heading``."""
        for index in range(heading.index + 1, len(self.headings)):
            if self.headings[index].level <= heading.level:
                return self.headings[index].line - 1
        return len(self.lines)

    def forgotten_hash_anchor(self, link: Link) -> Anchor | None:
        """For a relative link like ``(3.标题)``: the in-page anchor it evidently meant."""
        if link.kind != "link" or not is_local_target(link.target) or link.is_in_page:
            return None
        if "/" in link.target or link.target.startswith("."):
            return None
        exact = self.anchor_for(link.target)
        return exact if exact is not None else self.intended_anchor(link.target, link.text)


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_WINDOWS_DRIVE = re.compile(r"^(?:file:/*)?[A-Za-z]:[\\/]", re.IGNORECASE)


def is_windows_drive_path(target: str) -> bool:
    return bool(_WINDOWS_DRIVE.match(target))


def is_local_target(target: str) -> bool:
    """A path in the repository: no scheme (``mailto:``, ``https:``…), not ``//host``."""
    if target.startswith("//"):
        return False
    return not _SCHEME.match(target) or is_windows_drive_path(target)


def is_external_target(target: str) -> bool:
    return target.startswith(("http://", "https://"))


# ---------------------------------------------------------------------------------------
# Parsing


class _Parser:
    """markdown-it-py, CommonMark plus GFM tables and strikethrough, with positions.

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
        md.validateLink = lambda url: True
        self.markdown = md

    def parse(self, text: str) -> list[Token]:
        return self.markdown.parse(text, {})


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


def parsed_text(text: str) -> str:
    """``text`` as it is parsed. markdown-it-py makes these replacements before it parses;
    line numbers and columns must be counted on the same text."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")


def read_link_destination(written: str) -> str | None:
    """The target that ``written``, as a whole inline link destination, names; or None."""
    result = _shared_parser().markdown.helpers.parseLinkDestination(written, 0, len(written))
    return result.str if result.ok and result.pos == len(written) else None


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


def _shared_parser() -> _Parser:
    # Building the parser costs more than parsing a small file; one per process is enough.
    global _parser
    if _parser is None:
        _parser = _Parser()
    return _parser


# ---------------------------------------------------------------------------------------
# Locating inline things


def _content_column(source_line: str, content_line: str) -> int:
    """0-based column where ``content_line`` (a piece of inline source) starts."""
    if source_line.endswith(content_line):
        return len(source_line) - len(content_line)
    stripped = source_line.rstrip()
    if stripped.endswith(content_line):
        return len(stripped) - len(content_line)
    found = source_line.find(content_line)
    if found >= 0:
        return found
    return len(source_line) - len(source_line.lstrip())


class _InlineLocator:
    """Turns offsets in an inline token's source into 1-based lines and columns."""

    def __init__(self, content: str, first_line: int, lines: tuple[str, ...], column: int = -1):
        self._starts: list[int] = []
        self._columns: list[int] = []
        self._first_line = first_line
        offset = 0
        for number, content_line in enumerate(content.split("\n")):
            self._starts.append(offset)
            offset += len(content_line) + 1
            index = first_line + number
            if column >= 0 and number == 0:
                self._columns.append(column)
            elif index < len(lines):
                self._columns.append(_content_column(lines[index], content_line))
            else:
                self._columns.append(0)

    def locate(self, offset: int) -> tuple[int, int]:
        number = max(bisect_right(self._starts, offset) - 1, 0)
        return (
            self._first_line + number + 1,
            self._columns[number] + offset - self._starts[number] + 1,
        )


# ---------------------------------------------------------------------------------------
# Raw HTML

_TAG = re.compile(
    r"<([A-Za-z][A-Za-z0-9-]*)((?:\s+[^\s=<>/\"']+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*/?>"
)
_ATTRIBUTE = re.compile(r"([^\s=<>/\"']+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?")
_HTML_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)
_ANY_TAG_OR_COMMENT = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_DIRECTIVE = re.compile(
    r"^\s*doclint-(disable-next-line|disable-file|disable|enable)\b(.*?)\s*$", re.DOTALL
)
_WHITESPACE = re.compile(r"\s+")


def _attributes(attribute_text: str, offset: int) -> Iterator[tuple[str, str, int]]:
    """``(name, value, offset of the value)`` for each attribute of a tag."""
    for match in _ATTRIBUTE.finditer(attribute_text):
        for group in (2, 3, 4):
            if match.group(group) is not None:
                value_start = match.start(group)
                yield match.group(1).lower(), match.group(group), offset + value_start
                break
        else:
            yield match.group(1).lower(), "", offset + match.end()


def html_text(fragment: str) -> str:
    """Visible text of a piece of HTML: tags and comments removed, entities decoded."""
    return _WHITESPACE.sub(" ", html.unescape(_ANY_TAG_OR_COMMENT.sub("", fragment))).strip()


# ---------------------------------------------------------------------------------------
# Bare URLs (GitHub's extended autolinks) and destinations CommonMark could not parse

_BARE_URL = re.compile(r"(?<![\w/])(?:https?://|www\.)[^\s<>\"'`]+")
_UNPARSED_LINK = re.compile(r"(!?)\[([^\[\]\n]*)\]\(([^()\n]*\s[^()\n]*)\)")


def _trim_url(url: str) -> str:
    """Drop what GitHub leaves out of an autolink: trailing punctuation, unbalanced ``)``."""
    while url:
        last = url[-1]
        if last in "?!.,:*_~;'\"" or (last == ")" and url.count(")") > url.count("(")):
            url = url[:-1]
        else:
            break
    return url


# YAML front matter (Jekyll, Hugo, MkDocs): GitHub shows it as a table, not as markdown.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n[\w-]+[ \t]*:.*?\n---[ \t]*(?:\n|\Z)", re.DOTALL)


# ---------------------------------------------------------------------------------------
# Building


class _ListBuilder:
    def __init__(self, index: int, line: int, ordered: bool, depth: int, parent: int | None):
        self.index = index
        self.line = line
        self.ordered = ordered
        self.depth = depth
        self.parent = parent
        self.items: list[dict[str, Any]] = []


class _Builder:
    def __init__(self, text: str, path: str) -> None:
        self.path = path
        text = parsed_text(text)
        self.text = text
        self.lines: tuple[str, ...] = tuple(text.split("\n"))
        if self.lines and self.lines[-1] == "" and text.endswith("\n"):
            self.lines = self.lines[:-1]
        self.kinds = [BLANK if not line.strip() else MARKUP for line in self.lines]
        self.headings: list[Heading] = []
        self.heading_ids: list[str | None] = []
        self.explicit_anchors: list[tuple[str, int, int, str]] = []
        self.links: list[Link] = []
        self.lists: list[_ListBuilder] = []
        self.list_stack: list[_ListBuilder] = []
        self.directives: list[Directive] = []
        self.definitions: dict[str, tuple[int, int]] = {}

    # -- driving -------------------------------------------------------------------------

    def build(self) -> Document:
        parse_text = self._blank_front_matter(self.text)
        tokens = _shared_parser().parse(parse_text)
        for token in tokens:
            if token.type == "definition":
                self.definitions[token.meta["id"]] = (token.map[0], token.map[1])
        self._walk(tokens)
        return self._document()

    def _blank_front_matter(self, text: str) -> str:
        found = _FRONT_MATTER.match(text)
        if not found:
            return text
        count = found.group(0).count("\n") + (0 if found.group(0).endswith("\n") else 1)
        for number in range(min(count, len(self.kinds))):
            self.kinds[number] = FRONT_MATTER
        return "\n" * found.group(0).count("\n") + text[found.end() :]

    def _walk(self, tokens: list[Token]) -> None:
        index = 0
        total = len(tokens)
        item_stack: list[dict[str, Any]] = []
        cell_cursor = -1  # column after the last table cell placed, inside a table row
        while index < total:
            token = tokens[index]
            kind = token.type
            if kind == "tr_open":
                cell_cursor = 0
            elif kind == "tr_close":
                cell_cursor = -1
            if kind == "inline":
                if cell_cursor >= 0:
                    cell_cursor = self._place_cell(token, cell_cursor)
                item = item_stack[-1] if item_stack else None
                first_in_item = (
                    item is not None
                    and item["text"] is None
                    and _is_item_paragraph(tokens, index, item)
                )
                link_count = len(self.links)
                self._inline(token)
                if first_in_item and item is not None:
                    item["text"] = _plain_text(token.children or [])
                    item["link"] = link_count if len(self.links) > link_count else None
                    item["first_link_is_first_child"] = _starts_with_link(token.children or [])
                self._mark(token.map, TEXT)
            elif kind == "heading_open":
                self._heading(token, tokens[index + 1])
                self._inline(tokens[index + 1])
                index += 3
                continue
            elif kind in ("bullet_list_open", "ordered_list_open"):
                parent = self.list_stack[-1] if self.list_stack else None
                builder = _ListBuilder(
                    len(self.lists),
                    token.map[0] + 1 if token.map else 1,
                    kind == "ordered_list_open",
                    len(self.list_stack),
                    parent.index if parent else None,
                )
                if item_stack:
                    item_stack[-1]["sublists"].append(builder.index)
                self.lists.append(builder)
                self.list_stack.append(builder)
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.list_stack.pop()
            elif kind == "list_item_open":
                line = token.map[0] if token.map else 0
                source_line = self.lines[line] if line < len(self.lines) else ""
                marker = (token.info or "") + token.markup  # "12." or "-"
                marker_at = source_line.find(marker) if marker else -1
                marker_at = max(marker_at, 0)
                after_marker = marker_at + len(marker)
                spacing = len(source_line[after_marker:]) - len(
                    source_line[after_marker:].lstrip(" \t")
                )
                item = {
                    "line": line + 1,
                    "column": marker_at + 1,
                    "text": None,
                    "link": None,
                    "sublists": [],
                    "level": token.level,
                    "marker": marker,
                    "content_column": after_marker + spacing + 1,
                    "end_line": self._last_non_blank(line, token.map[1] if token.map else line + 1),
                }
                self.list_stack[-1].items.append(item)
                item_stack.append(item)
            elif kind == "list_item_close":
                item_stack.pop()
            elif kind == "paragraph_open" or kind == "table_open":
                self._mark(token.map, TEXT)
            elif kind == "fence":
                self._fence(token)
            elif kind == "code_block":
                self._mark(token.map, CODE, only_non_blank=True)
            elif kind == "html_block":
                self._html_block(token)
            elif kind == "hr" or kind == "definition":
                self._mark(token.map, MARKUP, only_non_blank=True)
            index += 1

    def _last_non_blank(self, first: int, end: int) -> int:
        """The 1-based number of the last non-blank line of ``[first, end)`` (0-based)."""
        last = min(end, len(self.lines))
        while last > first + 1 and not self.lines[last - 1].strip():
            last -= 1
        return last

    def _mark(self, line_map: list[int] | None, kind: str, only_non_blank: bool = False) -> None:
        if not line_map:
            return
        for number in range(line_map[0], min(line_map[1], len(self.kinds))):
            if only_non_blank and self.kinds[number] == BLANK:
                continue
            self.kinds[number] = kind

    # -- blocks --------------------------------------------------------------------------

    def _heading(self, token: Token, inline: Token) -> None:
        start, end = token.map if token.map else (0, 1)
        setext = token.markup in ("=", "-")
        text = _plain_text(inline.children or [], with_alt=False)
        first_content = (inline.content or "").split("\n")[0]
        source_line = self.lines[start] if start < len(self.lines) else ""
        if setext:
            column = _content_column(source_line, first_content)
        else:
            after_marker = len(source_line) - len(source_line.lstrip()) + len(token.markup)
            found = source_line.find(first_content, after_marker) if first_content else -1
            column = found if found >= 0 else after_marker
        self.headings.append(
            Heading(
                index=len(self.headings),
                level=int(token.tag[1]),
                text=text,
                line=start + 1,
                column=column + 1,
                end_line=end,
                kind="setext" if setext else "atx",
                explicit_id=None,
                slug=None,  # numbered in document order once every heading is known
            )
        )
        self._mark(token.map, HEADING)

    def _fence(self, token: Token) -> None:
        if not token.map:
            return
        start, end = token.map
        self._mark([start, start + 1], MARKUP)
        inner_end = end - 1 if end - 1 > start and self._closes_fence(end - 1, token) else end
        self._mark([start + 1, inner_end], CODE, only_non_blank=True)
        if inner_end < end:
            self._mark([inner_end, end], MARKUP)

    def _closes_fence(self, line: int, token: Token) -> bool:
        return line < len(self.lines) and self.lines[line].strip().startswith(token.markup)

    def _html_block(self, token: Token) -> None:
        if not token.map:
            return
        start, end = token.map
        content = token.content
        locator = _InlineLocator(content, start, self.lines)
        self._html(content, locator)
        found_from = len(self.headings)
        for match in _HTML_HEADING.finditer(content):
            line, column = locator.locate(match.start())
            heading_id = None
            for name, value, _ in _attributes(match.group(2), 0):
                if name == "id":
                    heading_id = html.unescape(value)
            self.headings.append(
                Heading(
                    index=len(self.headings),
                    level=int(match.group(1)),
                    text=html_text(match.group(3)),
                    line=line,
                    column=column,
                    end_line=locator.locate(match.end() - 1)[0],
                    kind="html",
                    explicit_id=heading_id,
                    slug=None,
                )
            )
        # Which lines show something: text or an image, once comments and tags are gone.
        in_comment = False
        for number in range(start, min(end, len(self.kinds))):
            line = self.lines[number]
            visible, in_comment = _visible_html(line, in_comment)
            if self.kinds[number] != BLANK:
                self.kinds[number] = HTML if visible else MARKUP
        for heading in self.headings[found_from:]:
            for number in range(heading.line - 1, heading.end_line):
                self.kinds[number] = HEADING

    def _html(self, content: str, locator: _InlineLocator, base: int = 0) -> None:
        """Anchors, links, images and directives written in raw HTML."""
        if "<" not in content:
            return
        for comment in _COMMENT.finditer(content):
            directive = _DIRECTIVE.match(comment.group(1))
            if directive:
                line = locator.locate(base + comment.start())[0]
                end_line = locator.locate(base + comment.end() - 1)[0]
                rules = tuple(
                    rule for rule in re.split(r"[\s,]+", directive.group(2).strip()) if rule
                )
                self.directives.append(Directive(line, end_line, directive.group(1), rules))
        for tag in _TAG.finditer(content):
            name = tag.group(1).lower()
            attributes = list(_attributes(tag.group(2), tag.start(2)))
            for attribute, value, value_at in attributes:
                if attribute == "id" or (attribute == "name" and name == "a"):
                    line, column = locator.locate(base + value_at)
                    self.explicit_anchors.append((html.unescape(value), line, column, attribute))
            wanted = {"a": "href", "img": "src"}.get(name)
            if wanted is None:
                continue
            for attribute, value, value_at in attributes:
                if attribute == wanted:
                    line, column = locator.locate(base + tag.start())
                    value_line, value_column = locator.locate(base + value_at)
                    alt = next((v for a, v, _ in attributes if a == "alt"), None)
                    self.links.append(
                        Link(
                            kind="image" if name == "img" else "link",
                            target=html.unescape(value).strip(),
                            text=html.unescape(alt) if alt is not None else "",
                            line=line,
                            column=column,
                            syntax="html",
                            target_span=Span(value_line, value_column, len(value)),
                        )
                    )

    # -- inline --------------------------------------------------------------------------

    def _inline(self, token: Token) -> None:
        children = token.children or []
        if not children or not token.map:
            return
        locator: _InlineLocator | None = None
        content = token.content
        spans: list[tuple[int, int]] = []
        index = 0
        while index < len(children):
            child = children[index]
            kind = child.type
            span = child.meta.get("span") if child.meta else None
            if span is not None:
                spans.append(span)
            if kind == "link_open" or kind == "image":
                if locator is None:
                    locator = self._locator(token)
                if kind == "image":
                    text = _plain_text(child.children or [])
                    self._add_link("image", child, text, span, locator, content)
                else:
                    close = index + 1
                    depth = 1
                    while close < len(children):
                        if children[close].type == "link_open":
                            depth += 1
                        elif children[close].type == "link_close":
                            depth -= 1
                            if depth == 0:
                                break
                        close += 1
                    text = _plain_text(children[index + 1 : close])
                    self._add_link("link", child, text, span, locator, content)
                    # The link's own children are visited too: links may hold images.
            elif kind == "html_inline":
                if locator is None:
                    locator = self._locator(token)
                if span is not None:
                    self._html(child.content, locator, span[0])
            index += 1
        if "](" in content or "http" in content or "www." in content:
            if locator is None:
                locator = self._locator(token)
            self._text_links(content, spans, locator)

    def _locator(self, token: Token) -> _InlineLocator:
        assert token.map is not None
        return _InlineLocator(token.content, token.map[0], self.lines, token.meta.get("column", -1))

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

    def _add_link(
        self,
        kind: str,
        token: Token,
        text: str,
        span: tuple[int, int] | None,
        locator: _InlineLocator,
        content: str,
    ) -> None:
        if span is None:
            return
        line, column = locator.locate(span[0])
        recorded = token.meta.get("target")
        target_span = text_span = None
        syntax = "inline"
        if token.markup == "autolink":
            syntax = "autolink"
            target = content[span[0] + 1 : span[1] - 1]
            if not _SCHEME.match(target):
                target = "mailto:" + target
            target_span = Span(line, column + 1, span[1] - span[0] - 2)
        elif isinstance(recorded, tuple):
            target, start, end = recorded
            target_line, target_column = locator.locate(start)
            target_span = Span(target_line, target_column, end - start)
            text_span = self._label_span(token.meta.get("label"), content, locator)
        else:
            syntax = "reference"
            target, target_span = self._definition_target(recorded or text)
        self.links.append(Link(kind, target, text, line, column, syntax, target_span, text_span))

    @staticmethod
    def _label_span(
        label: tuple[int, int] | None, content: str, locator: _InlineLocator
    ) -> Span | None:
        """Where a link's text is written, when it is on one line."""
        if label is None or "\n" in content[label[0] : label[1]]:
            return None
        line, column = locator.locate(label[0])
        return Span(line, column, label[1] - label[0])

    def _definition_target(self, label: str) -> tuple[str, Span | None]:
        where = self.definitions.get(normalizeReference(label))
        if where is None:
            return "", None
        start, end = where
        block = "\n".join(self.lines[start:end])
        close = block.find("]:")
        if close < 0:
            return "", None
        pos = close + 2
        while pos < len(block) and block[pos] in " \t\n":
            pos += 1
        helpers = _shared_parser().markdown.helpers
        result = helpers.parseLinkDestination(block, pos, len(block))
        if not result.ok:
            return "", None
        line = start + block.count("\n", 0, pos)
        line_start = block.rfind("\n", 0, pos) + 1
        return result.str, Span(line + 1, pos - line_start + 1, result.pos - pos)

    def _text_links(
        self, content: str, spans: list[tuple[int, int]], locator: _InlineLocator
    ) -> None:
        """Bare URLs GitHub turns into links, and links CommonMark could not parse."""
        spans.sort()

        def covered(start: int, end: int) -> bool:
            return any(s < end and start < e for s, e in spans)

        if "](" in content:
            for match in _UNPARSED_LINK.finditer(content):
                start = match.start()
                if start > 0 and content[start - 1] == "\\":
                    continue
                if covered(start, match.end()):
                    continue
                target = match.group(3).strip()
                if target.startswith("<") and target.endswith(">"):
                    continue
                line, column = locator.locate(start)
                target_line, target_column = locator.locate(match.start(3))
                self.links.append(
                    Link(
                        kind="image" if match.group(1) else "link",
                        target=target,
                        text=match.group(2),
                        line=line,
                        column=column,
                        syntax="unparsed",
                        target_span=Span(target_line, target_column, len(match.group(3))),
                    )
                )
                spans.append((start, match.end()))
        if "http" in content or "www." in content:
            for match in _BARE_URL.finditer(content):
                url = _trim_url(match.group(0))
                if not url or covered(match.start(), match.start() + len(url)):
                    continue
                line, column = locator.locate(match.start())
                target = url if not url.startswith("www.") else "http://" + url
                self.links.append(
                    Link("link", target, url, line, column, "bare", Span(line, column, len(url)))
                )

    # -- finishing -----------------------------------------------------------------------

    def _document(self) -> Document:
        headings = self._numbered_headings()
        anchor_list = self._anchor_list(headings)
        lists = tuple(
            ListBlock(
                index=builder.index,
                line=builder.line,
                ordered=builder.ordered,
                depth=builder.depth,
                parent=builder.parent,
                items=tuple(
                    ListItem(
                        line=item["line"],
                        column=item["column"],
                        text=item["text"] or "",
                        link=item["link"] if item.get("first_link_is_first_child") else None,
                        sublists=tuple(item["sublists"]),
                        marker=item["marker"],
                        content_column=item["content_column"],
                        end_line=item["end_line"],
                    )
                    for item in builder.items
                ),
            )
            for builder in self.lists
        )
        self.links.sort(key=lambda link: (link.line, link.column))
        return Document(
            path=self.path,
            lines=self.lines,
            line_kinds="".join(self.kinds),
            headings=headings,
            anchor_list=anchor_list,
            links=tuple(self.links),
            lists=lists,
            directives=tuple(self.directives),
        )

    def _numbered_headings(self) -> tuple[Heading, ...]:
        ordered = sorted(self.headings, key=lambda heading: (heading.line, heading.column))
        slugger = anchor_rules.Slugger()
        result = []
        for index, heading in enumerate(ordered):
            slug = slugger.slug(heading.text) if heading.kind != "html" else None
            result.append(
                Heading(
                    index=index,
                    level=heading.level,
                    text=heading.text,
                    line=heading.line,
                    column=heading.column,
                    end_line=heading.end_line,
                    kind=heading.kind,
                    explicit_id=heading.explicit_id,
                    slug=slug,
                )
            )
        return tuple(result)

    def _anchor_list(self, headings: tuple[Heading, ...]) -> tuple[Anchor, ...]:
        found: list[Anchor] = []
        for heading in headings:
            if heading.slug is not None:
                found.append(
                    Anchor(heading.slug, heading.line, heading.column, "slug", heading.index)
                )
        heading_lines = [heading.line for heading in headings]
        for name, line, column, kind in self.explicit_anchors:
            heading = self._heading_named_by(line, headings, heading_lines)
            found.append(Anchor(name, line, column, kind, heading))
        found.sort(key=lambda anchor: (anchor.line, anchor.column))
        return tuple(found)

    def _heading_named_by(
        self, line: int, headings: tuple[Heading, ...], heading_lines: list[int]
    ) -> int | None:
        """The heading an anchor on ``line`` names: one on that line, or the next heading
        when only blank lines and markup stand between them."""
        at = bisect_left(heading_lines, line)
        if at > 0 and headings[at - 1].end_line >= line:
            return headings[at - 1].index
        if at == len(headings):
            return None
        heading = headings[at]
        if heading.line == line:
            return heading.index
        if all(kind in (BLANK, MARKUP) for kind in self.kinds[line : heading.line - 1]):
            return heading.index
        return None


def _is_item_paragraph(tokens: list[Token], index: int, item: dict[str, Any]) -> bool:
    """Whether the inline token at ``index`` is the first paragraph of the open item."""
    return (
        index > 0
        and tokens[index - 1].type == "paragraph_open"
        and (tokens[index - 1].level == item["level"] + 1)
    )


def _starts_with_link(children: list[Token]) -> bool:
    for child in children:
        if child.type in ("link_open",):
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


def _visible_html(line: str, in_comment: bool) -> tuple[bool, bool]:
    """Whether an HTML line shows text or an image, and whether a comment stays open."""
    rest = line
    visible_parts: list[str] = []
    while rest:
        if in_comment:
            end = rest.find("-->")
            if end < 0:
                return bool("".join(visible_parts).strip()), True
            rest = rest[end + 3 :]
            in_comment = False
            continue
        start = rest.find("<!--")
        if start < 0:
            visible_parts.append(rest)
            break
        visible_parts.append(rest[:start])
        rest = rest[start + 4 :]
        in_comment = True
    visible = "".join(visible_parts)
    if re.search(r"<img\b", visible, re.IGNORECASE):
        return True, in_comment
    return bool(html_text(visible)), in_comment


def _toc_entries(doc: Document) -> Iterator[TocEntry]:
    """Items of TOC lists: lists in which most items (at least two) link into the page."""
    for block in doc.lists:
        if block.parent is not None:
            continue
        tree = list(_list_tree(doc, block.index))
        linked = [
            place
            for place in tree
            if place[0].link is not None and _points_into_page(doc, doc.links[place[0].link])
        ]
        if len(linked) < 2 or len(linked) * 2 <= len(tree):
            continue
        linked_items = {id(item) for item, _, _, _ in linked}
        group_depths = {
            depth
            for item, depth, _, _ in linked
            if any(id(inner) in linked_items for inner in _descendants(doc, item))
        }
        for item, depth, list_index, item_index in linked:
            assert item.link is not None
            link = doc.links[item.link]
            if link.is_in_page:
                anchor = doc.anchor_for(link.target[1:])
                resolved = doc.resolves(link.target[1:])
                if anchor is None and not resolved:
                    anchor = doc.intended_anchor(link.target[1:], link.text)
            else:
                anchor = doc.forgotten_hash_anchor(link)
                resolved = False
            heading = doc.heading_at_anchor(anchor)
            yield TocEntry(
                link=item.link,
                line=link.line,
                column=link.column,
                text=link.text,
                depth=depth,
                list_index=list_index,
                resolved=resolved,
                heading=heading.index if heading else None,
                group=depth in group_depths,
                item=item_index,
            )


def _descendants(doc: Document, item: ListItem) -> Iterator[ListItem]:
    for sublist in item.sublists:
        for inner, _, _, _ in _list_tree(doc, sublist):
            yield inner


def _points_into_page(doc: Document, link: Link) -> bool:
    if link.kind != "link":
        return False
    return link.is_in_page or doc.forgotten_hash_anchor(link) is not None


def _list_tree(
    doc: Document, index: int, depth: int = 0
) -> Iterator[tuple[ListItem, int, int, int]]:
    """Every item under a list: the item, its depth, its list and its place in that list."""
    for place, item in enumerate(doc.lists[index].items):
        yield item, depth, index, place
        for sublist in item.sublists:
            yield from _list_tree(doc, sublist, depth + 1)
