"""Finding events (every filter of tracker.query.filters, sorted and paged) and writing them as records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, selectinload

from tracker.control.spans import review_label, source_label
from tracker.errors import UnknownName
from tracker.model.dates import FuzzyDate
from tracker.model.entities import Actor, DatasetRecord, Event, EventActor, Location, Source, event_sources
from tracker.query.filters import REPORT, EventFilter, event_day
from tracker.query.levels import NOWHERE, PlaceLevels

SORTS = {
    "date": lambda: (event_day(), Event.date_start, Event.date_end),
    "fatalities": lambda: (func.coalesce(Event.fatalities_best, -1),),
    "place": lambda: (select(Location.name).where(Location.id == Event.location_id).scalar_subquery(),),
}


def events_query(session: Session, sort: str = "date", desc: bool = False, limit: int | None = None,
                 offset: int | None = None, **filters):
    """The query of the events matching every filter given (see :class:`EventFilter`; names resolved now).

    ``place`` includes the places inside it; ``actor`` matches any role; ``type``
    matches the type or the sub-type, ignoring case; ``near`` (a place,
    ``"LAT,LON"`` or a radius.Center) with ``radius_km`` keeps the events within
    that geodesic distance (see tracker.geo.radius). Ordered by ``sort``
    (``date``, ``fatalities`` or ``place``; ``desc`` reverses it), then by id.
    """
    if sort not in SORTS:
        raise UnknownName("sort order", sort, list(SORTS))
    conditions = EventFilter(**filters).conditions(session)
    query = select(Event).where(*conditions)
    keys = [*SORTS[sort](), Event.id]
    query = query.order_by(*[k.desc() for k in keys] if desc else keys)
    if limit:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return query


def find_events(session: Session, **filters) -> list[Event]:
    """The events matching the filters (see :func:`events_query`), as a list of ORM objects."""
    return list(session.scalars(events_query(session, **filters).options(
        selectinload(Event.participants).selectinload(EventActor.actor),
        selectinload(Event.sources),
        selectinload(Event.source),
        selectinload(Event.location),
    )))


def event_date(event: Event) -> str:
    """An event's date as people read it: a day, ``2015-06``, ``2015-W24`` or a range."""
    return str(FuzzyDate(event.date_start, event.date_end, event.date_precision))


def participants_text(event: Event) -> str:
    return "; ".join(f"{p.role}: {p.actor.name}" for p in event.participants)


# The actor columns of an event record and the roles that fill them (reports' own roles included).
ACTOR_COLUMNS = {
    "actor1": ("actor1", "perpetrator"),
    "assoc_actor_1": ("assoc_actor1",),
    "actor2": ("actor2", "target"),
    "assoc_actor_2": ("assoc_actor2",),
    "other_actors": ("participant",),
}
# Every field of an event record, in order (docs/columns.md says what each holds).
EVENT_FIELDS = [
    "id", "external_id", "key", "release", "dataset", "date", "date_start", "date_end", "precision", "type", "sub_type",
    *ACTOR_COLUMNS, "country", "iso3", "admin1", "admin2", "place", "latitude", "longitude", "geo_precision",
    "fatalities_low", "fatalities_best", "fatalities_high", "certainty", "description", "sources", "review",
]


def event_sources_of(event: Event) -> list:
    if event.external_scheme:
        # A dataset event: its file, and every other export that holds the same version.
        return sorted({event.source, *event.sources}, key=source_label)
    return event.sources or [event.source]


def event_record(event: Event, recorded: dt.date | None = None, levels: PlaceLevels | None = None) -> dict:
    """An event (an ORM object) as a flat record for output; see :func:`_record` and :data:`EVENT_FIELDS`."""
    actors: dict[str, list[str]] = {column: [] for column in ACTOR_COLUMNS}
    for p in sorted(event.participants, key=lambda p: (p.position, p.actor_id)):
        column = ROLE_COLUMN.get(p.role)
        if column:
            actors[column].append(p.actor.name)
    location = event.location
    where = levels(event.location_id) if levels is not None else NOWHERE
    point = (event.latitude, event.longitude, event.coord_precision)
    if event.latitude is None and location is not None:
        point = (location.latitude, location.longitude, location.coord_precision)
    return _record(event, recorded, where, location.name if location else "", point, actors,
                   [source_label(s) for s in event_sources_of(event)])


ROLE_COLUMN = {role: column for column, roles in ACTOR_COLUMNS.items() for role in roles}


