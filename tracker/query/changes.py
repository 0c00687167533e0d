"""What changed hands in a window: ``tracker changes --from D --to D``.

A *change* is a set of control spans starting together at a place (same
start window) inside the window: the holder(s) after it. The holder(s)
before it are the spans at that place whose end window meets that start
window (or, failing that, the last spans that ended in the 400 days before).
A span that ends in the window with nothing starting after it is a change to
"no holder recorded". Each change comes with its evidence: the events that
began or ended the spans, the spans' sources, and for derived and map spans
the basis on which their holder was named.

The query reads two index ranges (spans starting, spans ending near the
window: ``ix_control_spans_start_window`` and ``ix_control_spans_end_window``), so it
stays fast on millions of spans. A change known only to within more than
:data:`WIDEST` (a date like ``2014/2016``) is not listed; ``timeline`` shows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from tracker.control.spans import SOURCE_COLUMNS, SPAN_PERIOD_COLUMNS, SourceView, SpanPeriod, period_text, source_label
from tracker.errors import BadWindow
from tracker.model.dates import FuzzyDate, parse_fuzzy_date
from tracker.model.entities import Actor, ControlSpan, Event, Location, Source, control_sources
from tracker.names.countries import country_code
from tracker.names.resolve import descendant_ids, find_actor, find_place

WIDEST = dt.timedelta(days=400)
CHUNK = 500


@dataclass
class _Span(SpanPeriod):
    actor: str
    basis: str | None
    source_id: int
    begun: str | None
    begun_text: str | None
    ended: str | None
    ended_text: str | None
    place: str
    country: str | None
    latitude: float | None
    longitude: float | None
    sources: list = field(default_factory=list)


def _query(begun, ended):
    return (
        select(*SPAN_PERIOD_COLUMNS, Actor.name, ControlSpan.basis, ControlSpan.source_id,
               begun.key, begun.description, ended.key, ended.description,
               Location.name, Location.country_code, Location.latitude, Location.longitude)
        .join(Actor, Actor.id == ControlSpan.actor_id)
        .join(Location, Location.id == ControlSpan.location_id)
        .outerjoin(begun, begun.id == ControlSpan.begun_by_id)
        .outerjoin(ended, ended.id == ControlSpan.ended_by_id)
    )


def _starts_overlap(a_min, a_max, b_min, b_max) -> bool:
    return a_min <= b_max and b_min <= a_max


def _who(spans: list[_Span]) -> str:
    seen = []
    for s in spans:
        text = s.actor if s.status == "held" else f"{s.actor} ({s.status})"
        if text not in seen:
            seen.append(text)
    return "; ".join(seen)


def _evidence(spans: list[_Span], attr: str) -> list[str]:
    out = []
    for s in spans:
        key, text = (s.begun, s.begun_text) if attr == "begun" else (s.ended, s.ended_text)
        if key:
            item = f"{key}: {text}" if text else key
            if item not in out:
                out.append(item)
    return out


def changes(session: Session, start, end, country: str | None = None, actor=None, admin1: str | None = None,
            admin2: str | None = None, place=None) -> list[dict]:
    """Every place whose holder changed between ``start`` and ``end`` (fuzzy dates), with the evidence;
    ``country``, ``admin1``, ``admin2`` and ``place`` keep the places inside them (tracker.query.filters)."""
    from tracker.query.filters import find_area

    first, last = parse_fuzzy_date(start).earliest, parse_fuzzy_date(end).latest
    if last < first:
        raise BadWindow(start, end)
    code = country_code(country) if country else None
    within: list[int] | None = None
    for level, name in (("admin1", admin1), ("admin2", admin2)):
        if name:
            ids = descendant_ids(session, find_area(session, level, name, code).id)
            within = ids if within is None else [i for i in within if i in set(ids)]
    if place is not None:
        found = place if not isinstance(place, str) else find_place(session, place, country=code)
        ids = descendant_ids(session, found.id)
        within = ids if within is None else [i for i in within if i in set(ids)]
    actor_id = None
    if actor is not None:
        actor_id = (actor if not isinstance(actor, str) else find_actor(session, actor)).id

    begun, ended = aliased(Event), aliased(Event)
    base = _query(begun, ended)
    if code:
        base = base.where(Location.country_code == code)
    if within is not None:
        base = base.where(ControlSpan.location_id.in_(within))
    conn = session.connection()

    def read_spans(query) -> list[_Span]:
        found = []
        for row in conn.execute(query):
            values: Sequence[Any] = row  # the columns _query selects, in _Span's order
            found.append(_Span(*values))
        return found

    starting = read_spans(base.where(
        ControlSpan.start_min.is_not(None), ControlSpan.start_min >= first - WIDEST,
        ControlSpan.start_min <= last, ControlSpan.start_max >= first))
    ending = read_spans(base.where(
        ControlSpan.end_min.is_not(None), ControlSpan.end_min >= first - WIDEST,
        ControlSpan.end_min <= last, ControlSpan.end_max >= first))
    # What each changing place was held by just before: the spans there that may cover the window's eve.
    covering: list[_Span] = []
    changed_places = sorted({s.location_id for s in starting if s.location_id is not None})
    for i in range(0, len(changed_places), CHUNK):
        covering.extend(read_spans(_query(begun, ended).where(
            ControlSpan.location_id.in_(changed_places[i:i + CHUNK]),
            (ControlSpan.start_min.is_(None)) | (ControlSpan.start_min <= last),
            (ControlSpan.end_max.is_(None)) | (ControlSpan.end_max >= first - WIDEST))))
    _attach_sources(session, starting + ending + covering)

    ends_at: dict[int | None, list[_Span]] = {}
    for s in ending:
        ends_at.setdefault(s.location_id, []).append(s)
    near: dict[int | None, list[_Span]] = {}
    for s in covering:
        near.setdefault(s.location_id, []).append(s)
    starts_at: dict[int | None, list[_Span]] = {}
    for s in starting:
        starts_at.setdefault(s.location_id, []).append(s)

    records = []
    for location_id, spans in starts_at.items():
        groups: dict[tuple, list[_Span]] = {}
        for s in spans:
            groups.setdefault((s.start_min, s.start_max), []).append(s)
        for (lo, hi), after in groups.items():
            assert lo is not None and hi is not None  # the query asks for spans starting in the window
            after_ids = {s.id for s in after}
            eve = lo - dt.timedelta(days=1)
            others = [s for s in near.get(location_id, []) if s.id not in after_ids]
            before = [s for s in others if (s.start_min is None or s.start_min <= eve)
                      and (s.end_max is None or s.end_max > eve)]
            gap = False
            if not before:
                closed = [(s.end_max, s) for s in others if s.end_max is not None and s.end_max <= eve]
                earlier = [s for _, s in closed]
                if closed:
                    latest = max(day for day, _ in closed)
                    before = [s for s in earlier if s.end_max == latest]
                    gap = True
            views = {(s.source_id, s.origin) for s in after}
            same_view = [s for s in before if (s.source_id, s.origin) in views]
            if same_view:
                before = same_view  # what the same source said held it before
            if {(s.actor_id, s.status) for s in before} == {(s.actor_id, s.status) for s in after}:
                continue
            records.append(_record(after[0], lo, hi, after[0].start_precision, before, after, gap))
    for location_id, spans in ends_at.items():
        for s in spans:
            if s.end_min is None or s.end_max is None or s.end_max < first:
                continue  # the query asks for spans ending in the window
            followers = [t for t in starts_at.get(location_id, [])
                         if _starts_overlap(s.end_min, s.end_max, t.start_min, t.start_max)]
            if followers:
                continue
            records.append(_record(s, s.end_min, s.end_max, s.end_precision, [s], [], False))
    if actor_id is not None:
        records = [r for r in records if actor_id in r["_actors"]]
    records.sort(key=lambda r: (r["_sort"], r["place"], r["to"]))
    for r in records:
        del r["_sort"], r["_actors"]
    return records


def _record(anchor: _Span, lo: dt.date, hi: dt.date, precision: str | None, before: list[_Span],
            after: list[_Span], gap: bool) -> dict:
    when = FuzzyDate(lo, hi, precision or ("day" if lo == hi else "range"))
    evidence = _evidence(after, "begun") + [e for e in _evidence(before, "ended") if e not in _evidence(after, "begun")]
    sources: list[str] = []
    for s in after + before:
        for src in s.sources:
            label = source_label(src)
            if label not in sources:
                sources.append(label)
    bases = []
    for s in after or before:
        if s.basis and s.basis not in bases:
            bases.append(s.basis)
    return {
        "when": str(when),
        "date": lo.isoformat(),
        "date_latest": hi.isoformat(),
        "precision": when.precision,
        "place": anchor.place,
        "country": anchor.country or "",
        "from": _who(before) + (" (last recorded before)" if gap and before else "") if before else "",
        "to": _who(after) if after else "(no holder recorded)",
        "evidence": evidence,
        "sources": sources,
        "origin": "; ".join(sorted({s.origin for s in after + before})),
        "derivation": bases,
        "latitude": anchor.latitude,
        "longitude": anchor.longitude,
        "_sort": lo,
        "_actors": {s.actor_id for s in before + after},
    }


def _attach_sources(session: Session, spans: list[_Span]) -> None:
    by_id: dict[int, list[_Span]] = {}
    for s in spans:
        if s.id is not None:  # always: these are stored spans
            by_id.setdefault(s.id, []).append(s)
    ids = sorted(by_id)
    conn = session.connection()
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        for row in conn.execute(select(control_sources.c.span_id, *SOURCE_COLUMNS)
                                .join(Source, Source.id == control_sources.c.source_id)
                                .where(control_sources.c.span_id.in_(chunk))):
            view = SourceView(*row[1:])
            for s in by_id[row[0]]:
                s.sources.append(view)


__all__ = ["changes", "period_text"]
