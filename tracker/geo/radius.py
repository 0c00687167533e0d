"""Radius queries: what lies within KM of a place or a point, exact to the geodesic distance.

Never a scan of the events table. A query runs in three steps:

1. **Indexed prefilter.** A latitude/longitude box certain to hold the circle
   (:func:`bounding_boxes`; two boxes across the antimeridian, a whole band
   of longitude around a pole) selects places on ``ix_locations_latitude_longitude``.
   On PostgreSQL with PostGIS, ``ST_DWithin`` on the GiST-indexed ``geog``
   column does it instead (:mod:`tracker.db.postgis`).
2. **Exact distance.** Each of those few places is kept when its WGS84
   geodesic distance (geopy / geographiclib) is at most KM. A great-circle
   distance settles the places far inside or outside the circle first: it
   differs from the geodesic one by less than 0.6 %, so only places near the
   rim need the (slower) geodesic computation.
3. **Events by place.** Events of those places in the date window, on
   ``ix_events_location_id_date_start``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session

from tracker.errors import AmbiguousName, Candidate, TrackerError, UnknownName
from tracker.geo.points import parse_point
from tracker.model.dates import parse_fuzzy_date
from tracker.model.entities import ControlSpan, Event, GazetteerPlace, Location

# The smallest radius of curvature of the WGS84 ellipsoid (the meridian at the
# equator): an angle computed with it is never smaller than the true one.
_MIN_RADIUS_KM = 6335.0
_MEAN_RADIUS_KM = 6371.0088
# Great-circle and geodesic distances differ by under 0.56 % on WGS84.
_SPHERE_ERROR = 0.007
_LITERAL_IN_ABOVE = 2000  # longer id lists are rendered inline (no bound-parameter limits)


class NoCoordinates(TrackerError):
    """A place used as a centre has no coordinates."""


@dataclass(frozen=True)
class Center:
    """The centre of a radius query: a point and what the user called it."""

    latitude: float
    longitude: float
    label: str

    @property
    def point(self) -> tuple[float, float]:
        return self.latitude, self.longitude

    def __str__(self) -> str:
        return self.label


def geodesic_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """WGS84 geodesic distance in km (geopy's geodesic, through geographiclib)."""
    from geopy.distance import geodesic

    return geodesic(a, b).km


def _great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * _MEAN_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def within(center: tuple[float, float], point: tuple[float, float], km: float) -> bool:
    """True when ``point`` lies within ``km`` of ``center`` by the geodesic distance."""
    rough = _great_circle_km(center[0], center[1], point[0], point[1])
    if rough <= km * (1 - _SPHERE_ERROR):
        return True
    if rough >= km * (1 + _SPHERE_ERROR):
        return False
    return geodesic_km(center, point) <= km


def bounding_boxes(lat: float, lon: float, km: float) -> list[tuple[float, float, float, float]]:
    """(lat_min, lat_max, lon_min, lon_max) boxes that together hold every point within ``km``."""
    angle = km / _MIN_RADIUS_KM
    dlat = math.degrees(angle) * 1.001
    lat_min, lat_max = lat - dlat, lat + dlat
    if lat_min <= -90 or lat_max >= 90 or angle >= math.pi / 2:
        return [(max(lat_min, -90.0), min(lat_max, 90.0), -180.0, 180.0)]
    dlon = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(math.radians(lat))))) * 1.01
    if dlon >= 180:
        return [(lat_min, lat_max, -180.0, 180.0)]
    lo, hi = lon - dlon, lon + dlon
    if lo < -180:
        return [(lat_min, lat_max, lo + 360, 180.0), (lat_min, lat_max, -180.0, hi)]
    if hi > 180:
        return [(lat_min, lat_max, lo, 180.0), (lat_min, lat_max, -180.0, hi - 360)]
    return [(lat_min, lat_max, lo, hi)]


def _in_boxes(lat_column, lon_column, boxes):
    return or_(*(and_(lat_column.between(a, b), lon_column.between(c, d)) for a, b, c, d in boxes))


