"""Importing control snapshots: dated maps of who holds what (``tracker import control``).

A snapshot file is either

* **CSV** with a header: ``date`` (a day; or give ``--date``), ``place`` or
  ``lat``/``lon`` (``latitude``/``longitude``), ``holder``, ``status``
  (default ``held``). Every date in the file is one snapshot. A ``lat``/``lon``
  that is no known place's point becomes a new place (named by a ``name``
  column, else by its coordinates).
* **GeoJSON**: a FeatureCollection of Polygon, MultiPolygon or
  GeometryCollection features (areas) and Point features (places), with a
  ``holder`` and a ``status`` property, or labels read through a mapping file
  (:mod:`tracker.ingest.control_maps`). Features that are no area and no place
  (lines, attack directions, unit positions...) are skipped and counted.

The snapshot date comes from ``--date``, else a ``MANIFEST.csv`` beside the
file (columns ``file`` and ``utc`` or ``date``), else the collection's
``date``, else the file name (a Unix timestamp like ``1662411667.geojson``,
or ``YYYYMMDD`` / ``YYYY-MM-DD`` in it, as in ``deepstatemap_data_20240708``).

Each snapshot is a source (kind ``snapshot``) of a map *series*; areas with the
same shape, holder and status in several snapshots are stored once and
linked to each. After an import the map spans of every place with a point
are brought up to date (:func:`tracker.areas.materialize`). Importing the
same files again changes nothing; a changed file replaces its snapshot.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from tracker.errors import AmbiguousName, BadRecord, UnknownName
from tracker.ingest.control_maps import ControlMap, FileRule, HolderSpec, LabelRule, read_map
from tracker.model.dates import BadDate, parse_fuzzy_date
from tracker.model.entities import (
    Actor,
    ActorAlias,
    ControlArea,
    ControlSnapshot,
    Location,
    LocationAlias,
    Source,
    actor_sources,
    control_area_snapshots,
)
from tracker.names.normalize import normalize_name
from tracker.names.resolve import actor_candidates, actor_ids_named, find_actor, find_place
from tracker.progress import Progress, ProgressCallback
from tracker.results import Result

DEFAULT_SERIES = "snapshots"
POLYGONAL = ("Polygon", "MultiPolygon")
_UNIX = re.compile(r"^(\d{9,11})$")
_YMD = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")
COORD_TOLERANCE = 1e-5  # degrees: the same point as a known place


@dataclass
class Claim:
    """One feature or row of a snapshot: an area or a place, held by actor(s) with a status."""

    actor_ids: list[int]
    status: str
    label: str | None
    geometry: dict | None = None  # normalized Polygon / MultiPolygon
    location_id: int | None = None
    certainty: str = "reported"  # lower when the label hedges (the mapping's hedges)
    hedge: str | None = None


# What a feature's label or holder column says: (actor ids, status, label, certainty, hedge).
Classified = tuple[list[int], str, str | None, str, str | None]


@dataclass
class Snapshot:
    file: str
    series: str
    title: str
    taken_on: dt.date
    content_hash: str
    claims: list[Claim] = field(default_factory=list)
    features: int = 0
    skipped: Counter = field(default_factory=Counter)
    unmatched: Counter = field(default_factory=Counter)
    repaired: int = 0  # invalid areas made valid (--make-valid)


@dataclass
class SnapshotResult:
    """What importing one snapshot did."""

    file: str
    series: str
    taken_on: dt.date
    status: str  # inserted | updated | unchanged
    areas: int = 0
    places: int = 0
    skipped: Counter = field(default_factory=Counter)
    unmatched: Counter = field(default_factory=Counter)
    repaired: int = 0

    def summary(self) -> str:
        name = Path(self.file).name
        if self.status == "unchanged":
            return f"{name}: {self.series} {self.taken_on}: unchanged"
        parts = [f"{self.areas} areas", f"{self.places} places"]
        if self.repaired:
            parts.append(f"{self.repaired} invalid areas made valid")
        if self.skipped:
            parts.append("skipped " + ", ".join(f"{n} {why}" for why, n in self.skipped.most_common()))
        if self.unmatched:
            shown = "; ".join(f"{label!r} x{n}" for label, n in self.unmatched.most_common(3))
            more = ", ..." if len(self.unmatched) > 3 else ""
            parts.append(f"labels not in the mapping: {shown}{more}")
        return f"{name}: {self.series} {self.taken_on}: {self.status} ({'; '.join(parts)})"


@dataclass
class ImportControlResult(Result):
    snapshots: list[SnapshotResult] = field(default_factory=list)
    spans: Any = None
    new_places: int = 0

    def counts(self) -> dict[str, int]:
        states = Counter(s.status for s in self.snapshots)
        return {"snapshots": len(self.snapshots), "inserted": states["inserted"], "updated": states["updated"],
                "unchanged": states["unchanged"], "areas": sum(s.areas for s in self.snapshots),
                "places": sum(s.places for s in self.snapshots), "new_places": self.new_places}

    def summary(self) -> str:
        """One line per snapshot, then the spans rebuilt."""
        lines = [s.summary() for s in self.snapshots]
        if self.spans is not None:
            lines.append(self.spans.summary())
        return "\n".join(lines)


# -- dates ------------------------------------------------------------------------------
def _day(value: Any, file: str, line: int | None, column: str) -> dt.date:
    try:
        d = parse_fuzzy_date(str(value).strip()[:10] if isinstance(value, str) else value)
    except BadDate as exc:
        raise BadRecord(file, line, column, str(exc)) from None
    if not d.is_exact:
        raise BadRecord(file, line, column, f"a snapshot is of one day, not {d}")
    return d.earliest


def _manifest_dates(folder: Path, cache: dict) -> dict[str, str]:
    if folder in cache:
        return cache[folder]
    found: dict[str, str] = {}
    manifest = folder / "MANIFEST.csv"
    if manifest.is_file():
        with open(manifest, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            fields = {f.lower(): f for f in (reader.fieldnames or [])}
            col = fields.get("utc") or fields.get("date") or fields.get("taken_on")
            if "file" in fields and col:
                for row in reader:
                    found[row[fields["file"]].strip()] = (row[col] or "").strip()
    cache[folder] = found
    return found


def snapshot_date(path: str, data: dict | None, manifests: dict) -> dt.date | None:
    """The date a snapshot file shows: manifest, collection ``date``, then its name."""
    p = Path(path)
    listed = _manifest_dates(p.parent, manifests).get(p.name)
    if listed:
        return _day(listed[:10], str(p.parent / "MANIFEST.csv"), None, p.name)
    if isinstance(data, dict):
        for holder in (data, data.get("properties") or {}):
            if isinstance(holder, dict) and holder.get("date"):
                return _day(holder["date"], path, None, "date")
    for text in (p.stem, (data or {}).get("name") if isinstance(data, dict) else None):
        if not isinstance(text, str):
            continue
        if m := _UNIX.match(text):
            return dt.datetime.fromtimestamp(int(m[1]), tz=dt.UTC).date()
        if m := _YMD.search(text):
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
    return None


# -- geometry ---------------------------------------------------------------------------
def _polygons(geometry: dict) -> list:
    """The polygon coordinate lists of a geometry (collections flattened), or [] when it has no area."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry.get("coordinates")]
    if kind == "MultiPolygon":
        return list(geometry.get("coordinates") or [])
    if kind == "GeometryCollection":
        out = []
        for g in geometry.get("geometries") or []:
            if isinstance(g, dict):
                out.extend(_polygons(g))
        return out
    return []


