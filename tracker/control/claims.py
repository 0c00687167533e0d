"""Who held what, when, and on whose word.

Control spans are half-open periods ``[start, end)`` whose ends may be fuzzy
(a month, a week...). A span *certainly* covers a day when the day lies after
the latest possible start and before the earliest possible end; it *possibly*
covers it when it lies inside the widest reading. Answers built from
possible-but-not-certain spans are marked uncertain instead of guessing.

"Who held X at D" answers from X's own spans; else, when X's parts were held by
different actors at D, says "divided"; else answers from the nearest ancestor
that has spans (a city held by whoever holds its district). A place with a
point is also held by the holder of a map area containing it (tracker.areas);
``LAT,LON`` asks about a point directly.

Claims keep their source: when sources (or a source and what was derived from
its events, or a map) disagree about the same place and day, the answer is
"disputed" and every claim is listed with its sources and grading; ``prefer``
(``graded``, ``latest`` or ``source=NAME``) picks the headline view without
setting any claim aside in the data.

Claims age (tracker.freshness): an open-ended claim whose newest evidence is
older than its horizon is *stale* ("last evidence D, N days before"), and an
answer from stale claims only is ``stale``, never ``held``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Optional

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from tracker.model.dates import FuzzyDate, parse_fuzzy_date
from tracker.errors import TrackerError, UnknownName
from tracker.control.freshness import Freshness, assess
from tracker.model.entities import Actor, ActorRelation, ControlSpan, Event, Location, Source, control_sources
from tracker.names.normalize import normalize_name
from tracker.names.resolve import ancestors, find_actor, find_place

# Relations through which an actor's holdings count as another's ("what did
# ISIS hold, with its affiliates"): the subject is part of, or run by, the object.
AFFILIATION_KINDS = ("affiliate_of", "member_of", "controlled_by")


def _window(value) -> tuple[dt.date, dt.date]:
    d = parse_fuzzy_date(value)
    return d.earliest, d.latest


def period_text(span_min: Optional[dt.date], span_max: Optional[dt.date], precision: Optional[str]) -> str:
    """A span boundary as the user wrote it (``2015-06``), or ``…`` when unknown."""
    if span_min is None:
        return ""
    return str(FuzzyDate(span_min, span_max or span_min, precision or "day"))


def source_label(source: Source) -> str:
    grade = f" [{source.grading}]" if source.grading else ""
    by = f"{source.publisher}: " if source.publisher else ""
    return f"{by}{source.title}{grade}"


def possible_at(first: dt.date, last: dt.date):
    """SQL condition: the span may overlap the days ``first``..``last``."""
    return and_(
        or_(ControlSpan.start_min.is_(None), ControlSpan.start_min <= last),
        or_(ControlSpan.end_max.is_(None), ControlSpan.end_max > first),
    )


def certainly_covers(span: ControlSpan, first: dt.date, last: dt.date) -> bool:
    starts_ok = span.start_max is None or span.start_max <= first
    ends_ok = span.end_min is None or span.end_min > last
    return starts_ok and ends_ok


@dataclass
class Claim:
    """One source's word that an actor held (or contested) a place over a period."""

    span: ControlSpan
    certain: bool  # the span surely covers the whole date asked about
    freshness: Optional[Freshness] = None  # set by tracker.freshness.assess

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
        sources = s.sources or [s.source]
        start = period_text(s.start_min, s.start_max, s.start_precision)
        if not start and s.start_max is not None:
            start = f"by {s.start_max.isoformat()}"  # held on the first map that shows it
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
            "from": start or "unknown",
            "until": period_text(s.end_min, s.end_max, s.end_precision),
            "certainty": s.certainty,
            "boundary": "certain" if self.certain else "uncertain",
            "begun_by": s.begun_by.key if s.begun_by else "",
            "ended_by": s.ended_by.key if s.ended_by else "",
            "sources": [source_label(src) for src in sources],
            "grading": sorted({src.grading for src in sources if src.grading}),
            "quote": s.quote or "",
            "origin": getattr(s, "origin", None) or "reported",
            "derivation": getattr(s, "basis", None) or "",
            # the point of the record's place, for --format geojson
            "latitude": s.location.latitude,
            "longitude": s.location.longitude,
        }


