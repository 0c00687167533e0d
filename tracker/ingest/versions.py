"""Which version of an imported event stands: ordered by the data's clock, never by imports.

Every export that holds an event gives a *version* of it (its content hash
and clocks); an ACLED deletion, or a pruning export that no longer holds it,
gives a *deletion*. What the store shows is a function of the set of those
records alone, so the same files imported in any order make the same store:

* Versions are ordered by ``(stamp, export, content hash)``: the row's own
  clock (ACLED ``timestamp``, else the export's date), then the export's
  clock, then the hash, so that even two versions with equal clocks order
  the same way every time. The newest version is the one that stands.
* A deletion stands when it is no older than the newest version's *seen*
  clock, the later of its row clock and its export's: an export newer than
  the deletion that still holds the event brings it back (as acledR does); an
  older export never does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from tracker.control.transfers import transfer_kind
from tracker.ingest.attributes import Facts, unpack
from tracker.model.dates import FuzzyDate
from tracker.model.entities import Actor, DatasetRecord, Event, EventActor, Location


@dataclass(frozen=True, slots=True)
class Version:
    """One export's version of an event, by its clocks and content."""

    stamp: int  # the row's clock
    export: int | None  # the export's clock; None when the file has only the rows' own
    content_hash: str

    @property
    def seen(self) -> int:
        """When this version is known to have stood: the later of its row's and its export's clocks."""
        return self.stamp if self.export is None else max(self.stamp, self.export)

    @property
    def order(self) -> tuple[int, int, str]:
        return self.stamp, self.stamp if self.export is None else self.export, self.content_hash


def newest(versions: Iterable[Version]) -> Version | None:
    """The version that stands among these (None for none)."""
    best = None
    for v in versions:
        if best is None or v.order > best.order:
            best = v
    return best


def is_newer(a: Version, b: Version | None) -> bool:
    """Whether version ``a`` supersedes ``b``."""
    return b is None or a.order > b.order


def deleted_by(version: Version | None, deletions: Iterable[int]) -> int | None:
    """The newest deletion that stands against the newest version ``version``, or None."""
    stamps = [d for d in deletions if version is None or d >= version.seen]
    return max(stamps) if stamps else None


# -- what a version says: the content kept in an event's history ---------------------------------
def _place_path_from_db(conn: Connection) -> Callable[[int | None], str]:
    cache: dict[int, tuple[str, int | None]] = {}

    def path(pid: int | None) -> str:
        names, seen = [], set()
        while pid is not None and pid not in seen:
            seen.add(pid)
            if pid not in cache:
                row = conn.execute(select(Location.name, Location.parent_id).where(Location.id == pid)).first()
                if row is None:
                    break
                cache[pid] = (row.name, row.parent_id)
            name, parent = cache[pid]
            names.append(name)
            pid = parent
        return " > ".join(reversed(names))

    return path


def _content(scheme, external_id, release, key, date_start, date_end, precision, recorded, event_type, sub_type,
             place, location_id, point, actors, actor_ids, low, best, high, description, cited, country, attributes,
             stamp, digest) -> dict:
    return {
        "scheme": scheme, "external_id": external_id, "release": release, "key": key,
        "date": str(FuzzyDate(date_start, date_end, precision)),
        "date_start": date_start.isoformat(), "date_end": date_end.isoformat(), "date_precision": precision,
        "recorded_date": recorded.isoformat() if recorded else None,
        "event_type": event_type, "sub_type": sub_type, "place": place, "location_id": location_id,
        "latitude": point[0], "longitude": point[1], "coord_precision": point[2],
        "actors": actors, "actor_ids": actor_ids,
        "fatalities_low": low, "fatalities_best": best, "fatalities_high": high,
        "description": description, "cited": cited, "country": country, "attributes": attributes,
        "stamp": stamp, "content_hash": digest,
    }


def row_content(scheme: str, row, key: str, release: str | None, location_id: int | None, people: list,
                actors, places, stamp: int, digest: str) -> dict:
    """The content of a version an importer reads from a row (the same shape as :func:`snapshot_versions`)."""
    ordered = sorted(people, key=lambda x: (x[2], x[1]))
    return _content(
        scheme, row.external_id, release, key, row.date_start, row.date_end,
        row.date_precision, row.recorded_date, row.event_type, row.sub_type, places.path_names(location_id),
        location_id, (row.latitude, row.longitude, row.coord_precision), [f"{role}: {actors.info[aid].name}" for aid, role, _ in ordered],
        [[role, aid] for aid, role, _ in ordered], row.fatalities_low, row.fatalities_best, row.fatalities_high,
        row.description, row.cited, row.country, row.attributes or {}, stamp, digest)


def snapshot_versions(conn: Connection, event_ids: list[int], places=None) -> dict[int, dict]:
    """The version that stands of each imported event: its source, clocks, and content."""
    path = places.path_names if places is not None else _place_path_from_db(conn)
    out: dict[int, dict] = {}
    if not event_ids:
        return out
    e, r = Event.__table__, DatasetRecord.__table__
    for i in range(0, len(event_ids), 5000):
        chunk = event_ids[i:i + 5000]
        rows = conn.execute(select(e, r.c.content_hash, r.c.stamp, r.c.country, r.c.cited, r.c.attributes,
                                   r.c.recorded_at, r.c.recorded_date)
                            .join(r, r.c.event_id == e.c.id).where(e.c.id.in_(chunk)))
        for row in rows:
            recorded = as_date(row.recorded_date)
            out[row.id] = {
                "source_id": row.source_id,
                "recorded_at": row.recorded_at,
                "stamp": row.stamp,
                "country": row.country,
                "recorded_date": recorded,
                "transfer": transfer_kind(row.event_type, row.sub_type) is not None,
                "content": _content(
                    row.external_scheme, row.external_id, row.external_release, row.external_key or row.external_id,
                    row.date_start, row.date_end, row.date_precision, recorded, row.event_type, row.sub_type,
                    path(row.location_id), row.location_id, (row.latitude, row.longitude, row.coord_precision), [], [],
                    row.fatalities_low, row.fatalities_best,
                    row.fatalities_high, row.description, row.cited, row.country,
                    unpack(row.attributes, Facts(row.stamp, recorded, row.latitude, row.longitude)), row.stamp,
                    row.content_hash),
            }
        people = conn.execute(
            select(EventActor.event_id, EventActor.role, EventActor.actor_id, Actor.name)
            .join(Actor, Actor.id == EventActor.actor_id)
            .where(EventActor.event_id.in_(chunk))
            .order_by(EventActor.event_id, EventActor.position, EventActor.role)
        )
        for event_id, role, actor_id, name in people:
            if event_id in out:
                out[event_id]["content"]["actors"].append(f"{role}: {name}")
                out[event_id]["content"]["actor_ids"].append([role, actor_id])
    return out


def as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
