"""The ranges stored values must fit, the same on both backends.

PostgreSQL's INTEGER holds up to 2**31 - 1 and SQLite's up to 2**63 - 1:
tracker refuses what either would refuse, before any write, so that a file
that loads on one backend loads on the other.
"""

from __future__ import annotations

INT_MAX = 2**31 - 1  # counts (fatalities), GeoNames ids: INTEGER columns
ID_MAX = 2**63 - 1  # record ids (#ID): BIGINT on PostgreSQL, SQLite's rowid


def count_problem(value: int) -> str | None:
    """Why a count cannot be stored, or None when it can."""
    if value < 0:
        return f"{value} is negative"
    if value > INT_MAX:
        return f"{shown(value)} is larger than {INT_MAX:,}, the largest count tracker stores"
    return None


def shown(value: object, width: int = 40) -> str:
    """A value as a message quotes it: cut to ``width`` characters."""
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"
