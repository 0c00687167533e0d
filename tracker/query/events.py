"""Finding events (every filter of tracker.query.filters, sorted and paged) and writing them as records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from tracker.control.spans import source_label
from tracker.errors import UnknownName
from tracker.model.dates import FuzzyDate
from tracker.model.entities import DatasetRecord, Event, EventActor, Location
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
    query = select(Event).options(
        selectinload(Event.participants).selectinload(EventActor.actor),
        selectinload(Event.sources),
        selectinload(Event.source),
        selectinload(Event.location),
    ).where(*conditions)
    keys = [*SORTS[sort](), Event.id]
    query = query.order_by(*[k.desc() for k in keys] if desc else keys)
    if limit:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return query


def find_events(session: Session, **filters) -> list[Event]:
    """The events matching the filters (see :func:`events_query`), as a list."""
    return list(session.scalars(events_query(session, **filters)))


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
    "fatalities_low", "fatalities_best", "fatalities_high", "certainty", "description", "sources",
]


def event_sources_of(event: Event) -> list:
    if event.external_scheme:
        # A dataset event: its file, and every other export that holds the same version.
        return sorted({event.source, *event.sources}, key=source_label)
    return event.sources or [event.source]


def event_record(event: Event, recorded: dt.date | None = None, levels: PlaceLevels | None = None) -> dict:
    """An event as a flat record for output (the same keys in every format; see :data:`EVENT_FIELDS`).

    ``date`` is the recorded date (ACLED ``event_date``, UCDP ``date_start``), or
    for a report's event the first day of its window; ``date_start``/``date_end``
    are the window, ``precision`` how it was given.
    """
    actors: dict[str, list[str]] = {column: [] for column in ACTOR_COLUMNS}
    for p in sorted(event.participants, key=lambda p: (p.position, p.actor_id)):
        for column, roles in ACTOR_COLUMNS.items():
            if p.role in roles:
                actors[column].append(p.actor.name)
    where = levels(event.location_id) if levels is not None else NOWHERE
    location = event.location
    latitude, longitude, geo = event.latitude, event.longitude, event.coord_precision
    if latitude is None and location is not None:
        latitude, longitude, geo = location.latitude, location.longitude, location.coord_precision
    return {
        "id": event.id,
        "external_id": event.external_id or "",
        "key": event.key,
        "release": event.external_release or "",
        "dataset": event.external_scheme or REPORT,
        "date": recorded or event.date_start,
        "date_start": event.date_start,
        "date_end": event.date_end,
        "precision": event.date_precision,
        "type": event.event_type,
        "sub_type": event.sub_type or "",
        **actors,
        "country": where.country or "",
        "iso3": where.iso3 or "",
        "admin1": where.admin1 or "",
        "admin2": where.admin2 or "",
        "place": location.name if location else "",
        "latitude": latitude,
        "longitude": longitude,
        "geo_precision": geo or "",
        "fatalities_low": event.fatalities_low,
        "fatalities_best": event.fatalities_best,
        "fatalities_high": event.fatalities_high,
        "certainty": event.certainty,
        "description": event.description or "",
        "sources": [source_label(s) for s in event_sources_of(event)],
    }


def event_records(session: Session, query, batch: int = 500) -> Iterator[dict]:
    """The records of a query's events, read from the database ``batch`` at a time."""
    levels = PlaceLevels(session)
    for chunk in session.scalars(query.execution_options(yield_per=batch)).partitions():
        ids = [e.id for e in chunk]
        levels.prefetch(e.location_id for e in chunk)
        recorded = dict(session.execute(
            select(DatasetRecord.event_id, DatasetRecord.recorded_date).where(DatasetRecord.event_id.in_(ids))
        ).all())
        for event in chunk:
            yield event_record(event, recorded.get(event.id), levels)
