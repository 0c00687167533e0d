"""Control that follows the evidence (docs/control.md): re-derived when events change, raids and
retakes read from the notes, claims that age, hedged map labels, answers that say why.

Our own rows in ACLED's current layout (not ACLED's data), on SQLite and
PostgreSQL; the real exports and maps of ../shared are read when present.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import ROOT, SEED

from tracker import Store

SHARED = ROOT.parent / "shared" / "data" / "realworld"
ACLED = SHARED / "acled"
MAPS = SHARED / "territorial_control" / "deepstatemap_raw_snapshots"
MAPPING = ROOT / "seeds" / "control-maps" / "deepstatemap.yaml"
needs_acled = pytest.mark.skipif(not ACLED.is_dir(), reason="../shared/data/realworld/acled is absent")
needs_maps = pytest.mark.skipif(not MAPS.is_dir(), reason="../shared/data/realworld/territorial_control is absent")

HEADER = ["event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "inter1",
          "actor2", "inter2", "country", "admin1", "location", "latitude", "longitude", "geo_precision", "source",
          "notes", "fatalities"]
ARMY, HAND = "Military Forces of Testland (2010-)", "Red Hand Militia"


def row(ident, day, sub, actor1, inter1, actor2, inter2, place, lat, lon, notes):
    etype = "Strategic developments" if sub == "Non-violent transfer of territory" else "Battles"
    return [ident, day, "1", etype, sub, actor1, inter1, actor2, inter2, "Libya", "Misrata", place, str(lat),
            str(lon), "1", "Fixture", notes, "0"]


def export(folder: Path, name: str, rows: list) -> Path:
    path = folder / name
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


BASE = [
    row("TST1", "2016-01-10", "Government regains territory", ARMY, "1", HAND, "3", "Redtown", 31.1, 15.1,
        "Military forces retook Redtown from Red Hand militiamen."),
    row("TST2", "2016-02-03", "Non-state actor overtakes territory", ARMY, "1", HAND, "3", "Redtown", 31.1, 15.1,
        "Red Hand militiamen seized Redtown after clashes with the army."),
    row("TST3", "2016-02-10", "Non-state actor overtakes territory", HAND, "3", ARMY, "1", "Bluetown", 31.2, 15.2,
        "Red Hand fighters took control of Bluetown after three days of fighting."),
]


def holder(store: Store, place: str, at: str) -> str:
    return store.who_held(place, at).headline


def derived_state(store: Store) -> list:
    """The derived spans as a user sees them (changes over all time), to compare with a derivation from scratch."""
    return store.changes("1990", "2040").all()


def rederived_from_scratch(store: Store) -> list:
    store.derive_control()
    return derived_state(store)


# -- 1. derivation follows every change of its evidence --------------------------------------------
def test_a_recoded_moved_or_deleted_transfer_leaves_no_holder_behind(store, tmp_path):
    store.import_dataset("acled", str(export(tmp_path, "base_2016-03-01.csv", BASE)))
    assert holder(store, "Redtown", "2016-02-20") == f"Redtown at 2016-02-20: held: {HAND}"
    assert holder(store, "Bluetown", "2016-02-20") == f"Bluetown at 2016-02-20: held: {HAND}"

    # A newer export re-codes TST2 as an armed clash and moves TST3 to Greentown.
    recoded = [BASE[0], row("TST2", "2016-02-03", "Armed clash", ARMY, "1", HAND, "3", "Redtown", 31.1, 15.1,
                            "Clashes in Redtown between the army and Red Hand militiamen."),
               row("TST3", "2016-02-10", "Non-state actor overtakes territory", HAND, "3", ARMY, "1", "Greentown",
                   31.3, 15.3, "Red Hand fighters took control of Greentown after three days of fighting.")]
    result = store.import_dataset("acled", str(export(tmp_path, "newer_2016-04-01.csv", recoded)))
    assert result.updated == 2
    assert holder(store, "Redtown", "2016-02-20") == f"Redtown at 2016-02-20: held: {ARMY}"
    assert holder(store, "Bluetown", "2016-02-20") == "Bluetown at 2016-02-20: no control recorded"
    assert holder(store, "Greentown", "2016-02-20") == f"Greentown at 2016-02-20: held: {HAND}"
    after_import = derived_state(store)
    assert after_import == rederived_from_scratch(store)

    # ACLED deletes TST3: Greentown has no holder left.
    deletions = tmp_path / "deleted.csv"
    deletions.write_text("event_id_cnty,deleted_timestamp\nTST3,2016-05-01\n", encoding="utf-8")
    assert store.import_deletions(str(deletions)).deleted == 1
    assert holder(store, "Greentown", "2016-02-20") == "Greentown at 2016-02-20: no control recorded"
    assert derived_state(store) == rederived_from_scratch(store)


def test_a_merge_derives_the_chain_again(store, tmp_path):
    rows = [BASE[0], row("TST9", "2016-02-20", "Government regains territory", "Testland Army", "1", HAND, "3",
                         "Redtown", 31.1, 15.1, "The Testland Army retook Redtown.")]
    store.import_dataset("acled", str(export(tmp_path, "two-names_2016-03-01.csv", rows)))
    assert len(store.changes("2016-02-15", "2016-02-25").all()) == 1  # the "Testland Army" took it from the army
    store.merge_actors(ARMY, "Testland Army")  # one actor under two names
    assert store.changes("2016-02-15", "2016-02-25").all() == []  # the army held on: nothing changed hands
    assert derived_state(store) == rederived_from_scratch(store)


# -- 2. reading the notes -----------------------------------------------------------------------------------
def test_a_raid_ends_the_same_day_and_the_holder_before_it_holds_on(store, tmp_path):
    rows = [BASE[0], row("TST4", "2016-02-03", "Non-state actor overtakes territory", ARMY, "1", HAND, "3",
                         "Redtown", 31.1, 15.1, "Red Hand militiamen briefly took over Redtown before retreating.")]
    store.import_dataset("acled", str(export(tmp_path, "raid_2016-03-01.csv", rows)))
    day = store.who_held("Redtown", "2016-02-03")
    assert day.answer == "contested"  # the ground changed hands that day
    assert holder(store, "Redtown", "2016-02-04") == f"Redtown at 2016-02-04: held: {ARMY}"
    raid = [r for r in day.records if r["holder"] == HAND][0]
    assert (raid["from"], raid["until"]) == ("2016-02-03", "2016-02-04")
    assert "the notes say the gain did not last (\u201cbriefly took over\u201d, \u201cbefore retreating\u201d)" in raid["derivation"]
    warning = [f for f in store.check() if f["code"] == "note-vs-coding"]
    assert [f["event"] for f in warning] == ["TST4"]
    assert warning[0]["message"] == (
        "event TST4 (2016-02-03) is coded Non-state actor overtakes territory, but the notes say Red Hand Militia's "
        "gain did not last (\u201cbriefly took over\u201d, \u201cbefore retreating\u201d); the derived span ends the same day")


def test_of_two_same_day_transfers_the_retake_wins_whatever_the_file_order(store, tmp_path):
    amisom = "AMISOM: African Union Mission in Somalia (2007-)"
    retake = row("TST5", "2016-04-04", "Non-violent transfer of territory", HAND, "3", amisom, "8", "Janaaltown",
                 31.4, 15.4, "Red Hand regains control of Janaaltown following the retreat of AMISOM forces who had "
                             "earlier in the day themselves gained control of the town.")
    entry = row("TST6", "2016-04-04", "Non-violent transfer of territory", amisom, "8", HAND, "3", "Janaaltown",
                31.4, 15.4, "AMISOM forces entered Janaaltown in the morning. Red Hand fighters withdrew prior to their "
                            "arrival. AMISOM's presence was short lived: the force retreated later the same evening "
                            "prompting Red Hand to retake control of the town.")
    store.import_dataset("acled", str(export(tmp_path, "same-day_2016-05-01.csv", [retake, entry])))
    assert holder(store, "Janaaltown", "2016-04-05") == f"Janaaltown at 2016-04-05: held: {HAND}"
    claims = store.who_held("Janaaltown", "2016-04-05").all()
    assert claims[0]["derivation"].startswith("the notes of TST6 say Red Hand Militia took the ground back after it")


def test_a_hold_that_ended_the_next_day_and_who_came_back(store, tmp_path):
    police = "Police Forces of Testland (2005-)"
    rows = [row("TST7", "2016-04-25", "Non-state actor overtakes territory", HAND, "3", police, "1", "Postville",
                31.5, 15.5, "Red Hand gunmen attacked and temporarily occupied a police post in Postville. Police "
                            "forces drove Red Hand gunmen out in an operation launched the following day.")]
    store.import_dataset("acled", str(export(tmp_path, "next-day_2016-05-01.csv", rows)))
    spans = store.who_held("Postville", "2016-04-26").records
    assert sorted((r["holder"], r["from"], r["from_latest"], r["until"], r["until_latest"]) for r in spans) == [
        (police, "2016-04-25", "2016-04-27", "", ""), (HAND, "2016-04-25", "2016-04-25", "2016-04-26", "2016-04-27")]
    assert holder(store, "Postville", "2016-04-27") == f"Postville at 2016-04-27: held: {police}"


# -- 3. claims age -------------------------------------------------------------------------------------------
def test_a_derived_claim_goes_stale_past_its_horizon(run, tmp_path):
    assert run("import", "acled", str(export(tmp_path, "base_2016-03-01.csv", BASE))).exit_code == 0
    fresh = run("who-held", "Bluetown", "--at", "2016-04-01")
    assert fresh.stdout.splitlines()[0] == f"Bluetown at 2016-04-01: held: {HAND}"
    late = run("who-held", "Bluetown", "--at", "2016-08-01")
    assert late.stdout.splitlines()[0] == (
        f"Bluetown at 2016-08-01: stale: no evidence within the horizon ({HAND}: last evidence 2016-02-10, "
        "173 days before; horizon 90 days)")
    record = json.loads(run("who-held", "Bluetown", "--at", "2016-08-01", "--format", "json").stdout)[0]
    assert (record["answer"], record["status"], record["span_status"]) == ("stale", "stale", "held")
    assert (record["evidence"], record["evidence_age_days"], record["horizon_days"]) == ("2016-02-10", 173, 90)
    assert record["freshness"] == "last evidence 2016-02-10, 173 days before"
    assert record["certainty"] == "reported" and record["origin"] == "derived"
    assert record["sources"] == ["ACLED (Armed Conflict Location & Event Data): ACLED export base_2016-03-01.csv"]
    wider = run("who-held", "Bluetown", "--at", "2016-08-01", "--horizon", "200")
    assert wider.stdout.splitlines()[0] == f"Bluetown at 2016-08-01: held: {HAND}"
    # A closed span does not age: Redtown's army span ends with a later transfer.
    assert run("who-held", "Redtown", "--at", "2016-01-30", "--horizon", "5").stdout.splitlines()[0] == \
        f"Redtown at 2016-01-30: held: {ARMY}"


def test_later_events_of_the_holder_at_the_place_are_fresh_evidence(store, tmp_path):
    clash = row("TST8", "2016-06-20", "Armed clash", HAND, "3", ARMY, "1", "Bluetown", 31.2, 15.2,
                "Red Hand fighters repelled an army attack on Bluetown.")
    store.import_dataset("acled", str(export(tmp_path, "more_2016-07-01.csv", [*BASE, clash])))
    answer = store.who_held("Bluetown", "2016-08-01")
    assert answer.answer == "held" and answer.all()[0]["evidence"] == "2016-06-20"


def test_a_report_claim_holds_until_its_date_plus_the_horizon(run):
    assert run("load", str(SEED)).exit_code == 0  # published "2015-06": as of 2015-06-30
    assert run("who-held", "Derna", "--at", "2015-09-20").stdout.splitlines()[0] == \
        "Derna at 2015-09-20: held: Mujahedeen Shura Council of Derna"
    assert run("who-held", "Derna", "--at", "2015-10-01").stdout.splitlines()[0] == (
        "Derna at 2015-10-01: stale: no evidence within the horizon (Mujahedeen Shura Council of Derna: last "
        "evidence 2015-06-30, 93 days before; horizon 90 days)")
    held_by = json.loads(run("held-by", "MSC Derna", "--at", "2016-01-01", "--format", "json").stdout)
    assert {r["status"] for r in held_by} == {"stale"}


# -- the real data ----------------------------------------------------------------------------------------------
def _changes(run) -> list:
    return json.loads(run("changes", "--from", "1997", "--to", "2030", "--format", "json").stdout)


@needs_acled
def test_after_the_real_files_the_spans_are_those_of_a_derivation_from_scratch(run, tmp_path):
    files = sorted(ACLED.glob("*.csv"))
    for path in files:
        assert run("import", "acled", str(path), "--keep-going", "--rejects", str(tmp_path / "r.csv")).exit_code == 0
    imported = _changes(run)
    assert len(imported) > 400
    assert run("derive-control").exit_code == 0
    assert _changes(run) == imported
    for path in (files[1], files[4]):  # February 2015, January-May 2016 again
        assert run("import", "acled", str(path)).exit_code == 0
        assert _changes(run) == imported


@needs_acled
def test_the_real_raid_and_retake_notes(store):
    store.import_dataset("acled", str(ACLED / "ACLED-All-Africa-File_20160101-to-20160528_csv.csv"))
    # 4523RTA (04/04/2016): AMISOM entered Janaale; "AMISOM's presence was short lived: the force retreated later
    # the same evening prompting al Shabaab to retake control of the town."
    place = _place_of(store, "4523RTA")
    assert holder(store, place, "2016-04-04") == ("Janaale at 2016-04-04: uncertain: AMISOM: African Union Mission "
                                                 "in Somalia (2007-) or Al Shabaab")
    assert holder(store, place, "2016-04-05") == "Janaale at 2016-04-05: held: Al Shabaab"
    # 3649RTA: "The joint forces took over the village for two hours before they retreated": ends the same day.
    kurman = store.who_held(_place_of(store, "3649RTA"), "2016-03-15").records
    assert [(r["from"], r["until"]) for r in kurman] == [("2016-03-15", "2016-03-16")]
    assert holder(store, _place_of(store, "3649RTA"), "2016-03-16") == "Kurman at 2016-03-16: no control recorded"
    # 3646RTA: "al Shabaab left the village the following morning": ends the next day.
    garcad = store.who_held(_place_of(store, "3646RTA"), "2016-03-14").records
    assert [(r["holder"], r["until"], r["until_latest"], r["until_precision"]) for r in garcad] == [
        ("Al Shabaab", "2016-03-15", "2016-03-16", "range")]
    raids = {f["event"] for f in store.check() if f["code"] == "note-vs-coding"}
    assert {"4523RTA", "3649RTA", "3646RTA", "4882RTA", "5530RTA", "6463RTA"} <= raids


def _place_of(store: Store, external_id: str) -> str:
    found = [e for e in store.events() if e["external_id"] == external_id]
    assert len(found) == 1
    return f"#{_location_id(store, found[0]['id'])}"


def _location_id(store: Store, event_id: int) -> int:
    from tracker.model.entities import Event

    with store.session() as session:
        return session.get(Event, event_id).location_id


@needs_acled
def test_derna_in_2017_is_stale_with_the_seed_report_and_the_acled_files(run, tmp_path):
    assert run("load", str(SEED)).exit_code == 0
    for path in sorted(ACLED.glob("ACLED-All-Africa-File_201*.csv")):
        assert run("import", "acled", str(path), "--keep-going", "--rejects", str(tmp_path / "r.csv")).exit_code == 0
    answer = run("who-held", "Derna", "--at", "2017-01-01")
    first = answer.stdout.splitlines()[0]
    assert first.startswith("Derna at 2017-01-01: stale: no evidence within the horizon (")
    assert "Mujahedeen Shura Council of Derna: last evidence 2015-06-30, 551 days before; horizon 90 days" in first
    records = json.loads(run("who-held", "Derna", "--at", "2017-01-01", "--format", "json").stdout)
    assert {r["status"] for r in records} == {"stale"} and all(r["evidence"] for r in records)


@needs_maps
def test_after_the_last_deepstatemap_snapshot_the_answer_says_as_of_the_last_map(run):
    snapshots = sorted(MAPS.glob("*.geojson"))
    assert run("import", "control", "--make-valid", "--mapping", str(MAPPING), *map(str, snapshots)).exit_code == 0
    point = "47.9118,38.6746"  # inside the occupied east on every map
    inside = run("who-held", point, "--at", "2025-07-15")
    assert inside.stdout.splitlines()[0] == f"{point} at 2025-07-15: held: Russian forces (from map areas containing it)"
    soon = run("who-held", point, "--at", "2025-08-10")
    assert soon.stdout.splitlines()[0] == (f"{point} at 2025-08-10: held: Russian forces (from map areas containing "
                                           "it) (as of the last map 2025-08-01)")
    late = run("who-held", point, "--at", "2026-03-01")
    assert late.stdout.splitlines()[0] == (
        f"{point} at 2026-03-01: stale: no evidence within the horizon (Russian forces: as of the last map "
        "2025-08-01, 212 days before; horizon 30 days)")


@needs_maps
def test_a_hedged_deepstatemap_label_is_a_less_certain_claim(run):
    first = MAPS / "1648989208.geojson"  # 2022-04-03
    assert run("import", "control", "--make-valid", "--mapping", str(MAPPING), str(first)).exit_code == 0
    point = "47.08402,32.79531"  # inside "Начебто звільнено 26.03. Читайте опис. Треба уточнення"
    claim = json.loads(run("who-held", point, "--at", "2022-04-03", "--format", "json").stdout)[0]
    assert (claim["holder"], claim["certainty"], claim["from"]) == ("Armed Forces of Ukraine", "rumoured", "2022-03-26")
    assert claim["derivation"] == (
        "map series deepstatemap: shown on 2022-04-03 as 'Начебто звільнено 26.03. Читайте опис. Треба уточнення'; "
        "the label dates it 2022-03-26 (a hedged date); the label hedges (\u201cНачебто, Треба уточнення\u201d): rumoured")


@needs_acled
def test_yem69918_recoded_from_a_takeover_to_an_armed_clash(run, tmp_path):
    """The real row, then the same export with the row re-coded (and a newer timestamp), as ACLED re-codes."""
    original = ACLED / "acledR_acled_old_deletion_dummy_2022H1.csv"
    assert run("import", "acled", str(original)).exit_code == 0
    store = Store(run.url)
    usaylan = _place_of(store, "YEM69918")  # the town (the name is also its district's)
    store.close()
    takeover = run("who-held", usaylan, "--at", "2022-01-02")
    assert takeover.stdout.splitlines()[0] == "Usaylan at 2022-01-02: held: Giants Brigade"
    with open(original, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for r in rows[1:]:
        if r[0] == "YEM69918":
            r[header.index("sub_event_type")] = "Armed clash"
            r[header.index("timestamp")] = str(int(r[header.index("timestamp")]) + 86400)
    recoded = tmp_path / "acled-2022H1-recoded.csv"
    with open(recoded, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    result = json.loads(run("import", "acled", str(recoded), "--format", "json").stdout)
    assert result["updated"] == 1
    assert run("who-held", usaylan, "--at", "2022-01-02").stdout.splitlines()[0] == \
        "Usaylan at 2022-01-02: no control recorded"
