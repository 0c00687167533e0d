"""The schema exists only through Alembic, and the migrations match the models."""

import datetime as dt
import json

import pytest
from alembic import command
from alembic.util.exc import CommandError
from sqlalchemy import inspect

from tracker import db
from tracker.model import Base


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


def _schema_tables(url: str) -> set[str]:
    """The model's tables, and on SQLite the full-text index of events with its shadow tables (0008)."""
    tables = set(Base.metadata.tables)
    if url.startswith("sqlite"):
        tables |= {"event_search", *(f"event_search_{part}" for part in ("data", "idx", "docsize", "config"))}
    return tables


def test_upgrade_downgrade_upgrade_through_the_cli(empty_run):
    run = empty_run
    assert _tables(run.url) == set()
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert _tables(run.url) == _schema_tables(run.url)
    assert run("db", "current").stdout.strip() == f"{db.head_revision(db.make_engine(run.url))} (head)"

    result = run("db", "downgrade", "base")
    assert result.exit_code == 0, result.output
    assert _tables(run.url) == set()
    assert run("db", "current").stdout.startswith("base")

    assert run("db", "upgrade").exit_code == 0
    assert _tables(run.url) == _schema_tables(run.url)


def test_first_use_creates_and_migrates(empty_run):
    run = empty_run
    assert _tables(run.url) == set()
    result = run("sources")
    assert result.exit_code == 0, result.output
    assert _tables(run.url) == _schema_tables(run.url)


def test_a_database_behind_head_is_refused_with_advice(sqlite_url, run):
    engine = db.make_engine(sqlite_url)
    db.upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'old'")
    engine.dispose()
    from click.testing import CliRunner

    from tracker.cli import cli

    result = CliRunner().invoke(cli, ["--db", sqlite_url, "sources"])
    assert result.exit_code == 1
    assert "run `tracker db upgrade`" in result.stderr


def test_history_lists_the_initial_revision(run):
    result = run("db", "history")
    assert result.exit_code == 0
    assert "0001" in result.stdout and "initial schema" in result.stdout


def test_schema_head_constant_matches_alembic(empty_sqlite_url):
    engine = db.make_engine(empty_sqlite_url)
    assert db.SCHEMA_HEAD == db.head_revision(engine)
    engine.dispose()


def _old_store(url):
    """A store as tracker wrote it at revision 0005: the 2016 realtime file's 2460RTA had overwritten
    the 2015 file's (its version kept as a revision), and a pruned event's last version."""
    engine = db.make_engine(url)
    db.upgrade(engine, "0005")
    now = "2026-11-30 12:00:00"
    with engine.begin() as conn:
        sql = conn.exec_driver_sql
        for sid, name in ((1, "ACLED-All-Africa-File_20150201-to-20150228_csv.csv"),
                          (2, "ACLED-All-Africa-File_20160101-to-20160528_csv.csv")):
            sql("INSERT INTO sources (id, key, kind, title, file_name, loaded_at) VALUES "
                f"({sid}, 'acled:{sid}', 'dataset', 'ACLED export {name}', '/data/{name}', '{now}')")
        sql("INSERT INTO locations (id, name, kind, country_code) VALUES (1, 'Congo', 'country', 'CD'), "
            "(2, 'Bunia', 'town', 'CD'), (3, 'Egypt', 'country', 'EG'), (4, 'Abu Sunbul', 'town', 'EG')")
        sql("UPDATE locations SET parent_id = 1 WHERE id = 2")
        sql("UPDATE locations SET parent_id = 3 WHERE id = 4")
        sql("INSERT INTO actors (id, name, kind) VALUES (1, 'Protesters (Egypt)', 'protesters'), "
            "(2, 'Mai-Mai Militia', 'political militia')")
        sql("INSERT INTO events (id, source_id, key, external_scheme, external_id, date_start, date_end, "
            "date_precision, event_type, location_id, fatalities_best, certainty, description) VALUES "
            "(1, 2, '2460RTA', 'acled', '2460RTA', '2016-02-22', '2016-02-22', 'day', 'Protests', 4, 0, 'reported', "
            "'A protest in Abu Sunbul.')")
        sql("INSERT INTO event_actors (event_id, actor_id, role, position) VALUES (1, 1, 'actor1', 0)")
        sql("INSERT INTO dataset_records (event_id, content_hash, stamp, country, recorded_at) VALUES "
            f"(1, 'h2016', NULL, 'Egypt', '{now}')")
        bunia = {"external_id": "2460RTA", "date": "2015-02-22", "event_type": "Battles", "sub_type": "Armed clash",
                 "place": "Congo > Bunia", "location_id": 2, "actors": ["actor1: Mai-Mai Militia"],
                 "fatalities_low": None, "fatalities_best": 2, "fatalities_high": None,
                 "description": "Clashes near Bunia.", "cited": "Radio Okapi", "attributes": {"year": "2015"},
                 "stamp": None, "content_hash": "h2015"}
        pruned = dict(bunia, external_id="2461RTA", date="2015-02-23", content_hash="h2461")
        for rid, ext, change, content in ((1, "2460RTA", "updated", bunia), (2, "2461RTA", "deleted", pruned)):
            sql("INSERT INTO event_revisions (id, event_id, external_scheme, external_id, source_id, recorded_from, "
                f"recorded_until, change, content) VALUES ({rid}, {1 if rid == 1 else 'NULL'}, 'acled', '{ext}', 1, "
                f"'2026-11-29 10:00:00', '{now}', '{change}', '{json.dumps(content)}')")
        if conn.dialect.name == "postgresql":
            for table in ("sources", "locations", "actors", "events", "event_revisions"):
                sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    engine.dispose()


