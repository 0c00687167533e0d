"""Importing dataset exports (ACLED, UCDP GED): streaming, batched, idempotent.

One import reads one file, row by row, and writes in batches of a few
thousand rows:

* The file is the :class:`~tracker.models.Source` of every row it brings in
  (kind ``dataset``, keyed by the file's SHA-256, so re-importing the same
  file is recognised whatever its name).
* Each row's content hash is compared with the stored one (one indexed query
  per batch): an unchanged row costs nothing but its parsing; a changed row
  is updated in place and its previous version kept as an
  :class:`~tracker.models.EventRevision`; an ACLED row older (by its
  ``timestamp``) than the stored version is left alone.
* Actors and places resolve through in-memory maps loaded once
  (:mod:`tracker.matching`); new ones are written in bulk.
* Rows are written with the DBAPI's ``executemany`` (no ORM object per row),
  ids handed out ahead (a sequence on PostgreSQL, max+1 on SQLite).
* Atomic by default: the caller's transaction is rolled back on the first bad
  row, reported as ``file:line: column: reason``. With ``keep_going`` the good
  rows are written and the bad ones go to a rejects CSV with their reasons.
* Events of earlier imports of the same dataset that a newer file leaves out
  are reported (within the file's countries and dates); ``prune`` deletes
  them, keeping their last version as a revision.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import hashlib
import json
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Callable, Optional

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from .datafiles import SUSPECT, FileInfo, inspect_file, read_records, repair_text
from .errors import BadRecord, TrackerError
from .matching import ActorMap, IdSource, PlaceMap, Unresolvable
from .models import Source

BATCH_SIZE = 5000
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # made once: json.dumps would make one per row
SQLITE_CACHE_KB = 32768  # SQLite's page cache during an import: the indexes being extended stay in memory
MISSING_SHOWN = 20


class RowError(Exception):
    """A bad value in a row: the column and why."""

    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


def parse_coordinate(text: str, column: str, limit: float) -> float:
    """A latitude (limit 90) or longitude (limit 180) cell, or a RowError saying why not."""
    if not text:
        raise RowError(column, "missing (the other coordinate is given)")
    try:
        value = float(text)
    except ValueError:
        raise RowError(column, f"{text!r} is not a number") from None
    if not -limit <= value <= limit:
        raise RowError(column, f"{text} is out of range (-{limit:g}..{limit:g})")
    return value


@dataclass(slots=True)
class DatasetRow:
    """One dataset record, normalized: what an import writes for it."""

    external_id: str
    date_start: dt.date
    date_end: dt.date
    date_precision: str
    event_type: str
    sub_type: Optional[str]
    actors: list  # (role, name, kind or None, column)
    path: list  # PathStep, outermost first; the last is the event's place
    country: Optional[str]
    country_code: Optional[str]
    latitude: Optional[float]
    longitude: Optional[float]
    coord_precision: Optional[str]
    fatalities_low: Optional[int]
    fatalities_best: Optional[int]
    fatalities_high: Optional[int]
    description: Optional[str]
    cited: Optional[str]
    attributes: dict
    stamp: Optional[int] = None


@dataclass
class Binding:
    """A dataset's reading of one file's header: which columns feed the hash, and the row parser."""

    parse: Callable[[list[str]], DatasetRow]
    hashed: list[int]  # indexes of the columns whose values make a row's content
    names: list[str]  # the header as written


class Dataset:
    """What differs between datasets: the scheme, the source description, the row mapping."""

    scheme: str = ""
    label: str = ""
    publisher: str = ""
    url: Optional[str] = None
    id_column: str = ""

    def bind(self, header: list[str], file: str) -> Binding:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass
class ImportOptions:
    """How to import: all or nothing (default) or keep going; where rejects go; pruning."""

    keep_going: bool = False
    rejects: Optional[str] = None
    encoding: Optional[str] = None
    prune: bool = False
    batch_size: int = BATCH_SIZE
    now: Optional[dt.datetime] = None  # the clock, for tests and replays
    progress: Optional[Callable[[int, float], None]] = None


@dataclass
class ImportResult:
    """What one import did."""

    dataset: str
    file: str
    source_key: str
    source_title: str
    encoding: str
    encoding_detected: bool
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0
    rejected: int = 0
    repaired: int = 0  # fields whose mis-encoded characters were put right
    first_repair: Optional[str] = None
    synthesized_ids: int = 0  # rows without an id, named by their content
    new_actors: int = 0
    new_places: int = 0
    missing: list[str] = field(default_factory=list)
    pruned: int = 0
    rejects_path: Optional[str] = None
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {"inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": self.rejected}

    def summary(self) -> str:
        rate = f", {self.rows / self.seconds:,.0f} rows/s" if self.seconds > 0 and self.rows else ""
        older = f", {self.older} older than stored (kept the newer)" if self.older else ""
        news = f"; new: {self.new_actors} actors, {self.new_places} places" if self.new_actors or self.new_places else ""
        how = "detected" if self.encoding_detected else "given"
        return (f"{self.file}: {self.rows} rows: {self.inserted} inserted, {self.updated} updated, "
                f"{self.unchanged} unchanged, {self.rejected} rejected{older}{news} "
                f"({self.dataset}, encoding {self.encoding} {how}; {self.seconds:.1f} s{rate})")

    def warnings(self) -> list[str]:
        """What the import did that a reader should know beyond the counts."""
        out = []
        if self.repaired:
            out.append(f"{self.file}: repaired mis-encoded characters in {self.repaired} fields "
                       f"(first: {self.first_repair})")
        if self.synthesized_ids:
            out.append(f"{self.file}: {self.synthesized_ids} rows had no id; each is named by its content "
                       f"({self.dataset} id '<dataset>-noid-<hash>')")
        if self.rejects_path:
            out.append(f"{self.file}: {self.rejected} rejected rows written to {self.rejects_path}")
        if (missing := self.missing_summary()) is not None:
            out.append(missing)
        return out

    def missing_summary(self) -> Optional[str]:
        if self.pruned:
            return f"{self.file}: pruned {self.pruned} events of earlier imports that this file no longer has"
        if not self.missing:
            return None
        shown = ", ".join(self.missing[:MISSING_SHOWN]) + (", ..." if len(self.missing) > MISSING_SHOWN else "")
        return (f"{self.file}: {len(self.missing)} events of earlier imports are not in this file "
                f"(within its countries and dates): {shown}; --prune deletes them")


def default_rejects_path(path: str) -> str:
    """``acled.csv`` -> ``acled.rejects.csv`` in the working directory (the input's folder may be read-only)."""
    name = Path(path).name
    for suffix in (".gz", ".csv", ".txt"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return f"{name}.rejects.csv"


def import_file(conn: Connection, dataset: Dataset, path: str, options: Optional[ImportOptions] = None,
                info: Optional[FileInfo] = None) -> ImportResult:
    """Import one export into the caller's transaction (roll it back on an exception).

    ``info`` is the file's first pass (:func:`~tracker.datafiles.inspect_file`),
    when the caller made it before taking the write lock.
    """
    options = options or ImportOptions()
    info = info or inspect_file(path, options.encoding)
    return _Importer(conn, dataset, info, options).run()


# -- the SQL written in bulk ------------------------------------------------------------
_INSERTS = {
    "actors": ("actors", ["id", "name", "kind", "country"]),
    "actor_aliases": ("actor_aliases", ["actor_id", "name", "normalized", "source_id"]),
    "locations": ("locations", ["id", "name", "kind", "parent_id", "country_code", "latitude", "longitude",
                                "coord_precision"]),
    "location_aliases": ("location_aliases", ["location_id", "name", "normalized", "source_id"]),
    "events": ("events", ["id", "source_id", "key", "external_scheme", "external_id", "date_start", "date_end",
                          "date_precision", "event_type", "sub_type", "location_id", "fatalities_low",
                          "fatalities_best", "fatalities_high", "certainty", "description"]),
    "event_actors": ("event_actors", ["event_id", "actor_id", "role", "position"]),
    "dataset_records": ("dataset_records", ["event_id", "content_hash", "stamp", "country", "cited", "attributes",
                                            "recorded_at"]),
    "event_revisions": ("event_revisions", ["event_id", "external_scheme", "external_id", "source_id",
                                            "recorded_from", "recorded_until", "change", "content"]),
    "actor_sources": ("actor_sources", ["actor_id", "source_id"]),
    "location_sources": ("location_sources", ["location_id", "source_id"]),
}
_UPDATES = {
    "actor_kinds": "UPDATE actors SET kind = {p} WHERE id = {p}",
    "location_coords": "UPDATE locations SET latitude = {p}, longitude = {p}, coord_precision = {p} "
                       "WHERE id = {p} AND latitude IS NULL",
    "events_update": "UPDATE events SET source_id = {p}, date_start = {p}, date_end = {p}, date_precision = {p}, "
                     "event_type = {p}, sub_type = {p}, location_id = {p}, fatalities_low = {p}, "
                     "fatalities_best = {p}, fatalities_high = {p}, description = {p} WHERE id = {p}",
    "records_update": "UPDATE dataset_records SET content_hash = {p}, stamp = {p}, country = {p}, cited = {p}, "
                      "attributes = {p}, recorded_at = {p} WHERE event_id = {p}",
    "event_actors_clear": "DELETE FROM event_actors WHERE event_id = {p}",
    "events_delete": "DELETE FROM events WHERE id = {p}",
}


class _Writer:
    """executemany through the DBAPI, with the placeholders and value types of the backend."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        p = "?" if self.sqlite else "%s"
        self.p = p
        self.sql = {name: f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join([p] * len(cols))})"
                    for name, (table, cols) in _INSERTS.items()}
        self.sql.update({name: text.format(p=p) for name, text in _UPDATES.items()})

    def __call__(self, name: str, rows: list) -> None:
        if not rows:
            return
        if not self.sqlite and name in _INSERTS:
            # PostgreSQL takes rows fastest through COPY, in the same transaction.
            table, columns = _INSERTS[name]
            cursor = self.conn.connection.cursor()
            try:
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            finally:
                cursor.close()
            return
        self.conn.exec_driver_sql(self.sql[name], rows)

    def day(self, value: dt.date):
        return value.isoformat() if self.sqlite else value

    def moment(self, value: dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else value


class _Seen:
    """A bitmap of event ids met in this file (memory: one bit per id)."""

    __slots__ = ("bits",)

    def __init__(self):
        self.bits = bytearray(1 << 16)

    def add(self, i: int) -> None:
        byte = i >> 3
        if byte >= len(self.bits):
            self.bits.extend(bytes(max(byte + 1 - len(self.bits), len(self.bits))))
        self.bits[byte] |= 1 << (i & 7)

    def __contains__(self, i: int) -> bool:
        byte = i >> 3
        return byte < len(self.bits) and bool(self.bits[byte] & (1 << (i & 7)))


@dataclass(slots=True)
class _Pending:
    line: int
    fields: list
    row: DatasetRow
    digest: str


class _Importer:
    def __init__(self, conn: Connection, dataset: Dataset, info: FileInfo, options: ImportOptions):
        self.conn, self.dataset, self.info, self.options = conn, dataset, info, options
        self.file = info.path
        self.now = (options.now or dt.datetime.now(dt.timezone.utc)).replace(tzinfo=None)
        self.write = _Writer(conn)
        self.seen = _Seen()
        self.rejects_writer = None
        self.rejects_file = None
        self.header: list[str] = []
        self.countries: set[str] = set()
        self.first_day: Optional[dt.date] = None
        self.last_day: Optional[dt.date] = None
        self.used_actors: set[int] = set()
        self.used_places: set[int] = set()

    # -- the run ---------------------------------------------------------------------------
    def run(self) -> ImportResult:
        started = time.perf_counter()
        cache_size = None
        if self.conn.dialect.name == "sqlite":
            # A bigger page cache keeps the indexes being extended in memory.
            cache_size = self.conn.exec_driver_sql("PRAGMA cache_size").scalar()
            self.conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KB}")
        source_id, key, title = self._source()
        self.source_id = source_id
        self.result = ImportResult(self.dataset.label, self.file, key, title, self.info.encoding, self.info.detected)
        had_rows = self.conn.exec_driver_sql(
            f"SELECT 1 FROM events WHERE external_scheme = {self.write.p} LIMIT 1", (self.dataset.scheme,)
        ).first() is not None
        self.actors = ActorMap(self.conn, source_id)
        self.places = PlaceMap(self.conn, source_id)
        self.event_ids = IdSource(self.conn, "events")
        try:
            with _fewer_collections():
                self._stream(started)
            self._link_sources()
            if had_rows:
                self._missing()
        finally:
            if self.rejects_file is not None:
                self.rejects_file.close()
            if cache_size is not None:
                self.conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size)}")
        self.result.new_actors, self.result.new_places = self.actors.created, self.places.created
        self.result.seconds = time.perf_counter() - started
        if self.options.progress is not None:
            self.options.progress(self.result.rows, self.result.seconds)
        return self.result

    def _source(self) -> tuple[int, str, str]:
        """The Source row of this file: found by its fingerprint, else created."""
        key = f"{self.dataset.scheme}:{self.info.sha256[:32]}"
        table = Source.__table__
        found = self.conn.execute(select(table.c.id, table.c.title).where(table.c.key == key)).first()
        if found is not None:
            return found.id, key, found.title
        name = Path(self.file).name
        title = f"{self.dataset.label} export {name}"
        notes = (f"{self.dataset.label} export file {name} (SHA-256 {self.info.sha256}), imported on "
                 f"{self.now.date().isoformat()}; read as {self.info.encoding}.")
        new_id = self.conn.execute(insert(table).values(
            key=key, kind="dataset", title=title[:500], publisher=self.dataset.publisher, url=self.dataset.url,
            file_name=str(self.file)[:500], content_hash=self.info.sha256, notes=notes, loaded_at=self.now,
        )).inserted_primary_key[0]
        return new_id, key, title

    # -- reading -------------------------------------------------------------------------------
    def _stream(self, started: float) -> None:
        records = read_records(self.info)
        try:
            head = next(records)
        except StopIteration:
            raise BadRecord(self.file, 1, "", "the file is empty (no header)") from None
        self.header = head.fields
        binding = self.dataset.bind(head.fields, self.file)
        parse, width = binding.parse, len(head.fields)
        named = [i for i, n in enumerate(head.fields) if n.strip()]
        last_named = max(named) if named else -1
        key_of = itemgetter(*binding.hashed) if len(binding.hashed) > 1 else (lambda f: (f[binding.hashed[0]],))
        batch: list[_Pending] = []
        batch_size = max(1, self.options.batch_size)
        first_data = True
        progress, tick = self.options.progress, time.perf_counter() + 0.5
        result = self.result
        suspect = SUSPECT.search
        for rec in records:
            fields = rec.fields
            if rec.problem is not None:
                result.rows += 1
                self._reject(rec.line, fields, "", rec.problem)
                continue
            if not fields:
                continue  # a blank line
            if first_data:
                first_data = False
                if _is_tag_row(fields):  # the HXL hashtag row of HDX republications
                    continue
            result.rows += 1
            n = len(fields)
            if n != width:
                problem = _width_problem(fields, width, last_named, head.fields, rec.complete)
                if problem is not None:
                    self._reject(rec.line, fields, problem[0], problem[1])
                    continue
                fields = (fields + [""] * (width - n)) if n < width else fields[:width]
            joined = "\x1f".join(key_of(fields))
            if suspect(joined) is not None:
                fields, problem = self._repair(rec.line, fields, binding)
                if problem is not None:
                    self._reject(rec.line, fields, *problem)
                    continue
            try:
                row = parse(fields)
            except RowError as exc:
                self._reject(rec.line, fields, exc.column, exc.reason)
                continue
            digest = hashlib.blake2b(joined.encode("utf-8"), digest_size=16).hexdigest()
            if not row.external_id:
                # A row the dataset left without an id: named by its content, so that
                # importing the same file again finds it.
                row.external_id = f"{self.dataset.scheme}-noid-{digest[:20]}"
                result.synthesized_ids += 1
            batch.append(_Pending(rec.line, fields, row, digest))
            if len(batch) >= batch_size:
                self._flush(batch)
                batch = []
            if progress is not None and result.rows % 1000 == 0 and time.perf_counter() >= tick:
                progress(result.rows, time.perf_counter() - started)
                tick = time.perf_counter() + 0.5
        if batch:
            self._flush(batch)

    def _repair(self, line: int, fields: list[str], binding: Binding) -> tuple[list[str], Optional[tuple[str, str]]]:
        """The row's fields with mis-encoded text repaired (and counted), or the column that cannot be."""
        out = fields
        for i in binding.hashed:
            value = fields[i]
            if SUSPECT.search(value) is None:
                continue
            fixed, problem = repair_text(value)
            if problem is not None:
                return fields, (binding.names[i].strip(), problem)
            if fixed != value:
                if out is fields:
                    out = list(fields)
                out[i] = fixed
                self.result.repaired += 1
                if self.result.first_repair is None:
                    self.result.first_repair = f"line {line}, {binding.names[i].strip()}: {value!r} -> {fixed!r}"
        return out, None

    # -- rejects -----------------------------------------------------------------------------
    def _reject(self, line: int, fields: list[str], column: str, reason: str) -> None:
        if not self.options.keep_going:
            raise BadRecord(self.file, line, column, reason)
        self.result.rejected += 1
        if self.rejects_writer is None:
            path = self.options.rejects or default_rejects_path(self.file)
            self.result.rejects_path = path
            try:
                self.rejects_file = open(path, "w", encoding="utf-8", newline="")
            except OSError as exc:
                raise TrackerError(f"cannot write the rejects file {path}: {exc.strerror}") from None
            self.rejects_writer = csv.writer(self.rejects_file)
            self.rejects_writer.writerow(["line", "column", "reason", *self.header])
        self.rejects_writer.writerow([line, column, reason, *fields])

    # -- writing a batch -------------------------------------------------------------------------
    def _existing(self, ids: list[str]) -> dict[str, tuple]:
        """external id -> (event id, content hash, stamp, has a dataset record) for ids already stored."""
        scheme = self.dataset.scheme
        sql = ("SELECT e.external_id, e.id, r.content_hash, r.stamp, r.event_id FROM events e "
               "LEFT JOIN dataset_records r ON r.event_id = e.id WHERE e.external_scheme = {p} AND e.external_id ")
        out: dict[str, tuple] = {}
        if self.write.sqlite:
            step = 30000
            for i in range(0, len(ids), step):
                chunk = ids[i:i + step]
                rows = self.conn.exec_driver_sql(
                    sql.format(p="?") + f"IN ({', '.join('?' * len(chunk))})", (scheme, *chunk))
                for ext, eid, digest, stamp, has in rows:
                    out[ext] = (eid, digest, stamp, has is not None)
        else:
            rows = self.conn.exec_driver_sql(sql.format(p="%s") + "= ANY(%s)", (scheme, ids))
            for ext, eid, digest, stamp, has in rows:
                out[ext] = (eid, digest, stamp, has is not None)
        return out

    def _flush(self, batch: list[_Pending]) -> None:
        existing = self._existing(list({p.row.external_id for p in batch}))
        result, seen = self.result, self.seen
        fresh: list[_Pending] = []
        changed: list[tuple[int, _Pending]] = []
        in_batch: dict[str, int] = {}
        for p in batch:
            ext = p.row.external_id
            if ext in in_batch:
                self._reject(p.line, p.fields, self.dataset.id_column,
                             f"duplicate {self.dataset.id_column} {ext!r} (also at line {in_batch[ext]})")
                continue
            in_batch[ext] = p.line
            stored = existing.get(ext)
            if stored is None:
                fresh.append(p)
                continue
            event_id, digest, stamp, has_record = stored
            if event_id in seen:
                self._reject(p.line, p.fields, self.dataset.id_column,
                             f"duplicate {self.dataset.id_column} {ext!r} (also earlier in this file)")
                continue
            if not has_record:
                self._reject(p.line, p.fields, self.dataset.id_column,
                             f"{ext!r} is already the id of event #{event_id}, which no dataset import wrote")
                continue
            seen.add(event_id)
            self._cover(p.row)
            if digest == p.digest:
                result.unchanged += 1
            elif stamp is not None and p.row.stamp is not None and p.row.stamp < stamp:
                result.older += 1
            else:
                changed.append((event_id, p))
        resolved = self._resolve(fresh + [p for _, p in changed])
        self.actors.flush(self.write)
        self.places.flush(self.write)
        fresh = [p for p in fresh if id(p) in resolved]
        changed = [(e, p) for e, p in changed if id(p) in resolved]
        if fresh:
            self._insert(fresh, resolved)
        if changed:
            self._update(changed, resolved)

    def _resolve(self, pending: list[_Pending]) -> dict[int, tuple]:
        """Actor and place ids for each row (keyed by id() of the pending row); unresolvable rows are rejected."""
        out: dict[int, tuple] = {}
        actors, places = self.actors, self.places
        for p in pending:
            row = p.row
            try:
                participants = []
                taken = set()
                for position, (role, name, kind, column) in enumerate(row.actors):
                    aid = actors.resolve(name, kind, column)
                    if (aid, role) in taken:
                        continue  # the same actor twice in one role (ACLED lists repeat at times)
                    taken.add((aid, role))
                    participants.append((aid, role, position))
                place_ids = places.resolve(row.path, row.country_code, row.latitude, row.longitude,
                                           row.coord_precision) if row.path else []
            except Unresolvable as exc:
                self._reject(p.line, p.fields, exc.column, exc.reason)
                continue
            out[id(p)] = (participants, place_ids)
        return out

    def _cover(self, row: DatasetRow) -> None:
        if row.country:
            self.countries.add(row.country)
        day = row.date_start
        if self.first_day is None or day < self.first_day:
            self.first_day = day
        if self.last_day is None or day > self.last_day:
            self.last_day = day

    def _insert(self, fresh: list[_Pending], resolved: dict[int, tuple]) -> None:
        w = self.write
        day, scheme, source_id = w.day, self.dataset.scheme, self.source_id
        recorded = w.moment(self.now)
        ids = self.event_ids.take(len(fresh))
        events, participants, records = [], [], []
        used_actors, used_places, seen = self.used_actors, self.used_places, self.seen
        for event_id, p in zip(ids, fresh):
            row = p.row
            people, place_ids = resolved[id(p)]
            events.append((event_id, source_id, row.external_id, scheme, row.external_id, day(row.date_start),
                           day(row.date_end), row.date_precision, row.event_type, row.sub_type,
                           place_ids[-1] if place_ids else None, row.fatalities_low, row.fatalities_best,
                           row.fatalities_high, "reported", row.description))
            for aid, role, position in people:
                participants.append((event_id, aid, role, position))
                used_actors.add(aid)
            used_places.update(place_ids)
            records.append((event_id, p.digest, row.stamp, row.country, row.cited,
                            _JSON.encode(row.attributes) if row.attributes else None,
                            recorded))
            seen.add(event_id)
            self._cover(row)
        w("events", events)
        w("event_actors", participants)
        w("dataset_records", records)
        self.result.inserted += len(events)

    def _update(self, changed: list[tuple[int, _Pending]], resolved: dict[int, tuple]) -> None:
        from .revisions import snapshot_versions

        w = self.write
        day, recorded = w.day, w.moment(self.now)
        event_ids = [e for e, _ in changed]
        old = snapshot_versions(self.conn, event_ids, self.places)
        revisions, updates, records, participants = [], [], [], []
        for event_id, p in changed:
            row = p.row
            people, place_ids = resolved[id(p)]
            version = old[event_id]
            revisions.append((event_id, self.dataset.scheme, row.external_id, version["source_id"],
                              w.moment(version["recorded_at"]), recorded, "updated",
                              json.dumps(version["content"], ensure_ascii=False, default=str)))
            updates.append((self.source_id, day(row.date_start), day(row.date_end), row.date_precision,
                            row.event_type, row.sub_type, place_ids[-1] if place_ids else None, row.fatalities_low,
                            row.fatalities_best, row.fatalities_high, row.description, event_id))
            records.append((p.digest, row.stamp, row.country, row.cited,
                            _JSON.encode(row.attributes) if row.attributes else None,
                            recorded, event_id))
            for aid, role, position in people:
                participants.append((event_id, aid, role, position))
                self.used_actors.add(aid)
            self.used_places.update(place_ids)
        w("event_revisions", revisions)
        w("events_update", updates)
        w("records_update", records)
        w("event_actors_clear", [(e,) for e in event_ids])
        w("event_actors", participants)
        self.result.updated += len(changed)

    def _link_sources(self) -> None:
        """Link the actors and places this file's rows name to the file (once each)."""
        p = self.write.p
        for table, column, used in (("actor_sources", "actor_id", self.used_actors),
                                    ("location_sources", "location_id", self.used_places)):
            if not used:
                continue
            have = set(self.conn.exec_driver_sql(
                f"SELECT {column} FROM {table} WHERE source_id = {p}", (self.source_id,)).scalars())
            self.write(table, [(i, self.source_id) for i in sorted(used - have)])

    # -- rows a newer file no longer has ---------------------------------------------------------------
    def _missing(self) -> None:
        if self.first_day is None:
            return
        w = self.write
        rows = self.conn.exec_driver_sql(
            "SELECT e.id, e.external_id, r.country FROM events e JOIN dataset_records r ON r.event_id = e.id "
            f"WHERE e.external_scheme = {w.p} AND e.date_start >= {w.p} AND e.date_start <= {w.p} ORDER BY e.id",
            (self.dataset.scheme, w.day(self.first_day), w.day(self.last_day)),
        )
        missing = [(eid, ext) for eid, ext, country in rows
                   if eid not in self.seen and country in self.countries]
        if not missing:
            return
        if not self.options.prune:
            self.result.missing = [ext for _, ext in missing]
            return
        from .revisions import snapshot_versions

        recorded = w.moment(self.now)
        for i in range(0, len(missing), 5000):
            chunk = missing[i:i + 5000]
            old = snapshot_versions(self.conn, [e for e, _ in chunk], self.places)
            w("event_revisions", [
                (None, self.dataset.scheme, ext, old[eid]["source_id"], w.moment(old[eid]["recorded_at"]), recorded,
                 "deleted", json.dumps(old[eid]["content"], ensure_ascii=False, default=str))
                for eid, ext in chunk])
            w("events_delete", [(eid,) for eid, _ in chunk])
        self.result.pruned = len(missing)


@contextmanager
def _fewer_collections():
    """Run the garbage collector rarely while rows stream through.

    An import allocates millions of short-lived, acyclic objects (freed by
    reference counting) next to large long-lived maps; with the default
    thresholds the collector would walk those maps over and over.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(200_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _is_tag_row(fields: list[str]) -> bool:
    """An HXL hashtag row (``#date+year,#geo+lat,...``) under the header."""
    cells = [f.strip() for f in fields if f.strip()]
    return bool(cells) and all(c.startswith("#") for c in cells)


def _width_problem(fields: list[str], width: int, last_named: int, header: list[str],
                   complete: bool) -> Optional[tuple[str, str]]:
    """Why a record with the wrong number of fields is bad, or None when only unnamed columns differ."""
    n = len(fields)
    if n < width:
        if n > last_named:
            return None  # only trailing unnamed columns are missing
        column = header[n].strip() or f"column {n + 1}"
        if not complete:
            return column, f"the record is cut off: the file ends after {n} of its {width} fields"
        return column, f"missing: the record has {n} fields, the header {width}"
    extra = fields[width:]
    if any(f.strip() for f in extra):
        return f"column {width + 1}", f"the record has {n} fields, the header only {width}"
    return None




def dataset_named(name: str) -> Dataset:
    """The importer of a dataset by its scheme name: ``acled`` or ``ucdp``."""
    if name == "acled":
        from .acled import DATASET
    elif name == "ucdp":
        from .ucdp import DATASET
    else:
        raise TrackerError(f"no importer for dataset {name!r} (acled, ucdp)")
    return DATASET

