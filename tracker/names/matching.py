"""Matching imported actor and place names to the store's, through in-memory maps.

An import resolves thousands of actor names and tens of thousands of place
paths; asking the database for each would dominate its run time. The maps
here are loaded once per import (every actor and place with its aliases),
answer from memory, and queue the actors and places they create so that the
importer writes them in bulk.

The rules (docs/importing.md explains them with examples):

* **Actors** match by any alias, normalized (case, accents and punctuation
  ignored). A name that fits several actors is narrowed by the ACLED actor
  class; if still several, the row is refused, naming the candidates.
* **Places** match level by level down the path the dataset gives (country >
  admin1 > admin2 > admin3 > location), each level only against places of the
  same level: a country against countries (by name or ISO code); an
  administrative unit against units of the same order under the same parent;
  a location against the places that are not administrative units, either
  directly under the same parent or anywhere in the same country as long as
  none of their administrative ancestors contradicts the path, and within
  50 km when both sides have precise coordinates. So ACLED's
  Libya > Darnah (admin1) > Darnah (location) finds the report's city Derna
  (alias Darnah, under Libya) for the location, while the admin1 "Darnah" is a
  region of its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.engine import Connection

from tracker.model.entities import Actor, ActorAlias, Location, LocationAlias
from tracker.names.countries import country_by_code, find_country
from tracker.names.normalize import normalize_name

ADMIN_LEVELS = ("country", "admin1", "admin2", "admin3")
SITE = "site"  # the level of a dataset's `location`: any kind but an administrative one
NEAR_KM = 50.0
RAW_CACHE = 30000  # exact spellings remembered before starting afresh: memory must not grow with the file
PRECISE = ("exact", "near")


class Unresolvable(Exception):
    """A name that cannot be matched without a silent pick; the row is refused."""

    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


class _Normalizer:
    """normalize_name with a memory: the same admin and actor names come back thousands of times."""

    __slots__ = ("memo",)

    def __init__(self) -> None:
        self.memo: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        key = self.memo.get(name)
        if key is None:
            key = normalize_name(name)
            if len(self.memo) >= RAW_CACHE:
                self.memo.clear()
            self.memo[name] = key
        return key


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance on an equirectangular projection: good to a few percent under 100 km."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371.0 * math.hypot(x, y)


class IdSource:
    """Hands out primary keys for rows written in bulk (a sequence on PostgreSQL, max+1 on SQLite)."""

    def __init__(self, conn: Connection, table: str):
        self.conn, self.table = conn, table
        self.postgres = conn.dialect.name == "postgresql"
        self._next: int | None = None
        self._pool: list[int] = []

    def take(self, n: int) -> list[int]:
        if n <= 0:
            return []
        if self.postgres:
            while len(self._pool) < n:
                want = max(n - len(self._pool), 256)
                rows: Sequence[int] = self.conn.exec_driver_sql(
                    f"SELECT nextval(pg_get_serial_sequence('{self.table}', 'id')) FROM generate_series(1, {want})"
                ).scalars().all()
                self._pool.extend(rows)
            out, self._pool = self._pool[:n], self._pool[n:]
            return out
        if self._next is None:
            top = self.conn.exec_driver_sql(f"SELECT max(id) FROM {self.table}").scalar()
            self._next = (top or 0) + 1
        start = self._next
        self._next += n
        return list(range(start, start + n))

    def one(self) -> int:
        return self.take(1)[0]


# -- actors ---------------------------------------------------------------------------
@dataclass(slots=True)
class ActorInfo:
    name: str
    kind: str
    country: str | None


class ActorMap:
    """Every actor and alias of the store, in memory; new actors are queued for a bulk insert."""

    def __init__(self, conn: Connection, source_id: int):
        self.conn, self.source_id = conn, source_id
        self.ids = IdSource(conn, "actors")
        self.info: dict[int, ActorInfo] = {}
        self.by_alias: dict[str, list[int]] = {}
        for aid, name, kind, country in conn.execute(select(Actor.id, Actor.name, Actor.kind, Actor.country)):
            self.info[aid] = ActorInfo(name, kind, country)
        for aid, key in conn.execute(select(ActorAlias.actor_id, ActorAlias.normalized)):
            ids = self.by_alias.setdefault(key, [])
            if aid not in ids:
                ids.append(aid)
        self._cache: dict[tuple[str, str | None], int] = {}
        self._raw: dict[tuple[str, str | None], int] = {}  # the exact spelling and kind seen in a row
        self.norm = _Normalizer()
        self.new_actors: list[tuple[int, str, str | None]] = []  # (id, name, country): the kind is read at the insert
        self.new_aliases: list[tuple] = []
        self.kind_updates: dict[int, str] = {}
        self.created = 0

    def resolve(self, name: str, kind: str | None, column: str) -> int:
        raw = (name, kind)
        hit = self._raw.get(raw)
        if hit is not None:
            return hit
        found = self._resolve(name, kind, column)
        self._raw[raw] = found
        return found

    def _resolve(self, name: str, kind: str | None, column: str) -> int:
        key = self.norm(name)
        cached = self._cache.get((key, kind)) or self._cache.get((key, None))
        if cached is not None:
            self._fill_kind(cached, kind)
            return cached
        if not key:
            raise Unresolvable(column, f"actor name {name!r} has no letters or digits")
        ids = self.by_alias.get(key, [])
        if len(ids) == 1:
            self._cache[(key, None)] = ids[0]
            self._fill_kind(ids[0], kind)
            return ids[0]
        if len(ids) > 1:
            same_kind = [i for i in ids if self.info[i].kind == kind]
            if len(same_kind) == 1:
                self._cache[(key, kind)] = same_kind[0]
                return same_kind[0]
            listed = "; ".join(f"{self.info[i].name} ({self.info[i].kind}) #{i}" for i in sorted(ids))
            raise Unresolvable(column, f"actor name {name!r} fits several actors: {listed} "
                                       "(merge them with `tracker actor merge` or rename one)")
        new_id = self._create(name, kind or "other", key)
        self._cache[(key, None)] = new_id
        return new_id

    def _fill_kind(self, actor_id: int, kind: str | None) -> None:
        info = self.info[actor_id]
        if kind and info.kind == "other":
            info.kind = kind
            self.kind_updates[actor_id] = kind

    def _create(self, name: str, kind: str, key: str) -> int:
        new_id = self.ids.one()
        country = _country_in_name(name)
        self.info[new_id] = ActorInfo(name, kind, country)
        self.by_alias.setdefault(key, []).append(new_id)
        self.new_actors.append((new_id, name[:300], country))
        self.new_aliases.append((new_id, name[:300], key[:300], self.source_id))
        self.created += 1
        return new_id

    def flush(self, write: Callable[[str, list], None]) -> None:
        """Write the queued actors, aliases and kind fills (actors before anything that refers to them)."""
        if self.new_actors:
            rows = []
            for actor_id, name, country in self.new_actors:  # a kind learnt after creation, before the insert
                self.kind_updates.pop(actor_id, None)
                rows.append((actor_id, name, self.info[actor_id].kind, country))
            write("actors", rows)
            write("actor_aliases", self.new_aliases)
            self.new_actors, self.new_aliases = [], []
        if self.kind_updates:
            write("actor_kinds", [(kind, aid) for aid, kind in self.kind_updates.items()])
            self.kind_updates = {}


def _country_in_name(name: str) -> str | None:
    """ACLED's "Protesters (Libya)" names its country in brackets."""
    name = name.strip()
    if name.endswith(")") and "(" in name:
        inner = name[name.rindex("(") + 1:-1]
        found = find_country(inner)
        if found is not None:
            return found.alpha2
    return None


