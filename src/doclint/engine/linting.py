"""One parsed document through the chosen rules, with its suppression comments."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from doclint.book.profile import Profile
from doclint.book.views import derived
from doclint.config.loading import Config, RuleSettings, load_config
from doclint.core.errors import DoclintError
from doclint.core.findings import Finding
from doclint.model.document import Directive, Document
from doclint.parsing import parse_document
from doclint.rules import duplicate_question
from doclint.rules.registry import all_rules
from doclint.rules.spec import Context, RuleSpec
from doclint.text.reading import NotText, Unreadable, read_markdown

if TYPE_CHECKING:
    pass


def parse_file(path: Path, max_size: int) -> Document | None:
    try:
        return parse_document(read_markdown(path, max_size), str(path))
    except (NotText, Unreadable):
        return None


class Suppressions:
    """Which rules ``<!-- doclint-… -->`` comments switch off at a line."""

    def __init__(self, directives: Sequence[Directive]) -> None:
        self._file_wide: set[str] = set()
        self._all_file = False
        self._next_line: dict[int, tuple[str, ...]] = {}
        self._regions = [d for d in directives if d.action in ("disable", "enable")]
        self._region_lines = [d.line for d in self._regions]
        for directive in directives:
            if directive.action == "disable-file":
                if directive.rules:
                    self._file_wide.update(directive.rules)
                else:
                    self._all_file = True
            elif directive.action == "disable-next-line":
                self._next_line[directive.end_line + 1] = directive.rules

    def __bool__(self) -> bool:
        return bool(self._all_file or self._file_wide or self._next_line or self._regions)

    def suppressed(self, rule: str, line: int) -> bool:
        if self._all_file or rule in self._file_wide:
            return True
        if line in self._next_line:
            rules = self._next_line[line]
            if not rules or rule in rules:
                return True
        disabled = False
        for directive in self._regions[: bisect_left(self._region_lines, line)]:
            if not directive.rules or rule in directive.rules:
                disabled = directive.action == "disable"
        return disabled


def lint_document(
    doc: Document,
    display: str,
    rules: Iterable[tuple[RuleSpec, RuleSettings]],
    context: Context,
) -> list[Finding]:
    """Run the rules over one parsed document; findings carry the display path."""
    findings: list[Finding] = []
    suppressions = Suppressions(doc.directives)
    for spec, settings in rules:
        for violation in spec.check(doc, settings.options, context):
            if suppressions and suppressions.suppressed(spec.id, violation.line):
                continue
            findings.append(
                Finding(
                    path=display,
                    line=violation.line,
                    column=violation.column,
                    rule=spec.id,
                    severity=settings.severity,
                    message=violation.message,
                    suggestion=violation.suggestion,
                    fix=violation.fix,
                )
            )
    return findings


def chosen_rules(
    config: Config, select: Sequence[str], ignore: Sequence[str]
) -> list[tuple[RuleSpec, RuleSettings]]:
    specs = all_rules()
    for rule_id in (*select, *ignore):
        if rule_id not in specs:
            raise DoclintError(f'unknown rule "{rule_id}"; `doclint rules` lists them')
    enabled = config.enabled_rules(tuple(select), tuple(ignore))
    return [(specs[rule_id], settings) for rule_id, settings in enabled.items()]


def resolve_config(config: Config | None, cwd: Path) -> Config:
    return config if config is not None else load_config(cwd=cwd)


def asked_questions(
    document: Document, display: str, profile: Profile
) -> duplicate_question.AskedQuestions:
    """The document's questions for duplicate-question across chapters, without those a
    suppression comment hides from the rule."""

    def compute() -> duplicate_question.AskedQuestions:
        suppressions = Suppressions(document.directives)
        return duplicate_question.asked_questions(
            document,
            display,
            profile,
            lambda line: suppressions.suppressed(duplicate_question.RULE_ID, line),
        )

    # Kept with the document: the language server compares every chapter with the others
    # each time one changes.
    return derived(document, ("asked", display), profile, compute)
