"""Finding events: by place (and everything inside it), actor, date window and type."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from tracker.control.spans import source_label
from tracker.model.dates import FuzzyDate, parse_fuzzy_date
from tracker.model.entities import Event, EventActor
from tracker.names.resolve import descendant_ids, find_actor, find_place


def events_query(session: Session, place=None, actor=None, start=None, end=None, type: str | None = None,
                 limit: int | None = None, near=None, radius_km: float | None = None):
    """The query of the events matching every filter given, in date order (names resolved now).

    ``place`` includes the places inside it; ``actor`` matches any role;
    ``start``/``end`` are fuzzy dates and an event matches when its own date
    window overlaps theirs; ``type`` matches the type or the sub-type, ignoring case;
    ``near`` (a place, ``"LAT,LON"`` or a radius.Center) with ``radius_km`` keeps
    the events within that geodesic distance (see tracker.geo.radius).
    """
    query = select(Event).options(
        selectinload(Event.participants).selectinload(EventActor.actor),
        selectinload(Event.sources),
        selectinload(Event.location),
        selectinload(Event.source),
    )
    if place is not None:
        if isinstance(place, str):
            place = find_place(session, place)
        query = query.where(Event.location_id.in_(descendant_ids(session, place.id)))
    if actor is not None:
        if isinstance(actor, str):
            actor = find_actor(session, actor)
        query = query.where(Event.id.in_(select(EventActor.event_id).where(EventActor.actor_id == actor.id)))
    if start is not None:
        query = query.where(Event.date_end >= parse_fuzzy_date(start).earliest)
    if end is not None:
        query = query.where(Event.date_start <= parse_fuzzy_date(end).latest)
    if near is not None:
        from tracker.geo.radius import events_near_condition

        query = query.where(events_near_condition(session, near, radius_km))
    if type:
        wanted = type.casefold()
        query = query.where(or_(func.lower(Event.event_type) == wanted, func.lower(Event.sub_type) == wanted))
    query = query.order_by(Event.date_start, Event.date_end, Event.id)
    if limit:
        query = query.limit(limit)
    return query


def find_events(session: Session, **filters) -> list[Event]:
    """The events matching the filters (see :func:`events_query`), as a list."""
    return list(session.scalars(events_query(session, **filters)))


def event_date(event: Event) -> str:
    return str(FuzzyDate(event.date_start, event.date_end, event.date_precision))


def participants_text(event: Event) -> str:
    return "; ".join(f"{p.role}: {p.actor.name}" for p in event.participants)


def event_record(event: Event) -> dict:
    """An event as a flat record for output (the same keys in every format)."""
    if event.external_scheme:
        # A dataset event: its file, and every other export that holds the same version.
        sources = sorted({event.source, *event.sources}, key=source_label)
    else:
        sources = event.sources or [event.source]
    return {
        "id": event.id,
        "key": event.key,
        "date": event_date(event),
        "precision": event.date_precision,
        "type": event.event_type,
        "sub_type": event.sub_type or "",
        "place": event.location.name if event.location else "",
        "latitude": event.latitude if event.latitude is not None else (
            event.location.latitude if event.location else None),
        "longitude": event.longitude if event.longitude is not None else (
            event.location.longitude if event.location else None),
        "actors": participants_text(event),
        "fatalities_low": event.fatalities_low,
        "fatalities_best": event.fatalities_best,
        "fatalities_high": event.fatalities_high,
        "certainty": event.certainty,
        "description": event.description or "",
        "dataset": event.external_scheme or "",
        "external_id": event.external_id or "",
        "release": event.external_release or "",
        "sources": [source_label(s) for s in sources],
    }
