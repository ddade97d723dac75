"""doclint's cache folder and the SQLite databases kept in it.

Both caches (external link results, per-file check results) only hold what can be worked
out again, so a problem with one never stops a run: a database that cannot be read is
rebuilt empty, one that cannot be rebuilt is left alone for the run, and either way a
notice says so. Several doclint processes may use a database at once (pre-commit runs
hooks in parallel): WAL mode, and writers wait for each other (busy timeout).
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from pathlib import Path

BUSY_TIMEOUT_SECONDS = 30.0
_RETRY_PAUSE_SECONDS = 0.01
CACHE_DIR_VARIABLE = "DOCLINT_CACHE_DIR"


def user_cache_dir() -> Path:
    """doclint's cache folder: ``$DOCLINT_CACHE_DIR`` when set, else doclint's folder in
    the user's cache as platformdirs finds it (as pip and black do):
    ``$XDG_CACHE_HOME/doclint`` (``~/.cache/doclint``) on Linux,
    ``~/Library/Caches/doclint`` on macOS, ``%LOCALAPPDATA%\\doclint\\Cache`` on Windows."""
    chosen = os.environ.get(CACHE_DIR_VARIABLE)
    if chosen:
        return Path(chosen)
    if sys.platform.startswith("linux"):
        # platformdirs' answer on Linux, the XDG rule, without importing it (and tempfile
        # and random with it): 20 ms, a tenth of a pre-commit run on one chapter. A test
        # holds the two equal.
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        return Path(xdg if os.path.isabs(xdg) else os.path.expanduser("~/.cache")) / "doclint"
    # Imported here, for start-up time: a run given its cache folder does without it.
    import platformdirs

    return Path(platformdirs.user_cache_dir("doclint", appauthor=False))


def is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


class CacheDatabase:
    """One SQLite file with one table. ``connection`` is None when it cannot be used."""

    def __init__(
        self,
        path: Path,
        description: str,
        table: str,
        schema: str,
        version: int,
        check_integrity: bool = True,
    ) -> None:
        self.path = path
        self.description = description
        self.table = table
        self.schema = schema
        self.version = version
        self.check_integrity = check_integrity
        self.notices: list[str] = []
        self.connection: sqlite3.Connection | None = None
        self.given_up = False
        self._connect()

    def _connect(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self.give_up(f"cannot create its folder: {error.strerror or error}")
            return
        # SQLite says "locked" at once, without waiting for the busy timeout, to one of two
        # connections that turn a new file to WAL together: opening is tried again.
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        while True:
            try:
                self.connection = self._open()
                return
            except sqlite3.OperationalError as error:
                if not is_busy(error):
                    problem: Exception = error
                    break
                if time.monotonic() >= deadline:
                    self.give_up(f"it stayed locked by another process ({error})")
                    return
                time.sleep(_RETRY_PAUSE_SECONDS)
            except sqlite3.DatabaseError as error:
                problem = error
                break
        self._rebuild(problem)

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        try:
            connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            if connection.execute("PRAGMA user_version").fetchone()[0] != self.version:
                self._create_schema(connection)
            # Reads a page of the table: a damaged file fails here rather than mid-run.
            connection.execute(f"SELECT * FROM {self.table} LIMIT 1").fetchall()
            if self.check_integrity:
                check = connection.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok":
                    raise sqlite3.DatabaseError(f"integrity check failed: {check}")
        except BaseException:
            connection.close()
            raise
        return connection

    def _create_schema(self, connection: sqlite3.Connection) -> None:
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have created it while this one waited for the lock.
            if connection.execute("PRAGMA user_version").fetchone()[0] != self.version:
                connection.execute(f"DROP TABLE IF EXISTS {self.table}")
                connection.execute(self.schema)
                connection.execute(f"PRAGMA user_version = {self.version}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    def _rebuild(self, problem: Exception) -> None:
        """Replace an unreadable database with an empty one. Another process may have
        rebuilt it already: then that one is used."""
        try:
            self.connection = self._open()
            return
        except sqlite3.DatabaseError:
            pass
        for suffix in ("", "-wal", "-shm"):
            try:
                os.remove(f"{self.path}{suffix}")
            except FileNotFoundError:
                pass
            except OSError as error:
                self.give_up(f"it is unreadable ({problem}) and cannot be removed ({error})")
                return
        try:
            self.connection = self._open()
        except sqlite3.Error as error:
            self.give_up(f"it is unreadable ({problem}) and could not be rebuilt ({error})")
            return
        self.notices.append(
            f"{self.description} {self.path} was unreadable ({problem}); rebuilt it empty"
        )

    def give_up(self, why: str) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None
        self.given_up = True
        self.notices.append(f"{self.description} {self.path} not used: {why}")

    def write(self, statements: list[tuple[str, list[tuple]]]) -> None:
        """Run ``(sql, rows)`` pairs with ``executemany`` in one short transaction."""
        if self.connection is None:
            return
        try:
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                for sql, rows in statements:
                    self.connection.executemany(sql, rows)
                self.connection.execute("COMMIT")
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            self.give_up(f"writing failed ({error})")

    def close(self) -> None:
        """Close the connection: at the end, or before processes are forked, since a
        connection must never be carried into a child (SQLite's rule)."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def reopen(self) -> None:
        """Connect again after ``close``; a database given up stays given up."""
        if self.connection is None and not self.given_up:
            self._connect()
