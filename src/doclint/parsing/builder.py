"""What every parser reports, turned into a Document's facts.

A front-end (``python_parser`` for markdown-it-py, ``rust_parser`` for markdown-it-pyrs)
walks its parser's output once and calls these methods in document order; raw HTML, bare
URLs, destinations CommonMark could not parse, anchors and slugs are handled here, the
same way for both.

One file, though long: it is half of the compiled front-end (``hatch_build.py``), and
mypyc turns calls within a module into direct C calls, which the walk makes millions of.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator

from doclint.model import anchors as anchor_rules
from doclint.model.document import (
    BLANK,
    CODE,
    FRONT_MATTER,
    HEADING,
    HTML,
    MARKUP,
    TEXT,
    Anchor,
    Directive,
    Document,
    Heading,
    Link,
    ListBlock,
    ListItem,
    Span,
)

Locate = Callable[[int], tuple[int, int]]  # an offset → (1-based line, 1-based column)


def normalize_label(label: str) -> str:
    """A link label as CommonMark matches it: case-folded, inner spacing collapsed."""
    return _SPACES.sub(" ", label.strip()).lower().upper()


_SPACES = re.compile(r"\s+")
_PLAIN_DESTINATION = re.compile(r"[^\x00-\x20\x7f()\\]*")
# One pass, so that an escaped "&" does not start a character reference afterwards.
_ESCAPE_OR_ENTITY = re.compile(
    r"\\([!-/:-@\[-`{-~])|(&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});)"
)


def _unescape_html(text: str) -> str:
    """``html.unescape(text)``. The module is imported only for text that holds a
    character reference, for start-up time: importing it builds its table of some 2,200
    entity names, a fiftieth of the check of a chapter, and most chapters have no "&"."""
    if "&" not in text:
        return text  # what html.unescape returns too
    from html import unescape as html_unescape

    return html_unescape(text)


def unescape(text: str) -> str:
    """Backslash escapes and character references resolved, as in a link destination."""
    if "\\" not in text and "&" not in text:
        return text
    return _ESCAPE_OR_ENTITY.sub(
        lambda found: found.group(1) or _unescape_html(found.group(2)), text
    )


def read_destination(text: str, pos: int) -> tuple[str, int] | None:
    """The CommonMark link destination written at ``text[pos:]`` and the offset after it,
    or None when none is written there."""
    end = len(text)
    if pos < end and text[pos] == "<":
        index = pos + 1
        while index < end:
            char = text[index]
            if char in "\n<":
                return None
            if char == ">":
                return unescape(text[pos + 1 : index]), index + 1
            index += 2 if char == "\\" and index + 1 < end else 1
        return None
    # Most destinations hold no parenthesis or backslash: they end at the first space,
    # control character or ")".
    if pos >= end:
        return None
    plain_end = _PLAIN_DESTINATION.match(text, pos).end()  # type: ignore[union-attr]
    if plain_end == end or text[plain_end] not in "(\\":
        if plain_end == pos:
            return None
        return unescape(text[pos:plain_end]), plain_end
    # Else from one parenthesis, backslash or end to the next, past the plain runs.
    depth = 0
    index = plain_end
    while index < end:
        char = text[index]
        if char <= " " or char == "\x7f":
            break
        if char == "\\" and index + 1 < end:
            if text[index + 1] == " ":
                break
            index += 2
        else:
            if char == "(":
                depth += 1
                if depth > 32:
                    return None
            elif char == ")":
                if depth == 0:
                    break
                depth -= 1
            index += 1
        index = _PLAIN_DESTINATION.match(text, index).end()  # type: ignore[union-attr]
    if depth != 0 or index == pos:
        return None
    return unescape(text[pos:index]), index


def normalized_text(text: str) -> str:
    """``text`` as it is parsed: markdown-it makes these replacements before it parses,
    and line numbers and columns must be counted on the same text."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")


# ---------------------------------------------------------------------------------------
# Locating text inside a block


def content_column(source_line: str, content_line: str) -> int:
    """0-based column where ``content_line`` (a piece of a block's text) starts."""
    if source_line.endswith(content_line):
        return len(source_line) - len(content_line)
    stripped = source_line.rstrip()
    if stripped.endswith(content_line):
        return len(stripped) - len(content_line)
    found = source_line.find(content_line)
    if found >= 0:
        return found
    return len(source_line) - len(source_line.lstrip())


