"""The analyst's everyday questions: totals, filters, text search, finding names, clean exports.

Totals and filters are checked against the raw files counted here with the
standard library (ACLED by ``EVENT_DATE``, UCDP by ``date_start``), on both
backends.
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io
import json
import re

import pytest
from conftest import ROOT, SEED

SHARED = ROOT.parent / "shared" / "data" / "realworld"
JULY = SHARED / "acled" / "ACLED-All-Africa-File_20150701-to-20150731_csv.csv"
AUGUST = SHARED / "acled" / "ACLED-All-Africa-File_20150801-to-20150831_csv.csv"
SYRIA = SHARED / "ucdp_ged" / "ged191_syria_2016-2019.csv"
OWN = ROOT / "tests" / "data" / "acled_own" / "acled_own_2015.csv"
needs_acled = pytest.mark.skipif(not JULY.exists(), reason="../shared/data/realworld/acled is absent")
needs_ucdp = pytest.mark.skipif(not SYRIA.exists(), reason="../shared/data/realworld/ucdp_ged is absent")


def _acled_rows(*paths):
    """The raw rows of ACLED 2015 files, the later file's row standing for an id in both."""
    rows = {}
    for path in paths:
        with open(path, encoding="latin-1", newline="") as f:
            for row in csv.DictReader(f):
                rows[row["EVENT_ID_CNTY"]] = row
    return list(rows.values())


def _day(acled_date: str) -> dt.date:
    d, m, y = acled_date.split("/")
    return dt.date(int(y), int(m), int(d))


def _ok(result):
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def libya(run):
    for path in (JULY, AUGUST):
        _ok(run("import", "acled", str(path)))
    return run


# -- totals -----------------------------------------------------------------------------------------
@needs_acled
def test_monthly_totals_for_libya_equal_the_raw_files(libya):
    counts, deaths = collections.Counter(), collections.Counter()
    for row in _acled_rows(JULY, AUGUST):
        if row["COUNTRY"] == "Libya":
            month = _day(row["EVENT_DATE"]).strftime("%Y-%m")
            counts[month] += 1
            deaths[month] += int(row["FATALITIES"])
    got = json.loads(_ok(libya("summary", "--by", "month", "--country", "Libya", "--format", "json")).stdout)
    assert [(g["month"], g["events"], g["fatalities"]) for g in got] == [
        (m, counts[m], deaths[m]) for m in sorted(counts)]
    assert [g["month"] for g in got] == ["2015-07", "2015-08"]


@needs_acled
def test_totals_by_week_admin1_and_type_add_up(libya):
    rows = [r for r in _acled_rows(JULY, AUGUST) if r["COUNTRY"] == "Libya"]
    weeks = collections.Counter("{}-W{:02d}".format(*_day(r["EVENT_DATE"]).isocalendar()[:2]) for r in rows)
    got = json.loads(_ok(libya("summary", "--by", "week", "--country", "LY", "--format", "json")).stdout)
    assert {g["week"]: g["events"] for g in got} == dict(weeks)
    areas = collections.Counter(r["ADM_LEVEL_1"] for r in rows)
    got = json.loads(_ok(libya("summary", "--by", "admin1", "--by", "type", "--country", "Libya",
                               "--format", "json")).stdout)
    by_area = collections.Counter()
    for g in got:
        by_area[g["admin1"]] += g["events"]
    assert by_area == areas