def _area_geometry(geometry: dict) -> dict | None:
    polys = [p for p in _polygons(geometry) if p]
    if not polys:
        return None
    if len(polys) == 1:
        return {"type": "Polygon", "coordinates": polys[0]}
    return {"type": "MultiPolygon", "coordinates": polys}


def _check_shape(geometry: dict, make_valid: bool = False) -> tuple:
    """(the shapely shape of a geometry, whether it was repaired), or ValueError saying what is wrong with
    it: unreadable, outside the globe, or not a valid area (a ring that crosses itself...) unless
    ``make_valid`` repairs it."""
    import shapely

    try:
        shape = shapely.from_geojson(json.dumps(geometry))
    except Exception as exc:  # shapely raises GEOSException and others for bad coordinates
        raise ValueError(f"not a valid {geometry.get('type')}: {str(exc).splitlines()[0][:200]}") from None
    minx, miny, maxx, maxy = shape.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValueError("coordinates outside -180..180 / -90..90 (GeoJSON is lon,lat)")
    if not shapely.is_valid(shape):
        if not make_valid:
            reason = shapely.is_valid_reason(shape)
            raise ValueError(f"not a valid area: {reason[:200]} (--make-valid repairs it: "
                             "shapely's make_valid, kept to its polygons)")
        return shapely.make_valid(shape), True
    return shape, False


