"""What the commands share: exit codes, options, loading the configuration, and how a
usage or input error is shown (one line, exit code 2, never a traceback)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from doclint.core.errors import DoclintError

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


def rule_list(values: Sequence[str]) -> tuple[str, ...]:
    """``--select a,b --select c`` → ``("a", "b", "c")``."""
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


def load(config_path: str | None):
    from doclint.config.loading import load_config

    return load_config(Path(config_path) if config_path else None)


def report_file_errors(errors) -> None:
    for error in errors:
        click.echo(f"doclint: error: {error.path}: {error.message}", err=True)


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Configuration file (default: .doclint.yml or pyproject.toml, found upwards).",
)

colour_option = click.option(
    "--no-color", is_flag=True, help="No colour, even on a terminal (NO_COLOR does the same)."
)
select_option = click.option(
    "--select", multiple=True, help="Only these rules (comma-separated ids)."
)
ignore_option = click.option(
    "--ignore", multiple=True, help="Not these rules (comma-separated ids)."
)
fail_on_option = click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default=None,
    help="Lowest severity that fails the run (default: error, or fail-on in the config).",
)

jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, None),
    default=None,
    help="Parallel processes for many files (default: all cores).",
)


base_option = click.option(
    "--base",
    metavar="REV",
    default=None,
    help="Git revision to compare with (e.g. origin/main); it must be fetched.",
)


class InputProblem(click.ClickException):
    """A usage, configuration or input error, shown as one line; exit code 2."""

    exit_code = EXIT_ERROR

    def show(self, file=None) -> None:
        click.echo(f"doclint: error: {self.format_message()}", err=True)


# The commands that describe doclint rather than check a book (cli/reference.py).
REFERENCE_COMMANDS = ("lsp", "rules", "schema")


class DoclintGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DoclintError as error:
            raise InputProblem(str(error)) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *REFERENCE_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in REFERENCE_COMMANDS and cmd_name not in self.commands:
            # Imported here for start-up time: a check never needs these commands.
            from doclint.cli import reference

            self.add_command(getattr(reference, cmd_name))
        return super().get_command(ctx, cmd_name)


def failing_severity(fail_on: str | None, config):
    """The lowest severity that fails the run: ``--fail-on``, else the configuration's."""
    # Imported here for start-up time: `doclint --version` needs no findings.
    from doclint.core.findings import Severity

    return Severity.parse(fail_on) if fail_on else config.fail_on
