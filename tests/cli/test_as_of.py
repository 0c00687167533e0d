"""The store as it stood at a moment (--as-of, tracker.query.asof), on SQLite and PostgreSQL.

The oracle is a second store that only ever had the earlier imports: every
question asked of the full store --as-of a moment between the two rounds of
imports must answer exactly what the smaller store answers now.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tests" / "core"))
from test_import_acled import OWN, own_rows, write_csv  # noqa: E402

from tracker import Store  # noqa: E402

SEED = ROOT / "seeds" / "derna-2015.yaml"
KHARKIV = ROOT / "seeds" / "ukraine-kharkiv-2022.yaml"


def _revised(folder: Path) -> Path:
    """OWN as a later export revised it: TST4's toll, TST5's notes (no car bomb any more), a row it adds."""
    header, rows = own_rows()
    col = header.index
    rows[3][col("fatalities")] = "70"
    rows[3][col("timestamp")] = "1500000000"
    rows[4][col("notes")] = "Invented test row: an IED at a checkpoint on the road south."
    rows[4][col("timestamp")] = "1500000000"
    extra = list(rows[10])
    extra[col("event_id_cnty")], extra[col("event_date")], extra[col("timestamp")] = "TST13", "2015-07-02", "1500000000"
    return write_csv(folder / "acled-revised.csv", header, [*rows, extra])


def _deletions(folder: Path) -> Path:
    path = folder / "deletions.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerows([["event_id_cnty", "deleted_timestamp"], ["TST9", "1500000001"]])
    return path


def _first_round(store: Store) -> None:
    store.load([str(SEED)])
    store.import_dataset("acled", str(OWN))


def _second_round(store: Store, folder: Path) -> None:
    store.import_dataset("acled", str(_revised(folder)))
    store.import_deletions(str(_deletions(folder)))
    store.load([str(KHARKIV)])


def _moment_between(store: Store, folder: Path) -> dt.datetime:
    time.sleep(0.01)
    moment = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    time.sleep(0.01)
    _second_round(store, folder)
    return moment


def _events(answer) -> list[dict]:
    """Events as two stores compare them: without the integer ids a store hands out."""
    return sorted((json.dumps({k: v for k, v in e.items() if k != "id"}, sort_keys=True, default=str)
                   for e in answer), key=str)


def _town(store: Store, name: str) -> str:
    """The #id of the town of that name (ACLED files the town under areas of the same name)."""
    [town] = [p for p in store.places(search=name) if p["name"] == name and p["kind"] not in ("admin1", "admin2")]
    return f"#{town['id']}"


QUESTIONS = {
    "events": lambda s, **kw: _events(s.events(**kw)),
    "events in Darnah": lambda s, **kw: _events(s.events(admin1="Darnah", **kw)),
    "car bombs": lambda s, **kw: _events(s.events(search="car bombs", **kw)),
    "summary by month": lambda s, **kw: s.summary(by=["month"], **kw).all(),
    "summary by actor": lambda s, **kw: s.summary(by=["actor", "dataset"], **kw).all(),
    "who held Benghazi": lambda s, **kw: s.who_held(_town(s, "Benghazi"), "2015-06-30", **kw).all(),
    "who held Derna": lambda s, **kw: s.who_held("Derna", "2015-06-30", **kw).all(),
    "held by the council": lambda s, **kw: s.held_by("Shura Council of Darnah Mujahidin", "2015-06-30", **kw).all(),
    "timeline of Derna": lambda s, **kw: s.timeline("Derna", **kw).all(),
    "changes in June": lambda s, **kw: s.changes("2015-06-01", "2015-06-30", **kw),
}


@pytest.fixture
def two_stores(new_db, tmp_path):
    """(the full store, the moment between the rounds, a store of the first round only)."""
    full, first = Store(new_db()), Store(new_db())
    _first_round(full)
    _first_round(first)
    moment = _moment_between(full, tmp_path)
    yield full, moment, first
    full.close()
    first.close()


def _comparable(value):
    if isinstance(value, list):
        return value
    return value.all()


