"""as of: when each version stood in the store, and when each source first came

The store can be read as it stood at a moment (``--as-of``,
tracker.query.asof). For that a version kept in an event's history says
whether, and when, it stood: ``stood_from`` .. ``stood_until`` on the wall
clock. A version that never stood (an export older than what stood when it
came) has neither. ``sources.first_loaded_at`` is when a source first came
(a report reloaded moves ``loaded_at``, not this).

What is stored is converted: a kept version stood if it was written after its
own export was loaded (the import that superseded it, or the deletion, came
later; a version kept because it was already older was written by the import
of its own export, at its ``loaded_at``), from that export's ``loaded_at``
until the row was written. ``first_loaded_at`` starts as ``loaded_at``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('event_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stood_from', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('stood_until', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_revisions_stood_until'), ['stood_until'], unique=False)
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_loaded_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE sources SET first_loaded_at = loaded_at")
    loaded = "(SELECT s.loaded_at FROM sources s WHERE s.id = event_revisions.source_id)"
    op.execute(f"UPDATE event_revisions SET stood_from = {loaded}, stood_until = recorded_at "
               f"WHERE change = 'version' AND (source_id IS NULL OR recorded_at > {loaded})")


def downgrade() -> None:
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_column('first_loaded_at')
    with op.batch_alter_table('event_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_revisions_stood_until'))
        batch_op.drop_column('stood_until')
        batch_op.drop_column('stood_from')
