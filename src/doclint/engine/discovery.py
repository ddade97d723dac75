"""Which files a run checks: the paths given, folders searched for markdown.

Hidden folders, paths the configuration excludes and, inside a git work tree, git-ignored
files are left out; a file named on the command line is checked unless the configuration
excludes it. Pipes and devices are never opened, and symbolic links to folders are not
followed (a loop cannot trap the walk).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from doclint.config.discovery import repository_root
from doclint.config.loading import Config
from doclint.core.records import record


@record
class FileError:
    """A path that could not be checked at all; the run exits with 2."""

    path: str
    message: str


@record
class SourceFile:
    """A markdown file to check."""

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
    """The configuration's include and exclude globs, matched on paths relative to the
    configuration's folder (plain strings: this runs for every file of a big tree)."""

    def __init__(self, config: Config) -> None:
        self.root = os.path.abspath(config.root)
        self._prefix = self.root.rstrip(os.sep) + os.sep
        self._include = [_glob_regex(pattern) for pattern in config.include]
        self._exclude = [_glob_regex(pattern) for pattern in config.exclude]

    def _relative(self, absolute: str) -> str | None:
        if absolute.startswith(self._prefix):
            return absolute[len(self._prefix) :].replace(os.sep, "/")
        return None

    def excluded(self, path: Path | str) -> bool:
        return self.excluded_absolute(os.path.abspath(path))

    def included(self, path: Path | str) -> bool:
        return self.included_absolute(os.path.abspath(path))

    # On absolute, normalised paths (a walk makes those: no abspath for each file).

    def excluded_absolute(self, absolute: str) -> bool:
        target = self._relative(absolute) or os.path.basename(absolute)
        return any(pattern.match(target) for pattern in self._exclude)

    def included_absolute(self, absolute: str) -> bool:
        name = os.path.basename(absolute)
        if any(pattern.match(name) for pattern in self._include):
            return True
        relative = self._relative(absolute)
        return relative is not None and any(pattern.match(relative) for pattern in self._include)


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
            kind = "broken symbolic link" if path.is_symlink() else "no such file or folder"
            errors.append(FileError(given, kind))
        elif path.is_dir():
            walked.extend(_walk(path, given, file_filter))
        elif not path.is_file():
            errors.append(FileError(given, "not a regular file (a pipe, socket or device)"))
        elif not file_filter.excluded(path):
            found.append(SourceFile(path, display_path(given)))
    found.extend(_without_git_ignored(walked, cwd))
    unique = {os.path.abspath(source.path): source for source in found}
    return sorted(unique.values(), key=lambda source: source.display), errors


def display_path(path: str) -> str:
    """A path as given, normalised and written with ``/``."""
    return os.path.normpath(path).replace(os.sep, "/")


def _walk(folder: Path, given: str, file_filter: FileFilter) -> Iterator[SourceFile]:
    top = os.path.abspath(folder)
    inside_top = len(top.rstrip(os.sep) + os.sep)  # where a path below ``top`` goes on
    for current, folders, files in os.walk(top):
        folders[:] = sorted(
            name
            for name in folders
            if not name.startswith(".")
            and not file_filter.excluded_absolute(os.path.join(current, name))
        )
        for name in sorted(files):
            path = os.path.join(current, name)
            if not file_filter.included_absolute(path) or file_filter.excluded_absolute(path):
                continue
            # Pipes and devices are never opened (reading one could hang); a broken
            # symbolic link is kept, so that it is reported rather than silently skipped.
            if os.path.isfile(path) or (os.path.islink(path) and not os.path.exists(path)):
                relative = path[inside_top:]
                yield SourceFile(Path(path), display_path(os.path.join(given, relative)))


def _without_git_ignored(sources: list[SourceFile], cwd: Path) -> list[SourceFile]:
    if not sources or repository_root(sources[0].path.parent) is None:
        return sources  # outside a git work tree nothing is ignored, and git need not run
    import subprocess

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
