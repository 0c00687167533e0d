"""control evidence: the reading of transfer notes on derived spans; hedged map areas

Derived spans keep what the notes said happened to the ground (``reading``,
JSON: the phrases, whether the gain was temporary, when it ended); map areas
keep the certainty their label gives and the hedging words. Existing spans
and areas read as before (no reading; certainty ``reported``) until the next
``tracker derive-control`` or control import re-reads them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""
from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

CERTAINTIES = "'confirmed', 'reported', 'likely', 'alleged', 'rumoured'"


def upgrade() -> None:
    with op.batch_alter_table('control_spans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reading', sa.Text(), nullable=True))
    with op.batch_alter_table('control_areas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certainty', sa.String(length=12), server_default='reported', nullable=False))
        batch_op.add_column(sa.Column('hedge', sa.String(length=200), nullable=True))
        batch_op.create_check_constraint('certainty', f"certainty IN ({CERTAINTIES})")


def downgrade() -> None:
    with op.batch_alter_table('control_areas', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_control_areas_certainty'), type_='check')
        batch_op.drop_column('hedge')
        batch_op.drop_column('certainty')
    with op.batch_alter_table('control_spans', schema=None) as batch_op:
        batch_op.drop_column('reading')
