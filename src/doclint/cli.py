"""The command line: parse options, call the library, print, choose the exit code.

Exit codes: 0 nothing at or above the failing severity; 1 failing findings, or coverage
below ``--fail-under``; 2 a usage, configuration or input error, said in one line on
stderr, never a traceback. ``fix`` and ``check --fix`` count what the files hold once
fixed, and exit with 2 when a file could not be written; ``fix --diff`` writes nothing,
so it counts what they hold now.
"""

from __future__ import annotations

import contextlib
import gc
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
    type=click.Choice(["text", "json", "github", "sarif", "junit"]),
    default="text",
    show_default=True,
    help="Output format: github prints workflow-command annotations (and appends a table "
    "to $GITHUB_STEP_SUMMARY when set), sarif is for code scanning, junit for test reports.",
)
@select_option
@ignore_option
@fail_on_option
@base_option
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option(
    "--fix",
    "apply_fixes",
    is_flag=True,
    help="Apply every available fix first (as `doclint fix`), then report what is left.",
)
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
@click.option(
    "--no-cache", is_flag=True, help="Neither read nor write doclint's caches (results, links)."
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder of doclint's caches (default: doclint's folder in the user's cache).",
)
@colour_option
@jobs_option
@config_option
def check(
    paths,
    output_format,
    select,
    ignore,
    fail_on,
    base,
    quiet,
    apply_fixes,
    external,
    allow_private,
    no_cache,
    cache_dir,
    no_color,
    jobs,
    config_path,
) -> None:
    """Check markdown files (default: the current folder) and report findings."""
    from . import engine
    from .external import ExternalRun, wanted

    config = _load(config_path)
    chosen = {"select": _rule_list(select), "ignore": _rule_list(ignore), "jobs": jobs}
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
    if apply_fixes:
        from .formats import fixes

        fixed = engine.fix(paths or (".",), config, **chosen)
        click.echo(fixes.render_fix(fixed, per_file=False, left=False), nl=False, err=True)
        result = fixed.check
    # After fixing, the files are checked again only for what fix does not look at.
    if (
        not apply_fixes
        or base is not None
        or wanted(config, chosen["select"], chosen["ignore"], run)
    ):
        result = engine.check(
            paths or (".",),
            config,
            base=base,
            external=run,
            use_cache=not no_cache,
            cache_dir=Path(cache_dir) if cache_dir else None,
            **chosen,
        )
    if progress is not None:
        progress.close()
    for notice in result.notices:
        click.echo(f"doclint: warning: {notice}", err=True)
    output = _render_check(result, output_format, quiet, _use_colour(no_color))
    if output:
        click.echo(output, nl=False)
    _report_file_errors(result.errors)
    threshold = Severity.parse(fail_on) if fail_on else config.fail_on
    if result.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FAILED if result.failed(threshold) else EXIT_OK)


def _use_colour(no_color: bool) -> bool:
    """Colour only on a terminal, and never with ``--no-color`` or ``NO_COLOR`` set."""
    return not no_color and not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def _render_check(result, output_format: str, quiet: bool, colour: bool = False) -> str:
    if output_format == "json":
        from .formats import json as json_format

        return json_format.render_check(result)
    if output_format in ("github", "sarif"):
        from functools import partial

        from .config import repository_root
        from .formats._paths import from_repository_root

        # CI services look for files from the repository root, not from where doclint ran.
        cwd = Path.cwd()
        root = repository_root(cwd) or cwd
        repository_path = partial(from_repository_root, cwd=cwd, root=root)
    if output_format == "github":
        from .formats import github

        summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary_file:
            _append(summary_file, github.step_summary(result, repository_path), "job summary")
        return github.render_check(
            result, repository_path, with_step_summary=bool(summary_file), quiet=quiet
        )
    if output_format == "sarif":
        from .formats import sarif
        from .registry import all_rules

        return sarif.render_check(
            result,
            repository_path,
            rules=all_rules(),
            version=__version__,
            root=root,
            information_uri=_homepage(),
        )
    if output_format == "junit":
        from .formats import junit

        return junit.render_check(result)
    from .formats import text

    return text.render_check(result, quiet=quiet, colour=colour)


def _homepage() -> str | None:
    """The project URL the installed package declares, if any."""
    from importlib import metadata

    try:
        urls = metadata.metadata("doclint").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "source", "repository"):
            return url.strip()
    return None