# -- the importer -----------------------------------------------------------------------
class _Importer:
    def __init__(self, session: Session, mapping: ControlMap | None, date: dt.date | None,
                 series: str | None, make_valid: bool = False):
        self.make_valid = make_valid
        self.session = session
        self.mapping = mapping
        self.date = date
        self.series = series
        self.manifests: dict = {}
        self.holder_ids: dict[str, int] = {}
        self.actor_cache: dict[str, int] = {}
        self.place_cache: dict[str, int] = {}
        self.new_places = 0
        if mapping is not None:
            self.holder_ids = {key: self._holder(spec).id for key, spec in mapping.holders.items()}

    # -- actors and places ----------------------------------------------------------------
    def _holder(self, spec: HolderSpec) -> Actor:
        assert self.mapping is not None  # holders are the mapping's
        names = [spec.name, *spec.aliases]
        ids = actor_ids_named(self.session, [spec.name]) or actor_ids_named(self.session, names)
        if len(ids) > 1:
            listed = "; ".join(str(c) for c in actor_candidates(self.session, ids))
            raise BadRecord(self.mapping.file, None, f"holders.{spec.key}", f"names match several known actors: {listed}")
        if ids:
            actor = self.session.get_one(Actor, ids.pop())
        else:
            actor = Actor(name=spec.name, kind=spec.kind, country=spec.country, description=spec.description)
            self.session.add(actor)
            self.session.flush()
        have = {a.normalized for a in actor.aliases}
        for n in names:
            key = normalize_name(n)
            if key and key not in have:
                actor.aliases.append(ActorAlias(name=n, normalized=key))
                have.add(key)
        self.session.flush()
        return actor

    def _actor(self, name: str, file: str, line: int | None, column: str) -> int:
        if name not in self.actor_cache:
            try:
                self.actor_cache[name] = find_actor(self.session, name).id
            except (UnknownName, AmbiguousName) as exc:
                raise BadRecord(file, line, column, str(exc)) from None
        return self.actor_cache[name]

    def _place(self, name: str, file: str, line: int | None, column: str) -> int:
        if name not in self.place_cache:
            try:
                self.place_cache[name] = find_place(self.session, name).id
            except (UnknownName, AmbiguousName) as exc:
                raise BadRecord(file, line, column, str(exc)) from None
        return self.place_cache[name]

    def _place_at(self, lat: float, lon: float, name: str | None) -> int:
        key = f"{lat:.6f},{lon:.6f}"
        if key in self.place_cache:
            return self.place_cache[key]
        row = self.session.execute(select(Location.id).where(
            Location.latitude.between(lat - COORD_TOLERANCE, lat + COORD_TOLERANCE),
            Location.longitude.between(lon - COORD_TOLERANCE, lon + COORD_TOLERANCE)).order_by(Location.id).limit(1)).first()
        if row is not None:
            self.place_cache[key] = row[0]
            return row[0]
        label = (name or "").strip() or f"{lat:g},{lon:g}"
        place = Location(name=label[:300], kind="other", latitude=lat, longitude=lon, coord_precision="exact")
        place.aliases.append(LocationAlias(name=label[:300], normalized=normalize_name(label)[:300] or key))
        self.session.add(place)
        self.session.flush()
        self.new_places += 1
        self.place_cache[key] = place.id
        return place.id

    # -- reading -----------------------------------------------------------------------------
    def _series(self, path: str) -> tuple[str, str, FileRule | None]:
        rule = self.mapping.file_rule(path) if self.mapping else None
        series = self.series or (rule.series if rule and rule.series else None) or \
            (self.mapping.series if self.mapping else DEFAULT_SERIES)
        title = (rule.title if rule and rule.title else None) or (self.mapping.name if self.mapping else "Control snapshot")
        return series, title, rule

    def _classify(self, label: str | None, rule_file: FileRule | None, snap: Snapshot, file: str,
                  line: int | None, props: dict) -> Classified | None:
        """Holders, status, label, certainty and hedge of a feature, or None (counted as skipped)."""
        if self.mapping is not None:
            rule: LabelRule | None = self.mapping.rule_for(label, rule_file)
            shown = " ".join(label.split())[:300] if label else None
            if rule is None:
                if self.mapping.unmatched == "error":
                    raise BadRecord(file, line, self.mapping.label_property,
                                    f"label {shown!r} matches no rule of {self.mapping.file}")
                snap.unmatched[shown or "(no label)"] += 1
                snap.skipped["with labels not in the mapping"] += 1
                return None
            if rule.skip:
                snap.skipped["skipped by the mapping"] += 1
                return None
            hedged = self.mapping.hedge_of(label)
            certainty, hedge = hedged if hedged else ("reported", None)
            return [self.holder_ids[k] for k in rule.holders], rule.status, shown, certainty, hedge
        holder = props.get("holder")
        if holder is None or holder == "" or holder == []:
            raise BadRecord(file, line, "holder", "missing (or give --mapping to read the map's labels)")
        names = holder if isinstance(holder, list) else [holder]
        ids = [self._actor(str(n).strip(), file, line, "holder") for n in names]
        status = str(props.get("status") or "held").strip().lower()
        from tracker.model.vocabularies import CONTROL_STATUSES

        if status not in CONTROL_STATUSES:
            raise BadRecord(file, line, "status", f"unknown status {status!r} (use {', '.join(CONTROL_STATUSES)})")
        return ids, status, None, "reported", None

    def _feature(self, label: str | None, rule_file: FileRule | None, snap: Snapshot, path: str, raw: bytes,
                 where: tuple, props: dict) -> Classified | None:
        try:
            return self._classify(label, rule_file, snap, path, None, props)
        except BadRecord as exc:
            raise _json_error(path, raw, where + ("properties", exc.field), exc.reason) from None

    def _known(self, path: str, raw: bytes, taken_on: dt.date | None) -> Snapshot | None:
        """The snapshot as already stored (same series, day and content): no need to read it again."""
        if taken_on is None:
            return None
        series, title, _ = self._series(path)
        digest = _hash(raw, self.mapping, taken_on)
        stored = self.session.scalar(select(Source.content_hash).where(
            Source.key == f"snapshot:{series}:{taken_on.isoformat()}"))
        return Snapshot(path, series, title, taken_on, digest) if stored == digest else None

    def read_geojson(self, path: str) -> list[Snapshot]:
        raw = _read_bytes(path)
        known = self._known(path, raw, self.date or snapshot_date(path, None, self.manifests))
        if known is not None:
            return [known]
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise BadRecord(path, raw[: exc.start].count(b"\n") + 1, "", "not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise BadRecord(path, exc.lineno, "", f"not valid JSON: {exc.msg}") from None
        if not isinstance(data, dict) or data.get("type") not in ("FeatureCollection", "Feature"):
            raise BadRecord(path, 1, "type", "not a GeoJSON FeatureCollection")
        features = data.get("features") if data["type"] == "FeatureCollection" else [data]
        if not isinstance(features, list):
            raise BadRecord(path, 1, "features", "must be a list")
        taken_on = self.date or snapshot_date(path, data, self.manifests)
        if taken_on is None:
            raise BadRecord(path, None, "date",
                            "no snapshot date in the file, its name or a MANIFEST.csv beside it: give --date")
        series, title, rule_file = self._series(path)
        snap = Snapshot(path, series, title, taken_on, _hash(raw, self.mapping, taken_on))
        for i, feature in enumerate(features):
            snap.features += 1
            where = ("features", i)
            if not isinstance(feature, dict):
                raise _json_error(path, raw, where, "a feature must be an object")
            geometry = feature.get("geometry")
            props = feature.get("properties") or {}
            if not isinstance(props, dict):
                raise _json_error(path, raw, where + ("properties",), "must be an object")
            if not isinstance(geometry, dict) or not geometry.get("type"):
                snap.skipped["without geometry"] += 1
                continue
            kind = geometry["type"]
            label = props.get(self.mapping.label_property) if self.mapping else None
            label = label if isinstance(label, str) else (None if label is None else str(label))
            if kind in ("Point",):
                if self.mapping is not None and self.mapping.points == "skip":
                    snap.skipped["points (not areas)"] += 1
                    continue
                got = self._feature(label, rule_file, snap, path, raw, where, props)
                if got is None:
                    continue
                coords = geometry.get("coordinates")
                if not (isinstance(coords, list) and len(coords) >= 2
                        and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coords[:2])):
                    raise _json_error(path, raw, where + ("geometry",), "a Point needs [lon, lat]")
                lon, lat = float(coords[0]), float(coords[1])
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    raise _json_error(path, raw, where + ("geometry",), "coordinates outside -180..180 / -90..90")
                if props.get("place"):
                    try:
                        location = self._place(str(props["place"]), path, None, "place")
                    except BadRecord as exc:
                        raise _json_error(path, raw, where + ("properties", "place"), exc.reason) from None
                else:
                    location = self._place_at(lat, lon, props.get("name") if self.mapping is None else None)
                snap.claims.append(Claim(*got[:3], location_id=location, certainty=got[3], hedge=got[4]))
                continue
            area = _area_geometry(geometry) if kind in POLYGONAL + ("GeometryCollection",) else None
            if area is None:
                snap.skipped["not areas (lines, directions...)"] += 1
                continue
            got = self._feature(label, rule_file, snap, path, raw, where, props)
            if got is None:
                continue
            try:
                shape, repaired = _check_shape(area, self.make_valid)
            except ValueError as exc:
                raise _json_error(path, raw, where + ("geometry",), str(exc)) from None
            if repaired:
                import shapely

                area = _area_geometry(json.loads(shapely.to_geojson(shape)))
                if area is None:
                    raise _json_error(path, raw, where + ("geometry",), "made valid, the area has no area left")
                snap.repaired += 1
            snap.claims.append(Claim(*got[:3], geometry=area, certainty=got[3], hedge=got[4]))
        return [snap]

    def read_csv(self, path: str) -> list[Snapshot]:
        raw = _read_bytes(path)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BadRecord(path, raw[: exc.start].count(b"\n") + 1, "", "not UTF-8 text") from None
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader)
        except StopIteration:
            raise BadRecord(path, 1, "", "the file is empty") from None
        cols = {h.strip().lower(): i for i, h in enumerate(header)}
        lat_col = cols.get("lat", cols.get("latitude"))
        lon_col = cols.get("lon", cols.get("longitude", cols.get("lng")))
        label_col = cols.get(self.mapping.label_property if self.mapping else "holder", cols.get("holder"))
        if "place" not in cols and (lat_col is None or lon_col is None):
            raise BadRecord(path, 1, "", "needs a place column or lat and lon columns")
        if label_col is None:
            raise BadRecord(path, 1, "", "needs a holder column")
        if "date" not in cols and self.date is None:
            raise BadRecord(path, 1, "", "needs a date column (or give --date)")
        series, title, rule_file = self._series(path)
        by_date: dict[dt.date, Snapshot] = {}

        def cell(row, name_or_index):
            i = cols.get(name_or_index) if isinstance(name_or_index, str) else name_or_index
            return row[i].strip() if i is not None and i < len(row) else ""

        for row in reader:
            line = reader.line_num
            if not any(c.strip() for c in row):
                continue
            if len(row) > len(header):
                raise BadRecord(path, line, f"column {len(header) + 1}", "more fields than the header has")
            taken_on = self.date or _day(cell(row, "date"), path, line, "date")
            snap = by_date.get(taken_on)
            if snap is None:
                snap = by_date[taken_on] = Snapshot(path, series, title, taken_on, _hash(raw, self.mapping, taken_on))
            snap.features += 1
            props = {"holder": cell(row, label_col), "status": cell(row, "status")}
            if self.mapping is None and props["holder"] and ";" in props["holder"]:
                props["holder"] = [h.strip() for h in props["holder"].split(";") if h.strip()]
            got = self._classify(cell(row, label_col) or None, rule_file, snap, path, line, props)
            if got is None:
                continue
            if cell(row, "place"):
                location = self._place(cell(row, "place"), path, line, "place")
            else:
                try:
                    lat, lon = float(cell(row, lat_col)), float(cell(row, lon_col))
                except ValueError:
                    bad = "lat" if not _is_float(cell(row, lat_col)) else "lon"
                    raise BadRecord(path, line, bad, "not a number (or give a place)") from None
                if not -90 <= lat <= 90:
                    raise BadRecord(path, line, "lat", f"{lat} is outside -90..90")
                if not -180 <= lon <= 180:
                    raise BadRecord(path, line, "lon", f"{lon} is outside -180..180")
                location = self._place_at(lat, lon, cell(row, "name") or None)
            snap.claims.append(Claim(*got[:3], location_id=location, certainty=got[3], hedge=got[4]))
        return [by_date[d] for d in sorted(by_date)]

    # -- writing -------------------------------------------------------------------------------
    def write(self, snap: Snapshot) -> SnapshotResult:
        key = f"snapshot:{snap.series}:{snap.taken_on.isoformat()}"
        result = SnapshotResult(snap.file, snap.series, snap.taken_on, "unchanged", skipped=snap.skipped,
                                unmatched=snap.unmatched, repaired=snap.repaired)
        source = self.session.scalar(select(Source).where(Source.key == key))
        if source is not None and source.content_hash == snap.content_hash:
            return result
        m = self.mapping
        values = dict(
            kind="snapshot", title=f"{snap.title} snapshot {snap.taken_on.isoformat()}",
            publisher=m.publisher if m else None, url=m.url if m else None,
            published_min=snap.taken_on, published_max=snap.taken_on, published_precision="day",
            reliability=m.reliability if m else None, credibility=m.credibility if m else None,
            notes=f"{snap.features} features; {sum(snap.skipped.values())} skipped"
                  + (f"; read with the mapping {Path(m.file).name}" if m else ""),
            file_name=str(snap.file)[:500], content_hash=snap.content_hash,
            loaded_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        )
        if source is None:
            source = Source(key=key, first_loaded_at=values["loaded_at"], **values)
            self.session.add(source)
            self.session.flush()
            result.status = "inserted"
        else:
            for k, v in values.items():
                setattr(source, k, v)
            result.status = "updated"
        snapshot = self.session.scalar(select(ControlSnapshot).where(ControlSnapshot.source_id == source.id))
        if snapshot is None:
            snapshot = ControlSnapshot(series=snap.series, taken_on=snap.taken_on, source_id=source.id)
            self.session.add(snapshot)
        snapshot.feature_count = snap.features
        snapshot.skipped_count = sum(snap.skipped.values())
        self.session.flush()
        self.session.execute(delete(control_area_snapshots).where(control_area_snapshots.c.snapshot_id == snapshot.id))
        area_ids = self._areas(snap)
        if area_ids:
            self.session.execute(insert(control_area_snapshots),
                                 [{"area_id": a, "snapshot_id": snapshot.id} for a in sorted(area_ids)])
        actors = {a for c in snap.claims for a in c.actor_ids}
        linked: set[int] = set(self.session.scalars(select(actor_sources.c.actor_id).where(actor_sources.c.source_id == source.id)))
        if actors - linked:
            self.session.execute(insert(actor_sources), [{"actor_id": a, "source_id": source.id}
                                                         for a in sorted(actors - linked)])
        result.areas = sum(1 for c in snap.claims if c.geometry is not None)
        result.places = sum(1 for c in snap.claims if c.location_id is not None)
        return result

    def _areas(self, snap: Snapshot) -> set[int]:
        """The ids of the snapshot's areas, stored once per (series, shape, holder, status)."""
        wanted: dict[tuple[str, int, str], dict] = {}
        for c in snap.claims:
            if c.geometry is not None:
                text = json.dumps(c.geometry, separators=(",", ":"))
                shape_hash = hashlib.sha256(text.encode()).hexdigest()
                bounds = _check_shape(c.geometry, make_valid=True)[0].bounds
                box = {"min_lon": bounds[0], "min_lat": bounds[1], "max_lon": bounds[2], "max_lat": bounds[3]}
            else:
                text, shape_hash, box = None, f"place:{c.location_id}", {}
            for actor_id in c.actor_ids:
                wanted.setdefault((shape_hash, actor_id, c.status), {
                    "series": snap.series, "actor_id": actor_id, "status": c.status, "label": c.label,
                    "certainty": c.certainty, "hedge": c.hedge[:200] if c.hedge else None,
                    "location_id": c.location_id, "geometry": text, "shape_hash": shape_hash, **box})
        found: dict[tuple[str, int, str], int] = {}
        read_as: dict[int, tuple] = {}
        hashes = sorted({k[0] for k in wanted})
        for i in range(0, len(hashes), 500):
            for row in self.session.execute(
                    select(ControlArea.id, ControlArea.shape_hash, ControlArea.actor_id, ControlArea.status,
                           ControlArea.certainty, ControlArea.hedge).where(
                        ControlArea.series == snap.series, ControlArea.shape_hash.in_(hashes[i:i + 500]))):
                found[(row.shape_hash, row.actor_id, row.status)] = row.id
                read_as[row.id] = (row.certainty, row.hedge)
        fresh = [v for k, v in wanted.items() if k not in found]
        # Areas met before take this snapshot's reading of their label's hedges (a new mapping may add some).
        changed = [{"area": found[k], "certainty": v["certainty"], "hedge": v["hedge"]} for k, v in wanted.items()
                   if k in found and read_as[found[k]] != (v["certainty"], v["hedge"])]
        if changed:
            self.session.execute(update(ControlArea).where(ControlArea.id == bindparam("area"))
                                 .values(certainty=bindparam("certainty"), hedge=bindparam("hedge")), changed)
        if fresh:
            inserted = self.session.execute(
                insert(ControlArea).returning(ControlArea.id, ControlArea.shape_hash, ControlArea.actor_id,
                                              ControlArea.status), fresh).all()
            for new in inserted:
                found[(new.shape_hash, new.actor_id, new.status)] = new.id
        return {found[k] for k in wanted}