def test_0006_separates_realtime_events_an_earlier_version_merged(empty_db_url):
    from tracker import Store

    db_url = empty_db_url
    _old_store(db_url)
    engine = db.make_engine(db_url)
    db.upgrade(engine)  # what `tracker db upgrade` does
    engine.dispose()
    store = Store(db_url)
    events = sorted((e["external_id"], e["release"], e["place"], e["fatalities_best"], e["actor1"])
                    for e in store.events())
    assert events == [("2460RTA", "2015", "Bunia", 2, ["Mai-Mai Militia"]),
                      ("2460RTA", "2016", "Abu Sunbul", 0, ["Protesters (Egypt)"])]
    assert [(h["status"], h["valid_from"]) for h in store.event_history("2460RTA@2015")] == [("current", "2015-02-28")]
    assert [(h["status"], h["valid_from"]) for h in store.event_history("2460RTA@2016")] == [("current", "2016-05-28")]
    assert [h["status"] for h in store.event_history("2461RTA")] == ["superseded", "deleted"]
    assert [e["external_id"] for e in store.events(start="2015-02-01", end="2015-02-28")] == ["2460RTA"]
    store.close()


def test_0006_downgrade_refuses_what_the_older_schema_cannot_hold(empty_db_url):
    db_url = empty_db_url
    _old_store(db_url)
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    with pytest.raises(Exception, match="2460RTA|dataset ids are held by several events"):
        db.downgrade(engine, "0005")
    assert db.current_revision(engine) == db.SCHEMA_HEAD
    engine.dispose()


def test_0009_says_which_kept_versions_stood_and_when(empty_db_url):
    """A store of 0008: TST4 stood as export A said (loaded at 10:00) until export B superseded it at
    11:00; export C (older, loaded at 12:00) gave a version that never stood."""
    from tracker import Store

    engine = db.make_engine(empty_db_url)
    db.upgrade(engine, "0008")
    with engine.begin() as conn:
        sql = conn.exec_driver_sql
        for sid, hour in ((1, 10), (2, 11), (3, 12)):
            sql("INSERT INTO sources (id, key, kind, title, loaded_at) VALUES "
                f"({sid}, 'acled:{sid}', 'dataset', 'ACLED export {sid}', '2026-11-30 {hour}:00:00')")
        sql("INSERT INTO locations (id, name, kind, country_code) VALUES (1, 'Darnah', 'town', 'LY')")
        sql("INSERT INTO events (id, source_id, key, external_scheme, external_id, external_key, date_start, date_end, "
            "date_precision, event_type, location_id, fatalities_best, certainty, description) VALUES "
            "(1, 2, 'TST4', 'acled', 'TST4', 'TST4', '2015-06-13', '2015-06-13', 'day', 'Battles', 1, 70, "
            "'reported', 'Revised.')")
        sql("INSERT INTO dataset_records (event_id, content_hash, stamp, recorded_date, country, recorded_at) VALUES "
            "(1, 'hB', 1500000000, '2015-06-13', 'Libya', '2026-11-30 11:00:00')")
        old = {"key": "TST4", "date": "2015-06-13", "event_type": "Battles", "location_id": 1, "actor_ids": [],
               "fatalities_best": 7, "description": "First."}
        for rid, sid, digest, written in ((1, 1, "hA", "11:00"), (2, 3, "hC", "12:00")):
            sql("INSERT INTO event_revisions (id, event_id, external_scheme, external_id, external_key, source_id, "
                f"change, stamp, content_hash, country, recorded_date, recorded_at, content) VALUES ({rid}, 1, 'acled', "
                f"'TST4', 'TST4', {sid}, 'version', 1434153600, '{digest}', 'Libya', '2015-06-13', "
                f"'2026-11-30 {written}:00', '{json.dumps(dict(old, fatalities_best=7 if rid == 1 else 5))}')")
        if conn.dialect.name == "postgresql":
            for table in ("sources", "locations", "events", "event_revisions"):
                sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    db.upgrade(engine)
    with engine.connect() as conn:
        stood = conn.exec_driver_sql("SELECT id, stood_from, stood_until FROM event_revisions ORDER BY id").all()
        first = conn.exec_driver_sql("SELECT id, first_loaded_at FROM sources ORDER BY id").all()
    engine.dispose()
    at = lambda hour: dt.datetime(2026, 11, 30, hour)  # noqa: E731
    assert [(i, _moment(a), _moment(b)) for i, a, b in stood] == [(1, at(10), at(11)), (2, None, None)]
    assert [(i, _moment(a)) for i, a in first] == [(1, at(10)), (2, at(11)), (3, at(12))]
    store = Store(empty_db_url)
    assert [e["fatalities_best"] for e in store.events(as_of="2026-11-30T10:30")] == [7]
    assert [e["fatalities_best"] for e in store.events(as_of="2026-11-30T11:30")] == [70]
    assert store.events(as_of="2026-11-30T09:00").all() == []
    store.close()


