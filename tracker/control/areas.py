"""Control areas: who a series of dated maps shows holding a point, and the spans that follow.

A map series (``deepstatemap``) is a sequence of dated snapshots; each shows
areas (polygons, stored as GeoJSON text with their bounding box) or single
places held by an actor with a status. A point's *state* on a snapshot is the
set of (holder, status) of the areas containing it. Consecutive snapshots
with the same (holder, status) for the point make one span (run-length): it
starts somewhere after the previous snapshot and by the first one showing it,
and ends after the last one showing it and by the next snapshot. A span
running from the series' first snapshot starts "by" that date; one still shown
on the latest snapshot is open-ended.

These spans are written as control spans with ``origin = 'snapshot'`` for every
place that has a point (:func:`materialize`), and computed on the fly for a
``LAT,LON`` or a place added since (:func:`claims_at_point`). The bounding box
columns are the indexed prefilter; shapely does the exact point-in-polygon test.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import and_, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from tracker.model.entities import (
    Actor,
    ControlArea,
    ControlSnapshot,
    ControlSpan,
    Location,
    Source,
    control_area_snapshots,
)
from tracker.names.resolve import place_at  # noqa: F401 - "the place at a point" is name resolution
from tracker.results import Result

ORIGIN = "snapshot"
CHUNK = 500


@dataclass
class Snap:
    id: int
    series: str
    taken_on: dt.date
    source_id: int


@dataclass
class Run:
    """One (holder, status) shown for a point on consecutive snapshots of a series."""

    series: str
    actor_id: int
    status: str
    first: int  # index of the first snapshot showing it
    last: int  # index of the last one
    label: str | None
    next_labels: tuple = ()  # the labels of the runs that begin on the snapshot after its last
    certainty: str = "reported"  # lower when its first snapshot's label hedges
    hedge: str | None = None  # the hedging words of that label


def _chunks(values: list, size: int = CHUNK):
    for i in range(0, len(values), size):
        yield values[i:i + size]


@lru_cache(maxsize=2048)
def shape_of(shape_hash: str, geometry: str):
    """The shapely geometry of an area (parsed once per process), made valid if it is not."""
    import shapely

    geom = shapely.from_geojson(geometry)
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    shapely.prepare(geom)
    return geom


def snapshots_by_series(session: Session, series: Iterable[str] | None = None) -> dict[str, list[Snap]]:
    query = select(ControlSnapshot.id, ControlSnapshot.series, ControlSnapshot.taken_on, ControlSnapshot.source_id)
    if series is not None:
        query = query.where(ControlSnapshot.series.in_(list(series)))
    out: dict[str, list[Snap]] = {}
    for row in session.execute(query.order_by(ControlSnapshot.series, ControlSnapshot.taken_on)):
        out.setdefault(row.series, []).append(Snap(*row))
    return out


# What a run needs of an area shown on a snapshot: its label, and the certainty and hedge the label gives.
Shown = tuple[str | None, str, str | None]


def _runs(series: str, n: int, shown: dict[int, dict[tuple[int, str], Shown]]) -> list[Run]:
    """Run-length over snapshot indexes: ``shown[i]`` maps (actor, status) to (label, certainty, hedge)."""
    by_pair: dict[tuple[int, str], list[int]] = {}
    for i in sorted(shown):
        for pair in shown[i]:
            by_pair.setdefault(pair, []).append(i)
    runs = []
    for (actor_id, status), idx in by_pair.items():
        start = prev = idx[0]
        following: list[int | None] = [*idx[1:], None]
        for nxt in following:
            if nxt is not None and nxt == prev + 1:
                prev = nxt
                continue
            label, certainty, hedge = shown[start][(actor_id, status)]
            runs.append(Run(series, actor_id, status, start, prev, label, certainty=certainty, hedge=hedge))
            if nxt is not None:
                start = prev = nxt
    runs.sort(key=lambda r: (r.first, r.actor_id, r.status))
    starting: dict[int, list[str | None]] = {}
    for r in runs:
        starting.setdefault(r.first, []).append(r.label)
    for r in runs:
        r.next_labels = tuple(starting.get(r.last + 1, ()))
    return runs


# Zero-padded day.month, as map labels write it ("25.03", "05.04"): "Zone 1.2" is not a date.
# A full stop after it ends a sentence ("Начебто звільнено 26.03. Читайте опис"): still a date.
_DAY_MONTH = re.compile(r"(?<![\d.])(\d{2})\.(\d{2})(?:\.(\d{4}|\d{2}))?(?!\d|\.\d)")
_DAY_BEFORE = re.compile(r"(?<![\d.])(\d{2})\s*-\s*(?=\d{2}\.(\d{2})(?![\d]))")  # the 27 of "27-31.03"
_WIDEST_LABEL_WINDOW = dt.timedelta(days=31)


@lru_cache(maxsize=4096)  # one label stands on many places' runs
def label_dates(label: str | None, shown_on: dt.date) -> tuple[dt.date, dt.date] | None:
    """The days an area's label dates it to, on a map of ``shown_on``: ``Liberated 25.03``,
    ``Звільнено 16.03-17.03``, ``27-31.03``, ``{{at:19.09}}`` (zero-padded day.month,
    optionally .year); None when it names no date.

    Day.month without a year is the latest such day on or before the map's date.
    Every date the label names counts (its Ukrainian and English parts may
    disagree: "26.06 /// 23.06" gives 23..26 June); a spread over a month wide
    is not a date of the area, and gives None.
    """
    if not label:
        return None
    text = label.replace("\xa0", " ")
    days = []
    found = [(d, m, y) for d, m, y in _DAY_MONTH.findall(text)] + [(d, m, "") for d, m in _DAY_BEFORE.findall(text)]
    for d, m, y in found:
        try:
            if y:
                day = dt.date(int(y) + (2000 if len(y) == 2 else 0), int(m), int(d))
            else:
                day = dt.date(shown_on.year, int(m), int(d))
                if day > shown_on:
                    day = dt.date(shown_on.year - 1, int(m), int(d))
        except ValueError:
            continue
        if day <= shown_on:
            days.append(day)
    if not days or max(days) - min(days) > _WIDEST_LABEL_WINDOW:
        return None
    return min(days), max(days)


def _narrowed(lo: dt.date | None, hi: dt.date,
              dated: tuple[dt.date, dt.date] | None) -> tuple[dt.date, dt.date] | None:
    """The window ``lo``..``hi`` (``lo`` None: open) cut to a label's days; None when they miss it."""
    if dated is None:
        return None
    lo, hi = (max(dated[0], lo) if lo else dated[0]), min(dated[1], hi)
    return (lo, hi) if lo <= hi else None