@needs_ucdp
def test_ucdp_syria_per_year_and_top_actors_equal_the_raw_file(run):
    _ok(run("import", "ucdp", str(SYRIA)))
    years = collections.defaultdict(lambda: [0, 0, 0, 0])
    deaths = collections.Counter()
    with open(SYRIA, newline="") as f:
        for row in csv.DictReader(f):
            y = years[row["date_start"][:4]]
            y[0] += 1
            for i, column in enumerate(("best", "low", "high"), start=1):
                y[i] += int(row[column])
            # tracker files a side listing several groups as each group (the first as actor1/actor2)
            for group in {g for side in ("side_a", "side_b") for g in row[side].split(", ")}:
                deaths[group] += int(row["best"])
    got = json.loads(_ok(run("summary", "--by", "year", "--country", "Syria", "--format", "json")).stdout)
    assert [(g["year"], g["events"], g["fatalities"], g["fatalities_low"], g["fatalities_high"]) for g in got] == [
        (year, *years[year]) for year in sorted(years)]
    top = json.loads(_ok(run("summary", "--by", "actor", "--country", "Syria", "--limit", "3",
                             "--format", "json")).stdout)
    assert [(g["actor"], g["fatalities"]) for g in top] == deaths.most_common(3)
    table = _ok(run("summary", "--by", "actor", "--country", "Syria", "--limit", "3"))
    assert "each event counted once per actor taking part" in table.stdout.splitlines()[0]


def test_summary_by_dataset_and_actor_role_on_the_seed(seeded_run):
    got = json.loads(_ok(seeded_run("summary", "--by", "dataset", "--format", "json")).stdout)
    assert got == [{"dataset": "report", "events": 11, "fatalities": 1, "fatalities_low": 1, "fatalities_high": 1}]
    first = json.loads(_ok(seeded_run("summary", "--by", "actor", "--role", "actor1", "--format", "json")).stdout)
    assert {g["actor"]: g["events"] for g in first} == {
        "Mujahedeen Shura Council of Derna": 7, "Islamic State (Libya)": 2, "Derna residents": 2}
    assert sum(g["events"] for g in first) == 11  # every seed event has one actor1


# -- filters ----------------------------------------------------------------------------------------
@needs_acled
def test_admin1_darnah_in_july_is_the_raw_files_darnah_rows_with_the_report_loaded(run):
    _ok(run("load", str(SEED)))
    for path in (JULY, AUGUST):
        _ok(run("import", "acled", str(path)))
    raw = {r["EVENT_ID_CNTY"] for r in _acled_rows(JULY, AUGUST)
           if r["ADM_LEVEL_1"] == "Darnah" and dt.date(2015, 7, 1) <= _day(r["EVENT_DATE"]) <= dt.date(2015, 7, 31)}
    got = json.loads(_ok(run("events", "--admin1", "Darnah", "--from", "2015-07-01", "--to", "2015-07-31",
                             "--format", "json")).stdout)
    assert {e["external_id"] for e in got} == raw and len(raw) == 12
    assert {e["admin1"] for e in got} == {"Darnah"}
    # The report's city is filed under ACLED's admin1 now: its June events are in Darnah too.
    june = json.loads(_ok(run("events", "--admin1", "Darnah", "--to", "2015-06-30", "--format", "json")).stdout)
    assert len(june) == 11 and {e["dataset"] for e in june} == {"report"}
    place = json.loads(_ok(run("place", "Derna", "--format", "json")).stdout)[0]
    assert place["within"] == "Libya > Darnah"


@needs_acled
def test_text_search_finds_the_phrase_and_its_inflections(libya):
    pattern = re.compile(r"\bcar\s+bomb(s|ing|ings|ed)?\b", re.IGNORECASE)
    raw = {r["EVENT_ID_CNTY"] for r in _acled_rows(JULY, AUGUST)
           if r["COUNTRY"] == "Libya" and pattern.search(r["NOTES"])}
    got = json.loads(_ok(libya("events", "--search", "car bomb", "--country", "Libya", "--format", "json")).stdout)
    assert {e["external_id"] for e in got} == raw == {"8387RTA", "8388RTA", "8389RTA", "11412RTA"}
    assert _ok(libya("events", "--search", "CAR   BOMBINGS", "--country", "Libya", "--format", "json")).stdout \
        == _ok(libya("events", "--search", "car bomb", "--country", "Libya", "--format", "json")).stdout


