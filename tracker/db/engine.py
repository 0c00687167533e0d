"""Connecting to the store: the URL, the engine with the pragmas tracker relies on, sessions, the writers' lock.

The database is named by a URL: ``--db``, else ``TRACKER_DATABASE_URL``, else a
SQLite file ``tracker.db`` in the working directory. A plain
``postgresql://user@host/db`` uses the psycopg driver that ships with tracker.
The schema is tracker.db.migrations' business.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

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
    immediate = conn.get_execution_options().get("tracker_writer", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str | None = None) -> Engine:
    """An engine for the URL, with the pragmas tracker relies on for SQLite."""
    parsed = _normalize_url(database_url(url))
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(parsed, pool_pre_ping=True)
    return engine


@contextmanager
def connect(engine: Engine):
    """A connection, turning "cannot reach the server" into one clear line."""
    try:
        conn = engine.connect()
    except (OperationalError, DBAPIError) as exc:
        raise DatabaseError(f"cannot open {describe(engine.url)}: {_first_line(exc)}") from None
    try:
        yield conn
    finally:
        conn.close()


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    line = text[0] if text else exc.__class__.__name__
    return line


# Any fixed number: the key of the PostgreSQL advisory lock that writers share.
WRITER_LOCK_KEY = 0x7472_6B72


@contextmanager
def session_scope(engine: Engine, writer: bool = False) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error.

    A ``writer`` session first takes the database-wide writer lock (SQLite:
    ``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped advisory lock), so
    two loads or imports at once give the same result as one after the other
    (no duplicate actors or places from a race). Readers are never blocked:
    SQLite runs in WAL mode and PostgreSQL readers do not take that lock.
    """
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    session = factory()
    try:
        if writer:
            conn = session.connection(execution_options={"tracker_writer": True})
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK_KEY})")
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
