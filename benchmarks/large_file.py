"""One long chapter: doclint's time and peak memory against a bare markdown-it-py parse.

    python benchmarks/large_file.py [--sizes 10,30]

For each size (MB), the real book's files in ../shared/corpus are written one after another
into one chapter until it is that long, in a temporary folder whose ``.doclint.yml`` raises
``max-file-size`` above it. Timed there, one after another, each as a fresh process with
the peak resident memory of its processes: ``doclint check --no-cache`` installed as
speed.py installs it (compiled, and pure Python), the compiled one with
``DOCLINT_PARSER=markdown-it-py``, and a bare ``MarkdownIt("commonmark").enable("table")``
parse of the file, the least any markdown-it-py tool must do.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from speed import CORPUS, install_doclint, peak_memory_mb

BARE_PARSE = """
import sys
from markdown_it import MarkdownIt
with open(sys.argv[1], encoding="utf-8") as handle:
    MarkdownIt("commonmark").enable("table").parse(handle.read())
"""


def write_chapter(path: Path, size_mb: int) -> int:
    """The book's files, one after another, until ``size_mb`` MB; the number of bytes."""
    sources = [source.read_text(encoding="utf-8-sig") for source in sorted(CORPUS.rglob("*.md"))]
    wanted = size_mb * 1_000_000
    parts: list[str] = []
    written = 0
    while written < wanted:
        for text in sources:
            parts.append(text if text.endswith("\n") else text + "\n")
            written += len(parts[-1].encode("utf-8"))
            if written >= wanted:
                break
    path.write_text("".join(parts), encoding="utf-8")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,30", help="chapter sizes in MB (default 10,30)")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"{CORPUS} is not present")
    doclint = install_doclint("doclint", compiled=True)
    pure = install_doclint("doclint-pure", compiled=False)
    python = str(Path(doclint).parent / "python")
    for size in (int(size) for size in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            (work / ".doclint.yml").write_text(f"max-file-size: {2 * size}MB\n")
            written = write_chapter(work / "chapter.md", size)
            check = ["check", "--quiet", "--no-cache", "chapter.md"]
            measured = {
                "doclint check (compiled)": peak_memory_mb([doclint, *check], work),
                "doclint check (pure Python)": peak_memory_mb([pure, *check], work),
                "doclint check, markdown-it-py": peak_memory_mb(
                    ["env", "DOCLINT_PARSER=markdown-it-py", doclint, *check], work
                ),
                "bare markdown-it-py parse": peak_memory_mb(
                    [python, "-c", BARE_PARSE, "chapter.md"], work, succeeded=(0,)
                ),
            }
        megabytes = written / 1_000_000
        print(f"one chapter of {megabytes:.1f} MB (the book's files one after another)")
        for name, (elapsed, peak) in measured.items():
            print(
                f"  {name:31s}: {elapsed:7.2f} s ({elapsed / megabytes:.2f} s/MB), "
                f"peak {peak:7.0f} MB ({peak / megabytes:.0f}x the file)"
            )


if __name__ == "__main__":
    main()
