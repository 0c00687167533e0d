"""Output formats: the one registry of writers over streams of plain records.

``table`` is for people; ``csv``, ``json`` and ``geojson`` are for pipelines.
Each :class:`Format` names itself, writes an iterator of records to a text
stream without holding it whole (the table aside, which measures its
columns), and says what it can render: ``geojson`` needs records with
coordinates, so only the commands whose records have them offer it. A new
format is one :func:`register` call; the command line's ``--format`` choices
come from here.

>>> from tracker.output.formats import FORMATS, write
>>> sorted(FORMATS)
['csv', 'geojson', 'json', 'lines', 'table']
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO

from tracker.names.normalize import clean_display

Record = dict


@dataclass(frozen=True)
class Options:
    """How a writer lays records out: the columns a table shows, one record as field/value lines."""

    columns: list[str] | None = None
    vertical: bool = False
    cell: int = 60  # a table cell's widest
    fields: list[str] | None = None  # every field of a record: the header when no record comes
    width: int | None = None  # a table's widest line (the terminal's width); None: no limit


@dataclass(frozen=True)
class Format:
    name: str
    write: Callable[[Iterator[Record], TextIO, Options], None]
    description: str
    needs_coordinates: bool = False  # records must carry latitude/longitude


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    FORMATS[fmt.name] = fmt
    return fmt


def names(coordinates: bool = False) -> list[str]:
    """The formats a command can offer; with ``coordinates`` its records carry points (geojson too)."""
    return [f.name for f in FORMATS.values() if coordinates or not f.needs_coordinates]


def write(records: Iterable[Record], out: TextIO, format: str = "table", columns: list[str] | None = None,
          vertical: bool = False, fields: list[str] | None = None, width: int | None = None) -> None:
    """Write records in the named format; ``columns`` narrows what a table shows, ``width`` its widest line,
    ``fields`` names the header of an empty table or csv."""
    FORMATS[format].write(iter(records), out, Options(columns=columns, vertical=vertical, fields=fields, width=width))


# -- the writers ------------------------------------------------------------------------------
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


# Table columns kept whole when a table is narrowed to the terminal: what a row is looked up by.
WHOLE = {"id", "date", "place", "at", "from", "until", "level", "code"}
SEPARATOR = 2  # tabulate's "simple" format puts two spaces between columns
PADDING = 2  # and makes each column two wider than its header
DROP_FIRST = {"certainty", "sub_type", "precision", "sources", "until"}  # left out before other columns
CUT = 8  # the narrowest a cut column gets, before columns are left out


def write_table(records: Iterator[Record], out: TextIO, options: Options) -> None:
    """A readable table of the given columns; a profile record is shown as field/value lines.

    With a ``width`` (the terminal's), the widest text columns are cut (``…``)
    until every line fits, ids, dates and places last of all."""
    from tabulate import tabulate

    rows_in = list(records)  # a table measures its columns: the one writer that holds the records
    if options.vertical:
        for i, rec in enumerate(rows_in):
            if i:
                out.write("\n")
            pairs = [(k, "\n".join(clean_display(_cell(x)) for x in (v if isinstance(v, list) else [v])))
                     for k, v in rec.items()]
            out.write(tabulate(pairs, tablefmt="plain") + "\n")
        return
    if not rows_in:
        # An empty listing (events, actors...) still shows its header; an answer that says "none" in
        # its headline (no fields given) needs none.
        headers = (options.columns or options.fields) if options.fields else []
        if headers:
            out.write(tabulate([], headers=headers, tablefmt="simple") + "\n")
        return
    headers = [c for c in (options.columns or list(rows_in[0])) if c in rows_in[0]]
    rows = [[clean_display(_short(_cell(r.get(h)), options.cell)) for h in headers] for r in rows_in]
    if options.width:
        headers, rows, dropped = _fit(headers, [[" ".join(cell.split("\n")) for cell in row] for row in rows],
                                      options.width)
    out.write(tabulate(rows, headers=headers, tablefmt="simple") + "\n")
    if options.width and dropped:
        out.write(_short(f"(not shown: {', '.join(dropped)}; --wide shows every column)", options.width) + "\n")


def _fit(headers: list[str], rows: list[list[str]], width: int) -> tuple[list[str], list[list[str]], list[str]]:
    """Cut the widest cuttable columns (headers too) until the table is no wider than ``width``; when even
    cut columns do not fit, leave out columns from the right (the last one kept). Returns what was left out."""
    # tabulate pads a header by two (MIN_PADDING): a column is at least its header and two wide.
    widths = [max([len(h) + PADDING] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    least = [w if h in WHOLE else min(w, CUT + PADDING) for h, w in zip(headers, widths, strict=True)]
    shown = list(range(len(headers)))
    dropped: list[str] = []

    def total(cols, ws):
        return sum(ws[i] for i in cols) + SEPARATOR * (len(cols) - 1)

    while total(shown, least) > width:
        droppable = [i for i in shown[:-1] if headers[i] not in WHOLE]
        if not droppable:
            break
        first = [i for i in droppable if headers[i] in DROP_FIRST]
        gone = first[-1] if first else droppable[-1]
        shown.remove(gone)
        dropped.append(headers[gone])
    excess = total(shown, widths) - width
    while excess > 0:
        cuttable = [i for i in shown if widths[i] > least[i]]
        if not cuttable:
            break
        widest = max(cuttable, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    return ([_short(headers[i], widths[i] - PADDING) for i in shown],
            [[_short(row[i], widths[i]) for i in shown] for row in rows], dropped)


def write_csv(records: Iterator[Record], out: TextIO, options: Options) -> None:
    first = next(records, None)
    if first is None:
        if options.fields:
            csv.writer(out, lineterminator="\n").writerow(options.fields)
        return
    writer = csv.DictWriter(out, fieldnames=list(first), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for rec in itertools.chain([first], records):
        writer.writerow({k: _cell(v) for k, v in rec.items()})


def _json_default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_json(records: Iterator[Record], out: TextIO, options: Options) -> None:
    """One JSON array, written record by record (indented as ``json.dump(indent=2)`` would)."""
    first = next(records, None)
    if first is None:
        out.write("[]\n")
        return
    out.write("[\n")
    for i, rec in enumerate(itertools.chain([first], records)):
        text = json.dumps(rec, ensure_ascii=False, indent=2, default=_json_default)
        out.write((",\n" if i else "") + "  " + text.replace("\n", "\n  "))
    out.write("\n]\n")


def geojson_feature(rec: Record) -> dict:
    """One record as an RFC 7946 Feature: a WGS84 Point [lon, lat] from its ``latitude``/``longitude``
    (``null`` geometry when it has none) and flat properties, the same keys as the CSV columns."""
    lat, lon = rec.get("latitude"), rec.get("longitude")
    geometry = None if lat is None or lon is None else {"type": "Point", "coordinates": [float(lon), float(lat)]}
    props = {k: (_cell(v) if isinstance(v, (list, tuple, dict)) else v) for k, v in rec.items()}
    return {"type": "Feature", "geometry": geometry, "properties": props}


def write_geojson(records: Iterator[Record], out: TextIO, options: Options) -> None:
    """An RFC 7946 FeatureCollection (QGIS and geojson.io open it as is), written feature by feature."""
    out.write('{"type": "FeatureCollection", "features": [')
    for i, rec in enumerate(records):
        out.write(",\n" if i else "\n")
        out.write(json.dumps(geojson_feature(rec), ensure_ascii=False, default=_json_default))
    out.write("\n]}\n")


def write_lines(records: Iterator[Record], out: TextIO, options: Options) -> None:
    """One line per record, its main columns joined by ": ", nothing cut (for reading and grep)."""
    for rec in records:
        fields = options.columns or list(rec)
        out.write(": ".join(clean_display(_cell(rec.get(f))) for f in fields if f in rec) + "\n")


register(Format("table", write_table, "a table for reading (the command's main columns)"))
register(Format("lines", write_lines, "one line per record, its main columns joined by ': '"))
register(Format("csv", write_csv, "CSV with a header, every field"))
register(Format("json", write_json, "one JSON array of records, every field"))
register(Format("geojson", write_geojson, "an RFC 7946 FeatureCollection of points", needs_coordinates=True))

__all__ = ["FORMATS", "Format", "Options", "register", "names", "write", "geojson_feature"]
