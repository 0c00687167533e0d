"""bulk import: dataset records, revisions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: Union[str, None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('dataset_records',
    sa.Column('event_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('content_hash', sa.String(length=32), nullable=False),
    sa.Column('stamp', sa.BigInteger(), nullable=True),
    sa.Column('country', sa.String(length=100), nullable=True),
    sa.Column('cited', sa.Text(), nullable=True),
    sa.Column('attributes', sa.Text(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_dataset_records_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_dataset_records'))
    )
    op.create_table('event_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('external_scheme', sa.String(length=20), nullable=False),
    sa.Column('external_id', sa.String(length=100), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('recorded_from', sa.DateTime(), nullable=False),
    sa.Column('recorded_until', sa.DateTime(), nullable=False),
    sa.Column('change', sa.String(length=10), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.CheckConstraint("change IN ('updated', 'deleted')", name=op.f('ck_event_revisions_change')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_revisions_event_id_events'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_event_revisions_source_id_sources'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_revisions'))
    )
    with op.batch_alter_table('event_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_revisions_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_event_revisions_external_scheme_external_id', ['external_scheme', 'external_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('event_revisions', schema=None) as batch_op:
        batch_op.drop_index('ix_event_revisions_external_scheme_external_id')
        batch_op.drop_index(batch_op.f('ix_event_revisions_event_id'))
    op.drop_table('event_revisions')
    op.drop_table('dataset_records')
