"""SQLite's fast paths of an import (tracker.ingest.bulk): the full-text index filled a batch at a time
and secondary indexes built after the rows give the same store as the plain path, and a failed
import leaves the schema (triggers, indexes) and the data as they were."""

from __future__ import annotations

import contextlib
import csv
import json
import sqlite3
import sys
from pathlib import Path

import pytest
from conftest import ROOT, Run, full_text_terms, snapshot

import tracker.ingest.importer as importer
from tracker.ingest import bulk
from tracker.ingest.memory import give_back_freed_memory

SHARED = ROOT.parent / "shared" / "data" / "realworld"
OWN = ROOT / "tests" / "data" / "acled_own" / "acled_own_2015.csv"
JULY = SHARED / "acled" / "ACLED-All-Africa-File_20150701-to-20150731_csv.csv"
FILES = [OWN, *([JULY] if JULY.exists() else [])]


@contextlib.contextmanager
def _plain(conn, *args):
    yield None


def _schema(url: str) -> list[tuple]:
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        return con.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                           "ORDER BY type, name").fetchall()
    finally:
        con.close()


def _answers(run: Run) -> dict:
    out = {}
    for words in ("armed clash", "killed", "protest"):
        found = json.loads(run("events", "--search", words, "--format", "json").stdout)
        out[words] = sorted(e["external_id"] for e in found)
    out["events"] = [{k: v for k, v in e.items() if k != "sources"}
                     for e in json.loads(run("events", "--format", "json").stdout)]
    return out


def _notes_with(path: Path, word: str) -> set[str]:
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:  # the 2015 files are Windows-1252
        rows = list(csv.DictReader(fh))
    key = "event_id_cnty" if "event_id_cnty" in rows[0] else "EVENT_ID_CNTY"
    notes = "notes" if "notes" in rows[0] else "NOTES"
    return {r[key] for r in rows if word in r[notes].lower()}


def test_the_fast_paths_give_the_store_the_plain_path_gives(sqlite_url, tmp_path, monkeypatch):
    fast, plain = Run(sqlite_url), Run(f"sqlite:///{tmp_path / 'plain.db'}")
    before = _schema(sqlite_url)
    monkeypatch.setattr(bulk, "MIN_ROWS_AFTER", 0)  # even a small file is "large" here
    for path in FILES:
        assert fast("import", "acled", str(path)).exit_code == 0
    assert _schema(sqlite_url) == before  # the trigger and the indexes are back, as they were
    with monkeypatch.context() as m:
        m.setattr(importer, "indexes_after_the_rows", _plain)
        m.setattr(importer, "search_index_by_batch", _plain)
        for path in FILES:
            assert plain("import", "acled", str(path)).exit_code == 0
    assert _answers(fast) == _answers(plain)
    # The index answers what the files say (a word no stemming changes).
    wanted = set().union(*(_notes_with(p, "killed") for p in FILES))
    assert set(_answers(fast)["killed"]) >= wanted and wanted
    # And it stays in step with later changes: a report's events are found through the trigger.
    report = tmp_path / "later.yaml"
    report.write_text("format: tracker-report/1\nreport: {id: later, title: Later}\n"
                      "places:\n  - {id: t, name: Zqtown, country: LY}\n"
                      "events:\n  - {id: e1, date: '2015-06-09', type: Battles, place: t,"
                      " description: Gunmen zorblaxed a convoy.}\n", encoding="utf-8")
    loaded = fast("load", str(report))
    assert loaded.exit_code == 0, loaded.stderr
    assert [e["key"] for e in json.loads(fast("events", "--search", "zorblaxed", "--format", "json").stdout)] == ["e1"]


