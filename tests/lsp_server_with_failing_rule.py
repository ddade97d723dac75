"""``doclint lsp`` with the ``toc-anchor`` rule made to raise on every document.

For ``test_lsp_robustness``: a rule that fails must be logged while the others still
report. The rule is replaced before the server starts (and before any configuration is
read), so the server process sees it as one of its own rules.
"""

from __future__ import annotations

import dataclasses

from doclint.rules import toc_anchor


def _raise(*_arguments: object) -> None:
    raise RuntimeError("toc-anchor broken on purpose by the test")


toc_anchor.SPEC = dataclasses.replace(toc_anchor.SPEC, check=_raise)

if __name__ == "__main__":
    from doclint.cli.main import main

    main(["lsp"])
