"""Control snapshots and areas: `tracker import control`, run-length spans, LAT,LON, DeepStateMap."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, snapshot

MAPPING = ROOT / "seeds" / "control-maps" / "deepstatemap.yaml"
TOWNS = ROOT / "seeds" / "ukraine-kharkiv-2022.yaml"
SHARED = ROOT.parent / "shared" / "data" / "realworld" / "territorial_control"
RAW = SHARED / "deepstatemap_raw_snapshots"
DAILY = SHARED / "deepstatemap_occupied_daily"
RUSSIA, UKRAINE = "Russian forces", "Armed Forces of Ukraine"


def as_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def square(lon, lat, half=0.5):
    return [[[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half], [lon - half, lat + half],
             [lon - half, lat - half]]]


def feature(geometry, **props):
    return {"type": "Feature", "properties": props, "geometry": geometry}


def write_collection(path: Path, features, **extra) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", **extra, "features": features}), encoding="utf-8")
    return path


ACTORS = textwrap.dedent("""\
    format: tracker-report/1
    report: {id: testland-actors, title: Testland actors and places}
    actors:
      - {id: a, name: Alpha Brigade, kind: rebel group}
      - {id: b, name: Beta Front, kind: rebel group}
    places:
      - {id: t, name: Testtown, kind: town, country: UA, coordinates: {lat: 48.0, lon: 35.0}}
      - {id: v, name: Farvillage, kind: village, country: UA, coordinates: {lat: 40.0, lon: 20.0}}
    """)


@pytest.fixture
def testland(run, tmp_path):
    (tmp_path / "actors.yaml").write_text(ACTORS, encoding="utf-8")
    assert run("load", str(tmp_path / "actors.yaml")).exit_code == 0
    return run


def three_snapshots(tmp_path: Path) -> list[Path]:
    """Testtown inside a square: Alpha on 1 and 2 January, Beta on 5 January; a contested patch on the 2nd."""
    area = {"type": "Polygon", "coordinates": square(35.0, 48.0)}
    patch = {"type": "Polygon", "coordinates": square(35.0, 48.0, 0.1)}
    line = {"type": "LineString", "coordinates": [[34.0, 47.0], [35.0, 48.0]]}
    return [
        write_collection(tmp_path / "snap-2022-01-01.geojson", [feature(area, holder="Alpha Brigade")]),
        write_collection(tmp_path / "snap-2022-01-02.geojson", [
            feature(area, holder="Alpha Brigade"),
            feature(patch, holder=["Alpha Brigade", "Beta Front"], status="contested"),
            feature(line, name="direction of attack"),
        ]),
        write_collection(tmp_path / "snap-2022-01-05.geojson", [feature(area, holder="Beta Front")]),
    ]


def test_a_sequence_of_snapshots_gives_exactly_the_run_length_spans(testland, tmp_path):
    files = three_snapshots(tmp_path)
    result = testland("import", "control", *map(str, files))
    assert result.exit_code == 0, result.output
    assert "snapshots 2022-01-02: inserted (2 areas; 0 places; skipped 1 not areas" in result.stderr

    rows = as_json(testland("timeline", "Testtown", "--format", "json"))
    spans = [(r["summary"], r["when"]) for r in rows if r["what"] == "control"]
    assert spans == [
        ("held by Alpha Brigade (on the map)", "[by 2022-01-01, 2022-01-03/2022-01-05)"),
        ("contested by Alpha Brigade (on the map)", "[2022-01-02, 2022-01-03/2022-01-05)"),
        ("contested by Beta Front (on the map)", "[2022-01-02, 2022-01-03/2022-01-05)"),
        ("held by Beta Front (on the map)", "[2022-01-03/2022-01-05, …)"),
    ]
    # The two snapshots that agree on Alpha are one span citing the first and the last of them.
    held = as_json(testland("who-held", "Testtown", "--at", "2022-01-01", "--format", "json"))
    assert [(r["holder"], r["answer"]) for r in held] == [("Alpha Brigade", "held")]
    assert held[0]["sources"] == ["Control snapshot snapshot 2022-01-01", "Control snapshot snapshot 2022-01-02"]
    between = as_json(testland("who-held", "Testtown", "--at", "2022-01-04", "--format", "json"))
    assert {r["answer"] for r in between} == {"uncertain"}
    # After the last map: held as of that map within the series' usual interval (here 2 days), stale beyond it.
    soon = testland("who-held", "Testtown", "--at", "2022-01-06")
    assert soon.stdout.splitlines()[0] == "Testtown at 2022-01-06: held: Beta Front (as of the last map 2022-01-05)"
    after = testland("who-held", "Testtown", "--at", "2022-02-01")
    assert after.stdout.splitlines()[0] == ("Testtown at 2022-02-01: stale: no evidence within the horizon "
                                            "(Beta Front: as of the last map 2022-01-05, 27 days before; horizon 2 days)")
    longer = testland("who-held", "Testtown", "--at", "2022-02-01", "--horizon", "30")
    assert longer.stdout.splitlines()[0] == "Testtown at 2022-02-01: held: Beta Front (as of the last map 2022-01-05)"
    # A place outside every area gets no map claim.
    assert "no control recorded" in testland("who-held", "Farvillage", "--at", "2022-01-01").stdout


def test_importing_the_same_snapshots_twice_changes_nothing(testland, tmp_path):
    files = list(map(str, three_snapshots(tmp_path)))
    assert testland("import", "control", *files).exit_code == 0
    before = snapshot(testland.url)
    again = testland("import", "control", *files)
    assert again.exit_code == 0
    assert again.stderr.count(": unchanged") == 3
    assert snapshot(testland.url) == before


def test_a_long_import_reports_its_progress(testland, tmp_path):
    from tracker import Store

    heard = []
    store = Store(testland.url)
    store.import_control(list(map(str, three_snapshots(tmp_path))),
                         progress=lambda p: heard.append((p.stage, p.done, p.total)))
    assert heard == [("files read", 1, 3), ("files read", 2, 3), ("files read", 3, 3),
                     ("snapshots written", 1, 3), ("snapshots written", 2, 3), ("snapshots written", 3, 3),
                     ("rebuilding control spans", 0, None)]
    heard.clear()
    store.import_control(list(map(str, three_snapshots(tmp_path))), progress=lambda *a: heard.append(a))
    assert ("spans", 0, 1) not in heard  # nothing changed: nothing to rebuild
    store.close()


def test_the_same_area_in_consecutive_snapshots_is_stored_once(testland, tmp_path):
    from tracker import Store
    from tracker.model.entities import ControlArea, ControlSnapshot

    assert testland("import", "control", *map(str, three_snapshots(tmp_path))).exit_code == 0
    store = Store(testland.url)
    with store.session() as session:
        assert session.query(ControlSnapshot).count() == 3
        # Alpha's square (1st and 2nd), the contested patch twice (two holders), Beta's square.
        assert session.query(ControlArea).count() == 4
        alpha = session.query(ControlArea).filter(ControlArea.status == "held").order_by(ControlArea.id).first()
        assert [s.taken_on.isoformat() for s in alpha.snapshots] == ["2022-01-01", "2022-01-02"]
        assert alpha.min_lon == pytest.approx(34.5) and alpha.max_lat == pytest.approx(48.5)
    store.close()


def test_a_changed_snapshot_replaces_its_areas_and_the_spans_follow(testland, tmp_path):
    files = three_snapshots(tmp_path)
    assert testland("import", "control", *map(str, files)).exit_code == 0
    # The 5 January map is corrected: Alpha still held Testtown.
    write_collection(files[2], [feature({"type": "Polygon", "coordinates": square(35.0, 48.0)}, holder="Alpha Brigade")])
    result = testland("import", "control", str(files[2]))
    assert "snapshots 2022-01-05: updated" in result.stderr
    rows = as_json(testland("who-held", "Testtown", "--at", "2022-03-01", "--format", "json"))
    assert [(r["holder"], r["from"], r["from_latest"], r["from_precision"], r["until"], r["open"]) for r in rows] == [
        ("Alpha Brigade", "", "2022-01-01", "by", "", True)]


def test_csv_snapshots_with_places_and_points(testland, tmp_path):
    csv_file = tmp_path / "control.csv"
    csv_file.write_text(textwrap.dedent("""\
        date,place,lat,lon,name,holder,status
        2022-03-01,Testtown,,,,Alpha Brigade,held
        2022-03-01,,41.5,21.5,Newhamlet,Beta Front,held
        2022-03-08,Testtown,,,,Alpha Brigade,held
        2022-03-08,,41.5,21.5,Newhamlet,Alpha Brigade;Beta Front,contested
        """), encoding="utf-8")
    result = testland("import", "control", str(csv_file))
    assert result.exit_code == 0, result.output
    town = as_json(testland("who-held", "Testtown", "--at", "2022-03-05", "--format", "json"))
    assert [(r["holder"], r["period"]) for r in town] == [("Alpha Brigade", "[by 2022-03-01, …)")]
    hamlet = as_json(testland("who-held", "Newhamlet", "--at", "2022-03-10", "--format", "json"))
    assert {(r["holder"], r["status"], r["from"], r["from_latest"]) for r in hamlet} == {
        ("Alpha Brigade", "contested", "2022-03-02", "2022-03-08"), ("Beta Front", "contested", "2022-03-02", "2022-03-08")}
    assert {r["answer"] for r in hamlet} == {"contested"}
    # a point asked as LAT,LON is the place at that point
    point = as_json(testland("who-held", "41.5,21.5", "--at", "2022-03-01", "--format", "json"))
    assert [(r["holder"], r["answer"]) for r in point] == [("Beta Front", "held")]
    assert as_json(testland("place", "41.5,21.5", "--format", "json"))[0]["name"] == "Newhamlet"
    assert testland("timeline", "41.5,21.5").stdout.splitlines()[0] == "timeline of Newhamlet"
    assert testland("place", "41.6,21.5").stderr == "Error: no place named '41.6,21.5'\n"


def test_lat_lon_is_answered_from_the_areas(testland, tmp_path):
    assert testland("import", "control", *map(str, three_snapshots(tmp_path))).exit_code == 0
    result = testland("who-held", "48.2,35.2", "--at", "2022-01-01")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "48.2,35.2 at 2022-01-01: held: Alpha Brigade (from map areas containing it)"
    outside = testland("who-held", "10.0,10.0", "--at", "2022-01-01")
    assert outside.stdout.splitlines()[0] == "10,10 at 2022-01-01: no control recorded"
    timeline = as_json(testland("timeline", "48.2,35.2", "--format", "json"))
    assert [(r["summary"], r["when"].split(",")[0][1:]) for r in timeline] == [
        ("held by Alpha Brigade (on the map)", "by 2022-01-01"),
        ("held by Beta Front (on the map)", "2022-01-03/2022-01-05"),
    ]
    assert testland("who-held", "95,10", "--at", "2022-01-01").exit_code == 1


def test_a_place_added_after_the_import_is_held_by_the_area_around_it(testland, tmp_path):
    assert testland("import", "control", *map(str, three_snapshots(tmp_path))).exit_code == 0
    later = tmp_path / "later.yaml"
    later.write_text(textwrap.dedent("""\
        format: tracker-report/1
        report: {id: later-places, title: Later places}
        places: [{id: n, name: Nearby, kind: village, coordinates: {lat: 48.3, lon: 35.1}}]
        """), encoding="utf-8")
    assert testland("load", str(later)).exit_code == 0
    rows = as_json(testland("who-held", "Nearby", "--at", "2022-01-01", "--format", "json"))
    assert [(r["holder"], r["origin"]) for r in rows] == [("Alpha Brigade", "snapshot")]


def test_bad_snapshots_are_one_line_and_write_nothing(testland, tmp_path):
    before = snapshot(testland.url)
    bad = write_collection(tmp_path / "bad-2022-01-01.geojson", [
        feature({"type": "Polygon", "coordinates": square(35.0, 48.0)}, holder="Alpha Brigade"),
        feature({"type": "Polygon", "coordinates": [[[200, 48], [201, 48], [201, 49], [200, 48]]]}, holder="Beta Front"),
    ])
    result = testland("import", "control", str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}:")
    assert "features[1].geometry: coordinates outside" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

    nodate = write_collection(tmp_path / "undated.geojson", [feature({"type": "Polygon", "coordinates": square(35, 48)},
                                                                     holder="Alpha Brigade")])
    result = testland("import", "control", str(nodate))
    assert result.exit_code == 1 and "no snapshot date" in result.stderr and "--date" in result.stderr
    assert testland("import", "control", "--date", "2022-01", str(nodate)).exit_code == 1  # a day, not a month

    unknown = tmp_path / "unknown.csv"
    unknown.write_text("date,place,holder\n2022-01-01,Testtown,Alpha Brigade\n2022-01-01,Atlantis,Beta Front\n",
                       encoding="utf-8")
    result = testland("import", "control", str(unknown))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {unknown}:3: place: no place named 'Atlantis'\n"
    nobody = write_collection(tmp_path / "nobody-2022-01-01.geojson", [
        feature({"type": "Polygon", "coordinates": square(35, 48)}, holder="Nobody Brigade")])
    result = testland("import", "control", str(nobody))
    assert result.exit_code == 1 and "properties.holder: no actor named 'Nobody Brigade'" in result.stderr
    assert snapshot(testland.url) == before


def test_a_self_intersecting_area_is_refused_unless_made_valid(testland, tmp_path):
    """A bow tie around Testtown (its ring crosses itself at 35.0,48.0): refused, naming the feature and
    the crossing; --make-valid imports its two triangles and says so."""
    before = snapshot(testland.url)
    bowtie = [[[34.5, 47.5], [35.5, 48.5], [35.5, 47.5], [34.5, 48.5], [34.5, 47.5]]]
    path = write_collection(tmp_path / "bowtie-2022-01-01.geojson", [
        feature({"type": "Polygon", "coordinates": square(20.0, 40.0)}, holder="Beta Front"),
        feature({"type": "Polygon", "coordinates": bowtie}, holder="Alpha Brigade")])
    result = testland("import", "control", str(path))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {path}:1: features[1].geometry: not a valid area: Self-intersection[35 48] "
                             "(--make-valid repairs it: shapely's make_valid, kept to its polygons)\n")
    assert snapshot(testland.url) == before
    result = testland("import", "control", "--make-valid", str(path))
    assert result.exit_code == 0, result.output
    assert "inserted (2 areas; 0 places; 1 invalid areas made valid)\nmap spans: 2 places on the maps" in result.stderr


@pytest.mark.skipif(not RAW.is_dir(), reason="the DeepStateMap snapshots of ../shared are not here")
def test_the_real_map_of_3_april_2022_has_a_self_intersecting_area(run):
    first = RAW / "1648989208.geojson"
    result = run("import", "control", "--mapping", str(MAPPING), str(first))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {first}:1: features[24].geometry: not a valid area: "
                             "Self-intersection[32.3173835 46.5503516] (--make-valid repairs it: shapely's "
                             "make_valid, kept to its polygons)\n")


def test_the_deepstatemap_mapping_reads_the_label_variants():
    from tracker.ingest.control_maps import read_map

    mapping = read_map(str(MAPPING))
    expect = {
        "Окуповано /// Occupied": (["occupier"], "held"),
        "Окуповано /// Occupied /// geoJSON.status.occupied\n": (["occupier"], "held"),
        "Звільнено /// Liberated\xa0/// geoJSON.status.dismissed": (["defender"], "held"),
        "Звільнено 25.03 /// Taken back 25.03": (["defender"], "held"),
        "Звільнено /// Recaptured\n": (["defender"], "held"),
        "Під питанням /// Contested\n": (["occupier", "defender"], "contested"),
        "Під питанням\xa0/// Contensed": (["occupier", "defender"], "contested"),
        "Статус невідомий /// Unknown status /// geoJSON.status.unknown\n": (["occupier", "defender"], "contested"),
        "Окупований Крим /// Occupied Crimea": (["occupier"], "held"),
        "ОРДЛО /// CADR and CALR\n": (["occupier"], "held"),
    }
    for label, (holders, status) in expect.items():
        rule = mapping.rule_for(label)
        assert rule is not None and not rule.skip, label
        assert (rule.holders, rule.status) == (holders, status), label
    for skipped in ("Окупована Абхазія.\n///\nOccupied Abkhazia.", "Напрямок удару /// Direction of attack"):
        assert mapping.rule_for(skipped).skip
    assert mapping.rule_for("Багатокутник 11") is None
    daily = mapping.file_rule("deepstatemap_data_20240708.geojson")
    assert daily.series == "deepstatemap-occupied"
    assert mapping.rule_for(None, daily).holders == ["occupier"]


def test_a_bad_mapping_file_names_its_line(testland, tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text(textwrap.dedent("""\
        format: tracker-control-map/1
        map: Test map
        holders:
          a: {name: Alpha Brigade}
        labels:
          - {match: [held], holder: b}
        """), encoding="utf-8")
    snap = write_collection(tmp_path / "m-2022-01-01.geojson", [feature({"type": "Polygon", "coordinates": square(35, 48)},
                                                                        name="held")])
    result = testland("import", "control", "--make-valid", "--mapping", str(mapping), str(snap))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {mapping}:6: labels[0].holder: unknown holder 'b' (holders: a)\n"


KHARKIV_DAYS = ["1662543371", "1662647935", "1662717073", "1662802147", "1662901759", "1662982685"]


@pytest.mark.skipif(not RAW.is_dir(), reason="the DeepStateMap snapshots of ../shared are not here")
def test_deepstatemap_kharkiv_days_on_both_backends(run):
    assert run("load", str(TOWNS)).exit_code == 0
    files = [str(RAW / f"{ts}.geojson") for ts in KHARKIV_DAYS]
    result = run("import", "control", "--make-valid", "--mapping", str(MAPPING), *files)
    assert result.exit_code == 0, result.output
    assert "deepstatemap 2022-09-07: inserted" in result.stderr
    rows = as_json(run("timeline", "Kupiansk", "--format", "json"))
    assert [(r["summary"], r["when"]) for r in rows] == [
        (f"held by {RUSSIA} (on the map)", "[by 2022-09-07, 2022-09-10)"),
        (f"held by {UKRAINE} (on the map)", "[2022-09-10, …)"),
    ]
    held = run("who-held", "49.21,37.26", "--at", "2022-09-08")
    assert held.stdout.splitlines()[0] == f"49.21,37.26 at 2022-09-08: held: {RUSSIA} (from map areas containing it)"


@pytest.mark.skipif(not RAW.is_dir(), reason="the DeepStateMap snapshots of ../shared are not here")
def test_every_deepstatemap_snapshot_imports_and_the_kharkiv_timelines_show_the_maps_dates(sqlite_url):
    from conftest import Run

    run = Run(sqlite_url)
    assert run("load", str(TOWNS)).exit_code == 0
    files = sorted(map(str, RAW.glob("*.geojson"))) + sorted(map(str, DAILY.glob("*.geojson")))
    assert len(files) == 53 + 39
    result = run("import", "control", "--make-valid", "--mapping", str(MAPPING), *files)
    assert result.exit_code == 0, result.output
    assert result.stderr.count(": inserted (") == 92
    assert "deepstatemap-occupied 2024-07-08: inserted (1 areas" in result.stderr
    assert "deepstatemap 2022-09-05: inserted" in result.stderr  # the date of 1662411667 (MANIFEST.csv, UTC)

    def control(name):
        periods = [(r["summary"].replace(" (on the map)", ""), *r["when"][1:-1].split(", "))
                   for r in as_json(run("timeline", name, "--format", "json")) if r["what"] == "control"]
        return [(what, start, "" if end == "…" else end) for what, start, end in periods]

    assert control("Balakliia") == [(f"held by {RUSSIA}", "by 2022-04-03", "2022-09-08"),
                                    (f"held by {UKRAINE}", "2022-09-08", "")]
    assert control("Izium") == [(f"held by {RUSSIA}", "by 2022-04-03", "2022-09-11"),
                                (f"contested by {RUSSIA}", "2022-09-11", "2022-09-12"),
                                (f"contested by {UKRAINE}", "2022-09-11", "2022-09-12"),
                                (f"held by {UKRAINE}", "2022-09-12", "")]
    assert control("Kupiansk") == [(f"held by {RUSSIA}", "by 2022-04-03", "2022-09-10"),
                                   (f"held by {UKRAINE}", "2022-09-10", "")]
    assert run("who-held", "Izium", "--at", "2022-09-11").stdout.startswith(
        f"Izium at 2022-09-11: contested: {RUSSIA} vs {UKRAINE}")
    before = snapshot(sqlite_url)
    again = run("import", "control", "--make-valid", "--mapping", str(MAPPING), *files)
    assert again.exit_code == 0 and again.stderr.count(": unchanged") == 92
    assert snapshot(sqlite_url) == before


def test_label_dates_read_the_ways_deepstatemap_writes_them():
    import datetime as dt

    from tracker.control.areas import label_dates

    on = dt.date(2022, 9, 25)
    d = dt.date
    assert label_dates("Звільнено 25.03 /// Liberated 25.03", on) == (d(2022, 3, 25), d(2022, 3, 25))
    assert label_dates("Звільнено 16.03-17.03 /// Liberated 16.03-17.03", on) == (d(2022, 3, 16), d(2022, 3, 17))
    assert label_dates("Звільнено 31.03 - 02.04 /// Liberated 31.03 - 02.04", on) == (d(2022, 3, 31), d(2022, 4, 2))
    assert label_dates("Звільнено\xa027-29.03 /// Liberated 27-29.03", on) == (d(2022, 3, 27), d(2022, 3, 29))
    # The Ukrainian and English parts disagree: both days stand.
    assert label_dates("Звільнено 26.06\xa0/// Liberated 23.06", on) == (d(2022, 6, 23), d(2022, 6, 26))
    assert label_dates("Звільнено /// Liberated\xa0/// geoJSON.status.dismissed_at {{at:19.09}}", on) == (
        d(2022, 9, 19), d(2022, 9, 19))
    # A day.month after the map's date is last year's.
    assert label_dates("Liberated 30.12", d(2023, 1, 5)) == (d(2022, 12, 30), d(2022, 12, 30))
    for undated in ("Окуповано /// Occupied", "Багатокутник 11", "Zone 1.2", "31.02", None):
        assert label_dates(undated, on) is None, undated


def _dsm_snapshots(tmp_path, labels: dict) -> list[str]:
    area = {"type": "Polygon", "coordinates": square(35.0, 48.0)}
    return [str(write_collection(tmp_path / f"dsm-{day}.geojson", [feature(area, name=label)]))
            for day, label in labels.items()]


def test_a_dated_label_narrows_when_control_changed(testland, tmp_path):
    files = _dsm_snapshots(tmp_path, {"2022-03-20": "Окуповано /// Occupied",
                                      "2022-04-03": "Звільнено 25.03 /// Liberated 25.03"})
    assert testland("import", "control", "--make-valid", "--mapping", str(MAPPING), *files).exit_code == 0
    rows = as_json(testland("timeline", "Testtown", "--format", "json"))
    assert [(r["summary"], r["when"]) for r in rows if r["what"] == "control"] == [
        (f"held by {RUSSIA} (on the map)", "[by 2022-03-20, 2022-03-25)"),
        (f"held by {UKRAINE} (on the map)", "[2022-03-25, …)"),
    ]
    # Without the label's date, 28 March would lie between two maps that disagree: "uncertain".
    held = testland("who-held", "Testtown", "--at", "2022-03-28")
    assert held.stdout.splitlines()[0] == f"Testtown at 2022-03-28: held: {UKRAINE}"
    claim, = as_json(testland("who-held", "Testtown", "--at", "2022-03-28", "--format", "json"))
    assert claim["derivation"].endswith("as 'Звільнено 25.03 /// Liberated 25.03'; the label dates it 2022-03-25")


def test_a_label_date_the_maps_contradict_is_left_aside(testland, tmp_path):
    # Still occupied on the 22nd, so "liberated 16-17 March" cannot date this change.
    files = _dsm_snapshots(tmp_path, {"2022-03-20": "Окуповано /// Occupied", "2022-03-22": "Окуповано /// Occupied",
                                      "2022-04-03": "Звільнено 16.03-17.03 /// Liberated 16.03-17.03"})
    assert testland("import", "control", "--make-valid", "--mapping", str(MAPPING), *files).exit_code == 0
    rows = as_json(testland("timeline", "Testtown", "--format", "json"))
    assert [(r["summary"], r["when"]) for r in rows if r["what"] == "control"] == [
        (f"held by {RUSSIA} (on the map)", "[by 2022-03-20, 2022-03-23/2022-04-03)"),
        (f"held by {UKRAINE} (on the map)", "[2022-03-23/2022-04-03, …)"),
    ]
