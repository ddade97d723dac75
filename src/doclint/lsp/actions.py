"""Code actions: each finding's own fix, every fix at once (``doclint fix``), the TOC
(``doclint toc``) and a suppression comment. The new texts come from the engine; here they
only become edits."""

from __future__ import annotations

from lsprotocol import types

from ..findings import Finding
from .diagnostics import Diagnostics
from .files import OpenFile

FIX_ALL = "source.fixAll.doclint"
INSERT_TOC = "source.doclint.toc"

OPTIONS = types.CodeActionOptions(
    code_action_kinds=[
        types.CodeActionKind.QuickFix,
        types.CodeActionKind.SourceFixAll,
        types.CodeActionKind.Source,
    ]
)


def _edit(file: OpenFile, new_text: str) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={file.uri: [file.positions.replacement(new_text)]})


def _wanted(params: types.CodeActionParams, kind: str) -> bool:
    """Whether the client asks for actions of ``kind`` (all kinds when it names none)."""
    only = params.context.only
    return not only or any(kind == asked or kind.startswith(asked + ".") for asked in only)


def code_actions(file: OpenFile, params: types.CodeActionParams) -> list[types.CodeAction]:
    found: list[types.CodeAction] = []
    check = file.book.check(file.path)
    first, last = params.range.start.line + 1, params.range.end.line + 1
    if _wanted(params, types.CodeActionKind.QuickFix) and check.document is not None:
        make = Diagnostics(check.document, file.positions, file.uri)
        for finding in check.findings:
            if first <= finding.line <= last:
                found.extend(_for_finding(file, finding, make.of(finding)))
    if _wanted(params, FIX_ALL):
        fixed = file.book.fixed_text(file.path)
        if fixed is not None:
            found.append(
                types.CodeAction(title="doclint: fix all", kind=FIX_ALL, edit=_edit(file, fixed))
            )
    if _wanted(params, INSERT_TOC):
        with_toc = file.book.with_table_of_contents(file.path, first)
        if with_toc is not None:
            found.append(
                types.CodeAction(
                    title="Insert/update table of contents",
                    kind=INSERT_TOC,
                    edit=_edit(file, with_toc),
                )
            )
    return found


def _for_finding(
    file: OpenFile, finding: Finding, diagnostic: types.Diagnostic
) -> list[types.CodeAction]:
    found = []
    if finding.fix is not None:
        fixed = file.book.fixed_text(file.path, finding.fix)
        if fixed is not None:
            found.append(
                types.CodeAction(
                    title=finding.fix.title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    is_preferred=True,
                    edit=_edit(file, fixed),
                )
            )
    suppressed = file.book.suppressed_text(file.path, finding.line, finding.rule)
    if suppressed is not None:
        found.append(
            types.CodeAction(
                title=f"Disable {finding.rule} for this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=_edit(file, suppressed),
            )
        )
    return found
