"""How long work says how far it got: one :class:`Progress` record, one callback type.

The core calls ``progress(Progress(stage, done, total))`` as it goes (rows of
an import, files of a map import, places of a gazetteer load); the command
line renders it on one rewritten line of stderr when stderr is a terminal.
Python callers pass any callable, or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    stage: str  # what is being done: "rows", "files read", "snapshots written", "places"...
    done: int
    total: int | None = None  # None when unknown
    seconds: float = 0.0  # since the stage began

    @property
    def rate(self) -> float | None:
        return self.done / self.seconds if self.seconds > 0 else None

    @property
    def fraction(self) -> float | None:
        return self.done / self.total if self.total else None


ProgressCallback = Callable[[Progress], None]

__all__ = ["Progress", "ProgressCallback"]
