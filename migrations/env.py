"""Alembic environment: runs against a connection handed in by tracker, or a URL."""

from __future__ import annotations

import os

from alembic import context

from tracker.db import make_engine
from tracker.models import Base

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    engine = config.attributes.get("engine")
    if engine is None:
        engine = make_engine(os.environ.get("TRACKER_DATABASE_URL") or config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        _configure_and_run(connection)


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
