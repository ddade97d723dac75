"""Find the files, parse each once, run the rules, apply suppressions; compute coverage.

Everything the CLI does is a call here: ``check(paths, config)`` and
``report(paths, config)``.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config, RuleSettings, load_config, repository_root
from .coverage import CoverageReport, file_coverage
from .discovery import FileError, FileFilter, SourceFile, discover, display_path
from .document import Directive, Document
from .errors import DoclintError
from .findings import Finding, Fix, Severity
from .project import Dependencies, Project
from .reading import ENCODING_RULE, NotText, Unreadable, decode, read_markdown
from .records import record
from .registry import Context, RuleSpec, all_rules
from .rules import duplicate_question

if TYPE_CHECKING:
    from .document import Heading
    from .external import ExternalRun
    from .fixer import FileFix
    from .resultcache import ResultCache
    from .revision import Baseline, Revision


@dataclass
class CheckResult:
    """What ``check`` found: the files, their findings and the files it could not read."""

    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # for stderr, e.g. a rebuilt link cache

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity)

    def failed(self, fail_on: Severity) -> bool:
        return any(finding.severity >= fail_on for finding in self.findings)


@dataclass
class ReportResult:
    """What ``report`` measured, and the files it could not read."""

    coverage: CoverageReport
    errors: list[FileError] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Checking


def _parse_file(path: Path, max_size: int) -> Document | None:
    try:
        return Document.from_text(read_markdown(path, max_size), str(path))
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


def _resolve_config(config: Config | None, cwd: Path) -> Config:
    return config if config is not None else load_config(cwd=cwd)


def _chosen_rules(
    config: Config, select: Sequence[str], ignore: Sequence[str]
) -> list[tuple[RuleSpec, RuleSettings]]:
    specs = all_rules()
    for rule_id in (*select, *ignore):
        if rule_id not in specs:
            raise DoclintError(f'unknown rule "{rule_id}"; `doclint rules` lists them')
    enabled = config.enabled_rules(tuple(select), tuple(ignore))
    return [(specs[rule_id], settings) for rule_id, settings in enabled.items()]


# ---------------------------------------------------------------------------------------
# Running over many files

# Below this many files (or bytes) a process pool costs more than it saves.
POOL_MIN_FILES = 16
POOL_MIN_BYTES = 512 * 1024

Outcome = list  # findings of one file (and its ExternalLinks when checked), or [FileError]


@record
class _Task:
    """What a worker needs to check or measure files; sent once to each worker."""

    kind: str  # "check", "report" or "fix"
    config: Config
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    root: Path
    baseline: Baseline | None = None  # with --base: the checked files as they were
    external: bool = False  # hand back each file's external links for the external stage
    record: bool = False  # hand back what each file's rules asked of the disk (result cache)


@record
class FixedQuestions:
    """A fixed file's questions for duplicate-question across chapters: as the file is,
    and as the fixes make it."""

    before: duplicate_question.AskedQuestions
    after: duplicate_question.AskedQuestions


class _Worker:
    def __init__(self, task: _Task) -> None:
        self.task = task
        self.rules = _chosen_rules(task.config, task.select, task.ignore)
        max_size = task.config.max_file_size
        # Who links where is asked only when comparing with a revision (anchor-stability).
        self.project = Project(
            task.root,
            lambda path: _parse_file(path, max_size),
            self._repository_files if task.baseline is not None else None,
        )
        self.context = Context(
            profile=task.config.profile, project=self.project, base=task.baseline
        )
        # With duplicate-question's `scope: book`, each chapter hands back its questions,
        # which the main process compares once every chapter is checked.
        self.across_chapters = task.kind in ("check", "fix") and (
            duplicate_question.wanted_across_chapters(
                task.config.enabled_rules(task.select, task.ignore)
            )
            is not None
        )

    def _repository_files(self) -> list[Path]:
        """Every markdown file of the repository, for rules that ask who links where."""
        sources, _ = discover([str(self.task.root)], self.task.config, self.task.root)
        return [source.path for source in sources]

    def run(self, source: SourceFile) -> Outcome:
        if self.task.kind == "fix":
            return self._fix(source)
        parsed = self._document(source)
        if not isinstance(parsed, Document):
            # A file that is not text has nothing on disk to depend on.
            return (
                [parsed, Dependencies()]
                if self.task.record and isinstance(parsed, Finding)
                else [parsed]
            )
        if self.task.kind == "report":
            return [file_coverage(parsed, source.display, self.task.config.profile)]
        if self.task.record:
            self.project.recording = Dependencies()
        findings: Outcome = lint_document(parsed, source.display, self.rules, self.context)
        if self.across_chapters:
            findings.append(self._asked(parsed, source))
        if self.task.record:
            findings.append(self.project.recording)
            self.project.recording = None
        if self.task.external:
            from .external import links_to_check

            findings.append(links_to_check(parsed, source.display))
        return findings

    def _document(self, source: SourceFile) -> Document | Finding | FileError:
        """The file parsed once (or taken from the project if a link made it parse early)."""
        document = self.project.take_parsed(source.path)
        if document is None:
            try:
                text = read_markdown(source.path, self.task.config.max_file_size)
                document = Document.from_text(text, str(source.path))
            except Unreadable as error:
                return FileError(source.display, f"cannot read: {error}")
            except NotText as problem:
                return Finding(
                    source.display,
                    problem.line,
                    problem.column,
                    ENCODING_RULE,
                    Severity.ERROR,
                    problem.message,
                )
        self.project.remember(source.path, document)
        return document

    def _lint(self, document: Document, source: SourceFile) -> list[Finding]:
        return lint_document(document, source.display, self.rules, self.context)

    def _fix(self, source: SourceFile) -> Outcome:
        """Check the file and apply its fixes in memory, pass after pass; the main process
        writes the result, once every file is done."""
        from .fixer import FileFix, NotRewritable, SourceText, fix_text

        try:
            data = source.path.read_bytes()
        except OSError as error:
            return [FileError(source.display, f"cannot read: {error.strerror or error}")]
        try:
            text = SourceText.from_bytes(data)
        except NotRewritable as reason:
            # Checked as usual (UTF-16 is read, invalid bytes are a finding), never written.
            parsed = self._document(source)
            if isinstance(parsed, FileError):
                return [parsed]
            found = [parsed] if isinstance(parsed, Finding) else self._lint(parsed, source)
            unfixed = FileFix(
                source.path, source.display, Counter(), found, found, None, None, str(reason)
            )
            if self.across_chapters and isinstance(parsed, Document):
                asked = self._asked(parsed, source)
                return [unfixed, FixedQuestions(asked, asked)]
            return [unfixed]
        # A document parsed early (for its anchors) came from an earlier read of the file:
        # it serves only if that read had the text held here.
        document = self.project.take_parsed(source.path)
        if document is None or not text.is_text_of(document):
            document = text.document(str(source.path))
        self.project.remember(source.path, document)
        before = self._lint(document, source)
        linted = [document]  # the last text linted is the fixed one

        def lint(doc: Document) -> list[Finding]:
            linted.append(doc)
            return self._lint(doc, source)

        fixed = fix_text(text, document, lint, before)
        after = fixed.text.to_bytes()
        changed = after != data
        file_fix = FileFix(
            source.path,
            source.display,
            fixed.applied,
            fixed.findings,
            before,
            data if changed else None,
            after if changed else None,
        )
        if not self.across_chapters:
            return [file_fix]
        # What the file will hold: the fixed text, or as it is if it cannot be written.
        asked = FixedQuestions(self._asked(document, source), self._asked(linted[-1], source))
        return [file_fix, asked]

    def _asked(self, document: Document, source: SourceFile) -> duplicate_question.AskedQuestions:
        suppressions = Suppressions(document.directives)
        return duplicate_question.asked_questions(
            document,
            source.display,
            self.task.config.profile,
            lambda line: suppressions.suppressed(duplicate_question.RULE_ID, line),
        )


_worker: _Worker | None = None  # set in each pool process by _start_worker


def _start_worker(task: _Task) -> None:
    global _worker
    _worker = _Worker(task)


def _run_chunk(chunk: list[SourceFile]) -> list[Outcome]:
    assert _worker is not None
    return [_worker.run(source) for source in chunk]


def _chunks(sources: Sequence[SourceFile], count: int) -> list[list[SourceFile]]:
    """Contiguous runs of files (neighbours link to each other) of similar total size."""
    sizes = [_size(source.path) for source in sources]
    target = max(sum(sizes) / count, 1)
    chunks: list[list[SourceFile]] = [[]]
    filled = 0.0
    for source, size in zip(sources, sizes, strict=True):
        if filled >= target and chunks[-1]:
            chunks.append([])
            filled = 0.0
        chunks[-1].append(source)
        filled += size
    return chunks


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _run(task: _Task, sources: Sequence[SourceFile], jobs: int | None) -> list[Outcome]:
    """Outcomes in the order of ``sources``; in parallel processes when it pays."""
    jobs = default_jobs() if jobs is None else max(jobs, 1)
    big = len(sources) >= POOL_MIN_FILES and sum(_size(s.path) for s in sources) >= POOL_MIN_BYTES
    if jobs == 1 or not big:
        worker = _Worker(task)
        return [worker.run(source) for source in sources]
    chunks = _chunks(sources, jobs * 8)
    from . import forkpool

    if forkpool.available():
        from .parsing import prepare

        prepare()  # loaded once here, not once per worker

        def start() -> None:
            _start_worker(task)

        done = forkpool.run_forked(
            lambda index: _run_chunk(chunks[index]), len(chunks), jobs, start
        )
        return [outcome for chunk in done for outcome in chunk]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(
        max_workers=min(jobs, len(chunks)), initializer=_start_worker, initargs=(task,)
    ) as pool:
        return [outcome for chunk in pool.map(_run_chunk, chunks) for outcome in chunk]


class _CachedRun:
    """The result cache as one ``check`` uses it: which files' results still hold, and
    what to keep for the others."""

    def __init__(self, cache: ResultCache, root: Path) -> None:
        self.cache = cache
        self.project = Project(root)
        self.keys: dict[str, str] = {}
        self.used: list[str] = []
        self.entries: dict[str, str] = {}

    @classmethod
    def open(
        cls,
        folder: Path | None,
        config: Config,
        select: Sequence[str],
        ignore: Sequence[str],
        root: Path,
    ) -> _CachedRun:
        from .cachedb import user_cache_dir
        from .parsing import chosen_parser
        from .resultcache import ResultCache, code_fingerprint, digest

        context = digest(
            repr(
                (
                    code_fingerprint(),
                    chosen_parser(),
                    config,
                    tuple(select),
                    tuple(ignore),
                    str(root),
                )
            ).encode()
        )
        return cls(ResultCache(folder or user_cache_dir(), context), root)

    def reuse(self, sources: Sequence[SourceFile]) -> dict[str, Outcome]:
        """Findings (by display path) of the files whose results still hold."""
        from .resultcache import Verifier, digest

        for source in sources:
            try:
                data = source.path.read_bytes()
            except OSError:
                continue
            content = digest(data)
            self.project.know_digest(source.path, content)
            self.keys[source.display] = self.cache.key(source.path, content)
        stored = self.cache.lookup(self.keys.values())
        verifier = Verifier(self.project)
        reused: dict[str, Outcome] = {}
        for display, key in self.keys.items():
            if key in stored:
                findings = verifier.findings(stored[key], display)
                if findings is not None:
                    reused[display] = list(findings)
                    self.used.append(key)
        return reused

    def keep(self, source: SourceFile, outcome: Outcome) -> None:
        from .resultcache import encode

        key = self.keys.get(source.display)
        dependencies = next((item for item in outcome if isinstance(item, Dependencies)), None)
        if key is None or dependencies is None or any(isinstance(i, FileError) for i in outcome):
            return
        findings = [item for item in outcome if isinstance(item, Finding)]
        asked = next((i for i in outcome if isinstance(i, duplicate_question.AskedQuestions)), None)
        self.entries[key] = encode(findings, dependencies, asked)

    def close(self) -> list[str]:
        self.cache.store(self.entries, self.used)
        self.cache.close()
        return self.cache.notices


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
    config = _resolve_config(config, cwd)
    _chosen_rules(config, select, ignore)  # unknown ids fail here, before any work
    if base is None:
        specs = all_rules()
        for rule_id in select:
            if specs[rule_id].needs_base:
                raise DoclintError(f"{rule_id} compares with a git revision: give --base REV")
    revision = None
    if base:
        from .revision import open_revision

        revision = open_revision(base, cwd)
    sources, errors = discover(paths, config, cwd)
    from .external import ExternalRun, check_external, wanted

    external = external or ExternalRun()
    check_links = wanted(config, select, ignore, external)
    root = repository_root(cwd) or config.root
    baseline = _baseline(revision, sources) if revision else None
    cached = None
    if use_cache and revision is None and not check_links:
        cached = _CachedRun.open(cache_dir, config, select, ignore, root)
    task = _Task(
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
    fresh = iter(_run(task, [s for s in sources if s.display not in reused], jobs))
    for source in sources:
        result.files.append(source.display)
        outcome = reused.get(source.display)
        if outcome is None:
            outcome = next(fresh)
            if cached is not None:
                cached.keep(source, outcome)
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


def report(
    paths: Sequence[str] = (".",),
    config: Config | None = None,
    *,
    jobs: int | None = None,
    cwd: Path | None = None,
) -> ReportResult:
    """Questions and the state of their answers, per file and in total."""
    cwd = cwd or Path.cwd()
    config = _resolve_config(config, cwd)
    sources, errors = discover(paths, config, cwd)
    task = _Task("report", config, (), (), repository_root(cwd) or config.root)
    result = ReportResult(CoverageReport(), errors)
    for outcome in _run(task, sources, jobs):
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


# ---------------------------------------------------------------------------------------
# Comparing with a git revision (--base)


def _relative_to(path: Path, root: Path) -> str | None:
    try:
        return Path(os.path.realpath(path)).relative_to(root).as_posix()
    except ValueError:
        return None


def _baseline(revision: Revision, sources: Sequence[SourceFile]) -> Baseline:
    """The sources that changed since ``revision``, as they were then."""
    from .revision import Baseline

    tree = revision.tree()
    changed = revision.changed()
    blobs: dict[str, str] = {}
    for source in sources:
        relative = _relative_to(source.path, revision.root)
        if relative in changed and relative in tree:
            blobs[os.path.abspath(source.path)] = tree[relative]
    contents = revision.read(blobs.values())
    texts: dict[str, str] = {}
    for key, blob in blobs.items():
        try:
            texts[key] = decode(contents[blob])
        except (KeyError, NotText):
            continue  # not readable then: nothing to compare with
    return Baseline(revision.name, texts)


def _files_at_revision(
    paths: Sequence[str], tree: dict[str, str], config: Config, root: Path, cwd: Path
) -> Iterator[tuple[str, str]]:
    """(display path, path in the revision) of the markdown files that ``paths`` named at
    the revision, chosen as ``discover`` chooses them in the working tree."""
    file_filter = FileFilter(config)
    for given in paths:
        prefix = _relative_to(cwd / given, root)
        if prefix is None:
            continue  # outside the repository: nothing there at any revision
        prefix = "" if prefix == "." else prefix
        if prefix in tree:
            if not file_filter.excluded(root / prefix):
                yield display_path(given), prefix
            continue
        for path in tree:
            if prefix and not path.startswith(prefix + "/"):
                continue
            rest = path[len(prefix) + 1 :] if prefix else path
            if any(part.startswith(".") for part in rest.split("/")[:-1]):
                continue
            on_disk = root / path
            if file_filter.included(on_disk) and not file_filter.excluded(on_disk):
                yield display_path(os.path.join(given, rest)), path


def report_at_revision(
    revision: Revision,
    current: CoverageReport,
    paths: Sequence[str] = (".",),
    config: Config | None = None,
    *,
    cwd: Path | None = None,
) -> CoverageReport:
    """Coverage of ``paths`` as they were at ``revision``. Files that have not changed since
    are taken from ``current`` (the working tree's report) rather than read again."""
    cwd = cwd or Path.cwd()
    config = _resolve_config(config, cwd)
    tree = revision.tree()
    changed = revision.changed()
    now = {coverage.path: coverage for coverage in current.files}
    report = CoverageReport()
    to_read: list[tuple[str, str]] = []
    for display, path in _files_at_revision(paths, tree, config, revision.root, cwd):
        if path in changed:
            to_read.append((display, path))
        elif display in now:
            report.files.append(now[display])
        else:
            report.skipped_files += 1
    contents = revision.read(tree[path] for _, path in to_read)
    for display, path in to_read:
        try:
            text = decode(contents[tree[path]])
        except (KeyError, NotText):
            continue
        coverage = file_coverage(Document.from_text(text, display), display, config.profile)
        if coverage.questions:
            report.files.append(coverage)
        else:
            report.skipped_files += 1
    report.files.sort(key=lambda coverage: coverage.path)
    return report


@dataclass
class FixResult:
    """What ``fix`` did: each file's fixes, and what is left, as a check would report it."""

    check: CheckResult
    files: list[FileFix] = field(default_factory=list)
    written: bool = True  # False: a dry run, the files on disk are as they were

    def failed(self, fail_on: Severity) -> bool:
        """Whether the files on disk, once this is done, have findings that fail."""
        if self.written:
            return self.check.failed(fail_on)
        before = (f for file_fix in self.files for f in file_fix.findings_before)
        return any(finding.severity >= fail_on for finding in before)

    @property
    def applied(self) -> Counter[str]:
        """Fixes by rule id, over every file."""
        total: Counter[str] = Counter()
        for file_fix in self.files:
            total.update(file_fix.applied)
        return total

    @property
    def changed(self) -> list[FileFix]:
        return [file_fix for file_fix in self.files if file_fix.changed]


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
    from .fixer import replace_file

    cwd = cwd or Path.cwd()
    config = _resolve_config(config, cwd)
    _chosen_rules(config, select, ignore)
    sources, errors = discover(paths, config, cwd)
    task = _Task("fix", config, tuple(select), tuple(ignore), repository_root(cwd) or config.root)
    result = FixResult(CheckResult(errors=errors), written=write)
    asked: list[duplicate_question.AskedQuestions] = []
    for source, outcome in zip(sources, _run(task, sources, jobs), strict=True):
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


@record
class TocResult:
    """A table of contents generated for a file."""

    lines: tuple[str, ...]  # the generated TOC
    unlinked: tuple[Heading, ...]  # questions no link reaches alone, left out
    written: bool = False  # whether the file was rewritten (it differed)


def table_of_contents(
    path: str, config: Config | None = None, *, cwd: Path | None = None, write: bool = False
) -> TocResult:
    """A TOC of the file's questions in the file's own style; with ``write``, also put in
    the file between ``<!-- doclint-toc -->`` and ``<!-- /doclint-toc -->``."""
    from . import toc
    from .fixer import NotRewritable, SourceText, replace_file
    from .reading import decode

    cwd = cwd or Path.cwd()
    config = _resolve_config(config, cwd)
    file = Path(path) if os.path.isabs(path) else cwd / path
    try:
        data = file.read_bytes()
    except OSError as error:
        raise DoclintError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        document = Document.from_text(decode(data), str(file))
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
