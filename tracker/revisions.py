"""What an imported event said over time: its versions and the one current at a date.

When a newer export changes a row, the importer updates the event in place
and keeps the previous version as an :class:`~tracker.models.EventRevision`
(``recorded_from`` .. ``recorded_until``: when the store held it); a pruning
import keeps the last version of each event it deletes the same way. The
current version is the event itself, recorded at its dataset record's
``recorded_at``.

>>> store.event_history("LBY1234")                 # doctest: +SKIP
>>> store.event_history("LBY1234", as_of="2020-05-01")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Callable, Optional

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .dates import FuzzyDate, parse_fuzzy_date
from .errors import AmbiguousName, Candidate, TrackerError, UnknownName
from .models import Actor, DatasetRecord, Event, EventActor, EventRevision, Location, Source

# Fields compared between versions, in the order a reader expects them.
VERSION_FIELDS = ("date", "event_type", "sub_type", "place", "actors", "fatalities_low", "fatalities_best",
                  "fatalities_high", "description", "cited", "attributes")


def _place_path_from_db(conn: Connection) -> Callable[[Optional[int]], str]:
    cache: dict[int, tuple[str, Optional[int]]] = {}

    def path(pid: Optional[int]) -> str:
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


def snapshot_versions(conn: Connection, event_ids: list[int], places=None) -> dict[int, dict]:
    """The stored version of each imported event: its source, when it was recorded, and its content."""
    path = places.path_names if places is not None else _place_path_from_db(conn)
    out: dict[int, dict] = {}
    if not event_ids:
        return out
    e, r = Event.__table__, DatasetRecord.__table__
    for i in range(0, len(event_ids), 5000):
        chunk = event_ids[i:i + 5000]
        rows = conn.execute(select(e, r.c.content_hash, r.c.stamp, r.c.country, r.c.cited, r.c.attributes,
                                   r.c.recorded_at).join(r, r.c.event_id == e.c.id).where(e.c.id.in_(chunk)))
        for row in rows:
            out[row.id] = {
                "source_id": row.source_id,
                "recorded_at": row.recorded_at,
                "content": {
                    "external_id": row.external_id,
                    "date": str(FuzzyDate(row.date_start, row.date_end, row.date_precision)),
                    "event_type": row.event_type,
                    "sub_type": row.sub_type,
                    "place": path(row.location_id),
                    "location_id": row.location_id,
                    "actors": [],
                    "fatalities_low": row.fatalities_low,
                    "fatalities_best": row.fatalities_best,
                    "fatalities_high": row.fatalities_high,
                    "description": row.description,
                    "cited": row.cited,
                    "attributes": json.loads(row.attributes) if row.attributes else {},
                    "stamp": row.stamp,
                    "content_hash": row.content_hash,
                },
            }
        people = conn.execute(
            select(EventActor.event_id, EventActor.role, Actor.name)
            .join(Actor, Actor.id == EventActor.actor_id)
            .where(EventActor.event_id.in_(chunk))
            .order_by(EventActor.event_id, EventActor.position, EventActor.role)
        )
        for event_id, role, name in people:
            if event_id in out:
                out[event_id]["content"]["actors"].append(f"{role}: {name}")
    return out


# -- finding an imported event ------------------------------------------------------------------
def _external(ident: str) -> tuple[Optional[str], str]:
    text = ident.strip()
    if ":" in text:
        scheme, _, ext = text.partition(":")
        if scheme.lower() in ("acled", "ucdp"):
            return scheme.lower(), ext.strip()
    return None, text


def find_history_subject(session: Session, ident: str) -> tuple[Optional[int], str, str]:
    """(event id or None when deleted, scheme, external id) of ``#ID``, ``LBY1234`` or ``acled:LBY1234``."""
    text = ident.strip()
    if text.startswith("#") and text[1:].isdigit():
        event = session.get(Event, int(text[1:]))
        if event is None:
            raise UnknownName("event", ident)
        if event.external_scheme is None:
            raise TrackerError(f"event {ident} was not imported from a dataset: it has no versions to show")
        return event.id, event.external_scheme, event.external_id
    scheme, ext = _external(text)
    query = select(Event.id, Event.external_scheme, Event.external_id).where(Event.external_id == ext)
    if scheme:
        query = query.where(Event.external_scheme == scheme)
    found = session.execute(query).all()
    if not found:
        rq = select(EventRevision.external_scheme, EventRevision.external_id).where(EventRevision.external_id == ext)
        if scheme:
            rq = rq.where(EventRevision.external_scheme == scheme)
        gone = sorted(set(session.execute(rq).all()))
        if len(gone) == 1:
            return None, gone[0][0], gone[0][1]
        found = [(None, s, x) for s, x in gone]
    if not found:
        raise UnknownName("imported event", ident)
    if len(found) > 1:
        raise AmbiguousName("event id", ident, [Candidate(eid or 0, f"{s}:{x}", s, None) for eid, s, x in found])
    return found[0][0], found[0][1], found[0][2]


