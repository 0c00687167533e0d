"""The database: engines and sessions for SQLite and PostgreSQL, the writers' lock, and the
Alembic migrations that are the only way the schema is made or changed."""

from tracker.db.engine import (  # noqa: F401
    database_url,
    describe,
    make_engine,
    migrations_dir,
    alembic_config,
    head_revision,
    current_revision,
    connect,
    upgrade,
    downgrade,
    ensure_schema,
    session_scope,
    SCHEMA_HEAD,
    WRITER_LOCK_KEY,
)

__all__ = ["database_url", "describe", "make_engine", "migrations_dir", "alembic_config", "head_revision", "current_revision", "connect", "upgrade", "downgrade", "ensure_schema", "session_scope", "SCHEMA_HEAD", "WRITER_LOCK_KEY"]
