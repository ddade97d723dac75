"""``doclint report --format html``, read as files: what the pages say, where they link,
how the folder is replaced, and how the command refuses what it must not do. (What a
browser makes of the pages is in ``test_html_browser.py``.)"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from doclint.formats.html import page_name
from doclint.formats.sitefolder import MARKER, write_site

from .conftest import REPO, commit_all, run_doclint

CHAPTER = (
    "- [1.甲](#1甲)\n- [2.乙](#2乙)\n- [3.丙](#3丙)\n\n"
    "## 1.甲\n答。\n\n## 2.乙\n\n## 3.丙\n待补充\n"
)


class _Text(HTMLParser):
    """The visible text of a page, and the attributes of every element, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _read(path: Path) -> _Text:
    parsed = _Text()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed


def _visible_text(path: Path) -> str:
    return " ".join("".join(_read(path).text).split())


def _html(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return run_doclint("report", "--format", "html", *args, cwd=folder)


def test_a_site_of_an_index_and_a_page_per_chapter(book) -> None:
    folder = book({"book/ch.md": CHAPTER, "book/notes.md": "no questions\n"})
    result = _html(folder, "book")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Wrote the HTML report to doclint-report/index.html\n"
    site = folder / "doclint-report"
    names = {path.name for path in site.iterdir()}
    assert names == {
        "index.html",
        page_name("book/ch.md"),
        "style.css",
        "report.js",
        ".nojekyll",
        MARKER,
    }
    index = _visible_text(site / "index.html")
    assert "1 of 3 questions answered" in index
    assert "1 file without questions not shown" in index
    chapter = _read(site / page_name("book/ch.md"))
    states = [attrs["data-state"] for tag, attrs in chapter.elements if "data-state" in attrs]
    assert states == ["answered", "empty", "stub"]
    # Every reference is to a file of the site or of the book: nothing is fetched elsewhere.
    for page in ("index.html", page_name("book/ch.md")):
        for tag, attrs in _read(site / page).elements:
            for key in ("src", "href"):
                value = attrs.get(key)
                if value is not None and tag in ("script", "link", "img"):
                    assert "//" not in value, (page, tag, value)


def test_titles_are_escaped(book) -> None:
    folder = book({"ch.md": "# 章\n\n## 1.`<script>alert(1)</script>`\n\n## 2.`a & b`\n答。\n"})
    assert _html(folder, "ch.md").returncode == 0
    page = (folder / "doclint-report" / page_name("ch.md")).read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "1.&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "2.a &amp; b" in page


def test_links_to_lines_follow_report_source_url(book) -> None:
    folder = book(
        {
            ".doclint.yml": "report:\n  source-url: 'https://example.org/b/{ref}/{path}#L{line}'\n",
            "书/ch.md": CHAPTER,
        }
    )
    commit_all(folder, "book")
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert _html(folder, "书").returncode == 0
    chapter = _read(folder / "doclint-report" / page_name("书/ch.md"))
    links = [attrs["href"] for tag, attrs in chapter.elements if tag == "a" and attrs.get("href")]
    assert f"https://example.org/b/{head}/%E4%B9%A6/ch.md#L8" in links  # 2.乙, line 8


def test_base_adds_a_change_column_and_the_changed_questions(book) -> None:
    folder = book(
        {"ch.md": CHAPTER, "other.md": "- [1.丁](#1丁)\n- [2.戊](#2戊)\n\n## 1.丁\n答。\n## 2.戊\n"}
    )
    commit_all(folder, "before")
    (folder / "ch.md").write_text(CHAPTER.replace("## 2.乙\n", "## 2.乙\n新的答案。\n"))
    result = _html(folder, "--base", "HEAD", ".")
    assert result.returncode == 0, result.stderr
    text = _visible_text(folder / "doclint-report" / "index.html")
    assert "Change since HEAD" in text
    assert "+1 answered, +33.3 pts" in text
    assert "coverage rose, 40.0% → 60.0%" in text
    assert "newly answered 2.乙 ch.md:8" in text
    chapter = _visible_text(folder / "doclint-report" / page_name("ch.md"))
    assert "since HEAD: +1 answered, +33.3 pts" in chapter
    assert "newly answered 2.乙 ch.md:8" in chapter


def test_with_findings_lists_checks_findings_on_each_chapter(book) -> None:
    folder = book({"ch.md": CHAPTER + "\n- [4.丁](#4.nowhere)\n", "notes.md": "![图](gone.png)\n"})
    result = _html(folder, "--with-findings", "ch.md", "notes.md")
    assert result.returncode == 0, result.stderr
    checked = json.loads(run_doclint("check", "--format", "json", "ch.md", cwd=folder).stdout)
    page = _read(folder / "doclint-report" / page_name("ch.md"))
    shown = [attrs.get("class") or "" for tag, attrs in page.elements if tag == "span"]
    severities = [name.split()[-1] for name in shown if name.startswith("severity ")]
    assert severities == [f"severity-{f['severity']}" for f in checked["findings"]]
    assert checked["findings"]
    index = _visible_text(folder / "doclint-report" / "index.html")
    assert (
        f"{len(checked['findings'])} findings of doclint check, listed on each chapter's page; "
        "1 more in files without questions" in index
    )


def test_a_folder_that_is_not_a_report_is_left_alone(book) -> None:
    folder = book({"ch.md": CHAPTER, "mine/notes.txt": "keep me"})
    result = _html(folder, "--output", "mine", "ch.md")
    assert result.returncode == 2
    assert "mine exists and is not a doclint report" in result.stderr
    assert "Traceback" not in result.stderr
    assert (folder / "mine" / "notes.txt").read_text() == "keep me"
    (folder / "file").write_text("x")
    assert _html(folder, "--output", "file", "ch.md").returncode == 2
    assert (folder / "file").read_text() == "x"


def test_an_earlier_report_is_replaced_whole(book) -> None:
    folder = book({"a.md": CHAPTER, "b.md": CHAPTER, "empty/.keep": ""})
    (folder / "empty" / ".keep").unlink()
    assert _html(folder, "--output", "empty", "a.md").returncode == 0  # an empty folder is fine
    assert _html(folder, "a.md", "b.md").returncode == 0
    assert (folder / "doclint-report" / page_name("b.md")).is_file()
    assert _html(folder, "a.md").returncode == 0
    assert not (folder / "doclint-report" / page_name("b.md")).exists()
    assert [p.name for p in folder.iterdir() if p.name.startswith(".doclint-report")] == []


def test_a_failed_write_keeps_the_earlier_report(tmp_path: Path, monkeypatch) -> None:
    site = tmp_path / "site"
    write_site(site, [("index.html", "old"), ("page.html", "old page")])

    def full_disk(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full_disk)
    with pytest.raises(OSError):
        write_site(site, [("index.html", "new")])
    monkeypatch.undo()
    assert (site / "index.html").read_text() == "old"
    assert (site / "page.html").read_text() == "old page"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


def test_a_failed_render_keeps_the_earlier_report(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_site(site, [("index.html", "old")])

    def pages_then_a_fault():
        yield "index.html", "new"
        raise RuntimeError("a template failed")

    with pytest.raises(RuntimeError):
        write_site(site, pages_then_a_fault())
    assert (site / "index.html").read_text() == "old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


def test_output_is_only_for_html(book) -> None:
    folder = book({"ch.md": CHAPTER})
    result = run_doclint("report", "--output", "x", "ch.md", cwd=folder)
    assert result.returncode == 2
    assert "--output and --with-findings are for --format html" in result.stderr


_WITHOUT_JINJA = """
import sys
sys.modules["jinja2"] = None  # as if the html extra were not installed
from doclint.cli.main import main
main(["report", "--format", "html", "ch.md"])
"""


def test_without_jinja2_the_html_format_says_what_to_install(book) -> None:
    folder = book({"ch.md": CHAPTER})
    result = subprocess.run(
        [sys.executable, "-c", _WITHOUT_JINJA], cwd=folder, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr == (
        "doclint: error: --format html needs Jinja2, which is not installed: "
        "pip install 'doclint[html]'\n"
    )
    assert not (folder / "doclint-report").exists()


def test_check_and_text_reports_do_not_import_jinja2(book) -> None:
    folder = book({"ch.md": CHAPTER})
    for command in (["check", "ch.md"], ["report", "ch.md"]):
        imports = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "doclint", *command],
            cwd=folder,
            capture_output=True,
            text=True,
        )
        assert imports.returncode in (0, 1), imports.stderr
        imported = {line.rsplit("|", 1)[-1].strip() for line in imports.stderr.splitlines()}
        assert "doclint.cli.main" in imported
        assert not {name for name in imported if re.match(r"jinja2|markupsafe", name)}


@pytest.mark.slow
def test_the_wheel_ships_the_templates(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path, REPO],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    wheel = next(tmp_path.glob("doclint-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        f"doclint/formats/htmlfiles/{path.name}"
        for path in (REPO / "src" / "doclint" / "formats" / "htmlfiles").iterdir()
    }
    assert shipped <= names
    assert {
        "doclint/formats/htmlfiles/index.html.j2",
        "doclint/formats/htmlfiles/report.js",
    } <= names
