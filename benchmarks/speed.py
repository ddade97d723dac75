"""doclint's speed against the tools people use, measured side by side in one run.

    python benchmarks/speed.py [--rounds N] [--skip-10k]

Prints, for the real book in ../shared/corpus (118 files):
- cold: ``doclint check --no-cache`` against mdlinkcheck and markdownlint-cli2 (ratios);
- warm: a repeat ``doclint check`` over unchanged files (the result cache);
- one chapter: ``doclint check`` on the seed chapter alone;
- 10,000 files: the book copied 85 times; wall time against 85 × the cold corpus time, and
  the peak memory of the doclint processes.

Every tool is installed the way its users install it, into ``benchmarks/.tools``:
mdlinkcheck from PyPI and markdownlint-cli2 from npm on first use, and doclint from this
working tree (with ``[fast]``) on every run, by pip, which compiles its modules to bytecode
as it does for any user (an editable install started from source would pay for compiling
them on every run). doclint is installed twice: as the wheel built for this platform, its
parse front-end compiled with mypyc (``DOCLINT_COMPILE=1``, as release wheels are to
be built), which every number is measured on; and as the pure-Python wheel any platform
builds, timed cold beside it. Nothing is timed inside the test suite.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOLS = HERE / ".tools"
SHARED = HERE.parent.parent / "shared"
CORPUS = SHARED / "corpus" / "interview-for-algorithm-engineer"
SEED = SHARED / "seed" / "ai-painting-models-chapter.md"
REPOSITORY = HERE.parent


def install_doclint(name: str, compiled: bool) -> str:
    """doclint as this working tree is now, installed as users install it: compiled (the
    wheel built for this platform) or pure Python."""
    venv = TOOLS / name
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    pip.append("--disable-pip-version-check")
    if not (venv / "bin" / "doclint").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([*pip, f"{REPOSITORY}[fast]"], check=True)
    subprocess.run(
        [*pip, "--force-reinstall", "--no-deps", str(REPOSITORY)],
        check=True,
        env={
            **os.environ,
            "PYTHONDONTWRITEBYTECODE": "",
            "DOCLINT_COMPILE": "1" if compiled else "",
        },
    )
    return str(venv / "bin" / "doclint")


def install_tools() -> tuple[list[str], list[str]]:
    python_tools = TOOLS / "venv"
    if not (python_tools / "bin" / "mdlinkcheck").exists():
        subprocess.run([sys.executable, "-m", "venv", str(python_tools)], check=True)
        subprocess.run(
            [str(python_tools / "bin" / "pip"), "install", "-q", "mdlinkcheck"], check=True
        )
    node_tools = TOOLS / "node"
    cli2 = node_tools / "node_modules" / ".bin" / "markdownlint-cli2"
    if not cli2.exists():
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(node_tools), "markdownlint-cli2"],
            check=True,
        )
    return [str(python_tools / "bin" / "mdlinkcheck"), "."], [str(cli2), "**/*.md"]


def markdown_file_count(folder: Path) -> int:
    """How many markdown files a run over ``folder`` reads."""
    return sum(
        1
        for _, _, names in os.walk(folder)
        for name in names
        if name.endswith((".md", ".markdown"))
    )


def timed(
    command: list[str],
    cwd: Path,
    succeeded: tuple[int, ...] = (0, 1),
    env: dict[str, str] | None = None,
) -> float:
    """Wall time of ``command``; ``succeeded``: the exit codes of a run that did its work
    (doclint's 1: findings)."""
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if completed.returncode not in succeeded:
        sys.exit(f"{command[0]} failed ({completed.returncode}): {completed.stderr[-500:]!r}")
    return elapsed


def cpu_timed(
    command: list[str],
    cwd: Path,
    succeeded: tuple[int, ...] = (0, 1),
    env: dict[str, str] | None = None,
) -> tuple[float, float]:
    """Wall time and CPU time (user + system, of the process and its workers): on a shared
    machine the CPU time moves less with what the other users run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed(command, cwd, succeeded, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def best(command: list[str], cwd: Path, rounds: int) -> float:
    return min(timed(command, cwd) for _ in range(rounds))


def interleaved(commands: list[list[str]], cwd: Path, rounds: int) -> list[list[float]]:
    """Each command's time in each round, taking turns round after round, so that a slower
    spell of the machine falls on every tool alike rather than on one."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(rounds):
        for index, command in enumerate(commands):
            times[index].append(timed(command, cwd))
    return times


def spread(ours: list[float], theirs: list[float]) -> str:
    """The ratio of the two tools' times round by round: how far one best-of ratio can
    move on this machine."""
    ratios = sorted(mine / other for mine, other in zip(ours, theirs, strict=True))
    return (
        f"per round: min {ratios[0]:.2f}, median {statistics.median(ratios):.2f}, "
        f"max {ratios[-1]:.2f}"
    )


_PEAK = """
import resource, subprocess, sys, time
start = time.perf_counter()
completed = subprocess.run(sys.argv[1:], capture_output=True)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(completed.returncode, elapsed, peak)
"""


def peak_memory_mb(
    command: list[str], cwd: Path, succeeded: tuple[int, ...] = (0, 1)
) -> tuple[float, float]:
    """Wall time and the largest resident set of the command's processes, in MB. Measured
    from a fresh process, whose children are only these (ours ran the other tools).
    ``succeeded``: the exit codes of a run that did its work (doclint's 1: findings)."""
    completed = subprocess.run(
        [sys.executable, "-c", _PEAK, *command], cwd=cwd, capture_output=True, text=True
    )
    returncode, elapsed, peak = completed.stdout.split()
    if int(returncode) not in succeeded:
        sys.exit(f"{command[0]} failed ({returncode})")
    return float(elapsed), float(peak)


def ten_thousand_files(folder: Path) -> int:
    sources = sorted(CORPUS.rglob("*.md"))
    count = 0
    for copy in range(85):
        for source in sources:
            target = folder / f"copy{copy:02d}" / source.relative_to(CORPUS)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-10k", action="store_true")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"{CORPUS} is not present")
    mdlinkcheck, markdownlint = install_tools()
    doclint = install_doclint("doclint", compiled=True)
    pure = install_doclint("doclint-pure", compiled=False)
    cache = Path(tempfile.mkdtemp(prefix="doclint-bench-cache-"))
    check = [doclint, "check", "--quiet", "--cache-dir", str(cache)]

    cold_check = [*check, "--no-cache", "."]
    pure_check = [pure, "check", "--quiet", "--no-cache", "."]
    rounds = interleaved([cold_check, pure_check, mdlinkcheck, markdownlint], CORPUS, args.rounds)
    cold, cold_pure, peer, lint = map(min, rounds)
    timed([*check, "."], CORPUS)  # fill the cache
    warm = best([*check, "."], CORPUS, args.rounds)
    with tempfile.TemporaryDirectory() as alone:
        shutil.copyfile(SEED, Path(alone) / "chapter.md")
        one = best(
            [doclint, "check", "--quiet", "--no-cache", "chapter.md"], Path(alone), args.rounds
        )

    print(
        f"corpus: {CORPUS} (118 files), best of {args.rounds} rounds taken in turns, "
        f"{os.cpu_count()} cores"
    )
    print(f"doclint check, cold (--no-cache) : {cold:7.3f} s   (wheel compiled with mypyc)")
    print(
        f"mdlinkcheck                      : {peer:7.3f} s   doclint/mdlinkcheck = "
        f"{cold / peer:.2f} (target <= 1.0)"
    )
    print(f"{'':35s}{spread(rounds[0], rounds[2])}")
    print(
        f"doclint check, cold, pure Python : {cold_pure:7.3f} s   doclint/mdlinkcheck = "
        f"{cold_pure / peer:.2f}"
    )
    print(f"{'':35s}{spread(rounds[1], rounds[2])}")
    print(
        f"markdownlint-cli2                : {lint:7.3f} s   doclint/markdownlint-cli2 = "
        f"{cold / lint:.3f} (target <= 0.1)"
    )
    print(f"doclint check, warm (cache)      : {warm:7.3f} s   (target <= 0.3)")
    print(f"doclint check, one chapter       : {one:7.3f} s   (target <= 0.35)")

    if not args.skip_10k:
        with tempfile.TemporaryDirectory() as big:
            files = ten_thousand_files(Path(big))
            elapsed, peak = peak_memory_mb([*check, "--no-cache", "."], Path(big))
            print(
                f"{files} files, cold             : {elapsed:7.3f} s   vs 85 x corpus = "
                f"{85 * cold:.3f} s, ratio {elapsed / (85 * cold):.2f} (target <= 1.2)"
            )
            print(f"peak memory of one doclint process: {peak:7.1f} MB (target < 200)")
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