# -- places ---------------------------------------------------------------------------------
@dataclass(slots=True)
class PlaceInfo:
    name: str
    kind: str
    parent_id: int | None
    country_code: str | None
    latitude: float | None
    longitude: float | None
    precision: str | None
    pending: list | None = field(default=None, repr=False)  # the queued insert row, until written


class PathStep(NamedTuple):
    """One level of a dataset's location path: its level, name, other spellings, and kind."""

    level: str  # country | admin1 | admin2 | admin3 | site
    name: str
    aliases: tuple[str, ...] = ()
    kind: str | None = None  # for a site: city, town, village... (default "other")


class PlaceMap:
    """Every place and alias of the store, in memory; resolves a path level by level."""

    def __init__(self, conn: Connection, source_id: int):
        self.conn, self.source_id = conn, source_id
        self.ids = IdSource(conn, "locations")
        self.info: dict[int, PlaceInfo] = {}
        self.by_alias: dict[str, list[int]] = {}
        self.by_code: dict[str, list[int]] = {}
        rows = conn.execute(select(Location.id, Location.name, Location.kind, Location.parent_id,
                                   Location.country_code, Location.latitude, Location.longitude,
                                   Location.coord_precision))
        for pid, name, kind, parent, code, lat, lon, prec in rows:
            self.info[pid] = PlaceInfo(name, kind, parent, code, lat, lon, prec)
            if kind == "country" and code:
                self.by_code.setdefault(code, []).append(pid)
        for pid, key in conn.execute(select(LocationAlias.location_id, LocationAlias.normalized)):
            ids = self.by_alias.setdefault(key, [])
            if pid not in ids:
                ids.append(pid)
        self._cache: dict[tuple, list[int]] = {}
        self._raw: dict[tuple, list[int]] = {}  # the exact path and point seen in a row
        self.norm = _Normalizer()
        self.new_places: list[list] = []
        self.new_aliases: list[tuple] = []
        self.coord_updates: dict[int, tuple] = {}
        self.parent_updates: dict[int, int] = {}
        self.created = 0

    # -- resolution --------------------------------------------------------------------
    def resolve(self, path: list[PathStep], country_code: str | None, lat: float | None,
                lon: float | None, precision: str | None) -> list[int]:
        """The ids of the places along ``path`` (created when missing); the last is the event's place."""
        raw = (tuple(path), country_code, lat, lon, precision)
        hit = self._raw.get(raw)
        if hit is not None:
            return hit
        found = self._resolve(path, country_code, lat, lon, precision)
        if len(self._raw) >= RAW_CACHE:
            self._raw.clear()
        self._raw[raw] = found
        return found

    def _resolve(self, path: list[PathStep], country_code: str | None, lat: float | None,
                 lon: float | None, precision: str | None) -> list[int]:
        ids: list[int] = []
        parent: int | None = None
        code = country_code
        for i, step in enumerate(path):
            last = i == len(path) - 1
            key = self.norm(step.name)
            if not key:
                raise Unresolvable(step.level if step.level != SITE else "location",
                                   f"place name {step.name!r} has no letters or digits")
            if step.level == "country":
                pid = self._country(step, key, code)
                code = code or self.info[pid].country_code
            elif step.level == SITE:
                pid = self._site(step, key, parent, code, set(ids), lat, lon, precision)
            else:
                pid = self._admin(step, key, parent, code)
            if last and lat is not None and lon is not None:
                self._fill_coords(pid, lat, lon, precision)
            ids.append(pid)
            parent = pid
        return ids

    def _country(self, step: PathStep, key: str, code: str | None) -> int:
        cache_key = ("country", key, code)
        if (hit := self._cache.get(cache_key)) is not None:
            return hit[0]
        found = {i for i in self.by_alias.get(key, []) if self.info[i].kind == "country"}
        if code:
            found = {i for i in found if self.info[i].country_code in (None, code)}
            found |= set(self.by_code.get(code, []))
        if len(found) > 1:
            raise Unresolvable("country", f"country {step.name!r} fits several places: {self._listed(found)}")
        pid = found.pop() if found else self._create(step, key, "country", None, code)
        self._cache[cache_key] = [pid]
        return pid

    def _admin(self, step: PathStep, key: str, parent: int | None, code: str | None) -> int:
        cache_key = (parent, step.level, key)
        if (hit := self._cache.get(cache_key)) is not None:
            return hit[0]
        found = set()
        for i in self._named(key, step.aliases):
            p = self.info[i]
            if p.kind != step.level:
                continue
            if p.parent_id == parent or (p.parent_id is None and code and p.country_code == code):
                found.add(i)
        if len(found) > 1:
            raise Unresolvable(step.level, f"{step.level} {step.name!r} fits several places: {self._listed(found)}")
        pid = found.pop() if found else self._create(step, key, step.level, parent, code)
        self._cache[cache_key] = [pid]
        return pid

    def _site(self, step: PathStep, key: str, parent: int | None, code: str | None, path_ids: set[int],
              lat: float | None, lon: float | None, precision: str | None) -> int:
        cache_key = (parent, SITE, key)
        known = self._cache.get(cache_key)
        if known:
            pid = self._nearby(known, lat, lon, precision)
            if pid is not None:
                return pid
        exact, compatible, finer = [], [], []
        for i in self._named(key, step.aliases):
            p = self.info[i]
            if p.kind in ADMIN_LEVELS or i in path_ids:
                continue
            if p.parent_id == parent:
                exact.append(i)
            elif self._compatible(i, code, path_ids, finer=False):
                compatible.append(i)
            elif self._compatible(i, code, path_ids, finer=True):
                finer.append(i)
        pid = self._choose(exact, step, lat, lon, precision)
        if pid is None:
            pid = self._choose(compatible, step, lat, lon, precision)
            if pid is not None:
                self._file_under(pid, parent, path_ids)
        if pid is None and finer:
            # Filed under an area finer than the path names: the one such place, or the nearest; when
            # several cannot be told apart, a place of the row's own (as if none were filed finer).
            try:
                pid = self._choose(finer, step, lat, lon, precision)
            except Unresolvable:
                pid = None
        if pid is None:
            pid = self._create(step, key, step.kind or "other", parent, code)
        self._cache.setdefault(cache_key, [])
        if pid not in self._cache[cache_key]:
            self._cache[cache_key].append(pid)
        return pid

    def _choose(self, ids: list[int], step: PathStep, lat: float | None, lon: float | None,
                precision: str | None) -> int | None:
        """The one of ``ids`` that is this place: the nearest within 50 km, else the only
        one whose distance cannot be told; several such is ambiguous, never a silent pick."""
        near: list[tuple[float, int]] = []
        unknown: list[int] = []
        for i in ids:
            p = self.info[i]
            if (lat is None or lon is None or p.latitude is None or p.longitude is None
                    or precision not in PRECISE or p.precision not in PRECISE):
                unknown.append(i)
                continue
            km = _km(lat, lon, p.latitude, p.longitude)
            if km <= NEAR_KM:
                near.append((km, i))
        if near:
            return min(near)[1]
        if len(unknown) > 1:
            raise Unresolvable("location", f"location {step.name!r} fits several places: {self._listed(unknown)}")
        return unknown[0] if unknown else None

    def _nearby(self, ids: list[int], lat: float | None, lon: float | None, precision: str | None) -> int | None:
        """The nearest of ``ids`` that may be the same place as a point (any, when distance cannot tell)."""
        best, best_km = None, None
        for i in ids:
            p = self.info[i]
            if (lat is None or lon is None or p.latitude is None or p.longitude is None
                    or precision not in PRECISE or p.precision not in PRECISE):
                if best is None:
                    best, best_km = i, NEAR_KM
                continue
            km = _km(lat, lon, p.latitude, p.longitude)
            if km <= NEAR_KM and (best_km is None or km < best_km):
                best, best_km = i, km
        return best

    def _compatible(self, pid: int, code: str | None, path_ids: set[int], finer: bool = False) -> bool:
        """True when the place lies in the path's country and no administrative ancestor contradicts the path.

        With ``finer``, an area the path does not name is no contradiction when it is finer than every
        area the path names (a Benghazi filed under admin1 Benghazi > admin2 Benghazi fits a row that names only the
        admin1): whichever file came first, the row finds the same place."""
        deepest = max((ADMIN_LEVELS.index(self.info[i].kind) for i in path_ids
                       if i in self.info and self.info[i].kind in ADMIN_LEVELS), default=-1)
        in_country = code is not None and self.info[pid].country_code == code
        seen = {pid}
        current = self.info[pid].parent_id
        while current is not None and current not in seen:
            seen.add(current)
            p = self.info.get(current)
            if p is None:
                break
            if p.kind in ADMIN_LEVELS:
                if current not in path_ids and (not finer or ADMIN_LEVELS.index(p.kind) <= deepest):
                    return False
                if p.kind == "country":
                    in_country = current in path_ids
            current = p.parent_id
        return in_country

    def _named(self, key: str, aliases: tuple[str, ...]) -> list[int]:
        ids = list(self.by_alias.get(key, []))
        for a in aliases:
            for i in self.by_alias.get(self.norm(a), []):
                if i not in ids:
                    ids.append(i)
        return ids

    def _listed(self, ids) -> str:
        out = []
        for i in sorted(ids):
            p = self.info[i]
            within = self.info[p.parent_id].name if p.parent_id in self.info else p.country_code or "?"
            out.append(f"{p.name} ({p.kind}, in {within}) #{i}")
        return "; ".join(out)

    # -- creation and writing ----------------------------------------------------------------
    def _create(self, step: PathStep, key: str, kind: str, parent: int | None, code: str | None) -> int:
        new_id = self.ids.one()
        if kind == "country" and code is None:
            found = find_country(step.name)
            code = found.alpha2 if found else None
        row = [new_id, step.name[:300], kind, parent, code, None, None, None]
        self.info[new_id] = PlaceInfo(step.name, kind, parent, code, None, None, None, pending=row)
        if kind == "country" and code:
            self.by_code.setdefault(code, []).append(new_id)
        self.new_places.append(row)
        seen = set()
        for name in (step.name, *step.aliases):
            k = self.norm(name)
            if k and k not in seen:
                seen.add(k)
                self.by_alias.setdefault(k, []).append(new_id)
                self.new_aliases.append((new_id, name[:300], k[:300], self.source_id))
        self.created += 1
        return new_id

    def _file_under(self, pid: int, parent: int | None, path_ids: set[int]) -> None:
        """A place known only within a higher level of the path (a report's city filed in its country)
        moves under the deepest area the dataset names for it, so that both sources meet in one tree:
        ``Libya > Derna`` becomes ``Libya > Darnah > Derna`` when ACLED files Derna under admin1 Darnah."""
        p = self.info[pid]
        if parent is None or p.parent_id == parent or self.info[parent].kind == "country":
            return
        if p.parent_id is not None and p.parent_id not in path_ids:
            return  # inside another place (a neighbourhood of a city): that place is what moves
        p.parent_id = parent
        if p.pending is not None:
            p.pending[3] = parent
        else:
            self.parent_updates[pid] = parent

    def _fill_coords(self, pid: int, lat: float, lon: float, precision: str | None) -> None:
        p = self.info[pid]
        if p.latitude is not None:
            return
        p.latitude, p.longitude, p.precision = lat, lon, precision
        if p.pending is not None:
            p.pending[5:8] = [lat, lon, precision]
        else:
            self.coord_updates[pid] = (lat, lon, precision)

    def flush(self, write: Callable[[str, list], None]) -> None:
        """Write the queued places (parents first), their aliases, filled-in coordinates and new parents."""
        if self.new_places:
            for row in self.new_places:
                self.info[row[0]].pending = None
            # Parents before children (a place filed under a newer area comes after it).
            queued = {row[0]: row for row in self.new_places}

            def depth(row) -> int:
                n, parent = 0, row[3]
                while parent in queued and n <= len(queued):
                    n, parent = n + 1, queued[parent][3]
                return n

            write("locations", [tuple(r) for r in sorted(self.new_places, key=depth)])
            write("location_aliases", self.new_aliases)
            self.new_places, self.new_aliases = [], []
        if self.coord_updates:
            write("location_coords", [(lat, lon, prec, pid) for pid, (lat, lon, prec) in self.coord_updates.items()])
            self.coord_updates = {}
        if self.parent_updates:
            write("location_parents", [(parent, pid) for pid, parent in self.parent_updates.items()])
            self.parent_updates = {}

    def path_names(self, pid: int | None) -> str:
        """``Libya > Darnah > Derna``: a place with its ancestors, for revision records."""
        names, seen = [], set()
        while pid is not None and pid not in seen and pid in self.info:
            seen.add(pid)
            names.append(self.info[pid].name)
            pid = self.info[pid].parent_id
        return " > ".join(reversed(names))


def country_code_for(name: str | None, numeric: str | None = None, alpha3: str | None = None) -> str | None:
    found = find_country(name, numeric=numeric, alpha3=alpha3)
    return found.alpha2 if found else None


__all__ = ["ActorMap", "PlaceMap", "PathStep", "Unresolvable", "IdSource", "SITE", "country_code_for", "country_by_code"]
