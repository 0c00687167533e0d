"""Who held what, when, and on whose word.

Control spans are half-open periods ``[start, end)`` whose ends may be fuzzy
(a month, a week...). A span *certainly* covers a day when the day lies after
the latest possible start and before the earliest possible end; it *possibly*
covers it when it lies inside the widest reading. Answers built from
possible-but-not-certain spans are marked uncertain instead of guessing.

"Who held X at D" answers from X's own spans; else, when X's parts were held by
different actors at D, says "divided"; else answers from the nearest ancestor
that has spans (a city held by whoever holds its district). A place with a
point is also held by the holder of a map area containing it (tracker.control.areas);
``LAT,LON`` asks about a point directly.

Claims keep their source: when sources (or a source and what was derived from
its events, or a map) disagree about the same place and day, the answer is
"disputed" and every claim is listed with its sources and grading; ``prefer``
(``graded``, ``latest`` or ``source=NAME``) picks the headline view without
setting any claim aside in the data.

Claims age (tracker.control.freshness): an open-ended claim whose newest evidence is
older than its horizon is *stale* ("last evidence D, N days before"), and an
answer from stale claims only is ``stale``, never ``held``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session, selectinload

from tracker.control import areas
from tracker.control.freshness import assess
from tracker.control.spans import Claim, PlaceRef, certainly_covers, possible_at, source_label, span_views
from tracker.errors import TrackerError, UnknownName
from tracker.model.dates import FuzzyDate, parse_fuzzy_date
from tracker.model.entities import ActorRelation, ControlSpan, Location, Source
from tracker.names.normalize import normalize_name
from tracker.names.resolve import ancestors, find_actor, find_place, place_at

# Relations through which an actor's holdings count as another's ("what did
# ISIS hold, with its affiliates"): the subject is part of, or run by, the object.
AFFILIATION_KINDS = ("affiliate_of", "member_of", "controlled_by")


def _window(value) -> tuple[dt.date, dt.date]:
    d = parse_fuzzy_date(value)
    return d.earliest, d.latest


@dataclass
class Holding:
    """The answer to "who held PLACE at DATE"."""

    place: Location | PlaceRef  # PlaceRef: a LAT,LON asked about, no known place
    at: FuzzyDate
    answer: str  # held | contested | disputed | divided | partial | uncertain | unknown
    claims: list[Claim] = field(default_factory=list)
    basis: str = "own"  # own | ancestor | parts | areas | none
    basis_place: Location | None = None
    preferred: list[Claim] | None = None  # the claims the headline answers from (None: all)
    prefer: str | None = None  # graded | latest | source=NAME

    @property
    def shown(self) -> list[Claim]:
        return self.claims if self.preferred is None else self.preferred

    @property
    def fresh(self) -> list[Claim]:
        """The shown claims that are not stale (all of them when every one is)."""
        return [c for c in self.shown if not c.stale] or self.shown

    @property
    def drafted(self) -> bool:
        """Whether the answer rests on a drafted record nobody has reviewed yet."""
        return any(getattr(c.span, "review", None) == "pending" for c in self.fresh)

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
                f"{c.holder}: {c.freshness.note()}; horizon {c.freshness.horizon_days} days" for c in self.shown
                if c.freshness is not None))  # (every one: a stale claim is one assessed)
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
        if self.drafted:
            pending = [getattr(c.span, "review", None) == "pending" for c in self.fresh]
            text += " (unreviewed draft)" if all(pending) else " (partly from an unreviewed draft)"
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
            rec: dict[str, object] = {"asked": self.place.name, "at": str(self.at), "answer": self.answer,
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


_CHILDREN = select(Location.id).where(Location.parent_id == bindparam("parent"))


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


def _preference_text(prefer: str | None) -> str:
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


def _answer(place, when: FuzzyDate, claims: list[Claim], prefer: str | None, session: Session,
            horizon: int | None = None, **kw) -> Holding:
    assess(session, claims, when.earliest, horizon)
    if not prefer:
        return Holding(place, when, _judge(claims), claims, **kw)
    chosen = preferred_claims(session, claims, prefer)
    answer = _judge(chosen) if chosen else "unknown"
    return Holding(place, when, answer, claims, preferred=chosen, prefer=prefer, **kw)


def who_held(session: Session, place, at, prefer: str | None = None, horizon: int | None = None) -> Holding:
    """Who held ``place`` (a Location, its id, a name or ``LAT,LON``) at ``at`` (a fuzzy date).

    ``prefer`` picks the headline among disagreeing sources: ``graded`` (the
    best Admiralty grading), ``latest`` (the most recent source) or
    ``source=NAME``; every claim stays in the records. ``horizon`` (days)
    replaces the default ageing horizons of derived and reported claims
    (tracker.control.freshness).

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
            at_point = place_at(session, *point)
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
        mapped = areas.claims_for_unmapped_place(session, place, first, last)
        if mapped:
            return _answer(place, when, mapped, prefer, session, horizon, basis="areas")

    child_ids = list(session.connection().execute(_CHILDREN, {"parent": place.id}).scalars())
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


def held_by(session: Session, actor, at, include_affiliates: bool = False, horizon: int | None = None) -> list[Claim]:
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
