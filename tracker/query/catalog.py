"""Describing what the store knows: an actor, a place, the sources; finding actors and places by name."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from tracker.control.spans import period_text, source_label
from tracker.errors import TrackerError, UnknownName
from tracker.model.entities import (
    Actor,
    ActorAlias,
    ActorRelation,
    Assessment,
    ControlSpan,
    Event,
    EventActor,
    Location,
    LocationAlias,
    Source,
)
from tracker.model.vocabularies import ACTOR_KINDS, LOCATION_KINDS
from tracker.names.normalize import normalize_name
from tracker.names.resolve import ancestors


def _relation_text(rel: ActorRelation, actor: Actor) -> str:
    start = period_text(rel.start_min, rel.start_max, rel.start_precision)
    end = period_text(rel.end_min, rel.end_max, rel.end_precision)
    when = f" [{start or '…'}, {end or '…'})" if start or end else ""
    hedge = "" if rel.certainty in ("confirmed", "reported") else f" ({rel.certainty})"
    if rel.actor_id == actor.id:
        return f"{rel.kind} {rel.other.name}{when}{hedge}"
    return f"{rel.actor.name} {rel.kind} this{when}{hedge}"


def actor_profile(session: Session, actor: Actor) -> dict:
    """Everything known about an actor, as one record."""
    relations = session.scalars(
        select(ActorRelation)
        .where(or_(ActorRelation.actor_id == actor.id, ActorRelation.other_id == actor.id))
        .order_by(ActorRelation.start_min, ActorRelation.id)
    ).all()
    assessments = session.scalars(select(Assessment).where(Assessment.actor_id == actor.id)).all()
    events = session.scalar(select(func.count(func.distinct(EventActor.event_id))).where(EventActor.actor_id == actor.id))
    spans = session.scalar(select(func.count()).select_from(ControlSpan).where(ControlSpan.actor_id == actor.id))
    return {
        "id": actor.id,
        "name": actor.name,
        "kind": actor.kind,
        "country": actor.country or "",
        "aliases": [a.name for a in actor.aliases if a.name != actor.name],
        "relations": [_relation_text(r, actor) for r in relations],
        "assessments": [f"{a.statement} ({a.certainty})" for a in assessments],
        "events": events,
        "control_spans": spans,
        "sources": [source_label(s) for s in actor.sources],
        "description": actor.description or "",
    }


def place_profile(session: Session, place: Location) -> dict:
    """Everything known about a place, as one record."""
    children = session.scalars(select(Location).where(Location.parent_id == place.id).order_by(Location.name)).all()
    events = session.scalar(select(func.count()).select_from(Event).where(Event.location_id == place.id))
    spans = session.scalar(select(func.count()).select_from(ControlSpan).where(ControlSpan.location_id == place.id))
    chain = [p.name for p in reversed(ancestors(place))]
    return {
        "id": place.id,
        "name": place.name,
        "kind": place.kind,
        "country": place.country_code or "",
        "within": " > ".join(chain),
        "latitude": place.latitude,
        "longitude": place.longitude,
        "coord_precision": place.coord_precision or "",
        "geonames_id": place.geonames_id,
        "aliases": [a.name for a in place.aliases if a.name != place.name],
        "contains": [c.name for c in children],
        "events": events,
        "control_spans": spans,
        "sources": [source_label(s) for s in place.sources],
        "description": place.description or "",
    }


def list_sources(session: Session) -> list[dict]:
    """Every source with its grading and how many facts it asserts."""
    event_counts = dict(session.execute(select(Event.source_id, func.count()).group_by(Event.source_id)).all())
    span_counts = dict(session.execute(select(ControlSpan.source_id, func.count()).group_by(ControlSpan.source_id)).all())
    rows = []
    for s in session.scalars(select(Source).order_by(Source.loaded_at, Source.id)):
        rows.append({
            "key": s.key,
            "kind": s.kind,
            "title": s.title,
            "publisher": s.publisher or "",
            "published": period_text(s.published_min, s.published_max, s.published_precision),
            "grading": s.grading or "",
            "events": event_counts.get(s.id, 0),
            "control_spans": span_counts.get(s.id, 0),
            "loaded_at": s.loaded_at.isoformat(timespec="seconds"),
        })
    return rows


# -- finding names: tracker actors, tracker places -------------------------------------------------
def _matching_ids(session: Session, alias, owner_column, text: str | None) -> Select | None:
    """The owners of aliases whose matching key contains ``text``'s (None: no narrowing)."""
    if not text:
        return None
    key = normalize_name(text)
    if not key:
        raise TrackerError(f"--search {text!r} has no letters or digits")
    pattern = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return select(owner_column).where(alias.normalized.like(pattern, escape="\\"))


