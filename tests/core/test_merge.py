"""`tracker actor merge` and `tracker place merge`: duplicates unified, nothing lost."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, SEED, snapshot

OWN = ROOT / "tests" / "data" / "acled_own" / "acled_own_2015.csv"


def places_named(store, name: str) -> list[dict]:
    from tracker.names.resolve import location_ids_named

    with store.session() as session:
        ids = sorted(location_ids_named(session, [name]))
    return [store.place(f"#{i}").one() for i in ids]


def _load_both(run) -> None:
    assert run("load", str(SEED)).exit_code == 0
    assert run("import", "acled", str(OWN)).exit_code == 0


def test_actor_merge_moves_every_reference_and_keeps_every_alias(run):
    _load_both(run)
    # ACLED's "Shura Council of Darnah Mujahidin" is already MSC Derna (a report alias); its
    # "Darnah Residents" is not yet the report's "Derna residents".
    msc = json.loads(run("actor", "Shura Council of Darnah Mujahidin", "--format", "json").stdout)[0]
    assert msc["name"] == "Mujahedeen Shura Council of Derna"
    residents = json.loads(run("actor", "Derna residents", "--format", "json").stdout)[0]
    acled = json.loads(run("actor", "Darnah Residents", "--format", "json").stdout)[0]
    assert residents["id"] != acled["id"] and acled["events"] == 1
    result = run("actor", "merge", "Derna residents", "Darnah Residents")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        f"merged actor 'Darnah Residents' (#{acled['id']}) into 'Derna residents' (#{residents['id']}): moved ")
    merged = json.loads(run("actor", "Darnah Residents", "--format", "json").stdout)[0]
    assert merged["id"] == residents["id"] and merged["kind"] == "protesters"
    assert merged["events"] == residents["events"] + acled["events"]
    assert "Darnah Residents" in merged["aliases"] and "Residents of Derna" in merged["aliases"]
    assert any("ACLED export" in s for s in merged["sources"])
    assert any("Business Insider" in s for s in merged["sources"])
    assert "supported_by Abu Salim Martyrs Brigade" in " ".join(merged["relations"])
    assert run("actor", f"#{acled['id']}").exit_code == 1  # gone
    events = json.loads(run("events", "--actor", "Derna residents", "--format", "json").stdout)
    assert "TST2" in {e["external_id"] for e in events}


def test_actor_merge_drops_what_would_be_duplicated(store):
    """An event naming both actors in one role keeps one participant; a relation between them goes."""
    store.load([str(SEED)])
    store.import_dataset("acled", str(OWN))
    before = store.actor("Abu Salim Martyrs Brigade").one()["events"]
    result = store.merge_actors("Mujahedeen Shura Council of Derna", "Abu Salim Martyrs Brigade")
    assert result.record()["dropped_self_relations"] == 2  # member_of and controlled_by between the two
    merged = store.actor("MSC Derna").one()
    assert "Abu Salim Martyrs Brigade" in merged["aliases"] and "ASMB" in merged["aliases"]
    assert merged["events"] <= before + store.actor("MSC Derna").one()["events"]
    for record in store.events(actor="MSC Derna"):
        for role in ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2"):
            assert len(record[role]) == len(set(record[role]))


def test_place_merge_moves_events_children_and_links(run):
    _load_both(run)
    # Al Fatayah is a location ACLED gives under Darnah; suppose an analyst learns it is Derna's hills.
    derna = json.loads(run("place", "Derna", "--format", "json").stdout)[0]
    fatayah = json.loads(run("place", "Al Fatayah", "--format", "json").stdout)[0]
    result = run("place", "merge", "Derna", "Al Fatayah")
    assert result.exit_code == 0, result.output
    assert f"into 'Derna' (#{derna['id']})" in result.stderr
    merged = json.loads(run("place", "Al Fatayah", "--format", "json").stdout)[0]
    assert merged["id"] == derna["id"]
    assert merged["events"] == derna["events"] + fatayah["events"]
    assert "Al Fatayah" in merged["aliases"] and "Darnah" in merged["aliases"]
    assert (merged["latitude"], merged["longitude"]) == (derna["latitude"], derna["longitude"])  # kept its own


def test_place_merge_takes_children_and_refuses_a_cycle(store):
    store.load([str(SEED)])
    store.import_dataset("acled", str(OWN))
    from tracker.errors import TrackerError

    with pytest.raises(TrackerError, match="lies inside it"):  # Libya into central Derna: a cycle
        store.merge_places("central Derna", "Libya")
    # ACLED's admin2 Benghazi (in admin1 Benghazi) holds the location Benghazi; fold the admin2 into the admin1
    admin1 = [p for p in places_named(store, "Benghazi") if p["kind"] == "admin1"][0]
    admin2 = [p for p in places_named(store, "Benghazi") if p["kind"] == "admin2"][0]
    store.merge_places(f"#{admin1['id']}", f"#{admin2['id']}")
    city = [p for p in places_named(store, "Benghazi") if p["kind"] == "other"][0]
    assert city["within"] == "Libya > Benghazi"
    assert len(store.events(place=f"#{admin1['id']}").all()) == 2


def test_merging_a_record_with_itself_is_refused(run):
    _load_both(run)
    before = snapshot(run.url)
    result = run("actor", "merge", "MSC Derna", "Mujahedeen Shura Council of Derna")
    assert result.exit_code == 1
    assert "are the same actor" in result.stderr
    result = run("place", "merge", "Derna", "Darna")
    assert result.exit_code == 1 and "are the same place" in result.stderr
    assert run("actor", "merge", "MSC Derna", "Nobody At All").stderr.strip() == "Error: no actor named 'Nobody At All'"
    assert snapshot(run.url) == before
