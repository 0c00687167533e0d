"""Which version of an imported event stands: ordered by the data's clock, never by imports.

Every export that holds an event gives a *version* of it (its content hash
and clocks); an ACLED deletion, or a pruning export that no longer holds it,
gives a *deletion*. What the store shows is a function of the set of those
records alone, so the same files imported in any order make the same store:

* Versions are ordered by ``(stamp, export, content hash)``: the row's own
  clock (ACLED ``timestamp``, else the export's date), then the export's
  clock, then the hash, so that even two versions with equal clocks order
  the same way every time. The newest version is the one that stands.
* A deletion stands when it is no older than the newest version's *seen*
  clock, the later of its row clock and its export's: an export newer than
  the deletion that still holds the event brings it back (as acledR does); an
  older export never does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional


@dataclass(frozen=True, slots=True)
class Version:
    """One export's version of an event, by its clocks and content."""

    stamp: int  # the row's clock
    export: Optional[int]  # the export's clock; None when the file has only the rows' own
    content_hash: str

    @property
    def seen(self) -> int:
        """When this version is known to have stood: the later of its row's and its export's clocks."""
        return self.stamp if self.export is None else max(self.stamp, self.export)

    @property
    def order(self) -> tuple[int, int, str]:
        return self.stamp, self.stamp if self.export is None else self.export, self.content_hash


def newest(versions: Iterable[Version]) -> Optional[Version]:
    """The version that stands among these (None for none)."""
    best = None
    for v in versions:
        if best is None or v.order > best.order:
            best = v
    return best


def is_newer(a: Version, b: Optional[Version]) -> bool:
    """Whether version ``a`` supersedes ``b``."""
    return b is None or a.order > b.order


def deleted_by(version: Optional[Version], deletions: Iterable[int]) -> Optional[int]:
    """The newest deletion that stands against the newest version ``version``, or None."""
    stamps = [d for d in deletions if version is None or d >= version.seen]
    return max(stamps) if stamps else None
