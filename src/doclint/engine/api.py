"""Find the files, parse each once, run the rules, apply suppressions; compute coverage.

Everything the CLI does is a call here: ``check(paths, config)``, ``report(paths,
config)``, ``fix(paths, config)`` and ``table_of_contents(path, config)``; the language
server and the HTML report call the same.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from doclint.book.coverage import CoverageReport
from doclint.config.discovery import repository_root
from doclint.config.loading import Config
from doclint.core.errors import DoclintError
from doclint.core.findings import Finding, Fix
from doclint.engine.discovery import FileError, discover
from doclint.engine.linting import chosen_rules, resolve_config
from doclint.engine.results import CheckResult, FixResult, ReportResult, TocResult
from doclint.engine.workers import FixedQuestions, Task, run_files
from doclint.parsing import parse_document
from doclint.rules import duplicate_question
from doclint.rules.registry import all_rules
from doclint.text.reading import NotText, decode
from doclint.workspace.project import Dependencies

if TYPE_CHECKING:
    from doclint.engine.external import ExternalRun


def check(
    paths: Sequence[str] = (".",),
    config: Config | None = None,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    jobs: int | None = None,
    cwd: Path | None = None,
    base: str | None = None,
    external: ExternalRun | None = None,
    use_cache: bool = False,
    cache_dir: Path | None = None,
) -> CheckResult:
    """Lint the markdown files under ``paths``; with ``base`` (a git revision), rules that
    compare with it (anchor-stability) run too; ``external`` changes how (and whether)
    http(s) links are checked, which the configuration decides otherwise. ``use_cache``
    keeps per-file results (in ``cache_dir``, or the user's cache folder) and reuses them
    for files that did not change."""
    cwd = cwd or Path.cwd()
    config = resolve_config(config, cwd)
    chosen_rules(config, select, ignore)  # unknown ids fail here, before any work
    if base is None:
        specs = all_rules()
        for rule_id in select:
            if specs[rule_id].needs_base:
                raise DoclintError(f"{rule_id} compares with a git revision: give --base REV")
    revision = None
    if base:
        from doclint.workspace.revision import open_revision

        revision = open_revision(base, cwd)
    sources, errors = discover(paths, config, cwd)
    from doclint.engine.external import ExternalRun, check_external, wanted

    external = external or ExternalRun()
    check_links = wanted(config, select, ignore, external)
    root = repository_root(cwd) or config.root
    baseline = None
    if revision is not None:
        # Imported here for start-up time: only --base compares with a revision.
        from doclint.engine.baseline import baseline_of

        baseline = baseline_of(revision, sources)
    cached = None
    if use_cache and revision is None and not check_links:
        # Imported here for start-up time: a run without the result cache never opens it.
        from doclint.engine.cached import CachedRun

        cached = CachedRun.open(cache_dir, config, select, ignore, root)
    task = Task(
        "check",
        config,
        tuple(select),
        tuple(ignore),
        root,
        baseline,
        external=check_links,
        record=cached is not None,
    )
    result = CheckResult(errors=errors)
    collected = []
    asked: list[duplicate_question.AskedQuestions] = []
    reused = cached.reuse(sources) if cached is not None else {}
    fresh = iter(run_files(task, [s for s in sources if s.display not in reused], jobs))
    for source in sources:
        result.files.append(source.display)
        outcome = reused.get(source.display)
        if outcome is None:
            outcome = next(fresh)
            if cached is not None:
                cached.keep(source, outcome)
        else:
            result.from_cache.append(source.display)
        for item in outcome:
            if isinstance(item, FileError):
                result.errors.append(item)
            elif isinstance(item, Finding):
                result.findings.append(item)
            elif isinstance(item, duplicate_question.AskedQuestions):
                asked.append(item)
            elif not isinstance(item, Dependencies):
                collected.append(item)
    book_severity = duplicate_question.wanted_across_chapters(
        config.enabled_rules(tuple(select), tuple(ignore))
    )
    if book_severity is not None:
        result.findings.extend(duplicate_question.book_duplicates(asked, book_severity))
    if cached is not None:
        result.notices.extend(cached.close())
    if check_links:
        rule = config.enabled_rules(tuple(select), tuple(ignore))["dead-link"]
        findings, notices = check_external(collected, rule, external)
        result.findings.extend(findings)
        result.notices.extend(notices)
    result.findings.sort(key=Finding.sort_key)
    return result


def fix_then_check(
    paths: Sequence[str],
    config: Config | None = None,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    jobs: int | None = None,
    base: str | None = None,
    external: ExternalRun | None = None,
    use_cache: bool = False,
    cache_dir: Path | None = None,
) -> tuple[FixResult, CheckResult]:
    """``fix``, then what is left: the fixed files' findings as ``fix`` saw them, checked
    again only when something ``fix`` does not look at is wanted (``--base``, or the
    external links)."""
    from doclint.engine.external import ExternalRun, wanted

    config = resolve_config(config, cwd=Path.cwd())
    fixed = fix(paths, config, select=select, ignore=ignore, jobs=jobs)
    external = external or ExternalRun()
    if base is None and not wanted(config, tuple(select), tuple(ignore), external):
        return fixed, fixed.check
    checked = check(
        paths,
        config,
        select=select,
        ignore=ignore,
        jobs=jobs,
        base=base,
        external=external,
        use_cache=use_cache,
        cache_dir=cache_dir,
    )
    return fixed, checked


def report(
    paths: Sequence[str] = (".",),
    config: Config | None = None,
    *,
    jobs: int | None = None,
    cwd: Path | None = None,
) -> ReportResult:
    """Questions and the state of their answers, per file and in total."""
    cwd = cwd or Path.cwd()
    config = resolve_config(config, cwd)
    sources, errors = discover(paths, config, cwd)
    task = Task("report", config, (), (), repository_root(cwd) or config.root)
    result = ReportResult(CoverageReport(), errors)
    for outcome in run_files(task, sources, jobs):
        for item in outcome:
            if isinstance(item, FileError):
                result.errors.append(item)
            elif isinstance(item, Finding):
                result.errors.append(FileError(item.path, item.message))
            elif item.questions:
                result.coverage.files.append(item)
            else:
                result.coverage.skipped_files += 1
    return result


def fix(
    paths: Sequence[str] = (".",),
    config: Config | None = None,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    jobs: int | None = None,
    cwd: Path | None = None,
    write: bool = True,
) -> FixResult:
    """Apply every available fix to the markdown files under ``paths``, then say what is
    left. With ``write=False`` nothing is written: the result holds the fixed bytes."""
    from doclint.engine.fixer import replace_file

    cwd = cwd or Path.cwd()
    config = resolve_config(config, cwd)
    chosen_rules(config, select, ignore)
    sources, errors = discover(paths, config, cwd)
    task = Task("fix", config, tuple(select), tuple(ignore), repository_root(cwd) or config.root)
    result = FixResult(CheckResult(errors=errors), written=write)
    asked: list[duplicate_question.AskedQuestions] = []
    for source, outcome in zip(sources, run_files(task, sources, jobs), strict=True):
        result.check.files.append(source.display)
        written = True
        for item in outcome:
            if isinstance(item, FileError):
                result.check.errors.append(item)
                continue
            if isinstance(item, FixedQuestions):
                asked.append(item.after if written else item.before)
                continue
            if write and item.original is not None and item.fixed is not None:
                try:
                    replace_file(item.path, item.original, item.fixed)
                except DoclintError as error:
                    result.check.errors.append(FileError(item.display, str(error)))
                    item = item.unwritten()
                    written = False
            result.files.append(item)
            result.check.findings.extend(item.findings)
    book_severity = duplicate_question.wanted_across_chapters(
        config.enabled_rules(tuple(select), tuple(ignore))
    )
    if book_severity is not None:
        result.check.findings.extend(duplicate_question.book_duplicates(asked, book_severity))
    result.check.findings.sort(key=Finding.sort_key)
    return result


def table_of_contents(
    path: str, config: Config | None = None, *, cwd: Path | None = None, write: bool = False
) -> TocResult:
    """A TOC of the file's questions in the file's own style; with ``write``, also put in
    the file between ``<!-- doclint-toc -->`` and ``<!-- /doclint-toc -->``."""
    from doclint.book import toc
    from doclint.engine.fixer import NotRewritable, SourceText, replace_file

    cwd = cwd or Path.cwd()
    config = resolve_config(config, cwd)
    file = Path(path) if os.path.isabs(path) else cwd / path
    try:
        data = file.read_bytes()
    except OSError as error:
        raise DoclintError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        document = parse_document(decode(data), str(file))
    except NotText as problem:
        raise DoclintError(f"{path}: {problem.message}") from None
    generated = toc.generate(document, config.profile)
    result = TocResult(generated.lines, generated.unlinked)
    if not write:
        return result
    region = toc.marked_region(document)
    if region is None:
        raise DoclintError(
            f'{path}: no "{toc.START_MARKER}" and "{toc.END_MARKER}" lines to write the TOC '
            "between; put them where the TOC belongs"
        )
    try:
        source = SourceText.from_bytes(data)
    except NotRewritable as reason:
        raise DoclintError(f"{path}: {reason}; not rewritten") from None
    edit = toc.replace_marked(document, region, generated.lines)
    fixed, applied = source.apply([(0, Fix("Write the TOC", (edit,)))])
    if not applied:
        return result
    try:
        replace_file(file, data, fixed.to_bytes())
    except DoclintError as error:
        raise DoclintError(f"{path}: {error}") from None
    return TocResult(generated.lines, generated.unlinked, written=True)
