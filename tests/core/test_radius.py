"""Radius queries: events and control near a place or a point, exact to the geodesic distance,
through indexes only (no scan of the events table)."""

from __future__ import annotations

import json
import random
import re

import pytest
from conftest import ROOT, SEED, recorded_statements
from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from tracker.geo import radius
from tracker.model.entities import Location

SAMPLE = ROOT / "tests" / "data" / "geonames" / "cities_LY_SY_sample.json"
DERNA = (32.76704, 22.63669)
# 100 km due north of Derna, out at sea.
OFFSHORE = geodesic(kilometers=100).destination(DERNA, bearing=0)
OFFSHORE_TEXT = f"{OFFSHORE.latitude:.5f},{OFFSHORE.longitude:.5f}"


def records(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def loaded(seeded_run):
    """The CLI on a store with the Derna seed loaded (copied from a template)."""
    return seeded_run


# -- events near --------------------------------------------------------------------------------------
def test_events_near_derna(loaded):
    found = records(loaded("events", "--near", "Derna", "--radius", "50", "--format", "json"))
    assert len(found) == 11
    assert {r["place"] for r in found} == {"Derna", "central Derna", "ISIS headquarters, Derna"}
    assert all(r["distance_km"] == 0 for r in found)


def test_nothing_within_1_km_of_a_point_100_km_away(loaded):
    assert records(loaded("events", "--near", OFFSHORE_TEXT, "--radius", "1", "--format", "json")) == []
    # The boundary is the geodesic distance: 100 km away, 99.9 km finds nothing, 100.1 km everything.
    assert records(loaded("events", "--near", OFFSHORE_TEXT, "--radius", "99.9", "--format", "json")) == []
    found = records(loaded("events", "--near", OFFSHORE_TEXT, "--radius", "100.1", "--format", "json"))
    assert len(found) == 11
    assert all(r["distance_km"] == pytest.approx(100.0, abs=0.005) for r in found)


def test_radius_combines_with_the_other_filters(loaded):
    found = records(loaded("events", "--near", "Darnah", "--radius", "10", "--from", "2015-06-11",
                           "--to", "2015-06-12", "--type", "Protests", "--format", "json"))
    assert {r["type"] for r in found} == {"Protests"} and len(found) == 2


def test_the_seed_without_coordinates_placed_by_the_gazetteer(run, tmp_path):
    """The seed report with every coordinate removed: the gazetteer places Derna, its parts follow."""
    text = SEED.read_text("utf-8")
    stripped = re.sub(r"^\s+coordinates: .*\n", "", text, flags=re.M)
    assert "coordinates" not in stripped.replace("# ", "").split("places:")[1].split("relations:")[0] \
        .replace("coordinates: {", "")
    path = tmp_path / "derna-without-coordinates.yaml"
    path.write_text(stripped, encoding="utf-8")
    assert run("gazetteer", "load", "--file", str(SAMPLE), "--country", "LY").exit_code == 0
    result = run("load", str(path))
    assert result.exit_code == 0 and "3 located" in result.stderr
    found = records(run("events", "--near", "Derna", "--radius", "50", "--format", "json"))
    assert len(found) == 11
    assert records(run("events", "--near", OFFSHORE_TEXT, "--radius", "1", "--format", "json")) == []


def test_a_gazetteer_place_can_be_the_centre(loaded):
    assert loaded("gazetteer", "load", "--file", str(SAMPLE), "--country", "LY").exit_code == 0
    # Benghazi is not in the store; the gazetteer knows it, about 250 km west of Derna.
    far = records(loaded("events", "--near", "Benghazi", "--radius", "300", "--format", "json"))
    assert len(far) == 11 and 240 < far[0]["distance_km"] < 260
    assert records(loaded("events", "--near", "Benghazi", "--radius", "200", "--format", "json")) == []


def test_who_held_near(loaded):
    result = loaded("who-held", "--near", "Derna", "--radius", "5", "--at", "2015-06-14")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "within 5 km of Derna at 2015-06-14: 3 places with control recorded"
    found = records(loaded("who-held", "--near", "Derna", "--radius", "5", "--at", "2015-06-14", "--format", "json"))
    assert {(r["asked"], r["holder"]) for r in found} == {
        ("Derna", "Mujahedeen Shura Council of Derna"),
        ("central Derna", "Mujahedeen Shura Council of Derna"),
        ("ISIS headquarters, Derna", "Mujahedeen Shura Council of Derna"),
    }
    assert all(r["latitude"] == DERNA[0] and r["longitude"] == DERNA[1] for r in found)
    before = records(loaded("who-held", "--near", "32.7,22.6", "--radius", "20", "--at", "2015-06-05",
                            "--format", "json"))
    assert {r["holder"] for r in before} == {"Islamic State (Libya)"}
    assert records(loaded("who-held", "--near", OFFSHORE_TEXT, "--radius", "1", "--at", "2015-06-14",
                          "--format", "json")) == []


def test_usage_errors_exit_2(loaded):
    for args, message in [
        (("events", "--near", "Derna"), "use --near and --radius together"),
        (("events", "--radius", "5"), "use --near and --radius together"),
        (("events", "--near", "95,10", "--radius", "5"), "latitude 95.0 is outside -90..90"),
        (("events", "--near", "Derna", "--radius", "0"), "0.0 is not in the range x>0"),
        (("who-held", "Derna", "--near", "Derna", "--radius", "5", "--at", "2015"), "only one of them"),
        (("who-held", "--at", "2015"), "give a PLACE or --near"),
    ]:
        result = loaded(*args)
        assert result.exit_code == 2, args
        assert message in result.stderr, (args, result.stderr)


def test_a_centre_without_coordinates_is_a_user_error(run, tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("format: tracker-report/1\nreport: {id: r, title: R}\nplaces:\n  - {id: x, name: Nowhere town}\n")
    assert run("load", str(path)).exit_code == 0
    result = run("events", "--near", "Nowhere town", "--radius", "5")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Nowhere town has no coordinates: give LAT,LON")
    # A centre the store does not know comes from the gazetteer of the country asked, loaded on first use.
    result = run("events", "--near", "Atlantis", "--radius", "5", "--country", "LY")
    assert (result.exit_code, result.stderr) == (1, "Error: no place named 'Atlantis'\n")


# -- exactness: the prefilter never loses a place ------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(-89.9, 89.9), lon=st.floats(-180, 180), km=st.floats(0.01, 3000),
    bearing=st.floats(0, 360), fraction=st.floats(0, 1.5),
)
def test_the_bounding_box_holds_the_whole_circle(lat, lon, km, bearing, fraction):
    point = geodesic(kilometers=km * fraction).destination((lat, lon), bearing=bearing)
    inside = geodesic((lat, lon), (point.latitude, point.longitude)).km <= km
    assert radius.within((lat, lon), (point.latitude, point.longitude), km) == inside
    if inside:
        boxes = radius.bounding_boxes(lat, lon, km)
        assert any(a <= point.latitude <= b and c <= point.longitude <= d for a, b, c, d in boxes)


@pytest.mark.parametrize("center", [DERNA, (0.0, 179.9), (-33.9, -179.95), (89.5, 10.0), (-89.0, -120.0)])
def test_places_within_match_a_brute_force_geodesic_scan(store, center):
    rng = random.Random(f"{center}")
    km = 300.0
    rows = []
    for i in range(400):
        p = geodesic(kilometers=rng.uniform(0, 2 * km)).destination(center, bearing=rng.uniform(0, 360))
        rows.append({"name": f"p{i}", "kind": "village", "latitude": p.latitude, "longitude": p.longitude})
    with store.session() as session:
        session.execute(insert(Location), rows)
    with store.session() as session:
        found = set(radius.location_ids_within(session, radius.Center(*center, "c"), km))
        everything = session.query(Location.id, Location.latitude, Location.longitude).all()
    expected = {i for i, la, lo in everything if geodesic(center, (la, lo)).km <= km}
    assert found == expected and 0 < len(found) < 400


# -- no full scans ---------------------------------------------------------------------------------------------------
def test_radius_queries_use_the_indexes(sqlite_url):
    from tracker import Store

    store = Store(sqlite_url)
    store.load([str(SEED)])
    with recorded_statements(store.engine) as statements:
        assert len(store.events(near="Derna", radius_km=50, start="2015", end="2015").all()) == 11
    plans = []
    with store.engine.connect() as conn:
        for statement, params in statements:
            if "events" in statement or "locations" in statement:
                plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
                plans.append(" | ".join(str(row[-1]) for row in plan))
    joined = "\n".join(plans)
    assert "USING INDEX ix_events_location_id_date_start" in joined
    assert "ix_locations_latitude_longitude" in joined
    assert not re.search(r"\bSCAN (events|locations)\b(?! USING)", joined), joined
    store.close()


def test_long_id_lists_are_inlined(store):
    """A radius holding more places than a backend takes bound parameters still works."""
    rows = [{"name": f"v{i}", "kind": "village", "latitude": 10 + (i % 100) * 0.001, "longitude": 20 + (i // 100) * 0.001}
            for i in range(3000)]
    with store.session() as session:
        session.execute(insert(Location), rows)
        assert len(radius.location_ids_within(session, radius.Center(10.05, 20.15, "c"), 50)) == 3000
    assert store.events(near="10.05,20.15", radius_km=50).all() == []
