"""Time `doclint check` on a book with this checkout's code and with a git revision's.

Both run from source (``PYTHONPATH=src``) with this interpreter and its installed
dependencies, interleaved round by round so that the machine's drift touches both
alike; no result cache. Prints each one's median wall time and CPU time (of the process
and its workers: steadier than wall time on a busy machine) and the ratios, this
checkout's over the revision's.

Python writes and reads its bytecode caches, as it does for installed packages (an
unmeasured first run of each writes them): with ``PYTHONDONTWRITEBYTECODE`` set, every
run would compile every module again, a cost no user pays that grows with the number of
modules rather than with the work.

    python benchmarks/against_revision.py REV [FOLDER] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

from revision_checkout import REPO, checkout_of
from speed import cpu_timed

CORPUS = REPO.parent / "shared" / "corpus" / "interview-for-algorithm-engineer"


def timed(source: Path, folder: Path) -> tuple[float, float]:
    """Wall time and CPU time (the workers' included) of one check with ``source``'s code."""
    environment = {**os.environ, "PYTHONPATH": str(source / "src")}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-m", "doclint", "check", "--no-cache", "--quiet", "."]
    return cpu_timed(command, folder, env=environment)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision")
    parser.add_argument("folder", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--rounds", type=int, default=15)
    arguments = parser.parse_args()
    if not arguments.folder.is_dir():
        sys.exit(f"no folder {arguments.folder}")
    with checkout_of(arguments.revision) as before:
        for source in (before, REPO):
            timed(source, arguments.folder)  # writes the bytecode caches
        times: dict[str, list[tuple[float, float]]] = {"revision": [], "checkout": []}
        for _ in range(arguments.rounds):
            times["revision"].append(timed(before, arguments.folder))
            times["checkout"].append(timed(REPO, arguments.folder))
    for measure, at in (("wall", 0), ("CPU", 1)):
        then = statistics.median(t[at] for t in times["revision"])
        now = statistics.median(t[at] for t in times["checkout"])
        print(
            f"{measure}: {arguments.revision} {then:.3f} s, this checkout {now:.3f} s "
            f"(medians of {arguments.rounds}): ratio {now / then:.3f}"
        )


if __name__ == "__main__":
    main()
