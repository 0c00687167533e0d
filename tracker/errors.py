"""The errors tracker raises for a user's mistake; the CLI prints them as one line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence


class TrackerError(Exception):
    """Anything the user can fix: a name, a date, a file, a database URL."""


class DatabaseError(TrackerError):
    """The database cannot be reached or is at the wrong schema revision."""


class UnknownName(TrackerError):
    """No actor or place goes by that name."""

    def __init__(self, what: str, name: str):
        self.what, self.name = what, name
        super().__init__(f"no {what} named {name!r}")


@dataclass
class Candidate:
    id: int
    name: str
    kind: str
    country: Optional[str]

    def __str__(self) -> str:
        where = f", {self.country}" if self.country else ""
        return f"{self.name} ({self.kind}{where}) #{self.id}"


class AmbiguousName(TrackerError):
    """A name that fits several actors or places; never silently picked."""

    def __init__(self, what: str, name: str, candidates: Sequence[Candidate]):
        self.what, self.name, self.candidates = what, name, list(candidates)
        listed = "; ".join(str(c) for c in self.candidates)
        super().__init__(f"{what} name {name!r} is ambiguous: {listed} (use the #id or a more precise name)")


class BadRecord(TrackerError):
    """A record in an input file that cannot be loaded: file, line and field."""

    def __init__(self, file: str, line: Optional[int], field: str, reason: str):
        self.file, self.line, self.field, self.reason = file, line, field, reason
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {field}: {reason}" if field else f"{where}: {reason}")
