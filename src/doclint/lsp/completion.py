"""Completion inside a link's destination: anchors after ``#``, paths otherwise."""

from __future__ import annotations

import os
import re
from pathlib import Path

from lsprotocol import types

from doclint.lsp.files import OpenFile
from doclint.model.anchors import written_like
from doclint.model.document import Document

OPTIONS = types.CompletionOptions(trigger_characters=["#", "(", "/"])

# The destination being written: ``[text](`` or ``![alt](``, then what is typed so far.
_DESTINATION = re.compile(r"(!?)\[[^\]]*\]\(<?([^()\s<>]*)$")

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".avif"})


def complete(file: OpenFile, params: types.CompletionParams) -> types.CompletionList | None:
    typed = _DESTINATION.search(file.positions.before(params.position))
    if typed is None:
        return None
    is_image, destination = typed.group(1) == "!", typed.group(2)
    if "#" in destination and not is_image:
        path_part, _, fragment = destination.partition("#")
        items = _anchors(file, path_part, fragment, params.position)
    else:
        items = _paths(file, destination, is_image, params.position)
    return types.CompletionList(is_incomplete=False, items=items)


def _replacing(
    file: OpenFile, position: types.Position, typed: str, new_text: str
) -> types.TextEdit:
    """An edit that replaces ``typed``, just before the cursor, with ``new_text``."""
    line, column = file.place(position)
    start = file.positions.position(line, column - len(typed))
    return types.TextEdit(range=types.Range(start, position), new_text=new_text)


def _anchors(
    file: OpenFile, path_part: str, fragment: str, position: types.Position
) -> list[types.CompletionItem]:
    here = file.document
    if here is None:
        return []
    target_path = file.path
    if path_part:
        resolved = file.book.resolve_target(path_part, file.path)
        if resolved is None:
            return []
        target_path = resolved
    target = file.book.document(target_path)
    if target is None:
        return []
    style = file.book.toc_fragment_style(here)
    return _anchor_items(file, target, style, fragment, position)


def _anchor_items(
    file: OpenFile, target: Document, style: str, fragment: str, position: types.Position
) -> list[types.CompletionItem]:
    questions = file.book.questions_by_heading(target)
    items = []
    for order, (name, anchor) in enumerate(target.anchors.items()):
        heading = target.heading_at_anchor(anchor)
        title = heading.text if heading is not None else name
        question = questions.get(heading.index) if heading is not None else None
        state = question.state if question is not None else anchor.kind
        written = written_like(style, name)
        items.append(
            types.CompletionItem(
                label=written,
                kind=types.CompletionItemKind.Reference,
                detail=f"{state} · {title}",
                documentation=f"{title}\n\nline {anchor.line}, {anchor.kind}",
                filter_text=written,
                sort_text=f"{order:06d}",
                text_edit=_replacing(file, position, fragment, written),
            )
        )
    return items


def _paths(
    file: OpenFile, destination: str, is_image: bool, position: types.Position
) -> list[types.CompletionItem]:
    folder_part, _, name_part = destination.rpartition("/")
    base = file.path.parent
    folder = base / folder_part if folder_part else base
    if destination.startswith("/"):
        folder = file.book.root / folder_part.lstrip("/")
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    items = []
    for name in names:
        if name.startswith("."):
            continue
        is_folder = (folder / name).is_dir()
        if not is_folder and is_image and Path(name).suffix.lower() not in IMAGE_SUFFIXES:
            continue
        if not is_folder and (folder / name) == file.path:
            continue
        items.append(
            types.CompletionItem(
                label=name + ("/" if is_folder else ""),
                kind=types.CompletionItemKind.Folder
                if is_folder
                else types.CompletionItemKind.File,
                text_edit=_replacing(file, position, name_part, name + ("/" if is_folder else "")),
            )
        )
    return items
