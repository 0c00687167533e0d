"""Control spans as plain data, the claims built on them, and the one writer of the spans tracker makes.

A control span is a half-open period ``[start, end)`` whose ends may be fuzzy
(a month, a week...). A span *certainly* covers a day when the day lies after
the latest possible start and before the earliest possible end; it *possibly*
covers it when it lies inside the widest reading.

The read path builds :class:`SpanView` objects from plain rows (no ORM object
per span: who-held must answer in well under a millisecond); a
:class:`Claim` is one source's span as an answer cites it. Derivation
(tracker.control.derivation) and map spans (tracker.control.areas) write their
spans through :func:`write_spans`, which makes a place's spans of one origin
exactly what is wanted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session, aliased

from tracker.control.freshness import Freshness
from tracker.model.dates import FuzzyDate
from tracker.model.entities import Actor, ControlSpan, Event, Location, Source, control_sources

CHUNK = 500


def period_text(span_min: dt.date | None, span_max: dt.date | None, precision: str | None) -> str:
    """A span boundary as the user wrote it (``2015-06``), or ``…`` when unknown."""
    if span_min is None:
        return ""
    return str(FuzzyDate(span_min, span_max or span_min, precision or "day"))


def boundary_fields(s) -> dict:
    """A span's start and end for pipelines: ISO dates or empty, never "by ..." or a range in one field.

    ``from``/``from_latest`` are the window its start lies in (``from`` empty and
    ``from_precision`` "by" when only a latest start is known: held on the first
    map that shows it; "unknown" when nothing is); ``until``/``until_latest`` the
    same for its end, ``open`` true while no end is recorded; ``period`` the same
    as people read it (``[2015-06-13, …)``), for tables.
    """
    def iso(day: dt.date | None) -> str:
        return day.isoformat() if day else ""

    if s.start_min is not None:
        start_precision = s.start_precision or "day"
    else:
        start_precision = "by" if s.start_max is not None else "unknown"
    start = period_text(s.start_min, s.start_max, s.start_precision) or \
        (f"by {s.start_max.isoformat()}" if s.start_max else "…")
    end = period_text(s.end_min, s.end_max, s.end_precision) or "…"
    return {
        "period": f"[{start}, {end})",
        "from": iso(s.start_min),
        "from_latest": iso(s.start_max if s.start_max is not None else s.start_min),
        "from_precision": start_precision,
        "until": iso(s.end_min),
        "until_latest": iso(s.end_max if s.end_max is not None else s.end_min),
        "until_precision": (s.end_precision or "day") if s.end_min is not None else "",
        "open": s.end_min is None,
    }


def source_label(source: Source | SourceView) -> str:
    grade = f" [{source.grading}]" if source.grading else ""
    by = f"{source.publisher}: " if source.publisher else ""
    return f"{by}{source.title}{grade}"


def possible_at(first: dt.date, last: dt.date):
    """SQL condition: the span may overlap the days ``first``..``last``."""
    return and_(
        or_(ControlSpan.start_min.is_(None), ControlSpan.start_min <= last),
        or_(ControlSpan.end_max.is_(None), ControlSpan.end_max > first),
    )


def certainly_covers(span: ControlSpan | SpanPeriod, first: dt.date, last: dt.date) -> bool:
    starts_ok = span.start_max is None or span.start_max <= first
    ends_ok = span.end_min is None or span.end_min > last
    return starts_ok and ends_ok


@dataclass
class Claim:
    """One source's word that an actor held (or contested) a place over a period."""

    span: ControlSpan | SpanView  # a stored span, or the plain view the fast read path makes
    certain: bool  # the span surely covers the whole date asked about
    freshness: Freshness | None = None  # set by tracker.freshness.assess

    @property
    def holder(self) -> str:
        return self.span.actor.name

    @property
    def stale(self) -> bool:
        return self.freshness is not None and self.freshness.stale

    @property
    def status(self) -> str:
        """What the claim says at the day asked: held, contested, partial, besieged, stale or uncertain."""
        if self.stale:
            return "stale"
        if not self.certain:
            return "uncertain"
        return self.span.status

    def record(self) -> dict:
        s = self.span
        sources = [x for x in (s.sources or [s.source]) if x is not None]
        fresh = self.freshness
        return {
            "place": s.location.name,
            "holder": s.actor.name,
            "status": self.status,
            "span_status": s.status,
            "evidence": fresh.evidence.isoformat() if fresh and fresh.evidence else "",
            "evidence_age_days": fresh.age_days if fresh else None,
            "horizon_days": fresh.horizon_days if fresh else None,
            "freshness": fresh.note() if fresh else "",
            **boundary_fields(s),
            "certainty": s.certainty,
            "boundary": "certain" if self.certain else "uncertain",
            "begun_by": s.begun_by.key if s.begun_by else "",
            "ended_by": s.ended_by.key if s.ended_by else "",
            "sources": [source_label(src) for src in sources],
            "grading": sorted({src.grading for src in sources if src.grading}),
            "quote": s.quote or "",
            "origin": getattr(s, "origin", None) or "reported",
            "derivation": getattr(s, "basis", None) or "",
            "review": review_label(getattr(s, "review", None)),
            # the point of the record's place, for --format geojson
            "latitude": s.location.latitude,
            "longitude": s.location.longitude,
        }


