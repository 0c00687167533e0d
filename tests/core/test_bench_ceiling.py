"""The ceiling of bench/import_acled.py: the rows of a finished import written again by SQL alone.

docs/scaling.md reads the floor's time over the ceiling's as the best ratio any importer of
this schema could reach; that holds only while the ceiling writes the very store the import
wrote, every row of every table and the same full-text index, no more and no less.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from conftest import ROOT, Run, full_text_terms, snapshot

sys.path.insert(0, str(ROOT / "bench"))
import acled_data  # noqa: E402  (our own generator: synthetic rows, no ACLED data)
import import_acled  # noqa: E402

from tracker.ingest.bulk import SEARCH_BATCH  # noqa: E402
from tracker.ingest.importer import BATCH_SIZE  # noqa: E402

FULL_TEXT = "event_search"  # FTS5's own tables hold segments laid out by each run's transactions


def test_the_ceiling_writes_the_store_the_import_wrote(sqlite_url, tmp_path):
    rows = SEARCH_BATCH + BATCH_SIZE + 7  # several batches, and a full-text index filled twice
    data = tmp_path / "generated.csv"
    acled_data.write(str(data), rows, seed=7)
    imported = Run(sqlite_url)("import", "acled", str(data))
    assert imported.exit_code == 0, imported.stderr
    store = Path(sqlite_url.removeprefix("sqlite:///"))
    ceiling = tmp_path / "ceiling.db"

    out = import_acled.sqlite_ceiling(store, ceiling)

    assert out["rows"] == rows
    assert set(out["by_table"]) >= {"events", "full-text index", "event_actors", "dataset_records",
                                    "indexes after the rows", "commit"}
    wrote, again = snapshot(sqlite_url), snapshot(f"sqlite:///{ceiling}")
    assert len(wrote["events"]) == rows and len(wrote["dataset_records"]) == rows and wrote["event_actors"]
    assert {t: r for t, r in again.items() if not t.startswith(FULL_TEXT)} == \
        {t: r for t, r in wrote.items() if not t.startswith(FULL_TEXT)}
    assert full_text_terms(ceiling) == full_text_terms(store)
    con = sqlite3.connect(ceiling)
    try:  # the trigger and the indexes the ceiling dropped are back, as in a store the import leaves
        schema = con.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                             "ORDER BY name").fetchall()
    finally:
        con.close()
    con = sqlite3.connect(store)
    try:
        assert schema == con.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                                     "ORDER BY name").fetchall()
    finally:
        con.close()


def _pg_schema(url: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as conn:
        indexes = conn.execute("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                               "ORDER BY 1, 2").fetchall()
        keys = conn.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                            "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2").fetchall()
    return [*indexes, *keys]


def test_the_postgresql_ceiling_copies_the_store_the_import_wrote(pg_url, empty_pg_url, tmp_path):
    rows = 2 * BATCH_SIZE + 7
    data = tmp_path / "generated.csv"
    acled_data.write(str(data), rows, seed=11)
    imported = Run(pg_url)("import", "acled", str(data))
    assert imported.exit_code == 0, imported.stderr

    out = import_acled.pg_ceiling(pg_url, empty_pg_url)

    assert out["rows"] == rows
    wrote = snapshot(pg_url)
    assert len(wrote["events"]) == rows and len(wrote["dataset_records"]) == rows and wrote["event_actors"]
    assert snapshot(empty_pg_url) == wrote
    assert _pg_schema(empty_pg_url) == _pg_schema(pg_url)  # indexes and keys as the import left them
