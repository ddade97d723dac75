"""Finds local images that do not exist, or that GitHub cannot show.

## What it does
Checks every local image: markdown (``![alt](path)``), reference-style (``![alt][ref]``)
and raw HTML (``<img src>``). The path is percent-decoded and resolved from the file's
folder; ``/x`` is resolved from the repository root. It reports:
- a path that does not exist;
- a path that exists only with other letter case (it works on Windows and macOS, and is
  broken on GitHub and Linux);
- a Windows drive path (``D:\\…``, ``file:///G:/…``), which exists only on its author's
  machine; a file of the same name in the repository is suggested;
- an image CommonMark cannot parse because its path holds an unescaped space, so that
  GitHub prints it as text; write ``![alt](<path with spaces.png>)`` or ``%20``.

## Why is this bad?
Readers see a broken-image icon or the raw markdown, and the answer loses its figure.

## Example
```markdown
![DreamBooth](./imgs/Lightweight DreamBooth.png)
![](D:\\book\\imgs\\dcc.png)
```

## Use instead
```markdown
![DreamBooth](<./imgs/Lightweight DreamBooth.png>)
![DCC](./imgs/dcc.png)
```

## Fix safety
Not fixed automatically: the right file is for a person to confirm.

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import unquote

from doclint.core.findings import Severity, Violation
from doclint.model.document import Document, Link, is_local_target, is_windows_drive_path
from doclint.rules._shared import split_target
from doclint.rules.spec import Context, NoOptions, RuleSpec


def check(doc: Document, options: NoOptions, context: Context) -> Iterator[Violation]:
    source = Path(doc.path)
    for link in doc.links:
        if link.kind != "image":
            continue
        target = link.target
        if link.syntax == "unparsed":
            yield _unparsed(link, source, context)
        elif is_windows_drive_path(target):
            suggestion = _same_file_nearby(target, source, context)
            yield Violation(
                link.line,
                link.column,
                f'image path "{target}" is a Windows drive path that exists only on its '
                "author's machine; use a path relative to this file",
                suggestion=suggestion,
            )
        elif not target.strip():
            yield Violation(link.line, link.column, "image has no path")
        elif is_local_target(target):
            violation = _check_path(link, source, context)
            if violation is not None:
                yield violation


def _check_path(link: Link, source: Path, context: Context) -> Violation | None:
    path, _ = split_target(link.target)
    if not path:
        return None
    found = context.project.lookup(context.project.resolve(path, source))
    if found.found:
        return None
    if found.actual is not None:
        actual = _relative(Path(found.actual), source)
        return Violation(
            link.line,
            link.column,
            f'image "{path}" differs in letter case from the file on disk "{actual}"; '
            "GitHub and Linux do not find it",
            suggestion=actual,
        )
    return Violation(link.line, link.column, f'image "{path}" does not exist')


def _unparsed(link: Link, source: Path, context: Context) -> Violation:
    path, _ = split_target(link.target)
    exists = context.project.lookup(context.project.resolve(path, source)).found
    note = "" if exists else f'; "{path}" does not exist either'
    return Violation(
        link.line,
        link.column,
        f'image "{link.target}" is not shown: its path holds a space, so CommonMark (and '
        f"GitHub) print it as text; write ![{link.text}](<{link.target}>) or replace the "
        f"spaces with %20{note}",
        suggestion=f"<{link.target}>",
    )


def _same_file_nearby(target: str, source: Path, context: Context) -> str | None:
    """The longest tail of a Windows path that exists from this file's folder or the
    repository root, written relative to the file."""
    parts = PureWindowsPath(unquote(target.removeprefix("file:").lstrip("/"))).parts[1:]
    for start in range(len(parts)):
        tail = PurePosixPath(*parts[start:])
        for base in (source.parent, context.project.root):
            candidate = base / tail
            if context.project.lookup(candidate).found:
                return _relative(candidate, source)
    return None


def _relative(path: Path, source: Path) -> str:
    try:
        relative = Path(path).resolve().relative_to(source.parent.resolve())
    except ValueError:
        import os

        return os.path.relpath(Path(path).resolve(), source.parent.resolve()).replace("\\", "/")
    return "./" + relative.as_posix()


SPEC = RuleSpec(
    id="missing-image",
    summary="Local image that does not exist, differs in case, or cannot be shown",
    severity=Severity.ERROR,
    check=check,
    doc=__doc__ or "",
)