def review_label(review: str | None) -> str:
    """How an answer names a record's review state: "unreviewed draft", "reviewed draft" or ""."""
    return {"pending": "unreviewed draft", "reviewed": "reviewed draft"}.get(review or "", "")


# -- the lean read path: plain rows, no ORM objects (who_held must answer in well under 1 ms) --
@dataclass
class PlaceRef:
    id: int | None
    name: str
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class ActorRef:
    id: int
    name: str


@dataclass
class EventRef:
    id: int
    key: str


@dataclass
class SourceView:
    """A source as plain data, with the attributes :func:`source_label` reads."""

    id: int
    key: str
    kind: str
    title: str
    publisher: str | None
    reliability: str | None
    credibility: str | None
    published_max: dt.date | None
    loaded_at: dt.datetime | None

    @property
    def grading(self) -> str | None:
        if self.reliability or self.credibility:
            return f"{self.reliability or 'F'}{self.credibility or '6'}"
        return None


# The columns every view of a span reads first, in the order of :class:`SpanPeriod`'s fields.
SPAN_PERIOD_COLUMNS = (ControlSpan.id, ControlSpan.location_id, ControlSpan.actor_id, ControlSpan.status,
                       ControlSpan.start_min, ControlSpan.start_max, ControlSpan.start_precision,
                       ControlSpan.end_min, ControlSpan.end_max, ControlSpan.end_precision, ControlSpan.origin)
# The columns of a :class:`SourceView`, in its order.
SOURCE_COLUMNS = (Source.id, Source.key, Source.kind, Source.title, Source.publisher, Source.reliability,
                  Source.credibility, Source.published_max, Source.loaded_at)


@dataclass
class SpanPeriod:
    """What every plain-data view of a control span holds: who, where, in what status, over
    which fuzzy period, and how it came to be (reported, derived, map). The query-specific
    views (:class:`SpanView` here, the rows of ``changes`` and ``check``) add their columns
    after these; select :data:`SPAN_PERIOD_COLUMNS` first to build one from a row."""

    id: int | None
    location_id: int | None
    actor_id: int
    status: str
    start_min: dt.date | None
    start_max: dt.date | None
    start_precision: str | None
    end_min: dt.date | None
    end_max: dt.date | None
    end_precision: str | None
    origin: str

    @property
    def sure_start(self) -> dt.date:
        """The latest day it may have started (the earliest possible day when that is all we know)."""
        return self.start_max or self.start_min or dt.date.min

    @property
    def sure_end(self) -> dt.date:
        """The earliest day it may have ended."""
        return self.end_min or dt.date.max

    def period(self) -> str:
        """``[2015-06-09, 2015-06-13)``; ``…`` for an open end."""
        start = period_text(self.start_min, self.start_max, self.start_precision) or \
            (f"by {self.start_max}" if self.start_max else "…")
        end = period_text(self.end_min, self.end_max, self.end_precision) or "…"
        return f"[{start}, {end})"


