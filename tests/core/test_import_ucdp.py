"""Importing UCDP GED exports: the UCDP files (with or without gwnoa) and the HDX republication.

The samples in tests/data/ucdp are cut from public UCDP GED files (CC BY 4.0;
see the README there). The whole files under ../shared are imported too
(the large Syria file on SQLite only).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from conftest import ROOT, snapshot

from tracker import Store
from tracker.ingest.importer import ImportOptions

DATA = ROOT / "tests" / "data" / "ucdp"
MYANMAR = DATA / "ged191_myanmar_bangladesh_sample.csv"
SYRIA = DATA / "ged191_syria_sample.csv"
HDX = DATA / "hdx_conflict_data_BGD_sample.csv"
REAL = ROOT.parent / "shared" / "data" / "realworld" / "ucdp_ged"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/realworld/ucdp_ged is absent")


def rows_of(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if not r["id"].startswith("#") and r["id"]]


def by_id(store: Store, external_id: str) -> dict:
    found = [e for e in store.events() if e["external_id"] == external_id]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("sample", [MYANMAR, SYRIA, HDX], ids=["ged191", "ged191-no-gwnoa", "hdx"])
def test_samples_import_and_reimport_changes_nothing(run, sample):
    expected = len(rows_of(sample))
    result = run("import", "ucdp", str(sample))
    assert result.exit_code == 0, result.output
    assert f"{expected} rows: {expected} inserted, 0 updated, 0 unchanged, 0 older than stored, 0 deleted, 0 identity conflicts, 0 rejected" in result.stderr
    before = snapshot(run.url)
    again = run("import", "ucdp", str(sample))
    assert f"{expected} rows: 0 inserted, 0 updated, {expected} unchanged, 0 older than stored, 0 deleted, 0 identity conflicts, 0 rejected" in again.stderr
    assert snapshot(run.url) == before


def test_mapping_of_a_state_based_event(store):
    store.import_dataset("ucdp", str(MYANMAR))
    row = rows_of(MYANMAR)[0]
    found = by_id(store, row["id"])
    assert (found["type"], found["sub_type"]) == ("Battles", "State-based conflict")
    assert found["precision"] == "range" and str(found["date"]) == str(found["date_start"]) == row["date_start"]
    assert str(found["date_end"]) == row["date_end"]
    assert (found["fatalities_low"], found["fatalities_best"], found["fatalities_high"]) == (
        int(row["low"]), int(row["best"]), int(row["high"]))
    assert (found["actor1"], found["actor2"]) == ([row["side_a"]], [row["side_b"]])
    assert found["place"] == "Laukkaing"  # "Laukkaing Town": the bare name, the full one an alias
    place = store.place("Laukkaing Town").one()
    assert place["kind"] == "town" and place["within"] == "Myanmar (Burma) > Shan > Laukkaing"
    assert store.actor(row["side_a"]).one()["kind"] == "state forces"
    assert store.actor(row["side_b"]).one()["kind"] == "rebel group"
    history = store.event_history(f"ucdp:{row['id']}").all()
    assert history[0]["cited"] == row["source_article"]


def test_places_known_only_by_admin_unit_or_country(store):
    store.import_dataset("ucdp", str(MYANMAR))
    for row in rows_of(MYANMAR):
        found = by_id(store, row["id"])
        if row["where_prec"] == "6":  # the country itself
            assert found["place"] == row["country"]
        elif row["where_prec"] == "4" and row["where_coordinates"] == row["adm_1"]:
            assert store.place(row["adm_1"]).one()["kind"] == "admin1"


def test_sides_listing_several_groups(store):
    store.import_dataset("ucdp", str(SYRIA))
    several = [r for r in rows_of(SYRIA) if ", " in r["side_a"]][0]
    names = several["side_a"].split(", ")
    found = by_id(store, several["id"])
    assert found["actor1"] == [names[0]] and found["assoc_actor_1"] == names[1:]


def test_hdx_tag_row_is_skipped_and_iso3_used(store):
    result = store.import_dataset("ucdp", str(HDX))
    assert result.rows == len(rows_of(HDX)) == 30
    bangladesh = store.place("Bangladesh").one()
    assert bangladesh["kind"] == "country" and bangladesh["country"] == "BD"


@pytest.mark.parametrize("hdx_first", [False, True], ids=["ged-then-hdx", "hdx-then-ged"])
def test_same_events_from_two_publications_update_with_history(store, hdx_first):
    """The HDX file republishes GED events with an extra column: a newer version of the same rows.

    Neither file's name has a date, so each is dated by --as-of-export; the
    newer publication stands whichever is imported first.
    """
    shared = {r["id"] for r in rows_of(MYANMAR)} & {r["id"] for r in rows_of(HDX)}
    ged = ImportOptions(as_of_export=dt.date(2019, 6, 30))
    hdx = ImportOptions(as_of_export=dt.date(2020, 1, 15))
    if hdx_first:
        store.import_dataset("ucdp", str(HDX), hdx)
        result = store.import_dataset("ucdp", str(MYANMAR), ged)
        assert (result.updated, result.older) == (0, len(shared))
    else:
        store.import_dataset("ucdp", str(MYANMAR), ged)
        result = store.import_dataset("ucdp", str(HDX), hdx)
        assert (result.updated, result.older) == (len(shared), 0)
    for ident in list(shared)[:3]:
        history = store.event_history(f"ucdp:{ident}").all()
        assert [v["status"] for v in history] == ["superseded", "current"]
        assert [v["export"] for v in history] == ["2019-06-30", "2020-01-15"]
        assert history[1]["changed"] == "attributes"  # the HDX file adds iso3


def test_bad_row_in_the_middle(run, tmp_path):
    with open(SYRIA, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    rows[10][header.index("date_start")] = "2016-13-01"
    bad = tmp_path / "ged-bad.csv"
    with open(bad, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    assert run("import", "ucdp", str(MYANMAR)).exit_code == 0
    before = snapshot(run.url)
    result = run("import", "ucdp", str(bad))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {bad}:11: date_start: '2016-13-01' is not a date (month must be in 1..12)"
    assert snapshot(run.url) == before
    rejects = tmp_path / "r.csv"
    result = run("import", "ucdp", str(bad), "--keep-going", "--rejects", str(rejects))
    assert result.exit_code == 0
    assert f"{len(rows) - 1} rows: {len(rows) - 2} inserted, 0 updated, 0 unchanged, 0 older than stored, 0 deleted, 0 identity conflicts, 1 rejected" in result.stderr
    assert "rejected rows written to" in result.stderr
    with open(rejects, encoding="utf-8", newline="") as fh:
        assert [(r["line"], r["column"], r["id"]) for r in csv.DictReader(fh)] == [("11", "date_start", rows[10][0])]


def test_required_column_named(run, tmp_path):
    path = tmp_path / "no-best.csv"
    with open(SYRIA, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    drop = rows[0].index("best")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([r[:drop] + r[drop + 1:] for r in rows])
    result = run("import", "ucdp", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {path}:1: best: required column missing from the header"


@needs_real
@pytest.mark.parametrize("name", ["ged191_fixture_myanmar_bangladesh.csv", "hdx_conflict_data_BGD.csv",
                                  "ged191_syria_2016-2019.csv"])
def test_every_real_file_imports_and_reimport_changes_nothing(sqlite_url, name):
    store = Store(sqlite_url)
    first = store.import_dataset("ucdp", str(REAL / name))
    assert first.rejected == 0 and first.inserted == first.rows > 0
    before = snapshot(sqlite_url)
    again = store.import_dataset("ucdp", str(REAL / name))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, first.rows)
    assert snapshot(sqlite_url) == before
    store.close()


@needs_real
def test_whole_real_files_on_both_backends(store):
    for name in ("ged191_fixture_myanmar_bangladesh.csv", "hdx_conflict_data_BGD.csv"):
        result = store.import_dataset("ucdp", str(REAL / name))
        assert result.rejected == 0
    stats = {r["scope"]: r for r in store.stats()}
    assert stats["dataset ucdp"]["sources"] == 2
    assert stats["all"]["events"] == 3194  # the HDX events are GED events already imported: updated, not added


def _out_of_order(path: Path) -> list[str]:
    return [r["id"] for r in rows_of(path)
            if int(r["low"]) > int(r["best"]) or int(r["best"]) > int(r["high"])]


def test_fatalities_out_of_order_are_kept_as_published_and_said(run, tmp_path):
    """UCDP publishes some rows with low > best or best > high: they are the dataset's figures, so they are
    kept (an event dropped would be worse), and the import says how many and which first."""
    rows = rows_of(SYRIA)
    rows[1]["low"], rows[1]["best"], rows[1]["high"] = "9", "5", "12"
    path = tmp_path / "ged191_syria_sample_unordered.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    expected = _out_of_order(path)
    assert rows[1]["id"] in expected
    result = run("import", "ucdp", str(path))
    assert result.exit_code == 0, result.output
    first = next(r for r in rows if r["id"] == expected[0])
    assert (f"{path}: {len(expected)} rows give fatalities out of order (low > best or best > high; first: "
            f"{first['id']} {first['low']}/{first['best']}/{first['high']}); kept as the dataset publishes them"
            ) in result.stderr
    assert by_id(Store(run.url), rows[1]["id"])["fatalities_low"] == 9


@pytest.mark.skipif(not (REAL / "ged191_syria_2016-2019.csv").is_file(), reason="../shared's UCDP Syria file is absent")
def test_the_real_syria_file_has_its_out_of_order_rows_counted(run):
    path = REAL / "ged191_syria_2016-2019.csv"
    result = run("import", "ucdp", str(path))
    assert result.exit_code == 0
    assert f"{path}: {len(_out_of_order(path))} rows give fatalities out of order" in result.stderr
