"""The schema exists only through Alembic, and the migrations match the models."""

import pytest
from alembic import command
from alembic.util.exc import CommandError
from sqlalchemy import inspect

from tracker import db
from tracker.models import Base


def _tables(url):
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_no_drift_between_models_and_migrations(db_url):
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    try:
        command.check(db.alembic_config(engine))  # raises when autogenerate finds a difference
    finally:
        engine.dispose()


def test_drift_is_detected(sqlite_url):
    """The check above can fail: an upgraded schema missing a table is drift."""
    engine = db.make_engine(sqlite_url)
    db.upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE assessments")
    with pytest.raises(CommandError, match="New upgrade operations detected"):
        command.check(db.alembic_config(engine))
    engine.dispose()


def test_upgrade_downgrade_upgrade_through_the_cli(run):
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert _tables(run.url) == set(Base.metadata.tables)
    assert run("db", "current").stdout.strip() == f"{db.head_revision(db.make_engine(run.url))} (head)"

    result = run("db", "downgrade", "base")
    assert result.exit_code == 0, result.output
    assert _tables(run.url) == set()
    assert run("db", "current").stdout.startswith("base")

    assert run("db", "upgrade").exit_code == 0
    assert _tables(run.url) == set(Base.metadata.tables)


def test_first_use_creates_and_migrates(run):
    result = run("sources")
    assert result.exit_code == 0, result.output
    assert _tables(run.url) == set(Base.metadata.tables)


def test_a_database_behind_head_is_refused_with_advice(sqlite_url, run):
    engine = db.make_engine(sqlite_url)
    db.upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'old'")
    engine.dispose()
    from cli import cli
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["--db", sqlite_url, "sources"])
    assert result.exit_code == 1
    assert "run `tracker db upgrade`" in result.stderr


def test_history_lists_the_initial_revision(run):
    result = run("db", "history")
    assert result.exit_code == 0
    assert "0001" in result.stdout and "initial schema" in result.stdout


def test_schema_head_constant_matches_alembic(sqlite_url):
    engine = db.make_engine(sqlite_url)
    assert db.SCHEMA_HEAD == db.head_revision(engine)
    engine.dispose()