@dataclass
class Holding:
    """The answer to "who held PLACE at DATE"."""

    place: Location
    at: FuzzyDate
    answer: str  # held | contested | disputed | divided | partial | uncertain | unknown
    claims: list[Claim] = field(default_factory=list)
    basis: str = "own"  # own | ancestor | parts | areas | none
    basis_place: Optional[Location] = None
    preferred: Optional[list[Claim]] = None  # the claims the headline answers from (None: all)
    prefer: Optional[str] = None  # graded | latest | source=NAME

    @property
    def shown(self) -> list[Claim]:
        return self.claims if self.preferred is None else self.preferred

    @property
    def fresh(self) -> list[Claim]:
        """The shown claims that are not stale (all of them when every one is)."""
        return [c for c in self.shown if not c.stale] or self.shown

    @property
    def holders(self) -> list[str]:
        seen: list[str] = []
        for c in self.shown:
            if c.holder not in seen:
                seen.append(c.holder)
        return seen

    def headline(self) -> str:
        where = self.place.name
        pref = _preference_text(self.prefer)
        if self.answer == "stale":
            notes = "; ".join(dict.fromkeys(
                f"{c.holder}: {c.freshness.note()}; horizon {c.freshness.horizon_days} days" for c in self.shown))
            return f"{where} at {self.at}: stale: no evidence within the horizon ({notes})"
        if self.answer == "unknown":
            if self.prefer and self.claims:
                named = self.prefer.partition("=")[2].strip()
                return f"{where} at {self.at}: no claim from source {named!r} ({len(self.claims)} from other sources)"
            return f"{where} at {self.at}: no control recorded"
        via = ""
        if self.basis == "ancestor" and self.basis_place is not None:
            via = f" (from {self.basis_place.name}, which contains it)"
        if self.basis == "parts":
            via = " (from its parts)"
        if self.basis == "areas":
            via = " (from map areas containing it)"
        views = _views(self.shown)
        if self.answer == "disputed" and len(views) > 1:
            said = "; ".join(f"{_view_label(v)}: {_judge_one(v)} ({_names(v, _judge_one(v))})" for v in views.values())
            text = f"{where} at {self.at}: disputed: sources disagree: {said}{via}"
        else:
            text = f"{where} at {self.at}: {self.answer}: {_names(self.fresh, self.answer)}{via}"
        maps = sorted({c.freshness.last_map for c in self.fresh if c.freshness and c.freshness.last_map})
        if maps:
            text += f" (as of the last map {maps[-1]})"
        if self.prefer:
            aside = len(self.claims) - len(self.shown)
            text += f" ({pref}" + (f"; {aside} other claim(s) not preferred)" if aside else ")")
        return text

    def records(self) -> list[dict]:
        out = []
        shown = {id(c) for c in self.shown}
        for claim in self.claims:
            rec = {"asked": self.place.name, "at": str(self.at), "answer": self.answer,
                   "basis": self.basis if self.basis_place is None else f"{self.basis}: {self.basis_place.name}"}
            rec.update(claim.record())
            if self.prefer:
                rec["preferred"] = id(claim) in shown
            out.append(rec)
        return out


def _names(claims: list[Claim], answer: str) -> str:
    seen: list[str] = []
    for c in claims:
        if c.holder not in seen:
            seen.append(c.holder)
    return " vs ".join(seen) if answer in ("contested", "disputed", "divided") else " or ".join(seen)


# -- the lean read path: plain rows, no ORM objects (who_held must answer in well under 1 ms) --
@dataclass
class PlaceRef:
    id: Optional[int]
    name: str
    latitude: Optional[float] = None
    longitude: Optional[float] = None


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
    publisher: Optional[str]
    reliability: Optional[str]
    credibility: Optional[str]
    published_max: Optional[dt.date]
    loaded_at: Optional[dt.datetime]

    @property
    def grading(self) -> Optional[str]:
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

    id: Optional[int]
    location_id: Optional[int]
    actor_id: int
    status: str
    start_min: Optional[dt.date]
    start_max: Optional[dt.date]
    start_precision: Optional[str]
    end_min: Optional[dt.date]
    end_max: Optional[dt.date]
    end_precision: Optional[str]
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
    quote: Optional[str]
    basis: Optional[str]
    source_id: int
    reading: Optional[str]
    location: PlaceRef
    actor: ActorRef
    begun_by: Optional[EventRef] = None
    ended_by: Optional[EventRef] = None
    sources: list[SourceView] = field(default_factory=list)
    source: Optional[SourceView] = None


