"""The schema's one way in and out: Alembic, driven through its command API.

Each ``tracker db`` command is one ``alembic.command`` call on the migrations
that ship inside the package (``tracker:migrations``). A new, empty database
is migrated to head on first use (:func:`ensure_schema`); one behind or ahead
of this tracker is refused with the command that fixes it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from importlib import resources
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from tracker.db.engine import WRITER_LOCK_KEY, connect, describe
from tracker.errors import DatabaseError

MIGRATION_LOCK_KEY = WRITER_LOCK_KEY + 1  # who creates or migrates a store


def migrations_dir() -> Path:
    """Where the Alembic scripts are: the package ``tracker.migrations`` (Alembic's ``tracker:migrations``)."""
    return Path(str(resources.files("tracker") / "migrations"))


def alembic_config(engine: Engine, connection=None):
    """An Alembic Config bound to this engine (or an open connection)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    cfg.attributes["engine"] = engine
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision(engine: Engine) -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    # The package ships its migrations, so there is always exactly one head.
    assert head is not None, "no migrations found"
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with connect(engine) as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), revision)
    _forget_cached_schema(engine)


def _forget_cached_schema(engine: Engine) -> None:
    """Pooled PostgreSQL connections cache whether PostGIS columns exist (tracker.db.postgis)."""
    if engine.dialect.name == "postgresql":
        engine.dispose()


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)
    _forget_cached_schema(engine)


# The head revision of migrations/versions, known without importing Alembic so
# that every command does not pay for it; a test keeps it equal to Alembic's head.
SCHEMA_HEAD = "0012"


def _revision_if_any(engine: Engine) -> tuple[str | None, bool]:
    """(the stored revision or None, whether the database is empty of tracker tables)."""
    with connect(engine) as conn:
        tables = set(inspect(conn).get_table_names())
        current = None
        if "alembic_version" in tables:
            current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return current, "alembic_version" not in tables and not (tables - {"spatial_ref_sys"})


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Only one process creates or migrates a store at a time; the others wait here.

    PostgreSQL: a session advisory lock on a connection of its own (a key of
    its own: the migration's connection may take the writers' lock). SQLite: an exclusive lock on ``FILE.migrating`` beside the
    database (Alembic's connection cannot share a SQLite write lock).
    """
    if engine.dialect.name == "postgresql":
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        # Unpooled, so that the connection is gone when the lock is: a pooled one would stay
        # open on the database (and keep it from serving as a template, or being dropped).
        holder = create_engine(engine.url, poolclass=NullPool)
        try:
            with connect(holder) as conn:
                conn.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})")
                try:
                    yield
                finally:
                    conn.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})")
                    conn.commit()
        finally:
            holder.dispose()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    import fcntl

    with open(f"{database}.migrating", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if the process dies
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure_schema(engine: Engine) -> None:
    """Migrate a brand-new database to head; refuse one that is behind or ahead.

    Safe when several processes use a new store at once: the first creates it
    under :func:`migration_lock`, the others wait, look again, and find it at head.
    """
    current, empty = _revision_if_any(engine)
    if current == SCHEMA_HEAD:
        return
    if empty:
        with migration_lock(engine):
            current, empty = _revision_if_any(engine)  # another process may have made it meanwhile
            if empty:
                upgrade(engine)
                return
        if current == SCHEMA_HEAD:
            return
    current, head = current_revision(engine), head_revision(engine)
    if current != head:
        raise DatabaseError(
            f"{describe(engine.url)} is at schema revision {current or 'none'}, tracker needs {head}: "
            "run `tracker db upgrade`"
        )


def history() -> list[dict]:
    """The revisions, newest first: id, the one it follows, its message."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return [{"revision": s.revision, "down_revision": s.down_revision or "", "message": s.doc}
            for s in ScriptDirectory.from_config(cfg).walk_revisions()]


def check(engine: Engine) -> None:
    """Raise :class:`~tracker.errors.DatabaseError` when the database's schema and tracker's model differ."""
    from alembic import command
    from alembic.util.exc import CommandError

    try:
        with redirect_stdout(io.StringIO()):
            command.check(alembic_config(engine))
    except CommandError as exc:
        raise DatabaseError(f"{describe(engine.url)}: the schema differs from tracker's model: {exc}") from None


def stamp(engine: Engine, revision: str = "head") -> None:
    """Record ``revision`` as the database's schema revision without migrating (for a schema made by hand)."""
    from alembic import command

    command.stamp(alembic_config(engine), revision)
    _forget_cached_schema(engine)
