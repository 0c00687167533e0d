"""event search: a full-text index over event descriptions and quotes

SQLite: an external-content FTS5 table ``event_search`` (Porter stemmer over
unicode61, diacritics removed) filled from the stored events, kept in step by
triggers on insert, update and delete. PostgreSQL: a GIN index on the
English ``tsvector`` of the same text (tracker.query.search repeats its
expression). Neither changes what is stored; the downgrade drops them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
from __future__ import annotations

from typing import Sequence, Union

from alembic import op

revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

PG_DOCUMENT = "to_tsvector('english', coalesce(description, '') || ' ' || coalesce(quote, ''))"

SQLITE = [
    "CREATE VIRTUAL TABLE event_search USING fts5(description, quote, content='events', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "INSERT INTO event_search(rowid, description, quote) SELECT id, description, quote FROM events",
    "CREATE TRIGGER event_search_insert AFTER INSERT ON events BEGIN "
    "INSERT INTO event_search(rowid, description, quote) VALUES (new.id, new.description, new.quote); END",
    "CREATE TRIGGER event_search_delete AFTER DELETE ON events BEGIN "
    "INSERT INTO event_search(event_search, rowid, description, quote) "
    "VALUES ('delete', old.id, old.description, old.quote); END",
    "CREATE TRIGGER event_search_update AFTER UPDATE OF description, quote ON events BEGIN "
    "INSERT INTO event_search(event_search, rowid, description, quote) "
    "VALUES ('delete', old.id, old.description, old.quote); "
    "INSERT INTO event_search(rowid, description, quote) VALUES (new.id, new.description, new.quote); END",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE:
            op.execute(statement)
    else:
        op.execute(f"CREATE INDEX ix_events_search ON events USING gin (({PG_DOCUMENT}))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS event_search_{trigger}")
        op.execute("DROP TABLE IF EXISTS event_search")
    else:
        op.execute("DROP INDEX IF EXISTS ix_events_search")