def test_every_question_as_of_a_moment_answers_what_the_store_said_then(two_stores):
    full, moment, first = two_stores
    differ_now = []
    for name, ask in QUESTIONS.items():
        then = _comparable(ask(full, as_of=moment))
        assert then == _comparable(ask(first)), name
        if _comparable(ask(full)) != then:
            differ_now.append(name)
    # The second round changed what each of these answers now (else the comparison above proves nothing).
    assert differ_now == list(QUESTIONS)


def test_summary_as_of_before_a_revised_export_gives_the_old_totals(run, tmp_path):
    header, rows = own_rows()
    raw = sum(int(r[header.index("fatalities")]) for r in rows)
    assert run("import", "acled", str(OWN)).exit_code == 0
    time.sleep(0.01)
    moment = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    time.sleep(0.01)
    assert run("import", "acled", str(_revised(tmp_path))).exit_code == 0
    now = json.loads(run("summary", "--by", "month", "--format", "json").output)
    then = run("summary", "--by", "month", "--format", "json", "--as-of", moment + "Z")
    assert then.exit_code == 0, then.output
    assert json.loads(then.stdout) == [{"month": "2015-06", "events": 12, "fatalities": raw,
                                         "fatalities_low": None, "fatalities_high": None}]
    assert then.stderr.startswith(f"note: as the store stood at {moment[:10]} ")
    assert now == [{"month": "2015-06", "events": 12, "fatalities": raw - 7 + 70,
                    "fatalities_low": None, "fatalities_high": None},
                   {"month": "2015-07", "events": 1, "fatalities": 0, "fatalities_low": None, "fatalities_high": None}]


def test_an_event_deleted_since_is_shown_as_it_stood_with_a_negative_id(run, tmp_path):
    assert run("import", "acled", str(OWN)).exit_code == 0
    time.sleep(0.01)
    moment = dt.datetime.now(dt.UTC).isoformat()
    time.sleep(0.01)
    assert run("import", "acled-deletions", str(_deletions(tmp_path))).exit_code == 0
    now = json.loads(run("events", "--format", "json").output)
    then = json.loads(run("events", "--format", "json", "--as-of", moment).stdout)
    assert (len(now), len(then)) == (11, 12)
    gone = [e for e in then if e["external_id"] == "TST9"]
    assert len(gone) == 1 and gone[0]["id"] < 0
    assert (gone[0]["actor1"], gone[0]["fatalities_best"]) == (["Military Forces of Libya (2014-) Operation Dignity"], 5)
    town = _town(Store(run.url), "Benghazi")
    held = run("who-held", town, "--at", "2015-06-30", "--as-of", moment)
    assert held.exit_code == 0 and "Operation Dignity" in held.stdout
    assert "Operation Dignity" not in run("who-held", town, "--at", "2015-06-30").output


def test_a_day_means_its_end_and_before_anything_the_store_was_empty(run):
    assert run("import", "acled", str(OWN)).exit_code == 0
    today = dt.datetime.now(dt.UTC).date()
    assert len(json.loads(run("events", "--format", "json", "--as-of", today.isoformat()).stdout)) == 12
    result = run("events", "--as-of", (today - dt.timedelta(days=1)).isoformat(), "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.startswith("id,external_id,key,release,dataset,") and len(result.stdout.splitlines()) == 1
    assert result.stderr.splitlines()[-1] == "0 events"


def test_a_report_reloaded_since_is_named_in_a_note(seeded_run, tmp_path):
    time.sleep(0.01)
    moment = dt.datetime.now(dt.UTC).isoformat()
    time.sleep(0.01)
    changed = tmp_path / "derna.yaml"
    changed.write_text(SEED.read_text(encoding="utf-8").replace("  author: null", "  author: A. Reviser", 1),
                       encoding="utf-8")
    assert seeded_run("load", str(changed)).exit_code == 0
    result = seeded_run("who-held", "Derna", "--at", "2015-06-20", "--as-of", moment)
    assert result.exit_code == 0
    assert "was reloaded after" in result.stderr and "reports keep no versions" in result.stderr


@pytest.mark.parametrize("value, message", [
    ("yesterday", "not a moment: 'yesterday'"),
    ("2026-13-01", "not a moment: '2026-13-01'"),
])
def test_a_bad_moment_is_a_usage_error(run, value, message):
    result = run("summary", "--as-of", value)
    assert result.exit_code == 2
    assert message in result.output
