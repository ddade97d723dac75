"""Paths as CI services want them: relative to the repository root, with ``/``."""

from __future__ import annotations

import os
from pathlib import Path


def from_repository_root(path: str, cwd: Path, root: Path) -> str:
    """``path`` (as doclint displays it, relative to ``cwd`` or absolute) relative to
    ``root``; GitHub and SARIF viewers resolve locations from the repository root, while
    doclint shows them from wherever it was started."""
    absolute = os.path.normpath(os.path.join(cwd, path))
    return os.path.relpath(absolute, root).replace(os.sep, "/")
