"""Comparing with a git revision (``--base``): the files as they were there."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from doclint.book.coverage import CoverageReport, file_coverage
from doclint.config.loading import Config
from doclint.engine.discovery import FileFilter, SourceFile, display_path
from doclint.engine.linting import resolve_config
from doclint.parsing import parse_document
from doclint.text.reading import NotText, decode

if TYPE_CHECKING:
    from doclint.workspace.revision import Baseline, Revision


def relative_to(path: Path, root: Path) -> str | None:
    try:
        return Path(os.path.realpath(path)).relative_to(root).as_posix()
    except ValueError:
        return None


def baseline_of(revision: Revision, sources: Sequence[SourceFile]) -> Baseline:
    """The sources that changed since ``revision``, as they were then."""
    from doclint.workspace.revision import Baseline

    tree = revision.tree()
    changed = revision.changed()
    blobs: dict[str, str] = {}
    for source in sources:
        relative = relative_to(source.path, revision.root)
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


def files_at_revision(
    paths: Sequence[str], tree: dict[str, str], config: Config, root: Path, cwd: Path
) -> Iterator[tuple[str, str]]:
    """(display path, path in the revision) of the markdown files that ``paths`` named at
    the revision, chosen as ``discover`` chooses them in the working tree."""
    file_filter = FileFilter(config)
    for given in paths:
        prefix = relative_to(cwd / given, root)
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
    config = resolve_config(config, cwd)
    tree = revision.tree()
    changed = revision.changed()
    now = {coverage.path: coverage for coverage in current.files}
    report = CoverageReport()
    to_read: list[tuple[str, str]] = []
    for display, path in files_at_revision(paths, tree, config, revision.root, cwd):
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
        coverage = file_coverage(parse_document(text, display), display, config.profile)
        if coverage.questions:
            report.files.append(coverage)
        else:
            report.skipped_files += 1
    report.files.sort(key=lambda coverage: coverage.path)
    return report
