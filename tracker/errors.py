"""The errors tracker raises for a user's mistake; the CLI prints them as one line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class TrackerError(Exception):
    """Anything the user can fix: a name, a date, a file, a database URL."""


class DatabaseError(TrackerError):
    """The database cannot be reached or is at the wrong schema revision."""


class UnknownName(TrackerError):
    """No actor or place goes by that name."""

    def __init__(self, what: str, name: str, suggestions: Sequence[str] = ()):
        self.what, self.name, self.suggestions = what, name, list(suggestions)
        hint = f" (did you mean: {'; '.join(self.suggestions)}?)" if self.suggestions else ""
        super().__init__(f"no {what} named {name!r}{hint}")


@dataclass
class Candidate:
    id: int
    name: str
    kind: str
    country: str | None

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

    def __init__(self, file: str, line: int | None, field: str, reason: str):
        self.file, self.line, self.field, self.reason = file, line, field, reason
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {field}: {reason}" if field else f"{where}: {reason}")


class BadWindow(TrackerError):
    """A date window whose end comes before its start."""

    def __init__(self, start, end):
        self.start, self.end = start, end
        super().__init__(f"the window ends ({end}) before it starts ({start})")


class ConflictingOption(TrackerError):
    """An option given for a file that contradicts what was recorded when the file was imported before."""

    def __init__(self, file: str, option: str, recorded: str, given: str):
        self.file, self.option, self.recorded, self.given = file, option, recorded, given
        super().__init__(f"{file} was imported before with {option} {recorded}; {given} disagrees")


class MissingSetting(TrackerError):
    """A setting the work needs that no argument or environment variable gave (an API key, a release)."""

    def __init__(self, what: str, setting: str, why: str, env_var: str | None = None,
                 file: str | None = None, line: int | None = None, field: str = ""):
        self.what, self.setting, self.why, self.env_var = what, setting, why, env_var
        self.file, self.line, self.field = file, line, field
        where = f"{file}:{line}: {field}: " if file and line else (f"{file}: " if file else "")
        env = f" (or {env_var})" if env_var else ""
        super().__init__(f"{where}{why}: give the {setting}{env}")