_STATEMENTS: dict[str, object] = {}


def _statements() -> dict:
    if not _STATEMENTS:
        begun, ended = aliased(Event), aliased(Event)
        _STATEMENTS["spans"] = (
            select(*SPAN_PERIOD_COLUMNS, ControlSpan.certainty, ControlSpan.quote, ControlSpan.basis,
                   ControlSpan.source_id, ControlSpan.reading, ControlSpan.begun_by_id, ControlSpan.ended_by_id,
                   Location.name, Location.latitude, Location.longitude, Actor.name, begun.key, ended.key)
            .join(Location, Location.id == ControlSpan.location_id)
            .join(Actor, Actor.id == ControlSpan.actor_id)
            .outerjoin(begun, begun.id == ControlSpan.begun_by_id)
            .outerjoin(ended, ended.id == ControlSpan.ended_by_id)
            .where(ControlSpan.location_id.in_(bindparam("ids", expanding=True)),
                   or_(ControlSpan.start_min.is_(None), ControlSpan.start_min <= bindparam("last")),
                   or_(ControlSpan.end_max.is_(None), ControlSpan.end_max > bindparam("first")))
            .order_by(ControlSpan.start_min.is_(None).desc(), ControlSpan.start_min, ControlSpan.id)
        )
        _STATEMENTS["links"] = (
            select(control_sources.c.span_id, *SOURCE_COLUMNS)
            .join(Source, Source.id == control_sources.c.source_id)
            .where(control_sources.c.span_id.in_(bindparam("ids", expanding=True)))
            .order_by(control_sources.c.span_id, Source.id)
        )
        _STATEMENTS["sources"] = select(*SOURCE_COLUMNS).where(Source.id.in_(bindparam("ids", expanding=True)))
        _STATEMENTS["children"] = select(Location.id).where(Location.parent_id == bindparam("parent"))
    return _STATEMENTS


def span_views(session: Session, location_ids: list[int], first: dt.date, last: dt.date) -> list[SpanView]:
    """The spans at these places that may overlap ``first``..``last``, as plain data with their sources."""
    if not location_ids:
        return []
    st = _statements()
    conn = session.connection()
    rows = conn.execute(st["spans"], {"ids": list(location_ids), "first": first, "last": last}).all()
    if not rows:
        return []
    views = []
    for r in rows:
        views.append(SpanView(
            *r[:16],  # SPAN_PERIOD_COLUMNS, certainty, quote, basis, source_id, reading
            PlaceRef(r[1], r[18], r[19], r[20]), ActorRef(r[2], r[21]),
            EventRef(r[16], r[22]) if r[16] is not None else None,
            EventRef(r[17], r[23]) if r[17] is not None else None,
        ))
    by_id = {v.id: v for v in views}
    for row in conn.execute(st["links"], {"ids": list(by_id)}):
        by_id[row[0]].sources.append(SourceView(*row[1:]))
    missing = {v.source_id for v in views if not v.sources}
    if missing:
        owners = {row[0]: SourceView(*row) for row in conn.execute(st["sources"], {"ids": sorted(missing)})}
        for v in views:
            v.source = owners.get(v.source_id)
    return views


def _claims_at(session: Session, location_ids: Iterable[int], first: dt.date, last: dt.date) -> list[Claim]:
    return [Claim(s, certainly_covers(s, first, last)) for s in span_views(session, list(location_ids), first, last)]


# -- judging: one view per source (and per origin: what a source says vs what we derived from it) --
def _view_key(claim: Claim) -> tuple:
    return (claim.span.source_id, getattr(claim.span, "origin", None) or "reported")


def _views(claims: list[Claim]) -> dict[tuple, list[Claim]]:
    out: dict[tuple, list[Claim]] = {}
    for c in claims:
        out.setdefault(_view_key(c), []).append(c)
    return out


def _owner(span):
    if span.sources:
        for s in span.sources:
            if s.id == span.source_id:
                return s
        return span.sources[0]
    return span.source


def _view_label(claims: list[Claim]) -> str:
    span = claims[0].span
    owner = _owner(span)
    label = source_label(owner) if owner is not None else f"source #{span.source_id}"
    origin = getattr(span, "origin", None) or "reported"
    return f"derived from {label}" if origin == "derived" else label


