"""Describing what the store knows: an actor, a place, the sources."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tracker.control.spans import period_text, source_label
from tracker.model.entities import (
    Actor,
    ActorRelation,
    Assessment,
    ControlSpan,
    Event,
    EventActor,
    Location,
    Source,
)
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
