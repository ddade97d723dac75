"""The link cache: results of external link checks, kept between runs in SQLite.

One table keyed by URL. Each outcome has its own time to live (alive: 7 days, dead: 1 day,
warnings: not kept, by default); skipped links are never stored, since skipping depends on
the configuration, not on the link. Several doclint processes may share one cache at once
(pre-commit runs hooks in parallel): the database is in WAL mode, writers wait for each
other (busy timeout), and each run writes its results in one short transaction. A cache
that cannot be read is rebuilt, and one that cannot be rebuilt is left alone for the run:
either way the run goes on and says so in a notice, never a crash.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .linkcheck import LinkResult, Outcome

CACHE_FILENAME = "links.sqlite3"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_SECONDS = 30.0
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


def user_cache_dir() -> Path:
    """doclint's folder in the user's cache: ``$XDG_CACHE_HOME/doclint`` (``~/.cache``),
    ``~/Library/Caches/doclint`` on macOS, ``%LOCALAPPDATA%\\doclint\\Cache`` on Windows."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "doclint" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "doclint"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "doclint"


@dataclass(frozen=True)
class TimeToLive:
    """How long each outcome stays fresh, in seconds; 0 means it is not stored."""

    alive: float = 7 * DAY
    dead: float = 1 * DAY
    warning: float = 0.0

    def of(self, outcome: Outcome) -> float:
        if outcome is Outcome.ALIVE:
            return self.alive
        if outcome is Outcome.DEAD:
            return self.dead
        if outcome is Outcome.WARNING:
            return self.warning
        return 0.0


class LinkCache:
    """Open with ``LinkCache.open(folder)``; problems become ``notices``, not exceptions."""

    def __init__(
        self,
        path: Path,
        ttl: TimeToLive = TimeToLive(),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.ttl = ttl
        self.clock = clock
        self.notices: list[str] = []
        self._connection: sqlite3.Connection | None = None

    @classmethod
    def open(
        cls,
        folder: Path,
        ttl: TimeToLive = TimeToLive(),
        clock: Callable[[], float] = time.time,
    ) -> LinkCache:
        cache = cls(folder / CACHE_FILENAME, ttl, clock)
        cache._connect()
        return cache

    @property
    def usable(self) -> bool:
        return self._connection is not None

    # -- opening -------------------------------------------------------------------------

    def _connect(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self._give_up(f"cannot create its folder: {error.strerror or error}")
            return
        try:
            self._connection = self._open_database()
            return
        except sqlite3.OperationalError as error:
            if _is_busy(error):
                self._give_up(f"it stayed locked by another process ({error})")
                return
            problem: Exception = error
        except sqlite3.DatabaseError as error:
            problem = error
        self._rebuild(problem)

    def _open_database(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        try:
            connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA_VERSION:
                self._create_schema(connection)
            # Reads a page of the table: a damaged file fails here rather than mid-run.
            connection.execute("SELECT url FROM links LIMIT 1").fetchall()
            check = connection.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {check}")
        except BaseException:
            connection.close()
            raise
        return connection

    @staticmethod
    def _create_schema(connection: sqlite3.Connection) -> None:
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have created it while this one waited for the lock.
            if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                connection.execute("DROP TABLE IF EXISTS links")
                connection.execute(_SCHEMA)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    def _rebuild(self, problem: Exception) -> None:
        """Replace an unreadable cache with an empty one (it only holds what can be asked
        again). Another process may have rebuilt it already: then that one is used."""
        try:
            self._connection = self._open_database()
            return
        except sqlite3.DatabaseError:
            pass
        for suffix in ("", "-wal", "-shm"):
            try:
                os.remove(f"{self.path}{suffix}")
            except FileNotFoundError:
                pass
            except OSError as error:
                self._give_up(f"it is unreadable ({problem}) and cannot be removed ({error})")
                return
        try:
            self._connection = self._open_database()
        except sqlite3.Error as error:
            self._give_up(f"it is unreadable ({problem}) and could not be rebuilt ({error})")
            return
        self.notices.append(f"link cache {self.path} was unreadable ({problem}); rebuilt it empty")

    def _give_up(self, why: str) -> None:
        self._connection = None
        self.notices.append(f"link cache {self.path} not used: {why}")

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
        try:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                self._connection.execute("DELETE FROM links WHERE expires_at <= ?", (now,))
                self._connection.executemany(
                    "INSERT OR REPLACE INTO links VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows
                )
                self._connection.execute("COMMIT")
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            self._give_up(f"writing failed ({error})")

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text
