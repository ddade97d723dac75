"""The acceptance numbers, measured on the real chapter and the real book in ../shared.

Skipped when ../shared is absent (a fresh clone elsewhere); nothing is copied into the
repository: the chapter is copied into a temporary folder, the book is read in place.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest

from doclint.config.loading import load_config
from doclint.engine import api as engine
from doclint.model.anchors import resolves
from doclint.parsing import parse_document

from .conftest import CORPUS, needs, run_doclint


def test_seed_chapter_check(seed_copy: Path) -> None:
    result = run_doclint("check", "--format", "json", "chapter.md", cwd=seed_copy.parent)
    assert result.returncode == 1
    findings = json.loads(result.stdout)["findings"]
    lines = {
        rule: [f["line"] for f in findings if f["rule"] == rule]
        for rule in (
            "empty-answer",
            "missing-image",
            "duplicate-list-entry",
            "toc-anchor",
            "dead-link",
            "duplicate-anchor",
        )
    }
    assert lines["empty-answer"] == list(range(297, 355, 3))
    assert len(lines["empty-answer"]) == 20
    assert lines["missing-image"] == [54, 61, 76, 78, 122, 248, 252, 257]
    assert lines["duplicate-list-entry"] == [99]
    duplicate = next(f for f in findings if f["rule"] == "duplicate-list-entry")
    assert "line 96" in duplicate["message"]
    assert lines["toc-anchor"] == lines["dead-link"] == lines["duplicate-anchor"] == []


def test_seed_chapter_report(seed_copy: Path) -> None:
    result = run_doclint("report", "--format", "json", "chapter.md", cwd=seed_copy.parent)
    total = json.loads(result.stdout)["total"]
    assert (
        total["questions"],
        total["answered"],
        total["empty"],
        total["stub"],
        total["missing"],
    ) == (35, 15, 20, 0, 0)
    assert round(total["coverage"], 1) == 42.9


@pytest.fixture(scope="module")
def corpus_result():
    if not CORPUS.exists():
        pytest.skip(f"{CORPUS} is not present")
    return engine.check(["."], load_config(cwd=CORPUS), cwd=CORPUS)


def _source_lines(path: str) -> list[str]:
    return (CORPUS / path).read_text(encoding="utf-8-sig").replace("\r\n", "\n").split("\n")


@needs(CORPUS)
def test_corpus_in_page_fragments(corpus_result) -> None:
    config = load_config(cwd=CORPUS)
    fragment_links = 0
    user_content_resolved = 0
    for path in sorted(CORPUS.rglob("*.md")):
        doc = parse_document(path.read_text(encoding="utf-8-sig"), str(path))
        for link in doc.links:
            if link.kind == "link" and link.syntax == "inline" and link.is_in_page:
                fragment_links += 1
                if unquote(link.target).startswith("#user-content-") and doc.resolves(
                    link.target[1:]
                ):
                    user_content_resolved += 1
    assert config is not None
    assert fragment_links == 1574
    assert user_content_resolved == 413
    toc_anchor = [f for f in corpus_result.findings if f.rule == "toc-anchor"]
    assert len(toc_anchor) == 142
    with_suggestion = [f for f in toc_anchor if f.suggestion]
    assert len(with_suggestion) >= 90
    for finding in with_suggestion:
        doc = parse_document("\n".join(_source_lines(finding.path)))
        assert resolves(finding.suggestion[1:], doc.anchors), finding


@needs(CORPUS)
def test_corpus_images(corpus_result) -> None:
    missing = [f for f in corpus_result.findings if f.rule == "missing-image"]
    kinds = Counter(
        "space"
        if "holds a space" in f.message
        else "drive"
        if "Windows drive path" in f.message
        else "missing"
        for f in missing
    )
    assert kinds == {"missing": 20, "space": 10, "drive": 1}
    assert all(
        "<" in f.message and ">" in f.message for f in missing if "holds a space" in f.message
    )


@needs(CORPUS)
def test_corpus_forgotten_hashes(corpus_result) -> None:
    dead = [f for f in corpus_result.findings if f.rule == "dead-link"]
    assert len(dead) == 13
    assert all(
        f.suggestion and f.suggestion.startswith("#") and "lost its #" in f.message for f in dead
    )


@needs(CORPUS)
def test_corpus_positions_point_at_the_link_or_image(corpus_result) -> None:
    for finding in corpus_result.findings:
        if finding.rule in ("toc-anchor", "dead-link", "missing-image", "image-alt"):
            line = _source_lines(finding.path)[finding.line - 1]
            assert re.match(r"!?\[|<", line[finding.column - 1 :]), finding
