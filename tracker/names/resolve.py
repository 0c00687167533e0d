"""Finding actors and places by any of their names.

A name matches through the alias tables, ignoring case, accents and
punctuation. ``#12`` names a record by id. A name that fits several records is
an :class:`AmbiguousName` listing them, never a silent pick.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.errors import AmbiguousName, Candidate, UnknownName
from tracker.model.entities import Actor, ActorAlias, Location, LocationAlias
from tracker.model.limits import ID_MAX
from tracker.names.normalize import normalize_name
from tracker.names.suggest import similar_actors, similar_places


def actor_ids_named(session: Session, names: Sequence[str]) -> set[int]:
    """Ids of the actors any of whose aliases match any of ``names``."""
    keys = {normalize_name(n) for n in names} - {""}
    if not keys:
        return set()
    rows = session.scalars(select(ActorAlias.actor_id).where(ActorAlias.normalized.in_(keys)))
    return set(rows)


def location_ids_named(session: Session, names: Sequence[str]) -> set[int]:
    """Ids of the places any of whose aliases match any of ``names``."""
    keys = {normalize_name(n) for n in names} - {""}
    if not keys:
        return set()
    rows = session.scalars(select(LocationAlias.location_id).where(LocationAlias.normalized.in_(keys)))
    return set(rows)


def _by_id(text: str) -> int | None:
    text = text.strip()
    if text.startswith("#") and text[1:].isdigit():
        ident = int(text[1:])
        return ident if ident <= ID_MAX else -1  # no record has such an id: "no place named ..."
    return None


def actor_candidates(session: Session, ids: set[int]) -> list[Candidate]:
    actors = session.scalars(select(Actor).where(Actor.id.in_(ids)).order_by(Actor.name, Actor.id))
    return [Candidate(a.id, a.name, a.kind, a.country) for a in actors]


def location_candidates(session: Session, ids: set[int]) -> list[Candidate]:
    places = session.scalars(select(Location).where(Location.id.in_(ids)).order_by(Location.name, Location.id))
    out = []
    for p in places:
        where = p.country_code
        if p.parent is not None:
            where = f"in {p.parent.name}" + (f", {p.country_code}" if p.country_code else "")
        out.append(Candidate(p.id, p.name, p.kind, where))
    return out


def find_actor(session: Session, name: str) -> Actor:
    """The one actor called ``name`` (any alias), or an error naming the candidates."""
    if (ident := _by_id(name)) is not None:
        actor = session.get(Actor, ident)
        if actor is None:
            raise UnknownName("actor", name)
        return actor
    ids = actor_ids_named(session, [name])
    if not ids:
        raise UnknownName("actor", name, similar_actors(session, name))
    if len(ids) > 1:
        raise AmbiguousName("actor", name, actor_candidates(session, ids))
    return session.get_one(Actor, ids.pop())


def find_place(session: Session, name: str, country: str | None = None) -> Location:
    """The one place called ``name`` (any spelling), optionally within a country.

    ``"Derna, Libya"`` narrows by a parent's name when the plain name is ambiguous.
    """
    if (ident := _by_id(name)) is not None:
        place = session.get(Location, ident)
        if place is None:
            raise UnknownName("place", name)
        return place
    from tracker.geo.points import parse_point

    if (point := parse_point(name)) is not None:  # "LAT,LON": the place whose own point it is

        place = place_at(session, *point)
        if place is None:
            raise UnknownName("place", name)
        return place
    ids = location_ids_named(session, [name])
    if not ids and "," in name:
        head, _, qualifier = name.rpartition(",")
        ids = _within(session, location_ids_named(session, [head]), qualifier)
    if country:
        ids = {i for i in ids if session.get_one(Location, i).country_code == country.upper()}
    if not ids:
        raise UnknownName("place", name, similar_places(session, name.rpartition(",")[0] or name))
    if len(ids) > 1:
        raise AmbiguousName("place", name, location_candidates(session, ids))
    return session.get_one(Location, ids.pop())


def _within(session: Session, ids: set[int], qualifier: str) -> set[int]:
    """Those of ``ids`` that lie under a place called ``qualifier`` (or in that country code)."""
    outer = location_ids_named(session, [qualifier])
    code = qualifier.strip().upper()
    kept = set()
    for i in ids:
        place = session.get_one(Location, i)
        if len(code) == 2 and place.country_code == code:
            kept.add(i)
            continue
        for ancestor in ancestors(place):
            if ancestor.id in outer:
                kept.add(i)
                break
    return kept


def ancestors(place: Location) -> list[Location]:
    """The chain of parents, nearest first (cycles are cut)."""
    out, seen = [], {place.id}
    current = place.parent
    while current is not None and current.id not in seen:
        out.append(current)
        seen.add(current.id)
        current = current.parent
    return out


def descendant_ids(session: Session, place_id: int) -> list[int]:
    """The place and every place below it in the hierarchy."""
    found, frontier = [place_id], [place_id]
    seen = {place_id}
    while frontier:
        children = session.scalars(select(Location.id).where(Location.parent_id.in_(frontier))).all()
        frontier = [c for c in children if c not in seen]
        seen.update(frontier)
        found.extend(frontier)
    return found


def place_at(session: Session, lat: float, lon: float, tolerance: float = 1e-5) -> Location | None:
    """The place whose own point this is (the first one, if several share it)."""
    return session.scalars(select(Location).where(
        Location.latitude.between(lat - tolerance, lat + tolerance),
        Location.longitude.between(lon - tolerance, lon + tolerance))
        .order_by(func.coalesce(Location.coord_precision, "") != "exact", Location.id).limit(1)).first()