def _judge_one(claims: list[Claim]) -> str:
    holders = {c.span.actor_id for c in claims}
    statuses = {c.span.status for c in claims}
    if not all(c.certain for c in claims):
        return "uncertain"
    if statuses & {"contested", "besieged"} and len(holders) > 1:
        return "contested"
    if len(holders) > 1:
        return "disputed"  # several actors said to hold it outright: the sources disagree
    return "contested" if statuses & {"contested", "besieged"} else ("partial" if "partial" in statuses else "held")


def _judge(claims: list[Claim]) -> str:
    if claims and all(c.stale for c in claims):
        return "stale"
    claims = [c for c in claims if not c.stale]
    views = _views(claims)
    if len(views) <= 1 or not all(c.certain for c in claims):
        return _judge_one(claims)
    said = {(_judge_one(v), frozenset(c.span.actor_id for c in v)) for v in views.values()}
    return next(iter(said))[0] if len(said) == 1 else "disputed"


# -- preferring one view -----------------------------------------------------------------
class BadPreference(TrackerError):
    """A --prefer value tracker does not know."""


PREFERENCES = ("graded", "latest", "source=NAME")


def _preference_text(prefer: Optional[str]) -> str:
    if not prefer:
        return ""
    if prefer == "graded":
        return "preferring the best-graded source"
    if prefer == "latest":
        return "preferring the latest source"
    return f"preferring source {prefer.partition('=')[2]!r}"


def _grade_rank(claims: list[Claim]) -> tuple:
    owner = _owner(claims[0].span)
    if owner is None or not owner.grading:
        return (9, 9)
    return ("ABCDEF".index(owner.grading[0]), int(owner.grading[1]))


def _recency(claims: list[Claim]) -> tuple:
    owner = _owner(claims[0].span)
    if owner is None:
        return (dt.date.min, dt.datetime.min)
    return (owner.published_max or dt.date.min, owner.loaded_at or dt.datetime.min)


def sources_named(session: Session, name: str) -> set[int]:
    """Ids of the sources a name designates: its key, title or publisher (case and accents ignored)."""
    key = normalize_name(name)
    found = set()
    for sid, skey, title, publisher in session.execute(select(Source.id, Source.key, Source.title, Source.publisher)):
        names = {normalize_name(skey), normalize_name(title or ""), normalize_name(publisher or "")}
        if key in names or (key and key in normalize_name(title or "")):
            found.add(sid)
    if not found:
        raise UnknownName("source", name)
    return found


def preferred_claims(session: Session, claims: list[Claim], prefer: str) -> list[Claim]:
    """The claims of the preferred view(s) (``graded``, ``latest`` or ``source=NAME``)."""
    views = _views(claims)
    if not views:
        return []
    if prefer == "graded":
        best = min(_grade_rank(v) for v in views.values())
        keep = [v for v in views.values() if _grade_rank(v) == best]
    elif prefer == "latest":
        newest = max(_recency(v) for v in views.values())
        keep = [v for v in views.values() if _recency(v) == newest]
    elif prefer.startswith("source="):
        wanted = sources_named(session, prefer.partition("=")[2].strip())
        keep = [[c for c in claims if {s.id for s in (c.span.sources or [c.span.source]) if s} & wanted]]
    else:
        raise BadPreference(f"unknown preference {prefer!r}: use graded, latest or source=NAME")
    return [c for v in keep for c in v]


def _answer(place, when: FuzzyDate, claims: list[Claim], prefer: Optional[str], session: Session,
            horizon: Optional[int] = None, **kw) -> Holding:
    assess(session, claims, when.earliest, horizon)
    if not prefer:
        return Holding(place, when, _judge(claims), claims, **kw)
    chosen = preferred_claims(session, claims, prefer)
    answer = _judge(chosen) if chosen else "unknown"
    return Holding(place, when, answer, claims, preferred=chosen, prefer=prefer, **kw)


