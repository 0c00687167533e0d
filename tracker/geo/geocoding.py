"""Geocoding behind geopy's interface: the offline gazetteer first, online only when asked.

:class:`OfflineGazetteer` is a geopy ``Geocoder`` over the gazetteer tables: it
has no network adapter at all, so analysts working on sensitive material can
geocode without a single query leaving the machine. An online geopy geocoder
(Nominatim by default, see :func:`nominatim`) is used only when the caller
hands one in (``--online`` on the command line); :class:`OnlineGeocoder` puts it
behind geopy's ``RateLimiter`` and keeps every answer in the
``geocoder_answers`` table, so no query is ever sent twice.

:func:`locate_places` gives coordinates to the store's places that have none:
from their GeoNames id, else from a decisive gazetteer match (narrowed by the
place's country and admin1 area), else — for a neighbourhood, facility or
district — the point of the nearest enclosing place ("near"), else online when
asked. Each point records its precision and where it came from
(``locations.coord_source``).
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from geopy.geocoders.base import Geocoder
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.errors import MissingSetting, TrackerError
from tracker.geo.gazetteer import (
    AUTO_MIN_SCORE,
    Matches,
    PlaceMatch,
    ensure_gazetteer,
    is_loaded,
    match_place,
    place_by_id,
)
from tracker.model.entities import GeocoderAnswer, Location, Source, location_sources
from tracker.model.vocabularies import AREA_KINDS  # regions: never a populated place's point
from tracker.names.normalize import normalize_name
from tracker.names.resolve import ancestors
from tracker.names.transliteration import similarity
from tracker.results import Result

USER_AGENT_VAR = "TRACKER_USER_AGENT"
GEOCODER_VAR = "TRACKER_GEOCODER"
GEOCODER_DOMAIN_VAR = "TRACKER_GEOCODER_DOMAIN"
GEOCODER_KEY_VAR = "TRACKER_GEOCODER_KEY"


class GeocoderFailed(TrackerError):
    """The online geocoder could not be reached or refused the query."""


# -- the offline geocoder -----------------------------------------------------------------------------
def _offline_adapter(**_):
    """A geopy adapter that refuses to open any connection."""
    from geopy.adapters import BaseSyncAdapter
    from geopy.exc import GeocoderServiceError

    class NoNetwork(BaseSyncAdapter):
        def get_json(self, url, *, timeout, headers):
            raise GeocoderServiceError("the offline gazetteer never goes online")

        def get_text(self, url, *, timeout, headers):
            raise GeocoderServiceError("the offline gazetteer never goes online")

    return NoNetwork(proxies=None, ssl_context=None)


class OfflineGazetteer(Geocoder):
    """A geopy geocoder answering from the gazetteer loaded in the database; never online.

    >>> geocoder = OfflineGazetteer(store.engine)          # doctest: +SKIP
    >>> geocoder.geocode("Darnah", country="LY").point      # doctest: +SKIP
    Point(32.76704, 22.63669, 0.0)
    """

    def __init__(self, bind, *, country: str | None = None):
        super().__init__(adapter_factory=_offline_adapter)
        self.bind = bind  # an Engine or a Session
        self.country = country

    def _session(self):
        from contextlib import nullcontext

        from tracker.db.engine import session_scope

        return nullcontext(self.bind) if isinstance(self.bind, Session) else session_scope(self.bind)

    def geocode(self, query, *, exactly_one=True, country=None, admin=None, limit=None, timeout=None):
        """geopy's ``geocode``: the best place (``exactly_one``) or every candidate, best first."""
        with self._session() as session:
            found = match_place(session, str(query), country or self.country, admin, limit)
        if not found.candidates:
            return None
        if exactly_one:
            return found.candidates[0].location()
        return [m.location() for m in found.candidates]

    def reverse(self, query, *, exactly_one=True, radius_km: float = 50.0, timeout=None):
        """The nearest gazetteer places to a point (``"lat, lon"``, a tuple or a geopy Point)."""
        from geopy.point import Point

        from tracker.geo.radius import gazetteer_places_within

        point = Point(query)
        with self._session() as session:
            near = gazetteer_places_within(session, (point.latitude, point.longitude), radius_km)
        if not near:
            return None
        if exactly_one:
            return near[0][0].location()
        return [m.location() for m, _ in near]


# -- the online geocoder, rate-limited and cached -----------------------------------------------------------
def default_user_agent() -> str:
    from tracker import __version__

    return os.environ.get(USER_AGENT_VAR) or f"tracker/{__version__} (conflict event tracker)"