def _append(path: str, text: str, what: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as file:
            file.write(text)
    except OSError as error:
        raise DoclintError(f"cannot write the {what} to {path}: {error.strerror}") from None


def _write_if_changed(path: str, text: str, what: str) -> None:
    """Leave the file alone when it already says this, so that a hook does not loop."""
    try:
        with open(path, encoding="utf-8") as file:
            if file.read() == text:
                return
    except (OSError, UnicodeDecodeError):
        pass  # missing or unreadable: written below, or the write says why not
    try:
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
    except OSError as error:
        raise DoclintError(f"cannot write the {what} to {path}: {error.strerror}") from None


@cli.command()
@click.argument("paths", nargs=-1, type=str)
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@select_option
@ignore_option
@fail_on_option
@jobs_option
@config_option
def fix(paths, diff, select, ignore, fail_on, jobs, config_path) -> None:
    """Apply every available fix (default: the current folder), and say what is left.

    Exit codes as for check, on the files as this leaves them: 0 nothing fails; 1
    findings that fail (with --diff, which writes nothing, fixable ones too); 2 a usage
    or input error, or a file that could not be written.
    """
    from . import engine
    from .formats import fixes

    config = _load(config_path)
    result = engine.fix(
        paths or (".",),
        config,
        select=_rule_list(select),
        ignore=_rule_list(ignore),
        jobs=jobs,
        write=not diff,
    )
    if diff:
        from .fixer import unified_diff

        for file_fix in result.changed:
            assert file_fix.original is not None and file_fix.fixed is not None
            click.echo(unified_diff(file_fix.display, file_fix.original, file_fix.fixed), nl=False)
    # With --diff, stdout is the patch alone (for `git apply`); the summary goes aside.
    click.echo(fixes.render_fix(result, dry_run=diff, per_file=not diff), nl=False, err=diff)
    _report_file_errors(result.check.errors)
    threshold = Severity.parse(fail_on) if fail_on else config.fail_on
    if result.check.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FAILED if result.failed(threshold) else EXIT_OK)


@cli.command()
@click.argument("file", type=str)
@click.option(
    "--write",
    is_flag=True,
    help="Write the TOC into FILE between <!-- doclint-toc --> and <!-- /doclint-toc -->.",
)
@config_option
def toc(file, write, config_path) -> None:
    """Print a TOC of FILE's questions, linked the way the file links (or write it in)."""
    from . import engine

    config = _load(config_path)
    result = engine.table_of_contents(file, config, write=write)
    for heading in result.unlinked:
        click.echo(
            f'doclint: warning: {file}:{heading.line}: no link reaches "{heading.text}" alone '
            "(no anchor, or an earlier element has it); left out",
            err=True,
        )
    if not write:
        click.echo("".join(line + "\n" for line in result.lines), nl=False)
    else:
        click.echo(f"{file}: TOC {'written' if result.written else 'already up to date'}")


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
@base_option
@click.option(
    "--fail-on-regression",
    is_flag=True,
    help="With --base: exit with 1 when total coverage is lower than at that revision.",
)
@click.option(
    "--badge",
    "badge_path",
    metavar="PATH.svg",
    default=None,
    help="Also write an SVG coverage badge (rewritten only when it would change).",
)
@jobs_option
@config_option
def report(
    paths,
    output_format,
    fail_under,
    precision,
    base,
    fail_on_regression,
    badge_path,
    jobs,
    config_path,
) -> None:
    """Show which answers are written, per file and in total."""
    from . import engine

    if fail_on_regression and base is None:
        raise DoclintError("--fail-on-regression needs --base REV to compare with")
    config = _load(config_path)
    paths = paths or (".",)
    revision = None
    if base is not None:
        from .revision import open_revision

        revision = open_revision(base, Path.cwd())  # an unknown REV stops here, before work
    result = engine.report(paths, config, jobs=jobs)
    coverage = result.coverage
    comparison = None
    if revision is not None:
        from .comparison import compare

        before = engine.report_at_revision(revision, coverage, paths, config)
        comparison = compare(revision.name, revision.commit, before, coverage)
    click.echo(_render_report(coverage, comparison, output_format, precision), nl=False)
    if badge_path is not None:
        from .formats import badge

        svg = badge.render_badge(coverage.totals.coverage, precision)
        _write_if_changed(badge_path, svg, "badge")
    _report_file_errors(result.errors)
    if result.errors:
        sys.exit(EXIT_ERROR)
    total = coverage.totals.coverage
    if fail_under is not None and total < fail_under:
        click.echo(
            f"doclint: coverage {total:.3f}% is below --fail-under {fail_under:g}%", err=True
        )
        sys.exit(EXIT_FAILED)
    if fail_on_regression and comparison is not None and comparison.regressed:
        click.echo(
            f"doclint: coverage fell from {comparison.before.coverage:.3f}% at {base} "
            f"to {comparison.after.coverage:.3f}%",
            err=True,
        )
        sys.exit(EXIT_FAILED)
    sys.exit(EXIT_OK)


def _render_report(coverage, comparison, output_format: str, precision: int) -> str:
    if output_format == "json":
        from .formats import json as json_format

        return json_format.render_report(coverage, comparison)
    if output_format == "markdown":
        from .formats import markdown

        output = markdown.render_report(coverage, precision)
        if comparison is not None:
            output += "\n" + markdown.render_comparison(comparison, precision)
        return output
    from .formats import table

    output = table.render_report(coverage, precision)
    if comparison is not None:
        output += "\n" + table.render_comparison(comparison, precision)
    return output


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


@cli.command()
def lsp() -> None:
    """Run the language server on stdin and stdout (for editors)."""
    # Imported here, not at the top of the module: pygls is an optional extra, and its
    # start-up time is paid by this command alone (``doclint check`` never loads it).
    try:
        from .lsp.server import serve
    except ModuleNotFoundError as error:
        missing = (error.name or "").split(".")[0]
        if missing not in ("pygls", "lsprotocol"):
            raise
        raise InputProblem(f"`doclint lsp` needs {missing}: pip install 'doclint[lsp]'") from None
    serve()


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
