import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.model.dates import BadDate, FuzzyDate, parse_fuzzy_date


@pytest.mark.parametrize(
    "text, earliest, latest, precision",
    [
        ("2015-06-09", "2015-06-09", "2015-06-09", "day"),
        ("2015-06", "2015-06-01", "2015-06-30", "month"),
        ("2015-02", "2015-02-01", "2015-02-28", "month"),
        ("2016-02", "2016-02-01", "2016-02-29", "month"),
        ("2015", "2015-01-01", "2015-12-31", "year"),
        ("2015-W24", "2015-06-08", "2015-06-14", "week"),
        ("2015-06-09/2015-06-13", "2015-06-09", "2015-06-13", "range"),
        ("2015-06-09..2015-06-13", "2015-06-09", "2015-06-13", "range"),
        ("2015-06/2015-07", "2015-06-01", "2015-07-31", "range"),
        (" 2015-6-9 ", "2015-06-09", "2015-06-09", "day"),
    ],
)
def test_accepted_spellings(text, earliest, latest, precision):
    d = parse_fuzzy_date(text)
    assert (d.earliest.isoformat(), d.latest.isoformat(), d.precision) == (earliest, latest, precision)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("2015-13-45", "month must be 1-12"),
        ("2015-02-30", "day must be 1-28"),
        ("2015-06-31", "day must be 1-30"),
        ("0000-01-01", "year out of range"),
        ("2015-W60", "no such ISO week"),
        ("June 2015", "not a date"),
        ("2015-06-13/2015-06-09", "ends before it starts"),
        ("", "empty date"),
    ],
)
def test_refused_dates_say_why(text, reason):
    with pytest.raises(BadDate, match=reason):
        parse_fuzzy_date(text)


def test_str_round_trips_the_written_form():
    for text in ["2015", "2015-06", "2015-06-09", "2015-W24", "2015-06-09/2015-06-13"]:
        assert str(parse_fuzzy_date(text)) == text


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_any_day_round_trips(day):
    d = parse_fuzzy_date(day.isoformat())
    assert d == FuzzyDate(day, day, "day")
    assert parse_fuzzy_date(str(d)) == d


@given(st.integers(1, 9999), st.integers(1, 12))
def test_any_month_covers_exactly_its_days(year, month):
    d = parse_fuzzy_date(f"{year:04d}-{month:02d}")
    assert d.earliest == dt.date(year, month, 1)
    assert d.latest == dt.date(year, month, calendar.monthrange(year, month)[1])  # no day after 9999-12-31


@given(st.text(max_size=30))
def test_arbitrary_text_parses_or_raises_baddate(text):
    try:
        d = parse_fuzzy_date(text)
    except BadDate:
        return
    assert d.earliest <= d.latest
