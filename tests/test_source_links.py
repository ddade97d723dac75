"""``report.source-url``: validated in the configuration, derived from the git remote
``origin`` when it is on GitHub, GitLab or Gitea, and relative file links otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from doclint.config.loading import load_config
from doclint.core.errors import ConfigError
from doclint.workspace.sourcelinks import source_links, template_for_remote, template_problem

from .conftest import commit_all, git, run_doclint


@pytest.mark.parametrize(
    ("remote", "template"),
    [
        (
            "https://github.com/org/book.git",
            "https://github.com/org/book/blob/{ref}/{path}#L{line}",
        ),
        ("git@github.com:org/book.git", "https://github.com/org/book/blob/{ref}/{path}#L{line}"),
        (
            "ssh://git@github.com/org/book",
            "https://github.com/org/book/blob/{ref}/{path}#L{line}",
        ),
        (
            "https://user:token@github.com/org/book/",
            "https://github.com/org/book/blob/{ref}/{path}#L{line}",
        ),
        (
            "git@gitlab.com:group/sub/book.git",
            "https://gitlab.com/group/sub/book/-/blob/{ref}/{path}#L{line}",
        ),
        (
            "https://gitlab.example.org/team/book.git",
            "https://gitlab.example.org/team/book/-/blob/{ref}/{path}#L{line}",
        ),
        (
            "ssh://git@gitea.example.org:2222/team/book.git",
            "https://gitea.example.org/team/book/src/commit/{ref}/{path}#L{line}",
        ),
        (
            "https://codeberg.org/team/book.git",
            "https://codeberg.org/team/book/src/commit/{ref}/{path}#L{line}",
        ),
    ],
)
def test_template_from_a_known_forge(remote: str, template: str) -> None:
    assert template_for_remote(remote) == template


@pytest.mark.parametrize(
    "remote",
    ["/srv/git/book.git", "https://example.org/org/book.git", "git@github.com:book", "file:///x"],
)
def test_no_template_for_other_remotes(remote: str) -> None:
    assert template_for_remote(remote) is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (42, "must be a string"),
        ("github.com/{path}", "must start with https://"),
        ("https://x.org/{path}#L{lines}", "unknown placeholder {lines}"),
        ("https://x.org/{path", "not a valid template"),
        ("https://x.org/blob/{ref}", "must contain {path}"),
    ],
)
def test_bad_templates_are_explained(value: object, problem: str) -> None:
    found = template_problem(value)
    assert found is not None and problem in found


def test_config_reads_and_validates_source_url(tmp_path: Path) -> None:
    config = tmp_path / ".doclint.yml"
    config.write_text("report:\n  source-url: 'https://x.org/{ref}/{path}#L{line}'\n")
    assert load_config(config).source_url == "https://x.org/{ref}/{path}#L{line}"

    config.write_text("fail-on: error\nreport:\n  source-url: 'x.org/{path}'\n")
    with pytest.raises(ConfigError) as raised:
        load_config(config)
    assert str(raised.value).startswith(f"{config}:3: ")
    assert "must start with https://" in str(raised.value)

    config.write_text("report:\n  source-link: 'https://x.org/{path}'\n")
    with pytest.raises(ConfigError, match='unknown report key "source-link"'):
        load_config(config)


def test_a_bad_source_url_stops_the_report_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / ".doclint.yml").write_text("report:\n  source-url: '{path}'\n")
    (tmp_path / "ch.md").write_text("## 1.问题\n答。\n")
    result = run_doclint("report", "ch.md", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("doclint: error: ")
    assert "Traceback" not in result.stderr


def test_links_follow_origin_and_pin_the_commit(tmp_path: Path) -> None:
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "第一章.md").write_text("## 1.问题\n")
    commit_all(tmp_path, "book")
    git("remote", "add", "origin", "git@github.com:org/book.git", cwd=tmp_path)
    head = git("rev-parse", "HEAD", cwd=tmp_path).strip()
    links = source_links(None, cwd=tmp_path / "book", root=tmp_path)
    url = links.url("第一章.md", 7, page_folder=tmp_path / "out")
    assert url == (
        f"https://github.com/org/book/blob/{head}/book/%E7%AC%AC%E4%B8%80%E7%AB%A0.md#L7"
    )


def test_without_a_forge_links_are_relative_to_the_page(tmp_path: Path) -> None:
    (tmp_path / "book").mkdir()
    links = source_links(None, cwd=tmp_path, root=None)
    url = links.url("book/a b.md", 3, page_folder=tmp_path / "doclint-report")
    assert url == "../book/a%20b.md"