@needs_acled
def test_fatalities_sort_limit_offset_dataset_and_source(libya):
    rows = [r for r in _acled_rows(JULY, AUGUST) if r["COUNTRY"] == "Libya"]
    heavy = sorted(int(r["FATALITIES"]) for r in rows if int(r["FATALITIES"]) >= 10)
    got = json.loads(_ok(libya("events", "--country", "Libya", "--min-fatalities", "10", "--sort", "fatalities",
                               "--desc", "--format", "json")).stdout)
    assert [e["fatalities_best"] for e in got] == heavy[::-1]
    page = json.loads(_ok(libya("events", "--country", "Libya", "--min-fatalities", "10", "--sort", "fatalities",
                                "--desc", "--limit", "2", "--offset", "1", "--format", "json")).stdout)
    assert [e["id"] for e in page] == [e["id"] for e in got[1:3]]
    assert _ok(libya("events", "--dataset", "report", "--format", "json")).stdout == "[]\n"
    august = json.loads(_ok(libya("summary", "--by", "source", "--dataset", "acled", "--format", "json")).stdout)
    assert sum(g["events"] for g in august) == len(_acled_rows(JULY, AUGUST))


# -- errors that help ----------------------------------------------------------------------------------
def test_typos_get_suggestions_and_exit_1(seeded_run):
    cases = [
        (("events", "--type", "Armd clash"), "Error: no event type named 'Armd clash' (did you mean: Armed clash?)"),
        (("events", "--place", "Dernaa"), "Error: no place named 'Dernaa' (did you mean: Derna?)"),
        (("events", "--actor", "Abu Salim"),
         "Error: no actor named 'Abu Salim' (did you mean: Abu Salim Martyrs Brigade?)"),
        (("summary", "--dataset", "aceld"), "Error: no dataset named 'aceld' (did you mean: acled?)"),
        (("events", "--certainty", "confirmd"),
         "Error: no certainty named 'confirmd' (did you mean: confirmed?)"),
        (("actors", "--kind", "rebel"), "Error: no actor kind named 'rebel' (did you mean: rebel group?)"),
    ]
    for args, message in cases:
        result = seeded_run(*args)
        assert (result.exit_code, result.stderr.strip()) == (1, message), args
    result = seeded_run("events", "--country", "Lybia")
    assert result.exit_code == 1 and "no country named 'Lybia'" in result.stderr and "Libya" in result.stderr


def test_a_reversed_window_is_a_usage_error(seeded_run):
    for command in ("events", "summary"):
        result = seeded_run(command, "--from", "2016", "--to", "2015")
        assert result.exit_code == 2
        assert result.stderr.strip().endswith("Error: --to (2015) is before --from (2016)")


def test_an_empty_result_prints_the_header_and_0_events(seeded_run):
    table = seeded_run("events", "--from", "2016")
    assert table.exit_code == 0 and table.stderr == "0 events\n"
    assert table.stdout.split()[:3] == ["id", "date", "type"]
    listed = seeded_run("events", "--from", "2016", "--format", "csv")
    assert listed.stdout.startswith("id,external_id,key,release,dataset,date,date_start,date_end,")
    assert len(listed.stdout.splitlines()) == 1 and listed.stderr == "0 events\n"
    assert seeded_run("events", "--from", "2016", "--format", "json").stdout == "[]\n"


# -- finding names ------------------------------------------------------------------------------------
def test_actors_and_places_can_be_listed_and_searched(seeded_run):
    actors = json.loads(_ok(seeded_run("actors", "--search", "abu salim", "--format", "json")).stdout)
    assert [(a["name"], a["events"], a["claims"]) for a in actors] == [("Abu Salim Martyrs Brigade", 2, 0)]
    assert "ASMB" in actors[0]["aliases"]
    everyone = json.loads(_ok(seeded_run("actors", "--format", "json")).stdout)
    assert len(everyone) == 7 and everyone[0]["name"] == "Mujahedeen Shura Council of Derna"
    places = json.loads(_ok(seeded_run("places", "--search", "dern", "--country", "Libya", "--format", "json")).stdout)
    assert [p["name"] for p in places] == ["Derna", "ISIS headquarters, Derna", "central Derna"]
    assert (places[0]["events"], places[0]["claims"]) == (9, 4)
    assert _ok(seeded_run("places", "--search", "درنة", "--format", "json")).stdout.count('"name": "Derna"') == 1