def _prefilter(session: Session, table, center: tuple[float, float], km: float, postgis: bool):
    """The indexed condition "may lie within km": PostGIS where the table has it, else lat/lon boxes."""
    from tracker.db import postgis as gis

    schema = gis.geography_schema(session, table.name) if postgis else None
    if schema is not None:
        return gis.within_km(schema, table.name, center[0], center[1], km)
    return _in_boxes(table.c.latitude, table.c.longitude, bounding_boxes(center[0], center[1], km))


def _check_radius(km: float) -> float:
    km = float(km)
    if not km > 0 or math.isinf(km):
        raise TrackerError(f"the radius must be a positive number of km, not {km:g}")
    return km


# -- the centre ------------------------------------------------------------------------------------
def resolve_center(session: Session, near: Center | str | Sequence[float]) -> Center:
    """The centre named by ``LAT,LON``, a (lat, lon) pair, a place in the store, or a gazetteer place."""
    if isinstance(near, Center):
        return near
    if not isinstance(near, str):
        lat, lon = near
        return Center(float(lat), float(lon), f"{float(lat):g},{float(lon):g}")
    point = parse_point(near)
    if point is not None:
        return Center(point[0], point[1], near.strip())
    from tracker.names.resolve import find_place

    try:
        place = find_place(session, near)
    except UnknownName:
        place = None
    if place is not None:
        if place.latitude is None or place.longitude is None:
            raise NoCoordinates(f"{place.name} has no coordinates: give LAT,LON, or load the gazetteer "
                                "(`tracker gazetteer load`) and run `tracker gazetteer locate`")
        return Center(place.latitude, place.longitude, place.name)
    return _gazetteer_center(session, near)


def _gazetteer_center(session: Session, name: str) -> Center:
    from tracker.geo.gazetteer import is_loaded, match_place

    if not is_loaded(session):
        raise UnknownName("place", name)
    found = match_place(session, name, limit=10)
    if found.best is not None:
        best = found.best
        return Center(best.latitude, best.longitude, best.label())
    if found.candidates:
        raise AmbiguousName("place", name, [
            Candidate(m.geonames_id or 0, m.name, "gazetteer place", f"{m.admin1 or ''} {m.country_code}".strip())
            for m in found.candidates[:8]])
    raise UnknownName("place", name)


# -- places and events within a radius ----------------------------------------------------------------
def location_ids_within(session: Session, center: Center, km: float, postgis: bool = True) -> list[int]:
    """Ids of the store's places within ``km`` of the centre (indexed prefilter, then exact).

    ``postgis=False`` uses the portable bounding box even where PostGIS is there.
    """
    km = _check_radius(km)
    rows = session.execute(
        select(Location.id, Location.latitude, Location.longitude)
        .where(_prefilter(session, Location.__table__, center.point, km, postgis))
    )
    # The prefilter compares the coordinates, so it keeps no place without a point.
    return [i for i, lat, lon in rows if lat is not None and lon is not None and within(center.point, (lat, lon), km)]


def places_within(session: Session, center: Center, km: float) -> list[tuple[Location, float]]:
    """The store's places within ``km`` of the centre with their geodesic distance, nearest first."""
    ids = location_ids_within(session, center, km)
    out = []
    for chunk in _chunks(ids, 5000):
        for place in session.scalars(select(Location).where(Location.id.in_(chunk))):
            assert place.latitude is not None and place.longitude is not None  # only places with a point are within
            out.append((place, geodesic_km(center.point, (place.latitude, place.longitude))))
    return sorted(out, key=lambda pd: (pd[1], pd[0].name, pd[0].id))


def id_condition(column, ids: list[int]):
    """``column IN (ids)``, inline for long lists so that no backend's parameter limit is hit."""
    if len(ids) > _LITERAL_IN_ABOVE:
        return column.in_(bindparam(f"{column.key}_ids", ids, expanding=True, literal_execute=True))
    return column.in_(ids)


