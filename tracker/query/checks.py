"""``tracker check``: a consistency report on control, one finding per line.

Errors (the command exits non-zero):

* ``overlap`` — one place held outright (status ``held``) by two actors over a
  period both spans certainly cover, when neither is the other's affiliate,
  member, controller or successor: one of the claims is wrong, or the place
  was contested and should say so.
* ``ends-before-start`` — a span whose latest end is not after its earliest start.
* ``no-source`` — a span that cites no source.
* ``not-yet`` / ``after-merger`` — a place held by an actor before it existed
  (``successor_of`` / ``splinter_of`` relations with a start date) or after it
  was succeeded by another (``successor_of``).

Warnings:

* ``already-held`` — a territory-transfer event at a place, dated inside a span
  in which its gainer already held the place ("Government regains territory"
  while the government held it).
* ``order-vs-notes`` — a transfer event whose actor order and notes disagree
  about who took the ground; the line says whom the derived span credits.
* ``note-vs-coding`` — a transfer event coded as a change of territory whose
  notes say the gain did not last (a raid: "briefly took over", "withdrew
  again"); the line quotes the phrases and says how the derived span ends.
* ``identity-conflict`` — one dataset id (in one release) under which imports
  found different events (another country, or dates more than a year apart);
  tracker keeps each as an event of its own (docs/importing.md, "Identity").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from tracker.control.derivation import load_transfer_events
from tracker.control.spans import SPAN_PERIOD_COLUMNS, SpanPeriod, period_text
from tracker.model.entities import Actor, ActorRelation, ControlSpan, DatasetRecord, Event, Location, control_sources

_EARLY, _LATE = dt.date.min, dt.date.max
LINKED_KINDS = ("affiliate_of", "member_of", "controlled_by", "successor_of", "allied_with")


@dataclass
class Finding:
    level: str  # error | warning
    code: str
    place: str
    message: str
    spans: list[int] = field(default_factory=list)
    event: str = ""

    def line(self) -> str:
        return f"{self.level}: {self.code}: {self.place}: {self.message}"

    def record(self) -> dict:
        return asdict(self)


@dataclass
class _S(SpanPeriod):
    """A stored span (so it has its id and its place), with the names a finding shows."""

    id: int
    location_id: int
    place: str
    actor: str
    begun_by_id: int | None

    def text(self) -> str:
        return f"{self.actor} {self.status} {self.period()} (span #{self.id}, {self.origin})"


def _spans(session: Session) -> list[_S]:
    # 14 columns: more than select() types, so the rows are plain tuples to a type checker.
    rows: Sequence[tuple[Any, ...]] = session.execute(
        select(*SPAN_PERIOD_COLUMNS, Location.name, Actor.name, ControlSpan.begun_by_id)
        .join(Location, Location.id == ControlSpan.location_id)
        .join(Actor, Actor.id == ControlSpan.actor_id)
        .order_by(ControlSpan.location_id, ControlSpan.id)
    ).all()
    return [_S(span_id, location_id, actor_id, status, start_min, start_max, start_precision, end_min, end_max,
               end_precision, origin, place, actor, begun_by_id)
            for (span_id, location_id, actor_id, status, start_min, start_max, start_precision, end_min, end_max,
                 end_precision, origin, place, actor, begun_by_id) in rows]


def _linked(session: Session) -> set[frozenset]:
    rows = session.execute(select(ActorRelation.actor_id, ActorRelation.other_id).where(
        ActorRelation.kind.in_(LINKED_KINDS))).all()
    return {frozenset(r) for r in rows}


def check(session: Session) -> list[Finding]:
    """Every finding, errors first, then by place."""
    spans = _spans(session)
    findings: list[Finding] = []
    findings += _order(spans)
    findings += _unsourced(session, spans)
    findings += _overlaps(spans, _linked(session))
    findings += _lifetimes(session, spans)
    findings += _transfers(session, spans)
    findings += _identity_conflicts(session)
    findings.sort(key=lambda f: (f.level != "error", f.code, f.place, f.message))
    return findings


def _order(spans: list[_S]) -> list[Finding]:
    out = []
    for s in spans:
        if s.start_min is not None and s.end_max is not None and s.end_max <= s.start_min:
            out.append(Finding("error", "ends-before-start", s.place, f"{s.text()} ends before it starts", [s.id]))
    return out


def _unsourced(session: Session, spans: list[_S]) -> list[Finding]:
    ids = set(session.scalars(select(ControlSpan.id).where(
        ~exists().where(control_sources.c.span_id == ControlSpan.id))))
    return [Finding("error", "no-source", s.place, f"{s.text()} cites no source", [s.id]) for s in spans if s.id in ids]


def _overlaps(spans: list[_S], linked: set[frozenset]) -> list[Finding]:
    out = []
    by_place: dict[int, list[_S]] = {}
    for s in spans:
        if s.status == "held":
            by_place.setdefault(s.location_id, []).append(s)
    for group in by_place.values():
        if len({s.actor_id for s in group}) < 2:
            continue
        group.sort(key=lambda s: s.sure_start)
        active: list[_S] = []
        for s in group:
            active = [a for a in active if a.sure_end > s.sure_start]
            for a in active:
                if a.actor_id == s.actor_id or frozenset((a.actor_id, s.actor_id)) in linked:
                    continue
                lo, hi = max(a.sure_start, s.sure_start), min(a.sure_end, s.sure_end)
                if lo < hi:
                    when = f"{'…' if lo == _EARLY else lo} to {'…' if hi == _LATE else hi}"
                    out.append(Finding(
                        "error", "overlap", s.place,
                        f"held outright by two actors from {when} without a contested status: "
                        f"{a.text()} and {s.text()}", [a.id, s.id]))
            active.append(s)
    return out


def _lifetimes(session: Session, spans: list[_S]) -> list[Finding]:
    out: list[Finding] = []
    rels = session.execute(
        select(ActorRelation.actor_id, ActorRelation.kind, ActorRelation.other_id, ActorRelation.start_min,
               ActorRelation.start_max, Actor.name)
        .join(Actor, Actor.id == ActorRelation.other_id)
        .where(ActorRelation.kind.in_(("successor_of", "splinter_of")), ActorRelation.start_min.is_not(None))
    ).all()
    if not rels:
        return out
    by_actor: dict[int, list[_S]] = {}
    names: dict[int, str] = {}
    for s in spans:
        by_actor.setdefault(s.actor_id, []).append(s)
        names[s.actor_id] = s.actor
    names.update(session.execute(select(Actor.id, Actor.name).where(Actor.id.in_({r[0] for r in rels}))).all())
    for actor_id, kind, other_id, rel_min, rel_max, other_name in rels:
        if rel_min is None:
            continue  # (none: the query asks for relations with a start)
        rel_max = rel_max or rel_min
        since = period_text(rel_min, rel_max, "day" if rel_min == rel_max else "range")
        for s in by_actor.get(actor_id, []):
            # Held before the relation could have begun: the actor did not exist yet.
            if (s.start_max is not None and s.start_max < rel_min) or (s.end_max is not None and s.end_max <= rel_min):
                role = "succeeded" if kind == "successor_of" else "split from"
                out.append(Finding("error", "not-yet", s.place,
                                   f"{s.text()} begins before {s.actor} existed (it {role} {other_name} "
                                   f"from {since})", [s.id]))
        if kind != "successor_of":
            continue
        for s in by_actor.get(other_id, []):
            # Still held after its successor took over: it had merged into (or been replaced by) it.
            if s.sure_end > rel_max and s.sure_start < s.sure_end:
                out.append(Finding("error", "after-merger", s.place,
                                   f"{s.text()} runs past {since}, when {s.actor} was succeeded by "
                                   f"{names.get(actor_id, f'#{actor_id}')}", [s.id]))
    return out


def _transfers(session: Session, spans: list[_S]) -> list[Finding]:
    events = load_transfer_events(session)
    if not events:
        return []
    out = []
    held: dict[tuple[int, int], list[_S]] = {}
    for s in spans:
        if s.status == "held":
            held.setdefault((s.location_id, s.actor_id), []).append(s)
    places = dict(session.execute(select(Location.id, Location.name).where(
        Location.id.in_({e.location_id for e in events}))).all()) if len(events) < 30000 else \
        dict(session.execute(select(Location.id, Location.name)).all())
    for e in events:
        t = e.transfer
        place = places.get(e.location_id, f"#{e.location_id}")
        when = e.date_start.isoformat() if e.date_start == e.date_end else f"{e.date_start}/{e.date_end}"
        if t.gainer is not None:
            for s in held.get((e.location_id, t.gainer.actor_id), []):
                if s.begun_by_id == e.id:
                    continue
                if s.sure_start < e.date_start and s.sure_end > e.date_end:
                    out.append(Finding("warning", "already-held", place,
                                       f"event {e.label} ({when}, {e.sub_type or e.event_type}) has "
                                       f"{t.gainer.name} take the place, but it already held it: {s.text()}",
                                       [s.id], e.label))
                    break
        if e.ground.temporary:
            taker = t.gainer.name if t.gainer else "its gainer"
            ends = "the next day" if e.ground.ends == "next day" else "the same day"
            back = ""
            if e.ground.returned_side:
                others = [p.name for p in e.participants if p.side == e.ground.returned_side][:1]
                back = f", and {others[0] if others else 'the other side'} holds it after"
            phrases = ", ".join(f"\u201c{p}\u201d" for p in e.ground.phrases)
            out.append(Finding("warning", "note-vs-coding", place,
                               f"event {e.label} ({when}) is coded {e.sub_type or e.event_type}, but the notes say "
                               f"{taker}'s gain did not last ({phrases}); the derived span ends {ends}{back}",
                               [], e.label))
        if t.notes_disagree:
            first = t.order_gainer.name if t.order_gainer else "actor 1"
            credited = t.gainer.name if t.gainer else "nobody"
            out.append(Finding("warning", "order-vs-notes", place,
                               f"event {e.label} ({when}, {e.sub_type or e.event_type}): actor 1 is {first}, but "
                               f"the notes say otherwise (\u201c{t.notes_quote}\u201d); the derived span credits "
                               f"{credited} ({t.certainty})", [], e.label))
    return out


def _identity_conflicts(session: Session) -> list[Finding]:
    shared = (select(Event.external_scheme, Event.external_release, Event.external_id)
              .where(Event.external_scheme.is_not(None))
              .group_by(Event.external_scheme, Event.external_release, Event.external_id)
              .having(func.count() > 1).subquery())
    rows = session.execute(
        select(Event.id, Event.external_scheme, Event.external_release, Event.external_id, Event.external_key,
               DatasetRecord.country, DatasetRecord.recorded_date, Location.name)
        .join(shared, (shared.c.external_scheme == Event.external_scheme)
              & (shared.c.external_id == Event.external_id)
              & ((shared.c.external_release == Event.external_release)
                 | (shared.c.external_release.is_(None) & Event.external_release.is_(None))))
        .outerjoin(DatasetRecord, DatasetRecord.event_id == Event.id)
        .outerjoin(Location, Location.id == Event.location_id)
        .order_by(Event.external_scheme, Event.external_id, Event.external_release, Event.id)).all()
    groups: dict[tuple, list] = {}
    for r in rows:
        groups.setdefault((r.external_scheme, r.external_release, r.external_id), []).append(r)
    out = []
    for (scheme, release, ext), events in groups.items():
        scope = f" (realtime release {release})" if release else ""
        listed = "; ".join(f"#{e.id} {e.country or '?'} {e.recorded_date or '?'} ({e.name or 'no place'})"
                           for e in events)
        out.append(Finding("warning", "identity-conflict", events[0].name or ext,
                           f"{scheme.upper()} id {ext}{scope} names {len(events)} different events, kept apart: "
                           f"{listed}", [], events[0].external_key or ext))
    return out


__all__ = ["check", "Finding"]