def span_values(run: Run, snaps: list[Snap]) -> dict:
    """The period of a run, as control span columns.

    The snapshots bound its start (after the previous one, by the first one
    showing it); a date in the area's label (``Liberated 25.03``) narrows that
    window when it falls inside it, and is ignored when it does not.
    """
    first, last = snaps[run.first], snaps[run.last]
    start_min: dt.date | None
    start_max: dt.date = first.taken_on
    start_precision: str | None
    if run.first == 0:
        start_min, start_precision = None, None
    else:
        start_min = snaps[run.first - 1].taken_on + dt.timedelta(days=1)
        start_precision = "day" if start_min == first.taken_on else "range"
    dated = label_dates(run.label, first.taken_on)
    narrowed = _narrowed(start_min, first.taken_on, dated)
    if narrowed is not None:
        start_min, start_max = narrowed
        start_precision = "day" if start_min == start_max else "range"
    else:
        dated = None
    start: dict[str, dt.date | str | None] = {"start_min": start_min, "start_max": start_max, "start_precision": start_precision}
    end: dict[str, dt.date | str | None]
    if run.last == len(snaps) - 1:
        end = {"end_min": None, "end_max": None, "end_precision": None}
    else:
        lo, hi = last.taken_on + dt.timedelta(days=1), snaps[run.last + 1].taken_on
        # It ended when what followed began: narrowed by the followers' label dates, when they all have one.
        after = [label_dates(label, hi) for label in run.next_labels]
        dated_after = [a for a in after if a is not None]
        if after and len(dated_after) == len(after):
            lo, hi = _narrowed(lo, hi, (min(a[0] for a in dated_after), max(a[1] for a in dated_after))) or (lo, hi)
        end = {"end_min": lo, "end_max": hi, "end_precision": "day" if lo == hi else "range"}
    shown = run.last - run.first + 1
    where = f"on {first.taken_on}" if shown == 1 else f"on {shown} snapshots {first.taken_on}..{last.taken_on}"
    label = f" as {run.label!r}" if run.label else ""
    if dated is not None:
        label += f"; the label dates it {str(dated[0]) if dated[0] == dated[1] else f'{dated[0]}/{dated[1]}'}"
        if run.hedge:
            label += " (a hedged date)"
    if run.hedge:
        label += f"; the label hedges (\u201c{run.hedge}\u201d): {run.certainty}"
    return {**start, **end, "status": run.status, "actor_id": run.actor_id, "certainty": run.certainty,
            "origin": ORIGIN, "basis": f"map series {run.series}: shown {where}{label}",
            "begun_by_id": None, "ended_by_id": None, "quote": None, "reading": None}