def _record(e, recorded: dt.date | None, where, place: str, point: tuple, actors: dict, sources: list[str]) -> dict:
    """The record of an event's columns (``e``: an Event or a row with its column names).

    ``date`` is the recorded date (ACLED ``event_date``, UCDP ``date_start``), or
    for a report's event the first day of its window; ``date_start``/``date_end``
    are the window, ``precision`` how it was given.
    """
    return {
        "id": e.id,
        "external_id": e.external_id or "",
        "key": e.key,
        "release": e.external_release or "",
        "dataset": e.external_scheme or REPORT,
        "date": recorded or e.date_start,
        "date_start": e.date_start,
        "date_end": e.date_end,
        "precision": e.date_precision,
        "type": e.event_type,
        "sub_type": e.sub_type or "",
        **actors,
        "country": where.country or "",
        "iso3": where.iso3 or "",
        "admin1": where.admin1 or "",
        "admin2": where.admin2 or "",
        "place": place,
        "latitude": point[0],
        "longitude": point[1],
        "geo_precision": point[2] or "",
        "fatalities_low": e.fatalities_low,
        "fatalities_best": e.fatalities_best,
        "fatalities_high": e.fatalities_high,
        "certainty": e.certainty,
        "description": e.description or "",
        "sources": sources,
        "review": review_label(e.review),
    }


RECORD_COLUMNS = (Event.id, Event.external_id, Event.key, Event.external_release, Event.external_scheme,
                  Event.date_start, Event.date_end, Event.date_precision, Event.event_type, Event.sub_type,
                  Event.location_id, Event.latitude, Event.longitude, Event.coord_precision, Event.fatalities_low,
                  Event.fatalities_best, Event.fatalities_high, Event.certainty, Event.description, Event.source_id,
                  Event.review)


def has_drafts(session: Session, query) -> bool:
    """Whether any of a query's events is an unreviewed draft (the partial index on review finds them)."""
    pending = query.order_by(None).with_only_columns(Event.id).where(Event.review == "pending").limit(1)
    return session.execute(pending).first() is not None


def count_events(session: Session, query) -> int:
    """How many events a query of :func:`events_query` gives (before a radius cuts them)."""
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def event_records(session: Session, query, batch: int = 2000) -> Iterator[dict]:
    """The records of a query's events, streamed from the database ``batch`` at a time.

    Plain rows, not ORM objects: the events with their place and recorded date
    in one query, their actors and extra sources in one query per batch, the
    sources and places' areas read once each.
    """
    place = aliased(Location, name="record_place")
    rows = (query.with_only_columns(*RECORD_COLUMNS, place.name.label("place_name"), place.latitude.label("place_lat"),
                                    place.longitude.label("place_lon"), place.coord_precision.label("place_geo"),
                                    DatasetRecord.recorded_date)
            .outerjoin(place, place.id == Event.location_id)
            .outerjoin(DatasetRecord, DatasetRecord.event_id == Event.id))
    levels = PlaceLevels(session)
    labels: dict[int, str] = {}

    def label(source_id: int) -> str:
        if source_id not in labels:
            labels[source_id] = source_label(session.get_one(Source, source_id))
        return labels[source_id]

    for chunk in session.execute(rows.execution_options(yield_per=batch)).partitions():
        ids = [r.id for r in chunk]
        levels.prefetch(r.location_id for r in chunk)
        actors: dict[int, dict[str, list[str]]] = {}
        for event_id, role, _, _, name in session.execute(
                select(EventActor.event_id, EventActor.role, EventActor.position, EventActor.actor_id, Actor.name)
                .join(Actor, Actor.id == EventActor.actor_id).where(EventActor.event_id.in_(ids))
                .order_by(EventActor.event_id, EventActor.position, EventActor.actor_id)):
            column = ROLE_COLUMN.get(role)
            if column:
                actors.setdefault(event_id, {c: [] for c in ACTOR_COLUMNS})[column].append(name)
        linked: dict[int, list[int]] = {}
        for link in session.execute(
                select(event_sources.c.event_id, event_sources.c.source_id).where(event_sources.c.event_id.in_(ids))):
            linked.setdefault(int(link[0]), []).append(int(link[1]))  # the link table's columns are untyped
        for r in chunk:
            if r.external_scheme:  # a dataset event: its file, and every other export holding this version
                sources = sorted({label(i) for i in (r.source_id, *linked.get(r.id, ()))})
            else:
                sources = [label(i) for i in linked.get(r.id, ())] or [label(r.source_id)]
            point = (r.latitude, r.longitude, r.coord_precision) if r.latitude is not None else (
                r.place_lat, r.place_lon, r.place_geo)
            yield _record(r, as_date(r.recorded_date), levels(r.location_id), r.place_name or "", point,
                          actors.get(r.id) or {c: [] for c in ACTOR_COLUMNS}, sources)


def as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
