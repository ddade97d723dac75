"""Finds links to files, folders or anchors that do not exist.

## What it does
Checks every relative link (markdown, reference-style and ``<a href>``): the path is
percent-decoded and resolved from the file's folder (``/x`` from the repository root),
and must exist with its exact letter case. A link ``other.md#frag`` must also reach an
anchor of ``other.md`` by GitHub's rules. A relative link that does not exist but names an
anchor of this very file — ``[3.标题](3.标题)`` — has evidently lost its ``#``, and that is
suggested. Links with a scheme (``https:``, ``mailto:``) are not local; external links are
checked only with ``--external``.

## Why is this bad?
A dead link is a reader's dead end, and on GitHub a link without ``#`` opens a 404 page
instead of scrolling.

## Example
```markdown
- [3.什么是LoRA？](3.什么是LoRA？)
- [下一章](../chapter-2.md#section)
```

## Use instead
```markdown
- [3.什么是LoRA？](#3.什么是LoRA？)
- [下一章](../chapter-2.md#existing-section)
```

## Fix safety
A link that lost its ``#`` gets it back, with the anchor's exact spelling, only when
exactly one anchor of the file fits. A link to a missing anchor of another markdown file
is pointed at that file's anchor when exactly one fits, as ``toc-anchor`` does in a file.
The destination is rewritten where it is written, as ``toc-anchor`` does (not in a
reference definition that other links use too). Missing files and folders, letter-case
differences and Windows drive paths are not fixed automatically: which file was meant is
for a person to say.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..document import Document, Link, is_local_target, is_windows_drive_path
from ..findings import Severity, Violation
from ..registry import Context, NoOptions, RuleSpec
from ._shared import replace_target, split_target

MARKDOWN_SUFFIXES = (".md", ".markdown")


def check(doc: Document, options: NoOptions, context: Context) -> Iterator[Violation]:
    source = Path(doc.path)
    for link in doc.links:
        if link.kind != "link" or link.is_in_page or not is_local_target(link.target):
            continue
        if link.syntax == "unparsed":
            yield Violation(
                link.line,
                link.column,
                f'"[{link.text}]({link.target})" is not a link: its destination contains a '
                "space; wrap it in <…> or write the spaces as %20",
                suggestion=f"<{link.target}>",
            )
        elif is_windows_drive_path(link.target):
            yield Violation(
                link.line,
                link.column,
                f'link "{link.target}" is a Windows drive path that exists only on its '
                "author's machine",
            )
        else:
            violation = _check_local(doc, link, source, context)
            if violation is not None:
                yield violation


def _check_local(doc: Document, link: Link, source: Path, context: Context) -> Violation | None:
    path, fragment = split_target(link.target)
    if not path:
        return None
    resolved = context.project.resolve(path, source)
    found = context.project.lookup(resolved)
    if found.actual is not None:
        return Violation(
            link.line,
            link.column,
            f'link "{path}" differs in letter case from "{found.actual}" on disk; '
            "GitHub and Linux do not find it",
        )
    if not found.found:
        intended = doc.forgotten_hash_anchor(link)
        if intended is not None:
            suggestion = "#" + intended.name
            return Violation(
                link.line,
                link.column,
                f'link "{link.target}" is not a file: it looks like an in-page link that '
                "lost its #",
                suggestion=suggestion,
                fix=replace_target(doc, link, suggestion, f"Add the # ({suggestion})"),
            )
        what = "folder or file" if path.endswith("/") else "file"
        return Violation(link.line, link.column, f'link target "{path}": no such {what}')
    if fragment is None or found.is_dir or resolved.suffix.lower() not in MARKDOWN_SUFFIXES:
        return None
    other = context.project.anchors(resolved)
    if other is None or other.resolves(fragment):
        return None
    intended_anchor = other.intended_anchor(fragment, link.text)
    suggestion = (
        f"{link.target.partition('#')[0]}#{intended_anchor.name}" if intended_anchor else None
    )
    return Violation(
        link.line,
        link.column,
        f'link fragment "#{fragment}" matches no heading or anchor in "{path}"',
        suggestion=suggestion,
        fix=replace_target(doc, link, suggestion, f"Point the link at {suggestion}")
        if suggestion
        else None,
    )


SPEC = RuleSpec(
    id="dead-link",
    summary="Relative link to a missing file, folder or anchor (external links with --external)",
    severity=Severity.ERROR,
    check=check,
    fixable=True,
    doc=__doc__ or "",
)
