"""PostGIS on PostgreSQL: where the server has it, revision 0005 gives ``locations`` and
``gazetteer_places`` a generated geography column with a GiST index, and radius queries
use it as their prefilter, with the same answers as the portable path; where a user may
not create the extension, the portable path serves.

Skipped when the server has no PostGIS, unless TRACKER_TEST_REQUIRE_POSTGIS=1 (as in CI,
whose .ci/run installs Debian's postgresql-15-postgis-3).
"""

from __future__ import annotations

import os
import random
import re
import uuid

import pytest
from alembic import command
from conftest import SEED, _pg_engine, drop_pg_database, new_pg_database, postgis_available, recorded_statements
from geopy.distance import geodesic
from sqlalchemy import insert, inspect, text
from sqlalchemy.engine import make_url

from tracker import Store, db
from tracker.geo import radius
from tracker.model import Base
from tracker.model.entities import GazetteerPlace, Location


@pytest.fixture
def gis_url(pg_server):
    """A database made from template1: the migration has to create PostGIS itself."""
    if not postgis_available(pg_server):
        if os.environ.get("TRACKER_TEST_REQUIRE_POSTGIS") == "1":
            pytest.fail("PostGIS required but the PostgreSQL server does not offer the extension")
        pytest.skip("this PostgreSQL server has no PostGIS")
    url = new_pg_database(pg_server)
    yield url
    drop_pg_database(pg_server, url)


def _columns(engine, table):
    with engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns(table)}


def _extension_schema(engine):
    with engine.connect() as conn:
        return conn.scalar(text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                                "ON n.oid = e.extnamespace WHERE e.extname = 'postgis'"))


