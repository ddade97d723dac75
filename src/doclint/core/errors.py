"""Errors the user can act on: the CLI prints them as one line and exits with 2."""

from __future__ import annotations


class DoclintError(Exception):
    """A usage, configuration or input error."""

    exit_code = 2


class ConfigError(DoclintError):
    """A configuration file that cannot be used, with where the problem is."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")
