"""PostGIS, where the database has it: the ``geog`` columns of revision 0005 as a radius prefilter.

On PostgreSQL with PostGIS, ``locations`` and ``gazetteer_places`` carry a
generated ``geography(Point, 4326)`` column with a GiST index. A radius query
then selects candidates with ``ST_DWithin`` on that index instead of a
latitude/longitude box; the exact geodesic test (geopy) still decides, so the
answers are the same with or without PostGIS.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

# A prefilter must never drop a point the exact test would keep: PostGIS's
# spheroid distance and geopy's agree far better than this margin.
_MARGIN = 1.001
_MARGIN_M = 1.0


def geography_schema(session: Session, table: str) -> str | None:
    """The schema of the PostGIS extension when ``table`` has its ``geog`` column; None otherwise.

    Asked once per database connection (migrations dispose of the pool, so an
    upgrade or downgrade is seen).
    """
    if session.get_bind().dialect.name != "postgresql":
        return None
    cache = session.connection().info.setdefault("tracker_geography_schema", {})
    if table not in cache:
        cache[table] = _ask(session, table)
    return cache[table]


def _ask(session: Session, table: str) -> str | None:
    return session.execute(text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'postgis' AND EXISTS (SELECT 1 FROM pg_attribute "
        "WHERE attrelid = to_regclass(:table) AND attname = 'geog' AND NOT attisdropped)"),
        {"table": table}).scalar()


def within_km(schema: str, table: str, latitude: float, longitude: float, km: float):
    """``table.geog`` lies within (a hair over) ``km`` of the point: ST_DWithin on the GiST index."""
    s = '"' + schema.replace('"', '""') + '"'
    return text(
        f"{s}.st_dwithin({table}.geog, {s}.st_setsrid({s}.st_makepoint(:gis_lon, :gis_lat), 4326)::{s}.geography, "
        ":gis_m)").bindparams(gis_lon=float(longitude), gis_lat=float(latitude), gis_m=km * 1000 * _MARGIN + _MARGIN_M)


__all__ = ["geography_schema", "within_km"]