def _moment(value):
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def test_0012_keeps_every_participant_in_a_table_without_rowid(empty_db_url):
    engine = db.make_engine(empty_db_url)
    db.upgrade(engine, "0011")
    with engine.begin() as conn:
        sql = conn.exec_driver_sql
        sql("INSERT INTO sources (id, key, kind, title, loaded_at) VALUES (1, 's', 'report', 'S', '2026-12-03 10:00:00')")
        sql("INSERT INTO actors (id, name, kind) VALUES (1, 'ISIS', 'rebel group'), (2, 'MSC Derna', 'rebel group')")
        for eid in (1, 2):
            sql("INSERT INTO events (id, source_id, key, date_start, date_end, date_precision, event_type, certainty) "
                f"VALUES ({eid}, 1, 'e{eid}', '2015-06-09', '2015-06-09', 'day', 'Battles', 'reported')")
        sql("INSERT INTO event_actors (event_id, actor_id, role, position) VALUES "
            "(1, 1, 'actor1', 0), (1, 2, 'actor2', 1), (2, 2, 'actor1', 0)")

    def participants():
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT event_id, actor_id, role, position FROM event_actors "
                                        "ORDER BY event_id, actor_id").all()

    def without_rowid():
        with engine.connect() as conn:
            return "WITHOUT ROWID" in conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'event_actors'").scalar()

    rows = [(1, 1, "actor1", 0), (1, 2, "actor2", 1), (2, 2, "actor1", 0)]
    db.upgrade(engine)
    assert participants() == rows
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        assert without_rowid()
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM events WHERE id = 2")  # the participants go with their event
    assert participants() == rows[:2]
    db.downgrade(engine, "0011")
    assert participants() == rows[:2]
    if sqlite:
        assert not without_rowid()
    engine.dispose()


def test_vacuum_gives_the_space_of_deleted_rows_back(run, tmp_path):
    """After the events of an export are gone, ``db vacuum`` shrinks the store and keeps the rest."""
    from conftest import ROOT

    from tracker.db.maintenance import store_bytes

    syria = ROOT / "tests" / "data" / "ucdp" / "ged191_syria_sample.csv"
    assert run("import", "ucdp", str(syria)).exit_code == 0
    assert run("load", str(ROOT / "seeds" / "derna-2015.yaml")).exit_code == 0
    engine = db.make_engine(run.url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM events WHERE external_scheme = 'ucdp'")
    sqlite = run.url.startswith("sqlite")

    def free_pages():
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return conn.exec_driver_sql("PRAGMA freelist_count").scalar()

    if sqlite:
        assert free_pages() > 0
    before = store_bytes(engine)
    result = run("db", "vacuum")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"{db.describe(run.url)}: ") and " MB -> " in result.stderr
    if sqlite:
        assert free_pages() == 0 and store_bytes(engine) < before
    engine.dispose()
    events = run("events", "--format", "json")
    assert events.exit_code == 0 and len(json.loads(events.stdout)) == 11  # the seed's events, untouched
