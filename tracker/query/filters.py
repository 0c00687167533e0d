"""What every event question can be narrowed by: one :class:`EventFilter`, applied as SQL.

``tracker events``, ``tracker summary`` and (for places) ``tracker changes``
share these filters. Each name given is resolved before any row is read: an
unknown place, actor, country, admin area, type, dataset or source is an
:class:`~tracker.errors.UnknownName` with the nearest names as suggestions,
a window that ends before it starts a :class:`~tracker.errors.BadWindow`.

Dates are matched on the event's *recorded* date: the day an ACLED row's
``event_date`` or a UCDP row's ``date_start`` gives (before a week or month
precision widens it), so that a month's total equals the dataset's own.
Events from reports have no recorded day: their date window must overlap the
one asked. ``overlap=True`` matches every event by its window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from tracker.errors import AmbiguousName, BadWindow, Candidate, UnknownName
from tracker.model.dates import FuzzyDate, parse_fuzzy_date
from tracker.model.entities import (
    Actor,
    DatasetRecord,
    Event,
    EventActor,
    Location,
    LocationAlias,
    Source,
    event_sources,
)
from tracker.model.vocabularies import CERTAINTIES
from tracker.names.countries import country_code
from tracker.names.normalize import normalize_name
from tracker.names.resolve import descendant_ids, find_actor, find_place, location_candidates
from tracker.names.suggest import closest

REPORT = "report"  # the --dataset name of events loaded from reports


def recorded_date():
    """The SQL expression of an event's recorded date (NULL for report events)."""
    return (select(DatasetRecord.recorded_date).where(DatasetRecord.event_id == Event.id)
            .correlate(Event).scalar_subquery())


def event_day():
    """The day an event is counted on: its recorded date, else the start of its window."""
    return func.coalesce(recorded_date(), Event.date_start)


@dataclass
class EventFilter:
    """The filters of an event question; every one given must hold."""

    place: object = None  # a name, "#id", or a Location
    actor: object = None  # a name, "#id", or an Actor
    start: FuzzyDate | str | None = None
    end: FuzzyDate | str | None = None
    overlap: bool = False
    type: str | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    dataset: str | None = None
    source: str | None = None
    min_fatalities: int | None = None
    certainty: str | None = None
    search: str | None = None
    near: object = None
    radius_km: float | None = None

    @classmethod
    def names(cls) -> set[str]:
        return {f.name for f in fields(cls)}

    def window(self) -> tuple[dt.date | None, dt.date | None]:
        first = parse_fuzzy_date(self.start).earliest if self.start is not None else None
        last = parse_fuzzy_date(self.end).latest if self.end is not None else None
        if first is not None and last is not None and last < first:
            raise BadWindow(self.start, self.end)
        return first, last

    def conditions(self, session: Session) -> list:
        """The SQL conditions on ``Event`` (names resolved now; an unknown one raises)."""
        out = []
        first, last = self.window()
        if first is not None or last is not None:
            out.append(_date_condition(first, last, self.overlap))
        code = country_code(self.country) if self.country else None
        if code:
            out.append(Event.location_id.in_(select(Location.id).where(Location.country_code == code)))
        for level in ("admin1", "admin2"):
            name = getattr(self, level)
            if name:
                area = find_area(session, level, name, code)
                out.append(Event.location_id.in_(descendant_ids(session, area.id)))
        if self.place is not None:
            place = self.place if isinstance(self.place, Location) else find_place(session, str(self.place), country=code)
            out.append(Event.location_id.in_(descendant_ids(session, place.id)))
        if self.actor is not None:
            actor = self.actor if isinstance(self.actor, Actor) else find_actor(session, str(self.actor))
            out.append(Event.id.in_(select(EventActor.event_id).where(EventActor.actor_id == actor.id)))
        if self.type:
            out.append(type_condition(session, self.type))
        if self.dataset:
            out.append(dataset_condition(session, self.dataset))
        if self.source:
            source_id = find_source(session, self.source)
            out.append(or_(Event.source_id == source_id, exists().where(
                event_sources.c.event_id == Event.id, event_sources.c.source_id == source_id)))
        if self.min_fatalities is not None:
            out.append(Event.fatalities_best >= self.min_fatalities)
        if self.certainty:
            if self.certainty not in CERTAINTIES:
                raise UnknownName("certainty", self.certainty, closest(self.certainty, ((c, c) for c in CERTAINTIES)))
            out.append(Event.certainty == self.certainty)
        if self.search:
            from tracker.query.search import search_condition

            out.append(search_condition(session, self.search))
        if self.near is not None:
            from tracker.geo.radius import events_near_condition

            if self.radius_km is None:
                raise UnknownName("radius", "")  # pragma: no cover - the CLI asks for both
            out.append(events_near_condition(session, self.near, self.radius_km))
        return out


