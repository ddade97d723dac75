"""Find the files, parse each once, run the rules, apply suppressions; compute coverage.

Everything the CLI does is a call here: ``check(paths, config)`` and
``report(paths, config)``.
"""

from __future__ import annotations

import os
import re
import subprocess
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config, RuleSettings, load_config, repository_root
from .coverage import CoverageReport, file_coverage
from .document import Directive, Document
from .errors import DoclintError
from .findings import Finding, Severity
from .project import Project
from .reading import ENCODING_RULE, NotText, Unreadable, read_markdown
from .registry import Context, RuleSpec, all_rules

if TYPE_CHECKING:
    from .external import ExternalRun


@dataclass(frozen=True)
class FileError:
    """A path that could not be checked at all; the run exits with 2."""

    path: str
    message: str


@dataclass
class CheckResult:
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
    coverage: CoverageReport
    errors: list[FileError] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Files


@dataclass(frozen=True)
class SourceFile:
    path: Path  # on disk
    display: str  # as the user passed it, relative to the working directory


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """gitignore-like globs: a pattern without ``/`` matches a name at any depth, ``**``
    any number of folders; a match on a folder covers everything in it."""
    pattern = pattern.strip()
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.strip("/")
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("**", index):
            parts.append(".*")
            index += 2
            continue
        if char == "*":
            parts.append("[^/]*")
        elif char == "?":
            parts.append("[^/]")
        elif char == "[":
            close = pattern.find("]", index + 1)
            if close < 0:
                parts.append(re.escape(char))
            else:
                parts.append("[" + pattern[index + 1 : close].replace("!", "^", 1) + "]")
                index = close
        else:
            parts.append(re.escape(char))
        index += 1
    body = "".join(parts)
    prefix = "^" if anchored else "^(?:.*/)?"
    return re.compile(f"{prefix}{body}(?:/.*)?$")


class FileFilter:
    def __init__(self, config: Config) -> None:
        self.root = config.root
        self._include = [_glob_regex(pattern) for pattern in config.include]
        self._exclude = [_glob_regex(pattern) for pattern in config.exclude]

    def _relative(self, path: Path) -> str | None:
        try:
            return Path(os.path.abspath(path)).relative_to(self.root).as_posix()
        except ValueError:
            return None

    def excluded(self, path: Path) -> bool:
        relative = self._relative(path)
        target = relative if relative is not None else path.name
        return any(pattern.match(target) for pattern in self._exclude)

    def included(self, path: Path) -> bool:
        return any(pattern.match(path.name) for pattern in self._include) or any(
            pattern.match(self._relative(path) or path.name) for pattern in self._include
        )


def discover(
    paths: Sequence[str], config: Config, cwd: Path
) -> tuple[list[SourceFile], list[FileError]]:
    """The markdown files named by ``paths``: files as given (unless excluded by the
    configuration), folders searched for markdown, skipping hidden folders, excluded
    paths and, inside a git work tree, git-ignored files."""
    file_filter = FileFilter(config)
    found: list[SourceFile] = []
    errors: list[FileError] = []
    walked: list[SourceFile] = []
    for given in paths:
        path = Path(given) if os.path.isabs(given) else cwd / given
        if not path.exists():
            errors.append(FileError(given, "no such file or folder"))
        elif path.is_dir():
            walked.extend(_walk(path, given, file_filter))
        elif not file_filter.excluded(path):
            found.append(SourceFile(path, _display(given)))
    found.extend(_without_git_ignored(walked, cwd))
    unique = {os.path.abspath(source.path): source for source in found}
    return sorted(unique.values(), key=lambda source: source.display), errors


def _display(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")


def _walk(folder: Path, given: str, file_filter: FileFilter) -> Iterator[SourceFile]:
    for current, folders, files in os.walk(folder):
        current_path = Path(current)
        folders[:] = sorted(
            name
            for name in folders
            if not name.startswith(".") and not file_filter.excluded(current_path / name)
        )
        for name in sorted(files):
            path = current_path / name
            if file_filter.included(path) and not file_filter.excluded(path):
                relative = os.path.relpath(path, folder)
                yield SourceFile(path, _display(os.path.join(given, relative)))


def _without_git_ignored(sources: list[SourceFile], cwd: Path) -> list[SourceFile]:
    if not sources:
        return sources
    try:
        completed = subprocess.run(
            ["git", "check-ignore", "-z", "--stdin"],
            input=b"\0".join(os.fsencode(os.path.abspath(s.path)) for s in sources),
            capture_output=True,
            cwd=sources[0].path.parent,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return sources
    if completed.returncode not in (0, 1):
        return sources  # not a work tree, or git failed: nothing is known to be ignored
    ignored = {os.fsdecode(item) for item in completed.stdout.split(b"\0") if item}
    return [source for source in sources if os.path.abspath(source.path) not in ignored]


# ---------------------------------------------------------------------------------------
# Checking


def _parse_file(path: Path) -> Document | None:
    try:
        return Document.from_text(read_markdown(path), str(path))
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


@dataclass(frozen=True)
class _Task:
    """What a worker needs to check or measure files; sent once to each worker."""

    kind: str  # "check" or "report"
    config: Config
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    root: Path
    external: bool = False  # hand back each file's external links for the external stage


class _Worker:
    def __init__(self, task: _Task) -> None:
        self.task = task
        self.rules = _chosen_rules(task.config, task.select, task.ignore)
        self.project = Project(task.root, _parse_file)
        self.context = Context(profile=task.config.profile, project=self.project)

    def run(self, source: SourceFile) -> Outcome:
        parsed = self._document(source)
        if not isinstance(parsed, Document):
            return [parsed]
        if self.task.kind == "report":
            return [file_coverage(parsed, source.display, self.task.config.profile)]
        findings: Outcome = lint_document(parsed, source.display, self.rules, self.context)
        if self.task.external:
            from .external import links_to_check

            findings.append(links_to_check(parsed, source.display))
        return findings

    def _document(self, source: SourceFile) -> Document | Finding | FileError:
        """The file parsed once (or taken from the project if a link made it parse early)."""
        document = self.project.take_parsed(source.path)
        if document is None:
            try:
                document = Document.from_text(read_markdown(source.path), str(source.path))
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
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunks = _chunks(sources, jobs * 4)
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(chunks)),
        mp_context=context,
        initializer=_start_worker,
        initargs=(task,),
    ) as pool:
        return [outcome for chunk in pool.map(_run_chunk, chunks) for outcome in chunk]


def check(
    paths: Sequence[str] = (".",),
    config: Config | None = None,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    jobs: int | None = None,
    cwd: Path | None = None,
    external: ExternalRun | None = None,
) -> CheckResult:
    """Lint the markdown files under ``paths``; ``external`` changes how (and whether)
    http(s) links are checked, which the configuration decides otherwise."""
    cwd = cwd or Path.cwd()
    config = _resolve_config(config, cwd)
    _chosen_rules(config, select, ignore)  # unknown ids fail here, before any work
    sources, errors = discover(paths, config, cwd)
    from .external import ExternalRun, check_external, wanted

    external = external or ExternalRun()
    check_links = wanted(config, select, ignore, external)
    task = _Task(
        "check",
        config,
        tuple(select),
        tuple(ignore),
        repository_root(cwd) or config.root,
        external=check_links,
    )
    result = CheckResult(errors=errors)
    collected = []
    for source, outcome in zip(sources, _run(task, sources, jobs), strict=True):
        result.files.append(source.display)
        for item in outcome:
            if isinstance(item, FileError):
                result.errors.append(item)
            elif isinstance(item, Finding):
                result.findings.append(item)
            else:
                collected.append(item)
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
