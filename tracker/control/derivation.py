"""Control spans derived from territory-transfer events.

At each place, the transfer events (see :mod:`tracker.control.transfers`) are put in
date order and read as a chain: each one closes the span of the holder before
it and opens the gainer's, citing the event and the event's sources. The first
event at a place opens the gainer's span only (nothing is invented about who
held the place before). An event whose gainer already holds the place changes
nothing (``tracker check`` lists it).

What the notes say happened to the ground afterwards (tracker.control.ground) is
followed: a gain the notes say did not last (a raid: "briefly took over",
"withdrew again and returned to their base") opens a span that ends the same
day, or the next when the notes say so, without ending the previous holder's;
when the notes say the other side came back ("Al Shabaab fighters immediately
returned"), that side holds from then. Of several transfers in one day, one
whose notes say it undid a gain made earlier that day comes after it. The
reading and its phrases are kept on the span (``reading``).

Derived spans have ``origin = 'derived'`` and are the only spans derivation
writes: an analyst's claims (``reported``) and map spans (``snapshot``) are
never changed. Where a reported claim already records the same gain, anchored
to the same event, no derived copy is made; where they disagree, both stand.

Derivation is idempotent: running it again over the same events writes nothing.
It runs for the places touched by a load or an import, or everywhere with
``tracker derive-control``.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tracker.control.ground import GroundReading, read_ground
from tracker.control.mentions import Participant, lead
from tracker.control.spans import WantedSpan, write_spans
from tracker.control.transfers import ACLED_KINDS, REPORT_KINDS, Transfer, decide, transfer_kind, weaker
from tracker.model.entities import (
    Actor,
    ActorAlias,
    ActorRelation,
    ControlSpan,
    Event,
    EventActor,
    Location,
    LocationAlias,
    event_sources,
)
from tracker.progress import Progress
from tracker.results import Result

CHUNK = 500
# More places than this: one pass over the events, which reads each page once, where lists of
# places read the pages of their events by the index, again and again (a large import's places).
WHOLE_PASS_PLACES = 2000
GROUP_EVENTS = 5000  # the territory events derived at once (derive_control): what bounds its memory
ORIGIN = "derived"
SPANS = ControlSpan.__table__


@dataclass
class TransferEvent:
    """A territory-transfer event and the decision about who gained."""

    id: int
    key: str
    external_id: str | None
    location_id: int
    date_start: dt.date
    date_end: dt.date
    date_precision: str
    certainty: str
    source_id: int
    event_type: str
    sub_type: str | None
    description: str | None
    kind: str
    transfer: Transfer
    source_ids: list[int] = field(default_factory=list)
    ground: GroundReading = field(default_factory=GroundReading)
    participants: list[Participant] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.external_id or self.key

    @property
    def window(self) -> tuple[dt.date, dt.date, str]:
        return self.date_start, self.date_end, self.date_precision


@dataclass
class DeriveResult(Result):
    places: int = 0
    events: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0

    def counts(self) -> dict[str, int]:
        return {"places": self.places, "events": self.events, "inserted": self.inserted, "updated": self.updated,
                "deleted": self.deleted}

    def summary(self) -> str:
        return (f"derived control: {self.events} transfer events at {self.places} places; spans "
                f"{self.inserted} inserted, {self.updated} updated, {self.deleted} deleted")

    def add(self, other: DeriveResult) -> None:
        for name in ("places", "events", "inserted", "updated", "deleted"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _chunks(values: list, size: int = CHUNK):
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _transfer_filter():
    """SQL prefilter for events that may transfer territory (refined in Python)."""
    like = [func.lower(Event.sub_type).like("%territory%"), func.lower(Event.event_type).like("%territory%")]
    words = sorted(set(REPORT_KINDS) | {k.replace("-", " ") for k in REPORT_KINDS})
    exact = [func.lower(Event.sub_type).in_(words), func.lower(Event.event_type).in_(words)]
    return or_(*like, *exact)


def load_transfer_events(session: Session, location_ids: Iterable[int] | None = None,
                         event_ids: Iterable[int] | None = None) -> list[TransferEvent]:
    """The transfer events (at the given places, or with the given ids, or all), with their decisions."""
    cols = (Event.id, Event.key, Event.external_id, Event.location_id, Event.date_start, Event.date_end,
            Event.date_precision, Event.certainty, Event.source_id, Event.event_type, Event.sub_type,
            Event.description)
    base = select(*cols).where(Event.location_id.is_not(None), _transfer_filter())
    if location_ids is not None and len(wanted := set(location_ids)) > WHOLE_PASS_PLACES:
        rows = [r for r in session.execute(base).all() if r.location_id in wanted]
    elif location_ids is not None:
        rows = [r for chunk in _chunks(sorted(set(location_ids)))
                for r in session.execute(base.where(Event.location_id.in_(chunk))).all()]
    elif event_ids is not None:
        rows = [r for chunk in _chunks(sorted(set(event_ids)))
                for r in session.execute(base.where(Event.id.in_(chunk))).all()]
    else:
        rows = list(session.execute(base).all())
    found = [(r, kind) for r in rows if (kind := transfer_kind(r.event_type, r.sub_type))]
    if not found:
        return []
    ids = [r.id for r, _ in found]
    participants = _participants(session, ids)
    place_names = _place_names(session, {r.location_id for r, _ in found})
    sources = _event_sources(session, ids)
    out = []
    for r, kind in found:
        parts = participants.get(r.id, [])
        names = place_names.get(r.location_id, [])
        decision = decide(kind, parts, r.description, r.certainty, names)
        ground = read_ground(r.description, parts, decision.gainer.side if decision.gainer else None, names)
        out.append(TransferEvent(
            r.id, r.key, r.external_id, r.location_id, r.date_start, r.date_end, r.date_precision, r.certainty,
            r.source_id, r.event_type, r.sub_type, r.description, kind, decision,
            sorted({*sources.get(r.id, ()), r.source_id}), ground, parts,
        ))
    # Date order; in one day, a retake after what it undid; then by the event's own key, not
    # the id a store happened to give it (the same events make the same chain in every store).
    out.sort(key=lambda e: (e.location_id, e.date_start, e.date_end, e.ground.retake, e.key, e.id))
    return out


def _participants(session: Session, event_ids: list[int]) -> dict[int, list[Participant]]:
    rows = [row for chunk in _chunks(event_ids) for row in session.execute(
        select(EventActor.event_id, EventActor.actor_id, EventActor.role, EventActor.position, Actor.name, Actor.kind)
        .join(Actor, Actor.id == EventActor.actor_id)
        .where(EventActor.event_id.in_(chunk))
    ).all()]
    actor_ids = sorted({r.actor_id for r in rows})
    aliases: dict[int, list[str]] = {}
    relatives: dict[int, list[str]] = {}
    for chunk in _chunks(actor_ids):
        for actor_id, name in session.execute(
                select(ActorAlias.actor_id, ActorAlias.name).where(ActorAlias.actor_id.in_(chunk))):
            aliases.setdefault(actor_id, []).append(name)
        # Names of the umbrellas, members and affiliates of a participant count as
        # mentions of it ("Derna Shura Council" for the Abu Salim Martyrs Brigade).
        rels = session.execute(
            select(ActorRelation.actor_id, ActorRelation.other_id).where(
                or_(ActorRelation.actor_id.in_(chunk), ActorRelation.other_id.in_(chunk)),
                ActorRelation.kind.in_(("member_of", "controlled_by", "affiliate_of", "successor_of")),
            )
        ).all()
        linked: dict[int, set[int]] = {}
        for a, b in rels:
            linked.setdefault(a, set()).add(b)
            linked.setdefault(b, set()).add(a)
        others = sorted({o for v in linked.values() for o in v})
        names: dict[int, list[str]] = {}
        for sub in _chunks(others):
            for actor_id, name in session.execute(
                    select(ActorAlias.actor_id, ActorAlias.name).where(ActorAlias.actor_id.in_(sub))):
                names.setdefault(actor_id, []).append(name)
            for actor_id, name in session.execute(select(Actor.id, Actor.name).where(Actor.id.in_(sub))):
                names.setdefault(actor_id, []).append(name)
        for a in chunk:
            relatives[a] = [n for o in linked.get(a, ()) for n in names.get(o, [])]
    out: dict[int, list[Participant]] = {}
    for r in sorted(rows, key=lambda r: (r.event_id, r.position)):
        out.setdefault(r.event_id, []).append(Participant(
            r.actor_id, r.name, r.role, r.kind or "other", aliases.get(r.actor_id, []), relatives.get(r.actor_id, []),
        ))
    return out


def _place_names(session: Session, location_ids: set[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    ids = sorted(location_ids)
    for chunk in _chunks(ids):
        for lid, name in session.execute(select(Location.id, Location.name).where(Location.id.in_(chunk))):
            out.setdefault(lid, []).append(name)
        for lid, name in session.execute(
                select(LocationAlias.location_id, LocationAlias.name).where(LocationAlias.location_id.in_(chunk))):
            out.setdefault(lid, []).append(name)
    return out


def _event_sources(session: Session, event_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for chunk in _chunks(event_ids):
        for link in session.execute(
                select(event_sources.c.event_id, event_sources.c.source_id).where(event_sources.c.event_id.in_(chunk))):
            out.setdefault(link.event_id, []).append(link.source_id)
    return {k: sorted(v) for k, v in out.items()}


# -- the chain at one place ----------------------------------------------------------------
def _confirm(span: WantedSpan | None, e: TransferEvent) -> None:
    if span is not None:
        span.confirmed.append((e.label, e.date_end))


def _chain(events: list[TransferEvent], anchored: set[tuple[int, int]]) -> tuple[list[WantedSpan], list[TransferEvent]]:
    """The derived spans of one place's transfer events, and the events that changed nothing.

    ``anchored``: (event id, actor id) pairs a reported claim already begins with.
    """
    wanted: list[WantedSpan] = []
    redundant: list[TransferEvent] = []
    current: tuple[int, WantedSpan | None, TransferEvent] | None = None  # (holder, its span if ours, event)
    for e in events:
        t = e.transfer
        gainer = t.gainer.actor_id if t.gainer else None
        if gainer is None:
            # A withdrawal nobody is said to fill: it closes the withdrawing side's span.
            if current is not None and t.loser is not None and current[0] == t.loser.actor_id:
                _close(current[1], e)
                current = None
            continue
        if current is not None:
            if current[0] == gainer:
                redundant.append(e)
                _confirm(current[1], e)
                continue
            previous_span, previous_event = current[1], current[2]
            if e.ground.temporary:
                pass  # a raid: the holder before it holds on (tracker.control.ground)
            elif previous_span is not None and previous_event.window == e.window and not previous_event.ground.temporary:
                # Two hands in one day (or one fuzzy window): the first held it only briefly.
                previous_span.values.update(status="contested", end_min=e.date_end + dt.timedelta(days=1),
                                            end_max=e.date_end + dt.timedelta(days=1), end_precision="day",
                                            ended_by_id=e.id)
            elif not (previous_event.ground.temporary and previous_span is not None
                      and previous_span.values["end_min"] is not None):
                _close(previous_span, e)
        span = None
        if (e.id, gainer) not in anchored:
            span = WantedSpan(e.source_id, f"derived/{e.id}/gain", {
                "location_id": e.location_id, "actor_id": gainer, "status": "held",
                "start_min": e.date_start, "start_max": e.date_end, "start_precision": e.date_precision,
                "end_min": None, "end_max": None, "end_precision": None,
                "begun_by_id": e.id, "ended_by_id": None, "certainty": t.certainty,
                "quote": t.notes_quote or None, "origin": ORIGIN, "basis": t.basis,
                "reading": _reading(e),
            }, e.source_ids)
            wanted.append(span)
        if not e.ground.temporary:
            current = (gainer, span, e)
            continue
        # The gain did not last: the span ends when the notes say, and whoever they say came back holds.
        ends_next_day = e.ground.ends == "next day"
        if span is not None:
            span.values.update(
                status="held" if ends_next_day else "contested",
                end_min=e.date_end + dt.timedelta(days=1), end_max=e.date_end + dt.timedelta(days=2 if ends_next_day else 1),
                end_precision="range" if ends_next_day else "day", ended_by_id=e.id,
                basis=f"{t.basis}; the notes say the gain did not last ({_quoted(e.ground.phrases)}): "
                      f"the span ends {'the next day' if ends_next_day else 'the same day'}")
        back = lead(e.participants, e.ground.returned_side) if e.ground.returned_side else None
        if back is None:
            continue  # the holder before the raid (if any) holds on
        if current is not None and current[0] == back.actor_id:
            _confirm(current[1], e)  # the notes say the holder came back
            continue  # and holds on
        if current is not None:
            _close(current[1], e)
        returned = WantedSpan(e.source_id, f"derived/{e.id}/return", {
            "location_id": e.location_id, "actor_id": back.actor_id, "status": "held",
            "start_min": e.date_start, "start_max": e.date_end + dt.timedelta(days=2 if ends_next_day else 1),
            "start_precision": "range", "end_min": None, "end_max": None, "end_precision": None,
            "begun_by_id": e.id, "ended_by_id": None, "certainty": weaker(t.certainty, "likely"),
            "quote": None, "origin": ORIGIN,
            "basis": f"the notes of {e.label} say {back.name} took the ground back after it "
                     f"({_quoted(e.ground.phrases)})",
            "reading": _reading(e),
        }, e.source_ids)
        wanted.append(returned)
        current = (back.actor_id, returned, e)
    for w in wanted:
        if w.confirmed:
            reading = json.loads(w.values["reading"]) if w.values.get("reading") else {}
            reading["confirmed_by"] = [{"event": label, "date": day.isoformat()} for label, day in w.confirmed]
            w.values["reading"] = json.dumps(reading, ensure_ascii=False)
    return wanted, redundant


def _quoted(phrases: list[str]) -> str:
    return ", ".join(f"\u201c{p}\u201d" for p in phrases)


def _reading(e: TransferEvent) -> str | None:
    """What the span keeps of the notes' reading (JSON), when it said anything."""
    if not e.ground.says_anything:
        return None
    return json.dumps(e.ground.as_data(), ensure_ascii=False)


