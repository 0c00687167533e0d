"""Unifying duplicates: two actors (or two places) that are one.

An import may bring in ACLED's "Darnah Residents" beside a report's "Derna
residents" before anyone has written the alias that joins them. ``merge_actors(keep, other)`` folds ``other`` into
``keep``: every name of ``other`` becomes an alias of ``keep``, every record
that refers to ``other`` (event participants, control spans, relations,
assessments, source links, and the tables of any later feature) then refers
to ``keep``, and ``other`` is deleted. Places likewise, children included.

The references are found from the schema's foreign keys, not listed by hand,
so that tables added later move too. Where moving a row would duplicate one
``keep`` already has (the same event and role, the same source link, the same
alias), the duplicate is dropped: nothing is lost.
"""

from __future__ import annotations

from sqlalchemy import Table, UniqueConstraint, and_, delete, exists, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from tracker.errors import TrackerError
from tracker.model import Base
from tracker.model.entities import Actor, ActorAlias, ActorRelation, Location, LocationAlias
from tracker.names.normalize import normalize_name
from tracker.names.resolve import ancestors


def _unique_sets(table: Table) -> list[set[str]]:
    sets = [{c.name for c in table.primary_key.columns}]
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            sets.append({c.name for c in constraint.columns})
    for index in table.indexes:
        if index.unique:
            sets.append({c.name for c in index.columns})
    return [s for s in sets if s]


def repoint(conn: Connection, referred: str, keep: int, other: int) -> dict[str, int]:
    """Make every foreign key to ``referred.id`` = ``other`` point at ``keep``; returns rows moved per column."""
    moved: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name != referred or fk.column.name != "id":
                continue
            column = fk.parent
            for unique in _unique_sets(table):
                if column.name not in unique:
                    continue
                rest = unique - {column.name}
                twin = table.alias("twin")
                same = [twin.c[column.name] == keep] + [twin.c[r] == table.c[r] for r in rest]
                conn.execute(delete(table).where(column == other, exists().where(and_(*same))))
            count = conn.execute(update(table).where(column == other).values({column.name: keep})).rowcount
            if count:
                moved[f"{table.name}.{column.name}"] = count
    return moved


def _fill(conn: Connection, table: Table, keep_row, other_row, columns: list[str], keep_id: int) -> list[str]:
    """Copy the values ``keep`` lacks from ``other``; returns the columns filled."""
    values = {c: getattr(other_row, c) for c in columns
              if getattr(keep_row, c) in (None, "") and getattr(other_row, c) not in (None, "")}
    if values:
        conn.execute(update(table).where(table.c.id == keep_id).values(values))
    return sorted(values)


def _ensure_alias(conn: Connection, alias_table: Table, owner: str, owner_id: int, name: str) -> None:
    key = normalize_name(name)
    if not key:
        return
    have = conn.execute(select(func.count()).select_from(alias_table).where(
        alias_table.c[owner] == owner_id, alias_table.c.normalized == key)).scalar()
    if not have:
        conn.execute(alias_table.insert().values({owner: owner_id, "name": name, "normalized": key}))


def merge_actors(session: Session, keep: Actor, other: Actor) -> dict:
    """Fold ``other`` into ``keep`` (keeping every alias and every reference); returns what moved."""
    if keep.id == other.id:
        raise TrackerError(f"{keep.name!r} and {other.name!r} are the same actor (#{keep.id})")
    session.flush()
    conn = session.connection()
    table = Actor.__table__
    keep_row = conn.execute(select(table).where(table.c.id == keep.id)).one()
    other_row = conn.execute(select(table).where(table.c.id == other.id)).one()
    filled = _fill(conn, table, keep_row, other_row, ["country", "description"], keep.id)
    if keep_row.kind == "other" and other_row.kind != "other":
        conn.execute(update(table).where(table.c.id == keep.id).values(kind=other_row.kind))
        filled.append("kind")
    moved = repoint(conn, "actors", keep.id, other.id)
    # A relation between the two is now a relation of the actor with itself: meaningless.
    rel = ActorRelation.__table__
    dropped = conn.execute(delete(rel).where(rel.c.actor_id == rel.c.other_id)).rowcount
    _ensure_alias(conn, ActorAlias.__table__, "actor_id", keep.id, other_row.name)
    conn.execute(delete(table).where(table.c.id == other.id))
    session.expire_all()
    return _summary("actor", keep_row, other_row, moved, filled, dropped_self_relations=dropped)


def merge_places(session: Session, keep: Location, other: Location) -> dict:
    """Fold place ``other`` into ``keep``: aliases, references and children move to ``keep``."""
    if keep.id == other.id:
        raise TrackerError(f"{keep.name!r} and {other.name!r} are the same place (#{keep.id})")
    if any(a.id == other.id for a in ancestors(keep)):
        raise TrackerError(f"cannot merge {other.name!r} (#{other.id}) into {keep.name!r} (#{keep.id}): "
                           f"{keep.name!r} lies inside it (merge the other way round)")
    session.flush()
    conn = session.connection()
    table = Location.__table__
    keep_row = conn.execute(select(table).where(table.c.id == keep.id)).one()
    other_row = conn.execute(select(table).where(table.c.id == other.id)).one()
    filled = _fill(conn, table, keep_row, other_row, ["country_code", "geonames_id", "description", "parent_id"],
                   keep.id)
    if keep_row.latitude is None and other_row.latitude is not None:
        conn.execute(update(table).where(table.c.id == keep.id).values(
            latitude=other_row.latitude, longitude=other_row.longitude, coord_precision=other_row.coord_precision))
        filled.append("coordinates")
    moved = repoint(conn, "locations", keep.id, other.id)
    _ensure_alias(conn, LocationAlias.__table__, "location_id", keep.id, other_row.name)
    conn.execute(delete(table).where(table.c.id == other.id))
    session.expire_all()
    return _summary("place", keep_row, other_row, moved, filled)


def _summary(what: str, keep_row, other_row, moved: dict[str, int], filled: list[str], **extra) -> dict:
    total = sum(moved.values())
    parts = ", ".join(f"{n} {k}" for k, n in sorted(moved.items())) or "nothing referred to it"
    fill = f"; took its {', '.join(filled)}" if filled else ""
    headline = (f"merged {what} {other_row.name!r} (#{other_row.id}) into {keep_row.name!r} (#{keep_row.id}): "
                f"moved {total} references ({parts}){fill}")
    return {"headline": headline, "kept": keep_row.id, "merged": other_row.id, "moved": moved, "filled": filled,
            **extra}
