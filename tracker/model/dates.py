"""Fuzzy dates: a day, a week, a month, a year, or a range of days.

Reports rarely give a day for everything: "June 2015", "soon after the
assassination", "in the week of 9 June". A :class:`FuzzyDate` keeps the window
``[earliest, latest]`` (both inclusive days) and the precision it was given
with, so that queries can tell a certain answer from an uncertain one.

Accepted spellings (everywhere a date is asked for)::

    2015                  a year
    2015-06               a month
    2015-W24              an ISO week
    2015-06-09            a day
    2015-06-09/2015-06-13 a range (also ``..``); each end may itself be fuzzy
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from tracker.errors import TrackerError

PRECISIONS = ("day", "week", "month", "year", "range")

_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$", re.IGNORECASE)
_RANGE = re.compile(r"^\s*(.+?)\s*(?:/|\.\.)\s*(.+?)\s*$")


class BadDate(TrackerError, ValueError):
    """A date that cannot be read; the message says why."""


@dataclass(frozen=True, order=True)
class FuzzyDate:
    """A date known to a precision: the inclusive window of days it may be."""

    earliest: dt.date
    latest: dt.date
    precision: str = "day"

    def __post_init__(self) -> None:
        if self.latest < self.earliest:
            raise BadDate(f"range ends before it starts: {self}")
        if self.precision not in PRECISIONS:
            raise BadDate(f"unknown precision {self.precision!r}")

    @classmethod
    def day(cls, value: dt.date) -> FuzzyDate:
        return cls(value, value, "day")

    @property
    def is_exact(self) -> bool:
        return self.earliest == self.latest

    @property
    def after(self) -> dt.date:
        """The first day after the window (for half-open arithmetic)."""
        return self.latest + dt.timedelta(days=1)

    def __str__(self) -> str:
        e, lt = self.earliest, self.latest
        if self.precision == "day" or e == lt:
            return e.isoformat()
        if self.precision == "month":
            return f"{e.year:04d}-{e.month:02d}"
        if self.precision == "year":
            return f"{e.year:04d}"
        if self.precision == "week":
            year, week, _ = e.isocalendar()
            return f"{year:04d}-W{week:02d}"
        return f"{e.isoformat()}/{lt.isoformat()}"


def _make_day(year: int, month: int, day: int, text: str) -> dt.date:
    if year < 1:
        raise BadDate(f"year out of range in {text!r}")
    if not 1 <= month <= 12:
        raise BadDate(f"month must be 1-12 in {text!r}")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise BadDate(f"day must be 1-{last} for that month in {text!r}")
    return dt.date(year, month, day)


def _parse_single(text: str) -> FuzzyDate:
    if m := _DAY.match(text):
        d = _make_day(int(m[1]), int(m[2]), int(m[3]), text)
        return FuzzyDate(d, d, "day")
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        first = _make_day(year, month, 1, text)
        last = first.replace(day=calendar.monthrange(year, month)[1])
        return FuzzyDate(first, last, "month")
    if m := _YEAR.match(text):
        year = int(m[1])
        first = _make_day(year, 1, 1, text)
        return FuzzyDate(first, dt.date(year, 12, 31), "year")
    if m := _WEEK.match(text):
        try:
            monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            raise BadDate(f"no such ISO week: {text!r}") from None
        return FuzzyDate(monday, monday + dt.timedelta(days=6), "week")
    raise BadDate(f"not a date: {text!r} (use YYYY, YYYY-MM, YYYY-Www, YYYY-MM-DD or A/B)")


# Dates outside these years in data being entered are typos (0025 for 2025),
# not history that tracker holds.
EARLIEST_YEAR = 1800


def implausible(day: dt.date, today: dt.date | None = None) -> str | None:
    """Why a day cannot be a real event or report date, or None when it can."""
    latest = (today or dt.date.today()).year + 1
    if EARLIEST_YEAR <= day.year <= latest:
        return None
    return f"implausible date {day.isoformat()} (years {EARLIEST_YEAR}-{latest} only; a typo?)"


def parse_fuzzy_date(value: object) -> FuzzyDate:
    """Read a date as a user or a report writes it.

    >>> str(parse_fuzzy_date("2015-06"))
    '2015-06'
    >>> parse_fuzzy_date("2015-06-09/2015-06-13").latest
    datetime.date(2015, 6, 13)
    """
    if isinstance(value, FuzzyDate):
        return value
    if isinstance(value, dt.datetime):
        return FuzzyDate.day(value.date())
    if isinstance(value, dt.date):
        return FuzzyDate.day(value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise BadDate(f"not a date: {value!r}")
    text = value.strip()
    if not text:
        raise BadDate("empty date")
    if (m := _RANGE.match(text)) is not None and ("/" in text or ".." in text):
        start, end = _parse_single(m[1]), _parse_single(m[2])
        if end.latest < start.earliest:
            raise BadDate(f"range ends before it starts: {text!r}")
        return FuzzyDate(start.earliest, end.latest, "range")
    return _parse_single(text)
