"""Rendering a run in the format asked for, one function per format, and writing the
files a run writes beside its output (job summary, badge). Each format's module is
imported when it is asked for, so that start-up pays only for the one used."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from doclint import __version__
from doclint.core.errors import DoclintError


def use_colour(no_color: bool) -> bool:
    """Colour only on a terminal, and never with ``--no-color`` or ``NO_COLOR`` set."""
    return not no_color and not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def render_check(result, output_format: str, quiet: bool, colour: bool = False) -> str:
    return CHECK_FORMATS[output_format](result, quiet, colour)


def _text(result, quiet: bool, colour: bool) -> str:
    from doclint.formats import text

    return text.render_check(result, quiet=quiet, colour=colour)


def _json(result, quiet: bool, colour: bool) -> str:
    from doclint.formats import json as json_format

    return json_format.render_check(result)


def _repository_paths() -> tuple[Callable[[str], str], Path]:
    """Paths as CI services look for them: from the repository root, not from where
    doclint ran; and that root."""
    from doclint.config.discovery import repository_root
    from doclint.formats._paths import from_repository_root

    cwd = Path.cwd()
    root = repository_root(cwd) or cwd
    return partial(from_repository_root, cwd=cwd, root=root), root


def _github(result, quiet: bool, colour: bool) -> str:
    from doclint.formats import github

    repository_path, _ = _repository_paths()
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        append_to(summary_file, github.step_summary(result, repository_path), "job summary")
    outputs_file = os.environ.get("GITHUB_OUTPUT")
    if outputs_file:  # the counts, for later steps (and for action.yml's outputs)
        append_to(outputs_file, github.step_outputs(result), "step outputs")
    return github.render_check(
        result, repository_path, with_step_summary=bool(summary_file), quiet=quiet
    )


def _sarif(result, quiet: bool, colour: bool) -> str:
    from doclint.formats import sarif
    from doclint.rules.registry import all_rules

    repository_path, root = _repository_paths()
    return sarif.render_check(
        result,
        repository_path,
        rules=all_rules(),
        version=__version__,
        root=root,
        information_uri=_homepage(),
    )


def _junit(result, quiet: bool, colour: bool) -> str:
    from doclint.formats import junit

    return junit.render_check(result)


CHECK_FORMATS: dict[str, Callable[..., str]] = {
    "text": _text,
    "json": _json,
    "github": _github,
    "sarif": _sarif,
    "junit": _junit,
}


def render_report(coverage, comparison, output_format: str, precision: int) -> str:
    return REPORT_FORMATS[output_format](coverage, comparison, precision)


def _report_json(coverage, comparison, precision: int) -> str:
    from doclint.formats import json as json_format

    return json_format.render_report(coverage, comparison)


def _report_markdown(coverage, comparison, precision: int) -> str:
    from doclint.formats import markdown

    output = markdown.render_report(coverage, precision)
    if comparison is not None:
        output += "\n" + markdown.render_comparison(comparison, precision)
    return output


def _report_table(coverage, comparison, precision: int) -> str:
    from doclint.formats import table

    output = table.render_report(coverage, precision)
    if comparison is not None:
        output += "\n" + table.render_comparison(comparison, precision)
    return output


REPORT_FORMATS: dict[str, Callable[..., str]] = {
    "text": _report_table,
    "json": _report_json,
    "markdown": _report_markdown,
}


def html_templates(output: Path):
    """Jinja2's templates, once it is known that ``output`` may be (re)written."""
    from doclint.formats.html import environment
    from doclint.formats.sitefolder import check_replaceable

    templates = environment()
    check_replaceable(output)
    return templates


def write_html_report(
    coverage, comparison, findings, output: Path, precision: int, config, templates
) -> str:
    """Writes the HTML report into ``output``; returns what to tell the user."""
    from doclint.config.discovery import repository_root
    from doclint.formats.html import render_site
    from doclint.formats.sitefolder import write_site
    from doclint.workspace.sourcelinks import source_links

    cwd = Path.cwd()
    links = source_links(config.source_url, cwd, repository_root(cwd))
    site = render_site(coverage, comparison, findings, links, output, precision, templates)
    write_site(output, site)
    return f"Wrote the HTML report to {output / 'index.html'}"


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


def append_to(path: str, text: str, what: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as file:
            file.write(text)
    except OSError as error:
        raise DoclintError(f"cannot write the {what} to {path}: {error.strerror}") from None


def write_if_changed(path: str, text: str, what: str) -> None:
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