def who_held(session: Session, place, at, prefer: Optional[str] = None, horizon: Optional[int] = None) -> Holding:
    """Who held ``place`` (a Location, its id, a name or ``LAT,LON``) at ``at`` (a fuzzy date).

    ``prefer`` picks the headline among disagreeing sources: ``graded`` (the
    best Admiralty grading), ``latest`` (the most recent source) or
    ``source=NAME``; every claim stays in the records. ``horizon`` (days)
    replaces the default ageing horizons of derived and reported claims
    (tracker.freshness).

    >>> who_held(session, "Derna", "2015-06-14").headline()   # doctest: +SKIP
    'Derna at 2015-06-14: held: Mujahedeen Shura Council of Derna'
    """
    if prefer and prefer not in ("graded", "latest") and not prefer.startswith("source="):
        raise BadPreference(f"unknown preference {prefer!r}: use graded, latest or source=NAME")
    when = parse_fuzzy_date(at)
    first, last = when.earliest, when.latest
    if isinstance(place, str):
        from tracker.geo.points import parse_point

        point = parse_point(place)
        if point is not None:
            from tracker.control import areas

            at_point = areas.place_at(session, *point)
            if at_point is not None:  # a known place's own point: answer for the place
                return who_held(session, at_point, when, prefer, horizon)
            spot = PlaceRef(None, f"{point[0]:g},{point[1]:g}", point[0], point[1])
            found = areas.claims_at_point(session, point[0], point[1], first, last)
            if not found:
                return Holding(spot, when, "unknown", [], basis="none")
            return _answer(spot, when, found, prefer, session, horizon, basis="areas")
        place = find_place(session, place)
    elif isinstance(place, int):
        ident = place
        place = session.get(Location, ident)
        if place is None:
            raise UnknownName("place", f"#{ident}")

    own = _claims_at(session, [place.id], first, last)
    if own:
        return _answer(place, when, own, prefer, session, horizon)

    if place.latitude is not None and place.longitude is not None:
        from tracker.control import areas

        mapped = areas.claims_for_unmapped_place(session, place, first, last)
        if mapped:
            return _answer(place, when, mapped, prefer, session, horizon, basis="areas")

    child_ids = list(session.connection().execute(_statements()["children"], {"parent": place.id}).scalars())
    parts = _claims_at(session, child_ids, first, last)
    part_holders = {c.span.actor_id for c in parts if c.span.status == "held"}
    if len(part_holders) > 1:
        assess(session, parts, when.earliest, horizon)
        return Holding(place, when, "divided", parts, basis="parts")

    for ancestor in ancestors(place):
        inherited = _claims_at(session, [ancestor.id], first, last)
        if inherited:
            return _answer(place, when, inherited, prefer, session, horizon, basis="ancestor",
                           basis_place=ancestor)

    if parts:
        assess(session, parts, when.earliest, horizon)
        return Holding(place, when, "partial", parts, basis="parts")
    return Holding(place, when, "unknown", [], basis="none")


def affiliates(session: Session, actor_id: int, first: dt.date, last: dt.date) -> set[int]:
    """The actor and those that were its affiliates, members or subordinates in the window."""
    found, frontier = {actor_id}, {actor_id}
    while frontier:
        rows = session.scalars(
            select(ActorRelation.actor_id).where(
                ActorRelation.other_id.in_(frontier),
                ActorRelation.kind.in_(AFFILIATION_KINDS),
                or_(ActorRelation.start_min.is_(None), ActorRelation.start_min <= last),
                or_(ActorRelation.end_max.is_(None), ActorRelation.end_max > first),
            )
        ).all()
        frontier = set(rows) - found
        found |= frontier
    return found


def held_by(session: Session, actor, at, include_affiliates: bool = False, horizon: Optional[int] = None) -> list[Claim]:
    """What ``actor`` held (or contested) at ``at``, optionally with its affiliates and members."""
    if isinstance(actor, str):
        actor = find_actor(session, actor)
    when = parse_fuzzy_date(at)
    ids = affiliates(session, actor.id, when.earliest, when.latest) if include_affiliates else {actor.id}
    spans = session.scalars(
        select(ControlSpan)
        .where(ControlSpan.actor_id.in_(ids), possible_at(when.earliest, when.latest))
        .options(selectinload(ControlSpan.sources), selectinload(ControlSpan.location), selectinload(ControlSpan.actor))
        .order_by(ControlSpan.location_id, ControlSpan.start_min)
    ).all()
    claims = [Claim(s, certainly_covers(s, when.earliest, when.latest)) for s in spans]
    assess(session, claims, when.earliest, horizon)
    return sorted(claims, key=lambda c: (c.span.location.name.casefold(), c.span.actor.name.casefold()))
