"""What every dataset importer provides: the row it reads, its reading of a header, and its errors.

A dataset (``tracker.ingest.datasets.acled``, ``...ucdp``) maps one export's
columns to :class:`DatasetRow` objects through a :class:`Binding` made from
the file's header; tracker.ingest.importer does the rest (identity, versions,
writing) the same way for all of them. The registry of datasets is
``tracker.ingest.datasets.DATASETS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


class RowError(Exception):
    """A bad value in a row: the column and why."""

    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


def parse_coordinate(text: str, column: str, limit: float) -> float:
    """A latitude (limit 90) or longitude (limit 180) cell, or a RowError saying why not."""
    if not text:
        raise RowError(column, "missing (the other coordinate is given)")
    try:
        value = float(text)
    except ValueError:
        raise RowError(column, f"{text!r} is not a number") from None
    if not -limit <= value <= limit:
        raise RowError(column, f"{text} is out of range (-{limit:g}..{limit:g})")
    return value


@dataclass(slots=True)
class DatasetRow:
    """One dataset record, normalized: what an import writes for it."""

    external_id: str
    date_start: dt.date
    date_end: dt.date
    date_precision: str
    event_type: str
    sub_type: str | None
    actors: list  # (role, name, kind or None, column)
    path: list  # PathStep, outermost first; the last is the event's place
    country: str | None
    country_code: str | None
    latitude: float | None
    longitude: float | None
    coord_precision: str | None
    fatalities_low: int | None
    fatalities_best: int | None
    fatalities_high: int | None
    description: str | None
    cited: str | None
    attributes: dict
    stamp: int | None = None  # the row's own clock (ACLED timestamp), Unix seconds
    recorded_date: dt.date | None = None  # the date as the dataset records it, before precision widens it


@dataclass
class Binding:
    """A dataset's reading of one file's header: which columns feed the hash, and the row parser."""

    parse: Callable[[list[str]], DatasetRow]
    hashed: list[int]  # indexes of the columns whose values make a row's content
    names: list[str]  # the header as written
    day: Callable[[list[str]], dt.date | None] = lambda fields: None  # a row's recorded date, or None
    has_stamps: bool = False  # the rows carry their own clock (ACLED timestamp)
    # (external id, row clock) read from the raw fields without parsing the row, or None when the
    # dataset offers no such reading; raises RowError where it cannot tell (the row is parsed).
    # An import compares them and the row's hash with what the store holds, and does not parse a
    # row that is unchanged.
    quick: Callable[[list[str]], tuple[str, int | None]] | None = None


class Dataset:
    """What differs between datasets: the scheme, the source description, the row mapping."""

    scheme: str = ""
    label: str = ""
    publisher: str = ""
    url: str | None = None
    id_column: str = ""

    def bind(self, header: list[str], file: str) -> Binding:  # pragma: no cover - abstract
        raise NotImplementedError


def parse_count(text: str, column: str) -> int | None:
    """A count as a dataset writes it (``3``, ``3.0``; empty: unknown), within what both backends store."""
    from tracker.model.limits import count_problem, shown

    value = text.strip()
    if not value:
        return None
    try:
        number = int(value) if value.isdigit() else float(value)  # digits stay exact, however many
    except ValueError:
        raise RowError(column, f"{shown(text)!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")) or number < 0 or number != int(number):
        raise RowError(column, f"{shown(text)!r} is not a count (a whole number, 0 or more)")
    if (problem := count_problem(int(number))) is not None:
        raise RowError(column, problem)
    return int(number)
