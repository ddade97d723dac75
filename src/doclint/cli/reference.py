"""The commands that describe doclint rather than check a book: ``doclint rules``,
``doclint schema`` and ``doclint lsp``, the language server for editors."""

from __future__ import annotations

import click

from doclint.core.errors import DoclintError


@click.command()
@click.argument("rule_id", required=False)
def rules(rule_id: str | None) -> None:
    """List the rules, or show one rule's documentation, options and their defaults."""
    from doclint.rules.documentation import rule_markdown
    from doclint.rules.registry import all_rules

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
    click.echo(rule_markdown(specs[rule_id]), nl=False)


@click.command()
def schema() -> None:
    """Print the JSON Schema of the configuration (.doclint.yml), for editors and CI."""
    from doclint.config.schema import schema_text

    click.echo(schema_text(), nl=False)


@click.command()
def lsp() -> None:
    """Run the language server on stdin and stdout (for editors)."""
    # Imported here, not at the top of the module: pygls is an optional extra, and its
    # start-up time is paid by this command alone (``doclint check`` never loads it).
    from doclint.lsp import missing_dependency

    missing = missing_dependency()
    if missing is not None:
        raise DoclintError(f"`doclint lsp` needs {missing}: pip install 'doclint[lsp]'")
    from doclint.lsp.start import serve

    serve()
