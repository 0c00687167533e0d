"""Places filed in their admin areas from the gazetteer's admin codes.

A report often files a city straight in its country (``Libya > Derna``),
while ACLED files its rows under admin1 and admin2 areas (``Libya > Darnah >
Darnah > Darnah``). The dataset's own admin columns move a report's city
into the areas whenever a row names it (tracker.names.matching); this
module does it from the gazetteer for the rest: a place known to the
gazetteer (its ``geonames_id``, given by the report or found when it was
located) whose GeoNames admin1 code names an admin1 area the store holds in
that country moves into that area. GeoNames and ACLED spell areas alike
but not always the same (Banghazi, Benghazi): the names meet by their
transliteration key (tracker.names.transliteration).

Only an area the store already has is used: an area is never made up from
the gazetteer, so a store with reports alone keeps the reports' own tree.
It runs after each load and import, for the places directly in a country.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from tracker.model.entities import GazetteerPlace, Location, LocationAlias
from tracker.model.vocabularies import AREA_KINDS
from tracker.names.transliteration import place_key


def _areas_by_key(session: Session, country_id: int) -> dict[str, set[int]]:
    """The admin1 areas of a country, by the transliteration key of each of their names."""
    out: dict[str, set[int]] = {}
    rows = session.execute(
        select(Location.id, Location.name, LocationAlias.name)
        .outerjoin(LocationAlias, LocationAlias.location_id == Location.id)
        .where(Location.parent_id == country_id, Location.kind == "admin1"))
    for area_id, name, alias in rows:
        for spelling in (name, alias):
            if spelling:
                out.setdefault(place_key(spelling), set()).add(area_id)
    return out


def file_in_admin_areas(session: Session, place_ids: Iterable[int] | None = None) -> int:
    """Move the places directly in a country into the admin1 area the gazetteer gives them; how many moved."""
    country = aliased(Location)
    query = (select(Location, GazetteerPlace.admin1_name)
             .join(country, country.id == Location.parent_id)
             .join(GazetteerPlace, GazetteerPlace.geonames_id == Location.geonames_id)
             .where(country.kind == "country", Location.kind.not_in(AREA_KINDS),
                    GazetteerPlace.admin1_name.is_not(None),
                    GazetteerPlace.country_code == country.country_code))
    if place_ids is not None:
        wanted = sorted(set(place_ids))
        if not wanted:
            return 0
        query = query.where(Location.id.in_(wanted))
    areas: dict[int, dict[str, set[int]]] = {}
    moved = 0
    for place, admin1 in session.execute(query).all():
        country_id = place.parent_id
        if country_id is None or not admin1:  # (the query asks for both)
            continue
        if country_id not in areas:
            areas[country_id] = _areas_by_key(session, country_id)
        found = areas[country_id].get(place_key(admin1), set())
        if len(found) == 1:  # (two areas of one spelling: which is meant is not the gazetteer's to say)
            place.parent_id = next(iter(found))
            moved += 1
    if moved:
        session.flush()
    return moved


__all__ = ["file_in_admin_areas"]
