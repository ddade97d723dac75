"""Per-file check results kept between runs: a repeat run over unchanged files is nearly
free.

An entry is keyed by the file's path and content digest, doclint's own code, and the
effective configuration. Rules also look at the disk (does this image exist? what anchors
does that file have?), so an entry records every such question with its answer, and is
used only while each answer is still the same; the answers are checked in the run, the
file is not parsed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from doclint import __version__
from doclint.core.cachedb import CacheDatabase
from doclint.core.findings import Edit, Finding, Fix, Severity
from doclint.rules.duplicate_question import AskedQuestions
from doclint.workspace.project import Dependencies, Lookup, Project, digest

CACHE_FILENAME = "results.sqlite3"
SCHEMA_VERSION = 1
KEEP_UNUSED_SECONDS = 30 * 24 * 60 * 60.0
_LOOKUP_CHUNK = 500  # stays under SQLite's limit of variables in one statement

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    used_at REAL NOT NULL
) WITHOUT ROWID
"""


def code_fingerprint() -> str:
    """doclint's version and the state of its own files, so that a changed doclint (an
    editable install being worked on, too) never reads results of another."""
    package = Path(__file__).resolve().parent
    parts = [__version__]
    for folder, _, names in os.walk(package):
        for name in sorted(names):
            if name.endswith((".py", ".yml")):
                status = os.stat(os.path.join(folder, name))
                parts.append(f"{name}:{status.st_size}:{status.st_mtime_ns}")
    return digest("\n".join(parts).encode())


class ResultCache:
    def __init__(self, folder: Path, context: str) -> None:
        self.context = context
        self._database = CacheDatabase(
            folder / CACHE_FILENAME,
            "result cache",
            "results",
            _SCHEMA,
            SCHEMA_VERSION,
            check_integrity=False,  # a damaged entry is just a miss; reads find the rest
        )

    @property
    def notices(self) -> list[str]:
        return self._database.notices

    def key(self, path: Path, content_digest: str) -> str:
        return digest(f"{self.context}\0{os.path.abspath(path)}\0{content_digest}".encode())

    def lookup(self, keys: Iterable[str]) -> dict[str, str]:
        connection = self._database.connection
        if connection is None:
            return {}
        wanted = list(dict.fromkeys(keys))
        found: dict[str, str] = {}
        try:
            for start in range(0, len(wanted), _LOOKUP_CHUNK):
                chunk = wanted[start : start + _LOOKUP_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = connection.execute(
                    f"SELECT key, value FROM results WHERE key IN ({marks})", chunk
                ).fetchall()
                found.update(rows)
        except sqlite3.Error as error:
            self._database.give_up(f"reading failed ({error})")
            return {}
        return found

    def store(self, entries: Mapping[str, str], used: Iterable[str]) -> None:
        """Keep new entries, mark the ones used, forget those unused for a month. Connects
        again if the cache was closed after ``lookup`` (while files were checked)."""
        self._database.reopen()
        now = time.time()
        self._database.write(
            [
                ("DELETE FROM results WHERE used_at < ?", [(now - KEEP_UNUSED_SECONDS,)]),
                (
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                    [(key, value, now) for key, value in entries.items()],
                ),
                ("UPDATE results SET used_at = ? WHERE key = ?", [(now, key) for key in used]),
            ]
        )

    def close(self) -> None:
        self._database.close()


# ---------------------------------------------------------------------------------------
# Entries


def encode(
    findings: Iterable[Finding], dependencies: Dependencies, asked: AskedQuestions | None = None
) -> str:
    return json.dumps(
        {
            "findings": [
                [
                    finding.line,
                    finding.column,
                    finding.rule,
                    int(finding.severity),
                    finding.message,
                    finding.suggestion,
                    None
                    if finding.fix is None
                    else [
                        finding.fix.title,
                        [[e.line, e.column, e.delete, e.insert] for e in finding.fix.edits],
                    ],
                ]
                for finding in findings
            ],
            "lookups": dependencies.lookups,
            "anchors": dependencies.anchors,
            "asked": None if asked is None else [list(q) for q in asked.questions],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


class Verifier:
    """Answers the questions an entry recorded, as the disk is now."""

    def __init__(self, project: Project) -> None:
        self.project = project

    def findings(self, value: str, display: str) -> list[Finding | AskedQuestions] | None:
        """The entry's findings (and the chapter's questions, when they were kept for
        duplicate-question), or None when it is damaged or no longer holds."""
        try:
            entry = json.loads(value)
            for path, answer in entry["lookups"].items():
                now: Lookup = self.project.lookup(Path(path))
                if [now.found, now.actual, now.is_dir] != answer:
                    return None
            for path, content in entry["anchors"].items():
                if self.project.file_digest(path) != content:
                    return None
            found: list[Finding | AskedQuestions] = [
                Finding(
                    display,
                    line,
                    column,
                    rule,
                    Severity(severity),
                    message,
                    suggestion,
                    None if fix is None else Fix(fix[0], tuple(Edit(*edit) for edit in fix[1])),
                )
                for line, column, rule, severity, message, suggestion, fix in entry["findings"]
            ]
            if entry.get("asked") is not None:
                found.append(AskedQuestions(display, tuple(tuple(q) for q in entry["asked"])))
            return found
        except (ValueError, KeyError, TypeError):
            return None
