"""Conflicting claims side by side (--prefer), `tracker changes` and `tracker check`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import textwrap

import pytest
from conftest import SEED, snapshot

ISIS_LIBYA = "Islamic State (Libya)"
MSC = "Mujahedeen Shura Council of Derna"
BI = "Business Insider: ISIL loses its turf war in Libya [C3]"

# A second report that dates Derna's fall a day earlier than the seed.
TWELFTH = textwrap.dedent("""\
    format: tracker-report/1
    report:
      id: lo-2015-07-derna-falls-12-june
      title: Derna falls to the Shura Council
      publisher: Libya Observer
      published: "2015-07-02"
      grading: B2
    events:
      - id: fall-of-derna
        date: "2015-06-12"
        type: Battles
        sub_type: Non-state actor overtakes territory
        place: Derna
        actors:
          - {actor: MSC Derna, role: actor1}
          - {actor: Islamic State (Libya), role: actor2}
        description: The Mujahedeen Shura Council of Derna drove the Islamic State out of the city.
    control:
      - {place: Derna, holder: Islamic State (Libya), status: held, until: "2015-06-12", ended_by: fall-of-derna}
      - {place: Derna, holder: MSC Derna, status: held, from: "2015-06-12", begun_by: fall-of-derna}
    """)
LO = "Libya Observer: Derna falls to the Shura Council [B2]"


def as_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def two_reports(run, tmp_path):
    (tmp_path / "twelfth.yaml").write_text(TWELFTH, encoding="utf-8")
    assert run("load", str(SEED), str(tmp_path / "twelfth.yaml")).exit_code == 0
    return run


def test_two_reports_disagreeing_on_dernas_fall_are_shown_side_by_side(two_reports):
    run = two_reports
    result = run("who-held", "Derna", "--at", "2015-06-12")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        f"Derna at 2015-06-12: disputed: sources disagree: {BI}: contested ({ISIS_LIBYA} vs {MSC}); "
        f"{LO}: held ({MSC})")
    records = as_json(run("who-held", "Derna", "--at", "2015-06-12", "--format", "json"))
    assert {(r["holder"], r["status"], tuple(r["sources"]), tuple(r["grading"])) for r in records} == {
        (ISIS_LIBYA, "contested", (BI,), ("C3",)),
        (MSC, "contested", (BI,), ("C3",)),
        (MSC, "held", (LO,), ("B2",)),
    }
    assert {r["answer"] for r in records} == {"disputed"}
    # On the 11th and the 14th both reports agree.
    assert run("who-held", "Derna", "--at", "2015-06-14").stdout.splitlines()[0] == f"Derna at 2015-06-14: held: {MSC}"


def test_prefer_changes_the_headline_not_the_data(two_reports):
    run = two_reports
    before = snapshot(run.url)
    graded = run("who-held", "Derna", "--at", "2015-06-12", "--prefer", "graded")
    assert graded.stdout.splitlines()[0] == (
        f"Derna at 2015-06-12: held: {MSC} (preferring the best-graded source; 2 other claim(s) not preferred)")
    latest = as_json(run("who-held", "Derna", "--at", "2015-06-12", "--prefer", "latest", "--format", "json"))
    assert {r["answer"] for r in latest} == {"held"}
    assert len(latest) == 3  # every claim is still listed ...
    assert [r["holder"] for r in latest if r["preferred"]] == [MSC]  # ... and the preferred one is marked
    named = run("who-held", "Derna", "--at", "2015-06-12", "--prefer", "source=Business Insider")
    assert named.stdout.splitlines()[0] == (
        f"Derna at 2015-06-12: contested: {ISIS_LIBYA} vs {MSC} (preferring source 'Business Insider'; "
        "1 other claim(s) not preferred)")
    by_key = run("who-held", "Derna", "--at", "2015-06-12", "--prefer", "source=lo-2015-07-derna-falls-12-june")
    assert by_key.stdout.splitlines()[0].startswith(f"Derna at 2015-06-12: held: {MSC}")
    silent = run("who-held", "central Derna", "--at", "2015-06-20", "--prefer", "source=Libya Observer")
    assert silent.stdout.splitlines()[0] == (
        "central Derna at 2015-06-20: no claim from source 'Libya Observer' (1 from other sources)")
    assert snapshot(run.url) == before

    unknown = run("who-held", "Derna", "--at", "2015-06-12", "--prefer", "source=Pravda")
    assert unknown.exit_code == 1 and unknown.stderr == "Error: no source named 'Pravda'\n"
    bad = run("who-held", "Derna", "--at", "2015-06-12", "--prefer", "loudest")
    assert bad.exit_code == 2 and "use graded, latest or source=NAME" in bad.stderr


def test_prefer_from_python():
    from tracker.control.claims import BadPreference

    assert BadPreference.__mro__[1].__name__ == "TrackerError"


def test_changes_in_june_2015_show_derna_passing_from_isis_to_msc_with_evidence(run):
    assert run("load", str(SEED)).exit_code == 0
    result = run("changes", "--from", "2015-06-01", "--to", "2015-06-30", "--country", "Libya", "--format", "json")
    rows = as_json(result)
    derna = [r for r in rows if r["place"] == "Derna"]
    assert [(r["date"], r["from"], r["to"]) for r in derna] == [
        ("2015-06-09", ISIS_LIBYA, f"{ISIS_LIBYA} (contested); {MSC} (contested)"),
        ("2015-06-13", f"{ISIS_LIBYA} (contested); {MSC} (contested)", MSC),
    ]
    fall = derna[1]
    assert fall["precision"] == "day" and fall["country"] == "LY"
    assert any(e.startswith("capture-isis-hq: ") for e in fall["evidence"])
    assert fall["sources"] == [BI]
    hq = [r for r in rows if r["place"] == "ISIS headquarters, Derna"]
    assert [(r["from"], r["to"]) for r in hq] == [(ISIS_LIBYA, MSC)]

    table = run("changes", "--from", "2015-06-01", "--to", "2015-06-30", "--country", "LY")
    assert table.stdout.splitlines()[0] == f"{len(rows)} change(s) of hands from 2015-06-01 to 2015-06-30"
    as_csv = list(csv.DictReader(io.StringIO(run("changes", "--from", "2015-06", "--to", "2015-06",
                                                 "--format", "csv").stdout)))
    assert {r["place"] for r in as_csv} == {r["place"] for r in rows}
    geo = as_json(run("changes", "--from", "2015-06", "--to", "2015-06", "--format", "geojson"))
    assert len(geo["features"]) == len(rows)
    assert geo["features"][0]["geometry"] == {"type": "Point", "coordinates": [22.63669, 32.76704]}

    assert as_json(run("changes", "--from", "2015-07-01", "--to", "2015-07-31", "--format", "json")) == []
    assert as_json(run("changes", "--from", "2015-06", "--to", "2015-06", "--country", "UA", "--format", "json")) == []
    by_actor = as_json(run("changes", "--from", "2015-06", "--to", "2015-06", "--actor", "Derna Shura Council",
                           "--format", "json"))
    assert by_actor and all(MSC in r["from"] + r["to"] for r in by_actor)
    assert run("changes", "--from", "2015-06", "--to", "2015-06", "--country", "Atlantis").exit_code == 1


def test_changes_show_both_dates_when_reports_disagree(two_reports):
    rows = as_json(two_reports("changes", "--from", "2015-06-01", "--to", "2015-06-30", "--format", "json"))
    derna = [(r["date"], r["from"], r["to"], r["sources"]) for r in rows if r["place"] == "Derna"]
    assert ("2015-06-12", ISIS_LIBYA, MSC, [LO]) in derna
    assert ("2015-06-13", f"{ISIS_LIBYA} (contested); {MSC} (contested)", MSC, [BI]) in derna


CHECKED = textwrap.dedent("""\
    format: tracker-report/1
    report: {id: check-fixture, title: Check fixture}
    actors:
      - {id: a, name: Alpha Brigade, kind: rebel group}
      - {id: b, name: Beta Front, kind: rebel group}
      - {id: old, name: Old Front, kind: rebel group}
      - {id: new, name: New Front, kind: rebel group}
    places:
      - {id: o, name: Overlaptown, kind: town}
      - {id: p, name: Oldtown, kind: town}
      - {id: n, name: Newtown, kind: town}
    relations:
      - {actor: new, type: successor_of, other: old, from: "2016-01-01"}
    events:
      - id: again
        date: "2016-04-01"
        type: Battles
        sub_type: Capture
        place: o
        actors: [{actor: a, role: actor1}, {actor: b, role: actor2}]
        description: Alpha Brigade captured Overlaptown.
    control:
      - {place: o, holder: a, from: "2016-01-01"}
      - {place: o, holder: b, from: "2016-03-01", until: "2016-06-01"}
      - {place: p, holder: old, from: "2015-01-01"}
      - {place: n, holder: new, from: "2015-06-01"}
    """)


def test_check_reports_each_kind_of_finding(run, tmp_path):
    from tracker import Store
    from tracker.model.entities import Actor, ControlSpan, Location, Source

    (tmp_path / "checked.yaml").write_text(CHECKED, encoding="utf-8")
    assert run("load", str(tmp_path / "checked.yaml")).exit_code == 0
    store = Store(run.url)
    with store.session() as session:  # what only code (or a damaged database) can write
        source = session.query(Source).filter_by(key="check-fixture").one()
        town = session.query(Location).filter_by(name="Newtown").one()
        alpha = session.query(Actor).filter_by(name="Alpha Brigade").one()
        session.add(ControlSpan(source_id=source.id, key="backwards", location_id=town.id, actor_id=alpha.id,
                                status="contested", start_min=dt.date(2017, 5, 1), start_max=dt.date(2017, 5, 1),
                                start_precision="day", end_min=dt.date(2017, 1, 1), end_max=dt.date(2017, 1, 1),
                                end_precision="day"))
    store.close()

    result = run("check")
    assert result.exit_code == 1
    codes = [line.split(": ")[:3] for line in result.stdout.splitlines()]
    assert ["error", "overlap", "Overlaptown"] in codes
    assert ["error", "after-merger", "Oldtown"] in codes
    assert ["error", "not-yet", "Newtown"] in codes
    assert ["error", "ends-before-start", "Newtown"] in codes
    assert ["error", "no-source", "Newtown"] in codes
    assert ["warning", "already-held", "Overlaptown"] in codes
    assert codes == sorted(codes, key=lambda c: c[0] != "error")  # errors first
    overlap = next(line for line in result.stdout.splitlines() if line.startswith("error: overlap:"))
    assert "Alpha Brigade held [2016-01-01, …)" in overlap and "Beta Front held [2016-03-01, 2016-06-01)" in overlap
    merged = next(line for line in result.stdout.splitlines() if "after-merger" in line)
    assert "Old Front held [2015-01-01, …)" in merged and "succeeded by New Front" in merged

    findings = as_json_exit(run("check", "--format", "json"), 1)
    assert {f["code"] for f in findings} >= {"overlap", "after-merger", "not-yet", "ends-before-start", "no-source",
                                             "already-held"}
    assert all(set(f) == {"level", "code", "place", "message", "spans", "event"} for f in findings)
    assert next(f for f in findings if f["code"] == "already-held")["event"] == "again"


def as_json_exit(result, code):
    assert result.exit_code == code, result.output
    return json.loads(result.stdout)


def test_check_on_a_clean_store_says_so(run):
    result = run("check")
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == "check: 0 error(s), 0 warning(s)\n"
    assert as_json(run("check", "--format", "json")) == []