def online_geocoder(service: str | None = None, user_agent: str | None = None, domain: str | None = None,
                    key: str | None = None, timeout: float = 10):
    """geopy's geocoder for ``service`` (``nominatim``, the default; ``photon``, ``arcgis``,
    ``opencage``, ``geonames``... any name geopy knows); nothing is sent yet.

    ``domain`` points it at a self-hosted server (a Nominatim or Photon of your
    own); ``key`` is the API key (or GeoNames user name) of the services that
    need one. Each falls back to its environment variable.
    """
    from geopy.exc import GeocoderNotFound
    from geopy.geocoders import get_geocoder_for_service

    name = (service or os.environ.get(GEOCODER_VAR) or "nominatim").strip().lower()
    try:
        cls = get_geocoder_for_service(name)
    except GeocoderNotFound:
        raise TrackerError(f"geopy has no geocoder named {name!r} (e.g. nominatim, photon, arcgis, opencage, "
                           "geonames)") from None
    params = inspect.signature(cls.__init__).parameters
    kwargs: dict = {"timeout": timeout}
    if "user_agent" in params:
        kwargs["user_agent"] = user_agent or default_user_agent()
    domain = domain or os.environ.get(GEOCODER_DOMAIN_VAR)
    if name == "nominatim":
        domain = domain or "nominatim.openstreetmap.org"
    if domain:
        if "domain" not in params:
            raise TrackerError(f"the {name} geocoder does not take a domain")
        kwargs["domain"] = domain
    key = key or os.environ.get(GEOCODER_KEY_VAR)
    slot = next((p for p in ("api_key", "apikey", "key") if p in params), None)
    if slot is None and "username" in params and params["username"].default is inspect.Parameter.empty:
        slot = "username"  # GeoNames: a registered user name instead of a key
    if slot is not None and key:
        kwargs[slot] = key
    elif slot is not None and params[slot].default is inspect.Parameter.empty:
        raise MissingSetting("an API key", "geocoder key", f"the {name} geocoder needs an API key", env_var=GEOCODER_KEY_VAR)
    return cls(**kwargs)


def _accepts(func, name: str) -> bool:
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


class OnlineGeocoder:
    """An online geopy geocoder behind geopy's ``RateLimiter`` and the database cache.

    A query (the normalized name and the country it is narrowed to) is sent at
    most once per database: the answer, empty or not, is kept in
    ``geocoder_answers``.
    """

    def __init__(self, geocoder, provider: str | None = None, min_delay_seconds: float = 1.0,
                 max_retries: int = 2):
        from geopy.extra.rate_limiter import RateLimiter

        self.geocoder = geocoder
        self.provider = provider or type(geocoder).__name__.lower()
        self._geocode = RateLimiter(geocoder.geocode, min_delay_seconds=min_delay_seconds, max_retries=max_retries,
                                    error_wait_seconds=max(min_delay_seconds, 0.0) * 2, swallow_exceptions=False)
        self.sent = 0  # queries that went out in this object's life

    def candidates(self, session: Session, name: str, country: str | None = None, limit: int = 5) -> list[PlaceMatch]:
        key = f"{normalize_name(name)}|{(country or '').upper()}"
        cached = session.scalar(select(GeocoderAnswer).where(GeocoderAnswer.provider == self.provider,
                                                             GeocoderAnswer.query == key))
        if cached is not None:
            answers = json.loads(cached.answer)
        else:
            answers = self._ask(name, country, limit)
            session.add(GeocoderAnswer(provider=self.provider, query=key, answer=json.dumps(answers, ensure_ascii=False),
                                       asked_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)))
            session.flush()
        return [self._match(name, a, country) for a in answers]

    def _ask(self, name: str, country: str | None, limit: int) -> list[dict]:
        from geopy.exc import GeopyError

        kwargs: dict[str, bool | int | str] = {"exactly_one": False}
        geocode = self.geocoder.geocode
        if _accepts(geocode, "limit"):
            kwargs["limit"] = limit
        if country and _accepts(geocode, "country_codes"):
            kwargs["country_codes"] = country.lower()
        if _accepts(geocode, "addressdetails"):
            kwargs["addressdetails"] = True
        try:
            self.sent += 1
            found = self._geocode(name, **kwargs) or []
        except GeopyError as exc:
            raise GeocoderFailed(f"online geocoder {self.provider} failed for {name!r}: {exc}") from None
        if not isinstance(found, list):
            found = [found]
        return [{"address": loc.address, "latitude": loc.latitude, "longitude": loc.longitude,
                 "raw": loc.raw if isinstance(loc.raw, dict) else {}} for loc in found]

    def _match(self, name: str, answer: dict, country: str | None) -> PlaceMatch:
        address = answer.get("address") or ""
        first = address.split(",")[0].strip() or address
        raw = answer.get("raw") or {}
        code = ((raw.get("address") or {}).get("country_code")  # Nominatim
                or (raw.get("properties") or {}).get("countrycode")  # Photon
                or country or "").upper()
        exact = normalize_name(first) == normalize_name(name)
        return PlaceMatch(name=first, matched=first, score=1.0 if exact else 0.5 + 0.35 * similarity(name, first),
                          latitude=float(answer["latitude"]), longitude=float(answer["longitude"]),
                          country_code=code, source=self.provider, address=address)