def _close(span: WantedSpan | None, e: TransferEvent) -> None:
    if span is not None:
        span.values.update(end_min=e.date_start, end_max=e.date_end, end_precision=e.date_precision, ended_by_id=e.id)


def redundant_transfers(events: list[TransferEvent],
                        anchored: AbstractSet[tuple[int, int]] = frozenset()) -> list[TransferEvent]:
    """Transfer events whose gainer already held the place by the chain of earlier events."""
    out = []
    by_place: dict[int, list[TransferEvent]] = {}
    for e in events:
        by_place.setdefault(e.location_id, []).append(e)
    for place_events in by_place.values():
        out.extend(_chain(place_events, set(anchored))[1])
    return out


# -- writing ---------------------------------------------------------------------------------
def derive_control(session: Session, location_ids: Iterable[int] | None = None, progress=None) -> DeriveResult:
    """Bring the derived spans at the given places (default: everywhere) in line with their events;
    ``progress`` (tracker.progress) hears each stage, and places chained of their total.

    The territory events are read a group of places at a time (about GROUP_EVENTS events, their
    notes and participants), so that memory does not grow with the store: only the ids of the
    events and the spans wanted are held for every place at once."""
    stage = progress or (lambda p: None)
    scope = None if location_ids is None else sorted(set(location_ids))
    stage(Progress("reading transfer events", 0))
    ids_by_place = _transfer_ids(session, scope)
    places = set(ids_by_place)
    if scope is None:
        existing_places = set(session.scalars(select(ControlSpan.location_id).where(ControlSpan.origin == ORIGIN).distinct()))
        places |= existing_places
    else:
        places |= set(scope)
    wanted: list[WantedSpan] = []
    started = time.monotonic()
    done = events_read = 0
    group: list[int] = []
    ordered = sorted(ids_by_place)
    for i, place in enumerate(ordered, 1):
        group.extend(ids_by_place[place])
        if len(group) < GROUP_EVENTS and i < len(ordered):
            continue
        events = load_transfer_events(session, event_ids=group)
        group = []
        events_read += len(events)
        anchored = _anchored(session, [e.id for e in events])
        by_place: dict[int, list[TransferEvent]] = {}
        for e in events:
            by_place.setdefault(e.location_id, []).append(e)
        for place_events in by_place.values():
            wanted.extend(_chain(place_events, anchored)[0])
            done += 1
        if progress is not None:
            progress(Progress("places derived", done, len(ids_by_place), time.monotonic() - started, "places"))
    stage(Progress(f"writing {len(wanted):,} derived spans", 0))
    written = write_spans(session, wanted, sorted(places), origin=ORIGIN)
    result = DeriveResult(inserted=written.inserted, updated=written.updated, deleted=written.deleted)
    result.places = done
    result.events = events_read
    return result


