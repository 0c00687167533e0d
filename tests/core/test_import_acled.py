"""Importing ACLED exports: every generation, idempotent, atomic, incremental, with history.

Real ACLED files are read from ../shared/data/realworld/acled (never committed:
ACLED's terms forbid redistribution); those tests are skipped only when that
folder is absent. The rest use our own hand-made fixture in tests/data/acled_own.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
from pathlib import Path

import pytest
from conftest import ROOT, SEED, comparable, snapshot

from tracker import Store
from tracker.ingest.importer import ImportOptions

REAL = ROOT.parent / "shared" / "data" / "realworld" / "acled"
OWN = ROOT / "tests" / "data" / "acled_own" / "acled_own_2015.csv"
TRUNCATED = "ACLED-All-Africa-File_20150101-to-20151024_csv.TRUNCATED_UPSTREAM.csv"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/realworld/acled is absent")


def real_files() -> list[str]:
    return sorted(p.name for p in REAL.glob("*.csv")) if REAL.is_dir() else []


def own_rows() -> tuple[list[str], list[list[str]]]:
    with open(OWN, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def write_csv(path: Path, header, rows, encoding="utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def cut(name: str, rows: int, dest: Path) -> Path:
    """The header and the first ``rows`` records of a real file, in its own encoding (kept out of the repo)."""
    from tracker.ingest.datafiles import inspect_file

    encoding = inspect_file(str(REAL / name)).encoding
    with open(REAL / name, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        records = [next(reader) for _ in range(rows + 1)]
    with open(dest / name, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(records)
    return dest / name


def event(store: Store, external_id: str) -> dict:
    found = [e for e in store.events() if e["external_id"] == external_id]
    assert len(found) == 1, external_id
    return found[0]


# -- the command line ------------------------------------------------------------------
def test_import_own_fixture_then_again_changes_nothing(run):
    result = run("import", "acled", str(OWN))
    assert result.exit_code == 0, result.output
    assert "12 rows: 12 inserted, 0 updated, 0 unchanged, 0 older than stored, 0 deleted, 0 identity conflicts, 0 rejected" in result.stderr
    before = snapshot(run.url)
    again = run("import", "acled", str(OWN))
    assert again.exit_code == 0, again.output
    assert "12 rows: 0 inserted, 0 updated, 12 unchanged, 0 older than stored, 0 deleted, 0 identity conflicts, 0 rejected" in again.stderr
    assert snapshot(run.url) == before


def test_imported_rows_keep_their_source_and_per_event_text(run):
    assert run("import", "acled", str(OWN)).exit_code == 0
    events = json.loads(run("events", "--type", "Riots", "--format", "json").stdout)
    assert len(events) == 1
    riot = events[0]
    assert riot["external_id"] == "TST8"
    assert riot["sources"] == ["ACLED (Armed Conflict Location & Event Data): ACLED export acled_own_2015.csv"]
    assert riot["description"].startswith("Invented test row: a crowd sets fire")
    assert riot["place"] == "Tripoli" and riot["latitude"] == pytest.approx(32.8925)
    sources = json.loads(run("sources", "--format", "json").stdout)
    assert [s["kind"] for s in sources] == ["dataset"]
    history = json.loads(run("event-history", "TST8", "--format", "json").stdout)
    assert history[0]["cited"] == "Example News"


def test_dates_with_week_and_month_precision(store):
    store.import_dataset("acled", str(OWN))
    week = event(store, "TST5")  # time_precision 2: the week around the date ACLED gives
    assert (str(week["date_start"]), str(week["date_end"]), week["precision"]) == ("2015-06-11", "2015-06-17", "range")
    assert str(week["date"]) == "2015-06-14"  # the date ACLED records, which date filters and totals use
    month = event(store, "TST6")  # time_precision 3: the month
    assert (str(month["date_start"]), str(month["date_end"]), month["precision"]) == ("2015-06-01", "2015-06-30", "month")


def test_actors_and_places_meet_the_reports(store):
    """ACLED's Libya and Darnah (the city) are the report's; its admin1 Darnah is a region of its own."""
    store.load([str(SEED)])
    isis_before = store.actor("Islamic State (Libya)").one()["events"]
    store.import_dataset("acled", str(OWN))
    derna = store.place("Derna").one()  # the seed's city, alias Darnah, now filed under ACLED's admin1
    assert derna["kind"] == "city" and derna["within"] == "Libya > Darnah > Darnah"  # admin1 > admin2
    at_derna = [e for e in store.events(place="Derna") if e["external_id"]]
    assert {e["external_id"] for e in at_derna} == {"TST1", "TST2", "TST3", "TST4", "TST10"}
    libya = store.place("Libya").one()
    assert libya["kind"] == "country" and "Darnah" in libya["contains"]  # the admin1
    isis = store.actor("Islamic State (Libya)").one()
    assert isis["events"] == isis_before + 5  # the report's and the fixture's five
    # the associated actor of TST1 exists once, as the report's LIFG
    assert store.actor("Libyan Islamic Fighting Group").one()["events"] == 1


def test_kinds_from_inter_codes(store):
    store.import_dataset("acled", str(OWN))
    assert store.actor("Military Forces of Libya (2014-) Operation Dignity").one()["kind"] == "state forces"
    assert store.actor("Rioters (Libya)").one()["kind"] == "rioters"
    assert store.actor("Protesters (Syria)").one()["kind"] == "protesters"
    assert store.actor("Civilians (Libya)").one()["kind"] == "civilians"
    assert store.actor("Zintan Brigades").one()["kind"] == "other"  # an associated actor: ACLED gives no class


def test_gzip_and_missing_column(run, tmp_path):
    gz = tmp_path / "acled.csv.gz"
    gz.write_bytes(gzip.compress(OWN.read_bytes()))
    result = run("import", "acled", str(gz))
    assert result.exit_code == 0, result.output
    assert "12 inserted" in result.stderr
    header, rows = own_rows()
    i = header.index("event_date")
    broken = write_csv(tmp_path / "no-date.csv", header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows])
    result = run("import", "acled", str(broken))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {broken}:1: event_date: required column missing from the header"


# -- atomic by default, forgiving on request -------------------------------------------------------
@pytest.fixture
def one_bad_row(tmp_path) -> Path:
    header, rows = own_rows()
    rows[5][header.index("latitude")] = "95.2"  # the 7th line of the file
    return write_csv(tmp_path / "one-bad-row.csv", header, rows)


def test_one_bad_row_writes_nothing_and_names_the_line(run, one_bad_row):
    run("load", str(SEED))
    before = snapshot(run.url)
    result = run("import", "acled", str(one_bad_row))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {one_bad_row}:7: latitude: 95.2 is out of range (-90..90)"
    assert snapshot(run.url) == before


def test_keep_going_writes_the_good_rows_and_rejects_the_bad_one(run, one_bad_row, tmp_path):
    rejects = tmp_path / "rejects.csv"
    result = run("import", "acled", str(one_bad_row), "--keep-going", "--rejects", str(rejects))
    assert result.exit_code == 0, result.output
    assert "12 rows: 11 inserted, 0 updated, 0 unchanged, 0 older than stored, 0 deleted, 0 identity conflicts, 1 rejected" in result.stderr
    with open(rejects, encoding="utf-8", newline="") as fh:
        lines = list(csv.DictReader(fh))
    assert len(lines) == 1
    assert lines[0]["line"] == "7" and lines[0]["column"] == "latitude"
    assert lines[0]["reason"] == "95.2 is out of range (-90..90)"
    assert lines[0]["event_id_cnty"] == "TST6"
    ids = {e["external_id"] for e in json.loads(run("events", "--format", "json").stdout)}
    assert ids == {f"TST{i}" for i in range(1, 13)} - {"TST6"}


def test_keep_going_default_rejects_name(run, one_bad_row, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("import", "acled", str(one_bad_row), "--keep-going")
    assert result.exit_code == 0
    assert (tmp_path / "one-bad-row.rejects.csv").is_file()
    assert "rejected rows written to one-bad-row.rejects.csv" in result.stderr


@pytest.mark.parametrize("column,value,reason", [
    ("event_date", "31/02/2015", "'31/02/2015' is not a date (day is out of range for month)"),
    ("event_date", "", "missing"),
    ("actor1", " ", "missing"),
    ("fatalities", "-3", "'-3' is not a count (a whole number, 0 or more)"),
    ("longitude", "", "missing (the other coordinate is given)"),
    ("time_precision", "4", "'4' is not 1 (day), 2 (week) or 3 (month)"),
    ("inter1", "11", "'11' is not an ACLED actor class (1-8 or a label such as 'State forces')"),
])
def test_bad_values_are_named(store, tmp_path, column, value, reason):
    from tracker.errors import BadRecord

    header, rows = own_rows()
    rows[2][header.index(column)] = value
    path = write_csv(tmp_path / "bad.csv", header, rows)
    with pytest.raises(BadRecord) as caught:
        store.import_dataset("acled", str(path))
    assert str(caught.value) == f"{path}:4: {column}: {reason}"


# -- generations, encodings ------------------------------------------------------------------------
def _old_layout(tmp_path: Path, encoding: str = "cp1252") -> Path:
    """Our fixture in the 2015 realtime layout: upper case, ALLY_ACTOR_1, ADM_LEVEL_1, dd/mm/yyyy,
    old event types, Windows-1252, five empty trailing columns."""
    header, rows = own_rows()
    old = ["GWNO", "EVENT_ID_CNTY", "EVENT_DATE", "YEAR", "TIME_PRECISION", "EVENT_TYPE", "ACTOR1", "ALLY_ACTOR_1",
           "INTER1", "ACTOR2", "ALLY_ACTOR_2", "INTER2", "INTERACTION", "COUNTRY", "ADM_LEVEL_1", "ADM_LEVEL_2",
           "ADM_LEVEL_3", "LOCATION", "LATITUDE", "LONGITUDE", "GEO_PRECISION", "SOURCE", "NOTES", "FATALITIES",
           "", "", "", "", ""]
    types = {"Non-state actor overtakes territory": "Battle-Non-state actor overtakes territory",
             "Government regains territory": "Battle-Government regains territory",
             "Armed clash": "Battle-No change of territory", "Peaceful protest": "Riots/Protests",
             "Mob violence": "Riots/Protests", "Non-violent transfer of territory": "Non-violent transfer of territory",
             "Headquarters or base established": "Headquarters or base established"}
    out = []
    for r in rows:
        v = dict(zip(header, r, strict=False))
        day = dt.date.fromisoformat(v["event_date"])
        etype = types.get(v["sub_event_type"], v["event_type"])
        out.append(["620", v["event_id_cnty"].replace("TST", "") + "RTA", day.strftime("%d/%m/%Y"), v["year"],
                    v["time_precision"], etype, v["actor1"], v["assoc_actor_1"], v["inter1"], v["actor2"],
                    v["assoc_actor_2"], v["inter2"], v["interaction"], v["country"], v["admin1"], v["admin2"],
                    v["admin3"], v["location"], v["latitude"], v["longitude"], v["geo_precision"], v["source"],
                    v["notes"].replace("’", "'") + " – Darnah’s", v["fatalities"], "", "", "", "", ""])
    return write_csv(tmp_path / "ACLED-realtime-own.csv", old, out, encoding=encoding)


def test_old_realtime_layout(store, tmp_path):
    path = _old_layout(tmp_path)
    result = store.import_dataset("acled", str(path))
    assert (result.inserted, result.rejected, result.encoding) == (12, 0, "cp1252")
    hq = event(store, "4RTA")
    assert (hq["type"], hq["sub_type"], str(hq["date"])) == ("Battles", "Non-state actor overtakes territory", "2015-06-13")
    assert hq["description"].endswith("– Darnah’s")  # Windows-1252 read as such, not as Latin-1
    assert event(store, "3RTA")["type"] == "Protests" and event(store, "8RTA")["type"] == "Riots"
    assert event(store, "1RTA")["sub_type"] == "Armed clash"
    history = store.event_history("acled:4RTA").all()
    assert json.loads(json.dumps(history))[0]["type"] == "Battles"


def test_wrong_encoding_named_with_its_line(store, tmp_path):
    from tracker.errors import BadRecord

    path = _old_layout(tmp_path)
    with pytest.raises(BadRecord) as caught:
        store.import_dataset("acled", str(path), ImportOptions(encoding="utf-8"))
    assert str(caught.value).startswith(f"{path}:2: not valid utf-8 (byte 0x96)")


def test_mojibake_is_repaired_and_reported(store, tmp_path):
    header, rows = own_rows()
    rows[0][header.index("notes")] = "Caf\u00c3\u00a9 attack"  # UTF-8 read as Latin-1 upstream
    rows[1][header.index("notes")] = "the group\u0092s base"  # a cp1252 quote kept as a C1 control
    path = write_csv(tmp_path / "mojibake.csv", header, rows)
    result = store.import_dataset("acled", str(path))
    assert result.repaired == 2
    assert any("repaired mis-encoded characters in 2 fields" in w for w in result.warnings())
    assert event(store, "TST1")["description"] == "Café attack"
    assert event(store, "TST2")["description"] == "the group’s base"


def test_bom_and_text_inter_labels(store, tmp_path):
    header, rows = own_rows()
    for r in rows:
        r[header.index("inter1")] = {"1": "State forces", "2": "Rebel group", "3": "Political militia",
                                     "5": "Rioters", "6": "Protesters", "7": "Civilians"}[r[header.index("inter1")]]
        r[header.index("inter2")] = {"0": "", "1": "State forces", "2": "Rebel group", "3": "Political militia",
                                     "7": "Civilians"}[r[header.index("inter2")]]
    path = write_csv(tmp_path / "labels.csv", header, rows, encoding="utf-8-sig")
    result = store.import_dataset("acled", str(path))
    assert result.inserted == 12 and result.encoding == "utf-8"
    assert store.actor("Military Forces of Libya (2014-) Operation Dignity").one()["kind"] == "state forces"


# -- incremental: updates keep history, missing rows reported, --prune --------------------------------
def test_newer_export_updates_in_place_and_keeps_history(store, tmp_path):
    store.import_dataset("acled", str(OWN), ImportOptions(now=dt.datetime(2020, 1, 1, 12)))
    header, rows = own_rows()
    rows[3][header.index("fatalities")] = "9"  # TST4: more deaths reported
    rows[3][header.index("timestamp")] = "1500000000"  # 2017-07-14 02:40:00 UTC
    newer = write_csv(tmp_path / "acled-newer.csv", header, rows)
    result = store.import_dataset("acled", str(newer), ImportOptions(now=dt.datetime(2020, 3, 1, 12)))
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 11)
    assert event(store, "TST4")["fatalities_best"] == 9
    history = store.event_history("TST4").all()
    assert [h["status"] for h in history] == ["superseded", "current"]
    assert [h["fatalities_best"] for h in history] == [7, 9]
    assert history[1]["changed"] == "fatalities_best, attributes"  # attributes: the timestamp
    # In the data's time: ACLED's timestamps, not when tracker imported the files.
    assert history[0]["valid_from"] == "2015-06-13 00:00:00" and history[0]["valid_until"] == "2017-07-14 02:40:00"
    assert store.event_history("TST4", as_of="2017-07-13").all()[0]["fatalities_best"] == 7
    assert store.event_history("TST4", as_of="2017-07-14").all()[0]["fatalities_best"] == 9

    # the older export again: ACLED's timestamp says it is older; the newer version stays
    again = store.import_dataset("acled", str(OWN), ImportOptions(now=dt.datetime(2020, 4, 1)))
    assert (again.updated, again.older, again.unchanged) == (0, 0, 12)  # the older version is already in history
    assert event(store, "TST4")["fatalities_best"] == 9
    assert len(store.event_history("TST4").all()) == 2


def test_the_newer_version_stands_whichever_file_comes_first(tmp_path, new_db):
    """Same two exports, both orders: the same event content and the same history."""
    header, rows = own_rows()
    rows[3][header.index("fatalities")] = "9"
    rows[3][header.index("timestamp")] = "1500000000"
    newer = write_csv(tmp_path / "acled-newer.csv", header, rows)
    stores = []
    for order in ((OWN, newer), (newer, OWN)):
        store = Store(new_db())
        for path in order:
            store.import_dataset("acled", str(path))
        stores.append(store)
        assert event(store, "TST4")["fatalities_best"] == 9
        assert [h["fatalities_best"] for h in store.event_history("TST4")] == [7, 9]
    assert comparable(stores[0]) == comparable(stores[1])
    for store in stores:
        store.close()
def test_event_history_on_the_command_line(run, tmp_path):
    assert run("import", "acled", str(OWN)).exit_code == 0
    header, rows = own_rows()
    rows[0][header.index("notes")] = "Invented test row, corrected."
    rows[0][header.index("timestamp")] = "1600000000"
    assert run("import", "acled", str(write_csv(tmp_path / "v2.csv", header, rows))).exit_code == 0
    result = run("event-history", "acled:TST1", "--format", "json")
    assert result.exit_code == 0, result.output
    versions = json.loads(result.stdout)
    assert [v["status"] for v in versions] == ["superseded", "current"]
    assert versions[1]["description"] == "Invented test row, corrected."
    assert run("event-history", "NOPE1").stderr.strip() == "Error: no imported event named 'NOPE1'"
    table = run("event-history", "TST1")
    assert "superseded" in table.stdout and "corrected" in table.stdout


def test_rows_missing_from_a_newer_export_are_reported_then_pruned(run, tmp_path):
    assert run("import", "acled", str(OWN)).exit_code == 0
    header, rows = own_rows()
    newer = write_csv(tmp_path / "without-tst7_2020-01-01.csv", header, [r for r in rows if r[0] != "TST7"])
    result = run("import", "acled", str(newer))
    assert result.exit_code == 0
    assert ("1 events of earlier imports are not in this file (within its countries and recorded dates, "
            "and older than it): TST7; --prune deletes them") in result.stderr
    assert len(json.loads(run("events", "--format", "json").stdout)) == 12  # reported, not deleted
    result = run("import", "acled", str(newer), "--prune", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "pruned 1 events" in result.stderr
    assert json.loads(result.stdout)["deleted"] == 1
    ids = {e["external_id"] for e in json.loads(run("events", "--format", "json").stdout)}
    assert "TST7" not in ids and len(ids) == 11
    history = json.loads(run("event-history", "TST7", "--format", "json").stdout)
    assert [h["status"] for h in history] == ["superseded", "deleted"]
    assert history[1]["valid_from"] == "2020-01-01"  # as of the pruning export's date

    # The older export again does not bring it back: the deletion is newer than its version.
    again = json.loads(run("import", "acled", str(OWN), "--format", "json").stdout)
    assert (again["inserted"], again["unchanged"], again["older"]) == (0, 11, 1)
    ids = {e["external_id"] for e in json.loads(run("events", "--format", "json").stdout)}
    assert "TST7" not in ids and len(ids) == 11


def test_a_partial_file_does_not_report_other_countries_or_dates(store, tmp_path):
    store.import_dataset("acled", str(OWN))
    header, rows = own_rows()
    syria_only = write_csv(tmp_path / "syria.csv", header, [r for r in rows if r[header.index("country")] == "Syria"])
    result = store.import_dataset("acled", str(syria_only))
    assert result.unchanged == 2 and result.missing == []


# -- the real exports ---------------------------------------------------------------------------------
@needs_real
@pytest.mark.parametrize("name", [n for n in real_files() if n != TRUNCATED])
def test_every_real_export_imports_and_reimport_changes_nothing(sqlite_url, name):
    store = Store(sqlite_url)
    first = store.import_dataset("acled", str(REAL / name))
    assert first.rejected == 0 and first.inserted == first.rows > 0
    before = snapshot(sqlite_url)
    again = store.import_dataset("acled", str(REAL / name))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, first.rows)
    assert snapshot(sqlite_url) == before
    store.close()


@needs_real
def test_the_truncated_real_export(sqlite_url, tmp_path):
    from tracker.errors import BadRecord

    path = REAL / TRUNCATED
    last_line = path.read_bytes().count(b"\n") + 1
    store = Store(sqlite_url)
    with pytest.raises(BadRecord) as caught:
        store.import_dataset("acled", str(path))
    assert str(caught.value) == (f"{path}:{last_line}: FATALITIES: the record is cut off: "
                                 "the file ends after 23 of its 29 fields")
    assert store.stats().all()[0]["events"] == 0
    rejects = tmp_path / "rejects.csv"
    result = store.import_dataset("acled", str(path), ImportOptions(keep_going=True, rejects=str(rejects)))
    assert (result.inserted, result.rejected) == (4840, 1)
    with open(rejects, encoding="utf-8", newline="") as fh:
        rejected = list(csv.DictReader(fh))
    assert [r["line"] for r in rejected] == [str(last_line)]
    assert rejected[0]["EVENT_ID_CNTY"] == "4166RTA"
    # Mac Roman, detected: Larbaâ and a typographic apostrophe, not "Larba\x8e" or "Larba\u017d"
    assert "city of Larbaâ (Blida)" in event(store, "9676RTA")["description"]
    assert "survivors’ testimonies" in event(store, "9676RTA")["description"]
    store.close()


@needs_real
def test_real_samples_on_both_backends(store, tmp_path):
    """Small cuts of each generation (kept out of the repository), on SQLite and PostgreSQL."""
    store.load([str(SEED)])
    samples = {
        "ACLED-All-Africa-File_20150701-to-20150731_csv.csv": 1126,  # the whole month: Derna is in it
        "acled_api_africa_2016-06-17_to_2016-07-02.csv": 60,
        "acled_export_global_2020-05-01_to_2020-05-09.csv": 60,
        "acledR_acled_old_deletion_dummy_2022H1.csv": 60,
    }
    for name, rows in samples.items():
        path = cut(name, rows, tmp_path)
        result = store.import_dataset("acled", str(path))
        assert (result.inserted, result.rejected) == (rows, 0), name
        again = store.import_dataset("acled", str(path))
        assert again.unchanged == rows, name
    # 9502RTA (Al-Fatayah, 29/07/2015): an old event type mapped, for control derivation to find
    fatayah = event(store, "9502RTA")
    assert (fatayah["type"], fatayah["sub_type"]) == ("Battles", "Non-state actor overtakes territory")
    # the API pull's stray index column is ignored and its cp1252 quotes are repaired
    api = event(store, "8087RTA")
    assert api["place"] == "Baidoa" and "\x92" not in "".join(e["description"] for e in store.events())
    # Excel's 9-May-20
    assert any(str(e["date"]) == "2020-05-09" for e in store.events(start="2020-05-09", end="2020-05-09"))
    # ACLED's Derna events land on the report's Derna
    assert any(e["external_id"] for e in store.events(place="Derna"))


def test_a_repeated_id_is_a_bad_row(store, tmp_path):
    from tracker.errors import BadRecord

    header, rows = own_rows()
    path = write_csv(tmp_path / "dup.csv", header, rows + [rows[2]])
    with pytest.raises(BadRecord) as caught:
        store.import_dataset("acled", str(path))
    assert str(caught.value) == f"{path}:14: event_id_cnty: duplicate event_id_cnty 'TST3' (also at line 4)"
    # across batches, the earlier row is already written
    with pytest.raises(BadRecord) as caught:
        store.import_dataset("acled", str(path), ImportOptions(batch_size=5))
    assert str(caught.value) == f"{path}:14: event_id_cnty: duplicate event_id_cnty 'TST3' (also earlier in this file)"


def test_a_name_that_fits_several_actors_is_never_picked_silently(store, tmp_path):
    from tracker.errors import BadRecord
    from tracker.model.entities import Actor, ActorAlias

    with store.session() as session:
        for kind in ("political militia", "political militia"):
            actor = Actor(name="Unidentified Armed Group (Libya)", kind=kind)
            actor.aliases.append(ActorAlias(name=actor.name, normalized="unidentified armed group libya"))
            session.add(actor)
    with pytest.raises(BadRecord) as caught:
        store.import_dataset("acled", str(OWN))
    assert str(caught.value).startswith(
        f"{OWN}:8: actor1: actor name 'Unidentified Armed Group (Libya)' fits several actors: "
        "Unidentified Armed Group (Libya) (political militia) #")
    result = store.import_dataset("acled", str(OWN), ImportOptions(keep_going=True, rejects=str(tmp_path / "r.csv")))
    assert (result.inserted, result.rejected) == (11, 1)


def test_named_encoding(store, tmp_path):
    path = _old_layout(tmp_path)
    result = store.import_dataset("acled", str(path), ImportOptions(encoding="cp1252"))
    assert (result.inserted, result.encoding, result.encoding_detected) == (12, "cp1252", False)
    assert "encoding cp1252 given" in result.summary()
