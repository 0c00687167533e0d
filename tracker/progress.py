"""How long work says how far it got: one :class:`Progress` record, one callback type.

The core calls ``progress(Progress(stage, done, total))`` as it goes (the
bytes of a file an import reads, files of a map import, places of a gazetteer
load), and names each later stage that may take a while ("re-deriving
control") with a Progress of its own; the command line renders them as
progress bars on stderr (tqdm) when stderr is a terminal, nothing otherwise.
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
    unit: str = ""  # what done and total count: "rows", "bytes", "files"... ("" : the stage's own things)
    detail: str = ""  # a note beside the count ("123,456 rows" while the bytes of a file are counted)

    @property
    def rate(self) -> float | None:
        return self.done / self.seconds if self.seconds > 0 else None

    @property
    def fraction(self) -> float | None:
        return self.done / self.total if self.total else None


ProgressCallback = Callable[[Progress], None]

__all__ = ["Progress", "ProgressCallback"]