def _transfer_ids(session: Session, scope: list[int] | None) -> dict[int, list[int]]:
    """The ids of the transfer events at each place of ``scope`` (None: every place)."""
    base = select(Event.id, Event.location_id, Event.event_type, Event.sub_type).where(
        Event.location_id.is_not(None), _transfer_filter())
    rows: Iterable[Any]
    if scope is None:
        rows = session.execute(base)
    elif len(scope) > WHOLE_PASS_PLACES:
        wanted = set(scope)
        rows = (r for r in session.execute(base) if r.location_id in wanted)
    else:
        rows = (r for chunk in _chunks(scope) for r in session.execute(base.where(Event.location_id.in_(chunk))))
    out: dict[int, list[int]] = {}
    for r in rows:
        if transfer_kind(r.event_type, r.sub_type):
            out.setdefault(r.location_id, []).append(r.id)
    return out


def derive_for_sources(session: Session, source_ids: Iterable[int]) -> DeriveResult:
    """Re-derive at the places touched by these sources' events and derived spans (after a load or import)."""
    ids = sorted(set(source_ids))
    places: set[int] = set()
    for chunk in _chunks(ids):
        places |= set(session.scalars(
            select(Event.location_id).where(Event.source_id.in_(chunk), Event.location_id.is_not(None),
                                            _transfer_filter()).distinct()))
        places |= set(session.scalars(
            select(ControlSpan.location_id).where(ControlSpan.source_id.in_(chunk), ControlSpan.origin == ORIGIN)
            .distinct()))
    if not places:
        return DeriveResult()
    return derive_control(session, places)


def places_of_actor(session: Session, actor_id: int) -> set[int]:
    """Where an actor takes part in a transfer event or holds a derived span (what a merge re-derives)."""
    places = {lid for lid in session.scalars(
        select(Event.location_id).join(EventActor, EventActor.event_id == Event.id)
        .where(EventActor.actor_id == actor_id, Event.location_id.is_not(None), _transfer_filter()).distinct())
        if lid is not None}  # none is: the query asks for events with a place
    places |= set(session.scalars(select(ControlSpan.location_id).where(
        ControlSpan.actor_id == actor_id, ControlSpan.origin == ORIGIN).distinct()))
    return places


def _anchored(session: Session, event_ids: list[int]) -> set[tuple[int, int]]:
    out = set()
    for chunk in _chunks(event_ids):
        out |= {(r.begun_by_id, r.actor_id) for r in session.execute(
            select(ControlSpan.begun_by_id, ControlSpan.actor_id).where(
                ControlSpan.begun_by_id.in_(chunk), ControlSpan.origin == "reported"))}
    return out


__all__ = ["derive_control", "derive_for_sources", "load_transfer_events", "places_of_actor", "redundant_transfers",
           "TransferEvent",
           "DeriveResult", "ACLED_KINDS"]
