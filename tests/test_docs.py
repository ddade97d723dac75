"""The documentation site builds with ``mkdocs build --strict`` from the repository's files
alone, has a page for every rule, and lists every configuration key with its default."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from doclint.config.schema import configuration_schema, schema_text
from doclint.rules.documentation import describe, written
from doclint.rules.registry import all_rules

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def repository_files() -> list[str]:
    """The files a fresh clone has (tracked, or new and not ignored), as git lists them."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return [name for name in listed.stdout.split("\0") if name and (REPO / name).is_file()]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout: no clean copy of the repository to build from")
    clone = tmp_path_factory.mktemp("clone")
    for name in repository_files():
        target = clone / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    output = tmp_path_factory.mktemp("site")
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(output)],
        cwd=clone,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert "WARNING" not in built.stderr, built.stderr
    return output


def text_of(page: str) -> str:
    """What a page says: its HTML without tags (inline ones joined to their text), entities
    read, spaces collapsed."""
    inline = re.sub(r"</?(?:code|a|em|strong)\b[^>]*>", "", page)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", inline)))


def rows_of(page: str) -> list[str]:
    return [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", page, re.DOTALL)]


def test_every_rule_has_a_page_with_its_options_and_defaults(site: Path) -> None:
    index = (site / "rules" / "index.html").read_text(encoding="utf-8")
    for rule_id, spec in all_rules().items():
        page = site / "rules" / rule_id / "index.html"
        assert page.is_file(), f"no page for {rule_id}"
        said = text_of(page.read_text(encoding="utf-8"))
        assert f"{spec.summary}." in said
        assert "What it does" in said and "Fix safety" in said
        for info in describe(spec.options):
            assert f"{info.name} ({info.kind.replace('`', '')}, default" in said, info.name
        assert f'href="{rule_id}/"' in index, f"the rules index does not link {rule_id}"


def test_the_configuration_page_lists_every_option_with_its_default(site: Path) -> None:
    page = (site / "configuration" / "index.html").read_text(encoding="utf-8")

    def row(section: str, name: str) -> str:
        """The table row of key ``name`` under the heading whose id is ``section``."""
        start = page.index(f'id="{section}"')
        end = re.compile(r"<h[1-4] ").search(page, start + 1)
        rows = rows_of(page[start : end.start() if end else len(page)])
        found = [each for each in rows if each.strip().startswith(f"{name} ")]
        assert found, f"no row for {name} under #{section}"
        return found[0]

    def shows(found: str, default: object) -> bool:
        items = default if isinstance(default, list) and default else [default]
        return all(written(item) in found for item in items)

    for rule_id, spec in all_rules().items():
        assert f" {spec.severity} " in row(rule_id, "severity")
        assert " true " in row(rule_id, "enabled")
        for info in describe(spec.options):
            found = row(rule_id, info.name)
            assert shows(found, info.default), f"{rule_id}.{info.name}: {found}"
    schema = configuration_schema()["properties"]
    for key in ("include", "exclude", "fail-on", "max-file-size"):
        assert shows(row("every-key", key), schema[key]["default"]), key
    for key, entry in schema["profile"]["properties"].items():
        if "default" in entry:
            assert shows(row("profile", key), entry["default"]), key
    assert row("report", "source-url")


def test_the_site_serves_the_schema_and_fetches_no_fonts(site: Path) -> None:
    assert (site / "doclint.schema.json").read_text(encoding="utf-8") == schema_text()
    for page in site.rglob("*.html"):
        assert "fonts.googleapis.com" not in page.read_text(encoding="utf-8"), page
