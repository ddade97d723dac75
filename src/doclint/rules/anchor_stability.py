"""Finds anchors that existed at the base revision, are gone now, and are still linked to.

## What it does
Runs only with ``doclint check --base REV``. For every checked file that changed since
``REV``, compares the anchors it had then (heading slugs, ``id`` and ``<a name>``) with
the anchors it has now. An anchor that is gone while some markdown file of the repository
still links to it (``#anchor`` in the file itself, ``file.md#anchor`` elsewhere) is
reported where the anchor used to be, with the links that still point to it.

## Why is this bad?
Readers, other chapters and other sites link to questions by anchor. Renaming or deleting
a heading silently breaks those links; question books ask contributors to keep anchors
stable for this reason. Links from outside the repository cannot be checked at all, so a
removed anchor that is still linked from inside is the visible part of the breakage.

## Example
At the base revision:
```markdown
- [1.什么是LoRA？](#1.什么是LoRA？)

<h2 id="1.什么是LoRA？">1.什么是LoRA？</h2>
```
In the working tree the heading was renamed:
```markdown
- [1.什么是LoRA？](#1.什么是LoRA？)

<h2 id="1.LoRA是什么？">1.LoRA是什么？</h2>
```

## Use instead
Keep the old anchor next to the new one, so that old links still arrive:
```markdown
<a id="1.什么是LoRA？"></a>
<h2 id="1.LoRA是什么？">1.LoRA是什么？</h2>
```

## Fix safety
Not fixable: whether to restore the anchor, keep an alias, or update every link is the
author's decision.

## Options
None. The rule needs a revision to compare with and reports nothing without ``--base``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from doclint.core.findings import Severity, Violation
from doclint.model.document import Document
from doclint.rules.spec import Context, NoOptions, RuleSpec

LINKS_NAMED = 3


def check(doc: Document, options: NoOptions, context: Context) -> Iterator[Violation]:
    if context.base is None:
        return
    before = context.base.document(doc.path)
    if before is None:
        return
    gone = [anchor for anchor in before.anchors.values() if anchor.name not in doc.anchors]
    if not gone:
        return
    lines = _LineMap(before.lines, doc.lines)
    for anchor in sorted(gone, key=lambda anchor: anchor.line):
        links = context.project.links_to(Path(doc.path), anchor.name)
        if not links:
            continue
        named = ", ".join(f"{link.path}:{link.line}" for link in links[:LINKS_NAMED])
        more = f" and {len(links) - LINKS_NAMED} more" if len(links) > LINKS_NAMED else ""
        yield Violation(
            lines.new_line(anchor.line),
            1,
            f'anchor "#{anchor.name}" (line {anchor.line} at {context.base.name}) is gone, '
            f"but {_links(len(links))} to it: "
            f'{named}{more}; keep the anchor (<a id="{anchor.name}"></a>) or update the links',
        )


def _links(count: int) -> str:
    return "1 link still points" if count == 1 else f"{count} links still point"


class _LineMap:
    """Old line numbers to the lines where that place is now, through a line diff."""

    def __init__(self, old: Sequence[str], new: Sequence[str]) -> None:
        import difflib  # only with --base

        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        self._opcodes = matcher.get_opcodes()
        self._new_length = len(new)

    def new_line(self, old_line: int) -> int:
        index = old_line - 1
        for tag, old_start, old_end, new_start, _new_end in self._opcodes:
            if old_start <= index < old_end:
                if tag == "equal":
                    return new_start + (index - old_start) + 1
                # Deleted or rewritten: the first line now at that place.
                return max(1, min(new_start + 1, self._new_length))
        return max(1, self._new_length)


SPEC = RuleSpec(
    id="anchor-stability",
    summary="Anchor that existed at the --base revision, is gone, and is still linked to",
    severity=Severity.ERROR,
    check=check,
    doc=__doc__ or "",
    needs_base=True,
)