def geocode(session: Session, name: str, country: str | None = None, admin: str | None = None,
            limit: int | None = 10, online: OnlineGeocoder | None = None) -> Matches:
    """The gazetteer's candidates for ``name``; the online geocoder's too when given and the gazetteer has no decisive one."""
    try:
        found = match_place(session, name, country, admin, limit)
    except TrackerError:
        if online is None:
            raise
        found = Matches(name, [], None, admin)
        if country:
            from tracker.names.countries import country_code

            found.country = country_code(country)
    if online is not None and found.best is None:
        more = online.candidates(session, found.query, found.country, limit or 5)
        found.candidates = found.candidates + more
    return found


# -- giving places coordinates ----------------------------------------------------------------------------------
CITY_KINDS = ("city", "town", "village", "other")
INSIDE_KINDS = ("neighbourhood", "district", "facility", "area")  # may take the enclosing place's point


@dataclass
class Located:
    """One place given coordinates, and how."""

    location_id: int
    name: str
    latitude: float
    longitude: float
    precision: str
    source: str
    detail: str = ""


@dataclass
class LocateResult(Result):
    """What :func:`locate_places` did."""

    located: list[Located] = field(default_factory=list)
    ambiguous: list[tuple[str, Matches]] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"located": len(self.located), "ambiguous": len(self.ambiguous), "not_found": len(self.unmatched)}

    def summary(self) -> str:
        parts = [f"{len(self.located)} places given coordinates"]
        if self.ambiguous:
            parts.append(f"{len(self.ambiguous)} ambiguous ({', '.join(n for n, _ in self.ambiguous[:5])})")
        if self.unmatched:
            parts.append(f"{len(self.unmatched)} not found ({', '.join(self.unmatched[:5])})")
        return "; ".join(parts)

    def records(self) -> list[dict]:
        out = [{"place": p.name, "result": "located", "latitude": p.latitude, "longitude": p.longitude,
                "precision": p.precision, "from": p.source, "detail": p.detail} for p in self.located]
        for name, matches in self.ambiguous:
            listed = "; ".join(f"{m.label()} ({m.score:.2f})" for m in matches.candidates[:5])
            out.append({"place": name, "result": "ambiguous", "latitude": None, "longitude": None,
                        "precision": "", "from": "", "detail": listed})
        out.extend({"place": n, "result": "not found", "latitude": None, "longitude": None, "precision": "",
                    "from": "", "detail": ""} for n in self.unmatched)
        return out


def places_without_points(session: Session, source_ids: Iterable[int] | None = None) -> list[Location]:
    """Places with no coordinates (those a set of sources names, when given), outermost first."""
    query = select(Location).where(Location.latitude.is_(None)).options(selectinload(Location.aliases))
    if source_ids is not None:
        named = select(location_sources.c.location_id).where(location_sources.c.source_id.in_(list(source_ids)))
        query = query.where(Location.id.in_(named))
    return sorted(session.scalars(query), key=lambda p: (len(ancestors(p)), p.id))


def _country_of(place: Location) -> str | None:
    if place.country_code:
        return place.country_code
    for a in ancestors(place):
        if a.country_code:
            return a.country_code
    return None


def _admin_of(place: Location) -> str | None:
    for a in ancestors(place):
        if a.kind == "admin1":
            return a.name
    return None


def _match_any_name(session: Session, place: Location, country: str | None, admin: str | None) -> Matches:
    """The best of the matches of the place's name and its aliases."""
    best: Matches | None = None
    names = [place.name] + [a.name for a in place.aliases if a.name != place.name]
    for name in names:
        found = match_place(session, name, country, admin, limit=10)
        if found.best is not None:
            return found
        if best is None or (found.candidates and (not best.candidates
                                                   or found.candidates[0].score > best.candidates[0].score)):
            best = found
    return best or Matches(place.name)


