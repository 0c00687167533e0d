"""Rows written in bulk: ``executemany`` (``COPY`` on PostgreSQL) through the DBAPI, no ORM object per row.

The importer and the deletions list share this writer, and the one way an
imported event is deleted (:func:`delete_events`): the version that stood
goes to its history first, so that nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection

from tracker.ingest.versions import snapshot_versions

JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # made once: json.dumps would make one per row


# -- the SQL written in bulk ------------------------------------------------------------
_INSERTS = {
    "actors": ("actors", ["id", "name", "kind", "country"]),
    "actor_aliases": ("actor_aliases", ["actor_id", "name", "normalized", "source_id"]),
    "locations": ("locations", ["id", "name", "kind", "parent_id", "country_code", "latitude", "longitude",
                                "coord_precision"]),
    "location_aliases": ("location_aliases", ["location_id", "name", "normalized", "source_id"]),
    "events": ("events", ["id", "source_id", "key", "external_scheme", "external_id", "external_release",
                          "external_key", "date_start", "date_end", "date_precision", "event_type", "sub_type",
                          "location_id", "latitude", "longitude", "coord_precision", "fatalities_low",
                          "fatalities_best", "fatalities_high", "certainty", "description"]),
    "event_actors": ("event_actors", ["event_id", "actor_id", "role", "position"]),
    "dataset_records": ("dataset_records", ["event_id", "content_hash", "stamp", "recorded_date", "deleted_stamp",
                                            "country", "cited", "attributes", "recorded_at"]),
    "event_revisions": ("event_revisions", ["event_id", "external_scheme", "external_id", "external_release",
                                            "external_key", "source_id", "change", "stamp", "content_hash",
                                            "country", "recorded_date", "recorded_at", "content", "stood_from",
                                            "stood_until"]),
    "actor_sources": ("actor_sources", ["actor_id", "source_id"]),
    "location_sources": ("location_sources", ["location_id", "source_id"]),
}
_UPDATES = {
    "actor_kinds": "UPDATE actors SET kind = {p} WHERE id = {p}",
    "location_coords": "UPDATE locations SET latitude = {p}, longitude = {p}, coord_precision = {p} "
                       "WHERE id = {p} AND latitude IS NULL",
    "location_parents": "UPDATE locations SET parent_id = {p} WHERE id = {p}",
    "events_update": "UPDATE events SET source_id = {p}, date_start = {p}, date_end = {p}, date_precision = {p}, "
                     "event_type = {p}, sub_type = {p}, location_id = {p}, latitude = {p}, longitude = {p}, "
                     "coord_precision = {p}, fatalities_low = {p}, "
                     "fatalities_best = {p}, fatalities_high = {p}, description = {p} WHERE id = {p}",
    "records_update": "UPDATE dataset_records SET content_hash = {p}, stamp = {p}, recorded_date = {p}, "
                      "deleted_stamp = {p}, country = {p}, cited = {p}, attributes = {p}, recorded_at = {p} "
                      "WHERE event_id = {p}",
    "records_deleted": "UPDATE dataset_records SET deleted_stamp = {p} WHERE event_id = {p}",
    "event_actors_clear": "DELETE FROM event_actors WHERE event_id = {p}",
    "event_sources_clear": "DELETE FROM event_sources WHERE event_id = {p}",
    "event_sources_add": "INSERT INTO event_sources (event_id, source_id) VALUES ({p}, {p}) ON CONFLICT DO NOTHING",
    "events_delete": "DELETE FROM events WHERE id = {p}",
    "events_rekey": "UPDATE events SET key = {p}, external_key = {p} WHERE id = {p}",
    "revisions_rekey": "UPDATE event_revisions SET external_key = {p} WHERE external_scheme = {p} AND external_key = {p}",
    "revisions_attach": "UPDATE event_revisions SET event_id = {p} WHERE external_scheme = {p} AND external_key = {p} "
                        "AND event_id IS NULL",
}


SEARCH_TRIGGER = "event_search_insert"  # SQLite: fills the full-text index (event_search) row by row
SEARCH_BATCH = 10_000  # new events indexed at once (an import's batches of rows are smaller)


@contextmanager
def search_index_by_batch(conn: Connection) -> Iterator[Callable[[int, int], None] | None]:
    """On SQLite, index the text of new events a batch at a time instead of by the per-row trigger.

    FTS5 takes 200,000 notes in 1.5 s from one INSERT ... SELECT, and in 18 s one row
    at a time through the trigger. Inside the import's transaction the trigger is dropped
    and the caller indexes each batch of events right after inserting it (a later batch
    may update them, and the update trigger must find them indexed); at the end the
    trigger is made again from its own SQL. A failed import rolls back both (SQLite's DDL
    is transactional). Yields None where there is nothing to do (PostgreSQL).
    """
    if conn.dialect.name != "sqlite":
        yield None
        return
    sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                               (SEARCH_TRIGGER,)).scalar()
    if sql is None:
        yield None
        return
    conn.exec_driver_sql(f"DROP TRIGGER {SEARCH_TRIGGER}")

    def index(first: int, last: int) -> None:
        conn.exec_driver_sql("INSERT INTO event_search (rowid, description, quote) "
                             "SELECT id, description, quote FROM events WHERE id BETWEEN ? AND ?", (first, last))

    yield index  # an exception from the import leaves the trigger to the rollback
    conn.exec_driver_sql(sql)


# Indexes no statement of an import reads while its rows stream in (matching reads the unique
# identity and ix_events_external_scheme_external_id; control derivation runs after).
AFTER_THE_ROWS = ("ix_events_date_start_date_end", "ix_events_location_id_date_start", "ix_events_event_type",
                  "ix_event_actors_actor_id")
MIN_ROWS_AFTER = 50_000  # below this, extending the indexes costs less than building them again


@contextmanager
def indexes_after_the_rows(conn: Connection, rows: int) -> Iterator[bool]:
    """On SQLite, when an import of about ``rows`` rows will at least double the store, drop the
    secondary indexes of :data:`AFTER_THE_ROWS` and build them again after the rows, in the same
    transaction: an index built over sorted rows once costs far less than one extended at random
    places for every row once it is larger than the page cache. Yields whether it did."""
    if conn.dialect.name != "sqlite":
        yield False
        return
    stored = conn.exec_driver_sql("SELECT max(id) FROM events").scalar() or 0
    if rows < max(stored, MIN_ROWS_AFTER):
        yield False
        return
    marks = ",".join("?" * len(AFTER_THE_ROWS))
    saved = [(str(name), str(sql)) for name, sql in conn.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({marks})", AFTER_THE_ROWS)]
    for name, _ in saved:
        conn.exec_driver_sql(f"DROP INDEX {name}")
    yield True  # an exception from the import leaves the indexes to the rollback
    for _, sql in saved:
        conn.exec_driver_sql(sql)


class BulkWriter:
    """executemany through the DBAPI, with the placeholders and value types of the backend."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        p = "?" if self.sqlite else "%s"
        self.p = p
        self.sql = {name: f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join([p] * len(cols))})"
                    for name, (table, cols) in _INSERTS.items()}
        self.sql.update({name: text.format(p=p) for name, text in _UPDATES.items()})

    def __call__(self, name: str, rows: list) -> None:
        if not rows:
            return
        if not self.sqlite and name in _INSERTS:
            # PostgreSQL takes rows fastest through COPY, in the same transaction.
            table, columns = _INSERTS[name]
            cursor = self.conn.connection.cursor()
            try:
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            finally:
                cursor.close()
            return
        self.conn.exec_driver_sql(self.sql[name], rows)

    def day(self, value: dt.date):
        return value.isoformat() if self.sqlite else value

    def moment(self, value: dt.datetime | None):
        if value is None:
            return None
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else value


