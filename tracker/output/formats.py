"""Output formats: one registry of writers over plain records (lists of dicts).

``table`` is for people; ``csv`` and ``json`` (one JSON array of records) are
for pipelines. A new format is a new entry in :data:`WRITERS`, not a new ``if``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from typing import Callable, Iterable, Optional, TextIO

from tracker.names.normalize import clean_display

Record = dict


def _cell(value, joiner: str = "; ") -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return joiner.join(_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:.5f}".rstrip("0").rstrip(".")
    return str(value)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def write_table(records: list[Record], out: TextIO, vertical: bool = False, columns: Optional[list[str]] = None,
                width: int = 60) -> None:
    """A readable table of the given columns; a profile record is shown as field/value lines."""
    from tabulate import tabulate

    if not records:
        return
    if vertical:
        for i, rec in enumerate(records):
            if i:
                out.write("\n")
            rows = [(k, "\n".join(clean_display(_cell(x)) for x in (v if isinstance(v, list) else [v])))
                    for k, v in rec.items()]
            out.write(tabulate(rows, tablefmt="plain") + "\n")
        return
    headers = [c for c in (columns or list(records[0])) if c in records[0]]
    rows = [[clean_display(_short(_cell(r.get(h)), width)) for h in headers] for r in records]
    out.write(tabulate(rows, headers=headers, tablefmt="simple") + "\n")


def write_csv(records: list[Record], out: TextIO, **_) -> None:
    if not records:
        return
    writer = csv.DictWriter(out, fieldnames=list(records[0]), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for rec in records:
        writer.writerow({k: _cell(v) for k, v in rec.items()})


def _json_default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_json(records: list[Record], out: TextIO, **_) -> None:
    json.dump(records, out, ensure_ascii=False, indent=2, default=_json_default)
    out.write("\n")


def geojson_feature(rec: Record) -> dict:
    """One record as an RFC 7946 Feature: a WGS84 Point [lon, lat] from its ``latitude``/``longitude``
    (``null`` geometry when it has none) and flat properties, the same keys as the CSV columns."""
    lat, lon = rec.get("latitude"), rec.get("longitude")
    geometry = None if lat is None or lon is None else {"type": "Point", "coordinates": [float(lon), float(lat)]}
    props = {k: (_cell(v) if isinstance(v, (list, tuple, dict)) else v) for k, v in rec.items()}
    return {"type": "Feature", "geometry": geometry, "properties": props}


def write_geojson(records: Iterable[Record], out: TextIO, **_) -> None:
    """An RFC 7946 FeatureCollection (QGIS and geojson.io open it as is), written feature by feature."""
    out.write('{"type": "FeatureCollection", "features": [')
    for i, rec in enumerate(records):
        out.write(",\n" if i else "\n")
        out.write(json.dumps(geojson_feature(rec), ensure_ascii=False, default=_json_default))
    out.write("\n]}\n")


WRITERS: dict[str, Callable[..., None]] = {
    "table": write_table,
    "csv": write_csv,
    "json": write_json,
    "geojson": write_geojson,
}


def write(records: Iterable[Record], out: TextIO, format: str = "table", vertical: bool = False,
          columns: Optional[list[str]] = None) -> None:
    """Write records in the named format; ``columns`` narrows what a table shows."""
    WRITERS[format](list(records), out, vertical=vertical, columns=columns)


def formats(with_geojson: bool = False) -> list[str]:
    return [f for f in WRITERS if with_geojson or f != "geojson"]


__all__ = ["write", "WRITERS", "formats"]
