"""Alembic environment: runs against a connection handed in by tracker, or a URL."""

from __future__ import annotations

import os
import warnings
from contextlib import contextmanager

from alembic import context
from sqlalchemy.exc import SAWarning

from tracker.db.engine import make_engine
from tracker.model import Base

config = context.config
target_metadata = Base.metadata

# Revision 0005 adds these on PostgreSQL only where PostGIS is installed; the
# models do not name them, so autogenerate must not count them as drift. Nor
# is PostGIS's own table, where an administrator put the extension in public.
POSTGIS_OBJECTS = {"geog", "ix_locations_geog", "ix_gazetteer_places_geog", "spatial_ref_sys"}


warnings.filterwarnings("ignore", message=r"Did not recognize type '.*geography'", category=SAWarning)


# The full-text index of events (migration 0008; tracker.query.search): an FTS5 table and
# its shadow tables on SQLite, an expression index on PostgreSQL, none of them in the model.
SEARCH_OBJECTS = {"ix_events_search", "event_search", "event_search_data", "event_search_idx",
                  "event_search_docsize", "event_search_config", "event_search_content"}


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (reflected and compare_to is None and name in POSTGIS_OBJECTS | SEARCH_OBJECTS)


def _configure_and_run(connection) -> None:
    if connection.dialect.name == "sqlite":
        with _foreign_keys_off(connection):
            _run(connection)
    else:
        _run(connection)


@contextmanager
def _foreign_keys_off(connection):
    """SQLite batch migrations copy a table and drop the old one: with foreign keys on, the drop would
    cascade to every row that refers to it (SQLite's advice: switch them off, check after)."""
    raw = connection.connection.dbapi_connection
    if connection.in_transaction():
        connection.commit()
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration left rows that refer to missing ones: {broken[:5]}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        # tracker opens SQLite transactions itself (tracker.db), so a migration that fails
        # leaves the schema as it was, as on PostgreSQL.
        transactional_ddl=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    engine = config.attributes.get("engine")
    if engine is None:
        engine = make_engine(os.environ.get("TRACKER_DATABASE_URL") or config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        _configure_and_run(connection)


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
