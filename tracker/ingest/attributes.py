"""How a dataset row's other columns are kept: ``dataset_records.attributes``, packed.

An ACLED row has fifteen columns the event itself does not hold (``disorder_type``,
``inter1``, ``iso``, ``region``, ``source_scale``, ...). They are kept, so that a
version's history shows what the row said; written as a JSON object they took 286
characters a row, 40% of a store of whole exports, most of it the names of the keys and
values the record holds already.

Packed, a row's attributes are a JSON array: the name of a *layout* (a frozen list of
keys, one per dataset), then one value per key of the layout, in its order:

- ``null``: the row has no value for the key;
- a string: the value as the row wrote it;
- ``0``: the value is what the record itself says, written the same way: ``year`` is
  the year of the record's ``recorded_date``, ``timestamp`` its ``stamp``,
  ``latitude``/``longitude`` the event's coordinates (``repr`` of the stored number).
  A value is packed so only when it reads back exactly (``18.90`` stays a string);
- ``n`` (1, 2, ...): the n-th of the values the layout lists for the key (ACLED's
  regions, source scales, actor classes, ...): ``"Middle East"`` is ``10``.

Trailing nulls are left off; keys outside the layout follow as one JSON object at the end.
``["acled1",0,2,1,4,8,38,1,888,10,0,0,2,2,null,0]`` is 50-odd characters where the object
was 286. A layout never
changes once stored (migration 0011 packed what earlier revisions stored): a dataset that
grows new columns gets a new layout, and :func:`unpack` keeps reading the old ones. An
object (the form before 0011) still reads as itself.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from typing import NamedTuple

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
DERIVED = 0


class Facts(NamedTuple):
    """What a record holds that a packed value may stand for."""

    stamp: int | None
    recorded_date: dt.date | str | None
    latitude: float | None
    longitude: float | None


@lru_cache(maxsize=4096)
def _year_of(day) -> str:
    return str((day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10])).year)


def _year(f: Facts) -> str | None:
    return None if f.recorded_date is None else _year_of(f.recorded_date)


def _number(value) -> str | None:
    if value is None:
        return None
    return repr(value) if type(value) is float else repr(float(value))


_DERIVE = {
    "year": _year,
    "timestamp": lambda f: None if f.stamp is None else str(f.stamp),
    "latitude": lambda f: _number(f.latitude),
    "longitude": lambda f: _number(f.longitude),
}

_DIGITS = tuple(str(i) for i in range(10))
_ACLED_REGIONS = ("Western Africa", "Middle Africa", "Eastern Africa", "Southern Africa", "Northern Africa",
                  "South Asia", "Southeast Asia", "East Asia", "Caucasus and Central Asia", "Middle East", "Europe",
                  "Caribbean", "Central America", "South America", "North America", "Oceania", "Antarctica",
                  "Southern Asia", "South-Eastern Asia")
_SCALES = ("Local", "Regional", "National", "Subnational", "International", "Other", "New media", "Local partner")
_ACLED_SCALES = _SCALES + tuple(f"{a}-{b}" for a in _SCALES for b in _SCALES if a != b)

# Frozen: a layout's keys, in order, each with the values a small number stands for (``n`` is
# the n-th, from 1; 0 is a value the record gives). What its stored arrays mean.
LAYOUTS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "acled1": (
        ("year", ()), ("time_precision", _DIGITS),
        ("disorder_type", ("Political violence", "Demonstrations", "Strategic developments",
                           "Political violence; Demonstrations")),
        ("inter1", _DIGITS), ("inter2", _DIGITS), ("interaction", tuple(str(i) for i in range(100))),
        ("civilian_targeting", ("Civilian targeting",)), ("iso", tuple(str(i) for i in range(1000))),
        ("region", _ACLED_REGIONS), ("latitude", ()), ("longitude", ()), ("geo_precision", _DIGITS),
        ("source_scale", _ACLED_SCALES), ("tags", ("crowd size=no report",)), ("timestamp", ()),
        ("event_type", ()), ("iso3", ()), ("gwno", tuple(str(i) for i in range(1000))), ("event_id_no_cnty", ()),
    ),
    "ucdp1": tuple((key, ()) for key in (
        "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id", "conflict_new_id",
        "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id", "side_a_new_id",
        "side_b_dset_id", "side_b_new_id", "number_of_sources", "source_office", "source_date", "source_headline",
        "source_original", "where_prec", "where_description", "priogrid_gid", "country_id", "region",
        "event_clarity", "date_prec", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "gwnoa",
        "gwnob", "relid")),
}
LAYOUT_OF = {"acled": "acled1", "ucdp": "ucdp1"}
_KEYS = {name: tuple(key for key, _ in keys) for name, keys in LAYOUTS.items()}
_VOCAB = {name: {key: vocab for key, vocab in keys} for name, keys in LAYOUTS.items()}
# key -> (position, the numbers of its values, how the record gives it or None): one lookup a key.
_TABLE = {name: {key: (i, {v: n for n, v in enumerate(vocab, 1)}, _DERIVE.get(key)) for i, (key, vocab) in enumerate(keys)}
          for name, keys in LAYOUTS.items()}


def pack(scheme: str | None, attributes: dict | None, facts: Facts) -> str | None:
    """The stored text of a row's attributes (None when it has none)."""
    if not attributes:
        return None
    layout = LAYOUT_OF.get(scheme or "")
    if layout is None:
        return _ENCODE(attributes)
    table = _TABLE[layout]
    values: list = [None] * len(table)
    rest = {}
    last = -1
    for key, value in attributes.items():
        entry = table.get(key)
        if entry is None or type(value) is not str:
            rest[key] = value
            continue
        i, numbers, derive = entry
        if derive is not None and derive(facts) == value:
            values[i] = DERIVED
        else:
            values[i] = numbers.get(value, value)
        if i > last:
            last = i
    packed: list = [layout, *values[:last + 1]]
    if rest:
        packed.append(rest)
    return _ENCODE(packed)


def unpack(text: str | None, facts: Facts) -> dict:
    """The attributes a stored text holds, as the row wrote them."""
    if not text:
        return {}
    value = json.loads(text)
    if isinstance(value, dict):
        return value
    layout, *values = value
    vocab = _VOCAB[layout]
    out: dict = {}
    rest = values.pop() if values and isinstance(values[-1], dict) else {}
    for key, v in zip(_KEYS[layout], values, strict=False):  # trailing nulls are left off
        if v is None:
            continue
        if isinstance(v, str):
            out[key] = v
        elif v == DERIVED:
            out[key] = _DERIVE[key](facts)
        else:
            out[key] = vocab[key][v - 1]
    out.update(rest)
    return out
