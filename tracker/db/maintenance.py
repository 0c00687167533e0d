"""Giving a store's free space back: ``tracker db vacuum``.

A migration that rewrites a table (0011 packs the dataset attributes, 0012 rebuilds the
participants) leaves the pages it freed inside the SQLite file, where later imports reuse
them; the file itself does not shrink. ``VACUUM`` writes the store again, compactly (it
needs about the store's size of free disk for the while, and no other connection inside
a transaction). On PostgreSQL, ``VACUUM (ANALYZE)`` makes dead rows' space reusable and
refreshes the planner's statistics.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from tracker.db.engine import connect, describe, first_line
from tracker.errors import DatabaseError


def store_bytes(engine: Engine) -> int:
    """The bytes the store takes: the SQLite file with its WAL, or the PostgreSQL database."""
    if engine.dialect.name == "sqlite":
        path = engine.url.database or ""
        return sum(p.stat().st_size for p in (Path(path), Path(f"{path}-wal")) if p.exists())
    with connect(engine) as conn:
        return int(conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar() or 0)


def vacuum(engine: Engine) -> tuple[int, int]:
    """Write the store again without its free space: (bytes before, bytes after)."""
    before = store_bytes(engine)
    sqlite = engine.dialect.name == "sqlite"
    try:
        raw = engine.raw_connection()  # outside SQLAlchemy's transaction: VACUUM runs in none
    except DBAPIError as exc:
        raise DatabaseError(f"cannot open {describe(engine.url)}: {first_line(exc)}") from None
    try:
        if not sqlite and raw.driver_connection is not None:
            raw.driver_connection.autocommit = True
        cursor = raw.cursor()
        cursor.execute("VACUUM" if sqlite else "VACUUM (ANALYZE)")
        if sqlite:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    except Exception as exc:  # the driver's own error: another connection holds the store
        raise DatabaseError(f"cannot vacuum {describe(engine.url)}: {first_line(exc)}") from None
    finally:
        raw.close()
    return before, store_bytes(engine)

