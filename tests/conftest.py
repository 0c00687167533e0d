"""Fixtures: a fresh SQLite file and a fresh PostgreSQL database per test.

PostgreSQL tests use TRACKER_TEST_POSTGRES_URL (default: the server of this
machine). They are skipped only when no server answers, unless
TRACKER_TEST_REQUIRE_POSTGRES=1 (as in CI), where an unreachable server fails.
"""

from __future__ import annotations

import os
import uuid
import warnings
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, select, text, MetaData, Table
from sqlalchemy import event as sa_event
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "derna-2015.yaml"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"

import sys

sys.path.insert(0, str(ROOT))
from tracker.cli import cli  # noqa: E402


def _admin_url() -> str:
    return os.environ.get("TRACKER_TEST_POSTGRES_URL") or DEFAULT_PG


def _pg_engine(url: str):
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})


@pytest.fixture(scope="session")
def pg_server():
    """The admin URL of a PostgreSQL server that answers (or a skip)."""
    url = _admin_url()
    engine = _pg_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "no server"
        if os.environ.get("TRACKER_TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL required but not reachable at {make_url(url).host}: {exc}")
        pytest.skip(f"no PostgreSQL server answers at {make_url(url).host}")
    finally:
        engine.dispose()
    return url


def postgis_available(admin_url: str) -> bool:
    engine = _pg_engine(admin_url)
    try:
        with engine.connect() as conn:
            return bool(conn.scalar(text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def pg_template(pg_server):
    """A template database with PostGIS already created in its own schema, where the server has it.

    Creating the extension takes about 0.4 s; copying a template that has it
    costs nothing more than copying template1. Migration 0005 finds it there,
    exactly as it would on a team server where an administrator installed it.
    (tests/test_postgis.py creates it through the migration itself.)
    """
    if not postgis_available(pg_server):
        yield "template1"
        return
    name = f"tracker_template_{uuid.uuid4().hex[:12]}"
    admin = _pg_engine(pg_server)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    template = _pg_engine(make_url(pg_server).set(database=name).render_as_string(hide_password=False))
    with template.connect() as conn:
        conn.execute(text("CREATE SCHEMA postgis"))
        conn.execute(text("CREATE EXTENSION postgis SCHEMA postgis"))
    template.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def new_pg_database(admin_url: str, template: str = "template1") -> str:
    """Create a brand-new database on the server; returns its URL."""
    name = f"tracker_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_engine(admin_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(admin_url: str, url: str) -> None:
    admin = _pg_engine(admin_url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_url(pg_server, pg_template):
    """A brand-new, empty PostgreSQL database, dropped after the test."""
    url = new_pg_database(pg_server, pg_template)
    yield url
    drop_pg_database(pg_server, url)


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'tracker.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    """Each test that takes it runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def new_db(request, db_url, tmp_path):
    """Make further empty databases on the backend of ``db_url`` (dropped after the test)."""
    made: list[str] = []

    def make() -> str:
        if db_url.startswith("sqlite"):
            url = f"sqlite:///{tmp_path / f'extra-{len(made)}.db'}"
        else:
            url = new_pg_database(request.getfixturevalue("pg_server"), request.getfixturevalue("pg_template"))
        made.append(url)
        return url

    yield make
    for url in made:
        if not url.startswith("sqlite"):
            drop_pg_database(request.getfixturevalue("pg_server"), url)


def comparable(store) -> dict:
    """What a store says of its imported events, as it would compare between two stores.

    Events by their dataset identity (not the integer ids a store hands out),
    actors and places by their normalized names (which spelling of a name
    became an entity's own is the first seen), and each event's history as
    (status, what changed, version clock, export, content) lines.
    """
    from tracker.names.normalize import normalize_name

    out = {}
    for e in store.events():
        if not e["external_id"]:
            continue
        e = dict(e)
        e.pop("id")
        e["place"] = normalize_name(e["place"])
        e["actors"] = [normalize_name(a) for a in e["actors"].split("; ")]
        e["history"] = [(h["status"], h["changed"], h["valid_from"], h["export"], h["date"], h["type"],
                         h["fatalities_best"], h["description"])
                        for h in store.event_history(f"{e['dataset']}:{e['key']}")]
        out[e["key"]] = e
    return out


@pytest.fixture
def store(db_url):
    from tracker import Store

    s = Store(db_url)
    yield s
    s.close()


@pytest.fixture
def seeded(store):
    store.load([str(SEED)])
    return store


class Run:
    """Drive the CLI as a user would, against one database."""

    def __init__(self, url: str):
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str, input=None):
        return self.runner.invoke(cli, ["--db", self.url, *args], input=input, catch_exceptions=False)


@pytest.fixture
def run(db_url):
    return Run(db_url)


@contextmanager
def recorded_statements(engine):
    """The (statement, parameters) pairs that ``engine`` sends while the block runs."""
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, params, context, many):
        statements.append((statement, params))

    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)


def snapshot(url: str) -> dict:
    """Every row of every table, to show that a failed load changed nothing."""
    from tracker.db.engine import make_engine

    engine = make_engine(url)
    out = {}
    with engine.connect() as conn, warnings.catch_warnings():
        # PostGIS's geography type (revision 0005) is unknown to SQLAlchemy; its values compare as text.
        warnings.filterwarnings("ignore", message=r"Did not recognize type '.*geography'")
        for name in sorted(inspect(conn).get_table_names()):
            table = Table(name, MetaData(), autoload_with=conn)
            rows = conn.execute(select(table)).all()
            out[name] = sorted(tuple(str(v) for v in row) for row in rows)
    engine.dispose()
    return out
