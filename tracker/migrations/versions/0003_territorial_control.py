"""territorial control: derived spans, areas, snapshots

Control spans get an origin (reported / derived / snapshot) and, for derived
ones, the basis on which their holder was decided. Control maps are stored as
dated snapshots of a series and the areas they show, with bounding boxes for
an indexed spatial prefilter.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: Union[str, None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('control_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series', sa.String(length=100), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('geometry', sa.Text(), nullable=True),
    sa.Column('shape_hash', sa.String(length=64), nullable=False),
    sa.Column('min_lat', sa.Float(), nullable=True),
    sa.Column('min_lon', sa.Float(), nullable=True),
    sa.Column('max_lat', sa.Float(), nullable=True),
    sa.Column('max_lon', sa.Float(), nullable=True),
    sa.CheckConstraint("status IN ('held', 'contested', 'partial', 'besieged')", name=op.f('ck_control_areas_status')),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_control_areas_actor_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_control_areas_location_id_locations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_control_areas')),
    sa.UniqueConstraint('series', 'shape_hash', 'actor_id', 'status', name=op.f('uq_control_areas_series_shape_hash_actor_id_status'))
    )
    with op.batch_alter_table('control_areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_control_areas_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_control_areas_bbox', ['min_lon', 'max_lon', 'min_lat', 'max_lat'], unique=False)
        batch_op.create_index(batch_op.f('ix_control_areas_location_id'), ['location_id'], unique=False)

    op.create_table('control_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series', sa.String(length=100), nullable=False),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('feature_count', sa.Integer(), nullable=False),
    sa.Column('skipped_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_control_snapshots_source_id_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_control_snapshots')),
    sa.UniqueConstraint('series', 'taken_on', name=op.f('uq_control_snapshots_series_taken_on')),
    sa.UniqueConstraint('source_id', name=op.f('uq_control_snapshots_source_id'))
    )
    op.create_table('control_area_snapshots',
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['control_areas.id'], name=op.f('fk_control_area_snapshots_area_id_control_areas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['control_snapshots.id'], name=op.f('fk_control_area_snapshots_snapshot_id_control_snapshots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('area_id', 'snapshot_id', name=op.f('pk_control_area_snapshots'))
    )
    with op.batch_alter_table('control_area_snapshots', schema=None) as batch_op:
        batch_op.create_index('ix_control_area_snapshots_snapshot_id', ['snapshot_id'], unique=False)

    with op.batch_alter_table('control_spans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=10), server_default='reported', nullable=False))
        batch_op.add_column(sa.Column('basis', sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_control_spans_origin'), "origin IN ('reported', 'derived', 'snapshot')"
        )
        batch_op.create_index('ix_control_spans_end_window', ['end_min', 'end_max'], unique=False)
        batch_op.create_index('ix_control_spans_start_window', ['start_min', 'start_max'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('control_spans', schema=None) as batch_op:
        batch_op.drop_index('ix_control_spans_start_window')
        batch_op.drop_index('ix_control_spans_end_window')
        batch_op.drop_constraint(op.f('ck_control_spans_origin'), type_='check')
        batch_op.drop_column('basis')
        batch_op.drop_column('origin')

    with op.batch_alter_table('control_area_snapshots', schema=None) as batch_op:
        batch_op.drop_index('ix_control_area_snapshots_snapshot_id')

    op.drop_table('control_area_snapshots')
    op.drop_table('control_snapshots')
    with op.batch_alter_table('control_areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_control_areas_location_id'))
        batch_op.drop_index('ix_control_areas_bbox')
        batch_op.drop_index(batch_op.f('ix_control_areas_actor_id'))

    op.drop_table('control_areas')
