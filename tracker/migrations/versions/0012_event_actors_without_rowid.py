"""participants without rowid: one B-tree for event_actors on SQLite

An event's participants were a rowid table beside the index of their primary key
``(event_id, actor_id, role)``: every row written twice, 121 MB of a 1,000,000-event
store. As a ``WITHOUT ROWID`` table the primary key is the table: the rows are stored
once, in the order of the key every query of an event's participants reads. On SQLite
the table is rebuilt with its rows (same columns, constraints and index); PostgreSQL
has no such option and is left as it is.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""
from __future__ import annotations

from typing import Sequence, Union

from alembic import op

revision: str = '0012'
down_revision: Union[str, None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _rebuild(without_rowid: bool) -> None:
    conn = op.get_bind()
    if conn.dialect.name != 'sqlite':
        return
    sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'event_actors'").scalar()
    body = sql.rstrip().removesuffix('WITHOUT ROWID').rstrip()
    head, _, rest = body.partition('(')
    create = f"CREATE TABLE event_actors_rebuilt ({rest}" + (' WITHOUT ROWID' if without_rowid else '')
    op.execute(create)
    op.execute("INSERT INTO event_actors_rebuilt (event_id, actor_id, role, position) "
               "SELECT event_id, actor_id, role, position FROM event_actors ORDER BY event_id, actor_id, role")
    op.execute("DROP TABLE event_actors")
    op.execute("ALTER TABLE event_actors_rebuilt RENAME TO event_actors")
    op.execute("CREATE INDEX ix_event_actors_actor_id ON event_actors (actor_id)")


def upgrade() -> None:
    _rebuild(without_rowid=True)


def downgrade() -> None:
    _rebuild(without_rowid=False)
