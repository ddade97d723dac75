"""The markdown-it-pyrs front-end: markdown-it's Rust port, several times faster.

It parses with the same rules as markdown-it-py (CommonMark, GFM tables and
strikethrough) into a tree whose every node knows its byte range in the source, so links
and images are placed without any recording. The tree is walked once, iteratively (books
nest deeply), and reported to the same ``FactsBuilder`` as the Python front-end.

markdown-it-pyrs recurses natively: on nesting far beyond any real book it would overflow
the stack, so such a text goes to the Python parser instead (``too_deep``).

One file, though long: it is the other half of the compiled front-end (``hatch_build.py``),
one walk whose steps mypyc compiles into direct calls within the module.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate
from typing import Any

from doclint.model.document import CODE, MARKUP, TEXT, Document, Link, Span
from doclint.parsing import sections
from doclint.parsing.builder import FactsBuilder, autolink_target, normalize_label, read_destination

# Nesting markdown-it-pyrs survives with room to spare (it crashed near 300,000 levels of
# lists and 1,000,000 of quotes on an 8 MB stack).
_SAFE_DEPTH = 5_000
_DEEP_CONTAINERS = re.compile(
    rf"^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{{1,9}}[.)](?=[ \t]))){{{_SAFE_DEPTH}}}", re.MULTILINE
)
_DEEP_INDENT = re.compile(rf"^[ \t]{{{2 * _SAFE_DEPTH}}}", re.MULTILINE)

_ENTER, _ITEM, _ITEM_CHILD, _HIDDEN_PARAGRAPH, _LEAVE_ITEM, _LEAVE_LIST = range(6)

# What an inline node's source starts and ends with, to correct drifted offsets.
_BOUNDARIES = {
    "link": ("[", ")]"),
    "image": ("!", ")]"),
    "autolink": ("<", ">"),
    "html_inline": ("<", ">"),
    "code_inline": ("`", "`"),
}
_MAX_DRIFT = 8
_WRAPPERS = frozenset({"strong", "em", "strikethrough"})
_LIST_MARKER = re.compile(rb"[ \t]*([0-9]{1,9}[.)]|[-*+])")  # read in the source bytes
# Source bytes as 1 where a link, an image, code or a tag starts, 2 where a URL may
# (``://``, ``www.``), else 0: a block is searched for them with ``bytes.find``.
_LINK_BYTES = bytes(1 if byte in b"[<`" else 2 if byte in b":w" else 0 for byte in range(256))


def too_deep(text: str, lines: list[str]) -> bool:
    """Whether ``text`` (made of ``lines``) nests containers deeper than markdown-it-pyrs
    can safely parse."""
    # Each level takes a character of its line at least: short lines cannot nest deeply,
    # and most books have none long enough to be worth a search.
    if max(map(len, lines), default=0) < _SAFE_DEPTH:
        return False
    return bool(_DEEP_CONTAINERS.search(text) or _DEEP_INDENT.search(text))


@lru_cache(maxsize=1)
def _markdown() -> Any:
    import markdown_it_pyrs

    markdown = markdown_it_pyrs.MarkdownIt("commonmark")
    markdown.enable_many(["table", "strikethrough"])
    return markdown


def read_link_text(label: str) -> str | None:
    """The text a reader sees for the link ``[label](#)``; None when that is not one link."""
    source = f"[{label}](#)"
    # markdown-it-pyrs misreads some inline HTML (``<!a>``) and runs of backticks, and
    # panics on some input: markdown-it-py reads those.
    tree = _tree(source) if "<" not in label and "`" not in label else None
    if tree is None:
        from doclint.parsing import python_parser

        return python_parser.read_link_text(label)
    blocks = tree.children
    if len(blocks) != 1 or blocks[0].name != "paragraph":
        return None
    inline = blocks[0].children
    if len(inline) != 1 or inline[0].name != "link":
        return None
    if inline[0].srcmap != (0, len(source.encode("utf-8"))):
        return None  # the first link closed before the end
    return _plain_text(inline[0].children)


def _starts(lengths: Iterable[int]) -> list[int]:
    """Where each line starts, from the lengths of the lines (newlines not counted), and
    last where a line after them would: no offset in the text reaches it."""
    return list(accumulate(map((1).__add__, lengths), initial=0))


class _Positions:
    """Byte offsets (markdown-it-pyrs) → character offsets and 1-based line/column."""

    def __init__(self, text: str, lines: list[str]) -> None:
        self.data = text.encode("utf-8")
        char_lengths = list(map(len, lines))
        self._char_starts = _starts(char_lengths)
        if len(self.data) == len(text):  # ASCII: bytes are characters
            self._byte_starts = self._char_starts
            self._ascii = None
        else:
            byte_lengths = list(map(len, self.data.split(b"\n")))
            self._byte_starts = _starts(byte_lengths)
            self._ascii = list(map(int.__eq__, byte_lengths, char_lengths))
        self._link_bytes = self.data.translate(_LINK_BYTES)

    def char(self, byte: int) -> int:
        """The character offset of a byte offset."""
        if self._ascii is None:
            return byte
        number = bisect_right(self._byte_starts, byte) - 1
        start = self._byte_starts[number]
        if byte == start or self._ascii[number]:
            return self._char_starts[number] + byte - start
        return self._char_starts[number] + len(self.data[start:byte].decode("utf-8", "ignore"))

    def locate(self, char: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        number = bisect_right(self._char_starts, char) - 1
        return number + 1, char - self._char_starts[number] + 1

    def line_range(self, srcmap: tuple[int, int]) -> tuple[int, int]:
        """0-based first line and end line (exclusive) of a node."""
        start, end = srcmap
        byte_starts = self._byte_starts
        first = bisect_right(byte_starts, start) - 1
        # Most nodes end on the line they start on: no second search for those.
        if end - 1 <= start or end <= byte_starts[first + 1]:
            return first, first + 1
        return first, bisect_right(byte_starts, end - 1, first)

    def may_hold_links(self, start: int, end: int) -> bool:
        """Whether source bytes could hold a link, an image, code, HTML or a URL."""
        if self._link_bytes.find(1, start, end) >= 0:
            return True
        if self._link_bytes.find(2, start, end) < 0:
            return False
        find = self.data.find
        return find(b"://", start, end) >= 0 or find(b"www.", start, end) >= 0


class _SectionPositions(_Positions):
    """Positions in a section of a file: offsets counted in the section, lines in the
    file."""

    def __init__(self, text: str, lines: list[str], first_line: int) -> None:
        super().__init__(text, lines)
        self.first_line = first_line

    def locate(self, char: int) -> tuple[int, int]:
        line, column = super().locate(char)
        return line + self.first_line, column

    def line_range(self, srcmap: tuple[int, int]) -> tuple[int, int]:
        first, end = super().line_range(srcmap)
        return first + self.first_line, end + self.first_line


def build(text: str, path: str) -> Document:
    document = sections.build(text, path, _parse, _runs_to_end, _walk)
    if document is None:
        from doclint.parsing import python_parser

        return python_parser.build(text, path)
    return document


def _parse(text: str, lines: list[str]) -> Any | None:
    """markdown-it-pyrs' tree, or None where it cannot read the text: nesting too deep
    for it, or input it panics on."""
    return None if too_deep(text, lines) else _tree(text)


def _walk(builder: FactsBuilder, tree: Any, text: str, lines: list[str], first_line: int) -> None:
    _Walk(builder, text, lines, first_line).run(tree)


def _runs_to_end(tree: Any, section: str) -> bool:
    """Whether the last block of a section is an HTML block or an unclosed fenced code
    block that reaches its end (markdown-it-pyrs ends such a block at the last newline)."""
    blocks = tree.children
    if not blocks:
        return False
    last = blocks[-1]
    data = section.encode("utf-8")
    start, end = last.srcmap
    if last.name not in ("fence", "html_block") or end < len(data) - 1:
        return False
    if last.name == "html_block":
        return True
    opening_line_only = b"\n" not in data[start:].rstrip(b"\n")
    marker = last.meta["marker"] * last.meta["marker_len"]
    return opening_line_only or not sections.closes_fence(section, marker)


def _tree(text: str) -> Any | None:
    """markdown-it-pyrs' tree, or None where it panics (rare inputs it mishandles; the
    Python parser reads those). Its panic message would go to stderr: it is silenced."""
    saved = os.dup(2)
    silent = os.open(os.devnull, os.O_WRONLY)
    os.dup2(silent, 2)
    try:
        return _markdown().tree(text)
    except Exception:
        return None
    except BaseException as error:  # a Rust panic arrives as pyo3's PanicException
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        return None
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(silent)


class _Walk:
    """Walks the tree of ``text`` (made of ``lines``), which starts on the file's line
    ``first_line``: the whole file, or one of its sections."""

    def __init__(
        self, builder: FactsBuilder, text: str, lines: list[str], first_line: int = 0
    ) -> None:
        self.builder = builder
        self.text = text
        self.positions = (
            _SectionPositions(text, lines, first_line) if first_line else _Positions(text, lines)
        )

    # -- blocks --------------------------------------------------------------------------

    def run(self, root: Any) -> None:
        self._definitions(root)
        builder = self.builder
        # (node, what): ENTER a node; ITEM a list's item (a list holds nothing else);
        # ITEM_CHILD for a block directly in a list item, whose first paragraph gives the
        # item's text, as (node, name); HIDDEN_PARAGRAPH for a tight item's inline nodes, as
        # (nodes, start, end); LEAVE_ITEM and LEAVE_LIST close one when popped. A node's
        # name is read from the tree once: each read makes a new string.
        stack: list[tuple[Any, int]] = [(child, _ENTER) for child in reversed(root.children)]
        while stack:
            node, what = stack.pop()
            if what == _ITEM:
                self._item(node, stack)
                continue
            if what == _HIDDEN_PARAGRAPH:
                self._hidden_paragraph(*node)
                continue
            if what == _LEAVE_ITEM:
                builder.close_item()
                continue
            if what == _LEAVE_LIST:
                builder.close_list()
                continue
            if what == _ITEM_CHILD:
                node, name = node
            else:
                name = node.name
            if name in ("bullet_list", "ordered_list"):
                builder.open_list(name == "ordered_list", self._lines(node)[0])
                stack.append((node, _LEAVE_LIST))
                stack.extend((child, _ITEM) for child in reversed(node.children))
            elif name == "list_item":
                self._item(node, stack)
            elif name in ("blockquote", "table", "thead", "tbody", "trow"):
                if name == "table":
                    builder.mark(*self._lines(node), TEXT)
                stack.extend((child, _ENTER) for child in reversed(node.children))
            else:
                self._leaf_block(node, name, first_in_item=what == _ITEM_CHILD)

    def _lines(self, node: Any) -> tuple[int, int]:
        return self.positions.line_range(node.srcmap)

    def _definitions(self, root: Any) -> None:
        if "]:" not in self.text:
            return
        stack = [root]
        while stack:
            node = stack.pop()
            for child in node.children:
                name = child.name
                if name == "definition":
                    start, end = self._lines(child)
                    self.builder.add_definition(normalize_label(child.meta["label"]), start, end)
                elif name in ("blockquote", "bullet_list", "ordered_list", "list_item"):
                    stack.append(child)
                    # markdown-it-pyrs hides the paragraphs of tight items, never definitions.

    def _item(self, node: Any, stack: list[tuple[Any, int]]) -> None:
        srcmap = node.srcmap
        lines = self.positions.line_range(srcmap)
        found = _LIST_MARKER.match(self.positions.data, srcmap[0])
        marker = found.group(1).decode() if found else ""
        children = node.children
        names = [child.name for child in children]
        if _BLOCK_NAMES.isdisjoint(names):
            # The commonest item: one line or paragraph of text, hidden (tight) and
            # starting on the marker's line, so on the item's lines.
            if not children:
                self.builder.whole_item(*lines, marker, "", None)
                return
            first_link = self._inline(children, *srcmap)
            self.builder.whole_item(*lines, marker, *_item_text(children, first_link))
            self._mark_text(*lines)
            return
        self.builder.open_item(*lines, marker)
        # A tight item's paragraphs are hidden: runs of inline nodes in the item itself.
        entries: list[tuple[Any, int]] = []
        run: list[Any] = []
        run_start = srcmap[0]
        for child, name in zip(children, names, strict=True):
            if name in _BLOCK_NAMES:
                child_start, child_end = child.srcmap
                if run:
                    entries.append(((run, run_start, child_start), _HIDDEN_PARAGRAPH))
                    run = []
                entries.append(((child, name), _ITEM_CHILD))
                run_start = child_end
            else:
                run.append(child)
        if run:
            entries.append(((run, run_start, srcmap[1]), _HIDDEN_PARAGRAPH))
        stack.append((node, _LEAVE_ITEM))
        stack.extend(reversed(entries))

    def _hidden_paragraph(self, run: list[Any], start_byte: int, end_byte: int) -> None:
        """Inline nodes of a tight item that also holds blocks."""
        first_link = self._inline(run, start_byte, end_byte)
        if self.builder.item_needs_text():
            self.builder.item_text(*_item_text(run, first_link))
        # The run lies between blocks: its lines are those its text is on, blanks aside.
        first, end = self.positions.line_range((start_byte, end_byte))
        begin = self.positions.char(start_byte)
        line_end = self.text.find("\n", begin)
        if line_end >= 0 and not self.text[begin:line_end].strip():
            first += 1  # the run starts after a block that ends on this line
        self._mark_text(first, end)

    def _mark_text(self, first: int, end: int) -> None:
        """Lines of text, without the blank lines at either end."""
        lines = self.builder.lines
        while first < end and not lines[first].strip():
            first += 1
        while end > first and not lines[end - 1].strip():
            end -= 1
        self.builder.mark(first, end, TEXT)

    def _leaf_block(self, node: Any, name: str, first_in_item: bool) -> None:
        builder = self.builder
        if name == "paragraph":
            srcmap = node.srcmap
            start, end = self.positions.line_range(srcmap)
            children = node.children
            first_link = self._inline(children, *srcmap)
            if first_in_item and builder.item_needs_text():
                builder.item_text(*_item_text(children, first_link))
            builder.mark(start, end, TEXT)
        elif name in ("heading", "lheading"):
            self._heading(node, name == "lheading")
        elif name == "tcell":
            self._inline(node.children, *node.srcmap)
        elif name == "fence":
            meta = node.meta
            builder.fence(*self._lines(node), meta["marker"] * meta["marker_len"])
        elif name == "code_block":
            builder.mark(*self._lines(node), CODE, only_non_blank=True)
        elif name == "html_block":
            start, end = self._lines(node)
            builder.html_block(node.meta["content"], start, end)
        elif name in ("hr", "definition"):
            builder.mark(*self._lines(node), MARKUP, only_non_blank=True)

    def _heading(self, node: Any, setext: bool) -> None:
        srcmap = node.srcmap
        start, end = self.positions.line_range(srcmap)
        children = node.children
        column = None
        if setext:
            begin = self.positions.char(srcmap[0])
            newline = self.text.find("\n", begin)
            first_line = self.text[begin : newline if newline >= 0 else len(self.text)]
            offset = len(first_line) - len(first_line.lstrip())
            column = self.positions.locate(begin + offset)[1] - 1
        self.builder.markdown_heading(
            int(node.meta["level"]),
            _plain_text(children, with_alt=False),
            start,
            end,
            setext=setext,
            column=column,
        )
        self._inline(children, *srcmap)

    # -- inline --------------------------------------------------------------------------

    def _inline(self, children: list[Any], start_byte: int, end_byte: int) -> Link | None:
        """Links, images and HTML under some inline nodes; returns the first link."""
        positions = self.positions
        if not positions.may_hold_links(start_byte, end_byte):
            return None
        base = positions.char(start_byte)
        spans: list[tuple[int, int]] = []
        first_link: Link | None = None
        stack = list(reversed(children))
        while stack:
            node = stack.pop()
            name = node.name
            if name in ("text", "text_special", "softbreak", "hardbreak"):
                continue
            if name in ("link", "image", "autolink", "code_inline", "html_inline"):
                begin, finish = self._span(node, name)
                spans.append((begin - base, finish - base))
                if name == "html_inline":
                    self.builder.html(node.meta["content"], positions.locate, begin)
                elif name != "code_inline":
                    link = self._link(node, name, begin, finish)
                    if name == "link" and first_link is None:
                        first_link = link
            if name != "code_inline":
                stack.extend(reversed(node.children))
        content = self.text[base : positions.char(end_byte)]
        self.builder.text_links(content, spans, positions.locate, base)
        return first_link

    def _span(self, node: Any, name: str) -> tuple[int, int]:
        """Character offsets of an inline node. markdown-it-pyrs counts them on its
        tab-expanded view of indented lines, so they can drift by a few characters there:
        each end is moved to the nearest character of the line it must be."""
        first, last = _BOUNDARIES[name]
        start_byte, end_byte = node.srcmap
        begin = self._nearest(self.positions.char(start_byte), first, 0)
        finish = self._nearest(self.positions.char(end_byte), last, 1)
        return begin, finish

    def _nearest(self, char: int, expected: str, after: int) -> int:
        """``char``, or the nearest offset on its line where ``expected`` stands just
        before it (``after=1``) or at it (``after=0``)."""
        text = self.text
        if text[char - after : char - after + 1] in expected:
            return char
        for distance in range(1, _MAX_DRIFT + 1):
            for candidate in (char - distance, char + distance):
                at = candidate - after
                if 0 <= at < len(text) and text[at] in expected:
                    line_start = text.rfind("\n", 0, char) + 1
                    if candidate >= line_start and "\n" not in text[min(at, char) : max(at, char)]:
                        return candidate
        return char

    def _link(self, node: Any, name: str, begin: int, finish: int) -> Link:
        locate = self.positions.locate
        line, column = locate(begin)
        written = self.text[begin:finish]
        if name == "autolink":
            inside = written[1:-1]
            span = Span(line, column + 1, len(inside))
            return self.builder.add_link(
                Link("link", autolink_target(inside), inside, line, column, "autolink", span)
            )
        kind = "image" if name == "image" else "link"
        text = _plain_text(node.children)
        label_start = 2 if kind == "image" else 1
        label_end = _label_end(written, label_start)
        if label_end is not None and written[label_end + 1 : label_end + 2] == "(":
            text_span = None  # where the text is written, for inline links on one line
            if "\n" not in written[label_start:label_end]:
                label_line, label_column = locate(begin + label_start)
                text_span = Span(label_line, label_column, label_end - label_start)
            position = label_end + 2
            while position < len(written) and written[position] in " \t\n":
                position += 1
            read = read_destination(written, position)
            target, stop = read if read is not None else ("", position)
            target_line, target_column = locate(begin + position)
            return self.builder.add_link(
                Link(
                    kind,
                    target,
                    text,
                    line,
                    column,
                    "inline",
                    Span(target_line, target_column, stop - position),
                    text_span,
                )
            )
        label = written[label_start:label_end] if label_end is not None else text
        if label_end is not None and written[label_end + 1 : label_end + 2] == "[":
            close = written.find("]", label_end + 2)
            if close > label_end + 2:
                label = written[label_end + 2 : close]
        target, target_span = self.builder.definition_target(normalize_label(label))
        return self.builder.add_link(
            Link(kind, target, text, line, column, "reference", target_span)
        )


_BLOCK_NAMES = frozenset(
    {
        "paragraph",
        "heading",
        "lheading",
        "blockquote",
        "bullet_list",
        "ordered_list",
        "code_block",
        "fence",
        "html_block",
        "hr",
        "table",
        "definition",
    }
)


_CODE_RUN = re.compile(r"`+")


def _label_end(written: str, start: int) -> int | None:
    """Where the text of a link just parsed ends (its ``]``): brackets balance, and
    backslash escapes and code spans hide brackets, as in markdown-it."""
    close = written.find("]", start)
    if close >= 0:
        text = written[start:close]
        if "[" not in text and "\\" not in text and "`" not in text:
            return close
    depth = 1
    position = start
    while position < len(written):
        char = written[position]
        if char == "\\":
            position += 2
            continue
        if char == "`":
            run = _CODE_RUN.match(written, position).group(0)  # type: ignore[union-attr]
            close = written.find(run, position + len(run))
            while close >= 0 and (
                written[close + len(run) : close + len(run) + 1] == "`"
                or written[close - 1 : close] == "`"
            ):
                close = written.find(run, close + 1)
            position = close + len(run) if close >= 0 else position + len(run)
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return None


def _item_text(children: list[Any], first_link: Link | None) -> tuple[str, Link | None]:
    """An item's text, from the inline nodes of its first paragraph, and its link when the
    text starts with one (``first_link``: the first link among those nodes)."""
    if first_link is not None and len(children) == 1 and children[0].name == "link":
        return first_link.text, first_link  # the item is a link, as TOC entries are
    return _plain_text(children), first_link and _first_link(children, first_link)


def _first_link(children: list[Any], first_link: Link | None) -> Link | None:
    """The first link, when the text starts with it (past spaces and emphasis)."""
    stack = list(reversed(children))
    while stack:
        node = stack.pop()
        name = node.name
        if name == "link":
            return first_link
        if name == "text" and not node.meta.get("content", "").strip():
            continue
        if name in _WRAPPERS:
            stack.extend(reversed(node.children))
            continue
        return None
    return None


def _plain_text(children: list[Any], with_alt: bool = True) -> str:
    """The text a reader sees; GitHub's heading text (``with_alt=False``) leaves out the
    alt text of images."""
    if len(children) == 1:
        only = children[0]
        if only.name == "text":  # most items and headings: no markup at all
            return only.meta.get("content", "").strip()
    parts: list[str] = []
    stack = list(reversed(children))
    while stack:
        node = stack.pop()
        name = node.name
        if name in ("text", "text_special"):
            parts.append(node.meta.get("content", ""))
        elif name in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif name == "image":
            if with_alt:
                stack.extend(reversed(node.children))
        elif name != "html_inline":
            stack.extend(reversed(node.children))
    return "".join(parts).strip()
