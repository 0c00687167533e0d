"""`tracker draft` end to end: the seed report drafted, loaded into an empty store, asked, reviewed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED_TEXT = ROOT.parent / "shared" / "seed-report" / "isil-loses-turf-war-in-libya.txt"
SIRTE = ROOT / "bench" / "drafting" / "sirte-2016.txt"

pytestmark = pytest.mark.skipif(not SEED_TEXT.exists(), reason="the seed report is not in ../shared")


def test_the_seed_report_drafted_and_loaded_answers_as_an_unreviewed_draft(run, tmp_path):
    draft = tmp_path / "derna-draft.yaml"
    result = run("draft", str(SEED_TEXT), "--published", "2015-06-19", "-o", str(draft))
    assert result.exit_code == 0
    assert "(actors 7; places 4; relations 7; events 11; control 8; assessments 2)" in result.stderr
    assert run("load", str(draft)).exit_code == 0
    said = {at: run("who-held", "Derna", "--at", at) for at in ("2015-06-05", "2015-06-11", "2015-06-14")}
    assert said["2015-06-05"].stdout.splitlines()[0] == "Derna at 2015-06-05: held: ISIS (Libya) (unreviewed draft)"
    assert said["2015-06-11"].stdout.splitlines()[0] == (
        "Derna at 2015-06-11: contested: Mujahedeen Shura Council of Derna vs ISIS (Libya) (unreviewed draft)")
    assert said["2015-06-14"].stdout.splitlines()[0] == (
        "Derna at 2015-06-14: held: Mujahedeen Shura Council of Derna (unreviewed draft)")
    assert "ISIS now holds no territory inside the city." in said["2015-06-14"].stdout
    assert "note: unreviewed draft" in said["2015-06-14"].stderr

    events = json.loads(run("events", "--place", "Derna", "--format", "json").stdout)
    assert len(events) == 11 and {e["review"] for e in events} == {"unreviewed draft"}
    kinds = {(e["date"], e["sub_type"], e["certainty"]) for e in events}
    assert ("2015-06-09", "Armed clash", "alleged") in kinds  # the assassination, alleged
    assert {("2015-06-11", "Peaceful protest", "reported"), ("2015-06-12", "Peaceful protest", "reported")} <= kinds
    assert [e["place"] for e in events if e["date"] == "2015-06-13" and e["sub_type"].startswith("Non-state")] == [
        "central Derna", "ISIS headquarters, Derna"]

    # reviewed and loaded again: the same records, no longer drafts
    assert run("review", str(draft)).stdout.startswith(f"{draft}: 39 record(s) marked reviewed, 0 still pending")
    assert "updated" in run("load", str(draft)).stderr
    again = run("who-held", "Derna", "--at", "2015-06-14")
    assert again.stdout.splitlines()[0] == "Derna at 2015-06-14: held: Mujahedeen Shura Council of Derna"
    assert "unreviewed" not in again.stdout + again.stderr
    assert run("load", str(draft)).stderr.endswith(" unchanged (no records changed)\n")


def test_check_prints_what_was_found_and_writes_nothing(run, tmp_path):
    result = run("draft", str(SIRTE), "--published", "2016-12-08", "--check", "--format", "json")
    rows = json.loads(result.stdout)
    control = [r for r in rows if r["record"].startswith("control:")]
    assert any(r["value"] == "government-of-national-accord held sirte [2016-12-06, …)" for r in control)
    assert all(r["evidence"] and 0 < r["confidence"] <= 1 for r in rows)
    assert not list(tmp_path.glob("*.yaml")) and not list(SIRTE.parent.glob("*draft*"))


def test_a_bad_publication_date_is_one_line_and_exit_1(run):
    result = run("draft", str(SIRTE), "--published", "2016-13-45")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1


def test_a_draft_into_a_store_that_knows_the_names_uses_its_actors_and_places(seeded_run, tmp_path):
    draft = tmp_path / "again.yaml"
    result = seeded_run("draft", str(SEED_TEXT), "--published", "2015-06-19", "-o", str(draft))
    # the store's actors and places are referred to by name: no new actor, no new place
    assert "(relations 7; events 11; control 8; assessments 2)" in result.stderr
    loaded = seeded_run("load", str(draft))
    assert "actors" not in loaded.stderr and "places" not in loaded.stderr
    said = seeded_run("who-held", "Derna", "--at", "2015-06-14").stdout.splitlines()[0]
    assert said == "Derna at 2015-06-14: held: Mujahedeen Shura Council of Derna (partly from an unreviewed draft)"


def test_an_html_page_is_drafted_from_its_text(run, tmp_path):
    page = tmp_path / "sirte.html"
    paragraphs = SIRTE.read_text("utf-8").split("\n\n")
    page.write_text("<!doctype html><html><head><title>t</title><script>var x = 'Clashes';</script></head><body>"
                    + "".join(f"<p>{p.strip()}</p>" for p in paragraphs) + "</body></html>", "utf-8")
    out = tmp_path / "sirte.yaml"
    assert run("draft", str(page), "--published", "2016-12-08", "-o", str(out)).exit_code == 0
    assert run("load", str(out)).exit_code == 0
    said = run("who-held", "Sirte", "--at", "2016-12-07").stdout.splitlines()[0]
    assert said == "Sirte at 2016-12-07: held: Government of National Accord (unreviewed draft)"
    assert run("who-held", "Sirte", "--at", "2016-07-01").stdout.splitlines()[0] == (
        "Sirte at 2016-07-01: contested: Government of National Accord vs Islamic State (unreviewed draft)")


def test_a_draft_that_cannot_be_written_is_one_line_and_exit_1(run, tmp_path):
    result = run("draft", str(SIRTE), "-o", str(tmp_path / "missing" / "x.yaml"))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'missing' / 'x.yaml'}: cannot write: no directory " \
                            f"'{tmp_path / 'missing'}'\n"


def test_an_existing_draft_is_replaced_only_with_force_and_json_is_written_as_json(run, tmp_path):
    out = tmp_path / "sirte.yaml"
    assert run("draft", str(SIRTE), "--published", "2016-12-08", "-o", str(out)).exit_code == 0
    out.write_text(out.read_text("utf-8") + "# my correction\n", "utf-8")
    again = run("draft", str(SIRTE), "--published", "2016-12-08", "-o", str(out))
    assert again.exit_code == 1 and again.stderr == f"Error: {out}: exists (it may hold your edits); use --force " \
                                                    "to replace it\n"
    assert out.read_text("utf-8").endswith("# my correction\n")
    assert run("draft", str(SIRTE), "--published", "2016-12-08", "-o", str(out), "--force").exit_code == 0
    as_json = tmp_path / "sirte.json"
    assert run("draft", str(SIRTE), "--published", "2016-12-08", "-o", str(as_json)).exit_code == 0
    assert json.loads(as_json.read_text("utf-8"))["format"] == "tracker-report/1.1"
    assert run("load", str(as_json)).exit_code == 0
    empty = tmp_path / "empty.txt"
    empty.write_text("", "utf-8")
    nothing = run("draft", str(empty))
    assert nothing.exit_code == 1 and nothing.stderr.startswith(f"Error: {empty}: nothing to draft")
    usage = run("draft", str(SIRTE), "--format", "json")
    assert usage.exit_code == 2 and "--format is for --check's table" in usage.stderr