@dataclass
class SpanView(SpanPeriod):
    """A control span as plain data, with the attribute names of :class:`ControlSpan`."""

    certainty: str
    quote: str | None
    basis: str | None
    source_id: int
    reading: str | None
    location: PlaceRef
    actor: ActorRef
    begun_by: EventRef | None = None
    ended_by: EventRef | None = None
    sources: list[SourceView] = field(default_factory=list)
    source: SourceView | None = None
    review: str | None = None  # "pending": an unreviewed draft (tracker.drafting)


# The read path's statements, built once (and so compiled once).
_begun, _ended = aliased(Event), aliased(Event)
_SPANS = (
    select(*SPAN_PERIOD_COLUMNS, ControlSpan.certainty, ControlSpan.quote, ControlSpan.basis,
           ControlSpan.source_id, ControlSpan.reading, ControlSpan.begun_by_id, ControlSpan.ended_by_id,
           Location.name, Location.latitude, Location.longitude, Actor.name, _begun.key, _ended.key,
           ControlSpan.review)
    .join(Location, Location.id == ControlSpan.location_id)
    .join(Actor, Actor.id == ControlSpan.actor_id)
    .outerjoin(_begun, _begun.id == ControlSpan.begun_by_id)
    .outerjoin(_ended, _ended.id == ControlSpan.ended_by_id)
    .where(ControlSpan.location_id.in_(bindparam("ids", expanding=True)),
           or_(ControlSpan.start_min.is_(None), ControlSpan.start_min <= bindparam("last")),
           or_(ControlSpan.end_max.is_(None), ControlSpan.end_max > bindparam("first")))
    .order_by(ControlSpan.start_min.is_(None).desc(), ControlSpan.start_min, ControlSpan.id)
)
_LINKS = (
    select(control_sources.c.span_id, *SOURCE_COLUMNS)
    .join(Source, Source.id == control_sources.c.source_id)
    .where(control_sources.c.span_id.in_(bindparam("ids", expanding=True)))
    .order_by(control_sources.c.span_id, Source.id)
)
_SOURCES = select(*SOURCE_COLUMNS).where(Source.id.in_(bindparam("ids", expanding=True)))
_CHILDREN = select(Location.id).where(Location.parent_id == bindparam("parent"))


def span_views(session: Session, location_ids: list[int], first: dt.date, last: dt.date) -> list[SpanView]:
    """The spans at these places that may overlap ``first``..``last``, as plain data with their sources."""
    if not location_ids:
        return []
    conn = session.connection()
    # 25 columns: more than select() types, so the rows are plain tuples to a type checker.
    rows: Sequence[tuple[Any, ...]] = conn.execute(_SPANS, {"ids": list(location_ids), "first": first,
                                                            "last": last}).all()
    if not rows:
        return []
    views = []
    for r in rows:
        (span_id, location_id, actor_id, status, start_min, start_max, start_precision, end_min, end_max,
         end_precision, origin, certainty, quote, basis, source_id, reading, begun_by_id, ended_by_id,
         place_name, latitude, longitude, actor_name, begun_key, ended_key, review) = r
        views.append(SpanView(
            span_id, location_id, actor_id, status, start_min, start_max, start_precision, end_min, end_max,
            end_precision, origin, certainty, quote, basis, source_id, reading,
            PlaceRef(location_id, place_name, latitude, longitude), ActorRef(actor_id, actor_name),
            EventRef(begun_by_id, begun_key) if begun_by_id is not None else None,
            EventRef(ended_by_id, ended_key) if ended_by_id is not None else None,
            review=review,
        ))
    by_id = {v.id: v for v in views}
    for row in conn.execute(_LINKS, {"ids": list(by_id)}):
        by_id[row[0]].sources.append(SourceView(*row[1:]))
    missing = {v.source_id for v in views if not v.sources}
    if missing:
        owners = {row[0]: SourceView(*row) for row in conn.execute(_SOURCES, {"ids": sorted(missing)})}
        for v in views:
            v.source = owners.get(v.source_id)
    return views




