"""Control derived from territory-transfer events: ACLED exports and reports' captures and withdrawals."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, SEED, snapshot

ACLED_DIR = ROOT.parent / "shared" / "data" / "realworld" / "acled"
ACLED_JULY_2015 = ACLED_DIR / "ACLED-All-Africa-File_20150701-to-20150731_csv.csv"
UNCHANGED = "spans 0 inserted, 0 updated, 0 deleted"


def as_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def derived_spans(url: str) -> list[dict]:
    """Every derived span with its holder, place, event and sources, read from the database."""
    from tracker import Store
    from tracker.model.entities import ControlSpan

    store = Store(url)
    with store.session() as session:
        out = [{
            "place": s.location.name, "holder": s.actor.name, "status": s.status,
            "from": s.start_min.isoformat(), "until": s.end_min.isoformat() if s.end_min else "",
            "event": s.begun_by.external_id or s.begun_by.key if s.begun_by else None,
            "ended_by": s.ended_by.external_id or s.ended_by.key if s.ended_by else None,
            "sources": [src.key for src in s.sources], "certainty": s.certainty, "basis": s.basis,
        } for s in session.query(ControlSpan).filter(ControlSpan.origin == "derived").order_by(ControlSpan.id)]
    store.close()
    return out


# A small export in ACLED's current column layout (our own rows, not ACLED's).
FIXTURE_HEADER = ("event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,assoc_actor_1,"
                  "inter1,actor2,assoc_actor_2,inter2,interaction,country,admin1,admin2,admin3,location,latitude,"
                  "longitude,geo_precision,source,source_scale,notes,fatalities")
FIXTURE_ROWS = [
    'TST1,2016-01-10,2016,1,Battles,Government regains territory,Military Forces of Testland (2010-),,1,'
    'Red Hand Militia,,3,13,Libya,Misrata,,,Redtown,31.1,15.1,1,Fixture,Local,'
    '"Military forces retook Redtown from Red Hand militiamen.",2',
    'TST2,2016-02-03,2016,1,Battles,Non-state actor overtakes territory,Military Forces of Testland (2010-),,1,'
    'Red Hand Militia,,3,13,Libya,Misrata,,,Redtown,31.1,15.1,1,Fixture,Local,'
    '"Red Hand militiamen seized Redtown after clashes with the army.",4',
    'TST3,2016-02-10,2016,1,Battles,Non-state actor overtakes territory,Blue Banner Brigade,,2,'
    'Red Hand Militia,,3,23,Libya,Misrata,,,Bluetown,31.2,15.2,1,Fixture,Local,'
    '"Red Hand fighters took control of Bluetown after three days of fighting.",5',
    'TST4,2016-03-01,2016,1,Strategic developments,Non-violent transfer of territory,Blue Banner Brigade,,2,'
    ',,0,20,Libya,Misrata,,,Greentown,31.3,15.3,1,Fixture,Local,'
    '"Blue Banner Brigade entered Greentown without a fight.",0',
    'TST5,2016-03-05,2016,1,Battles,Armed clash,Military Forces of Testland (2010-),,1,'
    'Red Hand Militia,,3,13,Libya,Misrata,,,Redtown,31.1,15.1,1,Fixture,Local,'
    '"Clashes in Redtown; no change of territory.",1',
]


def write_fixture(tmp_path: Path, rows=FIXTURE_ROWS, name="fixture-acled.csv") -> Path:
    path = tmp_path / name
    path.write_text(FIXTURE_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_an_acled_export_with_transfers_yields_spans_citing_their_events(run, tmp_path):
    export = write_fixture(tmp_path)
    result = run("import", "acled", str(export))
    assert result.exit_code == 0, result.output
    spans = derived_spans(run.url)
    assert [(s["place"], s["holder"], s["from"], s["until"], s["event"], s["ended_by"]) for s in spans] == [
        ("Redtown", "Military Forces of Testland (2010-)", "2016-01-10", "2016-02-03", "TST1", "TST2"),
        ("Redtown", "Red Hand Militia", "2016-02-03", "", "TST2", None),
        ("Bluetown", "Red Hand Militia", "2016-02-10", "", "TST3", None),
        ("Greentown", "Blue Banner Brigade", "2016-03-01", "", "TST4", None),
    ]
    assert all(s["sources"] and s["sources"][0].startswith("acled:") for s in spans)
    # Government regains, with the state side named by the actor kinds: the event's own certainty.
    assert spans[0]["certainty"] == "reported" and spans[0]["basis"].startswith("codebook: a government regains")
    # Both sides non-state, actor 1 Blue Banner, the notes name Red Hand: the notes decide, less surely.
    assert spans[2]["certainty"] == "likely"
    assert "the notes name the other side as taking the ground" in spans[2]["basis"]

    rows = as_json(run("who-held", "Redtown", "--at", "2016-02-20", "--format", "json"))
    assert [(r["holder"], r["origin"], r["begun_by"]) for r in rows] == [("Red Hand Militia", "derived", "TST2")]

    check = run("check")
    assert check.exit_code == 0, check.output
    assert "0 error(s)" in check.stderr
    disagreements = [line for line in check.stdout.splitlines() if "order-vs-notes" in line]
    assert len(disagreements) == 2
    assert any("TST3" in line and "credits Red Hand Militia" in line for line in disagreements)


def test_rerunning_derivation_changes_nothing(run, tmp_path):
    assert run("import", "acled", str(write_fixture(tmp_path))).exit_code == 0
    before = snapshot(run.url)
    again = run("derive-control")
    assert again.exit_code == 0
    assert UNCHANGED in again.stderr
    assert run("import", "acled", str(write_fixture(tmp_path))).exit_code == 0  # the same export again
    assert snapshot(run.url) == before


def test_a_newer_export_moves_the_derived_spans_with_it(run, tmp_path):
    assert run("import", "acled", str(write_fixture(tmp_path))).exit_code == 0
    rows = list(FIXTURE_ROWS)
    rows[1] = rows[1].replace("2016-02-03", "2016-02-05")  # Red Hand took Redtown two days later
    newer = write_fixture(tmp_path, rows, "fixture-acled-newer.csv")
    # Neither file has timestamps or a date in its name: the newer one says when it was exported.
    assert run("import", "acled", str(newer), "--as-of-export", "2016-04-01").exit_code == 0
    redtown = [(s["holder"], s["from"], s["until"]) for s in derived_spans(run.url) if s["place"] == "Redtown"]
    assert redtown == [("Military Forces of Testland (2010-)", "2016-01-10", "2016-02-05"),
                       ("Red Hand Militia", "2016-02-05", "")]


@pytest.mark.skipif(not ACLED_JULY_2015.is_file(), reason="the ACLED files of ../shared are not here")
def test_the_real_july_2015_export_and_the_al_fatayah_row(run):
    result = run("import", "acled", str(ACLED_JULY_2015))
    assert result.exit_code == 0, result.output
    spans = derived_spans(run.url)
    assert len(spans) == 37  # from the file's transfers (raids included, their returns too)
    assert all(s["event"] and s["sources"] for s in spans)
    # 9502RTA: "Non-state actor overtakes territory", actor 1 Islamic State, but the notes
    # say the Derna Shura Council took the ground: the span credits the other side.
    fatayah = [s for s in spans if s["event"] == "9502RTA"]
    assert len(fatayah) == 1
    assert "Abu Salim" in fatayah[0]["holder"]
    assert fatayah[0]["certainty"] in ("likely", "alleged")
    assert "Shura fighters reportedly advanced and took control" in fatayah[0]["basis"]

    check = run("check", "--format", "json")
    assert check.exit_code == 0, check.output
    findings = json.loads(check.stdout)
    assert not [f for f in findings if f["level"] == "error"]
    assert any(f["code"] == "order-vs-notes" and f["event"] == "9502RTA" for f in findings)

    before = snapshot(run.url)
    assert UNCHANGED in run("derive-control").stderr
    assert snapshot(run.url) == before


HILLTOWN = textwrap.dedent("""\
    format: tracker-report/1
    report: {id: hilltown-report, title: Hilltown report, grading: B2}
    actors:
      - {id: a, name: Alpha Brigade, kind: rebel group}
      - {id: b, name: Beta Front, kind: rebel group}
    places:
      - {id: h, name: Hilltown, kind: town, country: LY}
    events:
      - id: capture
        date: "2016-01-10"
        type: Battles
        sub_type: Capture
        place: h
        actors: [{actor: a, role: actor1}, {actor: b, role: actor2}]
        description: Alpha Brigade captured Hilltown from the Beta Front.
      - id: withdrawal
        date: "2016-03-01"
        type: Strategic developments
        sub_type: Withdrawal
        place: h
        actors: [{actor: a, role: actor1}]
        description: Alpha Brigade withdrew from Hilltown.
    """)
BETA_CLAIM = textwrap.dedent("""\
    format: tracker-report/1
    report: {id: beta-claim, title: Beta says it never left, grading: E5}
    control:
      - {place: Hilltown, holder: Beta Front, status: held, from: "2016-01-01"}
    """)


def test_report_captures_and_withdrawals_derive_spans_and_never_overwrite_a_hand_entered_claim(run, tmp_path):
    (tmp_path / "hilltown.yaml").write_text(HILLTOWN, encoding="utf-8")
    (tmp_path / "beta.yaml").write_text(BETA_CLAIM, encoding="utf-8")
    assert run("load", str(tmp_path / "hilltown.yaml")).exit_code == 0
    spans = derived_spans(run.url)
    assert [(s["holder"], s["from"], s["until"], s["event"], s["ended_by"]) for s in spans] == [
        ("Alpha Brigade", "2016-01-10", "2016-03-01", "capture", "withdrawal")]
    assert spans[0]["sources"] == ["hilltown-report"]

    assert run("load", str(tmp_path / "beta.yaml")).exit_code == 0
    both = as_json(run("who-held", "Hilltown", "--at", "2016-02-01", "--format", "json"))
    assert {(r["holder"], r["origin"]) for r in both} == {("Alpha Brigade", "derived"), ("Beta Front", "reported")}
    assert {r["answer"] for r in both} == {"disputed"}
    assert run("derive-control").exit_code == 0
    assert derived_spans(run.url) == spans  # the hand-entered claim changed nothing derived, and vice versa
    reported = as_json(run("who-held", "Hilltown", "--at", "2016-05-01", "--format", "json"))
    assert [(r["holder"], r["from"], r["until"]) for r in reported] == [("Beta Front", "2016-01-01", "")]
    check = run("check")
    assert check.exit_code == 1
    assert re.search(r"^error: overlap: Hilltown: .*Alpha Brigade held \[2016-01-10, 2016-03-01\)", check.stdout, re.M)


def test_the_derna_report_needs_no_derived_copies_of_its_own_claims(run):
    assert run("load", str(SEED)).exit_code == 0
    assert derived_spans(run.url) == []  # both captures are already the beginning of reported claims
    check = run("check")
    assert check.exit_code == 0 and check.stdout == ""
    assert "0 error(s), 0 warning(s)" in check.stderr


def test_who_gains_reads_the_codebook_then_the_notes():
    from tracker.control.mentions import Participant
    from tracker.control.transfers import decide, transfer_kind

    assert transfer_kind("Battle-Non-state actor overtakes territory", None) == "nonstate"
    assert transfer_kind("Battles", "Government regains territory") == "government"
    assert transfer_kind("Strategic developments", "Non-violent transfer of territory") == "nonviolent"
    assert transfer_kind("Battle-No change of territory", None) is None
    assert transfer_kind("Battles", "Capture") == "capture"

    isis = Participant(1, "Islamic State (Cyrenaica Province)", "actor1", "rebel group")
    asmb = Participant(2, "Abu Salim Martyrs' Brigade", "actor2", "political militia")
    notes = ("The Derna Shura Council reportedly started a large-scale military campaign against Islamic State "
             "militants to take control of Korfat Al-Saba'h and Al-Fatayah. Shura fighters reportedly advanced and "
             "took control of Korfat Al-Saba'h and Al-Hila gate, south east of the city.")
    plain = decide("nonstate", [isis, asmb], notes, "reported", ["Al-Fatayah"])
    assert plain.gainer is asmb and plain.loser is isis and plain.notes_disagree
    assert plain.certainty == "alleged"  # the notes' group is no participant's known name
    asmb.relatives = ["Mujahedeen Shura Council of Derna", "Derna Shura Council"]
    known = decide("nonstate", [isis, asmb], notes, "reported", ["Al-Fatayah"])
    assert known.gainer is asmb and known.certainty == "likely"

    army = Participant(3, "Military Forces of Libya (2014-)", "actor1", "state forces")
    sharia = Participant(4, "Ansar al-Sharia", "actor2", "political militia")
    seized = decide("nonstate", [army, sharia], "Ansar al-Sharia reportedly seized positions in Leithi district.")
    assert seized.gainer is sharia and seized.certainty == "reported" and seized.notes_disagree
    regained = decide("government", [sharia, army], "Clashes continued.")
    assert regained.gainer is army and not regained.notes_disagree
    withdrew = decide("withdrawal", [army], "The army withdrew.")
    assert withdrew.gainer is None and withdrew.loser is army


def test_one_pass_and_one_place_at_a_time_derive_what_all_at_once_derives(run, tmp_path, monkeypatch, new_db):
    from conftest import Run
    from sqlalchemy import select

    from tracker import Store
    from tracker.control import derivation
    from tracker.model.entities import Location

    export = write_fixture(tmp_path)
    assert run("import", "acled", str(export)).exit_code == 0  # three places: listed
    monkeypatch.setattr(derivation, "WHOLE_PASS_PLACES", 0)  # any number of places: one pass
    monkeypatch.setattr(derivation, "GROUP_EVENTS", 1)  # and each place's events read on their own
    other = Run(new_db())
    assert other("import", "acled", str(export)).exit_code == 0
    assert derived_spans(other.url) == derived_spans(run.url) and len(derived_spans(run.url)) == 4
    store = Store(other.url)
    try:
        with store.session() as session:
            redtown = session.scalars(select(Location.id).where(Location.name == "Redtown")).all()
            found = derivation.load_transfer_events(session, location_ids=redtown)
    finally:
        store.close()
    assert [e.external_id for e in found] == ["TST1", "TST2"]  # only the places asked for


def test_the_object_of_one_verb_is_not_the_subject_of_the_next():
    from tracker.control.mentions import Participant
    from tracker.control.transfers import decide

    msc = Participant(1, "Mujahedeen Shura Council of Derna", "actor1", "political militia", ["MSC Derna"],
                      ["Abu Salim Martyrs Brigade", "ASMB"])
    isis = Participant(2, "Islamic State (Libya)", "actor2", "rebel group", ["ISIS Libya"],
                       ["Islamic State", "ISIS", "ISIL", "IS"])  # its parent's names, through affiliate_of
    notes = "Anti-ISIS forces cleared ISIS from central Derna and captured ISIS’s headquarters on June 13"
    found = decide("nonstate", [msc, isis], notes, "reported", ["central Derna"])
    # "cleared ISIS ... and captured": ISIS is what was cleared, not who captured; no side is named as taking it
    assert found.gainer is msc and found.loser is isis and not found.notes_disagree
