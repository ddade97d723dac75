"""Time ``doclint report --format html`` against ``doclint report --format json`` on a folder.

The HTML site (an index and a page per chapter) is to cost at most 1.5× the JSON report
of the same files: both measure every question; the site adds Jinja2's import, its
templates and the writing of the pages. Both run as fresh processes, taking turns round
after round, and the median of N rounds is kept for each, with the ratio per round.

    python benchmarks/html_report.py [FOLDER] [--rounds N] [--doclint PATH]

The default folder is the real book in ../shared/corpus, when present; the default
doclint is this working tree installed as speed.py installs it (compiled, ``[fast]``),
with Jinja2 added.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from speed import CORPUS, cpu_timed, install_doclint, markdown_file_count, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument(
        "--doclint",
        help="the doclint to time (default: this working tree, installed by speed.py's way)",
    )
    args = parser.parse_args()
    if not args.folder.is_dir():
        sys.exit(f"no folder {args.folder} (pass one, or put ../shared/corpus in place)")
    files = markdown_file_count(args.folder)
    if args.doclint is None:
        args.doclint = install_doclint("doclint", compiled=True)
        python = str(Path(args.doclint).parent / "python")
        subprocess.run([python, "-m", "pip", "install", "-q", "jinja2>=3.1"], check=True)
    elif os.sep in args.doclint:  # a path: it must name the program from the book's folder too
        args.doclint = os.path.abspath(args.doclint)
    with tempfile.TemporaryDirectory(prefix="doclint-html-bench-") as scratch:
        site = Path(scratch) / "site"
        as_json = [args.doclint, "report", "--format", "json", "."]
        as_html = [args.doclint, "report", "--format", "html", "--output", str(site), "."]
        timed(as_html, args.folder, succeeded=(0,))  # once first: the same warm disk for both
        json_runs, html_runs = [], []
        for _ in range(args.rounds):
            json_runs.append(cpu_timed(as_json, args.folder, succeeded=(0,)))
            html_runs.append(cpu_timed(as_html, args.folder, succeeded=(0,)))
        pages = len(list(site.glob("*.html")))
    print(f"folder: {args.folder} ({files} markdown files, {pages} pages), {args.rounds} rounds")
    for index, kind in ((0, "wall"), (1, "CPU")):
        json_times = [run[index] for run in json_runs]
        html_times = [run[index] for run in html_runs]
        ratios = sorted(h / j for h, j in zip(html_times, json_times, strict=True))
        json_median, html_median = statistics.median(json_times), statistics.median(html_times)
        print(f"{kind} time:")
        print(
            f"  report --format json : median {json_median:6.3f} s, best {min(json_times):6.3f} s"
        )
        print(
            f"  report --format html : median {html_median:6.3f} s, best {min(html_times):6.3f} s"
        )
        print(
            f"  ratio html / json    : {html_median / json_median:6.2f} (medians); per round: "
            f"min {ratios[0]:.2f}, median {statistics.median(ratios):.2f}, max {ratios[-1]:.2f}"
        )
    print("target (wall, medians): 1.50")


if __name__ == "__main__":
    main()
