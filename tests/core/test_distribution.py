"""The schema against Citus's rules for distributed tables (docs/scaling.md, tracker.db.distribution)."""

import warnings

import pytest
from sqlalchemy import Column, ForeignKey, Identity, Integer, MetaData, String, Table, UniqueConstraint, create_engine

from tracker.db.distribution import KNOWN_REFUSALS, PLAN, REFERENCE, refusals
from tracker.model.base import Base


def test_citus_would_refuse_the_schema_only_where_the_design_says_what_must_change():
    found = {(r.table, r.what): r.why for r in refusals(Base.metadata)}
    assert sorted(found) == sorted(KNOWN_REFUSALS), "\n".join(
        f"{t}: {w}: {found.get((t, w), 'no longer refused: drop it from KNOWN_REFUSALS and docs/scaling.md')}"
        for t, w in sorted(set(found) ^ set(KNOWN_REFUSALS)))


def test_every_table_of_the_models_is_placed_and_the_plan_names_no_other():
    tables = set(Base.metadata.tables)
    assert tables == set(PLAN)
    distributed = {t: c for t, c in PLAN.items() if c != REFERENCE}
    assert distributed == {"events": "id", "event_actors": "event_id", "event_sources": "event_id",
                           "dataset_records": "event_id", "event_revisions": "external_key"}
    for table, column in distributed.items():
        assert column in Base.metadata.tables[table].columns


def test_the_migrated_postgresql_schema_is_refused_at_the_same_places(pg_url):
    engine = create_engine(pg_url)
    try:
        reflected = MetaData()
        with warnings.catch_warnings():  # PostGIS's geography type (revision 0005) is unknown to SQLAlchemy
            warnings.filterwarnings("ignore", message=r"Did not recognize type '.*geography'")
            reflected.reflect(engine)
    finally:
        engine.dispose()
    reflected.remove(reflected.tables["alembic_version"])
    assert sorted((r.table, r.what) for r in refusals(reflected)) == sorted(KNOWN_REFUSALS)



def test_each_rule_catches_what_citus_refuses():
    md = MetaData()
    Table("places", md, Column("id", Integer, primary_key=True))
    Table("reports", md, Column("id", Integer, primary_key=True), Column("key", String(10)),
          Column("place_id", ForeignKey("places.id", ondelete="SET NULL")), UniqueConstraint("key", name="uq_key"))
    Table("mentions", md, Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
          Column("n", Integer, Identity(), primary_key=True))
    Table("notes", md, Column("id", Integer, primary_key=True), Column("report_id", Integer, nullable=True),
          Column("other_id", ForeignKey("reports.id", ondelete="SET NULL")))
    Table("flags", md, Column("id", Integer, primary_key=True), Column("report_id", ForeignKey("reports.id")))
    plan = {"places": REFERENCE, "reports": "id", "mentions": "report_id", "notes": "report_id", "flags": REFERENCE}
    colocated = {"reports": "r", "mentions": "r", "notes": "r"}
    got = [str(r) for r in refusals(md, plan, colocated)]
    assert got == [
        "flags: fk report_id -> reports: a reference table cannot point into a distributed one",
        "mentions: n: an identity column in a distributed table",
        "notes: fk other_id -> reports: a foreign key between distributed tables that are not co-located on their "
        "distribution columns",
        "notes: primary key (id): a unique key without the distribution column report_id",
        "notes: report_id: the distribution column may be NULL",
        "reports: uq_key: a unique key without the distribution column id",
    ]
    # A foreign key to a reference table is allowed, and so is one between co-located tables on
    # their distribution columns (mentions.report_id -> reports.id); an unplaced table is named.
    Table("extra", md, Column("id", Integer, primary_key=True))
    assert [str(r) for r in refusals(md, plan, colocated)][0].startswith("extra: table: not in the plan")


@pytest.mark.parametrize("ondelete", ["SET NULL", "SET DEFAULT"])
def test_a_set_null_on_a_key_that_holds_the_distribution_column_is_refused(ondelete):
    md = MetaData()
    Table("a", md, Column("id", Integer, primary_key=True))
    Table("b", md, Column("a_id", ForeignKey("a.id", ondelete=ondelete), primary_key=True))
    assert [str(r) for r in refusals(md, {"a": "id", "b": "a_id"}, {"a": "x", "b": "x"})] == [
        "b: fk a_id -> a: ON DELETE SET NULL on a key that holds the distribution column"]
