"""The ``doclint`` command's entry point: run the commands and turn every failure into a
message and an exit code.

Exit codes: 0 nothing at or above the failing severity; 1 failing findings, or coverage
below ``--fail-under``; 2 a usage, configuration or input error, said in one line on
stderr, never a traceback.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Sequence

import click

from doclint.cli.commands import cli
from doclint.cli.common import EXIT_ERROR, EXIT_OK


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI and turn every failure into a message and an exit code."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="doclint",
            standalone_mode=False,
        )
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)
    except click.exceptions.Abort:
        click.echo("doclint: aborted", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as error:
        error.show()
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        # The reader (``| head``) went away; say nothing more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_ERROR)
    except OSError as error:  # the system refused, not a fault of doclint: a full disk
        if os.environ.get("DOCLINT_TRACEBACK"):
            raise
        with contextlib.suppress(OSError):
            click.echo(f"doclint: error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as error:
        if os.environ.get("DOCLINT_TRACEBACK"):
            raise
        click.echo(
            f"doclint: internal error: {type(error).__name__}: {error} "
            "(set DOCLINT_TRACEBACK=1 to see where; please report it)",
            err=True,
        )
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_OK)


def run() -> None:
    """The ``doclint`` command: ``main()``, then an exit that skips the interpreter's
    teardown. Freeing every module and object of a finished check takes 15-30 ms, as long
    as a tenth of the check of a whole book, and nothing is left to clean up: caches and
    worker processes are closed before ``main`` returns, and the output is flushed here."""
    # A check makes many short-lived objects and almost no reference cycles: looking for
    # cycles every 700 allocations (the default) costs 1% of the check of a book.
    gc.set_threshold(50_000, 10, 10)
    try:
        main()
        code = EXIT_OK
    except SystemExit as exit_:
        if exit_.code is not None and not isinstance(exit_.code, int):
            raise
        code = exit_.code or EXIT_OK
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = EXIT_ERROR  # the reader went away, as in main()
    except OSError as error:  # a full disk under a redirect: the output is cut short
        with contextlib.suppress(OSError):
            os.write(2, f"doclint: error: cannot write the output: {error.strerror}\n".encode())
        code = EXIT_ERROR
    os._exit(code)