def _date_condition(first: dt.date | None, last: dt.date | None, overlap: bool):
    window = []
    if first is not None:
        window.append(Event.date_end >= first)
    if last is not None:
        window.append(Event.date_start <= last)
    if overlap:
        return and_(*window)
    recorded = recorded_date()
    day = []
    if first is not None:
        day.append(recorded >= first)
    if last is not None:
        day.append(recorded <= last)
    return or_(and_(recorded.is_not(None), *day), and_(recorded.is_(None), *window))


def find_area(session: Session, level: str, name: str, code: str | None = None) -> Location:
    """The one ``admin1``/``admin2`` area called ``name`` (any alias; ``#id`` too), in the country if given."""
    if name.strip().startswith("#"):
        return find_place(session, name)
    key = normalize_name(name)
    query = (select(Location.id).join(LocationAlias, LocationAlias.location_id == Location.id)
             .where(Location.kind == level, LocationAlias.normalized == key))
    if code:
        query = query.where(Location.country_code == code)
    ids = set(session.scalars(query))
    if not ids:
        areas = select(Location.name, LocationAlias.name).join(
            LocationAlias, LocationAlias.location_id == Location.id).where(Location.kind == level)
        if code:
            areas = areas.where(Location.country_code == code)
        raise UnknownName(level, name, closest(name, session.execute(areas)))
    if len(ids) > 1:
        raise AmbiguousName(level, name, location_candidates(session, ids))
    return session.get_one(Location, ids.pop())


def type_condition(session: Session, text: str):
    """Events whose type or sub-type is ``text`` (case ignored); an unknown type suggests the nearest."""
    wanted = text.strip().casefold()
    types = {t for row in session.execute(select(Event.event_type, Event.sub_type).distinct()) for t in row if t}
    if wanted not in {t.casefold() for t in types}:
        raise UnknownName("event type", text, closest(text, ((t, t) for t in types)))
    return or_(func.lower(Event.event_type) == wanted, func.lower(Event.sub_type) == wanted)


def dataset_condition(session: Session, name: str):
    from tracker.ingest.datasets import DATASETS

    wanted = name.strip().lower()
    known = [*sorted(DATASETS), REPORT]
    if wanted not in known:
        raise UnknownName("dataset", name, closest(name, ((k, k) for k in known)))
    if wanted == REPORT:
        return Event.external_scheme.is_(None)
    return Event.external_scheme == wanted


def find_source(session: Session, text: str) -> int:
    """The id of the source whose key or title is ``text`` (case ignored), or ``#id``."""
    value = text.strip()
    if value.startswith("#") and value[1:].isdigit():
        if session.get(Source, int(value[1:])) is None:
            raise UnknownName("source", text)
        return int(value[1:])
    found = list(session.execute(select(Source.id, Source.key, Source.kind).where(
        or_(func.lower(Source.key) == value.lower(), func.lower(Source.title) == value.lower()))))
    if len(found) == 1:
        return found[0][0]
    if found:  # one title for several sources: the keys tell them apart
        raise AmbiguousName("source", text, [Candidate(i, key, kind, None) for i, key, kind in found])
    rows = list(session.execute(select(Source.key, Source.title)))
    raise UnknownName("source", text, closest(text, [(k, k) for k, _ in rows] + [(k, t) for k, t in rows]))
