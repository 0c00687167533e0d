"""Fixtures: a database per test on SQLite and on PostgreSQL, made fast from templates.

The schema is migrated once per session into a template: a SQLite file that
each test copies (2 ms), and a PostgreSQL database each test's is created
from (``CREATE DATABASE … TEMPLATE``). A PostgreSQL database a test leaves at
head is emptied (``TRUNCATE … RESTART IDENTITY``) and handed to the next test
instead of being dropped; one it changed the schema of is dropped. The Derna
seed is a template of its own (``seeded``). Tests of the migrations
themselves, and of a database's first use, take ``empty_db_url``.

PostgreSQL tests use TRACKER_TEST_POSTGRES_URL (default: the server of this
machine). They are skipped only when no server answers, unless
TRACKER_TEST_REQUIRE_POSTGRES=1 (as in CI), where an unreachable server fails.
Slow subprocess sweeps (crashes, concurrency, packaging) are marked ``slow``:
``./scripts/test -m "not slow"`` leaves them out; CI runs everything.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import uuid
import warnings
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import MetaData, Table, create_engine, inspect, select, text
from sqlalchemy import event as sa_event
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
SEED = ROOT / "seeds" / "derna-2015.yaml"

# tracker fits tables to COLUMNS when it is set (pytest-xdist workers and some CI shells set it): the
# commands the tests run, in this process or as subprocesses, print whole tables unless a test asks.
os.environ.pop("COLUMNS", None)
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(TESTS))
from tracker.cli import cli  # noqa: E402


def _admin_url() -> str:
    return os.environ.get("TRACKER_TEST_POSTGRES_URL") or DEFAULT_PG


def _pg_engine(url: str):
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})


def _with_database(admin_url: str, name: str) -> str:
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


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


def new_pg_database(admin_url: str, template: str = "template1") -> str:
    """Create a brand-new database on the server; returns its URL."""
    name = f"tracker_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_engine(admin_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return _with_database(admin_url, name)


def drop_pg_database(admin_url: str, url: str) -> None:
    admin = _pg_engine(admin_url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_template(pg_server):
    """A template database with PostGIS already created in its own schema, where the server has it.

    Migration 0005 finds it there, exactly as it would on a team server where
    an administrator installed it. (tests/core/test_postgis.py creates it
    through the migration itself.)
    """
    if not postgis_available(pg_server):
        yield "template1"
        return
    url = new_pg_database(pg_server)
    template = _pg_engine(url)
    with template.connect() as conn:
        conn.execute(text("CREATE SCHEMA postgis"))
        conn.execute(text("CREATE EXTENSION postgis SCHEMA postgis"))
    template.dispose()
    yield make_url(url).database
    drop_pg_database(pg_server, url)


def _migrated(url: str, seed: bool = False) -> None:
    from tracker import Store

    store = Store(url)  # migrates a new database to head
    if seed:
        store.load([str(SEED)])
    store.close()


@pytest.fixture(scope="session")
def pg_migrated(pg_server, pg_template):
    """A template database at the head revision (and one with the Derna seed loaded)."""
    url = new_pg_database(pg_server, pg_template)
    _migrated(url)
    seeded = new_pg_database(pg_server, make_url(url).database)
    _migrated(seeded, seed=True)
    yield {"head": make_url(url).database, "seeded": make_url(seeded).database}
    drop_pg_database(pg_server, url)
    drop_pg_database(pg_server, seeded)


class PgPool:
    """Databases at head, emptied and reused between tests instead of created and dropped."""

    def __init__(self, admin_url: str, template: str):
        self.admin_url, self.template = admin_url, template
        self.free: list[str] = []
        self.made: list[str] = []
        self._tables: list[str] = []

    def take(self) -> str:
        if self.free:
            return self.free.pop()
        url = new_pg_database(self.admin_url, self.template)
        self.made.append(url)
        return url

    def give(self, url: str) -> None:
        """Empty the database for the next test, or drop it when the test left it at another revision."""
        from tracker import db

        engine = _pg_engine(url)
        try:
            with engine.connect() as conn:
                conn.execute(text("SET lock_timeout = '3s'"))
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                if revision != db.SCHEMA_HEAD:
                    raise LookupError(revision)
                if not self._tables:
                    self._tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
                present = set(inspect(conn).get_table_names())
                if not set(self._tables) <= present:
                    raise LookupError("tables")
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in self._tables) + " RESTART IDENTITY CASCADE"))
            self.free.append(url)
        except Exception:  # noqa: BLE001 - a database that cannot be emptied is dropped, and no test sees it again
            engine.dispose()
            drop_pg_database(self.admin_url, url)
            self.made.remove(url)
            return
        finally:
            engine.dispose()

    def close(self) -> None:
        for url in self.made:
            drop_pg_database(self.admin_url, url)


@pytest.fixture(scope="session")
def pg_pool(pg_server, pg_migrated):
    pool = PgPool(pg_server, pg_migrated["head"])
    yield pool
    pool.close()


@pytest.fixture
def pg_url(pg_pool):
    """A PostgreSQL database at head, with no rows."""
    url = pg_pool.take()
    yield url
    pg_pool.give(url)


@pytest.fixture
def empty_pg_url(pg_server, pg_template):
    """A brand-new, empty PostgreSQL database (no schema), dropped after the test."""
    url = new_pg_database(pg_server, pg_template)
    yield url
    drop_pg_database(pg_server, url)


@pytest.fixture
def seeded_pg_url(pg_server, pg_migrated):
    url = new_pg_database(pg_server, pg_migrated["seeded"])
    yield url
    drop_pg_database(pg_server, url)


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory):
    """SQLite files at head: empty, and with the Derna seed loaded."""
    folder = tmp_path_factory.mktemp("templates")
    out = {}
    for name, seed in (("head", False), ("seeded", True)):
        path = folder / f"{name}.db"
        _migrated(f"sqlite:///{path}", seed=seed)
        import sqlite3

        with sqlite3.connect(path) as conn:  # the whole file in one piece, to be copied
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        out[name] = path
    return out


def _copy(template: Path, dest: Path) -> str:
    shutil.copyfile(template, dest)
    return f"sqlite:///{dest}"


@pytest.fixture
def sqlite_url(sqlite_templates, tmp_path):
    """A SQLite file at head, with no rows."""
    return _copy(sqlite_templates["head"], tmp_path / "tracker.db")


@pytest.fixture
def empty_sqlite_url(tmp_path):
    """A SQLite file that does not exist yet."""
    return f"sqlite:///{tmp_path / 'tracker.db'}"


@pytest.fixture
def seeded_sqlite_url(sqlite_templates, tmp_path):
    return _copy(sqlite_templates["seeded"], tmp_path / "tracker.db")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    """Each test that takes it runs once on SQLite and once on PostgreSQL, on a database at head."""
    return request.getfixturevalue(f"{request.param}_url".replace("postgresql", "pg"))


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request):
    """A database with no schema yet, on each backend (for migrations and first use)."""
    return request.getfixturevalue("empty_sqlite_url" if request.param == "sqlite" else "empty_pg_url")


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded_url(request):
    """A database with the Derna seed loaded, on each backend."""
    return request.getfixturevalue("seeded_sqlite_url" if request.param == "sqlite" else "seeded_pg_url")


@pytest.fixture
def new_db(request, db_url, tmp_path):
    """Make further databases at head on the backend of ``db_url``."""
    made: list[str] = []
    pool = request.getfixturevalue("pg_pool") if not db_url.startswith("sqlite") else None

    def make() -> str:
        if pool is None:
            url = _copy(request.getfixturevalue("sqlite_templates")["head"], tmp_path / f"extra-{len(made)}.db")
        else:
            url = pool.take()
        made.append(url)
        return url

    yield make
    if pool is not None:
        for url in made:
            pool.give(url)


NAME_FIELDS = ("place", "admin1", "admin2")
ACTOR_FIELDS = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "other_actors")


def normalized_names(record: dict) -> dict:
    """An event record with its place, area and actor names by their matching keys (which spelling
    became an entity's own name depends on which file came first)."""
    from tracker.names.normalize import normalize_name

    e = dict(record)
    for k in NAME_FIELDS:
        e[k] = normalize_name(e[k])
    for k in ACTOR_FIELDS:
        e[k] = sorted(normalize_name(a) for a in e[k])
    return e


def comparable(store) -> dict:
    """What a store says of its imported events, as it would compare between two stores.

    Events by their dataset identity (not the integer ids a store hands out),
    actors and places by their normalized names (which spelling of a name
    became an entity's own is the first seen), and each event's history as
    (status, what changed, version clock, export, content) lines.
    """

    out = {}
    for e in store.events():
        if not e["external_id"]:
            continue
        e = normalized_names(e)
        e.pop("id")
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
def seeded(seeded_url):
    """A store with the Derna seed loaded."""
    from tracker import Store

    s = Store(seeded_url)
    yield s
    s.close()


class Run:
    """Drive the CLI as a user would, against one database."""

    def __init__(self, url: str):
        self.url = url
        self.runner = CliRunner()
        self.cli = cli

    def __call__(self, *args: str, input=None, env=None):
        # Tables fit COLUMNS when it is set: the tests see whole tables unless they ask for a width.
        env = {"COLUMNS": "", **(env or {})}
        return self.runner.invoke(cli, ["--db", self.url, *args], input=input, env=env, catch_exceptions=False)


@pytest.fixture
def run(db_url):
    return Run(db_url)


@pytest.fixture
def seeded_run(seeded_url):
    """The CLI against a database with the Derna seed loaded."""
    return Run(seeded_url)


@pytest.fixture
def empty_run(empty_db_url):
    """The CLI against a database that has no schema yet."""
    return Run(empty_db_url)


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
    from tracker.db import make_engine

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


def full_text_terms(path) -> list[tuple]:
    """Every term of a SQLite store's full-text index with the number of events and of times it holds
    it (fts5vocab), after FTS5's own integrity check: two stores with the same terms index the same text."""
    con = sqlite3.connect(str(path).removeprefix("sqlite:///"))
    try:
        con.execute("INSERT INTO event_search (event_search) VALUES ('integrity-check')")
        con.execute("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, event_search, 'row')")
        return con.execute("SELECT term, doc, cnt FROM temp.terms ORDER BY term").fetchall()
    finally:
        con.close()