class InlineLocator:
    """Turns offsets in a block's text into 1-based lines and columns.

    The text's lines are suffixes of source lines (containers such as ``>`` and list
    indentation stripped); ``column`` places the first line when that is known.
    """

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
                self._columns.append(content_column(lines[index], content_line))
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
# The commonest HTML block of question books, a heading alone on its line with plain text:
# its attributes read as ``_TAG`` reads them, no tag, entity or comment in its text.
_PLAIN_HTML_HEADING_LINE = re.compile(
    r"<[hH]([1-6])((?:\s+[^\s=<>/\"']+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*>"
    r"([^<&\n]*)</[hH]\1\s*>[ \t]*\n?"
)
_ANY_TAG_OR_COMMENT = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_DIRECTIVE = re.compile(
    r"^\s*doclint-(disable-next-line|disable-file|disable|enable)\b(.*?)\s*$", re.DOTALL
)
_IMAGE_TAG = re.compile(r"<img\b", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")


def _attributes(attribute_text: str, offset: int) -> Iterator[tuple[str, str, int]]:
    """``(name, value, offset of the value)`` for each attribute of a tag."""
    for match in _ATTRIBUTE.finditer(attribute_text):
        for group in (2, 3, 4):
            if match.group(group) is not None:
                yield match.group(1).lower(), match.group(group), offset + match.start(group)
                break
        else:
            yield match.group(1).lower(), "", offset + match.end()


def html_text(fragment: str) -> str:
    """Visible text of a piece of HTML: tags and comments removed, entities decoded."""
    return _WHITESPACE.sub(" ", _unescape_html(_ANY_TAG_OR_COMMENT.sub("", fragment))).strip()


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
    if _IMAGE_TAG.search(visible):
        return True, in_comment
    return bool(html_text(visible)), in_comment


# ---------------------------------------------------------------------------------------
# Bare URLs (GitHub's extended autolinks) and destinations CommonMark could not parse

_BARE_URL = re.compile(r"(?<![\w/])(?:https?://|www\.)[^\s<>\"'`]+")
# A destination holding a space (CommonMark reads no link there): the first part has no
# space so that the search cannot backtrack over a long line.
# Both patterns start at the "[" (a literal start is searched for quickly); an image's "!"
# is the character before it.
_UNPARSED_LINK = re.compile(r"\[([^\[\]\n]*)\]\(([^()\s]*[ \t][^()\n]*)\)")
# A link whose scheme a safe-HTML parser refuses (markdown-it-pyrs cannot be told
# otherwise) although CommonMark and GitHub read a link there: ![x](file:///G:/a.png).
_REFUSED_SCHEME_LINK = re.compile(
    r"\[([^\[\]\n]*)\]\([ \t]*((?:file|javascript|vbscript|data):[^\s()<>]*)"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'))?[ \t]*\)",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def _trim_url(url: str) -> str:
    """Drop what GitHub leaves out of an autolink: trailing punctuation, unbalanced ``)``."""
    while url:
        last = url[-1]
        if last in "?!.,:*_~;'\"" or (last == ")" and url.count(")") > url.count("(")):
            url = url[:-1]
        else:
            break
    return url


def autolink_target(written: str) -> str:
    """``<x@y.z>`` is an e-mail address; other autolinks are URLs as written."""
    return written if _SCHEME.match(written) else "mailto:" + written


# YAML front matter (Jekyll, Hugo, MkDocs): GitHub shows it as a table, not as markdown.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n[\w-]+[ \t]*:.*?\n---[ \t]*(?:\n|\Z)", re.DOTALL)


# ---------------------------------------------------------------------------------------


class _ListBuilder:
    def __init__(self, index: int, line: int, ordered: bool, depth: int, parent: int | None):
        self.index = index
        self.line = line
        self.ordered = ordered
        self.depth = depth
        self.parent = parent
        self.items: list[_ItemBuilder | ListItem] = []  # items without a link made at once


class _ItemBuilder:
    """A list item being read: its text and the lists nested in it come later."""

    __slots__ = (
        "column",
        "content_column",
        "end_line",
        "line",
        "link",
        "marker",
        "sublists",
        "text",
    )

    def __init__(self, line: int, column: int, content_column: int, end_line: int, marker: str):
        self.line = line
        self.column = column
        self.content_column = content_column
        self.end_line = end_line
        self.marker = marker
        self.text: str | None = None
        self.link: Link | None = None
        self.sublists: list[int] = []

    def item(self, link_index: dict[int, int]) -> ListItem:
        link = link_index.get(id(self.link)) if self.link else None
        return ListItem(
            self.line,
            self.column,
            self.text or "",
            link,
            tuple(self.sublists),
            self.marker,
            self.content_column,
            self.end_line,
        )


class _Covered:
    """Parts of a text already taken by links, code and HTML, as disjoint sorted spans."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self._spans: list[list[int]] = []
        for start, end in sorted(spans):  # a link's span holds the spans of its image
            if self._spans and start <= self._spans[-1][1]:
                self._spans[-1][1] = max(self._spans[-1][1], end)
            else:
                self._spans.append([start, end])
        self._starts = [start for start, _ in self._spans]
        self._added: list[tuple[int, int]] = []  # found in the text itself, kept sorted
        self._added_starts: list[int] = []

    def add(self, start: int, end: int) -> None:
        at = bisect_left(self._added_starts, start)
        self._added.insert(at, (start, end))
        self._added_starts.insert(at, start)

    def overlaps(self, start: int, end: int) -> bool:
        # Disjoint spans: only the last one that starts before ``end`` can reach ``start``.
        for spans, starts in ((self._spans, self._starts), (self._added, self._added_starts)):
            at = bisect_left(starts, end) - 1
            if at >= 0 and spans[at][1] > start:
                return True
        return False


class FactsBuilder:
    """Collects facts in document order; ``document()`` freezes them.

    Lines are 0-based in the arguments (as parsers count them) and 1-based in the facts.
    """

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        text = normalized_text(text)
        split = text.split("\n")
        # A final newline ends the last line; it does not start another.
        self.lines: tuple[str, ...] = tuple(split[:-1] if text.endswith("\n") else split)
        self.kinds = [BLANK if not line.strip() else MARKUP for line in self.lines]
        self.parse_text = self._blank_front_matter(text)
        # The lines of the text parsed, the last one empty when it ends with a newline.
        self.parse_lines = split if self.parse_text is text else self.parse_text.split("\n")
        self.headings: list[Heading] = []
        self._slugger = anchor_rules.Slugger()
        self.explicit_anchors: list[tuple[str, int, int, str]] = []
        self.links: list[Link] = []
        self.lists: list[_ListBuilder] = []
        self._list_stack: list[_ListBuilder] = []
        self._item_stack: list[_ItemBuilder] = []
        self.directives: list[Directive] = []
        self.definitions: dict[str, tuple[int, int]] = {}

    def _blank_front_matter(self, text: str) -> str:
        """The text to parse: front matter becomes blank lines, so line numbers hold."""
        found = _FRONT_MATTER.match(text)
        if not found:
            return text
        newlines = found.group(0).count("\n")
        count = newlines + (0 if found.group(0).endswith("\n") else 1)
        for number in range(min(count, len(self.kinds))):
            self.kinds[number] = FRONT_MATTER
        return "\n" * newlines + text[found.end() :]

    # -- lines ---------------------------------------------------------------------------

    def mark(self, start: int, end: int, kind: str, only_non_blank: bool = False) -> None:
        kinds = self.kinds
        end = min(end, len(kinds))
        if not only_non_blank:
            if end - start == 1:  # most blocks
                kinds[start] = kind
            elif start < end:
                kinds[start:end] = [kind] * (end - start)
            return
        for number in range(start, end):
            if kinds[number] != BLANK:
                kinds[number] = kind

    def fence(self, start: int, end: int, marker: str) -> None:
        self.mark(start, start + 1, MARKUP)
        closed = (
            end - 1 > start
            and end - 1 < len(self.lines)
            and self.lines[end - 1].strip().startswith(marker)
        )
        inner_end = end - 1 if closed else end
        self.mark(start + 1, inner_end, CODE, only_non_blank=True)
        if closed:
            self.mark(inner_end, end, MARKUP)

    def last_non_blank(self, first: int, end: int) -> int:
        """The 1-based number of the last non-blank line of ``[first, end)`` (0-based)."""
        last = min(end, len(self.lines))
        while last > first + 1 and not self.lines[last - 1].strip():
            last -= 1
        return last

    # -- headings ------------------------------------------------------------------------

    def _add_heading(
        self,
        level: int,
        text: str,
        line: int,
        column: int,
        end_line: int,
        kind: str,
        explicit_id: str | None,
    ) -> None:
        # Headings arrive in document order, so GitHub's numbering of repeated slugs
        # (-1, -2, …) can be given at once; raw HTML headings get no slug on GitHub.
        slug = self._slugger.slug(text) if kind != "html" else None
        self.headings.append(
            Heading(
                len(self.headings), level, text, line, column, end_line, kind, explicit_id, slug
            )
        )

    def markdown_heading(
        self,
        level: int,
        text: str,
        start: int,
        end: int,
        setext: bool,
        first_content: str = "",
        column: int | None = None,
    ) -> None:
        """A markdown heading. Its text starts past the ``#`` marker and any spacing (an
        ATX heading), or at ``column`` (0-based) or ``first_content`` (a setext one)."""
        source_line = self.lines[start] if start < len(self.lines) else ""
        if not setext:
            marker_at = source_line.find("#" * level)
            column = marker_at + level if marker_at >= 0 else 0
            while column < len(source_line) and source_line[column].isspace():
                column += 1
        elif column is None:
            column = content_column(source_line, first_content)
        self._add_heading(
            level, text, start + 1, column + 1, end, "setext" if setext else "atx", None
        )
        self.mark(start, end, HEADING)

    # -- raw HTML ------------------------------------------------------------------------

    def html_block(self, content: str, start: int, end: int) -> None:
        if end - start == 1 and self._plain_html_heading(content, start):
            return
        locator = InlineLocator(content, start, self.lines)
        anchors_from = len(self.explicit_anchors)
        self.html(content, locator.locate)
        found_from = len(self.headings)
        for match in _HTML_HEADING.finditer(content):
            line, column = locator.locate(match.start())
            heading_id = None
            id_at = (line, column)
            for name, value, value_at in _attributes(match.group(2), 0):
                if name == "id":
                    heading_id = _unescape_html(value)
                    id_at = locator.locate(match.start(2) + value_at)
            if heading_id is not None and not any(
                anchor[0] == heading_id and anchor[1] == id_at[0]
                for anchor in self.explicit_anchors[anchors_from:]
            ):
                # A double quote inside a quoted id ends it early, for browsers as here
                # (``id="14.在"硬"负"``): the tag then reads as no tag above, yet its id,
                # cut short, is an anchor all the same.
                self.explicit_anchors.append((heading_id, *id_at, "id"))
            end_line = locator.locate(match.end() - 1)[0]
            self._add_heading(
                int(match.group(1)),
                html_text(match.group(3)),
                line,
                column,
                end_line,
                "html",
                heading_id,
            )
        # Which lines show something: text or an image, once comments and tags are gone.
        in_comment = False
        for number in range(start, min(end, len(self.kinds))):
            visible, in_comment = _visible_html(self.lines[number], in_comment)
            if self.kinds[number] != BLANK:
                self.kinds[number] = HTML if visible else MARKUP
        for heading in self.headings[found_from:]:
            self.mark(heading.line - 1, heading.end_line, HEADING)

    def _plain_html_heading(self, content: str, start: int) -> bool:
        """What ``html_block`` finds in a one-line plain HTML heading, found directly."""
        found = _PLAIN_HTML_HEADING_LINE.fullmatch(content)
        if found is None or start >= len(self.lines):
            return False
        line = start + 1
        column = content_column(self.lines[start], content.split("\n", 1)[0]) + 1
        heading_id = None
        for name, value, value_at in _attributes(found.group(2), found.start(2)):
            if name == "id":
                heading_id = _unescape_html(value)
                self.explicit_anchors.append((heading_id, line, column + value_at, name))
        level = int(found.group(1))
        self._add_heading(level, html_text(found.group(3)), line, column, line, "html", heading_id)
        self.mark(start, line, HEADING)
        return True

    def html(self, content: str, locate: Locate, base: int = 0) -> None:
        """Anchors, links, images and directives written in raw HTML; ``base`` is where
        ``content`` starts, in the offsets ``locate`` takes."""
        if "<" not in content:
            return
        for comment in _COMMENT.finditer(content):
            directive = _DIRECTIVE.match(comment.group(1))
            if directive:
                line = locate(base + comment.start())[0]
                end_line = locate(base + comment.end() - 1)[0]
                rules = tuple(
                    rule for rule in re.split(r"[\s,]+", directive.group(2).strip()) if rule
                )
                self.directives.append(Directive(line, end_line, directive.group(1), rules))
        for tag in _TAG.finditer(content):
            name = tag.group(1).lower()
            attributes = list(_attributes(tag.group(2), tag.start(2)))
            for attribute, value, value_at in attributes:
                if attribute == "id" or (attribute == "name" and name == "a"):
                    line, column = locate(base + value_at)
                    self.explicit_anchors.append((_unescape_html(value), line, column, attribute))
            wanted = {"a": "href", "img": "src"}.get(name)
            if wanted is None:
                continue
            for attribute, value, value_at in attributes:
                if attribute == wanted:
                    line, column = locate(base + tag.start())
                    value_line, value_column = locate(base + value_at)
                    alt = next((v for a, v, _ in attributes if a == "alt"), None)
                    self.links.append(
                        Link(
                            kind="image" if name == "img" else "link",
                            target=_unescape_html(value).strip(),
                            text=_unescape_html(alt) if alt is not None else "",
                            line=line,
                            column=column,
                            syntax="html",
                            target_span=Span(value_line, value_column, len(value)),
                        )
                    )

    # -- lists ---------------------------------------------------------------------------

    def open_list(self, ordered: bool, start: int) -> None:
        parent = self._list_stack[-1] if self._list_stack else None
        builder = _ListBuilder(
            len(self.lists),
            start + 1,
            ordered,
            len(self._list_stack),
            parent.index if parent else None,
        )
        if self._item_stack:
            self._item_stack[-1].sublists.append(builder.index)
        self.lists.append(builder)
        self._list_stack.append(builder)

    def close_list(self) -> None:
        self._list_stack.pop()

    def open_item(self, start: int, end: int, marker: str) -> None:
        self._item_stack.append(self._new_item(start, end, marker))

    def whole_item(self, start: int, end: int, marker: str, text: str, link: Link | None) -> None:
        """An item that holds no block, as most do: made at once, or, when it has a link
        (whose index is known at the end), opened, told its text and closed."""
        if link is None:
            line, column, content_column, end_line = self._item_place(start, end, marker)
            item = ListItem(line, column, text, None, (), marker, content_column, end_line)
            self._list_stack[-1].items.append(item)
            return
        builder = self._new_item(start, end, marker)
        builder.text = text
        builder.link = link

    def _new_item(self, start: int, end: int, marker: str) -> _ItemBuilder:
        item = _ItemBuilder(*self._item_place(start, end, marker), marker)
        self._list_stack[-1].items.append(item)
        return item

    def _item_place(self, start: int, end: int, marker: str) -> tuple[int, int, int, int]:
        """An item's line, the column of its marker and of its text, and its last line."""
        source_line = self.lines[start] if start < len(self.lines) else ""
        # An item that starts on its parent's line ("- - a") has its marker in the
        # parent's text.
        parent = self._item_stack[-1] if self._item_stack else None
        search_from = parent.content_column - 1 if parent and parent.line == start + 1 else 0
        marker_at = max(source_line.find(marker, search_from) if marker else -1, 0)
        after_marker = marker_at + len(marker)
        rest = source_line[after_marker:]
        return (
            start + 1,
            marker_at + 1,
            after_marker + len(rest) - len(rest.lstrip(" \t")) + 1,
            self.last_non_blank(start, end),
        )

    def close_item(self) -> None:
        self._item_stack.pop()

    def item_needs_text(self) -> bool:
        return bool(self._item_stack) and self._item_stack[-1].text is None

    def item_text(self, text: str, first_link: Link | None) -> None:
        """The item's first paragraph: its text, and its link when it starts with one."""
        item = self._item_stack[-1]
        item.text = text
        item.link = first_link

    # -- links ---------------------------------------------------------------------------

    def add_link(self, link: Link) -> Link:
        self.links.append(link)
        return link

    def add_definition(self, label: str, start: int, end: int) -> None:
        self.definitions.setdefault(label, (start, end))

    def definition_target(self, label: str) -> tuple[str, Span | None]:
        """Where the definition of ``label`` (normalised) writes its destination."""
        where = self.definitions.get(label)
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
        read = read_destination(block, pos)
        if read is None:
            return "", None
        target, end_pos = read
        line = start + block.count("\n", 0, pos)
        line_start = block.rfind("\n", 0, pos) + 1
        return target, Span(line + 1, pos - line_start + 1, end_pos - pos)

    def text_links(
        self, content: str, spans: list[tuple[int, int]], locate: Locate, base: int = 0
    ) -> None:
        """Bare URLs GitHub turns into links, and links CommonMark could not parse.

        ``spans`` are the parts of ``content`` already taken by links, code and HTML.
        """
        if "](" not in content and "http" not in content and "www." not in content:
            return
        covered = _Covered(spans)
        if "](" in content:
            # Links a safe-HTML parser refused (they have a scheme), then destinations
            # with a space.
            patterns = [(_UNPARSED_LINK, "unparsed")]
            if ":" in content:
                patterns.insert(0, (_REFUSED_SCHEME_LINK, "inline"))
            for pattern, syntax in patterns:
                for match in pattern.finditer(content):
                    start = match.start()
                    image = start > 0 and content[start - 1] == "!"
                    if image:
                        start -= 1
                    escaped = start > 0 and content[start - 1] == "\\"
                    if escaped or covered.overlaps(start, match.end()):
                        continue
                    written = match.group(2)
                    if syntax == "inline":
                        target = unescape(written)
                    else:
                        target = written.strip()
                        if target.startswith("<") and target.endswith(">"):
                            continue
                    line, column = locate(base + start)
                    target_line, target_column = locate(base + match.start(2))
                    self.links.append(
                        Link(
                            kind="image" if image else "link",
                            target=target,
                            text=match.group(1),
                            line=line,
                            column=column,
                            syntax=syntax,
                            target_span=Span(target_line, target_column, len(written)),
                        )
                    )
                    covered.add(start, match.end())
        if "http" in content or "www." in content:
            for match in _BARE_URL.finditer(content):
                url = _trim_url(match.group(0))
                if not url or covered.overlaps(match.start(), match.start() + len(url)):
                    continue
                line, column = locate(base + match.start())
                target = url if not url.startswith("www.") else "http://" + url
                self.links.append(
                    Link("link", target, url, line, column, "bare", Span(line, column, len(url)))
                )

    # -- finishing -----------------------------------------------------------------------

    def document(self) -> Document:
        # Links arrive block by block; inside a block, those found in its text come last.
        self.links.sort(key=lambda link: (link.line, link.column))
        link_index = {id(link): index for index, link in enumerate(self.links)}
        lists = tuple(
            ListBlock(
                index=builder.index,
                line=builder.line,
                ordered=builder.ordered,
                depth=builder.depth,
                parent=builder.parent,
                items=tuple(
                    item.item(link_index) if isinstance(item, _ItemBuilder) else item
                    for item in builder.items
                ),
            )
            for builder in self.lists
        )
        headings = tuple(self.headings)
        return Document(
            path=self.path,
            lines=self.lines,
            line_kinds="".join(self.kinds),
            headings=headings,
            anchor_list=self._anchor_list(headings),
            links=tuple(self.links),
            lists=lists,
            directives=tuple(sorted(self.directives, key=lambda directive: directive.line)),
        )

    def _anchor_list(self, headings: tuple[Heading, ...]) -> tuple[Anchor, ...]:
        found = [
            Anchor(heading.slug, heading.line, heading.column, "slug", heading.index)
            for heading in headings
            if heading.slug is not None
        ]
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


__all__ = [
    "TEXT",
    "FactsBuilder",
    "InlineLocator",
    "autolink_target",
    "html_text",
    "normalized_text",
]
