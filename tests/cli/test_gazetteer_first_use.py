"""The gazetteer loads itself the first time a question needs it, once, for the country asked."""

from __future__ import annotations

import json

from conftest import SEED


def _status(run) -> dict:
    return {r["country"]: r["places"] for r in json.loads(run("gazetteer", "status", "--format", "json").stdout)}


def test_the_first_geocode_loads_the_country_asked_and_only_once(run):
    assert _status(run) == {}
    first = run("geocode", "Darnah", "--country", "LY")
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[0].startswith("Darnah: Darnah, Libya at 32.76704, 22.63669")
    loaded = _status(run)
    assert list(loaded) == ["LY"] and loaded["LY"] > 100
    again = run("geocode", "Benghazi", "--country", "LY")
    assert again.exit_code == 0 and _status(run) == loaded  # nothing loaded twice


def test_a_near_centre_the_store_does_not_know_comes_from_the_gazetteer(run):
    assert run("load", str(SEED)).exit_code == 0
    assert _status(run) == {}  # every seed place has its point: nothing needed the gazetteer
    near = run("events", "--near", "Benghazi", "--radius", "300", "--country", "LY", "--format", "json")
    assert near.exit_code == 0, near.output
    found = json.loads(near.stdout)
    assert len(found) == 11 and all(250 < e["distance_km"] < 270 for e in found)  # Derna from Benghazi
    assert list(_status(run)) == ["LY"]