def events_near_condition(session: Session, near, km: float):
    """The SQL condition "the event's place lies within ``km`` of ``near``" (for find_events)."""
    center = resolve_center(session, near)
    return id_condition(Event.location_id, location_ids_within(session, center, km))


def event_ids_near(session: Session, near, km: float, start=None, end=None, postgis: bool = True) -> list[int]:
    """Ids of the events within ``km`` of ``near`` whose dates overlap the window (the benchmark's query)."""
    center = resolve_center(session, near)
    ids = location_ids_within(session, center, km, postgis=postgis)
    if not ids:
        return []
    query = select(Event.id).where(id_condition(Event.location_id, ids))
    if start is not None:
        query = query.where(Event.date_end >= parse_fuzzy_date(start).earliest)
    if end is not None:
        query = query.where(Event.date_start <= parse_fuzzy_date(end).latest)
    return list(session.scalars(query))


def add_distances(records: Iterable[dict], center: Center) -> Iterator[dict]:
    """Give each record with a point its geodesic ``distance_km`` from the centre, as they stream by."""
    cache: dict[tuple[float, float], float] = {}
    for rec in records:
        lat, lon = rec.get("latitude"), rec.get("longitude")
        if lat is None or lon is None:
            rec["distance_km"] = None
        else:
            if (lat, lon) not in cache:
                cache[(lat, lon)] = round(geodesic_km(center.point, (lat, lon)), 3)
            rec["distance_km"] = cache[(lat, lon)]
        yield rec


def who_held_near(session: Session, near, km: float, at, horizon: int | None = None) -> tuple[Center, list[dict]]:
    """Who held each place within ``km`` of ``near`` at ``at``: the places with control claims of their own then.

    Places inside them that have no claims of their own inherit those answers
    (``tracker who-held PLACE`` says so for one place) and are not repeated.
    """
    from tracker.control.claims import who_held

    center = resolve_center(session, near)
    when = parse_fuzzy_date(at)
    places = places_within(session, center, km)
    ids = [p.id for p, _ in places]
    held: set[int] = set()
    for chunk in _chunks(ids, 5000):
        held.update(session.scalars(
            select(ControlSpan.location_id).distinct().where(
                ControlSpan.location_id.in_(chunk),
                or_(ControlSpan.start_min.is_(None), ControlSpan.start_min <= when.latest),
                or_(ControlSpan.end_max.is_(None), ControlSpan.end_max > when.earliest),
            )))
    records = []
    for place, distance in places:
        if place.id not in held:
            continue
        for rec in who_held(session, place, when, horizon=horizon).records():
            rec["distance_km"] = round(distance, 3)
            records.append(rec)
    return center, records


def gazetteer_places_within(session: Session, point: tuple[float, float], km: float, postgis: bool = True):
    """Gazetteer places within ``km`` of a point, nearest first, as (PlaceMatch, distance) pairs."""
    from tracker.geo.gazetteer import PlaceMatch

    km = _check_radius(km)
    rows = session.execute(
        select(GazetteerPlace.geonames_id, GazetteerPlace.name, GazetteerPlace.country_code,
               GazetteerPlace.admin1_code, GazetteerPlace.admin1_name, GazetteerPlace.latitude,
               GazetteerPlace.longitude, GazetteerPlace.population)
        .where(_prefilter(session, GazetteerPlace.__table__, point, km, postgis))
    )
    out = []
    for gid, name, cc, a1, a1name, lat, lon, pop in rows:
        if within(point, (lat, lon), km):
            d = geodesic_km(point, (lat, lon))
            out.append((PlaceMatch(name=name, matched=name, score=1.0, latitude=lat, longitude=lon, country_code=cc,
                                   admin1_code=a1, admin1=a1name, population=pop or 0, geonames_id=gid), d))
    return sorted(out, key=lambda md: md[1])


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


__all__ = [
    "Center", "NoCoordinates", "add_distances", "bounding_boxes", "event_ids_near", "events_near_condition",
    "geodesic_km", "location_ids_within", "places_within", "resolve_center", "who_held_near", "within",
]
