"""The explicit list of rules, in the order the documentation lists them."""

from __future__ import annotations

from doclint.rules import (
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
from doclint.rules.spec import RuleSpec


def all_rules() -> dict[str, RuleSpec]:
    """Every rule by id, in the order the documentation lists them."""

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
