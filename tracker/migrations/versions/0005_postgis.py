"""postgis: geography columns and GiST indexes where PostGIS is installed

On PostgreSQL with the PostGIS extension available, ``locations`` and
``gazetteer_places`` get a ``geog`` column (geography(Point, 4326), generated
from latitude/longitude, so nothing has to keep it in step) with a GiST
index, which then serves as the prefilter of radius queries. The extension is
used where it is already installed (in any schema), otherwise created in its
own schema ``postgis`` so that its ``spatial_ref_sys`` table stays out of
tracker's. Where PostGIS is not available, or the user may not create it,
this revision changes nothing and the portable bounding-box path serves.
SQLite: nothing to do.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""
from __future__ import annotations

from typing import Optional, Sequence, Union

from alembic import op
from sqlalchemy.exc import DBAPIError

revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLES = ("locations", "gazetteer_places")


def _installed_schema(bind) -> Optional[str]:
    return bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'postgis'").scalar()


def _postgis_schema(bind) -> Optional[str]:
    schema = _installed_schema(bind)
    if schema is not None:
        return schema
    if not bind.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").scalar():
        return None
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE SCHEMA IF NOT EXISTS postgis")
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA postgis")
    except DBAPIError:
        return None  # not allowed to create it here: the portable path serves
    return "postgis"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = _postgis_schema(bind)
    if schema is None:
        return
    s = '"' + schema.replace('"', '""') + '"'
    for table in TABLES:
        bind.exec_driver_sql(
            f"ALTER TABLE {table} ADD COLUMN geog {s}.geography(Point, 4326) GENERATED ALWAYS AS "
            f"({s}.st_setsrid({s}.st_makepoint(longitude, latitude), 4326)::{s}.geography) STORED")
        bind.exec_driver_sql(f"CREATE INDEX ix_{table}_geog ON {table} USING gist (geog)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in TABLES:
        bind.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN IF EXISTS geog")  # its index goes with it
