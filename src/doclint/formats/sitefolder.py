"""Writing a generated site (the HTML report) into a folder, whole or not at all.

The site is written into a new folder beside the target, then swapped in by renaming:
a reader, a Pages upload or a crash sees the old report or the new one, never half of
one. A folder is replaced only when an earlier run marked it as doclint's (or it is
empty): ``--output`` pointed at the wrong folder must not delete someone's files.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from doclint import __version__
from doclint.core.errors import DoclintError

MARKER = ".doclint-report"


def check_replaceable(folder: Path) -> None:
    """Raise unless ``folder`` is absent, empty, or a report doclint wrote before."""
    if folder.is_symlink():
        raise DoclintError(f"{folder} is a symbolic link; name the folder for the report itself")
    if not folder.exists():
        return
    if not folder.is_dir():
        raise DoclintError(f"{folder} exists and is not a folder; it was left as it is")
    if (folder / MARKER).is_file() or not any(folder.iterdir()):
        return
    raise DoclintError(
        f"{folder} exists and is not a doclint report (it has no {MARKER} file); "
        "it was left as it is: name another folder, or remove this one"
    )


def write_site(folder: Path, files: Iterable[tuple[str, str]]) -> None:
    """Put ``files`` ((name, text) pairs) in ``folder``, replacing an earlier report
    whole; a failure while they are made or written leaves the earlier report as it was."""
    check_replaceable(folder)
    parent = folder.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=parent))
    retired: Path | None = None
    try:
        for name, text in files:
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        marker = {"generator": "doclint", "version": __version__}
        (staging / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
        # mkdtemp makes a folder only its owner can read; a published site is for everyone.
        os.chmod(staging, 0o755)
        check_replaceable(folder)  # again: it may have changed while the site was rendered
        if folder.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-", dir=parent))
            os.rename(folder, retired / folder.name)
        try:
            os.rename(staging, folder)
        except OSError:
            if retired is not None:
                os.rename(retired / folder.name, folder)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