def list_actors(session: Session, search: str | None = None, kind: str | None = None,
                country: str | None = None, limit: int | None = None) -> list[dict]:
    """Actors whose names or aliases contain ``search`` (case, accents and punctuation ignored),
    with their aliases and how many events and control claims cite them; most events first."""
    from tracker.names.countries import country_code

    events_n = (select(func.count(func.distinct(EventActor.event_id))).where(EventActor.actor_id == Actor.id)
                .correlate(Actor).scalar_subquery())
    claims_n = (select(func.count(ControlSpan.id)).where(ControlSpan.actor_id == Actor.id)
                .correlate(Actor).scalar_subquery())
    query = select(Actor, events_n.label("events"), claims_n.label("claims"))
    if (ids := _matching_ids(session, ActorAlias, ActorAlias.actor_id, search)) is not None:
        query = query.where(Actor.id.in_(ids))
    if kind:
        _known(kind, ACTOR_KINDS, "actor kind")
        query = query.where(Actor.kind == kind)
    if country:
        query = query.where(Actor.country == country_code(country))
    query = query.order_by(events_n.desc(), Actor.name, Actor.id).options(selectinload(Actor.aliases))
    if limit:
        query = query.limit(limit)
    out = []
    for row in session.execute(query):
        a: Actor = row[0]
        out.append({"id": a.id, "name": a.name, "kind": a.kind, "country": a.country or "",
                    "aliases": sorted({x.name for x in a.aliases} - {a.name}), "events": row[1], "claims": row[2]})
    return out


def list_places(session: Session, search: str | None = None, kind: str | None = None,
                country: str | None = None, limit: int | None = None) -> list[dict]:
    """Places whose names or aliases contain ``search``, with where they lie, their aliases and how many
    events (there and inside) and control claims they have; most events first."""
    from tracker.names.countries import country_code
    from tracker.query.levels import PlaceLevels

    events_n = (select(func.count(Event.id)).where(Event.location_id == Location.id)
                .correlate(Location).scalar_subquery())
    claims_n = (select(func.count(ControlSpan.id)).where(ControlSpan.location_id == Location.id)
                .correlate(Location).scalar_subquery())
    query = select(Location, events_n.label("events"), claims_n.label("claims"))
    if (ids := _matching_ids(session, LocationAlias, LocationAlias.location_id, search)) is not None:
        query = query.where(Location.id.in_(ids))
    if kind:
        _known(kind, LOCATION_KINDS, "place kind")
        query = query.where(Location.kind == kind)
    if country:
        query = query.where(Location.country_code == country_code(country))
    query = query.order_by(events_n.desc(), Location.name, Location.id).options(
        selectinload(Location.aliases), selectinload(Location.parent))
    if limit:
        query = query.limit(limit)
    levels = PlaceLevels(session)
    out = []
    for row in session.execute(query):
        p: Location = row[0]
        n, c = row[1], row[2]
        where = levels(p.id)
        out.append({"id": p.id, "name": p.name, "kind": p.kind, "country": where.country or "",
                    "admin1": where.admin1 or "", "admin2": where.admin2 or "",
                    "parent": p.parent.name if p.parent else "",
                    "latitude": p.latitude, "longitude": p.longitude,
                    "aliases": sorted({x.name for x in p.aliases} - {p.name}), "events": n, "claims": c})
    return out


def _known(value: str, vocabulary: tuple[str, ...], what: str) -> None:
    from tracker.names.suggest import closest

    if value not in vocabulary:
        raise UnknownName(what, value, closest(value, ((v, v) for v in vocabulary)))
