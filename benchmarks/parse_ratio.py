"""Time ``doclint check`` on a folder against a bare markdown-it-py parse of the same files.

Both run as fresh processes in the same run, alternating (doclint with ``--no-cache``: a
cold run), and the best of N rounds is kept for each (the least disturbed by the rest of
the machine). The floor parses every file once with ``MarkdownIt("commonmark").enable(
"table")`` — what any markdown-it-py tool must at least do — and nothing else.

    python benchmarks/parse_ratio.py [FOLDER] [--rounds N] [--jobs N]

The default folder is the real book in ../shared/corpus, when present.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from speed import CORPUS, install_doclint, markdown_file_count, timed

BARE_PARSE = """
import os, sys
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark").enable("table")
for folder, folders, files in os.walk(sys.argv[1]):
    folders[:] = [f for f in folders if not f.startswith(".")]
    for name in files:
        if name.endswith((".md", ".markdown")):
            with open(os.path.join(folder, name), encoding="utf-8-sig") as handle:
                md.parse(handle.read())
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--doclint",
        help="the doclint to time (default: this working tree, installed by speed.py's way: "
        "the wheel built for this platform, compiled)",
    )
    parser.add_argument("--extra", nargs="*", default=[], help="more options for doclint check")
    args = parser.parse_args()
    if not args.folder.is_dir():
        sys.exit(f"no folder {args.folder} (pass one, or put ../shared/corpus in place)")
    files = markdown_file_count(args.folder)
    if args.doclint is None:
        args.doclint = install_doclint("doclint", compiled=True)
    doclint = [args.doclint, "check", "--quiet", "--no-cache", *args.extra, "."]
    # The parse runs in doclint's own environment, which has markdown-it-py for certain.
    beside = Path(args.doclint).parent / "python"
    bare = [str(beside) if beside.exists() else sys.executable, "-c", BARE_PARSE, "."]
    doclint_times, bare_times = [], []
    for _ in range(args.rounds):
        bare_times.append(timed(bare, args.folder, succeeded=(0,)))
        doclint_times.append(timed(doclint, args.folder))
    best_doclint, best_bare = min(doclint_times), min(bare_times)
    print(f"folder: {args.folder} ({files} markdown files), best of {args.rounds} rounds")
    print(f"bare markdown-it-py parse : {best_bare:6.3f} s")
    print(f"doclint check             : {best_doclint:6.3f} s")
    print(f"ratio doclint / bare parse: {best_doclint / best_bare:6.2f}")


if __name__ == "__main__":
    main()
