"""Code actions: each finding's own fix, every fix at once (``doclint fix``), the TOC
(``doclint toc``) and a suppression comment. The new texts come from the engine; here they
only become edits."""

from __future__ import annotations

from lsprotocol import types

from doclint.core.findings import Finding
from doclint.lsp.diagnostics import Diagnostics
from doclint.lsp.files import OpenFile

FIX_ALL = "source.fixAll.doclint"
INSERT_TOC = "source.doclint.toc"

OPTIONS = types.CodeActionOptions(
    code_action_kinds=[
        types.CodeActionKind.QuickFix,
        types.CodeActionKind.SourceFixAll,
        types.CodeActionKind.Source,
    ],
    resolve_provider=True,
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
    if _wanted(params, types.CodeActionKind.QuickFix) and check.checked:
        make = Diagnostics(file.positions, file.uri)
        for finding, place in zip(check.findings, check.places, strict=True):
            if first <= finding.line <= last:
                found.extend(_for_finding(file, finding, make.of(finding, place)))
    # Asked for every kind (a light bulb, at each move of the cursor), the whole-file
    # actions come without their edits, which the client asks for when one is chosen:
    # fixing a whole chapter checks it again after each pass.
    later = params.context.only is None and file.resolves_code_actions
    if _wanted(params, FIX_ALL) and any(finding.fix for finding in check.findings):
        found.append(_whole_file(file, FIX_ALL, "doclint: fix all", first, later))
    if _wanted(params, INSERT_TOC) and check.checked:
        found.append(_whole_file(file, INSERT_TOC, "Insert/update table of contents", first, later))
    return [action for action in found if action.edit is not None or action.data is not None]


def _whole_file(file: OpenFile, kind: str, title: str, line: int, later: bool) -> types.CodeAction:
    action = types.CodeAction(title=title, kind=kind, data={"uri": file.uri, "line": line})
    return action if later else resolve(file, action)


def resolve(file: OpenFile, action: types.CodeAction) -> types.CodeAction:
    """The edit of a whole-file action; none when it would change nothing."""
    if action.kind == FIX_ALL:
        new_text = file.book.fixed_text(file.path)
    else:
        new_text = file.book.with_table_of_contents(file.path, action.data["line"])
    action.edit = _edit(file, new_text) if new_text is not None else None
    action.data = None
    return action


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
