"""How old the evidence behind a control claim is, and when a claim goes stale.

A claim with an open end says "still held as of the latest evidence", never
"held forever". Each claim knows the date of its newest supporting evidence
on or before the day asked about:

* a claim **derived** from events: the event that began it and every later
  event at the place in which the holder took part;
* a **reported** claim (an analyst's, from a report): the report's own date
  (its publication date; the claim's start when it has none);
* a **map** claim: the snapshot of its series on or before the day; after the
  series' last snapshot, that last map.

A claim whose newest evidence is older than its horizon is *stale*: the
answer says "last evidence D, N days before" and never a plain "held". The
horizons (``--horizon DAYS`` replaces the first two):

* derived and reported claims: :data:`DEFAULT_HORIZON_DAYS` (90 days);
* map claims: the interval to the next snapshot, so they never age inside
  the series; after its last snapshot, the series' usual interval (the median
  gap between its snapshots), and the answer says "as of the last map D".

A claim whose end is stated (a later transfer, a report's "until", the next
map) does not age: its period is evidenced at both ends.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from tracker.model.entities import ControlSnapshot, Event, EventActor

DEFAULT_HORIZON_DAYS = 90


@dataclass
class Freshness:
    """The newest evidence of a claim at the asked day, and whether it is stale."""

    evidence: dt.date | None  # newest supporting evidence on or before the day
    age_days: int | None
    horizon_days: int | None
    stale: bool = False
    last_map: dt.date | None = None  # for map claims asked about after their series' last snapshot

    def note(self) -> str:
        """``last evidence 2015-07-31, 520 days before`` / ``as of the last map 2025-08-01, 153 days before``."""
        if self.evidence is None:
            return ""
        ago = f", {self.age_days} days before" if self.age_days else ""
        if self.last_map is not None:
            return f"as of the last map {self.last_map}{ago}"
        return f"last evidence {self.evidence}{ago}"


# The statements, built once (and so compiled once).
_NEWEST_EVENT = (
    select(func.max(Event.date_end))
    .join(EventActor, EventActor.event_id == Event.id)
    .where(Event.location_id == bindparam("place"), EventActor.actor_id == bindparam("actor"),
           Event.date_start <= bindparam("day"), Event.date_end >= bindparam("since"))
)
_SERIES_OF = select(ControlSnapshot.source_id, ControlSnapshot.series).where(
    ControlSnapshot.source_id.in_(bindparam("ids", expanding=True)))
_SNAPSHOTS = select(ControlSnapshot.series, ControlSnapshot.taken_on).where(
    ControlSnapshot.series.in_(bindparam("series", expanding=True))).order_by(ControlSnapshot.taken_on)


class _Maps:
    """The snapshot dates of the map series behind some claims (read once per answer)."""

    def __init__(self, session: Session, source_ids: Iterable[int]):
        conn = session.connection()
        ids = sorted(set(source_ids))
        self.series_of: dict[int, str] = dict(conn.execute(_SERIES_OF, {"ids": ids}).all()) if ids else {}
        self.dates: dict[str, list[dt.date]] = {}
        names = sorted(set(self.series_of.values()))
        if names:
            for series, taken_on in conn.execute(_SNAPSHOTS, {"series": names}):
                self.dates.setdefault(series, []).append(taken_on)

    def usual_interval(self, series: str) -> int:
        days = self.dates.get(series, [])
        gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False) if b > a]
        return int(statistics.median(gaps)) if gaps else DEFAULT_HORIZON_DAYS


def _sources_of(span) -> list:
    return list(span.sources or ([span.source] if getattr(span, "source", None) else []))


def _report_date(span) -> dt.date | None:
    dates = [s.published_max for s in _sources_of(span) if getattr(s, "published_max", None)]
    return max(dates) if dates else None


def _confirmations(span, day: dt.date) -> list[dt.date]:
    """Days of later transfer events that said the holder held (derivation keeps them in the reading)."""
    reading = getattr(span, "reading", None)
    if not reading:
        return []
    days = [dt.date.fromisoformat(c["date"]) for c in json.loads(reading).get("confirmed_by", [])]
    return [d for d in days if d <= day]


def assess(session: Session, claims: list, day: dt.date, horizon_days: int | None = None) -> None:
    """Set ``claim.freshness`` on each claim, as of ``day`` (the first day asked about)."""
    maps = _Maps(session, [c.span.source_id for c in claims if c.span.origin == "snapshot"])
    conn = session.connection()
    for claim in claims:
        span = claim.span
        if span.end_min is not None:
            claim.freshness = Freshness(None, None, None)  # a stated end: evidenced at both ends
            continue
        origin = span.origin or "reported"
        if origin == "snapshot":
            series = maps.series_of.get(span.source_id)
            dates = [d for d in maps.dates.get(series, []) if d <= day] if series is not None else []
            if series is None or not dates:
                claim.freshness = Freshness(None, None, None)
                continue
            shown = dates[-1]  # the map on or before the day
            after = [d for d in maps.dates.get(series, []) if d > day]
            if after:  # inside the series: the next map is the horizon
                claim.freshness = Freshness(shown, (day - shown).days, (after[0] - shown).days)
                continue
            horizon = horizon_days if horizon_days is not None else maps.usual_interval(series)
            age = (day - shown).days
            claim.freshness = Freshness(shown, age, horizon, age > horizon, last_map=shown)
            continue
        horizon = horizon_days if horizon_days is not None else DEFAULT_HORIZON_DAYS
        if origin == "derived":
            since = span.start_min or dt.date.min
            newest = conn.execute(_NEWEST_EVENT, {
                "place": span.location_id, "actor": span.actor_id, "day": day, "since": since}).scalar()
            known = [d for d in (newest, span.start_max, *_confirmations(span, day)) if d is not None]
            evidence = min(max(known), day) if known else None
        else:
            known = [d for d in (_report_date(span), span.start_max or span.start_min) if d is not None]
            evidence = max(known) if known else None
        if evidence is None:
            claim.freshness = Freshness(None, None, horizon)
            continue
        evidence = min(evidence, day)  # a report dated after the day speaks for the day itself
        age = (day - evidence).days
        claim.freshness = Freshness(evidence, age, horizon, age > horizon)


__all__ = ["DEFAULT_HORIZON_DAYS", "Freshness", "assess"]