def _set_point(place: Location, lat: float, lon: float, precision: str, source: str,
               geonames_id: int | None = None) -> None:
    place.latitude, place.longitude = lat, lon
    place.coord_precision, place.coord_source = precision, source
    if geonames_id is not None and place.geonames_id is None:
        place.geonames_id = geonames_id


def locate_places(session: Session, places: Iterable[Location] | None = None,
                  online: OnlineGeocoder | None = None) -> LocateResult:
    """Give coordinates to places that have none (all such places when none are given).

    A populated place matched in the gazetteer takes its point as "exact"; a
    neighbourhood, district, facility or area that the gazetteer does not know
    takes the point of the nearest enclosing place that has one, as "near".
    Countries and admin areas are left alone: a town's point is not theirs.
    """
    result = LocateResult()
    todo = places_without_points(session) if places is None else sorted(
        (p for p in places if p.latitude is None), key=lambda p: (len(ancestors(p)), p.id))
    if not todo:
        return result
    have_gazetteer = is_loaded(session)
    for place in todo:
        if place.kind in AREA_KINDS:
            continue
        if have_gazetteer and place.geonames_id is not None:
            known = place_by_id(session, place.geonames_id)
            if known is not None:
                _set_point(place, known.latitude, known.longitude, "exact", "gazetteer")
                result.located.append(Located(place.id, place.name, known.latitude, known.longitude, "exact",
                                              "gazetteer", f"GeoNames {known.geonames_id}"))
                continue
        country, admin = _country_of(place), _admin_of(place)
        found = _match_any_name(session, place, country, admin) if have_gazetteer else Matches(place.name)
        best = found.best
        if best is not None:
            _set_point(place, best.latitude, best.longitude, "exact", "gazetteer", best.geonames_id)
            result.located.append(Located(place.id, place.name, best.latitude, best.longitude, "exact", "gazetteer",
                                          f"{best.label()} (GeoNames {best.geonames_id}, score {best.score:.2f})"))
            continue
        if place.kind in INSIDE_KINDS:
            outer = next((a for a in ancestors(place) if a.latitude is not None and a.kind not in AREA_KINDS), None)
            if outer is not None and outer.latitude is not None and outer.longitude is not None:
                _set_point(place, outer.latitude, outer.longitude, "near", "parent")
                result.located.append(Located(place.id, place.name, outer.latitude, outer.longitude, "near", "parent",
                                              f"the point of {outer.name}"))
                continue
        if online is not None:
            answers = online.candidates(session, place.name, country)
            pick = answers[0] if answers and answers[0].score >= AUTO_MIN_SCORE else None
            if pick is not None:
                _set_point(place, pick.latitude, pick.longitude, "exact", online.provider)
                result.located.append(Located(place.id, place.name, pick.latitude, pick.longitude, "exact",
                                              online.provider, pick.address))
                continue
        if found.ambiguous:
            result.ambiguous.append((place.name, found))
        else:
            result.unmatched.append(place.name)
    session.flush()
    return result


def locate_loaded_places(session: Session, results: list, progress=None) -> LocateResult | None:
    """After ``tracker load``: points from the gazetteer for the places just loaded without one.

    The gazetteer of those places' countries is loaded first when it holds
    none of them (nothing is ever asked online here). Each report's summary counts the places located and left ambiguous.
    """
    loaded = {r.report: r for r in results
              if getattr(r, "status", None) in ("inserted", "updated") and hasattr(r, "changed")}
    if not loaded:
        return None
    sources = dict(session.execute(select(Source.id, Source.key).where(Source.key.in_(list(loaded)))).all())
    places = places_without_points(session, list(sources))
    if not places:
        return None
    countries = sorted({p.country_code for p in places if p.country_code})
    if countries:
        ensure_gazetteer(session, countries, progress)  # the first load that needs it loads it
    if not is_loaded(session):
        return None
    by_id = {p.id: p for p in places}
    outcome = locate_places(session, places)

    def bump(place: Location | None, what: str) -> None:
        if place is None:
            return
        for source in place.sources:
            if source.id in sources:
                counts = loaded[sources[source.id]].changed.setdefault("places", {})
                counts[what] = counts.get(what, 0) + 1
                return

    for p in outcome.located:
        bump(by_id.get(p.location_id), "located")
    names = {p.name: p for p in places}
    for name, _ in outcome.ambiguous:
        bump(names.get(name), "ambiguous")
    return outcome


__all__ = [
    "GeocoderFailed", "LocateResult", "Located", "OfflineGazetteer", "OnlineGeocoder", "default_user_agent",
    "geocode", "locate_loaded_places", "locate_places", "online_geocoder", "places_without_points",
]
