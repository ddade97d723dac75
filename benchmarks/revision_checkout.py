"""A git revision of this repository checked out in a temporary folder, for scripts that
run doclint's code as it was there beside the code as it is."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def checkout_of(revision: str) -> Iterator[Path]:
    """The folder of a detached worktree at ``revision``, removed afterwards."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "revision"
        git = ["git", "-C", str(REPO), "worktree"]
        subprocess.run(
            [*git, "add", "--detach", str(folder), revision], check=True, capture_output=True
        )
        try:
            yield folder
        finally:
            subprocess.run([*git, "remove", "--force", str(folder)], capture_output=True)
