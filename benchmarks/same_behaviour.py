"""Check that this checkout behaves byte for byte as a git revision does.

Runs ``check --format json``, ``report --format json`` and ``fix --diff`` on the example
book, the real chapter in ``../shared/seed`` and the real book in ``../shared/corpus``,
once with this checkout's code and once with the revision's (both from source, with this
interpreter), and compares their outputs and exit codes. For changes that move code and
must not change what doclint does.

    python benchmarks/same_behaviour.py REV
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from revision_checkout import REPO, checkout_of

SHARED = REPO.parent / "shared"
BOOKS = {
    "example book": REPO / "examples" / "book",
    "seed chapter": SHARED / "seed",
    "real book": SHARED / "corpus" / "interview-for-algorithm-engineer",
}
COMMANDS = (
    ("check", "--no-cache", "--format", "json", "."),
    ("report", "--format", "json", "."),
    ("fix", "--diff", "."),
)


def run(source: Path, book: Path, command: tuple[str, ...]) -> tuple[int, bytes]:
    environment = {**os.environ, "PYTHONPATH": str(source / "src")}
    environment.pop("DOCLINT_PARSER", None)
    completed = subprocess.run(
        [sys.executable, "-m", "doclint", *command], cwd=book, env=environment, capture_output=True
    )
    return completed.returncode, completed.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision")
    arguments = parser.parse_args()
    differences = 0
    with checkout_of(arguments.revision) as before:
        for name, book in BOOKS.items():
            if not book.is_dir():
                print(f"{name}: skipped, {book} is absent")
                continue
            for command in COMMANDS:
                then, now = run(before, book, command), run(REPO, book, command)
                same = then == now
                differences += not same
                print(f"{'same' if same else 'DIFFERENT'}: {name}: doclint {' '.join(command)}")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
