"""geography: gazetteer and geocoder cache

The GeoNames gazetteer (places and their spellings, with the normalized-name
and transliteration-key indexes), the cache of online geocoder answers, and
``locations.coord_source`` (where a point came from when no source gave it).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: Union[str, None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('gazetteer_places',
    sa.Column('geonames_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('admin1_code', sa.String(length=20), nullable=True),
    sa.Column('admin1_name', sa.String(length=200), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('geonames_id', name=op.f('pk_gazetteer_places'))
    )
    with op.batch_alter_table('gazetteer_places', schema=None) as batch_op:
        batch_op.create_index('ix_gazetteer_places_country_code', ['country_code'], unique=False)
        batch_op.create_index('ix_gazetteer_places_latitude_longitude', ['latitude', 'longitude'], unique=False)

    op.create_table('gazetteer_names',
    sa.Column('geonames_id', sa.Integer(), nullable=False),
    sa.Column('normalized', sa.String(length=400), nullable=False),
    sa.Column('name', sa.String(length=400), nullable=False),
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.ForeignKeyConstraint(['geonames_id'], ['gazetteer_places.geonames_id'], name=op.f('fk_gazetteer_names_geonames_id_gazetteer_places'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('geonames_id', 'normalized', name=op.f('pk_gazetteer_names'))
    )
    with op.batch_alter_table('gazetteer_names', schema=None) as batch_op:
        batch_op.create_index('ix_gazetteer_names_key', ['key'], unique=False)
        batch_op.create_index('ix_gazetteer_names_normalized', ['normalized'], unique=False)

    op.create_table('geocoder_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=50), nullable=False),
    sa.Column('query', sa.String(length=600), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('asked_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_geocoder_answers')),
    sa.UniqueConstraint('provider', 'query', name=op.f('uq_geocoder_answers_provider_query'))
    )

    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('coord_source', sa.String(length=30), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.drop_column('coord_source')

    op.drop_table('geocoder_answers')

    with op.batch_alter_table('gazetteer_names', schema=None) as batch_op:
        batch_op.drop_index('ix_gazetteer_names_normalized')
        batch_op.drop_index('ix_gazetteer_names_key')
    op.drop_table('gazetteer_names')

    with op.batch_alter_table('gazetteer_places', schema=None) as batch_op:
        batch_op.drop_index('ix_gazetteer_places_latitude_longitude')
        batch_op.drop_index('ix_gazetteer_places_country_code')
    op.drop_table('gazetteer_places')