def test_the_migration_creates_postgis_in_its_own_schema(gis_url):
    engine = db.make_engine(gis_url)
    db.upgrade(engine)
    assert _extension_schema(engine) == "postgis"
    with engine.connect() as conn:
        # spatial_ref_sys stays in the extension's schema, out of tracker's tables.
        assert set(inspect(conn).get_table_names()) - {"alembic_version"} == set(Base.metadata.tables)
        indexes = dict(conn.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%_geog'")).all())
        types = dict(conn.execute(text(
            "SELECT table_name, udt_name FROM information_schema.columns WHERE column_name = 'geog'")).all())
    assert set(indexes) == {"ix_locations_geog", "ix_gazetteer_places_geog"}
    assert all("USING gist (geog)" in d for d in indexes.values())
    assert types == {"locations": "geography", "gazetteer_places": "geography"}
    command.check(db.alembic_config(engine))  # the columns the models do not name are not drift

    db.downgrade(engine, "0004")
    assert "geog" not in _columns(engine, "locations")
    db.upgrade(engine)
    assert "geog" in _columns(engine, "locations") and "geog" in _columns(engine, "gazetteer_places")
    engine.dispose()


def test_the_geography_follows_the_coordinates(gis_url):
    store = Store(gis_url)
    with store.session() as session:
        session.execute(insert(Location), [{"name": "here", "kind": "town", "latitude": 32.76704, "longitude": 22.63669},
                                           {"name": "nowhere", "kind": "town"}])
    with store.session() as session:
        session.execute(text("UPDATE locations SET latitude = 10.5 WHERE name = 'here'"))
    with store.engine.connect() as conn:
        rows = dict(conn.execute(text(
            "SELECT name, postgis.st_astext(geog) FROM locations ORDER BY name")).all())
    assert rows == {"here": "POINT(22.63669 10.5)", "nowhere": None}
    store.close()


def _scatter(center, km, n, seed):
    rng = random.Random(seed)
    for i in range(n):
        p = geodesic(kilometers=rng.uniform(0, 2 * km)).destination(center, bearing=rng.uniform(0, 360))
        yield i, p.latitude, p.longitude


@pytest.mark.parametrize("center", [(32.76704, 22.63669), (0.0, 179.9), (-33.9, -179.95), (89.5, 10.0),
                                    (-89.0, -120.0)])
def test_postgis_and_the_portable_path_give_the_same_places(gis_url, center):
    store = Store(gis_url)
    km = 300.0
    points = list(_scatter(center, km, 400, f"{center}"))
    with store.session() as session:
        session.execute(insert(Location), [{"name": f"p{i}", "kind": "village", "latitude": la, "longitude": lo}
                                           for i, la, lo in points])
        session.execute(insert(GazetteerPlace), [
            {"geonames_id": i + 1, "name": f"g{i}", "country_code": "XX", "latitude": la, "longitude": lo}
            for i, la, lo in points])
    with store.session() as session:
        c = radius.Center(*center, "c")
        with_gis = set(radius.location_ids_within(session, c, km))
        portable = set(radius.location_ids_within(session, c, km, postgis=False))
        gaz_gis = [m.geonames_id for m, _ in radius.gazetteer_places_within(session, center, km)]
        gaz_portable = [m.geonames_id for m, _ in radius.gazetteer_places_within(session, center, km, postgis=False)]
        names = dict(session.query(Location.id, Location.name).all())
    expected = {f"p{i}" for i, la, lo in points if geodesic(center, (la, lo)).km <= km}
    assert {names[i] for i in with_gis} == expected == {names[i] for i in portable}
    assert gaz_gis == gaz_portable and len(gaz_gis) == len(expected)
    assert 0 < len(expected) < 400
    store.close()


def test_radius_queries_use_the_gist_index(gis_url):
    store = Store(gis_url)
    store.load([str(SEED)])
    with store.session() as session:
        rng = random.Random(5)
        session.execute(insert(Location), [
            {"name": f"v{i}", "kind": "village", "latitude": rng.uniform(-60, 60), "longitude": rng.uniform(-180, 180)}
            for i in range(20000)])
    with store.engine.connect() as conn:
        conn.execute(text("ANALYZE locations"))
        conn.commit()
    with recorded_statements(store.engine) as statements:
        assert len(store.events(near="Derna", radius_km=50, start="2015", end="2015").all()) == 11
    plans = []
    with store.engine.connect() as conn:
        for statement, params in statements:
            if "st_dwithin" in statement:
                plans.append("\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, params).all()))
    assert plans, "the radius query did not go through PostGIS"
    joined = "\n".join(plans)
    assert "ix_locations_geog" in joined, joined
    assert not re.search(r"Seq Scan on locations", joined), joined
    store.close()


def test_a_user_who_may_not_create_postgis_gets_the_portable_path(pg_server):
    """A team server where PostGIS exists but only an administrator may enable it."""
    if not postgis_available(pg_server):
        pytest.skip("this PostgreSQL server has no PostGIS")
    role = f"tracker_plain_{uuid.uuid4().hex[:8]}"
    admin = _pg_engine(pg_server)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    url = new_pg_database(pg_server)
    database = make_url(url).database
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{database}" OWNER TO "{role}"'))
    user_url = make_url(url).set(username=role).render_as_string(hide_password=False)
    try:
        engine = db.make_engine(user_url)
        db.upgrade(engine)
        assert _extension_schema(engine) is None
        assert "geog" not in _columns(engine, "locations")
        engine.dispose()
        store = Store(user_url)
        store.load([str(SEED)])
        assert len(store.events(near="Derna", radius_km=50).all()) == 11
        assert store.events(near="32.9,22.64", radius_km=1).all() == []
        store.close()
    finally:
        drop_pg_database(pg_server, url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def test_postgis_an_administrator_put_in_public_is_used_where_it_is(gis_url):
    engine = db.make_engine(gis_url)
    with engine.connect() as conn:
        conn.execute(text("CREATE EXTENSION postgis"))  # into public, as many servers have it
        conn.commit()
    db.upgrade(engine)
    assert _extension_schema(engine) == "public"
    assert "geog" in _columns(engine, "locations")
    command.check(db.alembic_config(engine))  # spatial_ref_sys in public is PostGIS's, not drift
    engine.dispose()
    store = Store(gis_url)  # a database with spatial_ref_sys beside tracker's tables is tracker's
    store.load([str(SEED)])
    assert len(store.events(near="Derna", radius_km=50).all()) == 11
    with store.session() as session:
        assert radius.location_ids_within(session, radius.Center(32.76704, 22.63669, "Derna"), 1)
        assert session.execute(text("EXPLAIN SELECT 1 FROM locations WHERE public.st_dwithin(geog, "
                                    "public.st_makepoint(22.6, 32.7)::public.geography, 1000)")).all()
    store.close()
