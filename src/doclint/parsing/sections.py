"""Long files, parsed a section at a time.

A parser's tree takes far more memory than the text it holds: markdown-it-pyrs' about 180
bytes for each byte, markdown-it-py's tokens about 120. A 30 MB chapter parsed in one
piece would take gigabytes. So a file longer than ``SECTION_SIZE`` characters is cut
into sections of about that size, each parsed and walked alone, and only the facts of
the whole file are kept.

The facts are those of the file parsed whole, because a section starts at a heading
written at the start of a line (``## …``): such a line ends every block open before it
(a paragraph, a list, a quote, a table, indented code) but a fenced code block or an HTML
block, and nothing after it changes how the lines before it read. A section whose last
block is an HTML block or an unclosed fence running to its end may hold that heading line
inside the block, so it is parsed again, twice as long. Link reference definitions are the one
thing that reaches across a file: a file cut into sections that defines any is parsed
again whole.

Each front-end reads files through ``build``, giving it how to parse a text, how to walk
its tree into a ``FactsBuilder`` and how to tell a section's end from inside a block.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from typing import TypeVar

from doclint.model.document import Document
from doclint.parsing.builder import FactsBuilder

# Characters of text in a section, at least; files up to this long are parsed whole.
SECTION_SIZE = 256 * 1024

_HEADING_LINE = re.compile(r"^#{1,6}(?=[ \t\n]|\Z)", re.MULTILINE)
# Only spaces around it: where a parser might read a tab otherwise, the fence counts as
# open, and the section is merely parsed again.
_CLOSING_FENCE = re.compile(r" {0,3}(`{3,}|~{3,}) *")

Tree = TypeVar("Tree")


# ``parse(text, lines)``: the parser's tree of a text (made of ``lines``), or None when the
# parser cannot read it. ``walk(builder, tree, text, lines, first_line)``: report the tree
# of a text that starts on the file's line ``first_line``. ``runs_to_end(tree, section)``:
# whether the section's last block is an HTML block or an unclosed fenced code block that
# reaches its end.
Parse = Callable[[str, list[str]], Tree | None]
Walk = Callable[[FactsBuilder, Tree, str, list[str], int], None]
RunsToEnd = Callable[[Tree, str], bool]


def build(
    text: str,
    path: str,
    parse: Parse[Tree],
    runs_to_end: RunsToEnd[Tree],
    walk: Walk[Tree],
) -> Document | None:
    """The facts of the file ``text``: parsed whole, or a section at a time when it is
    longer than ``SECTION_SIZE``; None as soon as ``parse`` gives None."""
    builder = FactsBuilder(text, path)
    if len(builder.parse_text) > SECTION_SIZE:
        count = walk_in_sections(builder, parse, runs_to_end, walk)
        if count is None:
            return None
        if count == 1 or not builder.definitions:
            return builder.document()
        builder = FactsBuilder(text, path)  # its link definitions reach across sections
    tree = parse(builder.parse_text, builder.parse_lines)
    if tree is None:
        return None
    walk(builder, tree, builder.parse_text, builder.parse_lines, 0)
    return builder.document()


def walk_in_sections(
    builder: FactsBuilder, parse: Parse[Tree], runs_to_end: RunsToEnd[Tree], walk: Walk[Tree]
) -> int | None:
    """Cut the builder's text into sections, and parse and walk each in turn; the number
    of sections, or None as soon as ``parse`` gives None."""
    text = builder.parse_text
    heading_starts = [found.start() for found in _HEADING_LINE.finditer(text)]
    start = first_line = count = 0
    size = SECTION_SIZE
    while start < len(text):
        at = bisect_left(heading_starts, start + size)
        end = heading_starts[at] if at < len(heading_starts) else len(text)
        section = text[start:end]
        lines = section.split("\n")
        tree = parse(section, lines)
        if tree is None:
            return None
        if end < len(text) and runs_to_end(tree, section):
            del tree  # before the longer section is parsed: one tree at a time
            size *= 2
            continue
        walk(builder, tree, section, lines, first_line)
        del tree
        count += 1
        first_line += len(lines) - 1
        start, size = end, SECTION_SIZE
    return count


def closes_fence(section: str, marker: str) -> bool:
    """Whether the last line of ``section`` (blank lines aside) closes a fence opened with
    ``marker`` (such as three backticks): the same character, as many times at least."""
    text = section.rstrip("\n")
    found = _CLOSING_FENCE.fullmatch(text, text.rfind("\n") + 1)
    return (
        found is not None and found.group(1)[0] == marker[0] and len(found.group(1)) >= len(marker)
    )
