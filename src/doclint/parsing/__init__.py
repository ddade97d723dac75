"""Parsing markdown into a Document, with the fastest parser installed.

markdown-it-py is the parser every install has. markdown-it-pyrs (the same parser's
Rust port, ``pip install doclint[fast]``) is used automatically when it is installed, for
the same facts several times faster; ``DOCLINT_PARSER=markdown-it-py`` (or ``…-pyrs``)
chooses one explicitly. A test proves both give identical findings on a whole real book.
"""

from __future__ import annotations

import os
from functools import lru_cache

from doclint.core.errors import DoclintError
from doclint.model.document import Document

PYTHON = "markdown-it-py"
RUST = "markdown-it-pyrs"


@lru_cache(maxsize=1)
def rust_available() -> bool:
    try:
        import markdown_it_pyrs  # noqa: F401
    except ImportError:
        return False
    return True


def chosen_parser(requested: str | None = None) -> str:
    name = requested or os.environ.get("DOCLINT_PARSER") or ""
    if name in ("", "auto"):
        return RUST if rust_available() else PYTHON
    if name == RUST and not rust_available():
        raise DoclintError("DOCLINT_PARSER=markdown-it-pyrs, but markdown-it-pyrs is not installed")
    if name not in (PYTHON, RUST):
        raise DoclintError(f'unknown parser "{name}"; use {PYTHON} or {RUST}')
    return name


def parse_document(text: str, path: str = "<text>", parser: str | None = None) -> Document:
    """Parse ``text`` once into a Document; ``parser`` names a front-end (else the chosen
    one). The front-ends are imported here, when first asked for, so that start-up pays
    only for the one used."""
    if chosen_parser(parser) == RUST:
        from doclint.parsing import rust_parser

        return rust_parser.build(text, path)
    from doclint.parsing import python_parser

    return python_parser.build(text, path)


def prepare() -> None:
    """Load the chosen parser now: processes forked after this share it, instead of each
    loading it again for its first file."""
    if chosen_parser() == RUST:
        from doclint.parsing import rust_parser

        rust_parser._markdown()
    else:
        from doclint.parsing import python_parser

        python_parser._shared_parser()


def read_link_text(label: str) -> str | None:
    """The text a reader sees for the link ``[label](#)``; None when that is not one link."""
    if chosen_parser() == RUST:
        from doclint.parsing import rust_parser

        return rust_parser.read_link_text(label)
    from doclint.parsing import python_parser

    return python_parser.read_link_text(label)
