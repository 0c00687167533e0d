"""`tracker stats`: counts overall, per dataset and per source."""

from __future__ import annotations

import json

from conftest import ROOT, SEED

OWN = ROOT / "tests" / "data" / "acled_own" / "acled_own_2015.csv"
UCDP = ROOT / "tests" / "data" / "ucdp" / "ged191_syria_sample.csv"


def test_stats_of_an_empty_store(run):
    result = run("stats", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"scope": "all", "kind": "", "title": "everything in the store",
                                          "sources": 0, "actors": 0, "places": 0, "events": 0,
                                          "control_spans": 0}]


def test_stats_overall_per_dataset_and_per_source(run):
    assert run("load", str(SEED)).exit_code == 0
    assert run("import", "acled", str(OWN)).exit_code == 0
    assert run("import", "ucdp", str(UCDP)).exit_code == 0
    rows = {r["scope"]: r for r in json.loads(run("stats", "--format", "json").stdout)}
    everything = rows["all"]
    assert everything["sources"] == 3
    events = json.loads(run("events", "--format", "json").stdout)
    assert everything["events"] == len(events) == 11 + 12 + 40
    acled, ucdp = rows["dataset acled"], rows["dataset ucdp"]
    assert (acled["sources"], acled["events"], ucdp["events"]) == (1, 12, 40)
    report = rows["bi-2015-06-isil-loses-turf-war-libya"]
    assert (report["kind"], report["events"], report["control_spans"]) == ("report", 11, 7)
    assert report["actors"] == 7 and report["places"] == 4
    file_rows = [r for r in rows.values() if r["scope"].startswith("acled:")]
    assert len(file_rows) == 1 and file_rows[0]["title"] == "ACLED export acled_own_2015.csv"
    assert file_rows[0]["events"] == 12
    assert (acled["actors"], acled["places"], ucdp["actors"], ucdp["places"]) == (16, 16, 13, 56)
    assert (everything["actors"], everything["places"]) == (31, 72)  # shared actors and places counted once
    table = run("stats")
    assert table.exit_code == 0 and "dataset acled" in table.stdout and "control_spans" in table.stdout
    csv_out = run("stats", "--format", "csv").stdout.splitlines()
    assert csv_out[0] == "scope,kind,title,sources,actors,places,events,control_spans"
