"""The ranges stored values must fit, the same on both backends.

PostgreSQL's INTEGER holds up to 2**31 - 1 and SQLite's up to 2**63 - 1:
tracker refuses what either would refuse, before any write, so that a file
that loads on one backend loads on the other.
"""

from __future__ import annotations

import re

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


# Characters no stored text holds: C0 controls but tab, line feed and carriage return, and DEL (a
# terminal would run them: ESC starts escape sequences). C1 controls (U+0080..U+009F) are refused too,
# except where a CSV reader puts them right as the Windows-1252 they were (tracker.ingest.datafiles).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
C1 = re.compile("[\x80-\x9f]")


def control_problem(text: str, c1: bool = True) -> str | None:
    """Why text cannot be stored (its first control character), or None when it can."""
    found = CONTROL.search(text) or (C1.search(text) if c1 else None)
    return None if found is None else f"control character U+{ord(found.group()):04X} in the text"
