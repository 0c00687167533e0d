"""Portable archives: the whole store as one file, restorable on either backend.

An archive is gzip-compressed JSON Lines. The first line is a header naming
the format and the schema revision; then, table by table in foreign-key
order, one line per row: ``{"table": ..., "row": {...}}``. Ids are kept, so a
restored store answers every query exactly as the original did, and an
archive made from the restored store has the same content. This is how an
analyst moves from a SQLite file to the team's PostgreSQL server::

    tracker --db sqlite:///mine.db export --all -o mine.tracker.jsonl.gz
    tracker --db postgresql://me@team/tracker load mine.tracker.jsonl.gz
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy import Date, DateTime, LargeBinary, Table, func, insert, select, update
from sqlalchemy.orm import Session

from tracker import db
from tracker.errors import BadRecord, TrackerError
from tracker.model import Base
from tracker.progress import Progress
from tracker.results import Result

FORMAT = "tracker-archive/1"
SUFFIXES = (".tracker.jsonl.gz", ".tracker.jsonl")
BATCH = 5000


def is_archive(path: str) -> bool:
    """True for a file that starts like a tracker archive (by content, not name)."""
    try:
        with _open_read(path) as stream:
            first = stream.readline(4096)
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile):
        return False
    return f'"format": "{FORMAT}"' in first or f'"format":"{FORMAT}"' in first


def _open_read(path: str) -> IO[str]:
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def _tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables]


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _decoder(table: Table) -> Callable[[dict], dict]:
    converters: dict[str, Callable[[str], object]] = {}
    for column in table.columns:
        if isinstance(column.type, DateTime):
            converters[column.name] = dt.datetime.fromisoformat
        elif isinstance(column.type, Date):
            converters[column.name] = dt.date.fromisoformat
        elif isinstance(column.type, LargeBinary):
            converters[column.name] = base64.b64decode

    def decode(row: dict) -> dict:
        for name, convert in converters.items():
            if row.get(name) is not None:
                row[name] = convert(row[name])
        return row

    return decode


def _order(table: Table):
    return [c for c in table.primary_key.columns] or list(table.columns)


def iter_archive(session: Session) -> Iterator[dict]:
    """Every row of the store, table by table, in a stable order."""
    for table in _tables():
        result = session.execute(select(table).order_by(*_order(table)).execution_options(yield_per=BATCH))
        for row in result.mappings():
            yield {"table": table.name, "row": {k: _encode(v) for k, v in row.items()}}


@dataclass
class ArchiveResult(Result):
    file: str
    rows: dict[str, int]

    def counts(self) -> dict[str, int]:
        return {"rows": sum(self.rows.values()), "tables": len(self.rows)}

    def summary(self) -> str:
        total = sum(self.rows.values())
        return f"{self.file}: archive restored ({total} rows in {len(self.rows)} tables)"


def export_archive(session: Session, out: IO[bytes], name: str = "", progress=None) -> dict[str, int]:
    """Write the whole store to ``out`` (a binary stream); returns rows per table.

    ``progress`` (tracker.progress) hears rows written of the store's total, each table named.
    """
    counts: dict[str, int] = {}
    total = sum(session.scalar(select(func.count()).select_from(t)) or 0 for t in _tables()) if progress else 0
    started, done = time.monotonic(), 0
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as gz:
        header = {"format": FORMAT, "schema": db.SCHEMA_HEAD}
        gz.write((json.dumps(header, sort_keys=True) + "\n").encode("utf-8"))
        for item in iter_archive(session):
            counts[item["table"]] = counts.get(item["table"], 0) + 1
            gz.write((json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
            done += 1
            if progress is not None and done % 2000 == 0:
                progress(Progress("rows exported", done, total, time.monotonic() - started, "rows", item["table"]))
    if progress is not None:
        progress(Progress("rows exported", done, total, time.monotonic() - started, "rows"))
    return counts


def restore_archive(session: Session, path: str) -> ArchiveResult:
    """Restore an archive into an empty store (same ids, same answers)."""
    tables = {t.name: t for t in _tables()}
    for table in tables.values():
        if session.scalar(select(func.count()).select_from(table)):
            raise TrackerError(f"{path}: an archive restores only into an empty database ({table.name} has rows)")
    counts: dict[str, int] = {}
    with _open_read(path) as stream:
        header = json.loads(stream.readline() or "{}")
        if header.get("format") != FORMAT:
            raise BadRecord(path, 1, "format", f"not a tracker archive (expected {FORMAT})")
        if header.get("schema") != db.SCHEMA_HEAD:
            raise BadRecord(path, 1, "schema", f"archive schema {header.get('schema')} differs from this tracker's {db.SCHEMA_HEAD}")
        current: str | None = None
        batch: list[dict] = []
        deferred: list[tuple[Table, list[tuple[Any, dict]]]] = []
        decode: Callable[[dict], dict] | None = None
        for number, line in enumerate(stream, start=2):
            try:
                item = json.loads(line)
                name, row = item["table"], item["row"]
                table = tables[name]
            except (ValueError, KeyError, TypeError):
                raise BadRecord(path, number, "", "not an archive row") from None
            if name != current:
                if current is not None:
                    _flush(session, tables[current], batch, deferred)
                current, batch, decode = name, [], _decoder(table)
            assert decode is not None  # set with the first row
            batch.append(decode(row))
            counts[name] = counts.get(name, 0) + 1
            if len(batch) >= BATCH:
                _flush(session, table, batch, deferred)
                batch = []
        if current is not None:
            _flush(session, tables[current], batch, deferred)
        for table, links in deferred:
            pk = _order(table)[0]
            for row_id, values in links:
                session.execute(update(table).where(pk == row_id).values(**values))
    _reset_sequences(session)
    return ArchiveResult(path, counts)


def _self_references(table: Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _flush(session: Session, table: Table, batch: list[dict],
           deferred: list[tuple[Table, list[tuple[Any, dict]]]]) -> None:
    """Insert a batch; links from a table to itself (a place's parent) are set afterwards."""
    if not batch:
        return
    selfref = _self_references(table)
    if selfref:
        pk = _order(table)[0].name
        links = []
        for row in batch:
            values = {c: row[c] for c in selfref if row.get(c) is not None}
            if values:
                links.append((row[pk], values))
                for c in values:
                    row[c] = None
        deferred.append((table, links))
    session.execute(insert(table), batch)


def _reset_sequences(session: Session) -> None:
    """PostgreSQL: move each id sequence past the restored ids."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in _tables():
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].autoincrement in (True, "auto") and pk[0].type.python_type is int:
            session.execute(
                select(func.setval(func.pg_get_serial_sequence(table.name, pk[0].name),
                                   func.coalesce(select(func.max(pk[0])).scalar_subquery(), 0) + 1, False))
            )
