"""The command line: parse options, call the library, print, choose the exit code.

Exit codes: 0 nothing at or above the failing severity; 1 failing findings, or coverage
below ``--fail-under``; 2 a usage, configuration or input error, said in one line on
stderr, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from . import __version__
from .errors import DoclintError
from .findings import Severity

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


def _rule_list(values: Sequence[str]) -> tuple[str, ...]:
    """``--select a,b --select c`` → ``("a", "b", "c")``."""
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


def _load(config_path: str | None):
    from .config import load_config

    return load_config(Path(config_path) if config_path else None)


def _report_file_errors(errors) -> None:
    for error in errors:
        click.echo(f"doclint: error: {error.path}: {error.message}", err=True)


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Configuration file (default: .doclint.yml or pyproject.toml, found upwards).",
)

jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, None),
    default=None,
    help="Parallel processes for many files (default: all cores).",
)


class InputProblem(click.ClickException):
    """A usage, configuration or input error, shown as one line; exit code 2."""

    exit_code = EXIT_ERROR

    def show(self, file=None) -> None:
        click.echo(f"doclint: error: {self.format_message()}", err=True)


class DoclintGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DoclintError as error:
            raise InputProblem(str(error)) from None


@click.group(cls=DoclintGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="doclint")
def cli() -> None:
    """Lint markdown question books and track how complete they are."""


@cli.command()
@click.argument("paths", nargs=-1, type=str)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--select", multiple=True, help="Only these rules (comma-separated ids).")
@click.option("--ignore", multiple=True, help="Not these rules (comma-separated ids).")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default=None,
    help="Lowest severity that fails the run (default: error, or fail-on in the config).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option(
    "--external/--no-external",
    default=None,
    help="Check http(s) links and images too (default: `external` of dead-link, off).",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Also check links whose host has a loopback, private or link-local address.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the link cache.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder of the link cache (default: doclint's folder in the user's cache).",
)
@jobs_option
@config_option
def check(
    paths,
    output_format,
    select,
    ignore,
    fail_on,
    quiet,
    external,
    allow_private,
    no_cache,
    cache_dir,
    jobs,
    config_path,
) -> None:
    """Check markdown files (default: the current folder) and report findings."""
    from . import engine
    from .external import ExternalRun

    config = _load(config_path)
    progress = None
    if not quiet and sys.stderr.isatty():
        from .progress import ProgressBar

        progress = ProgressBar(sys.stderr, "external links")
    run = ExternalRun(
        enabled=external,
        allow_private=True if allow_private else None,
        use_cache=not no_cache,
        cache_dir=Path(cache_dir) if cache_dir else None,
        progress=progress,
    )
    result = engine.check(
        paths or (".",),
        config,
        select=_rule_list(select),
        ignore=_rule_list(ignore),
        jobs=jobs,
        external=run,
    )
    if progress is not None:
        progress.close()
    for notice in result.notices:
        click.echo(f"doclint: warning: {notice}", err=True)
    if output_format == "json":
        from .formats import json as json_format

        click.echo(json_format.render_check(result), nl=False)
    else:
        from .formats import text

        output = text.render_check(result, quiet=quiet)
        if output:
            click.echo(output, nl=False)
    _report_file_errors(result.errors)
    threshold = Severity.parse(fail_on) if fail_on else config.fail_on
    if result.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FAILED if result.failed(threshold) else EXIT_OK)


@cli.command()
@click.argument("paths", nargs=-1, type=str)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    default=None,
    help="Exit with 1 when total coverage is below this percentage (compared unrounded).",
)
@click.option(
    "--precision",
    type=click.IntRange(0, 6),
    default=1,
    show_default=True,
    help="Decimal places of percentages.",
)
@jobs_option
@config_option
def report(paths, output_format, fail_under, precision, jobs, config_path) -> None:
    """Show which answers are written, per file and in total."""
    from . import engine

    config = _load(config_path)
    result = engine.report(paths or (".",), config, jobs=jobs)
    coverage = result.coverage
    if output_format == "json":
        from .formats import json as json_format

        click.echo(json_format.render_report(coverage), nl=False)
    elif output_format == "markdown":
        from .formats import markdown

        click.echo(markdown.render_report(coverage, precision), nl=False)
    else:
        from .formats import table

        click.echo(table.render_report(coverage, precision), nl=False)
    _report_file_errors(result.errors)
    if result.errors:
        sys.exit(EXIT_ERROR)
    total = coverage.totals.coverage
    if fail_under is not None and total < fail_under:
        click.echo(
            f"doclint: coverage {total:.3f}% is below --fail-under {fail_under:g}%", err=True
        )
        sys.exit(EXIT_FAILED)
    sys.exit(EXIT_OK)


@cli.command()
@click.argument("rule_id", required=False)
def rules(rule_id: str | None) -> None:
    """List the rules, or show one rule's documentation."""
    from .config import option_defaults
    from .registry import all_rules

    specs = all_rules()
    if rule_id is None:
        width = max(len(spec_id) for spec_id in specs)
        for spec in specs.values():
            fixable = "fixable" if spec.fixable else "       "
            click.echo(f"{spec.id:<{width}}  {spec.severity!s:<7}  {fixable}  {spec.summary}")
        return
    if rule_id not in specs:
        import difflib

        close = difflib.get_close_matches(rule_id, list(specs), n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        raise DoclintError(f'unknown rule "{rule_id}"{hint}; `doclint rules` lists them')
    spec = specs[rule_id]
    click.echo(f"# {spec.id}\n")
    click.echo(f"{spec.summary}.\n")
    click.echo(f"Default severity: {spec.severity}. Fixable: {'yes' if spec.fixable else 'no'}.\n")
    click.echo(spec.doc.strip())
    defaults = option_defaults(spec)
    if defaults:
        click.echo("\n## Defaults")
        for name, value in defaults.items():
            click.echo(f"- `{name}`: {value!r}")


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
