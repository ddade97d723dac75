"""``doclint lsp``: the language server. Only ``doclint lsp`` imports this package, so that
the other commands never load pygls."""

from __future__ import annotations

import importlib.util


def missing_dependency() -> str | None:
    """The package of the ``lsp`` extra that is not installed, if one is not."""
    for name in ("pygls", "lsprotocol"):
        if importlib.util.find_spec(name) is None:
            return name
    return None
