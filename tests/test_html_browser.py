"""The HTML report in a real browser: the system's headless Chromium, driven by Selenium
through the system's chromedriver (Debian's ``chromium`` and ``chromium-driver``; nothing
is downloaded). Skipped when either is absent.

What a maintainer sees must be what ``report --format json`` says; sorting and both
filters must work by clicking and typing; a title is text, never markup; and no request
may leave ``file://``. Each test writes screenshots into its temporary folder and prints
their paths.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from doclint.formats.table import format_percent

from .conftest import CORPUS, REPO, commit_all, needs, run_doclint

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
        reason="needs Debian's chromium and chromium-driver (apt-get install chromium "
        "chromium-driver)",
    ),
]

webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (the test extra)")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

EXAMPLE_BOOK = REPO / "examples" / "book"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    # Every request the page makes is logged, to prove none leaves file://.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    yield driver
    driver.quit()


@pytest.fixture
def page(browser):
    """The browser, at a normal width, with an empty request log; after the test, every
    request it made must have stayed on file:// (or data:). A test asks for it after any
    fixture that may skip it (``seed_copy``): skipped first, it loads no page to check."""
    browser.set_window_size(1280, 900)
    browser.get_log("performance")
    yield browser
    requested = _requested_urls(browser)
    assert requested, "the performance log saw no request at all: it would prove nothing"
    assert [url for url in requested if not url.startswith(("file://", "data:"))] == []


def _requested_urls(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _report(folder: Path, *paths: str) -> tuple[Path, dict]:
    """Write the HTML report of ``paths`` (run in ``folder``) and return its folder and
    what ``report --format json`` says of the same paths."""
    html = run_doclint("report", "--format", "html", "--output", "site", *paths, cwd=folder)
    assert html.returncode == 0, html.stderr
    as_json = run_doclint("report", "--format", "json", *paths, cwd=folder)
    assert as_json.returncode == 0, as_json.stderr
    return folder / "site", json.loads(as_json.stdout)


def _screenshot(driver, capsys, path: Path) -> None:
    driver.save_screenshot(str(path))
    with capsys.disabled():
        print(f"\nscreenshot: {path}")


_CHAPTER_ROWS = """
return Array.from(document.querySelectorAll(arguments[0])).map(row => ({
  name: row.dataset.name,
  path: row.dataset.path,
  hidden: row.hidden,
  cells: Array.from(row.cells).map(cell => cell.textContent.trim()),
  sort: Array.from(row.cells).map(cell => cell.dataset.sort ?? null),
  page: row.querySelector("a") ? row.querySelector("a").getAttribute("href") : null,
}));
"""

_QUESTION_ROWS = """
return Array.from(document.querySelectorAll("#questions tr[data-state]")).map(row => ({
  state: row.dataset.state,
  shown: row.offsetParent !== null,
  title: row.querySelector("th").textContent,
  label: row.querySelector(".state").textContent.trim(),
  line: row.querySelector("a").textContent.trim(),
}));
"""


def _counts_of(cells: list[str]) -> list[str]:
    return cells[1:6]


def _expected_counts(entry: dict) -> list[str]:
    return [str(entry[key]) for key in ("questions", "answered", "empty", "stub", "missing")]


def _assert_numbers_equal_json(driver, site: Path, expected: dict) -> None:
    driver.get((site / "index.html").as_uri())
    rows = driver.execute_script(_CHAPTER_ROWS, "#chapters tbody tr")
    files = expected["files"]
    assert [row["path"] for row in rows] == [entry["path"] for entry in files]
    for row, entry in zip(rows, files, strict=True):
        assert _counts_of(row["cells"]) == _expected_counts(entry), entry["path"]
        assert row["cells"][6] == format_percent(entry["coverage"]), entry["path"]
        assert float(row["sort"][6]) == entry["coverage"], entry["path"]
    total = driver.execute_script(_CHAPTER_ROWS, "#chapters tfoot tr")[0]
    assert _counts_of(total["cells"]) == _expected_counts(expected["total"])
    assert total["cells"][6] == format_percent(expected["total"]["coverage"])
    assert driver.find_element(By.ID, "total-coverage").text == format_percent(
        expected["total"]["coverage"]
    )
    # Each chapter page lists the same questions, in the same order and states.
    for row, entry in zip(rows, files, strict=True):
        driver.get((site / row["page"]).as_uri())
        questions = driver.execute_script(_QUESTION_ROWS)
        assert [(q["title"], q["state"], q["label"], q["line"]) for q in questions] == [
            (item["title"], item["state"], item["state"], str(item["line"]))
            for item in entry["items"]
        ], entry["path"]
        assert driver.find_element(By.ID, "chapter-coverage").text == format_percent(
            entry["coverage"]
        )


def test_example_book_shows_the_numbers_of_json(page, tmp_path: Path, capsys) -> None:
    shutil.copytree(EXAMPLE_BOOK, tmp_path / "book")
    site, expected = _report(tmp_path, "book")
    _assert_numbers_equal_json(page, site, expected)

    page.get((site / "index.html").as_uri())
    _screenshot(page, capsys, tmp_path / "example-index.png")
    page.find_element(By.LINK_TEXT, "02-attention.md").click()
    assert page.find_element(By.TAG_NAME, "h1").text == "02-attention.md"
    _screenshot(page, capsys, tmp_path / "example-chapter.png")


def test_seed_chapter_shows_the_numbers_of_json(seed_copy: Path, page) -> None:
    site, expected = _report(seed_copy.parent, seed_copy.name)
    _assert_numbers_equal_json(page, site, expected)


@needs(CORPUS)
def test_the_real_book_shows_the_numbers_of_json(page, tmp_path: Path, capsys) -> None:
    site, expected = _report(tmp_path, str(CORPUS))
    assert len(expected["files"]) > 50
    _assert_numbers_equal_json(page, site, expected)

    page.get((site / "index.html").as_uri())
    books = page.execute_script(_CHAPTER_ROWS, "#books tbody tr")
    assert len(books) > 1  # the book's folders, each a row
    _screenshot(page, capsys, tmp_path / "corpus-index.png")
    # A chapter whose TOC nests questions under chapter entries: groups are headings.
    grouped = next(
        entry for entry in expected["files"] if entry["path"].endswith("模型推理与应用.md")
    )
    page.find_element(By.CSS_SELECTOR, f'tr[data-path="{grouped["path"]}"] a').click()
    _screenshot(page, capsys, tmp_path / "corpus-chapter.png")
    page.set_window_size(360, 800)
    page.back()
    assert _fits_the_width(page)
    _screenshot(page, capsys, tmp_path / "corpus-index-360px.png")


def test_base_shows_the_changes_of_json(page, tmp_path: Path, capsys) -> None:
    shutil.copytree(EXAMPLE_BOOK, tmp_path / "book")
    commit_all(tmp_path, "the book")
    chapter = tmp_path / "book" / "03-training.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(
        text.replace(
            "## 4.梯度累积如何实现？\n", "## 4.梯度累积如何实现？\n累积几个小批次的梯度再更新。\n"
        )
    )
    html = run_doclint(
        "report", "--format", "html", "--output", "site", "--base", "HEAD", "book", cwd=tmp_path
    )
    assert html.returncode == 0, html.stderr
    as_json = run_doclint("report", "--format", "json", "--base", "HEAD", "book", cwd=tmp_path)
    comparison = json.loads(as_json.stdout)["comparison"]
    (changed,) = comparison["files"]
    assert [change["change"] for change in changed["changes"]] == ["newly answered"]

    page.get((tmp_path / "site" / "index.html").as_uri())
    rows = {row["path"]: row for row in page.execute_script(_CHAPTER_ROWS, "#chapters tbody tr")}
    delta = changed["coverage_after"] - changed["coverage_before"]
    assert rows[changed["path"]]["cells"][7] == f"+1 answered, {delta:+.1f} pts"
    assert float(rows[changed["path"]]["sort"][7]) == pytest.approx(delta)
    assert {row["cells"][7] for name, row in rows.items() if name != changed["path"]} == {"—"}
    listed = page.find_elements(By.CSS_SELECTOR, "ul.changes li")
    assert [item.text.split("\n")[0] for item in listed] == [
        f"newly answered {change['title']} {changed['path']}:{change['after']['line']}"
        for change in changed["changes"]
    ]
    _screenshot(page, capsys, tmp_path / "base-index.png")


def _visible_names(driver) -> list[str]:
    rows = driver.execute_script(_CHAPTER_ROWS, "#chapters tbody tr")
    return [row["path"] for row in rows if not row["hidden"]]


def _sort_button(driver, label: str):
    headers = driver.find_elements(By.CSS_SELECTOR, "#chapters thead button.sort")
    return next(button for button in headers if button.text.strip() == label)


def test_sorting_and_the_chapter_filter_by_clicking_and_typing(
    page, tmp_path: Path, capsys
) -> None:
    shutil.copytree(EXAMPLE_BOOK, tmp_path / "book")
    site, expected = _report(tmp_path, "book")
    page.get((site / "index.html").as_uri())
    by_coverage = sorted(expected["files"], key=lambda entry: entry["coverage"])
    ascending = [entry["path"] for entry in by_coverage]

    _sort_button(page, "Coverage").click()
    assert _visible_names(page) == ascending
    header = page.find_element(By.XPATH, "//table[@id='chapters']//th[.//button[.='Coverage']]")
    assert header.get_attribute("aria-sort") == "ascending"
    _sort_button(page, "Coverage").click()
    # Chapters of equal coverage keep their order either way: a stable sort.
    by_coverage_down = sorted(expected["files"], key=lambda entry: entry["coverage"], reverse=True)
    assert _visible_names(page) == [entry["path"] for entry in by_coverage_down]
    assert header.get_attribute("aria-sort") == "descending"

    # By keyboard: a header is a button, so Enter sorts as a click does.
    _sort_button(page, "Chapter").send_keys(Keys.ENTER)
    assert _visible_names(page) == sorted(entry["path"] for entry in expected["files"])
    _sort_button(page, "Questions").click()
    questions = [
        row["cells"][1] for row in page.execute_script(_CHAPTER_ROWS, "#chapters tbody tr")
    ]
    assert questions == sorted(questions, key=int)

    box = page.find_element(By.ID, "chapter-filter")
    box.send_keys("ATTENTION")  # the filter ignores case
    assert _visible_names(page) == ["book/02-attention.md"]
    assert page.find_element(By.ID, "chapter-status").text == "1 of 3 chapters"
    _screenshot(page, capsys, tmp_path / "filtered-index.png")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    assert len(_visible_names(page)) == 3


def test_only_unwritten_shows_the_seed_chapters_20_empty_questions(
    seed_copy: Path, page, capsys
) -> None:
    site, expected = _report(seed_copy.parent, seed_copy.name)
    page.get((site / "index.html").as_uri())
    page.find_element(By.LINK_TEXT, seed_copy.name).click()
    empty = [item["title"] for item in expected["files"][0]["items"] if item["state"] == "empty"]
    assert len(empty) == 20

    page.find_element(By.XPATH, "//label[contains(., 'only unwritten')]").click()
    shown = [row for row in page.execute_script(_QUESTION_ROWS) if row["shown"]]
    assert [row["title"] for row in shown] == empty
    assert {row["label"] for row in shown} == {"empty"}
    assert page.find_element(By.ID, "question-status").text == "20 of 35 questions"
    _screenshot(page, capsys, seed_copy.parent / "seed-unwritten.png")

    page.find_element(By.XPATH, "//label[contains(., 'answered')]").click()
    assert sum(row["shown"] for row in page.execute_script(_QUESTION_ROWS)) == 15
    # By keyboard: the filter is a group of radio buttons; arrows move between them.
    radio = page.find_element(By.CSS_SELECTOR, "input[name=state][value=all]")
    radio.click()
    assert sum(row["shown"] for row in page.execute_script(_QUESTION_ROWS)) == 35
    radio.send_keys(Keys.ARROW_RIGHT)
    assert page.switch_to.active_element.get_attribute("value") == "unwritten"
    assert sum(row["shown"] for row in page.execute_script(_QUESTION_ROWS)) == 20

    # Narrow as a phone: the page itself does not scroll sideways, nothing is cut.
    page.set_window_size(360, 800)
    page.find_element(By.CSS_SELECTOR, "input[name=state][value=all]").click()
    assert _fits_the_width(page)
    # Each title wraps whole onto more lines: no cell hides part of it.
    clipped = page.execute_script(
        "return Array.from(document.querySelectorAll('th.title, h1, h2'))"
        ".filter(cell => cell.scrollWidth > cell.clientWidth).map(cell => cell.textContent)"
    )
    assert clipped == []
    # ... and every column of the questions shows without scrolling sideways.
    assert page.execute_script(
        "return Array.from(document.querySelectorAll('#questions .scroll'))"
        ".every(box => box.scrollWidth <= box.clientWidth)"
    )
    _screenshot(page, capsys, seed_copy.parent / "seed-chapter-360px.png")
    page.back()
    assert _fits_the_width(page)
    _screenshot(page, capsys, seed_copy.parent / "seed-index-360px.png")


def _fits_the_width(driver) -> bool:
    return driver.execute_script(
        "const page = document.documentElement; return page.scrollWidth <= page.clientWidth"
    )


HOSTILE_TITLES = (
    "1.<script>alert(1)</script>",
    "2.<script>window.__pwned=1</script>",
    '3.<img src=x onerror="window.__pwned=1">',
)


def test_a_script_in_a_title_shows_as_text_and_runs_nothing(page, book, capsys) -> None:
    folder = book(
        {
            "ch.md": "# 章\n\n"
            "## 1.`<script>alert(1)</script>`\n\n"
            "## 2.&lt;script&gt;window.__pwned=1&lt;/script&gt;\n答。\n\n"
            '## 3.`<img src=x onerror="window.__pwned=1">`\n'
        }
    )
    site, expected = _report(folder, "ch.md")
    assert [item["title"] for item in expected["files"][0]["items"]] == list(HOSTILE_TITLES)
    page.get((site / "index.html").as_uri())
    page.find_element(By.LINK_TEXT, "ch.md").click()
    titles = [row["title"] for row in page.execute_script(_QUESTION_ROWS)]
    assert titles == list(HOSTILE_TITLES)
    assert page.find_elements(By.CSS_SELECTOR, "#questions script, #questions img") == []
    with pytest.raises(NoAlertPresentException):
        page.switch_to.alert.text  # noqa: B018 - reading it is what raises
    assert page.execute_script("return typeof window.__pwned") == "undefined"
    _screenshot(page, capsys, folder / "hostile-chapter.png")


def test_dark_scheme_changes_the_colours(page, tmp_path: Path, capsys) -> None:
    shutil.copytree(EXAMPLE_BOOK, tmp_path / "book")
    site, _ = _report(tmp_path, "book")
    page.get((site / "index.html").as_uri())
    page.find_element(By.LINK_TEXT, "01-neural-networks.md").click()
    background = "return getComputedStyle(document.body).backgroundColor"
    light = page.execute_script(background)
    page.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": "dark"}]},
    )
    try:
        assert page.execute_script(background) != light
        _screenshot(page, capsys, tmp_path / "example-chapter-dark.png")
    finally:
        page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
