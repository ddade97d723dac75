"""The SQLite link cache: what is kept and for how long, warm runs, damaged files."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from doclint.links.cache import CACHE_FILENAME, DAY, LinkCache, TimeToLive, user_cache_dir
from doclint.links.checker import check_urls
from doclint.links.model import LinkResult, Outcome

from .linkserver import Reply
from .linksettings import default_ttl, link_settings

SETTINGS = link_settings(timeout=1.0, retries=0, allow_private=True)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_each_outcome_is_kept_for_its_time_to_live(tmp_path: Path) -> None:
    clock = Clock()
    cache = LinkCache.open(tmp_path, default_ttl(), clock=clock)
    cache.store(
        {
            "https://a.example/": LinkResult(Outcome.ALIVE, "200 OK", status=200),
            "https://b.example/": LinkResult(Outcome.DEAD, "404 Not Found", status=404),
            "https://c.example/": LinkResult(Outcome.WARNING, "429 Too Many Requests"),
            "https://d.example/": LinkResult(Outcome.SKIPPED, "excluded", cause="excluded"),
        }
    )
    urls = [f"https://{name}.example/" for name in "abcd"]
    fresh = cache.lookup(urls)
    assert sorted(fresh) == urls[:2]  # warnings and skipped links are not kept
    assert fresh[urls[1]] == LinkResult(Outcome.DEAD, "404 Not Found", status=404, cached=True)
    clock.now += 1 * DAY + 1
    assert sorted(cache.lookup(urls)) == urls[:1]  # dead: a day
    clock.now += 6 * DAY
    assert cache.lookup(urls) == {}  # alive: a week
    assert cache.notices == []


def test_time_to_live_is_configurable(tmp_path: Path) -> None:
    ttl = TimeToLive(alive=0, dead=0, warning=60)
    cache = LinkCache.open(tmp_path, ttl)
    cache.store(
        {
            "https://a.example/": LinkResult(Outcome.ALIVE, "200 OK", status=200),
            "https://c.example/": LinkResult(Outcome.WARNING, "timed out", cause="timeout"),
        }
    )
    assert list(cache.lookup(["https://a.example/", "https://c.example/"])) == [
        "https://c.example/"
    ]


def test_a_warm_run_makes_no_request_for_links_that_were_alive(link_server, tmp_path) -> None:
    alive = [link_server.route(f"/alive{n}") for n in range(5)]
    dead = link_server.route("/dead", Reply(404))
    limited = link_server.route("/limited", Reply(429))
    urls = [*alive, dead, limited]
    first = check_urls(urls, SETTINGS, cache=LinkCache.open(tmp_path, default_ttl()))
    asked_first = len(link_server.requests())
    assert asked_first == 5 + 2 + 1  # HEAD each; GET for the 404 after HEAD said 404

    second = check_urls(urls, SETTINGS, cache=LinkCache.open(tmp_path, default_ttl()))
    asked_again = link_server.requests()[asked_first:]
    assert {entry.path for entry in asked_again} == {"/limited"}  # warnings are not cached
    assert all(second[url].cached and second[url].outcome is Outcome.ALIVE for url in alive)
    assert second[dead].cached and second[dead].outcome is Outcome.DEAD
    assert first[limited].outcome is second[limited].outcome is Outcome.WARNING


def test_a_cached_dead_link_is_asked_again_once_its_status_is_accepted(
    link_server, tmp_path
) -> None:
    url = link_server.route("/members-only", Reply(404))
    check_urls([url], SETTINGS, cache=LinkCache.open(tmp_path, default_ttl()))
    accepting = link_settings(
        timeout=1.0, retries=0, allow_private=True, accepted=(("127.0.0.1", frozenset({404})),)
    )
    result = check_urls([url], accepting, cache=LinkCache.open(tmp_path, default_ttl()))[url]
    assert result.outcome is Outcome.ALIVE and not result.cached


def test_a_corrupt_cache_is_rebuilt_with_a_notice(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILENAME
    path.write_bytes(b"this is not a database" * 100)
    cache = LinkCache.open(tmp_path, default_ttl())
    assert cache.usable
    assert len(cache.notices) == 1 and "rebuilt it empty" in cache.notices[0]
    cache.store({"https://a.example/": LinkResult(Outcome.ALIVE, "200 OK", status=200)})
    cache.close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT url FROM links").fetchall() == [("https://a.example/",)]


def test_a_damaged_page_inside_a_cache_is_found_and_rebuilt(tmp_path: Path) -> None:
    cache = LinkCache.open(tmp_path, default_ttl())
    cache.store(
        {
            f"https://site{n}.example/{'x' * 200}": LinkResult(Outcome.ALIVE, "200 OK", status=200)
            for n in range(500)
        }
    )
    cache.close()
    path = tmp_path / CACHE_FILENAME
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 4096] = b"\xff" * 4096  # scribble over a page
    path.write_bytes(bytes(data))
    reopened = LinkCache.open(tmp_path, default_ttl())
    assert reopened.usable and "rebuilt it empty" in reopened.notices[0]
    assert reopened.lookup([f"https://site1.example/{'x' * 200}"]) == {}


def _locked_when_turned_to_wal(monkeypatch, times: int) -> None:
    """Connections whose first ``times`` switches to WAL fail as SQLite fails one of two
    processes that make a new cache at once: "locked", at once, whatever the timeout."""
    failures = {"left": times}

    class Connection(sqlite3.Connection):
        def execute(self, sql, *args):
            if "journal_mode = WAL" in sql and failures["left"] > 0:
                failures["left"] -= 1
                raise sqlite3.OperationalError("database is locked")
            return super().execute(sql, *args)

    connect = sqlite3.connect
    monkeypatch.setattr(
        "doclint.core.cachedb.sqlite3.connect", lambda *a, **k: connect(*a, factory=Connection, **k)
    )


def test_a_cache_made_by_two_processes_at_once_is_opened_again(monkeypatch, tmp_path) -> None:
    _locked_when_turned_to_wal(monkeypatch, times=3)
    cache = LinkCache.open(tmp_path, default_ttl())
    assert cache.usable and cache.notices == []
    cache.store({"https://a.example/": LinkResult(Outcome.ALIVE, "200 OK", status=200)})
    cache.close()


def test_a_cache_locked_for_longer_than_the_timeout_is_not_used(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr("doclint.core.cachedb.BUSY_TIMEOUT_SECONDS", 0.05)
    _locked_when_turned_to_wal(monkeypatch, times=10**6)
    cache = LinkCache.open(tmp_path, default_ttl())
    assert not cache.usable
    assert "stayed locked by another process (database is locked)" in cache.notices[0]


def test_a_cache_folder_that_cannot_be_made_is_not_used(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    cache = LinkCache.open(blocker / "doclint", default_ttl())
    assert not cache.usable and "not used" in cache.notices[0]
    assert cache.lookup(["https://a.example/"]) == {}
    cache.store({"https://a.example/": LinkResult(Outcome.ALIVE, "200 OK")})  # no exception


def test_the_default_folder_is_the_users_cache_folder(monkeypatch, tmp_path: Path) -> None:
    import platformdirs

    monkeypatch.delenv("DOCLINT_CACHE_DIR")  # set for every test by conftest
    folder = user_cache_dir()
    assert folder == Path(platformdirs.user_cache_dir("doclint", appauthor=False))
    # As the README says: ~/.cache/doclint, ~/Library/Caches/doclint, ...\doclint\Cache.
    expected_tail = ("doclint", "Cache") if sys.platform == "win32" else ("doclint",)
    assert folder.parts[-len(expected_tail) :] == expected_tail


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG is Linux's")
@pytest.mark.parametrize("xdg", [None, "", "   ", "relative/cache", "{tmp}"])
def test_the_default_folder_follows_xdg_on_linux_as_platformdirs_does(
    monkeypatch, tmp_path: Path, xdg: str | None
) -> None:
    import platformdirs

    monkeypatch.delenv("DOCLINT_CACHE_DIR")
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg.format(tmp=tmp_path))
    assert user_cache_dir() == Path(platformdirs.user_cache_dir("doclint", appauthor=False))
    if xdg == "{tmp}":
        assert user_cache_dir() == tmp_path / "doclint"


def test_doclint_cache_dir_is_used_when_set(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DOCLINT_CACHE_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache_dir() == tmp_path / "mine"
