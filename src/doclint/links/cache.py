"""The link cache: results of external link checks, kept between runs in SQLite.

One table keyed by URL. Each outcome has its own time to live (the dead-link rule's
``cache-…-days`` options); skipped links are never stored, since skipping depends on
the configuration, not on the link. Several doclint processes may share one cache at once
(pre-commit runs hooks in parallel): the database is in WAL mode, writers wait for each
other (busy timeout), and each run writes its results in one short transaction. A cache
that cannot be read is rebuilt, and one that cannot be rebuilt is left alone for the run:
either way the run goes on and says so in a notice, never a crash.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from doclint.core.cachedb import CacheDatabase, user_cache_dir
from doclint.links.model import LinkResult, Outcome

CACHE_FILENAME = "links.sqlite3"
SCHEMA_VERSION = 1
DAY = 24 * 60 * 60.0
_LOOKUP_CHUNK = 500  # stays under SQLite's limit of variables in one statement

_SCHEMA = """
CREATE TABLE IF NOT EXISTS links (
    url TEXT PRIMARY KEY,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL,
    cause TEXT NOT NULL,
    status INTEGER,
    final_url TEXT,
    checked_at REAL NOT NULL,
    expires_at REAL NOT NULL
) WITHOUT ROWID
"""


@dataclass(frozen=True)
class TimeToLive:
    """How long each outcome stays fresh, in seconds; 0 means it is not stored. The
    defaults are the dead-link rule's ``cache-…-days`` options, written there only."""

    alive: float
    dead: float
    warning: float

    def of(self, outcome: Outcome) -> float:
        if outcome is Outcome.ALIVE:
            return self.alive
        if outcome is Outcome.DEAD:
            return self.dead
        if outcome is Outcome.WARNING:
            return self.warning
        return 0.0


class LinkCache:
    """Open with ``LinkCache.open(folder, ttl)``; problems become ``notices``, not exceptions."""

    def __init__(
        self,
        path: Path,
        ttl: TimeToLive,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.ttl = ttl
        self.clock = clock
        self._database: CacheDatabase | None = None

    @classmethod
    def open(
        cls,
        folder: Path,
        ttl: TimeToLive,
        clock: Callable[[], float] = time.time,
    ) -> LinkCache:
        cache = cls(folder / CACHE_FILENAME, ttl, clock)
        cache._database = CacheDatabase(cache.path, "link cache", "links", _SCHEMA, SCHEMA_VERSION)
        return cache

    @property
    def _connection(self) -> sqlite3.Connection | None:
        return self._database.connection if self._database is not None else None

    @property
    def notices(self) -> list[str]:
        return self._database.notices if self._database is not None else []

    @property
    def usable(self) -> bool:
        return self._connection is not None

    def _give_up(self, why: str) -> None:
        if self._database is not None:
            self._database.give_up(why)

    # -- reading and writing -------------------------------------------------------------

    def lookup(self, urls: Iterable[str]) -> dict[str, LinkResult]:
        """The fresh results stored for ``urls``."""
        if self._connection is None:
            return {}
        wanted = list(dict.fromkeys(urls))
        now = self.clock()
        found: dict[str, LinkResult] = {}
        try:
            for start in range(0, len(wanted), _LOOKUP_CHUNK):
                chunk = wanted[start : start + _LOOKUP_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._connection.execute(
                    "SELECT url, outcome, reason, cause, status, final_url FROM links "
                    f"WHERE expires_at > ? AND url IN ({marks})",
                    (now, *chunk),
                ).fetchall()
                for url, outcome, reason, cause, status, final_url in rows:
                    found[url] = LinkResult(
                        Outcome(outcome), reason, cause, status, final_url, cached=True
                    )
        except (sqlite3.Error, ValueError) as error:
            self._give_up(f"reading failed ({error})")
            return {}
        return found

    def store(self, results: Mapping[str, LinkResult]) -> None:
        """Keep each result for its outcome's time to live, in one transaction."""
        if self._connection is None:
            return
        now = self.clock()
        rows = [
            (
                url,
                result.outcome.value,
                result.reason,
                result.cause,
                result.status,
                result.final_url,
                now,
                now + self.ttl.of(result.outcome),
            )
            for url, result in results.items()
            if not result.cached and self.ttl.of(result.outcome) > 0
        ]
        assert self._database is not None
        self._database.write(
            [
                ("DELETE FROM links WHERE expires_at <= ?", [(now,)]),
                ("INSERT OR REPLACE INTO links VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows),
            ]
        )

    def close(self) -> None:
        if self._database is not None:
            self._database.close()


__all__ = ["LinkCache", "TimeToLive", "user_cache_dir"]