# -- which areas contain which points ------------------------------------------------------
def _area_rows(session: Session, series: str, lat: float | None = None, lon: float | None = None,
               location_ids: list[int] | None = None):
    cols = (ControlArea.id, ControlArea.actor_id, ControlArea.status, ControlArea.label, ControlArea.location_id,
            ControlArea.geometry, ControlArea.shape_hash, ControlArea.certainty, ControlArea.hedge)
    query = select(*cols).where(ControlArea.series == series)
    if lat is not None:
        inside = and_(ControlArea.min_lon <= lon, ControlArea.max_lon >= lon,
                      ControlArea.min_lat <= lat, ControlArea.max_lat >= lat)
        owned = ControlArea.location_id.in_(location_ids) if location_ids else None
        query = query.where(inside if owned is None else (inside | owned))
    return session.execute(query).all()


def _links(session: Session, area_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for chunk in _chunks(area_ids):
        for link in session.execute(
                select(control_area_snapshots.c.area_id, control_area_snapshots.c.snapshot_id)
                .where(control_area_snapshots.c.area_id.in_(chunk))):
            out.setdefault(link.area_id, []).append(link.snapshot_id)
    return out


def point_runs(session: Session, lat: float, lon: float, location_id: int | None = None) -> list[tuple[Run, list[Snap]]]:
    """The runs of every series at one point (and, if given, the place's own snapshot claims)."""
    out: list[tuple[Run, list[Snap]]] = []
    for series, snaps in snapshots_by_series(session).items():
        index = {s.id: i for i, s in enumerate(snaps)}
        rows = _area_rows(session, series, lat, lon, [location_id] if location_id else None)
        if not rows:
            continue
        containing = [r for r in rows if (r.location_id is not None and r.location_id == location_id)
                      or (r.geometry is not None and _contains(r, lat, lon))]
        links = _links(session, [r.id for r in containing])
        shown: dict[int, dict[tuple[int, str], Shown]] = {}
        for r in containing:
            for snapshot_id in links.get(r.id, []):
                shown.setdefault(index[snapshot_id], {}).setdefault((r.actor_id, r.status), _shown(r))
        out.extend((run, snaps) for run in _runs(series, len(snaps), shown))
    return out


def _shown(row) -> Shown:
    """What a run needs of an area: its label, and the certainty and hedge the label gives."""
    return row.label, row.certainty, row.hedge


def _contains(row, lat: float, lon: float) -> bool:
    import shapely

    return bool(shape_of(row.shape_hash, row.geometry).intersects(shapely.Point(lon, lat)))


def _views(session: Session, runs: list[tuple[Run, list[Snap]]], place) -> list:
    """Runs as :class:`tracker.control.SpanView` objects (for answers about a point or an unmapped place)."""
    from tracker.control.spans import SOURCE_COLUMNS, ActorRef, SourceView, SpanView

    if not runs:
        return []
    actor_names = dict(session.execute(select(Actor.id, Actor.name).where(
        Actor.id.in_({r.actor_id for r, _ in runs}))).all())
    source_ids = {snaps[i].source_id for r, snaps in runs for i in (r.first, r.last)}
    sources = {row[0]: SourceView(*row) for row in session.execute(
        select(*SOURCE_COLUMNS).where(Source.id.in_(source_ids)))}
    views = []
    for run, snaps in runs:
        values = span_values(run, snaps)
        cited = [sources[snaps[i].source_id] for i in sorted({run.first, run.last})]
        views.append(SpanView(
            id=None, location_id=getattr(place, "id", None), actor_id=run.actor_id, status=values["status"],
            start_min=values["start_min"], start_max=values["start_max"], start_precision=values["start_precision"],
            end_min=values["end_min"], end_max=values["end_max"], end_precision=values["end_precision"],
            origin=ORIGIN, certainty=values["certainty"], quote=None, basis=values["basis"],
            source_id=snaps[run.first].source_id, reading=None, location=place,
            actor=ActorRef(run.actor_id, actor_names.get(run.actor_id, f"#{run.actor_id}")), sources=cited,
        ))
    return views


def views_at_point(session: Session, lat: float, lon: float, place=None) -> list:
    """Every map span at a point, as span views (for ``tracker timeline LAT,LON``)."""
    from tracker.control.spans import PlaceRef

    place = place or PlaceRef(None, f"{lat:g},{lon:g}", lat, lon)
    return _views(session, point_runs(session, lat, lon, getattr(place, "id", None)), place)


def claims_at_point(session: Session, lat: float, lon: float, first: dt.date, last: dt.date, place=None) -> list:
    """Map claims at a point that may cover ``first``..``last``, as :class:`tracker.control.Claim`."""
    from tracker.control.spans import Claim, certainly_covers

    out = []
    for view in views_at_point(session, lat, lon, place):
        starts = view.start_min is None or view.start_min <= last  # "by" the first map: maybe long before
        ends = view.end_max is None or view.end_max > first
        if starts and ends:
            out.append(Claim(view, certainly_covers(view, first, last)))
    return out


def claims_for_unmapped_place(session: Session, place: Location, first: dt.date, last: dt.date) -> list:
    """Map claims for a place whose map spans were not written yet (added after the import)."""
    from tracker.control.spans import PlaceRef

    if place.latitude is None or place.longitude is None:
        return []  # no point, so no map area contains it
    has_areas = session.execute(select(ControlArea.id).limit(1)).first()
    if has_areas is None:
        return []
    written = session.execute(select(ControlSpan.id).where(
        ControlSpan.location_id == place.id, ControlSpan.origin == ORIGIN).limit(1)).first()
    if written is not None:
        return []
    return claims_at_point(session, place.latitude, place.longitude, first, last,
                           PlaceRef(place.id, place.name, place.latitude, place.longitude))


def views_for_unmapped_place(session: Session, place: Location) -> list:
    """The map spans of a place whose map spans were not written yet (none when they were)."""
    from tracker.control.spans import PlaceRef

    if place.latitude is None or place.longitude is None:
        return []  # no point, so no map area contains it
    if session.execute(select(ControlArea.id).limit(1)).first() is None:
        return []
    written = session.execute(select(ControlSpan.id).where(
        ControlSpan.location_id == place.id, ControlSpan.origin == ORIGIN).limit(1)).first()
    if written is not None:
        return []
    return views_at_point(session, place.latitude, place.longitude,
                          PlaceRef(place.id, place.name, place.latitude, place.longitude))


# -- writing map spans for places ------------------------------------------------------------
@dataclass
class MaterializeResult(Result):
    places: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0

    def counts(self) -> dict[str, int]:
        return {"places": self.places, "inserted": self.inserted, "updated": self.updated, "deleted": self.deleted}

    def summary(self) -> str:
        return (f"map spans: {self.places} places on the maps; {self.inserted} inserted, {self.updated} updated, "
                f"{self.deleted} deleted")


def materialize(session: Session, series: Iterable[str] | None = None,
                location_ids: Iterable[int] | None = None) -> MaterializeResult:
    """Write the map spans of every place with a point (or the given places) for the series (default: all)."""
    import shapely
    from shapely.strtree import STRtree

    from tracker.control.spans import WantedSpan, write_spans

    result = MaterializeResult()
    scope = None if location_ids is None else sorted(set(location_ids))
    all_series = snapshots_by_series(session, series)
    if series is not None:
        for name in series:
            all_series.setdefault(name, [])
    for name, snaps in all_series.items():
        index = {s.id: i for i, s in enumerate(snaps)}
        rows = _area_rows(session, name) if snaps else []
        polygons = [r for r in rows if r.geometry is not None]
        owned = [r for r in rows if r.location_id is not None]
        places = _places_for(session, polygons, scope) if polygons else []
        shown: dict[int, dict[int, dict[tuple[int, str], Shown]]] = {}
        links = _links(session, [r.id for r in rows])
        if places and polygons:
            tree = STRtree([shape_of(r.shape_hash, r.geometry) for r in polygons])
            points = shapely.points([[p.longitude, p.latitude] for p in places])
            point_idx, area_idx = tree.query(points, predicate="intersects")
            for pi, ai in zip(point_idx.tolist(), area_idx.tolist(), strict=True):
                r = polygons[ai]
                for snapshot_id in links.get(r.id, []):
                    shown.setdefault(places[pi].id, {}).setdefault(index[snapshot_id], {}).setdefault(
                        (r.actor_id, r.status), _shown(r))
        for r in owned:
            if scope is not None and r.location_id not in scope:
                continue
            for snapshot_id in links.get(r.id, []):
                shown.setdefault(r.location_id, {}).setdefault(index[snapshot_id], {}).setdefault(
                    (r.actor_id, r.status), _shown(r))
        wanted = []
        for location_id, by_snapshot in shown.items():
            for run in _runs(name, len(snaps), by_snapshot):
                values = span_values(run, snaps)
                first = snaps[run.first]
                key = f"snapshot/{name}/{location_id}/{run.actor_id}/{run.status}/{first.taken_on.isoformat()}"
                cited = sorted({snaps[run.first].source_id, snaps[run.last].source_id})
                wanted.append(WantedSpan(first.source_id, key, {"location_id": location_id, **values}, cited))
        candidates = {p.id for p in places} | {r.location_id for r in owned}
        if scope is not None:
            candidates &= set(scope)
        existing_places = _places_with_spans(session, name, scope)
        touched = sorted(candidates | existing_places)
        written = write_spans(session, wanted, touched, origin=ORIGIN, key_prefix=f"snapshot/{name}/")
        result.places += len(shown)
        result.inserted += written.inserted
        result.updated += written.updated
        result.deleted += written.deleted
    return result


def _places_for(session: Session, polygons, scope: list[int] | None) -> list:
    """Places with a point inside the series' overall bounding box."""
    bounds = [shape_of(r.shape_hash, r.geometry).bounds for r in polygons]
    min_lon, min_lat = min(b[0] for b in bounds), min(b[1] for b in bounds)
    max_lon, max_lat = max(b[2] for b in bounds), max(b[3] for b in bounds)
    query = select(Location.id, Location.latitude, Location.longitude).where(
        Location.latitude.is_not(None), Location.longitude.is_not(None),
        Location.latitude.between(min_lat, max_lat), Location.longitude.between(min_lon, max_lon))
    if scope is not None:
        out: list[Row[int, float | None, float | None]] = []
        for chunk in _chunks(scope):
            out.extend(session.execute(query.where(Location.id.in_(chunk))).all())
        return out
    return list(session.execute(query).all())


def _places_with_spans(session: Session, series: str, scope: list[int] | None) -> set[int]:
    query = select(ControlSpan.location_id).where(
        ControlSpan.origin == ORIGIN, ControlSpan.key.like(f"snapshot/{series}/%")).distinct()
    found = set(session.scalars(query))
    return found if scope is None else found & set(scope)


__all__ = ["materialize", "claims_at_point", "claims_for_unmapped_place", "views_at_point", "point_runs",
           "shape_of", "MaterializeResult"]


@dataclass
class AreaShown:
    """An area a map series shows at a date: its shape, holder and status, and the snapshot that shows it."""

    geometry: dict
    holder: str
    status: str
    certainty: str
    label: str | None
    series: str
    taken_on: dt.date
    source: str


def areas_at(session: Session, at: dt.date, bbox: tuple[float, float, float, float] | None = None) -> list[AreaShown]:
    """What each map series showed at ``at``: the areas of its latest snapshot on or before that day
    (``bbox``: min_lon, min_lat, max_lon, max_lat, the areas that overlap it)."""
    import json

    from tracker.control.spans import source_label

    out: list[AreaShown] = []
    for series, snaps in snapshots_by_series(session).items():
        shown = [s for s in snaps if s.taken_on <= at]
        if not shown:
            continue
        snap = shown[-1]
        query = (select(ControlArea.geometry, Actor.name, ControlArea.status, ControlArea.certainty, ControlArea.label)
                 .join(control_area_snapshots, control_area_snapshots.c.area_id == ControlArea.id)
                 .join(Actor, Actor.id == ControlArea.actor_id)
                 .where(control_area_snapshots.c.snapshot_id == snap.id, ControlArea.geometry.is_not(None)))
        if bbox is not None:
            min_lon, min_lat, max_lon, max_lat = bbox
            query = query.where(ControlArea.max_lon >= min_lon, ControlArea.min_lon <= max_lon,
                                ControlArea.max_lat >= min_lat, ControlArea.min_lat <= max_lat)
        label = source_label(session.get_one(Source, snap.source_id))
        for geometry, holder, status, certainty, area_label in session.execute(query.order_by(ControlArea.id)):
            out.append(AreaShown(json.loads(geometry or "null"), holder, status, certainty, area_label, series,
                                 snap.taken_on, label))
    return out


@dataclass
class AreaPeriods:
    """An area of a map series with every snapshot date that showed it (for a map with a date slider)."""

    geometry: dict
    holder: str
    status: str
    certainty: str
    series: str
    shown_on: list[dt.date]


def area_periods(session: Session, bbox: tuple[float, float, float, float]) -> tuple[dict[str, list[dt.date]],
                                                                                     list[AreaPeriods]]:
    """The snapshot dates of every series, and every area overlapping ``bbox`` with the dates that show it."""
    import json

    snaps = snapshots_by_series(session)
    dates = {series: [s.taken_on for s in rows] for series, rows in snaps.items()}
    on = {s.id: s.taken_on for rows in snaps.values() for s in rows}
    min_lon, min_lat, max_lon, max_lat = bbox
    rows = session.execute(
        select(ControlArea.id, ControlArea.geometry, Actor.name, ControlArea.status, ControlArea.certainty,
               ControlArea.series)
        .join(Actor, Actor.id == ControlArea.actor_id)
        .where(ControlArea.geometry.is_not(None), ControlArea.max_lon >= min_lon, ControlArea.min_lon <= max_lon,
               ControlArea.max_lat >= min_lat, ControlArea.min_lat <= max_lat)
        .order_by(ControlArea.id)).all()
    links = _links(session, [r.id for r in rows])
    out = [AreaPeriods(json.loads(r.geometry or "null"), r.name, r.status, r.certainty, r.series,
                       sorted(on[i] for i in links.get(r.id, []) if i in on)) for r in rows]
    return dates, out
