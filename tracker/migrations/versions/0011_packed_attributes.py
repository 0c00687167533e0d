"""packed attributes: a dataset row's other columns as a layout's array, not a JSON object

``dataset_records.attributes`` held each imported row's other columns as a JSON
object, 286 characters an ACLED row (40% of a store of whole exports), most of it
key names and values the record holds already (the year of its date, its
timestamp, its coordinates). From this revision it holds the packed form of
``tracker.ingest.attributes``: the name of a frozen layout, then the values in its
order, ``1`` for a value the record itself gives. The upgrade packs what is stored;
the downgrade writes the objects back, key for key the same.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""
from __future__ import annotations

import json
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from tracker.ingest.attributes import LAYOUT_OF, Facts, pack, unpack

revision: str = '0011'
down_revision: Union[str, None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BATCH = 20_000


def _convert(packing: bool) -> None:
    conn = op.get_bind()
    records = sa.table('dataset_records', sa.column('event_id', sa.Integer), sa.column('attributes', sa.Text))
    read = sa.text(
        "SELECT r.event_id, r.attributes, r.stamp, r.recorded_date, e.latitude, e.longitude, e.external_scheme "
        "FROM dataset_records r JOIN events e ON e.id = r.event_id "
        "WHERE r.attributes IS NOT NULL AND r.event_id > :after ORDER BY r.event_id LIMIT :n")
    write = (sa.update(records).where(records.c.event_id == sa.bindparam('eid'))
             .values(attributes=sa.bindparam('packed')))
    after = 0
    while True:
        rows = conn.execute(read, {'after': after, 'n': BATCH}).all()
        if not rows:
            return
        changes = []
        for eid, text, stamp, recorded, lat, lon, scheme in rows:
            facts = Facts(stamp, recorded, lat, lon)
            if text.startswith('{') != packing or scheme not in LAYOUT_OF:
                continue  # already in the form wanted, or a scheme without a layout (kept as an object)
            attributes = unpack(text, facts)
            new = pack(scheme, attributes, facts) if packing else json.dumps(attributes, ensure_ascii=False,
                                                                             separators=(',', ':'))
            if new != text:
                changes.append({'eid': eid, 'packed': new})
        if changes:
            conn.execute(write, changes)
        after = rows[-1][0]


def upgrade() -> None:
    _convert(packing=True)


def downgrade() -> None:
    _convert(packing=False)
