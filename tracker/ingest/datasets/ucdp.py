"""UCDP GED exports (CSV, the UCDP download and the HDX republication) mapped to events.

UCDP codes a violent event between two sides with a date window, a
location with its precision and low / best / high death counts. tracker
keeps the window as the event's dates, ``side_a`` / ``side_b`` as actor1 /
actor2 (a side listing several groups, "Ahrar al-Sham, FSA, HTS", gives its
first as actor1 and the others as assoc_actor1), and the type of violence
both as an ACLED-style event type (so ``--type Battles`` finds UCDP events
too) and as UCDP's own sub-type. The HDX files' second line of HXL hashtags
is skipped by the importer; ``gwnoa`` / ``iso3`` may be present or not.
Citation: Sundberg & Melander (2013), *Journal of Peace Research* 50(4); UCDP
data is CC BY 4.0.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from tracker.errors import BadRecord
from tracker.ingest.datasets.base import Binding, Dataset, DatasetRow, RowError, parse_coordinate, parse_count
from tracker.model.dates import implausible
from tracker.names.matching import SITE, PathStep, country_code_for

REQUIRED = ("id", "date_start", "date_end", "type_of_violence", "side_a", "side_b", "country", "latitude",
            "longitude", "best")
CORE = {"id", "date_start", "date_end", "side_a", "side_b", "country", "adm_1", "adm_2", "where_coordinates",
        "latitude", "longitude", "low", "best", "high", "source_article", "geom_wkt"}
VOLATILE = {"geom_wkt"}  # the point again, as WKT

VIOLENCE = {
    "1": ("Battles", "State-based conflict"),
    "2": ("Battles", "Non-state conflict"),
    "3": ("Violence against civilians", "One-sided violence"),
}
# where_prec: 1 the exact place, 2 within 25 km, 3 the second-order and 4 the
# first-order administrative unit, 5 a line or an ambiguous area, 6 the
# country, 7 international waters or airspace.
WHERE_PRECISION = {"1": "exact", "2": "near", "3": "region", "4": "region", "5": "region", "6": "region",
                   "7": "region"}
# Suffixes UCDP puts on place names; the bare name becomes the place's name
# (so that "Aleppo town" meets ACLED's "Aleppo") and the full one an alias.
SITE_SUFFIXES = {"town": "town", "city": "city", "village": "village"}
ADMIN_SUFFIX = re.compile(
    r"\s+(governorate|province|state|division|region|district|department|prefecture|oblast|county|"
    r"municipality|zone|wilaya|muhafazah)$", re.IGNORECASE)
_SIDE_SPLIT = re.compile(r",\s+")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][0-9:.]+)?$")


def _date(text: str, column: str) -> dt.date:
    value = text.strip()
    m = _DATE.match(value)
    if not m:
        raise RowError(column, f"{text!r} is not a date (expected YYYY-MM-DD)" if value else "missing")
    try:
        day = dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise RowError(column, f"{text!r} is not a date ({exc})") from None
    if reason := implausible(day):
        raise RowError(column, reason)
    return day


def window_precision(start: dt.date, end: dt.date) -> str:
    """The precision word a date window deserves: day, week (an ISO week), month, year, else range."""
    if start == end:
        return "day"
    if start.day == 1 and end == start.replace(day=calendar.monthrange(start.year, start.month)[1]):
        return "month"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return "year"
    if start.isoweekday() == 1 and end - start == dt.timedelta(days=6):
        return "week"
    return "range"


def _side(text: str, role: str, column: str, kind: str | None) -> list[tuple]:
    names = [n.strip() for n in _SIDE_SPLIT.split(text.strip()) if n.strip()]
    out = []
    for i, name in enumerate(names):
        out.append((role if i == 0 else "assoc_" + role, name, _kind(name, kind), column))
    return out


def _kind(name: str, fallback: str | None) -> str | None:
    if name.startswith("Government of"):
        return "state forces"
    if name == "Civilians":
        return "civilians"
    return fallback


def _bare(name: str, suffixes: dict) -> tuple[str, str | None]:
    head, _, tail = name.rpartition(" ")
    kind = suffixes.get(tail.casefold())
    if head and kind:
        return head.strip(), kind
    return name, None


def _admin_step(level: str, name: str) -> PathStep:
    bare = ADMIN_SUFFIX.sub("", name).strip()
    if bare and bare != name:
        return PathStep(level, bare, (name,))
    return PathStep(level, name)


class UcdpDataset(Dataset):
    scheme = "ucdp"
    label = "UCDP GED"
    publisher = "Uppsala Conflict Data Program (UCDP GED; Sundberg & Melander 2013, CC BY 4.0)"
    url = "https://ucdp.uu.se"
    id_column = "id"

    def bind(self, header: list[str], file: str) -> Binding:
        index: dict[str, int] = {}
        for i, raw in enumerate(header):
            name = raw.strip().lstrip("\ufeff").lower()
            if name and name not in index:
                index[name] = i
        missing = [c for c in REQUIRED if c not in index]
        if missing:
            raise BadRecord(file, 1, missing[0], "required column missing from the header"
                            + (f" (also missing: {', '.join(missing[1:])})" if len(missing) > 1 else ""))
        hashed = [i for n, i in index.items() if n not in VOLATILE]
        extras = [(n, i) for n, i in index.items() if n not in CORE]
        col = index.get  # an optional column: None when the file has none
        i_id, i_start, i_end = index["id"], index["date_start"], index["date_end"]  # REQUIRED: present
        i_type, i_a, i_b = index["type_of_violence"], index["side_a"], index["side_b"]
        i_country, i_iso3, i_adm1, i_adm2 = index["country"], col("iso3"), col("adm_1"), col("adm_2")
        i_where = col("where_coordinates") if "where_coordinates" in index else col("where_description")
        i_wprec = col("where_prec")
        i_lat, i_lon = index["latitude"], index["longitude"]
        i_low, i_best, i_high = col("low"), index["best"], col("high")
        i_article, i_headline, i_dyad = col("source_article"), col("source_headline"), col("dyad_name")
        codes: dict[tuple, str | None] = {}

        def parse(f: list[str]) -> DatasetRow:
            ext = f[i_id].strip()
            if not ext:
                raise RowError("id", "missing")
            if len(ext) > 100:
                raise RowError("id", "longer than 100 characters")
            start, end = _date(f[i_start], "date_start"), _date(f[i_end], "date_end")
            if end < start:
                raise RowError("date_end", f"{end} is before date_start {start}")
            violence = f[i_type].strip()
            if violence not in VIOLENCE:
                raise RowError("type_of_violence", f"{violence!r} is not 1 (state-based), 2 (non-state) or 3 (one-sided)"
                               if violence else "missing")
            event_type, sub_type = VIOLENCE[violence]
            side_a, side_b = f[i_a].strip(), f[i_b].strip()
            if not side_a:
                raise RowError("side_a", "missing")
            actors = _side(side_a, "actor1", "side_a", None)
            if side_b:
                actors += _side(side_b, "actor2", "side_b", "rebel group" if violence == "1" else None)
            for _, name, _, column in actors:
                if len(name) > 300:
                    raise RowError(column, "an actor name longer than 300 characters")

            country = f[i_country].strip()
            iso3 = f[i_iso3].strip() if i_iso3 is not None else ""
            if (country, iso3) in codes:
                code = codes[(country, iso3)]
            else:
                code = codes[(country, iso3)] = country_code_for(country, alpha3=iso3)
            path = []
            if country:
                path.append(PathStep("country", country))
            if i_adm1 is not None and (adm1 := f[i_adm1].strip()):
                path.append(_admin_step("admin1", adm1))
            if i_adm2 is not None and (adm2 := f[i_adm2].strip()):
                path.append(_admin_step("admin2", adm2))
            where = f[i_where].strip() if i_where is not None else ""
            if where:
                # UCDP names the unit itself when it only knows the unit (where_prec 3, 4, 6).
                same = [s for s in path if where in (s.name, *s.aliases)]
                if same:
                    path = path[: path.index(same[-1]) + 1]
                else:
                    bare, kind = _bare(where, SITE_SUFFIXES)
                    path.append(PathStep(SITE, bare, (where,) if bare != where else (), kind))
            for step in path:
                if len(step.name) > 300:
                    raise RowError("where_coordinates" if step.level == SITE else step.level,
                                   "longer than 300 characters")
            if path and not country:
                raise RowError("country", "missing (the row names places but no country)")

            lat_text, lon_text = f[i_lat].strip(), f[i_lon].strip()
            lat = lon = precision = None
            if lat_text or lon_text:
                lat = parse_coordinate(lat_text, "latitude", 90.0)
                lon = parse_coordinate(lon_text, "longitude", 180.0)
                wprec = f[i_wprec].strip() if i_wprec is not None else ""
                precision = WHERE_PRECISION.get(wprec, "exact" if not wprec else None)
                if precision is None:
                    raise RowError("where_prec", f"{wprec!r} is not a UCDP location precision (1-7)")

            low = parse_count(f[i_low], "low") if i_low is not None else None
            best = parse_count(f[i_best], "best")
            high = parse_count(f[i_high], "high") if i_high is not None else None

            attributes = {}
            for name, i in extras:
                if value := f[i].strip():
                    attributes[name] = value
            dyad = f[i_dyad].strip() if i_dyad is not None else ""
            headline = f[i_headline].strip() if i_headline is not None else ""
            description = ": ".join(x for x in (dyad, headline) if x) or None
            cited = f[i_article].strip() if i_article is not None else ""
            return DatasetRow(ext, start, end, window_precision(start, end), event_type, sub_type, actors, path,
                              country or None, code, lat, lon, precision, low, best, high, description,
                              cited or None, attributes, None, start)

        def day(f: list[str]) -> dt.date | None:
            try:
                return _date(f[i_start], "date_start")
            except RowError:
                return None

        return Binding(parse, hashed, header, day=day)




DATASET = UcdpDataset()
