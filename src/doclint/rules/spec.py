"""What a rule is: its spec (id, summary, severity, options, documentation), the context it
is checked in, and ``NoOptions`` for rules without settings. Rule modules import this;
the registry lists them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from doclint.core.findings import Severity, Violation
from doclint.core.records import record

if TYPE_CHECKING:
    from doclint.book.profile import Profile
    from doclint.model.document import Document
    from doclint.workspace.project import Project
    from doclint.workspace.revision import Baseline


@record
class Context:
    """What a rule may know besides the document: the profile, the files around it, and
    with ``--base REV`` the files as they were at that revision."""

    profile: Profile
    project: Project
    base: Baseline | None = None


@record
class NoOptions:
    """For rules without options."""


@record
class RuleSpec:
    """A rule: its id, what it checks, its default severity, options and documentation."""

    id: str
    summary: str
    severity: Severity
    check: Callable[[Document, Any, Context], Iterable[Violation]]
    options: type = NoOptions
    fixable: bool = False
    doc: str = ""
    needs_base: bool = False  # compares with a git revision: runs only with --base

    def option_fields(self) -> dict[str, dataclasses.Field]:
        return {field.name: field for field in dataclasses.fields(self.options)}
