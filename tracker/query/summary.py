"""Totals: events and fatalities grouped by time, place, actor, type, source or dataset, in SQL.

``tracker summary --by month --country Libya`` is one ``GROUP BY`` over the
events that match the filters of :class:`~tracker.query.filters.EventFilter`;
nothing is loaded into Python but the groups. Time groups use the recorded
date (ACLED ``event_date``, UCDP ``date_start``; a report event's first day):
``year`` ``2015``, ``month`` ``2015-06``, ``week`` the ISO week ``2015-W24``,
``day`` ``2015-06-09``. ``admin1``/``admin2`` are the areas a place lies in
(a recursive walk up the hierarchy, :func:`tracker.query.levels.levels_cte`).

Grouping by ``actor`` or ``actor-kind`` counts an event once for each actor
(or kind) taking part in the role asked (``actor1``, ``actor2`` or ``any``):
the groups' totals then add up to more than the events. The headline says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Integer, cast, func, literal, select
from sqlalchemy.orm import Session, aliased

from tracker.errors import UnknownName
from tracker.model.entities import Actor, DatasetRecord, Event, EventActor, Location, Source
from tracker.names.countries import country_by_code
from tracker.names.suggest import closest
from tracker.query.filters import REPORT, EventFilter
from tracker.query.groupings import GROUPS, MEASURES, TIME
from tracker.query.levels import levels_cte

ROLES = {"actor1": ("actor1",), "actor2": ("actor2",), "any": None}
SORTS = ("group", "events", "fatalities")


def _time(dialect: str, day, unit: str):
    if dialect == "postgresql":
        return func.to_char(day, {"year": "YYYY", "month": "YYYY-MM", "week": 'IYYY-"W"IW',
                                  "day": "YYYY-MM-DD"}[unit])
    if unit != "week":
        return func.strftime({"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}[unit], day)
    # SQLite before 3.46 has no %V: the ISO week is the one holding the week's Thursday.
    weekday = (cast(func.strftime("%w", day), Integer) + 6) % 7  # Monday 0
    thursday = func.date(day, func.printf("-%d days", weekday), "+3 days")
    week = (cast(func.strftime("%j", thursday), Integer) - 1) / 7 + 1
    return func.printf("%s-W%02d", func.strftime("%Y", thursday), week)


def summarize(session: Session, by: Sequence[str], role: str = "any", sort: str | None = None,
              desc: bool | None = None, limit: int | None = None, **filters) -> tuple[str, list[str], list[dict]]:
    """The groups of the events matching ``filters``: (headline, columns, rows), ``by`` names then measures."""
    by = list(dict.fromkeys(by)) or ["year"]
    for name in by:
        if name not in GROUPS:
            raise UnknownName("grouping", name, closest(name, ((g, g) for g in GROUPS)))
    if role not in ROLES:
        raise UnknownName("role", role, list(ROLES))
    if sort is not None and sort not in SORTS:
        raise UnknownName("sort order", sort, list(SORTS))
    dialect = session.get_bind().dialect.name
    conditions = EventFilter(**filters).conditions(session)

    day = func.coalesce(DatasetRecord.recorded_date, Event.date_start)
    query = select().select_from(Event).outerjoin(DatasetRecord, DatasetRecord.event_id == Event.id)
    keys: list = []  # (name, [group-by expressions], label expression)
    place = aliased(Location, name="event_place")
    if {"country", "place"} & set(by):
        query = query.outerjoin(place, place.id == Event.location_id)
    if {"admin1", "admin2"} & set(by):
        levels = levels_cte()
        query = query.outerjoin(levels, levels.c.location_id == Event.location_id)
    per_actor = {"actor", "actor-kind"} & set(by)
    if per_actor:
        wanted = ROLES[role]
        taking_part = select(EventActor.event_id, Actor.id.label("actor_id"), Actor.name, Actor.kind).join(
            Actor, Actor.id == EventActor.actor_id)
        if wanted:
            taking_part = taking_part.where(EventActor.role.in_(wanted))
        each = taking_part.subquery("taking_part")
        # One row per event and group: an actor in two roles of one event counts once.
        columns = [each.c.event_id]
        if "actor" in by:
            columns += [each.c.actor_id, each.c.name]
        if "actor-kind" in by:
            columns.append(each.c.kind)
        part = select(*columns).distinct().subquery("taking_part_once")
        query = query.join(part, part.c.event_id == Event.id)
    for name in by:
        if name in TIME:
            label = _time(dialect, day, name)
            keys.append((name, [label], label))
        elif name == "country":
            keys.append((name, [place.country_code], place.country_code))
        elif name in ("admin1", "admin2"):
            area = aliased(Location, name=f"event_{name}")
            query = query.outerjoin(area, area.id == getattr(levels.c, f"{name}_id"))
            keys.append((name, [area.id, area.name], area.name))
        elif name == "place":
            keys.append((name, [place.id, place.name], place.name))
        elif name == "actor":
            keys.append((name, [part.c.actor_id, part.c.name], part.c.name))
        elif name == "actor-kind":
            keys.append((name, [part.c.kind], part.c.kind))
        elif name == "type":
            keys.append((name, [Event.event_type], Event.event_type))
        elif name == "sub-type":
            keys.append((name, [Event.sub_type], Event.sub_type))
        elif name == "source":
            source = aliased(Source, name="event_source")
            query = query.join(source, source.id == Event.source_id)
            keys.append((name, [source.id, source.key], source.key))
        elif name == "dataset":
            label = func.coalesce(Event.external_scheme, literal(REPORT))
            keys.append((name, [label], label))

    events_n = func.count(Event.id).label("events")
    best = func.sum(Event.fatalities_best).label("fatalities")
    low = func.sum(Event.fatalities_low).label("fatalities_low")
    high = func.sum(Event.fatalities_high).label("fatalities_high")
    group_by = [e for _, exprs, _ in keys for e in exprs]
    query = query.add_columns(*[label.label(f"g{i}") for i, (_, _, label) in enumerate(keys)],
                              events_n, best, low, high).where(*conditions).group_by(*group_by)
    sort = sort or ("group" if set(by) & set(TIME) else "fatalities")
    descending = desc if desc is not None else sort != "group"
    order = {"group": [label for _, _, label in keys], "events": [events_n, best],
             "fatalities": [func.coalesce(best, -1), events_n]}[sort]
    order = [o.desc() for o in order] if descending else list(order)
    query = query.order_by(*order, *[label for _, _, label in keys])
    if limit:
        query = query.limit(limit)

    rows = []
    for row in session.execute(query):
        record: dict = {}
        for i, (name, _, _) in enumerate(keys):
            value = row[i]
            if name == "country" and value:
                country = country_by_code(value)
                value = country.name if country else value
            record[name] = value if value is not None else ""
        record.update(events=row.events, fatalities=row.fatalities, fatalities_low=row.fatalities_low,
                      fatalities_high=row.fatalities_high)
        rows.append(record)
    total = session.execute(select(func.count(Event.id)).where(*conditions)).scalar_one()
    headline = f"{len(rows)} groups of {total} events"
    if per_actor:
        headline += f" (each event counted once per {'actor' if 'actor' in by else 'actor kind'}"
        headline += f" in role {role})" if role != "any" else " taking part)"
    return headline, [*by, *MEASURES], rows