def test_new_events_indexed_a_few_batches_at_a_time_stay_in_step_with_updates(sqlite_url, tmp_path, monkeypatch):
    # The full-text index takes several batches' new events at once, with updates of stored events' notes
    # (through the update trigger) between them: the index must be the one the per-row trigger builds.
    with open(OWN, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    ident, notes, stamp = (header.index(c) for c in ("event_id_cnty", "notes", "timestamp"))
    later = []
    for i, r in enumerate(body):
        new = list(r)
        new[ident] += "N"  # a new event ...
        new[notes] = f"Quuxed number {i}: {r[notes]}"
        later.append(new)
        if i % 3 == 0:  # ... and, between them, a newer version of a stored one with other notes
            changed = list(r)
            changed[notes] = f"Florbed anew {i}."
            changed[stamp] = str(int(r[stamp]) + 86400)
            later.append(changed)
    second = tmp_path / "second.csv"
    with open(second, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *later])
    fast, plain = Run(sqlite_url), Run(f"sqlite:///{tmp_path / 'plain.db'}")
    monkeypatch.setattr(bulk, "SEARCH_BATCH", 7)
    monkeypatch.setattr(importer, "SEARCH_BATCH", 7)
    for path in (OWN, second):
        assert fast("import", "acled", "--batch-size", "2", str(path)).exit_code == 0
    with monkeypatch.context() as m:
        m.setattr(importer, "search_index_by_batch", _plain)
        for path in (OWN, second):
            assert plain("import", "acled", "--batch-size", "2", str(path)).exit_code == 0
    assert full_text_terms(sqlite_url) == full_text_terms(tmp_path / "plain.db")  # the same index
    quuxed = json.loads(fast("events", "--search", "quuxed", "--format", "json").stdout)
    florbed = json.loads(fast("events", "--search", "florbed", "--format", "json").stdout)
    assert len(quuxed) == len(body) and len(florbed) == len(range(0, len(body), 3))
    for words in ("quuxed", "florbed", "killed"):
        assert fast("events", "--search", words, "--format", "json").stdout == \
            plain("events", "--search", words, "--format", "json").stdout


def test_a_failed_import_on_the_fast_paths_leaves_schema_and_data(sqlite_url, tmp_path, monkeypatch):
    run = Run(sqlite_url)
    monkeypatch.setattr(bulk, "MIN_ROWS_AFTER", 0)
    assert run("import", "acled", str(OWN)).exit_code == 0
    schema, data = _schema(sqlite_url), snapshot(sqlite_url)
    with open(OWN, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for r in rows[1:]:
        r[header.index("event_id_cnty")] += "X"  # all new events ...
    rows[8][header.index("latitude")] = "95.2"  # ... and one bad row, after some have been written
    bad = tmp_path / "bad.csv"
    with open(bad, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    result = run("import", "acled", "--batch-size", "3", str(bad))
    assert result.exit_code == 1 and ":9: latitude" in result.stderr, result.stderr
    assert _schema(sqlite_url) == schema
    assert snapshot(sqlite_url) == data


@pytest.mark.parametrize("stored, rows, dropped", [(0, 60_000, True), (0, 10_000, False), (100_000, 60_000, False)])
def test_indexes_are_built_after_the_rows_only_when_the_import_doubles_the_store(stored, rows, dropped, sqlite_url):
    from tracker.db import make_engine

    engine = make_engine(sqlite_url)
    with engine.begin() as conn:
        if stored:
            conn.exec_driver_sql("INSERT INTO sources (id, key, kind, title, loaded_at) "
                                 "VALUES (1, 's', 'dataset', 's', '2020-01-01')")
            conn.exec_driver_sql("INSERT INTO events (id, source_id, key, date_start, date_end, date_precision, "
                                 "event_type, certainty) VALUES (?, 1, 'k', '2020-01-01', '2020-01-01', 'day', "
                                 "'Battles', 'reported')", (stored,))
        with bulk.indexes_after_the_rows(conn, rows) as did:
            inside = {n for (n,) in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
        after = {n for (n,) in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
        conn.rollback()
    engine.dispose()
    assert did is dropped
    assert (set(bulk.AFTER_THE_ROWS) & inside == set()) is dropped
    assert set(bulk.AFTER_THE_ROWS) <= after


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's")
def test_the_heap_an_import_freed_is_given_back_on_linux():
    # The import calls this between its rows and control derivation (1 M rows: peak 209 -> 197 MB);
    # on glibc it must find malloc_trim, or the peak silently grows again.
    assert give_back_freed_memory() is True
