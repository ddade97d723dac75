"""``doclint lsp`` on what goes wrong: a rule that raises, files that are not text, an
untitled buffer, a 5 MB chapter, and starting without the lsp extra."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO, SEED, needs

pytest.importorskip("pytest_lsp", reason="the lsp extra (pygls, pytest-lsp) is not installed")

from lsprotocol import types

from .lsp_support import as_findings, findings_of, running_server

CHAPTER = "01-neural-networks.md"
FAILING_RULE_SERVER = [
    sys.executable,
    str(Path(__file__).with_name("lsp_server_with_failing_rule.py")),
]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    folder = tmp_path / "book"
    shutil.copytree(REPO / "examples" / "book", folder)
    return folder


async def still_answers(session, uri: str) -> None:
    """The server is alive: it still checks another document."""
    probe = session.open(f"alive-after-{uri.rsplit('/', 1)[-1]}", "# 标题\n\n[断](#没有)\n")
    assert (await session.diagnostics(probe)).uri == probe


@pytest.mark.asyncio
async def test_a_rule_that_raises_is_logged_and_the_others_report(book: Path):
    async with running_server(book, command=FAILING_RULE_SERVER) as session:
        uri = session.open(CHAPTER)
        published = await session.diagnostics(uri)
        await still_answers(session, uri)
    codes = {diagnostic.code for diagnostic in published.diagnostics}
    assert "toc-anchor" not in codes
    assert {"dead-link", "toc-sync", "empty-answer"} <= codes
    logged = next(m for m in session.client.log_messages if CHAPTER in m.message)
    assert "rule toc-anchor failed" in logged.message
    assert logged.type == types.MessageType.Error
    assert "broken on purpose" in logged.message


@pytest.mark.asyncio
async def test_a_file_that_is_not_utf8_is_reported_as_the_cli_does(book: Path):
    text = "# 第五章\n\n- [1.问题？](#1.问题？)\n- [2.问题？](#2.问题？)\n"
    (book / "gbk.md").write_bytes(text.encode("gbk"))
    expected = findings_of(book / "gbk.md", book)
    async with running_server(book) as session:
        # The editor decoded it (as GBK); doclint still reports the file as it is on disk.
        uri = session.open("gbk.md", text)
        published = await session.diagnostics(uri)
        await still_answers(session, uri)
        # Saved by the editor as UTF-8: checked as text from then on.
        (book / "gbk.md").write_text(text, encoding="utf-8")
        count = len(session.client.published)
        session.client.text_document_did_save(
            types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri))
        )
        saved = await session.diagnostics(uri, after=count)
    (only,) = published.diagnostics
    assert only.code == "encoding"
    assert "GBK" in only.message
    assert as_findings(published.diagnostics, text) == expected
    assert {d.code for d in saved.diagnostics} == {"toc-anchor"}


@pytest.mark.asyncio
async def test_a_binary_file_is_reported_as_the_cli_does(book: Path):
    data = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10" + bytes(range(256))
    (book / "image.md").write_bytes(data)
    async with running_server(book) as session:
        uri = session.open("image.md", data.decode("latin-1"))
        published = await session.diagnostics(uri)
        await still_answers(session, uri)
        # Typing into it does not bring the server down either, nor do lone surrogates
        # (which JSON can carry and no UTF-8 file holds).
        version = session.replace(uri, data.decode("latin-1") + "\0\ufffd😀")
        after = await session.diagnostics(uri, version)
        unsaved = session.open("unsaved.md", "# 标题\n\n\ud800 [x](#y)\n")
        surrogates = await session.diagnostics(unsaved)
    (only,) = published.diagnostics
    assert only.code == "encoding" and "binary" in only.message
    assert as_findings(published.diagnostics, "") == findings_of(book / "image.md", book)
    assert [d.code for d in after.diagnostics] == ["encoding"]
    (not_utf8,) = surrogates.diagnostics
    assert not_utf8.code == "encoding" and "not UTF-8" in not_utf8.message


@pytest.mark.asyncio
async def test_any_text_gets_diagnostics(book: Path):
    """Whatever an editor sends (control characters, lone surrogates, stray line endings,
    half-written markup), every version is checked and published."""
    rng = random.Random(18)
    pieces = [
        "# ",
        "<h2 id='",
        "'>",
        "</h2>",
        "- [",
        "](#",
        ")",
        "![](",
        "\r",
        "\r\n",
        "\n",
        "\0",
        "\ud800",
        "😀",
        "中文",
        "`",
        "```",
        "<!--",
        "-->",
        "|",
        "\t",
        " ",
        "\ufeff",
    ]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 60))) for _ in range(30)]
    async with running_server(book) as session:
        uri = session.open("fuzz.md", "")
        await session.diagnostics(uri)
        for text in texts:
            await session.diagnostics(uri, session.replace(uri, text))
        await still_answers(session, uri)
    assert not [m.message for m in session.client.log_messages if "cannot check" in m.message]


@pytest.mark.asyncio
async def test_an_untitled_buffer_is_checked(book: Path):
    text = "# 草稿\n\n- [1.甲？](#1甲)\n- [2.乙？](#2乙)\n\n## 1.甲？\n\n甲。\n"
    async with running_server(book) as session:
        uri = session.open("", text, uri="untitled:Untitled-1")
        published = await session.diagnostics(uri)
        await still_answers(session, uri)
    assert [(d.code, d.range.start.line) for d in published.diagnostics] == [("toc-anchor", 3)]


@needs(SEED)
@pytest.mark.asyncio
async def test_a_5_mb_chapter(tmp_path: Path):
    seed = SEED.read_text(encoding="utf-8")
    body = seed[seed.index("<h2") :]
    text = seed + body * (5 * 1024 * 1024 // len(body.encode("utf-8")) + 1)
    assert len(text.encode("utf-8")) > 5 * 1024 * 1024
    (tmp_path / "big.md").write_text(text, encoding="utf-8")
    async with running_server(tmp_path) as session:
        uri = session.open("big.md", text)
        published = await session.diagnostics(uri)
        end = types.Position(line=text.count("\n"), character=0)
        version = session.edit(uri, types.Range(end, end), "\n[x](#不存在)\n")
        after = await session.diagnostics(uri, version)
        await still_answers(session, uri)
    assert as_findings(published.diagnostics, text) == sorted(
        findings_of(tmp_path / "big.md", tmp_path)
    )
    assert len(after.diagnostics) == len(published.diagnostics) + 1


def test_without_the_lsp_extra_doclint_lsp_says_how_to_install_it():
    # ``None`` in sys.modules makes ``import pygls`` fail as if it were not installed.
    code = "import sys; sys.modules['pygls'] = None; from doclint.cli.main import run; run()"
    completed = subprocess.run(
        [sys.executable, "-c", code, "lsp"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert completed.returncode == 2
    assert "pip install 'doclint[lsp]'" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_doclint_check_does_not_import_pygls():
    code = (
        "import sys\n"
        "from doclint.cli.main import main\n"
        "try:\n"
        "    main(['check', 'examples/book'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert completed.stdout.strip().splitlines()[-1] == "[]"
