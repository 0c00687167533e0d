"""Where a place sits: its country, admin1 and admin2, by walking up the hierarchy.

Every place's administrative ancestors, as SQL (:func:`levels_cte`, a
recursive CTE for grouping in the database) and as a lookup for writing
records (:class:`PlaceLevels`). A place that is itself an admin1 is its own
admin1. The country is the place's ISO code (``Location.country_code``), which
every place filed under a country carries.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from tracker.model.entities import Location
from tracker.names.countries import country_by_code

LEVELS = ("admin1", "admin2")
DEEPEST = 30  # a hierarchy deeper than this is a cycle


def levels_cte():
    """A CTE of (location_id, admin1_id, admin2_id) for every place."""
    loc = Location.__table__
    up = select(loc.c.id.label("location_id"), loc.c.id.label("ancestor_id"), literal(0).label("depth"))
    up_cte = up.cte("place_ancestors", recursive=True)
    parent = loc.alias("ancestor_step")
    up_cte = up_cte.union_all(
        select(up_cte.c.location_id, parent.c.parent_id, up_cte.c.depth + 1)
        .join_from(up_cte, parent, parent.c.id == up_cte.c.ancestor_id)
        .where(parent.c.parent_id.is_not(None), up_cte.c.depth < DEEPEST))
    anc = loc.alias("ancestor")
    return (select(up_cte.c.location_id,
                   *[func.max(case((anc.c.kind == level, anc.c.id))).label(f"{level}_id") for level in LEVELS])
            .join(anc, anc.c.id == up_cte.c.ancestor_id)
            .group_by(up_cte.c.location_id)
            .cte("place_levels"))


@dataclass(frozen=True)
class Levels:
    country: str | None  # the country's name
    iso3: str | None
    admin1: str | None
    admin2: str | None


NOWHERE = Levels(None, None, None, None)


class PlaceLevels:
    """The :class:`Levels` of places by id, their ancestors read from the store as they are first asked for
    (by primary key, a level at a time), so a query's records cost a few lookups, not a scan of the places."""

    def __init__(self, session: Session):
        self.session = session
        self._places: dict[int, tuple] = {}
        self._found: dict[int, Levels] = {}

    def prefetch(self, ids) -> None:
        """Read the places ``ids`` and all their ancestors not read yet."""
        known = self._places
        wanted = {i for i in ids if i is not None and i not in known}
        for _ in range(DEEPEST):
            if not wanted:
                return
            rows = self.session.execute(
                select(Location.id, Location.parent_id, Location.kind, Location.name, Location.country_code)
                .where(Location.id.in_(sorted(wanted)))).all()
            for row in rows:
                self._places[row[0]] = row
            wanted = {row[1] for row in rows if row[1] is not None and row[1] not in known}

    def __call__(self, location_id: int | None) -> Levels:
        if location_id is None:
            return NOWHERE
        if (hit := self._found.get(location_id)) is not None:
            return hit
        if location_id not in self._places:
            self.prefetch([location_id])
        if location_id not in self._places:
            return NOWHERE
        names: dict[str, str] = {}
        seen: set[int] = set()
        current: int | None = location_id
        while current is not None and current in self._places and current not in seen:
            seen.add(current)
            _, parent, kind, name, _ = self._places[current]
            if kind in LEVELS:
                names.setdefault(kind, name)
            current = parent
        code = self._places[location_id][4]
        country = country_by_code(code) if code else None
        found = Levels(country.name if country else code, country.alpha3 if country else None,
                       names.get("admin1"), names.get("admin2"))
        self._found[location_id] = found
        return found
