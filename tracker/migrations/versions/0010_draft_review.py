"""draft review: a drafted record is pending until an analyst reviews it

``tracker draft`` turns a prose report into a report file whose records carry
``review: pending``; loaded, they keep it, and answers built on them say
"unreviewed draft" until the file marks them reviewed (``tracker review``) and
is loaded again. Events, control spans, relations and assessments get a
``review`` column: ``pending``, ``reviewed``, or NULL for every record that was
not drafted, which is all that is stored before this revision (nothing to
convert).

The column is added in place (``ALTER TABLE ... ADD COLUMN`` with its check),
not by copying the table: the events table of a big store is millions of rows
and carries the full-text triggers of revision 0008.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLES = ('events', 'control_spans', 'actor_relations', 'assessments')


def upgrade() -> None:
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ADD COLUMN review VARCHAR(10) CONSTRAINT ck_{table}_review "
                   f"CHECK (review IS NULL OR review IN ('pending', 'reviewed'))")
    # Only drafted events are indexed: "is any answer an unreviewed draft" costs nothing on a big store.
    op.create_index('ix_events_review', 'events', ['review'], unique=False,
                    sqlite_where=sa.text('review IS NOT NULL'), postgresql_where=sa.text('review IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('ix_events_review', table_name='events')
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} DROP COLUMN review")
