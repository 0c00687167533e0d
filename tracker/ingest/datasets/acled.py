"""ACLED exports: every generation's columns mapped to tracker's events.

Columns are found by name, ignoring case, so that the 2015-2016 "realtime"
files (``EVENT_ID_CNTY``, ``ALLY_ACTOR_1``, ``ADM_LEVEL_1`` or ``ADMIN1``),
API pulls (lower-case, alphabetical, with a stray pandas index), the 2019-2022
exports and the current ones (``disorder_type``, ``civilian_targeting``,
``tags``) all read the same way. Unknown columns are kept with the event (as
its dataset attributes), never refused; ``data_id``, which ACLED renumbers on
every release, is ignored.

Old event types are mapped to the current taxonomy as ACLED itself did in
2019: ``Battle-Non-state actor overtakes territory`` becomes event type
``Battles`` with sub-type ``Non-state actor overtakes territory``, and so on
(docs/importing.md has the table); the type as written is kept in the
attributes (``event_type``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from operator import itemgetter

from tracker.errors import BadRecord
from tracker.ingest.datasets.base import Binding, Dataset, DatasetRow, RowError, parse_coordinate, parse_count
from tracker.model.dates import implausible
from tracker.names.countries import country_by_code
from tracker.names.matching import SITE, PathStep, country_code_for
from tracker.names.normalize import normalize_name

# Column name (lower case) -> the name tracker reads it as.
SYNONYMS = {
    "ally_actor_1": "assoc_actor_1",
    "ally_actor_2": "assoc_actor_2",
    "adm_level_1": "admin1",
    "adm_level_2": "admin2",
    "adm_level_3": "admin3",
}
REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1", "country", "latitude", "longitude")
# Mapped to the event itself; every other named column goes to the attributes.
CORE = {"event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2",
        "assoc_actor_2", "country", "admin1", "admin2", "admin3", "location", "fatalities", "source", "notes"}
VOLATILE = {"data_id"}  # renumbered by ACLED at every release: not part of a row's content

INTER_KINDS = {
    "0": None,
    "1": "state forces",
    "2": "rebel group",
    "3": "political militia",
    "4": "identity militia",
    "5": "rioters",
    "6": "protesters",
    "7": "civilians",
    "8": "external force",
}
_INTER_LABELS = {
    "state forces": "state forces",
    "rebel group": "rebel group",
    "rebel groups": "rebel group",
    "political militia": "political militia",
    "political militias": "political militia",
    "identity militia": "identity militia",
    "identity militias": "identity militia",
    "rioters": "rioters",
    "protesters": "protesters",
    "civilians": "civilians",
    "external other forces": "external force",
    "external forces": "external force",
    "external force": "external force",
    "other forces": "external force",
}

CURRENT_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
                 "Strategic developments")
# Pre-2019 event types -> (event type, sub-type) of the current taxonomy.
OLD_TYPES = {
    "battle-no change of territory": ("Battles", "Armed clash"),
    "battle-government regains territory": ("Battles", "Government regains territory"),
    "battle-non-state actor overtakes territory": ("Battles", "Non-state actor overtakes territory"),
    "remote violence": ("Explosions/Remote violence", None),
    "violence against civilians": ("Violence against civilians", None),
    "non-violent transfer of territory": ("Strategic developments", "Non-violent transfer of territory"),
    "headquarters or base established": ("Strategic developments", "Headquarters or base established"),
    "strategic development": ("Strategic developments", None),
    "non-violent activity by a conflict actor": ("Strategic developments", None),
    "riots/protests": None,  # Riots when rioters take part, else Protests
}
_TYPES = {t.casefold(): t for t in CURRENT_TYPES}

GEO_PRECISION = {"1": "exact", "2": "near", "3": "region"}
_MONTHS = {m.casefold(): i for i, m in enumerate(calendar.month_abbr) if m}
_MONTHS.update({m.casefold(): i for i, m in enumerate(calendar.month_name) if m})
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[- ]([A-Za-z]+)[- ,]+(\d{4}|\d{2})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T][0-9:.]+)?$")


def parse_acled_date(text: str, today: dt.date | None = None) -> dt.date:
    """An ACLED ``event_date`` in any of the forms exports have used (see _parse_acled_date)."""
    day = _parse_acled_date(text, today)
    if reason := implausible(day, today):
        raise RowError("event_date", reason)
    return day


def _parse_acled_date(text: str, today: dt.date | None = None) -> dt.date:
    """An ACLED ``event_date`` in any of the forms exports have used.

    ACLED writes day/month/year; files that went through Excel hold its
    short dates (month/day/yy, "9/22/15") and day-month-yy ("9-May-20").

    >>> parse_acled_date("9-May-20"), parse_acled_date("27/07/1997"), parse_acled_date("9/22/15")
    (datetime.date(2020, 5, 9), datetime.date(1997, 7, 27), datetime.date(2015, 9, 22))
    """
    value = text.strip()
    try:
        if m := _ISO.match(value):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _SLASHED.match(value):
            first, second, year = int(m[1]), int(m[2]), int(m[3])
            if len(m[3]) == 2:
                # Excel's short date, month/day/yy, in files re-saved by Excel.
                year = _century(year, today)
                day, month = (first, second) if first > 12 else (second, first)
            else:  # ACLED's own day/month/year
                day, month = (second, first) if second > 12 else (first, second)
            return dt.date(year, month, day)
        if m := _DAY_MONTH_YEAR.match(value):
            named = _MONTHS.get(m[2].casefold())
            if named is None:
                raise ValueError(f"unknown month {m[2]!r}")
            year = int(m[3]) if len(m[3]) == 4 else _century(int(m[3]), today)
            return dt.date(year, named, int(m[1]))
    except ValueError as exc:
        raise RowError("event_date", f"{text!r} is not a date ({exc})") from None
    if not value:
        raise RowError("event_date", "missing")
    raise RowError("event_date", f"{text!r} is not a date (expected YYYY-MM-DD, DD/MM/YYYY, M/D/YY or D-Mon-YY)")


def _century(yy: int, today: dt.date | None) -> int:
    """A two-digit year as Excel writes it (9-May-20): the latest such year not in the future."""
    this = (today or dt.date.today()).year
    return 2000 + yy if 2000 + yy <= this + 1 else 1900 + yy


def actor_kind(code: str, column: str) -> str | None:
    """The actor class of an ``inter1``/``inter2`` value: a number 0-8 or a label."""
    value = code.strip()
    if value in INTER_KINDS:
        return INTER_KINDS[value]
    if not value:
        return None
    if value.endswith(".0") and value[:-2] in INTER_KINDS:
        return INTER_KINDS[value[:-2]]
    kind = _INTER_LABELS.get(normalize_name(value))
    if kind is None:
        raise RowError(column, f"{code!r} is not an ACLED actor class (1-8 or a label such as 'State forces')")
    return kind


def map_event_type(event_type: str, sub_type: str, kinds: tuple) -> tuple[str, str | None, bool]:
    """(event type, sub-type, whether the type was rewritten) in the current taxonomy."""
    raw = event_type.strip()
    key = raw.casefold()
    sub = sub_type.strip() or None
    if key in _TYPES:
        return _TYPES[key], sub, _TYPES[key] != raw
    if key in OLD_TYPES:
        mapped = OLD_TYPES[key]
        if mapped is None:
            mapped = ("Riots", None) if "rioters" in kinds else ("Protests", None)
        return mapped[0], sub or mapped[1], True
    return raw, sub, False


class AcledDataset(Dataset):
    scheme = "acled"
    label = "ACLED"
    publisher = "ACLED (Armed Conflict Location & Event Data)"
    url = "https://acleddata.com"
    id_column = "event_id_cnty"

    def bind(self, header: list[str], file: str) -> Binding:
        index: dict[str, int] = {}
        columns = []
        for i, raw in enumerate(header):
            name = raw.strip().lstrip("\ufeff").lower()
            name = SYNONYMS.get(name, name)
            columns.append(name)
            if name and name not in index:
                index[name] = i
        missing = [c for c in REQUIRED if c not in index]
        if missing:
            raise BadRecord(file, 1, missing[0], "required column missing from the header"
                            + (f" (also missing: {', '.join(missing[1:])})" if len(missing) > 1 else ""))
        hashed = [i for i, n in enumerate(columns) if n and n not in VOLATILE and index.get(n) == i]
        extras = [(n, i) for n, i in index.items() if n not in CORE and n not in VOLATILE]

        def col(name: str) -> int | None:
            """An optional column: None when the file has none (the REQUIRED ones are read from index)."""
            return index.get(name)

        i_id, i_date, i_type, i_sub = index["event_id_cnty"], index["event_date"], index["event_type"], col("sub_event_type")
        i_a1, i_aa1, i_a2, i_aa2 = index["actor1"], col("assoc_actor_1"), col("actor2"), col("assoc_actor_2")
        i_in1, i_in2 = col("inter1"), col("inter2")
        i_country, i_iso, i_iso3 = index["country"], col("iso"), col("iso3")
        admins = [(lvl, col(lvl)) for lvl in ("admin1", "admin2", "admin3") if col(lvl) is not None]
        i_loc, i_lat, i_lon, i_geo = col("location"), index["latitude"], index["longitude"], col("geo_precision")
        i_tp, i_fat = col("time_precision"), col("fatalities")
        i_src, i_notes, i_stamp = col("source"), col("notes"), col("timestamp")
        dates: dict[tuple[str, str], tuple] = {}

        # Places repeat from row to row: each distinct place is read once (bounded, so that memory
        # does not grow with the file). Coordinates differ on most rows and are read on each.
        place_cols = [(n, i) for n, i in (("country", i_country), ("iso", i_iso), ("iso3", i_iso3), *admins,
                                          ("location", i_loc)) if i is not None]
        place_names = [n for n, _ in place_cols]
        place_key = itemgetter(*[i for _, i in place_cols])
        wheres: dict[tuple, tuple] = {}
        kinds: dict[tuple[str, str], str | None] = {}
        types: dict[tuple, tuple] = {}
        lists: dict[str, list[str]] = {"": []}

        codes: dict[tuple, str | None] = {}

        def where(key: tuple) -> tuple:
            v = dict(zip(place_names, key, strict=True))
            country = v["country"].strip()
            ckey = (country, v.get("iso", ""), v.get("iso3", ""))
            if ckey in codes:
                code = codes[ckey]
            else:
                code = codes[ckey] = country_code_for(country, numeric=ckey[1], alpha3=ckey[2])
            if not country and code and (known := country_by_code(code)) is not None:
                country = known.name
            path = []
            if country:
                path.append(PathStep("country", country))
            for level in ("admin1", "admin2", "admin3"):
                if name := v.get(level, "").strip():
                    path.append(PathStep(level, name))
            if name := v.get("location", "").strip():
                path.append(PathStep(SITE, name))
            for step in path:
                if len(step.name) > 300:
                    raise RowError(step.level if step.level != SITE else "location", "longer than 300 characters")
            if path and not country:
                raise RowError("country", "missing (the row names places but no country)")
            return path, code, country or None

        def point(f: list[str]) -> tuple:
            lat_text, lon_text = f[i_lat].strip(), f[i_lon].strip()
            lat = lon = None
            if lat_text or lon_text:
                lat = parse_coordinate(lat_text, "latitude", 90.0)
                lon = parse_coordinate(lon_text, "longitude", 180.0)
            geo = f[i_geo].strip() if i_geo is not None else ""
            precision = GEO_PRECISION.get(geo)
            if geo and precision is None:
                raise RowError("geo_precision", f"{geo!r} is not 1 (exact), 2 (near) or 3 (region)")
            if lat is None:
                precision = None
            elif precision is None:
                precision = "exact"
            return lat, lon, precision

        def kind_of(code: str, column: str) -> str | None:
            if (code, column) in kinds:
                return kinds[(code, column)]
            found = kinds[(code, column)] = actor_kind(code, column)
            return found

        def names(text: str) -> list[str]:
            found = lists.get(text)
            if found is None:
                found = [n.strip() for n in text.split(";") if n.strip()]
                if len(lists) < 20000:
                    lists[text] = found
            return found

        def parse(f: list[str]) -> DatasetRow:
            ext = f[i_id].strip()  # empty: the importer names the row by its content
            if len(ext) > 100:
                raise RowError("event_id_cnty", "longer than 100 characters")
            raw_date, precision = f[i_date], f[i_tp] if i_tp is not None else ""
            window = dates.get((raw_date, precision))
            if window is None:
                day = parse_acled_date(raw_date)
                window = (day, *_window(day, precision))
                if len(dates) >= 100000:
                    dates.clear()
                dates[(raw_date, precision)] = window
            recorded, start, end, label = window

            kind1 = kind_of(f[i_in1], "inter1") if i_in1 is not None else None
            kind2 = kind_of(f[i_in2], "inter2") if i_in2 is not None else None
            tkey = (f[i_type], f[i_sub] if i_sub is not None else "", "rioters" in (kind1, kind2))
            mapped = types.get(tkey)
            if mapped is None:
                event_type, sub_type, rewritten = map_event_type(tkey[0], tkey[1], (kind1, kind2))
                if not event_type:
                    raise RowError("event_type", "missing")
                if len(event_type) > 100 or (sub_type and len(sub_type) > 100):
                    raise RowError("event_type" if len(event_type) > 100 else "sub_event_type",
                                   "longer than 100 characters")
                mapped = types[tkey] = (event_type, sub_type, rewritten)
            event_type, sub_type, rewritten = mapped

            name1 = f[i_a1].strip()
            if not name1:
                raise RowError("actor1", "missing")
            actors = [("actor1", name1, kind1, "actor1")]
            if i_aa1 is not None and (text := f[i_aa1]):
                actors += [("assoc_actor1", n, None, "assoc_actor_1") for n in names(text)]
            if i_a2 is not None and (name2 := f[i_a2].strip()):
                actors.append(("actor2", name2, kind2, "actor2"))
            if i_aa2 is not None and (text := f[i_aa2]):
                actors += [("assoc_actor2", n, None, "assoc_actor_2") for n in names(text)]
            for _, name, _, column in actors:
                if len(name) > 300:
                    raise RowError(column, "an actor name longer than 300 characters")

            key = place_key(f)
            found = wheres.get(key)
            if found is None:
                found = where(key if isinstance(key, tuple) else (key,))
                if len(wheres) >= 20000:
                    wheres.clear()
                wheres[key] = found
            path, code, country = found
            lat, lon, coord_precision = point(f)

            fatalities = None
            if i_fat is not None and (text := f[i_fat]):
                fatalities = int(text) if text.isdigit() and len(text) < 10 else parse_count(text.strip(), "fatalities")

            stamp = None
            if i_stamp is not None and (text := f[i_stamp]):
                if text.isdigit():
                    stamp = int(text)
                else:
                    try:
                        stamp = int(float(text))
                    except ValueError:
                        raise RowError("timestamp", f"{text!r} is not a Unix timestamp") from None

            attributes = {name: value for name, i in extras if (value := f[i])}
            if rewritten:
                attributes["event_type"] = f[i_type].strip()
            notes = f[i_notes].strip() if i_notes is not None else ""
            cited = f[i_src].strip() if i_src is not None else ""
            return DatasetRow(ext, start, end, label, event_type, sub_type, actors, path, country, code,
                              lat, lon, coord_precision, None, fatalities, None, notes or None, cited or None,
                              attributes, stamp, recorded)

        def day(f: list[str]) -> dt.date | None:
            try:
                return parse_acled_date(f[i_date])
            except RowError:
                return None

        def quick(f: list[str]) -> tuple[str, int | None]:
            """The id and timestamp as parse reads them (a timestamp parse would question: RowError)."""
            text = f[i_stamp] if i_stamp is not None else ""
            if text and not text.isdigit():
                raise RowError("timestamp", "not plain digits")
            ext = f[i_id].strip()
            if len(ext) > 100:
                raise RowError("event_id_cnty", "longer than 100 characters")
            return ext, int(text) if text else None

        return Binding(parse, hashed, header, day=day, has_stamps=i_stamp is not None, quick=quick)


def _window(day: dt.date, precision: str) -> tuple[dt.date, dt.date, str]:
    """The days an event may have been on, from its date and ACLED's time_precision."""
    precision = precision.strip()
    if precision in ("", "1"):
        return day, day, "day"
    if precision == "2":  # ACLED codes the middle of the week it knows
        return day - dt.timedelta(days=3), day + dt.timedelta(days=3), "range"
    if precision == "3":  # only the month is known
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1]), "month"
    raise RowError("time_precision", f"{precision!r} is not 1 (day), 2 (week) or 3 (month)")




DATASET = AcledDataset()
