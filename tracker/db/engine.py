"""Connecting to the store: the URL, the engine with the pragmas tracker relies on, sessions, the writers' lock.

The database is named by a URL: ``--db``, else ``TRACKER_DATABASE_URL``, else a
SQLite file ``tracker.db`` in the working directory. A plain
``postgresql://user@host/db`` uses the psycopg driver that ships with tracker.
The schema is tracker.db.migrations' business.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from tracker.errors import DatabaseError

DEFAULT_URL = "sqlite:///tracker.db"
ENV_VAR = "TRACKER_DATABASE_URL"


def database_url(url: str | None = None) -> str:
    """The URL to use: the one given, else the environment, else ./tracker.db."""
    return url or os.environ.get(ENV_VAR) or DEFAULT_URL


def _normalize_url(url: str):
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        shown = re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)  # never a password in a message
        why = f" ({exc})" if isinstance(exc, ValueError) and "int()" not in str(exc) else (
            " (the port is not a number)" if isinstance(exc, ValueError) else "")
        raise DatabaseError(f"not a database URL: {shown!r}{why} (try sqlite:///file.db or "
                            "postgresql://user@host/db)") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(f"unsupported database {parsed.get_backend_name()!r}: tracker runs on SQLite and PostgreSQL")
    return parsed


def describe(url) -> str:
    """Host and database of a URL, never its password."""
    parsed = _normalize_url(str(url)) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite file {parsed.database or ':memory:'}"
    host = parsed.host or "localhost"
    port = f":{parsed.port}" if parsed.port else ""
    return f"database {parsed.database!r} on {host}{port}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # tracker issues BEGIN itself (see _sqlite_begin), so that writers can take
    # the write lock up front instead of failing to upgrade a read lock later.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn) -> None:
    options = conn.get_execution_options()
    if not options.get("tracker_writer", False):
        conn.exec_driver_sql("BEGIN")
        return
    wait: WriterWait | None = options.get("tracker_wait")
    if wait is None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # (the busy timeout's 30 s)
        _mark_sqlite_writer(conn)
        return
    conn.exec_driver_sql("PRAGMA busy_timeout = 0")  # ask, and wait here: the waiter can say who holds it
    try:
        while True:
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                break
            except OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                wait.blocked(_sqlite_holder(conn), describe(conn.engine.url))
    finally:
        conn.exec_driver_sql("PRAGMA busy_timeout = 30000")
    _mark_sqlite_writer(conn)


# -- who holds the writers' lock, for the one that waits --------------------------------------------
def _sidecar(conn) -> str | None:
    database = conn.engine.url.database
    return f"{database}.writer" if database and database != ":memory:" else None


def _mark_sqlite_writer(conn) -> None:
    """Say in FILE.writer which process writes now (removed when its transaction ends)."""
    import datetime as dt

    path = _sidecar(conn)
    if path is None:
        return
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M:%S')} UTC\n")
    except OSError:
        pass  # a courtesy to the next writer: never a reason to fail


def _unmark_sqlite_writer(conn) -> None:
    path = _sidecar(conn)
    if path is None:
        return
    try:
        with open(path, encoding="utf-8") as fh:
            mine = fh.read().split(" ", 1)[0] == str(os.getpid())
        if mine:
            os.remove(path)
    except OSError:
        pass


def _sqlite_holder(conn) -> str:
    path = _sidecar(conn)
    try:
        with open(path or "", encoding="utf-8") as fh:
            pid, _, since = fh.read().strip().partition(" ")
        return f"pid {pid} since {since}"
    except OSError:
        return "a process that did not say which"


def _postgres_holder(conn) -> str:
    row = conn.exec_driver_sql(
        "SELECT a.application_name, a.pid, to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
        f"AND l.objid = {WRITER_LOCK_KEY} AND l.database = (SELECT oid FROM pg_database WHERE datname = "
        "current_database()) LIMIT 1").first()
    if row is None:
        return "a process that has just finished"
    name, backend, since = row
    who = name.removeprefix("tracker ") if name and name.startswith("tracker pid ") else f"server backend {backend}"
    return f"{who} since {since} UTC"


@dataclass
class WriterWait:
    """How long a writer waits for the writers' lock, and whom it tells that it waits."""

    seconds: float = 120.0
    on_wait: Callable[[str], None] | None = None
    started: float | None = None
    told: bool = False

    def blocked(self, holder: str, target: str) -> None:
        """Called while the lock is held by ``holder``: sleeps a little, or fails when the time is up."""
        now = time.monotonic()
        if self.started is None:
            self.started = now
        if not self.told and self.on_wait is not None:
            self.on_wait(f"waiting for another tracker process to finish writing ({holder})")
            self.told = True
        if now - self.started >= self.seconds:
            raise DatabaseError(f"{target} is busy: another tracker process ({holder}) was still writing after "
                                f"{self.seconds:g} s; try again when it is done, or wait longer with --wait SECONDS")
        time.sleep(min(0.2, max(0.01, self.seconds - (now - self.started))))


def make_engine(url: str | None = None) -> Engine:
    """An engine for the URL, with the pragmas tracker relies on for SQLite."""
    parsed = _normalize_url(database_url(url))
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:  # the server shows which tracker process holds a lock (tracker.db.engine._postgres_holder)
        engine = create_engine(parsed, pool_pre_ping=True,
                               connect_args={"application_name": f"tracker pid {os.getpid()}"})
    return engine


@contextmanager
def connect(engine: Engine):
    """A connection, turning "cannot reach the server" into one clear line."""
    try:
        conn = engine.connect()
    except (OperationalError, DBAPIError) as exc:
        raise DatabaseError(f"cannot open {describe(engine.url)}: {first_line(exc)}") from None
    try:
        yield conn
    finally:
        conn.close()


def first_line(exc: Exception) -> str:
    """The first line of a database error's own message (the driver's, not SQLAlchemy's wrapping)."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else exc.__class__.__name__


# Any fixed number: the key of the PostgreSQL advisory lock that writers share.
WRITER_LOCK_KEY = 0x7472_6B72


@contextmanager
def session_scope(engine: Engine, writer: bool = False, wait: WriterWait | None = None) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error.

    A ``writer`` session first takes the database-wide writer lock (SQLite:
    ``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped advisory lock), so
    two loads or imports at once give the same result as one after the other
    (no duplicate actors or places from a race). Readers are never blocked:
    SQLite runs in WAL mode and PostgreSQL readers do not take that lock.
    With ``wait``, a writer that finds the lock held says so (whom, since when)
    and waits up to ``wait.seconds``, then fails in one line.
    """
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    session = factory()
    conn = None
    try:
        if writer:
            conn = session.connection(execution_options={"tracker_writer": True, "tracker_wait": wait})
            if conn.dialect.name == "postgresql":
                if wait is None:
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK_KEY})")
                else:
                    while not conn.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({WRITER_LOCK_KEY})").scalar():
                        wait.blocked(_postgres_holder(conn), describe(engine.url))
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        if conn is not None and conn.dialect.name == "sqlite":
            _unmark_sqlite_writer(conn)
        session.close()
