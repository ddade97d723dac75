"""The result cache as one ``check`` uses it: which files' results still hold."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from doclint.config.loading import Config
from doclint.core.findings import Finding
from doclint.engine.discovery import FileError, SourceFile
from doclint.engine.workers import Outcome
from doclint.rules import duplicate_question
from doclint.workspace.project import Dependencies, Project

if TYPE_CHECKING:
    from doclint.engine.resultcache import ResultCache


class CachedRun:
    """The result cache as one ``check`` uses it: which files' results still hold, and
    what to keep for the others."""

    def __init__(self, cache: ResultCache, root: Path) -> None:
        self.cache = cache
        self.project = Project(root)
        self.keys: dict[str, str] = {}
        self.used: list[str] = []
        self.entries: dict[str, str] = {}

    @classmethod
    def open(
        cls,
        folder: Path | None,
        config: Config,
        select: Sequence[str],
        ignore: Sequence[str],
        root: Path,
    ) -> CachedRun:
        from doclint.core.cachedb import user_cache_dir
        from doclint.engine.resultcache import ResultCache, code_fingerprint
        from doclint.parsing import chosen_parser
        from doclint.workspace.project import digest

        context = digest(
            repr(
                (
                    code_fingerprint(),
                    chosen_parser(),
                    config,
                    tuple(select),
                    tuple(ignore),
                    str(root),
                )
            ).encode()
        )
        return cls(ResultCache(folder or user_cache_dir(), context), root)

    def reuse(self, sources: Sequence[SourceFile]) -> dict[str, Outcome]:
        """Findings (by display path) of the files whose results still hold."""
        from doclint.engine.resultcache import Verifier
        from doclint.workspace.project import digest

        for source in sources:
            try:
                data = source.path.read_bytes()
            except OSError:
                continue
            content = digest(data)
            self.project.know_digest(source.path, content)
            self.keys[source.display] = self.cache.key(source.path, content)
        stored = self.cache.lookup(self.keys.values())
        # The files left are checked next, maybe by forked processes: no SQLite connection
        # may be open across a fork. ``close`` connects again to store the new results.
        self.cache.close()
        verifier = Verifier(self.project)
        reused: dict[str, Outcome] = {}
        for display, key in self.keys.items():
            if key in stored:
                findings = verifier.findings(stored[key], display)
                if findings is not None:
                    reused[display] = list(findings)
                    self.used.append(key)
        return reused

    def keep(self, source: SourceFile, outcome: Outcome) -> None:
        from doclint.engine.resultcache import encode

        key = self.keys.get(source.display)
        dependencies = next((item for item in outcome if isinstance(item, Dependencies)), None)
        if key is None or dependencies is None or any(isinstance(i, FileError) for i in outcome):
            return
        findings = [item for item in outcome if isinstance(item, Finding)]
        asked = next((i for i in outcome if isinstance(i, duplicate_question.AskedQuestions)), None)
        self.entries[key] = encode(findings, dependencies, asked)

    def close(self) -> list[str]:
        self.cache.store(self.entries, self.used)
        self.cache.close()
        return self.cache.notices
