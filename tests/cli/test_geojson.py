"""--format geojson: RFC 7946 FeatureCollections that QGIS and geojson.io open as they are.

Checked twice: by the `geojson` package's validator (a test dependency) and by
structure — WGS84 points in [lon, lat] order, flat properties named like the
CSV columns of the same command.
"""

from __future__ import annotations

import csv
import io
import json
import math

import geojson
import pytest
from conftest import ROOT

SAMPLE = ROOT / "tests" / "data" / "geonames" / "cities_LY_SY_sample.json"
DERNA_LON_LAT = [22.63669, 32.76704]


@pytest.fixture
def loaded(seeded_run):
    """The CLI on a store with the Derna seed loaded (copied from a template)."""
    return seeded_run


def feature_collection(result) -> dict:
    """Parse, validate with the geojson package and check RFC 7946 structure by hand."""
    assert result.exit_code == 0, result.output
    collection = geojson.loads(result.stdout)
    assert collection.is_valid, collection.errors()
    data = json.loads(result.stdout)
    assert data["type"] == "FeatureCollection" and set(data) == {"type", "features"}  # no "crs" (RFC 7946 4)
    for feature in data["features"]:
        assert feature["type"] == "Feature" and set(feature) == {"type", "geometry", "properties"}
        geometry = feature["geometry"]
        if geometry is not None:
            assert geometry["type"] == "Point"
            lon, lat = geometry["coordinates"]
            assert isinstance(lon, float) and isinstance(lat, float)
            assert -180 <= lon <= 180 and -90 <= lat <= 90 and not math.isnan(lon + lat)
            # the properties carry the same point: [lon, lat] is not swapped
            assert (lon, lat) == (feature["properties"]["longitude"], feature["properties"]["latitude"])
        for value in feature["properties"].values():
            assert value is None or isinstance(value, (str, int, float, bool)), value  # flat
    return data


def csv_columns(run, *args) -> list[str]:
    result = run(*args, "--format", "csv")
    assert result.exit_code == 0, result.output
    return next(csv.reader(io.StringIO(result.stdout)))


def test_events(loaded):
    args = ("events", "--place", "Derna")
    data = feature_collection(loaded(*args, "--format", "geojson"))
    assert len(data["features"]) == 11
    assert {tuple(f["geometry"]["coordinates"]) for f in data["features"]} == {tuple(DERNA_LON_LAT)}
    assert list(data["features"][0]["properties"]) == csv_columns(loaded, *args)
    first = data["features"][0]["properties"]
    assert first["key"] == "assassination-al-aker" and first["fatalities_best"] == 1
    assert first["sources"] == "Business Insider: ISIL loses its turf war in Libya [C3]"  # a list, joined


def test_events_near_carry_their_distance(loaded):
    args = ("events", "--near", "32.7,22.6", "--radius", "20")
    data = feature_collection(loaded(*args, "--format", "geojson"))
    assert len(data["features"]) == 11
    assert 7 < data["features"][0]["properties"]["distance_km"] < 9
    assert list(data["features"][0]["properties"]) == csv_columns(loaded, *args)


def test_place(loaded):
    data = feature_collection(loaded("place", "Darnah", "--format", "geojson"))
    [feature] = data["features"]
    assert feature["geometry"]["coordinates"] == DERNA_LON_LAT
    assert feature["properties"]["name"] == "Derna" and "Darnah" in feature["properties"]["aliases"]


@pytest.mark.parametrize("args", [
    ("who-held", "Derna", "--at", "2015-06-11"),
    ("held-by", "MSC Derna", "--at", "2015-06-20"),
    ("who-held", "--near", "Derna", "--radius", "5", "--at", "2015-06-14"),
])
def test_control_answers(loaded, args):
    data = feature_collection(loaded(*args, "--format", "geojson"))
    assert data["features"]
    assert all(f["geometry"]["coordinates"] == DERNA_LON_LAT for f in data["features"])
    assert list(data["features"][0]["properties"]) == csv_columns(loaded, *args)
    assert {"holder", "status", "from", "until", "sources"} <= set(data["features"][0]["properties"])


def test_geocode_candidates(run):
    assert run("gazetteer", "load", "--file", str(SAMPLE)).exit_code == 0
    data = feature_collection(run("geocode", "Tripoli", "--format", "geojson"))
    by_country = {f["properties"]["country"]: f["geometry"]["coordinates"] for f in data["features"]}
    assert by_country["LY"] == [13.18733, 32.88743] and by_country["LB"][0] == pytest.approx(35.85, abs=0.1)


def test_records_without_a_point_have_a_null_geometry(run, tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("format: tracker-report/1\nreport: {id: r, title: R}\nplaces:\n  - {id: x, name: Nowhere town}\n"
                    "events:\n  - {id: e, date: '2015-06-10', type: Protests, place: x}\n")
    assert run("load", str(path)).exit_code == 0
    data = feature_collection(run("events", "--format", "geojson"))
    [feature] = data["features"]
    assert feature["geometry"] is None and feature["properties"]["place"] == "Nowhere town"


def test_an_empty_answer_is_an_empty_collection(loaded):
    data = feature_collection(loaded("events", "--place", "Derna", "--from", "2020", "--format", "geojson"))
    assert data == {"type": "FeatureCollection", "features": []}


def test_the_writer_streams(loaded):
    """Features are written one by one from any iterable of records (a generator here)."""
    from tracker.output.formats import write

    out = io.StringIO()
    write(({"name": f"p{i}", "latitude": 1.0 * i, "longitude": 2.0 * i} for i in range(3)), out, "geojson")
    data = json.loads(out.getvalue())
    assert [f["geometry"]["coordinates"] for f in data["features"]] == [[0.0, 0.0], [2.0, 1.0], [4.0, 2.0]]