# -- clean columns ----------------------------------------------------------------------------------
def test_csv_and_geojson_exports_carry_typed_clean_columns(seeded_run):
    text = _ok(seeded_run("events", "--place", "Derna", "--format", "csv")).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 11
    for row in rows:
        assert row["id"].isdigit() and row["dataset"] == "report"
        for column in ("date", "date_start", "date_end"):
            dt.date.fromisoformat(row[column])  # an ISO date in every row, never a range or "(before)"
        float(row["latitude"]), float(row["longitude"])
        assert (row["country"], row["iso3"]) == ("Libya", "LBY")
    ranged = [r for r in rows if r["precision"] == "range"]
    assert ranged and all(r["date_start"] < r["date_end"] and r["date"] == r["date_start"] for r in ranged)
    assert any(r["assoc_actor_1"] for r in rows) and all(": " not in r["actor1"] for r in rows)
    features = json.loads(_ok(seeded_run("events", "--place", "Derna", "--format", "geojson")).stdout)["features"]
    props = features[0]["properties"]
    assert isinstance(features[0]["geometry"]["coordinates"][0], float)
    assert isinstance(props["id"], int) and dt.date.fromisoformat(props["date"])
    data = json.loads(_ok(seeded_run("events", "--place", "Derna", "--format", "json")).stdout)
    assert isinstance(data[0]["actor1"], list) and isinstance(data[0]["sources"], list)


def test_tables_fit_the_terminal_and_wide_shows_everything(seeded_run):
    narrow = seeded_run("events", "--place", "Derna", env={"COLUMNS": "80"})
    assert narrow.exit_code == 0, narrow.output
    lines = narrow.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[0].split()[:2] == ["id", "date"] and "2015-06-13" in narrow.stdout
    assert lines[-1].startswith("(not shown: ")
    wide = seeded_run("events", "--place", "Derna", "--wide", env={"COLUMNS": "80"})
    assert "ISIS headquarters, Derna" in wide.stdout and "not shown" not in wide.stdout
    assert max(len(line) for line in wide.stdout.splitlines()) > 80


@needs_acled
def test_changes_narrowed_to_an_admin1(run):
    _ok(run("load", str(SEED)))
    for path in (JULY, AUGUST):
        _ok(run("import", "acled", str(path)))
    everywhere = json.loads(_ok(run("changes", "--from", "2015-06-01", "--to", "2015-08-31", "--country", "Libya",
                                    "--format", "json")).stdout)
    darnah = json.loads(_ok(run("changes", "--from", "2015-06-01", "--to", "2015-08-31", "--admin1", "Darnah",
                                "--format", "json")).stdout)
    places = {p["name"]: p["admin1"] for p in json.loads(_ok(run("places", "--country", "Libya",
                                                               "--format", "json")).stdout)}
    assert darnah == [c for c in everywhere if places[c["place"]] == "Darnah" or c["place"] == "Darnah"]
    assert {c["place"] for c in darnah} >= {"Derna", "central Derna"} and len(darnah) < len(everywhere)
    typo = run("changes", "--from", "2015-06-01", "--to", "2015-08-31", "--admin1", "Darnh")
    assert (typo.exit_code, typo.stderr.strip()) == (1, "Error: no admin1 named 'Darnh' (did you mean: Darnah; Dakar?)")


def test_source_filter_by_key_or_title_with_suggestions(seeded_run):
    by_title = json.loads(_ok(seeded_run("events", "--source", "ISIL loses its turf war in Libya",
                                         "--format", "json")).stdout)
    by_key = json.loads(_ok(seeded_run("events", "--source", "bi-2015-06-isil-loses-turf-war-libya",
                                       "--format", "json")).stdout)
    assert len(by_title) == 11 and by_title == by_key
    typo = seeded_run("events", "--source", "ISIL loses")
    assert (typo.exit_code, typo.stderr.strip()) == (
        1, "Error: no source named 'ISIL loses' (did you mean: bi-2015-06-isil-loses-turf-war-libya?)")
