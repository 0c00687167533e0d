"""How the schema would be spread over a Citus cluster, and what Citus would refuse in it today.

docs/scaling.md is the design; this module is its table-by-table plan, in a form a test checks
against the models (tests/core/test_distribution.py). Citus (distributed PostgreSQL) holds a
*distributed* table in shards spread over its workers by the hash of one column, and a
*reference* table whole on every node. It refuses, in a distributed table:

- a primary key or unique constraint without the distribution column (uniqueness is checked
  shard by shard);
- a distribution column that may be NULL (a row must hash to a shard);
- a foreign key to another distributed table that is not co-located with it on the
  distribution columns of both;
- ``ON DELETE SET NULL / SET DEFAULT`` (or ``ON UPDATE`` actions) on a foreign key that holds
  the distribution column;
- a ``GENERATED … AS IDENTITY`` column;

and a foreign key from a reference table to a distributed one.

:func:`refusals` lists what Citus would refuse in a schema under :data:`PLAN`. The ones the
schema has today are :data:`KNOWN_REFUSALS`, each with the change that lifts it
(docs/scaling.md, "What the schema must change"); the test fails on any other, so that no
new table, key or constraint moves the schema further from a cluster unseen.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ForeignKeyConstraint, MetaData, Table, UniqueConstraint

REFERENCE = "reference"

# Every table: its distribution column, or REFERENCE. The events and what hangs off one event
# are co-located by the event's id (one event's participants, sources, dataset record on one
# shard); their history is spread by the identity it is kept under.
PLAN: dict[str, str] = {
    "events": "id",
    "event_actors": "event_id",
    "event_sources": "event_id",
    "dataset_records": "event_id",
    "event_revisions": "external_key",
    # Small, joined with everything, or read whole by the control questions: on every node.
    "sources": REFERENCE,
    "actors": REFERENCE,
    "actor_aliases": REFERENCE,
    "actor_relations": REFERENCE,
    "actor_sources": REFERENCE,
    "relation_sources": REFERENCE,
    "locations": REFERENCE,
    "location_aliases": REFERENCE,
    "location_sources": REFERENCE,
    "gazetteer_places": REFERENCE,
    "gazetteer_names": REFERENCE,
    "geocoder_answers": REFERENCE,
    "dataset_coverages": REFERENCE,
    "control_spans": REFERENCE,
    "control_sources": REFERENCE,
    "control_snapshots": REFERENCE,
    "control_areas": REFERENCE,
    "control_area_snapshots": REFERENCE,
    "assessments": REFERENCE,
}

# Co-location groups: distributed tables whose shards line up, so that a foreign key or a join
# between them stays on one worker.
COLOCATED: dict[str, str] = {
    "events": "event", "event_actors": "event", "event_sources": "event", "dataset_records": "event",
    "event_revisions": "identity",
}


@dataclass(frozen=True, order=True)
class Refusal:
    table: str
    what: str  # the constraint or column, as "uq_events_source_id_key" or "fk event_id -> events"
    why: str

    def __str__(self) -> str:
        return f"{self.table}: {self.what}: {self.why}"


# What the schema of today would be refused, and the change that lifts each (docs/scaling.md).
KNOWN_REFUSALS: dict[tuple[str, str], str] = {
    ("events", "uq_events_source_id_key"):
        "the identity keys move to an identity table distributed by the key (event_identities)",
    ("events", "uq_events_external_scheme_external_key"):
        "the identity keys move to an identity table distributed by the key (event_identities)",
    ("event_revisions", "primary key (id)"): "the primary key becomes (external_key, id)",
    ("event_revisions", "fk event_id -> events"):
        "the event id becomes a pointer the importer keeps (it already nulls it when it deletes)",
    ("assessments", "fk event_id -> events"):
        "the event id becomes a pointer the loader keeps, checked by `tracker check`",
    ("control_spans", "fk begun_by_id -> events"):
        "the event ids become pointers the control derivation keeps, checked by `tracker check`",
    ("control_spans", "fk ended_by_id -> events"):
        "the event ids become pointers the control derivation keeps, checked by `tracker check`",
}


def _names(columns) -> list[str]:
    return [c.name for c in columns]


def _unique_keys(table: Table) -> list[tuple[str, list[str]]]:
    keys = [(f"primary key ({', '.join(_names(table.primary_key.columns))})", _names(table.primary_key.columns))]
    keys += [(str(c.name or "unique"), _names(c.columns)) for c in table.constraints if isinstance(c, UniqueConstraint)]
    keys += [(str(i.name or "unique index"), _names(i.columns)) for i in table.indexes if i.unique]
    return keys


def refusals(metadata: MetaData, plan: dict[str, str] = PLAN, colocated: dict[str, str] = COLOCATED) -> list[Refusal]:
    """What Citus would refuse in ``metadata``'s tables distributed as ``plan`` says."""
    out: list[Refusal] = []
    for name, table in metadata.tables.items():
        if name == "alembic_version":
            continue
        kind = plan.get(name)
        if kind is None:
            out.append(Refusal(name, "table", "not in the plan: say whether it is distributed (by which column) "
                                              "or a reference table"))
            continue
        if kind == REFERENCE:
            for fk in table.constraints:
                if isinstance(fk, ForeignKeyConstraint) and plan.get(fk.referred_table.name, REFERENCE) != REFERENCE:
                    out.append(Refusal(name, f"fk {', '.join(_names(fk.columns))} -> {fk.referred_table.name}",
                                       "a reference table cannot point into a distributed one"))
            continue
        column = table.columns.get(kind)
        if column is None:
            out.append(Refusal(name, kind, "the distribution column is not in the table"))
            continue
        if column.nullable and not column.primary_key:
            out.append(Refusal(name, kind, "the distribution column may be NULL"))
        for key, columns in _unique_keys(table):
            if kind not in columns:
                out.append(Refusal(name, key, f"a unique key without the distribution column {kind}"))
        for col in table.columns:
            if col.identity is not None:
                out.append(Refusal(name, col.name, "an identity column in a distributed table"))
        for fk in table.constraints:
            if not isinstance(fk, ForeignKeyConstraint):
                continue
            target = fk.referred_table.name
            what = f"fk {', '.join(_names(fk.columns))} -> {target}"
            holds_key = kind in _names(fk.columns)
            if holds_key and (fk.ondelete or "").upper() in ("SET NULL", "SET DEFAULT"):
                out.append(Refusal(name, what, "ON DELETE SET NULL on a key that holds the distribution column"))
            if plan.get(target, REFERENCE) == REFERENCE:
                continue
            pairs = {e.parent.name: e.column.name for e in fk.elements}
            if colocated.get(name) != colocated.get(target) or pairs.get(kind) != plan[target]:
                out.append(Refusal(name, what, "a foreign key between distributed tables that are not co-located "
                                               "on their distribution columns"))
    return sorted(out)
