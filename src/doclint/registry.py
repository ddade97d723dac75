"""Rule specs, the explicit list of rule modules, and selection by configuration."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .findings import Severity, Violation
from .records import record

if TYPE_CHECKING:
    from .config import Profile
    from .document import Document
    from .project import Project
    from .revision import Baseline


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


def all_rules() -> dict[str, RuleSpec]:
    """Every rule by id, in the order the documentation lists them."""
    from .rules import (
        anchor_stability,
        dead_link,
        duplicate_anchor,
        duplicate_list_entry,
        duplicate_question,
        empty_answer,
        image_alt,
        missing_image,
        question_numbering,
        toc_anchor,
        toc_sync,
    )

    modules = (
        toc_anchor,
        toc_sync,
        duplicate_anchor,
        empty_answer,
        missing_image,
        image_alt,
        duplicate_list_entry,
        duplicate_question,
        question_numbering,
        dead_link,
        anchor_stability,
    )
    return {module.SPEC.id: module.SPEC for module in modules}