def event_history(session: Session, ident: str) -> list[dict]:
    """Every version of an imported event, oldest first, each saying what changed."""
    event_id, scheme, ext = find_history_subject(session, ident)
    conn = session.connection()
    sources = {s.id: s.title for s in session.scalars(select(Source).where(Source.kind == "dataset"))}
    versions = []
    revisions = session.scalars(
        select(EventRevision)
        .where(EventRevision.external_scheme == scheme, EventRevision.external_id == ext)
        .order_by(EventRevision.recorded_from, EventRevision.id)
    ).all()
    for rev in revisions:
        versions.append({"recorded_from": rev.recorded_from, "recorded_until": rev.recorded_until,
                         "status": rev.change, "source": sources.get(rev.source_id, ""),
                         "content": json.loads(rev.content)})
    if event_id is not None:
        current = snapshot_versions(conn, [event_id]).get(event_id)
        if current is not None:
            versions.append({"recorded_from": current["recorded_at"], "recorded_until": None, "status": "current",
                             "source": sources.get(current["source_id"], ""), "content": current["content"]})
    records, previous = [], None
    for n, v in enumerate(versions, 1):
        c = v["content"]
        changed = [f for f in VERSION_FIELDS if previous is not None and previous.get(f) != c.get(f)]
        status = v["status"]
        if status == "updated":
            status = "superseded"
        records.append({
            "version": n,
            "id": f"{scheme}:{ext}",
            "recorded_from": _moment(v["recorded_from"]),
            "recorded_until": _moment(v["recorded_until"]),
            "status": status,
            "changed": ", ".join(changed) if previous is not None else "(first version)",
            "date": c.get("date"),
            "type": c.get("event_type"),
            "sub_type": c.get("sub_type") or "",
            "place": c.get("place") or "",
            "actors": "; ".join(c.get("actors") or []),
            "fatalities_best": c.get("fatalities_best"),
            "description": c.get("description") or "",
            "cited": c.get("cited") or "",
            "source": v["source"],
        })
        previous = c
    return records


def version_as_of(session: Session, ident: str, at) -> dict:
    """The version of an imported event the store held at the end of ``at`` (a fuzzy date's last day)."""
    moment = dt.datetime.combine(parse_fuzzy_date(at).latest + dt.timedelta(days=1), dt.time())
    history = event_history(session, ident)
    for version in history:
        start = dt.datetime.fromisoformat(version["recorded_from"])
        end = dt.datetime.fromisoformat(version["recorded_until"]) if version["recorded_until"] else None
        if start < moment and (end is None or moment <= end):
            return version
    first = history[0]["recorded_from"] if history else "never"
    if history and dt.datetime.fromisoformat(history[-1]["recorded_until"] or "9999-12-31") < moment:
        raise TrackerError(f"{history[-1]['id']} was deleted on {history[-1]['recorded_until'][:10]}, before the end of {at}")
    raise TrackerError(f"{ident} was not yet recorded at the end of {at} (first recorded {first[:19]})")


def _moment(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.isoformat(sep=" ", timespec="seconds")