def delete_events(conn: Connection, write: BulkWriter, places, doomed: list[tuple[int, int | None, int | None]],
                  now: dt.datetime, touched: set, reason: str = "") -> int:
    """Delete live imported events, keeping the version that stood (and, where given, the deletion) in history.

    ``doomed``: (event id, deletion clock or None, deleting source or None);
    None when the deletion is already recorded. Returns how many were deleted.
    """
    if not doomed:
        return 0
    recorded = write.moment(now)
    ids = [eid for eid, _, _ in doomed]
    for i in range(0, len(doomed), 5000):
        chunk = doomed[i:i + 5000]
        old = snapshot_versions(conn, [eid for eid, _, _ in chunk], places)
        rows = []
        for eid, stamp, source_id in chunk:
            v = old[eid]
            c = v["content"]
            rows.append((None, c["scheme"], c["external_id"], c["release"], c["key"], v["source_id"], "version",
                         v["stamp"], c["content_hash"], v["country"],
                         write.day(v["recorded_date"]) if v["recorded_date"] else None, recorded, JSON.encode(c),
                         write.moment(v["recorded_at"]), recorded))  # it stood until now
            if stamp is not None:
                rows.append((None, c["scheme"], c["external_id"], c["release"], c["key"], source_id, "deleted",
                             stamp, None, None, None, recorded, JSON.encode({"reason": reason}), None, None))
            if v["transfer"] and c.get("location_id") is not None:
                touched.add(c["location_id"])
        write("event_revisions", rows)
        write("events_delete", [(eid,) for eid, _, _ in chunk])
    return len(ids)