def _read_bytes(path: str) -> bytes:
    try:
        return open(path, "rb").read()
    except OSError as exc:
        raise BadRecord(path, None, "", exc.strerror or str(exc)) from None


def _is_float(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _hash(raw: bytes, mapping: ControlMap | None, taken_on: dt.date) -> str:
    digest = hashlib.sha256(raw)
    digest.update(taken_on.isoformat().encode())
    if mapping is not None:
        digest.update(mapping.text_hash.encode())
    return digest.hexdigest()


def _json_error(path: str, raw: bytes, where: tuple, reason: str) -> BadRecord:
    """A BadRecord naming the line of ``features[i]...`` (re-reading the file with line tracking)."""
    from tracker.ingest.documents import field_name, parse_document

    line = None
    try:
        doc = parse_document(raw.decode("utf-8-sig"), path)
        line = doc.line_of(where)
    except Exception:  # noqa: BLE001 - line numbers are a courtesy; the reason is what matters
        pass
    return BadRecord(path, line, field_name(where), reason)


def import_control(session: Session, paths: Iterable[str], mapping: str | None = None,
                   date=None, series: str | None = None,
                   progress: ProgressCallback | None = None, make_valid: bool = False) -> ImportControlResult:
    """Import control snapshot files (CSV or GeoJSON) into the caller's transaction; all or nothing.

    An area that is not a valid polygon (a ring crossing itself, an interior cut in two) is refused,
    naming the file, feature and reason; ``make_valid`` repairs it with shapely's ``make_valid``
    instead (kept to its polygons) and the summary counts the areas repaired.

    ``progress`` hears a :class:`~tracker.progress.Progress` for each file read
    ("files read"), each snapshot written ("snapshots written") and the spans
    being rebuilt ("rebuilding control spans").
    """
    from tracker.control.areas import materialize

    control_map = read_map(mapping) if mapping else None
    day = None
    if date is not None:
        d = parse_fuzzy_date(date)
        if not d.is_exact:
            raise BadDate(f"a snapshot is of one day, not {d}")
        day = d.earliest
    importer = _Importer(session, control_map, day, series, make_valid)
    snapshots: list[Snapshot] = []
    seen: dict[tuple[str, dt.date], str] = {}
    paths = list(paths)
    for number, path in enumerate(paths, start=1):
        suffix = Path(path).suffix.lower()
        if suffix == ".csv":
            read = importer.read_csv(path)
        elif suffix in (".geojson", ".json"):
            read = importer.read_geojson(path)
        else:
            raise BadRecord(path, None, "", "not a snapshot file (.csv, .geojson or .json)")
        for snap in read:
            other = seen.get((snap.series, snap.taken_on))
            if other is not None and other != path:
                raise BadRecord(path, None, "date", f"{other} is also the {snap.series} snapshot of {snap.taken_on}")
            seen[(snap.series, snap.taken_on)] = path
            snapshots.append(snap)
        if progress is not None:
            progress(Progress("files read", number, len(paths)))
    result = ImportControlResult()
    touched = set()
    for number, snap in enumerate(snapshots, start=1):
        done = importer.write(snap)
        result.snapshots.append(done)
        if done.status != "unchanged":
            touched.add(snap.series)
        if progress is not None:
            progress(Progress("snapshots written", number, len(snapshots)))
    if touched:
        # Areas no snapshot shows any longer (a snapshot was replaced) go.
        orphans = select(ControlArea.id).where(
            ControlArea.series.in_(sorted(touched)),
            ~ControlArea.id.in_(select(control_area_snapshots.c.area_id)))
        session.execute(delete(ControlArea).where(ControlArea.id.in_(orphans)))
        if progress is not None:
            progress(Progress("rebuilding control spans", 0))
        result.spans = materialize(session, series=sorted(touched))
    result.new_places = importer.new_places
    return result


__all__ = ["import_control", "snapshot_date", "ImportControlResult", "SnapshotResult"]
