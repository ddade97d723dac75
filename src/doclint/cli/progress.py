"""A one-line progress bar for a terminal: ``external links [####----] 120/500, 3 dead``.

The CLI creates one only when stderr is a terminal and ``--quiet`` is not given; it is
redrawn in place at most ten times a second, and wiped when the work is done, so that
nothing of it is left among the findings.
"""

from __future__ import annotations

import time
from typing import TextIO

REDRAW_INTERVAL = 0.1
BAR_WIDTH = 30


class ProgressBar:
    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self._last_draw = 0.0
        self._width = 0  # of the line last drawn, to wipe it

    def __call__(self, done: int, total: int, dead: int) -> None:
        now = time.monotonic()
        if total <= 0 or (done < total and now - self._last_draw < REDRAW_INTERVAL):
            return
        self._last_draw = now
        filled = BAR_WIDTH * done // total
        line = (
            f"{self.label} [{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {done}/{total}, {dead} dead"
        )
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)

    def close(self) -> None:
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
