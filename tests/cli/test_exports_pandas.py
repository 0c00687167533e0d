"""Exports read back as analysts read them: pandas for CSV, geopandas (GDAL through pyogrio) for GeoJSON.

The same reading as docs/columns.md shows: dates parse as dates, coordinates
are floats, ids integers, and non-Latin names survive the round trip.
"""

from __future__ import annotations

import json

import pytest
from conftest import ROOT

pd = pytest.importorskip("pandas")
gpd = pytest.importorskip("geopandas")

ARABIC_REPORT = ROOT / "tests" / "data" / "reports" / "arabic-names.yaml"


@pytest.fixture
def exported(seeded_run, tmp_path):
    assert seeded_run("load", str(ARABIC_REPORT)).exit_code == 0
    csv_path, geojson_path = tmp_path / "events.csv", tmp_path / "events.geojson"
    csv_path.write_text(seeded_run("events", "--format", "csv").stdout, encoding="utf-8")
    geojson_path.write_text(seeded_run("events", "--format", "geojson").stdout, encoding="utf-8")
    return csv_path, geojson_path


def test_pandas_reads_the_csv_with_dates_numbers_and_names(exported):
    csv_path, _ = exported
    frame = pd.read_csv(csv_path, parse_dates=["date", "date_start", "date_end"], keep_default_na=False,
                        na_values={"latitude": [""], "longitude": [""], "fatalities_best": [""]})
    assert len(frame) == 12
    for column in ("date", "date_start", "date_end"):
        assert pd.api.types.is_datetime64_any_dtype(frame[column]), column
    assert pd.api.types.is_integer_dtype(frame["id"])
    assert pd.api.types.is_float_dtype(frame["latitude"]) and pd.api.types.is_float_dtype(frame["longitude"])
    arabic = frame[frame["dataset"] == "report"].loc[frame["place"] == "بنغازي"]
    assert len(arabic) == 1 and arabic.iloc[0]["actor1"] == "مجلس شورى ثوار بنغازي"
    assert str(arabic.iloc[0]["date"].date()) == "2015-07-01"
    per_month = frame.groupby(frame["date"].dt.strftime("%Y-%m")).size().to_dict()
    assert per_month == {"2015-06": 11, "2015-07": 1}


def test_geopandas_reads_the_geojson_with_points_dates_and_names(exported):
    _, geojson_path = exported
    frame = gpd.read_file(geojson_path)
    assert len(frame) == 12 and frame.crs.to_epsg() == 4326
    assert set(frame.geometry.geom_type) == {"Point"}
    assert frame.geometry.x.dtype.kind == "f"
    assert pd.api.types.is_datetime64_any_dtype(frame["date"])  # GDAL types ISO dates as Date in every file
    assert "بنغازي" in set(frame["place"])
    raw = json.loads(geojson_path.read_text(encoding="utf-8"))
    assert all(isinstance(f["properties"]["date"], str) and len(f["properties"]["date"]) == 10
               for f in raw["features"])
