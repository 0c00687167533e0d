"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 05:36:22.482692
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    
    op.create_table('actors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('state forces', 'rebel group', 'political militia', 'identity militia', 'rioters', 'protesters', 'civilians', 'external force', 'other')", name=op.f('ck_actors_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actors'))
    )
    op.create_table('locations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('country_code', sa.String(length=2), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('coord_precision', sa.String(length=10), nullable=True),
    sa.Column('geonames_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.CheckConstraint("coord_precision IS NULL OR coord_precision IN ('exact', 'near', 'region')", name=op.f('ck_locations_coord_precision')),
    sa.CheckConstraint("kind IN ('country', 'admin1', 'admin2', 'admin3', 'city', 'town', 'village', 'district', 'neighbourhood', 'facility', 'area', 'other')", name=op.f('ck_locations_kind')),
    sa.CheckConstraint('latitude IS NULL OR (latitude >= -90 AND latitude <= 90)', name=op.f('ck_locations_latitude')),
    sa.CheckConstraint('longitude IS NULL OR (longitude >= -180 AND longitude <= 180)', name=op.f('ck_locations_longitude')),
    sa.ForeignKeyConstraint(['parent_id'], ['locations.id'], name=op.f('fk_locations_parent_id_locations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_locations'))
    )
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.create_index('ix_locations_latitude_longitude', ['latitude', 'longitude'], unique=False)
        batch_op.create_index(batch_op.f('ix_locations_parent_id'), ['parent_id'], unique=False)

    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('publisher', sa.String(length=300), nullable=True),
    sa.Column('author', sa.String(length=300), nullable=True),
    sa.Column('url', sa.String(length=1000), nullable=True),
    sa.Column('published_min', sa.Date(), nullable=True),
    sa.Column('published_max', sa.Date(), nullable=True),
    sa.Column('published_precision', sa.String(length=10), nullable=True),
    sa.Column('reliability', sa.String(length=1), nullable=True),
    sa.Column('credibility', sa.String(length=1), nullable=True),
    sa.Column('language', sa.String(length=20), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('file_name', sa.String(length=500), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('loaded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("credibility IS NULL OR credibility IN ('1', '2', '3', '4', '5', '6')", name=op.f('ck_sources_credibility')),
    sa.CheckConstraint("kind IN ('report', 'dataset', 'snapshot')", name=op.f('ck_sources_kind')),
    sa.CheckConstraint("reliability IS NULL OR reliability IN ('A', 'B', 'C', 'D', 'E', 'F')", name=op.f('ck_sources_reliability')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('key', name=op.f('uq_sources_key'))
    )
    op.create_table('actor_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('normalized', sa.String(length=300), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_actor_aliases_actor_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_actor_aliases_source_id_sources'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_aliases')),
    sa.UniqueConstraint('actor_id', 'normalized', name=op.f('uq_actor_aliases_actor_id_normalized'))
    )
    with op.batch_alter_table('actor_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actor_aliases_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actor_aliases_normalized'), ['normalized'], unique=False)

    op.create_table('actor_relations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('other_id', sa.Integer(), nullable=False),
    sa.Column('start_min', sa.Date(), nullable=True),
    sa.Column('start_max', sa.Date(), nullable=True),
    sa.Column('start_precision', sa.String(length=10), nullable=True),
    sa.Column('end_min', sa.Date(), nullable=True),
    sa.Column('end_max', sa.Date(), nullable=True),
    sa.Column('end_precision', sa.String(length=10), nullable=True),
    sa.Column('certainty', sa.String(length=12), nullable=False),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.CheckConstraint("certainty IN ('confirmed', 'reported', 'likely', 'alleged', 'rumoured')", name=op.f('ck_actor_relations_certainty')),
    sa.CheckConstraint("kind IN ('affiliate_of', 'member_of', 'controlled_by', 'splinter_of', 'allied_with', 'hostile_to', 'successor_of', 'associated_with', 'supported_by')", name=op.f('ck_actor_relations_kind')),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_actor_relations_actor_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['other_id'], ['actors.id'], name=op.f('fk_actor_relations_other_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_actor_relations_source_id_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_relations')),
    sa.UniqueConstraint('source_id', 'key', name=op.f('uq_actor_relations_source_id_key'))
    )
    with op.batch_alter_table('actor_relations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actor_relations_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_actor_relations_other_id', ['other_id'], unique=False)

    op.create_table('actor_sources',
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_actor_sources_actor_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_actor_sources_source_id_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('actor_id', 'source_id', name=op.f('pk_actor_sources'))
    )
    with op.batch_alter_table('actor_sources', schema=None) as batch_op:
        batch_op.create_index('ix_actor_sources_source_id', ['source_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('external_scheme', sa.String(length=20), nullable=True),
    sa.Column('external_id', sa.String(length=100), nullable=True),
    sa.Column('date_start', sa.Date(), nullable=False),
    sa.Column('date_end', sa.Date(), nullable=False),
    sa.Column('date_precision', sa.String(length=10), nullable=False),
    sa.Column('event_type', sa.String(length=100), nullable=False),
    sa.Column('sub_type', sa.String(length=100), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('fatalities_low', sa.Integer(), nullable=True),
    sa.Column('fatalities_best', sa.Integer(), nullable=True),
    sa.Column('fatalities_high', sa.Integer(), nullable=True),
    sa.Column('certainty', sa.String(length=12), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.CheckConstraint("certainty IN ('confirmed', 'reported', 'likely', 'alleged', 'rumoured')", name=op.f('ck_events_certainty')),
    sa.CheckConstraint("date_precision IN ('day', 'week', 'month', 'year', 'range')", name=op.f('ck_events_date_precision')),
    sa.CheckConstraint('(fatalities_low IS NULL OR fatalities_low >= 0) AND (fatalities_best IS NULL OR fatalities_best >= 0) AND (fatalities_high IS NULL OR fatalities_high >= 0)', name=op.f('ck_events_fatalities_nonnegative')),
    sa.CheckConstraint('date_end >= date_start', name=op.f('ck_events_date_order')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_events_location_id_locations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_events_source_id_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('external_scheme', 'external_id', name=op.f('uq_events_external_scheme_external_id')),
    sa.UniqueConstraint('source_id', 'key', name=op.f('uq_events_source_id_key'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_date_start_date_end', ['date_start', 'date_end'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_event_type'), ['event_type'], unique=False)
        batch_op.create_index('ix_events_location_id_date_start', ['location_id', 'date_start'], unique=False)

    op.create_table('location_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('normalized', sa.String(length=300), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_location_aliases_location_id_locations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_location_aliases_source_id_sources'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_location_aliases')),
    sa.UniqueConstraint('location_id', 'normalized', name=op.f('uq_location_aliases_location_id_normalized'))
    )
    with op.batch_alter_table('location_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_location_aliases_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_location_aliases_normalized'), ['normalized'], unique=False)

    op.create_table('location_sources',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_location_sources_location_id_locations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_location_sources_source_id_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('location_id', 'source_id', name=op.f('pk_location_sources'))
    )
    with op.batch_alter_table('location_sources', schema=None) as batch_op:
        batch_op.create_index('ix_location_sources_source_id', ['source_id'], unique=False)

    op.create_table('assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('certainty', sa.String(length=12), nullable=False),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("certainty IN ('confirmed', 'reported', 'likely', 'alleged', 'rumoured')", name=op.f('ck_assessments_certainty')),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_assessments_actor_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_assessments_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_assessments_location_id_locations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_assessments_source_id_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments')),
    sa.UniqueConstraint('source_id', 'key', name=op.f('uq_assessments_source_id_key'))
    )
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessments_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_location_id'), ['location_id'], unique=False)

    op.create_table('control_spans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('start_min', sa.Date(), nullable=True),
    sa.Column('start_max', sa.Date(), nullable=True),
    sa.Column('start_precision', sa.String(length=10), nullable=True),
    sa.Column('end_min', sa.Date(), nullable=True),
    sa.Column('end_max', sa.Date(), nullable=True),
    sa.Column('end_precision', sa.String(length=10), nullable=True),
    sa.Column('begun_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('certainty', sa.String(length=12), nullable=False),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.CheckConstraint("certainty IN ('confirmed', 'reported', 'likely', 'alleged', 'rumoured')", name=op.f('ck_control_spans_certainty')),
    sa.CheckConstraint("status IN ('held', 'contested', 'partial', 'besieged')", name=op.f('ck_control_spans_status')),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_control_spans_actor_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['begun_by_id'], ['events.id'], name=op.f('fk_control_spans_begun_by_id_events'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ended_by_id'], ['events.id'], name=op.f('fk_control_spans_ended_by_id_events'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_control_spans_location_id_locations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_control_spans_source_id_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_control_spans')),
    sa.UniqueConstraint('source_id', 'key', name=op.f('uq_control_spans_source_id_key'))
    )
    with op.batch_alter_table('control_spans', schema=None) as batch_op:
        batch_op.create_index('ix_control_spans_actor_id_start_min', ['actor_id', 'start_min'], unique=False)
        batch_op.create_index('ix_control_spans_location_id_start_min', ['location_id', 'start_min'], unique=False)

    op.create_table('event_actors',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("role IN ('actor1', 'actor2', 'assoc_actor1', 'assoc_actor2', 'perpetrator', 'target', 'participant')", name=op.f('ck_event_actors_role')),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_event_actors_actor_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_actors_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'actor_id', 'role', name=op.f('pk_event_actors'))
    )
    with op.batch_alter_table('event_actors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_actors_actor_id'), ['actor_id'], unique=False)

    op.create_table('event_sources',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_sources_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_event_sources_source_id_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'source_id', name=op.f('pk_event_sources'))
    )
    with op.batch_alter_table('event_sources', schema=None) as batch_op:
        batch_op.create_index('ix_event_sources_source_id', ['source_id'], unique=False)

    op.create_table('relation_sources',
    sa.Column('relation_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['relation_id'], ['actor_relations.id'], name=op.f('fk_relation_sources_relation_id_actor_relations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_relation_sources_source_id_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('relation_id', 'source_id', name=op.f('pk_relation_sources'))
    )
    with op.batch_alter_table('relation_sources', schema=None) as batch_op:
        batch_op.create_index('ix_relation_sources_source_id', ['source_id'], unique=False)

    op.create_table('control_sources',
    sa.Column('span_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_control_sources_source_id_sources'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['span_id'], ['control_spans.id'], name=op.f('fk_control_sources_span_id_control_spans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('span_id', 'source_id', name=op.f('pk_control_sources'))
    )
    with op.batch_alter_table('control_sources', schema=None) as batch_op:
        batch_op.create_index('ix_control_sources_source_id', ['source_id'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('control_sources', schema=None) as batch_op:
        batch_op.drop_index('ix_control_sources_source_id')

    op.drop_table('control_sources')
    with op.batch_alter_table('relation_sources', schema=None) as batch_op:
        batch_op.drop_index('ix_relation_sources_source_id')

    op.drop_table('relation_sources')
    with op.batch_alter_table('event_sources', schema=None) as batch_op:
        batch_op.drop_index('ix_event_sources_source_id')

    op.drop_table('event_sources')
    with op.batch_alter_table('event_actors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_actors_actor_id'))

    op.drop_table('event_actors')
    with op.batch_alter_table('control_spans', schema=None) as batch_op:
        batch_op.drop_index('ix_control_spans_location_id_start_min')
        batch_op.drop_index('ix_control_spans_actor_id_start_min')

    op.drop_table('control_spans')
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessments_location_id'))
        batch_op.drop_index(batch_op.f('ix_assessments_event_id'))
        batch_op.drop_index(batch_op.f('ix_assessments_actor_id'))

    op.drop_table('assessments')
    with op.batch_alter_table('location_sources', schema=None) as batch_op:
        batch_op.drop_index('ix_location_sources_source_id')

    op.drop_table('location_sources')
    with op.batch_alter_table('location_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_location_aliases_normalized'))
        batch_op.drop_index(batch_op.f('ix_location_aliases_location_id'))

    op.drop_table('location_aliases')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_location_id_date_start')
        batch_op.drop_index(batch_op.f('ix_events_event_type'))
        batch_op.drop_index('ix_events_date_start_date_end')

    op.drop_table('events')
    with op.batch_alter_table('actor_sources', schema=None) as batch_op:
        batch_op.drop_index('ix_actor_sources_source_id')

    op.drop_table('actor_sources')
    with op.batch_alter_table('actor_relations', schema=None) as batch_op:
        batch_op.drop_index('ix_actor_relations_other_id')
        batch_op.drop_index(batch_op.f('ix_actor_relations_actor_id'))

    op.drop_table('actor_relations')
    with op.batch_alter_table('actor_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_aliases_normalized'))
        batch_op.drop_index(batch_op.f('ix_actor_aliases_actor_id'))

    op.drop_table('actor_aliases')
    op.drop_table('sources')
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_locations_parent_id'))
        batch_op.drop_index('ix_locations_latitude_longitude')

    op.drop_table('locations')
    op.drop_table('actors')
    
