"""The database: engines and sessions for SQLite and PostgreSQL, the writers' lock (tracker.db.engine),
and the Alembic migrations that are the only way the schema is made or changed (tracker.db.migrations).
"""

from tracker.db.engine import (  # noqa: F401
    DEFAULT_URL,
    ENV_VAR,
    WRITER_LOCK_KEY,
    WriterWait,
    connect,
    database_url,
    describe,
    make_engine,
    session_scope,
)
from tracker.db.migrations import (  # noqa: F401
    SCHEMA_HEAD,
    alembic_config,
    check,
    current_revision,
    downgrade,
    ensure_schema,
    head_revision,
    history,
    migrations_dir,
    stamp,
    upgrade,
)

__all__ = ["database_url", "describe", "make_engine", "connect", "session_scope", "WriterWait", "WRITER_LOCK_KEY", "DEFAULT_URL", "ENV_VAR", "migrations_dir", "alembic_config", "head_revision", "current_revision", "upgrade", "downgrade", "ensure_schema", "history", "check", "stamp", "SCHEMA_HEAD"]