# -- writing the spans tracker makes (derived from events, from maps) -------------------------------
SPANS = ControlSpan.__table__


def _chunks(values: list, size: int = CHUNK):
    for i in range(0, len(values), size):
        yield values[i:i + size]


@dataclass
class WantedSpan:
    """A span a writer wants at a place: its owner source and key, its column values, the sources it cites."""

    source_id: int
    key: str
    values: dict
    source_ids: list[int]
    confirmed: list = field(default_factory=list)  # (event label, day): later events that say the holder holds



@dataclass
class SpanChanges:
    """What :func:`write_spans` changed."""

    inserted: int = 0
    updated: int = 0
    deleted: int = 0


SPAN_FIELDS = ("location_id", "actor_id", "status", "start_min", "start_max", "start_precision", "end_min", "end_max",
           "end_precision", "begun_by_id", "ended_by_id", "certainty", "quote", "origin", "basis", "reading")


def write_spans(session: Session, wanted: list[WantedSpan], places: list[int], origin: str,
                key_prefix: str | None = None) -> SpanChanges:
    """Make the spans of ``origin`` (keys starting with ``key_prefix``) at ``places`` exactly ``wanted``."""
    result = SpanChanges()
    session.flush()
    existing: dict[tuple[int, str], Row[*tuple[Any, ...]]] = {}  # (source id, key) -> the span's row
    for chunk in _chunks(places):
        query = (select(SPANS.c.id, SPANS.c.source_id, SPANS.c.key, *[SPANS.c[f] for f in SPAN_FIELDS])
                 .where(SPANS.c.location_id.in_(chunk), SPANS.c.origin == origin))
        if key_prefix:
            query = query.where(SPANS.c.key.like(key_prefix + "%"))
        for found in session.execute(query):
            existing[(found.source_id, found.key)] = found
    have_sources: dict[int, set[int]] = {}
    span_ids = [r.id for r in existing.values()]
    for chunk in _chunks(span_ids):
        for link in session.execute(
                select(control_sources.c.span_id, control_sources.c.source_id)
                .where(control_sources.c.span_id.in_(chunk))):
            have_sources.setdefault(link.span_id, set()).add(link.source_id)

    fresh: list[WantedSpan] = []
    links_add: list[dict] = []
    links_drop: list[tuple[int, int]] = []
    for w in wanted:
        row = existing.pop((w.source_id, w.key), None)
        if row is None:
            fresh.append(w)
            continue
        changed = {f: w.values[f] for f in SPAN_FIELDS if getattr(row, f) != w.values[f]}
        srcs = have_sources.get(row.id, set())
        want_srcs = set(w.source_ids)
        if changed:
            session.execute(update(SPANS).where(SPANS.c.id == row.id).values(**changed))
        if srcs != want_srcs:
            links_add.extend({"span_id": row.id, "source_id": s} for s in want_srcs - srcs)
            links_drop.extend((row.id, s) for s in srcs - want_srcs)
        if changed or srcs != want_srcs:
            result.updated += 1
    gone = [r.id for r in existing.values()]
    for chunk in _chunks(gone):
        session.execute(delete(control_sources).where(control_sources.c.span_id.in_(chunk)))
        session.execute(delete(SPANS).where(SPANS.c.id.in_(chunk)))
    result.deleted = len(gone)
    for span_id, source_id in links_drop:
        session.execute(delete(control_sources).where(control_sources.c.span_id == span_id,
                                                      control_sources.c.source_id == source_id))
    if fresh:
        for chunk in _chunks(fresh):
            rows = [{"source_id": w.source_id, "key": w.key, **w.values} for w in chunk]
            returned = session.execute(insert(SPANS).returning(SPANS.c.id, SPANS.c.source_id, SPANS.c.key), rows).all()
            ids = {(r.source_id, r.key): r.id for r in returned}
            for w in chunk:
                links_add.extend({"span_id": ids[(w.source_id, w.key)], "source_id": s} for s in w.source_ids)
        result.inserted = len(fresh)
    if links_add:
        for chunk in _chunks(links_add):
            session.execute(insert(control_sources), chunk)
    session.expire_all()
    return result
