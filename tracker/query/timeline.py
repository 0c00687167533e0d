"""A place's or an actor's history: control periods and events in date order."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.control.spans import Claim, period_text, source_label
from tracker.model.entities import Actor, ControlSpan, Location
from tracker.names.resolve import descendant_ids
from tracker.query.events import event_date, event_record, find_events, participants_text

_BEFORE_ALL = dt.date.min
_ORIGIN_NOTE = {"derived": " (derived from a transfer event)", "snapshot": " (on the map)"}


def _span_row(span: ControlSpan) -> dict:
    rec = Claim(span, True).record()
    return {
        "when": rec["period"],
        "date": rec["from"],
        "date_latest": rec["from_latest"],
        "precision": rec["from_precision"],
        "until": rec["until"],
        "what": "control",
        "place": rec["place"],
        "summary": f"{span.status} by {span.actor.name}" + _ORIGIN_NOTE.get(rec["origin"], ""),
        "actors": span.actor.name,
        "certainty": span.certainty,
        "sources": rec["sources"],
        "origin": rec["origin"],
        "review": rec["review"],
        "_sort": (span.start_min or _BEFORE_ALL, 0, span.id or 0),
    }


def _event_row(event) -> dict:
    rec = event_record(event)
    summary = rec["type"] + (f" / {rec['sub_type']}" if rec["sub_type"] else "")
    if rec["description"]:
        summary += f": {rec['description']}"
    return {
        "when": event_date(event),
        "date": event.date_start.isoformat(),
        "date_latest": event.date_end.isoformat(),
        "precision": event.date_precision,
        "until": "",
        "what": "event",
        "place": rec["place"],
        "summary": summary,
        "actors": participants_text(event),
        "certainty": rec["certainty"],
        "sources": rec["sources"],
        "review": rec["review"],
        "_sort": (event.date_start, 1, event.id),
    }


def _finish(rows: list[dict]) -> list[dict]:
    rows.sort(key=lambda r: r["_sort"])
    for r in rows:
        del r["_sort"]
    return rows


def place_timeline(session: Session, place: Location) -> list[dict]:
    """Control periods of the place and everything inside it, and the events there."""
    ids = descendant_ids(session, place.id)
    spans = session.scalars(
        select(ControlSpan)
        .where(ControlSpan.location_id.in_(ids))
        .options(selectinload(ControlSpan.sources), selectinload(ControlSpan.actor), selectinload(ControlSpan.location))
    ).all()
    rows = [_span_row(s) for s in spans] + [_event_row(e) for e in find_events(session, place=place)]
    if place.latitude is not None and place.longitude is not None:
        from tracker.control.areas import views_for_unmapped_place

        rows += [_span_row(v) for v in views_for_unmapped_place(session, place)]
    return _finish(rows)


def point_timeline(session: Session, lat: float, lon: float) -> list[dict]:
    """Who the control maps show holding a point (``LAT,LON``), period by period."""
    from tracker.control.areas import views_at_point

    return _finish([_span_row(v) for v in views_at_point(session, lat, lon)])


def actor_timeline(session: Session, actor: Actor) -> list[dict]:
    """What the actor held and what it took part in, in date order."""
    spans = session.scalars(
        select(ControlSpan)
        .where(ControlSpan.actor_id == actor.id)
        .options(selectinload(ControlSpan.sources), selectinload(ControlSpan.actor), selectinload(ControlSpan.location))
    ).all()
    rows = [_span_row(s) for s in spans] + [_event_row(e) for e in find_events(session, actor=actor)]
    return _finish(rows)


__all__ = ["place_timeline", "actor_timeline", "point_timeline", "period_text", "source_label"]
