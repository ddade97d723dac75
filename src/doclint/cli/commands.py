"""The commands: parse options, call the engine, print, choose the exit code.

Exit codes: 0 nothing at or above the failing severity; 1 failing findings, or coverage
below ``--fail-under``; 2 a usage, configuration or input error, said in one line on
stderr, never a traceback. ``fix`` and ``check --fix`` count what the files hold once
fixed, and exit with 2 when a file could not be written; ``fix --diff`` writes nothing,
so it counts what they hold now.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from doclint import __version__
from doclint.cli.common import (
    EXIT_ERROR,
    EXIT_FAILED,
    EXIT_OK,
    DoclintGroup,
    base_option,
    colour_option,
    config_option,
    fail_on_option,
    failing_severity,
    ignore_option,
    jobs_option,
    load,
    report_file_errors,
    rule_list,
    select_option,
)
from doclint.cli.output import (
    CHECK_FORMATS,
    REPORT_FORMATS,
    html_templates,
    render_check,
    render_report,
    use_colour,
    write_html_report,
    write_if_changed,
)
from doclint.core.errors import DoclintError


@click.group(cls=DoclintGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="doclint")
def cli() -> None:
    """Lint markdown question books and track how complete they are."""


@cli.command()
@click.argument("paths", nargs=-1, type=str)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(CHECK_FORMATS)),
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
    from doclint.engine import api as engine
    from doclint.engine.external import ExternalRun

    config = load(config_path)
    chosen = {"select": rule_list(select), "ignore": rule_list(ignore), "jobs": jobs}
    progress = None
    if not quiet and sys.stderr.isatty():
        from doclint.cli.progress import ProgressBar

        progress = ProgressBar(sys.stderr, "external links")
    run = ExternalRun(
        enabled=external,
        allow_private=True if allow_private else None,
        use_cache=not no_cache,
        cache_dir=Path(cache_dir) if cache_dir else None,
        progress=progress,
    )
    if apply_fixes:
        from doclint.formats import fixes

        fixed, result = engine.fix_then_check(
            paths or (".",),
            config,
            base=base,
            external=run,
            use_cache=not no_cache,
            cache_dir=Path(cache_dir) if cache_dir else None,
            **chosen,
        )
        click.echo(fixes.render_fix(fixed, per_file=False, left=False), nl=False, err=True)
    else:
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
    output = render_check(result, output_format, quiet, use_colour(no_color))
    if output:
        click.echo(output, nl=False)
    report_file_errors(result.errors)
    threshold = failing_severity(fail_on, config)
    if result.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FAILED if result.failed(threshold) else EXIT_OK)


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
    from doclint.engine import api as engine
    from doclint.formats import fixes

    config = load(config_path)
    result = engine.fix(
        paths or (".",),
        config,
        select=rule_list(select),
        ignore=rule_list(ignore),
        jobs=jobs,
        write=not diff,
    )
    if diff:
        from doclint.engine.fixer import unified_diff

        for file_fix in result.changed:
            assert file_fix.original is not None and file_fix.fixed is not None
            click.echo(unified_diff(file_fix.display, file_fix.original, file_fix.fixed), nl=False)
    # With --diff, stdout is the patch alone (for `git apply`); the summary goes aside.
    click.echo(fixes.render_fix(result, dry_run=diff, per_file=not diff), nl=False, err=diff)
    report_file_errors(result.check.errors)
    threshold = failing_severity(fail_on, config)
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
    from doclint.engine import api as engine

    config = load(config_path)
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
    type=click.Choice([*REPORT_FORMATS, "html"]),
    default="text",
    show_default=True,
    help="Output format; html writes a site into --output.",
)
@click.option(
    "--output",
    "output_folder",
    metavar="DIR",
    default=None,
    help="With --format html: the folder to write the site into (default: doclint-report).",
)
@click.option(
    "--with-findings",
    is_flag=True,
    help="With --format html: also run check and list its findings on each chapter's page.",
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
    output_folder,
    with_findings,
) -> None:
    """Show which answers are written, per file and in total."""
    from doclint.engine import api as engine

    if fail_on_regression and base is None:
        raise DoclintError("--fail-on-regression needs --base REV to compare with")
    if output_format == "html":
        output_folder = output_folder or "doclint-report"
        templates = html_templates(Path(output_folder))  # before any work: it may refuse
    elif output_folder is not None or with_findings:
        raise DoclintError("--output and --with-findings are for --format html")
    config = load(config_path)
    paths = paths or (".",)
    revision = None
    if base is not None:
        from doclint.workspace.revision import open_revision

        revision = open_revision(base, Path.cwd())  # an unknown REV stops here, before work
    result = engine.report(paths, config, jobs=jobs)
    coverage = result.coverage
    comparison = None
    if revision is not None:
        from doclint.book.comparison import compare
        from doclint.engine.baseline import report_at_revision

        before = report_at_revision(revision, coverage, paths, config)
        comparison = compare(revision.name, revision.commit, before, coverage)
    if output_format == "html":
        findings = engine.check(paths, config, jobs=jobs).findings if with_findings else None
        written = write_html_report(
            coverage, comparison, findings, Path(output_folder), precision, config, templates
        )
        click.echo(written)
    else:
        click.echo(render_report(coverage, comparison, output_format, precision), nl=False)
    if badge_path is not None:
        from doclint.formats import badge

        svg = badge.render_badge(coverage.totals.coverage, precision)
        write_if_changed(badge_path, svg, "badge")
    report_file_errors(result.errors)
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
