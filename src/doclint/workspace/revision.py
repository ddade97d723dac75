"""A git revision to compare the working tree with, read without checking it out.

``git rev-parse`` names the commit, ``git ls-tree`` lists its files, ``git diff`` says
which of them differ from the working tree, and ``git cat-file --batch`` reads the old
contents of those in one process. All of this works in a shallow clone as long as the
revision itself was fetched (``git fetch --depth=1 origin main``).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from doclint.core.errors import DoclintError
from doclint.model.document import Document
from doclint.parsing import parse_document


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise DoclintError("--base needs git, and git is not installed") from None
    except subprocess.TimeoutExpired:
        raise DoclintError(f"git {args[0]} took more than two minutes; giving up") from None


def _failed(completed: subprocess.CompletedProcess, what: str) -> DoclintError:
    detail = completed.stderr.decode(errors="replace").strip().splitlines()
    return DoclintError(f"{what}: {detail[-1] if detail else 'git failed'}")


@dataclass(frozen=True)
class Revision:
    name: str  # as the user wrote it: "origin/main", "HEAD~1"
    commit: str
    root: Path  # the top of the work tree; paths below are relative to it, with "/"

    def tree(self) -> dict[str, str]:
        """Every file of the revision: path → blob id."""
        listed = _git(["ls-tree", "-r", "-z", "--full-tree", self.commit], self.root)
        if listed.returncode != 0:
            raise _failed(listed, f'cannot list the files of "{self.name}"')
        files: dict[str, str] = {}
        for entry in listed.stdout.split(b"\0"):
            if not entry:
                continue
            meta, _, path = entry.partition(b"\t")
            _mode, kind, blob = meta.split()
            if kind == b"blob":
                files[path.decode("utf-8", "surrogateescape")] = blob.decode()
        return files

    def changed(self) -> set[str]:
        """Paths whose content in the working tree differs from the revision (modified or
        deleted since; files added since are not in the revision at all)."""
        diff = _git(["diff", "--no-renames", "--name-only", "-z", self.commit, "--"], self.root)
        if diff.returncode != 0:
            raise _failed(diff, f'cannot compare the working tree with "{self.name}"')
        return {
            path.decode("utf-8", "surrogateescape") for path in diff.stdout.split(b"\0") if path
        }

    def read(self, blobs: Iterable[str]) -> dict[str, bytes]:
        """The contents of blobs, by id, read by one ``git cat-file --batch``."""
        wanted = list(dict.fromkeys(blobs))
        if not wanted:
            return {}
        batch = _git(["cat-file", "--batch"], self.root, ("\n".join(wanted) + "\n").encode())
        if batch.returncode != 0:
            raise _failed(batch, f'cannot read files of "{self.name}"')
        contents: dict[str, bytes] = {}
        output = batch.stdout
        position = 0
        for blob in wanted:
            header_end = output.index(b"\n", position)
            header = output[position:header_end].split()
            position = header_end + 1
            if len(header) < 3 or header[1] == b"missing":
                continue
            size = int(header[2])
            contents[blob] = output[position : position + size]
            position += size + 1  # the content is followed by a newline
        return contents


def open_revision(name: str, cwd: Path) -> Revision:
    """The commit ``name`` stands for, in the repository around ``cwd``; a clear error
    when there is no repository or no such revision (a shallow clone that has not
    fetched it, a typo)."""
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise DoclintError(f"--base {name}: {cwd} is not inside a git work tree")
    root = Path(top.stdout.decode().strip())
    found = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", name + "^{commit}"], cwd)
    if found.returncode != 0 or not found.stdout.strip():
        shallow = _git(["rev-parse", "--is-shallow-repository"], cwd).stdout.strip() == b"true"
        hint = (
            "this is a shallow clone: fetch the revision first, e.g. "
            "`git fetch --depth=1 origin main`"
            if shallow
            else "check the name, or fetch it first (`git fetch origin main`)"
        )
        raise DoclintError(f'--base: unknown git revision "{name}"; {hint}')
    return Revision(name, found.stdout.decode().strip(), root)


class Baseline:
    """The checked files as they were at a revision, for rules that compare (only files
    that changed since and existed then; the others have nothing to compare).

    Holds the old texts and parses one only when a rule asks for it; sent as it is to the
    processes that check files in parallel.
    """

    def __init__(self, name: str, texts: dict[str, str]) -> None:
        self.name = name
        self._texts = texts  # by os.path.abspath of the file in the working tree
        self._documents: dict[str, Document] = {}

    def document(self, path: str | Path) -> Document | None:
        key = os.path.abspath(path)
        if key not in self._texts:
            return None
        if key not in self._documents:
            self._documents[key] = parse_document(self._texts[key], str(path))
        return self._documents[key]
