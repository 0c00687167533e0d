"""What a dataset means by "the same event", and the clock its versions are ordered by.

**Identity.** An imported event is known by its dataset's id, in the scope
the dataset issues it in (docs/importing.md, "Identity"):

* ACLED realtime ids (``2460RTA``) were issued again every year: each year's
  realtime release numbers its events from 1. They are unique only within
  one release, so tracker keys them by the release, ``2460RTA@2016``. The
  release is the year of the file (its name, ``ACLED-All-Africa-File_
  20160101-to-20160528``; else ``--release``; else the year most of its rows
  are dated), never the year of the event itself: the 2015 release holds rows
  of 1997-2014, the 2016 release late-December 2015 events.
* Current ACLED ids (``LBY1234``), content-named ids (``acled-noid-...``) and
  UCDP ids are global: the key is the id.

A row whose key matches a stored event whose identity fields disagree beyond
any revision (another country, or a recorded date more than a year away) is
an *identity conflict*: a different event under the same id. Both are kept,
each under the key with its country and date (``2460RTA@2016~EG~2016-02-22``).

**Clocks.** Versions are ordered by the data's own clock (tracker.ingest.versions),
as Unix seconds: ACLED's ``timestamp`` where the row has one, else the
export's own date, end of day (UTC): from ``--as-of-export``, the file's
name (the last date in it: ``..._20150101-to-20151024`` was exported on
2015-10-24 at the earliest), or its latest event.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from tracker.names.normalize import normalize_name

# ACLED's realtime ids: digits and "RTA" (a few rows of the 2015 files carry
# an analyst's note after it: "2292RTA - - actor 1, notes, source").
REALTIME_ID = re.compile(r"^\d+RTA\b")
# A date in a file name: 20150101, 2015-01-01 or 2015_01_01, not inside a longer number.
_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_]?(0[1-9]|1[0-2])[-_]?(0[1-9]|[12]\d|3[01])(?!\d)")
AGREEING_DAYS = 366  # a revision moves an event's date by less than a year
_EPOCH = dt.datetime(1970, 1, 1)


def release_of(scheme: str, external_id: str, release: str | None) -> str | None:
    """The release an id is unique in: ``release`` for ACLED realtime ids, None for global ids."""
    if scheme == "acled" and REALTIME_ID.match(external_id):
        return release
    return None


def is_realtime(scheme: str, external_id: str) -> bool:
    return scheme == "acled" and REALTIME_ID.match(external_id) is not None


def identity_key(external_id: str, release: str | None) -> str:
    """``2460RTA@2016`` for a realtime id, the id itself for a global one."""
    return f"{external_id}@{release}" if release else external_id


def conflict_key(base: str, country: str | None, recorded: dt.date | None) -> str:
    """The key of one of several different events under one id: with its country and date."""
    place = "-".join(normalize_name(country or "").split()) or "unknown"
    return f"{base}~{place}~{recorded.isoformat() if recorded else 'undated'}"


def base_of(key: str) -> str:
    """The key without a conflict's country and date."""
    return key.split("~", 1)[0]


def parse_ident(text: str) -> tuple[str, str | None]:
    """``2460RTA@2016`` -> ("2460RTA", "2016"); ``LBY1234`` -> ("LBY1234", None)."""
    ext, at, release = text.partition("@")
    return (ext.strip(), release.strip() or None) if at else (text.strip(), None)


def same_event(country_a: str | None, day_a: dt.date | None, country_b: str | None,
               day_b: dt.date | None) -> bool:
    """Whether two rows under one key can be versions of one event (not an identity conflict)."""
    if country_a and country_b and normalize_name(country_a) != normalize_name(country_b):
        return False
    if day_a and day_b and abs((day_a - day_b).days) > AGREEING_DAYS:
        return False
    return True


# -- what a file's name says -------------------------------------------------------------
def dates_in_name(path: str) -> list[dt.date]:
    out = []
    for m in _NAME_DATE.finditer(Path(path).name):
        try:
            out.append(dt.date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:
            continue
    return out


def release_from_name(path: str) -> str | None:
    """The realtime release a file's name says: the year of its first date."""
    dates = dates_in_name(path)
    return str(dates[0].year) if dates else None


def export_day_from_name(path: str) -> dt.date | None:
    """The export's date a file's name says: its last date (the end of the range it covers)."""
    dates = dates_in_name(path)
    return dates[-1] if dates else None


# -- clocks -------------------------------------------------------------------------------
def day_stamp(day: dt.date) -> int:
    """The last second of a day (UTC), as Unix seconds: an export of that day is no older."""
    return int((dt.datetime.combine(day, dt.time(23, 59, 59)) - _EPOCH).total_seconds())


def moment(stamp: int | None) -> dt.datetime | None:
    """A Unix-seconds clock as a naive UTC datetime."""
    return None if stamp is None else _EPOCH + dt.timedelta(seconds=stamp)


def stamp_text(stamp: int | None) -> str:
    """A clock for people: the day when it is a day's end, else the second."""
    if stamp is None:
        return ""
    when = moment(stamp)
    assert when is not None  # a stamp always makes a moment
    if when.time() == dt.time(23, 59, 59):
        return when.date().isoformat()
    return when.isoformat(sep=" ", timespec="seconds")
