"""Importing dataset exports (ACLED, UCDP GED): streaming, batched, idempotent, faithful.

One import reads one file, row by row, and writes in batches of a few
thousand rows:

* The file is the :class:`~tracker.model.entities.Source` of every row it brings in
  (kind ``dataset``, keyed by the file's SHA-256, so re-importing the same
  file is recognised whatever its name), with the export's own clock
  (tracker.ingest.identity).
* Each row is an event of the dataset's own identity (tracker.ingest.identity: ACLED
  realtime ids are keyed by their release); a row under a stored id whose
  country or date says it is another event is an identity conflict, kept as
  a second event.
* Each row is one *version* of its event. The version that stands is the
  newest by the data's clock (tracker.ingest.versions), whatever order the files
  are imported in: a newer row updates the event in place and keeps the
  previous version as an :class:`~tracker.model.entities.EventRevision`; an older
  row only joins the history; a row whose version is already stored costs
  nothing but its parsing. Deletions (tracker.ingest.deletions, ``prune``) are
  history too: an older export never brings a deleted event back.
* Actors and places resolve through in-memory maps loaded once
  (:mod:`tracker.names.matching`); new ones are written in bulk.
* Rows are written with the DBAPI's ``executemany`` (``COPY`` on PostgreSQL;
  no ORM object per row), ids handed out ahead.
* Atomic by default: the caller's transaction is rolled back on the first bad
  row, reported as ``file:line: column: reason``. With ``keep_going`` the good
  rows are written and the bad ones go to a rejects CSV with their reasons.
* Stored events within the file's coverage (its countries, its rows' recorded
  dates, its id scopes) that the file does not hold, and that are older than
  the export, are reported; ``prune`` deletes them, as of the export's clock.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from tracker.control.transfers import transfer_kind
from tracker.errors import BadRecord, ConflictingOption, MissingSetting
from tracker.ingest.attributes import Facts, pack
from tracker.ingest.bulk import (
    JSON,
    SEARCH_BATCH,
    BulkWriter,
    delete_events,
    indexes_after_the_rows,
    search_index_by_batch,
)
from tracker.ingest.datafiles import SUSPECT, FileInfo, ReadPosition, inspect_file, read_records, repair_text
from tracker.ingest.datasets.base import Binding, Dataset, DatasetRow, RowError
from tracker.ingest.identity import (
    conflict_key,
    day_stamp,
    export_day_from_name,
    identity_key,
    is_realtime,
    moment,
    release_from_name,
    same_event,
    stamp_text,
)
from tracker.ingest.memory import give_back_freed_memory
from tracker.ingest.versions import Version, as_date, deleted_by, is_newer, newest, row_content, snapshot_versions
from tracker.model.entities import DatasetCoverage, Source
from tracker.names.matching import ActorMap, IdSource, PlaceMap, Unresolvable
from tracker.names.normalize import normalize_name
from tracker.output.files import replacing
from tracker.progress import Progress, ProgressCallback
from tracker.results import Result

if TYPE_CHECKING:
    from _csv import Writer

# Rows a batch: 1,000,000 rows (bench/import_acled.py) import as fast in batches of 2,000 as of 5,000
# (109-118 s against 121-123 s, the full-text index taking several batches at once) and the rows in
# flight peak 13 MB lower (192 MB against 205; the whole import 198 MB against 209-210).
BATCH_SIZE = 2000
# SQLite's page cache during an import. 1,000,000 rows (bench/import_acled.py): 8 MB imports as fast as
# 32 MB did (109.6 s against 110.4 and 119.6 s; the OS caches the file's pages as well) and peaks at
# 216 MB instead of 262 (the index builds after the rows sort within it); 2 MB is slower (122 s).
SQLITE_CACHE_KB = 8192
MISSING_SHOWN = 20


@dataclass
class ImportOptions:
    """How to import: all or nothing (default) or keep going; where rejects go; pruning; the file's clock."""

    keep_going: bool = False
    rejects: str | None = None  # refused when it exists, unless force (the default path is replaced)
    force: bool = False
    encoding: str | None = None
    prune: bool = False
    release: str | None = None  # the ACLED realtime release of the file's ids, when its name does not say
    as_of_export: dt.date | None = None  # the export's own date, when its name does not say
    batch_size: int = BATCH_SIZE
    now: dt.datetime | None = None  # the clock, for tests and replays
    progress: ProgressCallback | None = None  # hears Progress("reading", bytes read, file size, ...), then stages


@dataclass
class ImportResult(Result):
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
    older: int = 0  # versions older than what stands (a newer version, or a deletion): kept in history only
    deleted: int = 0  # stored events this import deleted (pruned)
    restored: int = 0  # deleted events that a newer export holds again
    conflicts: int = 0  # rows that are another event under a stored id
    rejected: int = 0
    repaired: int = 0  # fields whose mis-encoded characters were put right
    first_repair: str | None = None
    unordered: int = 0  # rows whose low, best and high are out of order (kept as published)
    first_unordered: str | None = None
    synthesized_ids: int = 0  # rows without an id, named by their content
    new_actors: int = 0
    new_places: int = 0
    missing: list[str] = field(default_factory=list)
    pruned: int = 0
    conflict_keys: list[str] = field(default_factory=list)
    release: str | None = None
    export_day: dt.date | None = None
    rejects_path: str | None = None
    seconds: float = 0.0
    touched_places: set = field(default_factory=set, repr=False)  # where a transfer event was or is

    def counts(self) -> dict[str, int]:
        return {"rows": self.rows, "inserted": self.inserted, "restored": self.restored, "updated": self.updated,
                "unchanged": self.unchanged, "older": self.older, "deleted": self.deleted,
                "conflicts": self.conflicts, "rejected": self.rejected}

    def record(self) -> dict:
        """The counts and facts of the import, for ``--format json``."""
        return {"file": self.file, "dataset": self.dataset, "source": self.source_title, **self.counts(),
                "missing": len(self.missing), "release": self.release,
                "export_date": self.export_day.isoformat() if self.export_day else None,
                "encoding": self.encoding, "new_actors": self.new_actors, "new_places": self.new_places,
                "repaired": self.repaired, "rejects_file": self.rejects_path, "conflict_keys": self.conflict_keys,
                "seconds": round(self.seconds, 3)}

    def summary(self) -> str:
        rate = f", {self.rows / self.seconds:,.0f} rows/s" if self.seconds > 0 and self.rows else ""
        restored = f" ({self.restored} restored)" if self.restored else ""
        news = f"; new: {self.new_actors} actors, {self.new_places} places" if self.new_actors or self.new_places else ""
        how = "detected" if self.encoding_detected else "given"
        clock = []
        if self.release:
            clock.append(f"realtime release {self.release}")
        if self.export_day:
            clock.append(f"exported {self.export_day.isoformat()}")
        clock.append(f"encoding {self.encoding} {how}")
        return (f"{self.file}: {self.rows} rows: {self.inserted + self.restored} inserted{restored}, "
                f"{self.updated} updated, {self.unchanged} unchanged, {self.older} older than stored, "
                f"{self.deleted} deleted, {self.conflicts} identity conflicts, {self.rejected} rejected{news} "
                f"({self.dataset}, {', '.join(clock)}; {self.seconds:.1f} s{rate})")

    def warnings(self) -> list[str]:
        """What the import did that a reader should know beyond the counts."""
        out = []
        if self.repaired:
            out.append(f"{self.file}: repaired mis-encoded characters in {self.repaired} fields "
                       f"(first: {self.first_repair})")
        if self.unordered:
            out.append(f"{self.file}: {self.unordered} rows give fatalities out of order (low > best or best > high; "
                       f"first: {self.first_unordered}); kept as the dataset publishes them")
        if self.synthesized_ids:
            out.append(f"{self.file}: {self.synthesized_ids} rows had no id; each is named by its content "
                       f"({self.dataset} id '<dataset>-noid-<hash>')")
        if self.conflicts:
            shown = ", ".join(self.conflict_keys[:MISSING_SHOWN]) + (", ..." if self.conflicts > MISSING_SHOWN else "")
            out.append(f"{self.file}: {self.conflicts} rows are other events than the stored ones under the same id "
                       f"(another country, or a date more than a year away); both are kept: {shown} "
                       "(tracker check lists them)")
        if self.rejects_path:
            out.append(f"{self.file}: {self.rejected} rejected rows written to {self.rejects_path}")
        if (missing := self.missing_summary()) is not None:
            out.append(missing)
        return out

    def missing_summary(self) -> str | None:
        if self.pruned:
            return f"{self.file}: pruned {self.pruned} events of earlier imports that this file no longer has"
        if not self.missing:
            return None
        shown = ", ".join(self.missing[:MISSING_SHOWN]) + (", ..." if len(self.missing) > MISSING_SHOWN else "")
        return (f"{self.file}: {len(self.missing)} events of earlier imports are not in this file "
                f"(within its countries and recorded dates, and older than it): {shown}; --prune deletes them")


def default_rejects_path(path: str) -> str:
    """``acled.csv`` -> ``acled.rejects.csv`` in the working directory (the input's folder may be read-only)."""
    name = Path(path).name
    for suffix in (".gz", ".csv", ".txt"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return f"{name}.rejects.csv"


def import_file(conn: Connection, dataset: Dataset, path: str, options: ImportOptions | None = None,
                info: FileInfo | None = None) -> ImportResult:
    """Import one export into the caller's transaction (roll it back on an exception).

    ``info`` is the file's first pass (:func:`~tracker.datafiles.inspect_file`),
    when the caller made it before taking the write lock.
    """
    options = options or ImportOptions()
    info = info or inspect_file(path, options.encoding)
    return _Importer(conn, dataset, info, options).run()


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
    row: DatasetRow | None  # None: not parsed yet (its batch finds whether it is unchanged first)
    digest: str
    external_id: str
    stamp: int | None = None  # the row's own clock, read quickly (when row is None)


@dataclass(slots=True)
class _Live:
    """A stored event under a row's id: its identity and the version that stands."""

    event_id: int
    external_id: str
    release: str | None
    key: str
    source_id: int
    location_id: int | None
    transfer: bool  # its type transfers territory (control is derived from it)
    has_record: bool
    version: Version | None
    country: str | None
    recorded: dt.date | None
    deleted_stamp: int | None
    date_start: dt.date | None = None
    fatalities: tuple = (None, None, None)  # low, best, high


@dataclass
class _Gone:
    """An identity the store knows only from its history: deleted, or never stood."""

    external_id: str
    release: str | None
    key: str
    versions: list = field(default_factory=list)  # Version
    deletions: list = field(default_factory=list)  # clocks
    sources: set = field(default_factory=set)
    country: str | None = None
    recorded: dt.date | None = None
    _best: Version | None = None

    def add_version(self, version: Version, source_id: int | None, country, recorded) -> None:
        self.versions.append(version)
        self.sources.add(source_id)
        if is_newer(version, self._best):
            self._best, self.country, self.recorded = version, country, recorded


@dataclass(slots=True)
class _Coverage:
    source_id: int
    release: str | None
    first: dt.date
    last: dt.date
    countries: frozenset
    stamp: int


@dataclass
class _Plan:
    """What one batch writes."""

    fresh: list = field(default_factory=list)  # (pending, key, release, version, gone or None)
    changed: list = field(default_factory=list)  # (live, pending, version)
    history: list = field(default_factory=list)  # (pending, key, release, version, event id or None): older versions
    tombstones: list = field(default_factory=list)  # (key, release, external id, event id or None, stamp, source id, why)
    renames: list = field(default_factory=list)  # (live or gone, new key)
    links: list = field(default_factory=list)  # (event id, source id): another export of the standing version


class _Importer:
    def __init__(self, conn: Connection, dataset: Dataset, info: FileInfo, options: ImportOptions):
        self.conn, self.dataset, self.info, self.options = conn, dataset, info, options
        self.file = info.path
        self.scheme = dataset.scheme
        self.now = (options.now or dt.datetime.now(dt.UTC)).replace(tzinfo=None)
        self.write = BulkWriter(conn)
        self.recorded_at = self.write.moment(self.now)  # when every version this import writes was recorded
        self.index_search: Callable[[int, int], None] | None = None  # SQLite: full-text index by batch
        self.unindexed: list[int] | None = None  # [first, last]: new events not in the full-text index yet
        self.seen = _Seen()
        self.seen_keys: set[str] = set()  # identities of this file that do not stand (no event id)
        self.rejects_writer: Writer | None = None
        self.header: list[str] = []
        self.countries: set[str] = set()
        self.first_day: dt.date | None = None
        self.last_day: dt.date | None = None
        self.releases: set[str | None] = set()  # the id scopes this file's rows are in
        self.max_stamp: int | None = None
        self.used_actors: set[int] = set()
        self.used_places: set[int] = set()
        self.binding: Binding | None = None
        self.scanned: tuple[str | None, dt.date | None] | None = None

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
            f"SELECT 1 FROM events WHERE external_scheme = {self.write.p} LIMIT 1", (self.scheme,)
        ).first() is not None
        had_history = had_rows or self.conn.exec_driver_sql(
            f"SELECT 1 FROM event_revisions WHERE external_scheme = {self.write.p} LIMIT 1", (self.scheme,)
        ).first() is not None
        self.look_for_history = had_history
        self.look_for_unchanged = had_rows  # a row may stand in the store as it is: hash first, parse after
        self.coverages = self._coverages()
        self.actors = ActorMap(self.conn, source_id)
        self.places = PlaceMap(self.conn, source_id)
        self.event_ids = IdSource(self.conn, "events")
        try:
            with contextlib.ExitStack() as self.outputs, _fewer_collections(), \
                    indexes_after_the_rows(self.conn, self._rows_estimate()), \
                    search_index_by_batch(self.conn) as self.index_search:
                self._stream(started)
                self._index_now()
            give_back_freed_memory()  # what the batches freed, before the next stages (and control derivation)
            if self.result.rows == 0:  # a header alone (a query that matched nothing, a cut download)
                raise BadRecord(self.file, 1, "", "no rows after the header: nothing to import")
            self._stage("linking sources")
            self._link_sources()
            if had_history or self.options.prune:
                self._stage("looking for events the file no longer holds")
                self._not_in_file()
            self._settle_source()
        finally:
            if cache_size is not None:
                self.conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size)}")
        self.result.new_actors, self.result.new_places = self.actors.created, self.places.created
        self.result.release = self.release if any(r is not None for r in self.releases) else None
        self.result.export_day = exported.date() if (exported := moment(self.export_stamp)) is not None else None
        self.result.seconds = time.perf_counter() - started
        return self.result

    def _rows_estimate(self) -> int:
        """About how many rows the file holds (ACLED and UCDP rows take 300-600 bytes)."""
        try:
            size = os.path.getsize(self.info.path)
        except OSError:
            return 0
        return size // (2000 if str(self.info.path).endswith(".gz") else 500)

    def _stage(self, name: str) -> None:
        if self.options.progress is not None:
            self.options.progress(Progress(name, 0))

    def _source(self) -> tuple[int, str, str]:
        """The Source row of this file (found by its fingerprint, else created), and the file's clocks."""
        key = f"{self.scheme}:{self.info.sha256[:32]}"
        table = Source.__table__
        found = self.conn.execute(select(table.c.id, table.c.title, table.c.export_stamp, table.c.release)
                                  .where(table.c.key == key)).first()
        wanted_export = day_stamp(self.options.as_of_export) if self.options.as_of_export else None
        if wanted_export is None and (day := export_day_from_name(self.file)) is not None:
            wanted_export = day_stamp(day)
        self.release = self.options.release or release_from_name(self.file)
        if found is not None:
            if (self.options.as_of_export and found.export_stamp is not None
                    and found.export_stamp != wanted_export):
                raise ConflictingOption(self.file, "export date", stamp_text(found.export_stamp),
                                        str(self.options.as_of_export))
            if self.options.release and found.release and found.release != self.options.release:
                raise ConflictingOption(self.file, "release", found.release, self.options.release)
            self.export_stamp = found.export_stamp if found.export_stamp is not None else wanted_export
            self.release = found.release or self.release
            return found.id, key, found.title
        self.export_stamp = wanted_export
        name = Path(self.file).name
        title = f"{self.dataset.label} export {name}"
        notes = (f"{self.dataset.label} export file {name} (SHA-256 {self.info.sha256}), imported on "
                 f"{self.now.date().isoformat()}; read as {self.info.encoding}.")
        inserted = self.conn.execute(insert(table).values(
            key=key, kind="dataset", title=title[:500], publisher=self.dataset.publisher, url=self.dataset.url,
            file_name=str(self.file)[:500], content_hash=self.info.sha256, notes=notes, loaded_at=self.now,
            first_loaded_at=self.now, export_stamp=self.export_stamp,
        )).inserted_primary_key
        assert inserted is not None  # a single-row INSERT has the key it gave
        return inserted[0], key, title

    def _settle_source(self) -> None:
        """Record the clock and release the rows settled (a scan may have found them)."""
        release = self.release if any(r is not None for r in self.releases) else None
        self.conn.execute(update(Source.__table__).where(Source.__table__.c.id == self.source_id)
                          .values(export_stamp=self.export_stamp, release=release))

    def _coverages(self) -> list[_Coverage]:
        c = DatasetCoverage.__table__
        rows = self.conn.execute(select(c).where(c.c.external_scheme == self.scheme))
        return [_Coverage(r.source_id, r.external_release, r.first_date, r.last_date,
                          frozenset(json.loads(r.countries)), r.stamp) for r in rows]

    # -- the file's own clock and release, when its name does not tell ---------------------
    def _scan(self) -> tuple[str | None, dt.date | None]:
        """(the year most rows are dated, the latest date): read once, only when needed."""
        if self.scanned is None:
            years: Counter = Counter()
            latest = None
            assert self.binding is not None  # bound to the header before any row is read
            day = self.binding.day
            width = len(self.header)
            records = read_records(self.info)
            next(records, None)
            for rec in records:
                if rec.problem is not None or len(rec.fields) < width - 8:
                    continue
                found = day(rec.fields)
                if found is None:
                    continue
                years[found.year] += 1
                if latest is None or found > latest:
                    latest = found
            common = max(years.items(), key=lambda kv: (kv[1], -kv[0]))[0] if years else None
            self.scanned = (str(common) if common else None, latest)
        return self.scanned

    def _release_for(self, external_id: str) -> str | None:
        if not is_realtime(self.scheme, external_id):
            return None
        if self.release is None:
            self.release = self._scan()[0]
            if self.release is None:
                raise MissingSetting("the release", "release", f"cannot tell which realtime release its ids "
                                     f"({external_id}) belong to", file=self.file)
        return self.release

    def _row_clock(self, row: DatasetRow) -> int:
        return self._clock(row.stamp)

    def _clock(self, stamp: int | None) -> int:
        """A row's clock: its own stamp, else the export's (its date, or the file's latest day)."""
        if stamp is not None:
            if self.max_stamp is None or stamp > self.max_stamp:
                self.max_stamp = stamp
            return stamp
        if self.export_stamp is None:
            latest = self._scan()[1]
            clock = day_stamp(latest or self.now.date())
            assert self.binding is not None  # bound to the header before any row is read
            if self.binding.has_stamps:
                return clock  # a row without its timestamp in a file of timestamps: the file's latest day
            self.export_stamp = clock
        return self.export_stamp

    # -- reading -------------------------------------------------------------------------------
    def _stream(self, started: float) -> None:
        position = ReadPosition()
        records = read_records(self.info, position)
        try:
            size: int | None = os.path.getsize(self.info.path)
        except OSError:
            size = None
        try:
            head = next(records)
        except StopIteration:
            raise BadRecord(self.file, 1, "", "the file is empty (no header)") from None
        self.header = head.fields
        binding = self.binding = self.dataset.bind(head.fields, self.file)
        parse, width, quick = binding.parse, len(head.fields), binding.quick
        named = [i for i, n in enumerate(head.fields) if n.strip()]
        last_named = max(named) if named else -1
        key_of = itemgetter(*binding.hashed) if len(binding.hashed) > 1 else (lambda f: (f[binding.hashed[0]],))
        batch: list[_Pending] = []
        batch_size = max(1, self.options.batch_size)
        first_data = True
        progress, tick = self.options.progress, time.perf_counter() + 0.5
        result = self.result
        suspect = SUSPECT.search

        def reject(line: int, fields: list[str], column: str, reason: str) -> None:
            # The rows held back unparsed are parsed first, in place: the errors and rejects come
            # as if every row had been parsed as it was read, and the batch stays as it was.
            if any(p.row is None for p in batch):
                kept = []
                for p in batch:
                    if p.row is None:
                        try:
                            p.row = parse(p.fields)
                        except RowError as exc:
                            self._reject(p.line, p.fields, exc.column, exc.reason)
                            continue
                    kept.append(p)
                batch[:] = kept
            self._reject(line, fields, column, reason)

        for rec in records:
            fields = rec.fields
            if rec.problem is not None:
                result.rows += 1
                reject(rec.line, fields, "", rec.problem)
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
                    reject(rec.line, fields, problem[0], problem[1])
                    continue
                fields = (fields + [""] * (width - n)) if n < width else fields[:width]
            joined = "\x1f".join(key_of(fields))
            digest = hashlib.blake2b(joined.encode("utf-8"), digest_size=16).hexdigest()
            pending = None
            clean = True
            if suspect(joined) is not None:
                repaired, problem = self._repair(rec.line, fields, binding)
                if problem is not None:
                    reject(rec.line, fields, *problem)
                    continue
                clean, fields = repaired is fields, repaired
            if clean and quick is not None and self.look_for_unchanged:
                try:
                    ext, stamp = quick(fields)
                except RowError:
                    ext = ""
                if ext:  # parsed in its batch, unless the store holds it unchanged
                    pending = _Pending(rec.line, fields, None, digest, ext, stamp)
            if pending is None:
                try:
                    row = parse(fields)
                except RowError as exc:
                    reject(rec.line, fields, exc.column, exc.reason)
                    continue
                if not row.external_id:
                    # A row the dataset left without an id: named by its content, so that
                    # importing the same file again finds it.
                    row.external_id = f"{self.scheme}-noid-{digest[:20]}"
                    result.synthesized_ids += 1
                pending = _Pending(rec.line, fields, row, digest, row.external_id)
            batch.append(pending)
            if len(batch) >= batch_size:
                self._flush(batch)
                batch = []
            if progress is not None and result.rows % 1000 == 0 and time.perf_counter() >= tick:
                progress(Progress("reading", position.tell(), size, time.perf_counter() - started, "bytes",
                                  f"{result.rows:,} rows"))
                tick = time.perf_counter() + 0.25
        if batch:
            self._flush(batch)
        if progress is not None:
            progress(Progress("reading", size or position.tell(), size, time.perf_counter() - started, "bytes",
                              f"{result.rows:,} rows"))

    def _repair(self, line: int, fields: list[str], binding: Binding) -> tuple[list[str], tuple[str, str] | None]:
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
            # Written beside and renamed into place when the rows are read; an explicit --rejects
            # that exists is refused unless --force, the default FILE.rejects.csv is replaced.
            rejects = self.outputs.enter_context(replacing(
                path, "w", force=self.options.force or not self.options.rejects, option="--rejects",
                encoding="utf-8", newline=""))
            self.rejects_writer = csv.writer(rejects)
            self.rejects_writer.writerow(["line", "column", "reason", *self.header])
        self.rejects_writer.writerow([line, column, reason, *fields])

    # -- what the store holds under a batch's ids --------------------------------------------------
    def _in(self, sql: str, params: tuple, ids: list[str]):
        """Run ``sql`` (ending in ``external_id``) for the ids, in chunks the backend takes."""
        if self.write.sqlite:
            for i in range(0, len(ids), 30000):
                chunk = ids[i:i + 30000]
                yield from self.conn.exec_driver_sql(sql + f" IN ({', '.join('?' * len(chunk))})", (*params, *chunk))
        else:
            yield from self.conn.exec_driver_sql(sql + " = ANY(%s)", (*params, ids))

    def _live(self, ids: list[str]) -> dict[str, list[_Live]]:
        p = self.write.p
        sql = ("SELECT e.id, e.external_id, e.external_release, e.external_key, e.source_id, e.location_id, "
               "e.event_type, e.sub_type, s.export_stamp, r.event_id, r.content_hash, r.stamp, r.country, "
               "r.recorded_date, r.deleted_stamp, e.date_start, e.fatalities_low, e.fatalities_best, "
               "e.fatalities_high FROM events e JOIN sources s ON s.id = e.source_id "
               f"LEFT JOIN dataset_records r ON r.event_id = e.id WHERE e.external_scheme = {p} AND e.external_id")
        out: dict[str, list[_Live]] = {}
        for (eid, ext, release, key, source_id, location_id, etype, sub, export, has, digest, stamp, country,
             recorded, deleted, start, low, best, high) in self._in(sql, (self.scheme,), ids):
            version = Version(stamp, export, digest) if has is not None else None
            out.setdefault(ext, []).append(_Live(
                eid, ext, release, key or ext, source_id, location_id, _is_transfer(etype, sub), has is not None,
                version, country, as_date(recorded), deleted, as_date(start), (low, best, high)))
        return out

    def _gone(self, ids: list[str]) -> dict[str, list[_Gone]]:
        """The identities under these ids that stand nowhere: deleted, or only in history."""
        out: dict[str, list[_Gone]] = {}
        if not self.look_for_history:
            return out
        p = self.write.p
        sql = ("SELECT v.external_id, v.external_release, v.external_key, v.change, v.stamp, s.export_stamp, "
               "v.content_hash, v.country, v.recorded_date, v.source_id FROM event_revisions v "
               "LEFT JOIN sources s ON s.id = v.source_id "
               f"WHERE v.external_scheme = {p} AND v.event_id IS NULL AND v.external_id")
        by_key: dict[str, _Gone] = {}
        for ext, release, key, change, stamp, export, digest, country, recorded, source_id in self._in(
                sql, (self.scheme,), ids):
            gone = by_key.get(key)
            if gone is None:
                gone = by_key[key] = _Gone(ext, release, key)
                out.setdefault(ext, []).append(gone)
            if change == "deleted":
                gone.deletions.append(stamp)
                gone.sources.add(source_id)
            else:
                gone.add_version(Version(stamp, export, digest), source_id, country, as_date(recorded))
        return out

    def _history_of(self, event_ids: list[int]) -> dict[int, set[Version]]:
        """The stored versions (other than the one that stands) of live events."""
        out: dict[int, set[Version]] = {}
        if not event_ids:
            return out
        p = self.write.p
        sql = ("SELECT v.event_id, v.stamp, s.export_stamp, v.content_hash FROM event_revisions v "
               "LEFT JOIN sources s ON s.id = v.source_id WHERE v.change = 'version' AND v.event_id")
        for i in range(0, len(event_ids), 5000):
            chunk = event_ids[i:i + 5000]
            # (event id, stamp, export stamp, content hash)
            rows: Iterable[tuple[int, int, int | None, str]] = self.conn.exec_driver_sql(
                sql + (f" IN ({', '.join([p] * len(chunk))})" if self.write.sqlite else " = ANY(%s)"),
                tuple(chunk) if self.write.sqlite else (chunk,))
            for eid, stamp, export, digest in rows:
                out.setdefault(eid, set()).add(Version(stamp, export, digest))
        return out

    # -- one batch ---------------------------------------------------------------------------------
    def _match(self, base: str, row: DatasetRow, lives: list[_Live], gones: list[_Gone], plan: _Plan):
        """(the stored identity this row is a version of, or None; the row's key; an identity conflict?)."""
        live_keys = {x.key for x in lives}
        candidates: list[_Live | _Gone] = [*lives, *[g for g in gones if g.key not in live_keys]]
        if not candidates:
            return None, base, False
        candidates.sort(key=lambda c: c.key != base)
        for c in candidates:
            if same_event(c.country, c.recorded, row.country, row.recorded_date):
                return c, c.key, False
        # A different event under a stored id: every one of them is keyed by its country and date.
        for c in candidates:
            if c.key == base:
                c.key = conflict_key(base, c.country, c.recorded)
                plan.renames.append((c, c.key))
        return None, conflict_key(base, row.country, row.recorded_date), True

    def _covered_by(self, release, row: DatasetRow, version: Version, held_by: set) -> list[_Coverage]:
        """The pruning exports, newer than this version, that cover its country and date but did not hold it."""
        if not self.coverages or row.recorded_date is None:
            return []
        country = normalize_name(row.country or "")
        return [c for c in self.coverages
                if c.release == release and c.source_id != self.source_id and c.source_id not in held_by
                and c.first <= row.recorded_date <= c.last and country in c.countries and version.seen < c.stamp]

    def _unchanged(self, p: _Pending, lives: list[_Live], base: str) -> _Live | None:
        """The stored event a row not parsed yet stands for unchanged (the same id, release, content
        hash and clocks, the one event under its key), or None: the row is parsed and matched."""
        if len(lives) != 1:
            return None
        c = lives[0]
        if c.key != base or not c.has_record or c.version is None or c.deleted_stamp is not None:
            return None
        if p.stamp is None:
            return None  # a row without its own clock is parsed: its clock is the export's
        return c if c.version == Version(p.stamp, self.export_stamp, p.digest) else None

    def _cover_stored(self, c: _Live, release: str | None) -> None:
        """:meth:`_cover` for a row the store holds unchanged, from what it stored of the row."""
        self._widen(c.external_id, c.fatalities, c.country, c.recorded or c.date_start, release)

    def _flush(self, batch: list[_Pending]) -> None:
        result, seen = self.result, self.seen
        ids = list({p.external_id for p in batch})
        live = self._live(ids)
        gone = self._gone(ids)
        plan = _Plan()
        in_batch: dict[str, int] = {}
        older_live: list[tuple[_Live, _Pending, Version]] = []
        id_column = self.dataset.id_column
        assert self.binding is not None  # bound to the header before any row is read
        parse = self.binding.parse
        for p in batch:
            ext = p.external_id
            release = self._release_for(ext)
            base = identity_key(ext, release)
            lives = [x for x in live.get(ext, ()) if x.release == release]
            if p.row is None:
                same = self._unchanged(p, lives, base)
                if same is not None:  # the stored version, unchanged: nothing to parse or write
                    if same.key in in_batch:
                        self._reject(p.line, p.fields, id_column,
                                     f"duplicate {id_column} {ext!r} (also at line {in_batch[same.key]})")
                        continue
                    in_batch[same.key] = p.line
                    self._clock(p.stamp)  # the file's latest clock, where the parsed row's would count
                    if same.event_id in seen:
                        self._reject(p.line, p.fields, id_column, f"duplicate {id_column} {ext!r} (also earlier in this file)")
                        continue
                    seen.add(same.event_id)
                    self._cover_stored(same, release)
                    result.unchanged += 1
                    if same.source_id != self.source_id:
                        plan.links.append((same.event_id, self.source_id))  # another export holds this version
                    continue
                try:
                    p.row = parse(p.fields)
                except RowError as exc:
                    self._reject(p.line, p.fields, exc.column, exc.reason)
                    continue
            row = p.row
            gones = [g for g in gone.get(ext, ()) if g.release == release]
            match, key, conflict = self._match(base, row, lives, gones, plan)
            if key in in_batch:
                self._reject(p.line, p.fields, id_column, f"duplicate {id_column} {ext!r} (also at line {in_batch[key]})")
                continue
            in_batch[key] = p.line
            version = Version(self._row_clock(row), self.export_stamp, p.digest)
            if isinstance(match, _Live):
                if match.event_id in seen:
                    self._reject(p.line, p.fields, id_column, f"duplicate {id_column} {ext!r} (also earlier in this file)")
                    continue
                if not match.has_record:
                    self._reject(p.line, p.fields, id_column,
                                 f"{ext!r} is already the id of event #{match.event_id}, which no dataset import wrote")
                    continue
                seen.add(match.event_id)
                self._cover(row, release)
                if version == match.version:
                    result.unchanged += 1
                    if match.source_id != self.source_id:
                        plan.links.append((match.event_id, self.source_id))  # another export holds this version
                elif is_newer(version, match.version):
                    plan.changed.append((match, p, version))
                else:
                    older_live.append((match, p, version))
                continue
            if key in self.seen_keys:
                self._reject(p.line, p.fields, id_column, f"duplicate {id_column} {ext!r} (also earlier in this file)")
                continue
            self._cover(row, release)
            if conflict:
                result.conflicts += 1
                result.conflict_keys.append(key)
            if isinstance(match, _Gone):
                if version in match.versions:
                    self.seen_keys.add(key)
                    result.older += 1  # already in the history of an event that does not stand (deleted)
                    continue
                tombs = self._covered_by(release, row, version, match.sources)
                deletions = [*match.deletions, *(c.stamp for c in tombs)]
                best = newest([*match.versions, version])
            else:
                tombs = self._covered_by(release, row, version, set())
                deletions = [c.stamp for c in tombs]
                best = version
            for c in tombs:
                plan.tombstones.append((key, release, ext, None, c.stamp, c.source_id,
                                        "pruned: a newer full export that covers it does not hold it"))
            if best is version and deleted_by(version, deletions) is None:
                plan.fresh.append((p, key, release, version, match, max(deletions, default=None)))
            else:
                self.seen_keys.add(key)
                plan.history.append((p, key, release, version, None))
                result.older += 1
        if older_live:
            known = self._history_of([m.event_id for m, _, _ in older_live])
            for match, p, version in older_live:
                assert match.version is not None  # is_newer(v, None) holds: an older version is older than one
                if version in known.get(match.event_id, ()):
                    result.unchanged += 1
                else:
                    plan.history.append((p, match.key, match.release, version, match.event_id))
                    if version.content_hash == match.version.content_hash:
                        result.unchanged += 1
                    else:
                        result.older += 1
        self._write_plan(plan)

    def _write_plan(self, plan: _Plan) -> None:
        to_resolve = [x[0] for x in plan.fresh] + [x[1] for x in plan.changed] + [x[0] for x in plan.history]
        resolved = self._resolve(to_resolve)
        self.actors.flush(self.write)
        self.places.flush(self.write)
        if plan.renames:
            self._rename(plan.renames)
        fresh = [x for x in plan.fresh if id(x[0]) in resolved]
        changed = [x for x in plan.changed if id(x[1]) in resolved]
        history = [x for x in plan.history if id(x[0]) in resolved]
        if fresh:
            self._insert(fresh, resolved)
        if changed:
            self._update(changed, resolved)
        if history:
            self._keep_history(history, resolved)
        if plan.links:
            self.write("event_sources_add", plan.links)
        if plan.tombstones:
            self.write("event_revisions", [
                (eid, self.scheme, ext, release, key, source_id, "deleted", stamp, None, None, None,
                 self.write.moment(self.now), JSON.encode({"reason": why}), None, None)
                for key, release, ext, eid, stamp, source_id, why in plan.tombstones])

    def _resolve(self, pending: list[_Pending]) -> dict[int, tuple]:
        """Actor and place ids for each row (keyed by id() of the pending row); unresolvable rows are rejected."""
        out: dict[int, tuple] = {}
        actors, places = self.actors, self.places
        for p in pending:
            row = p.row
            assert row is not None  # every row of a plan was parsed in its batch
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

    def _cover(self, row: DatasetRow, release: str | None) -> None:
        """Widen the file's own coverage by a row (:meth:`_widen`)."""
        self._widen(row.external_id, (row.fatalities_low, row.fatalities_best, row.fatalities_high), row.country,
                    row.recorded_date or row.date_start, release)

    def _widen(self, external_id: str, fatalities: tuple, country: str | None, day: dt.date | None,
               release: str | None) -> None:
        """Widen the file's own coverage: its countries, its rows' recorded dates, its id scopes (and note a
        row whose fatalities are out of order)."""
        low, best, high = fatalities
        if (low is not None and best is not None and low > best) or (
                best is not None and high is not None and best > high):
            self.result.unordered += 1
            if self.result.first_unordered is None:
                self.result.first_unordered = f"{external_id} {low}/{best}/{high}"
        self.releases.add(release)
        if country:
            self.countries.add(country)
        if day is not None:
            if self.first_day is None or day < self.first_day:
                self.first_day = day
            if self.last_day is None or day > self.last_day:
                self.last_day = day

    def _touch(self, location_id: int | None, transfer: bool) -> None:
        if location_id is not None and transfer:
            self.result.touched_places.add(location_id)

    # -- writing -------------------------------------------------------------------------------------
    def _record(self, row: DatasetRow, digest: str, stamp: int, deleted: int | None) -> tuple:
        packed = pack(self.scheme, row.attributes, Facts(stamp, row.recorded_date, row.latitude, row.longitude))
        return (digest, stamp, self.write.day(row.recorded_date) if row.recorded_date else None, deleted,
                row.country, row.cited, packed, self.recorded_at)

    def _insert(self, fresh: list, resolved: dict[int, tuple]) -> None:
        w = self.write
        day, scheme, source_id = w.day, self.scheme, self.source_id
        ids = self.event_ids.take(len(fresh))
        events, participants, records, attach = [], [], [], []
        used_actors, used_places, seen = self.used_actors, self.used_places, self.seen
        for event_id, (p, key, release, version, gone, deleted) in zip(ids, fresh, strict=True):
            row = p.row
            people, place_ids = resolved[id(p)]
            place = place_ids[-1] if place_ids else None
            events.append((event_id, source_id, key, scheme, row.external_id, release, key, day(row.date_start),
                           day(row.date_end), row.date_precision, row.event_type, row.sub_type, place,
                           row.latitude, row.longitude, row.coord_precision,
                           row.fatalities_low, row.fatalities_best, row.fatalities_high, "reported",
                           row.description))
            for aid, role, position in people:
                participants.append((event_id, aid, role, position))
                used_actors.add(aid)
            used_places.update(place_ids)
            records.append((event_id, *self._record(row, p.digest, version.stamp, deleted)))
            seen.add(event_id)
            self._touch(place, _is_transfer(row.event_type, row.sub_type))
            if gone is not None:
                attach.append((event_id, scheme, key))
        w("events", events)
        if ids:
            self._index_later(ids[0], ids[-1])
        w("event_actors", participants)
        w("dataset_records", records)
        if attach:
            w("revisions_attach", attach)
            self.result.restored += len(attach)
        self.result.inserted += len(events) - len(attach)

    def _index_later(self, first: int, last: int) -> None:
        """Put new events (ids ``first`` to ``last``) in the full-text index with those of the next batches:
        FTS5 takes 10,000 rows at once faster than five times 2,000 (1 M rows: 8.7 s against 10.9 s)."""
        if self.index_search is None:
            return
        if self.unindexed is not None and first != self.unindexed[1] + 1:
            self._index_now()  # ids are consecutive on SQLite (IdSource); a gap starts another range
        if self.unindexed is None:
            self.unindexed = [first, last]
        else:
            self.unindexed[1] = last
        if self.unindexed[1] - self.unindexed[0] + 1 >= SEARCH_BATCH:
            self._index_now()

    def _index_now(self) -> None:
        """Index the new events waiting for it: before a statement that changes or deletes indexed text (the
        update and delete triggers must find each event's entry), and at the end of the rows."""
        if self.unindexed is not None and self.index_search is not None:
            self.index_search(*self.unindexed)
        self.unindexed = None

    def _update(self, changed: list, resolved: dict[int, tuple]) -> None:
        self._index_now()
        w = self.write
        day, recorded = w.day, w.moment(self.now)
        event_ids = [m.event_id for m, _, _ in changed]
        old = snapshot_versions(self.conn, event_ids, self.places)
        revisions, updates, records, participants = [], [], [], []
        deleted_now = []
        for match, p, version in changed:
            row = p.row
            people, place_ids = resolved[id(p)]
            place = place_ids[-1] if place_ids else None
            was = old[match.event_id]
            revisions.append((match.event_id, self.scheme, match.external_id, match.release, match.key,
                              match.source_id, "version", match.version.stamp, match.version.content_hash,
                              match.country, w.day(match.recorded) if match.recorded else None, recorded,
                              JSON.encode(was["content"]), w.moment(was["recorded_at"]), recorded))
            updates.append((self.source_id, day(row.date_start), day(row.date_end), row.date_precision,
                            row.event_type, row.sub_type, place, row.latitude, row.longitude,
                            row.coord_precision, row.fatalities_low,
                            row.fatalities_best, row.fatalities_high, row.description, match.event_id))
            records.append((*self._record(row, p.digest, version.stamp, match.deleted_stamp), match.event_id))
            for aid, role, position in people:
                participants.append((match.event_id, aid, role, position))
                self.used_actors.add(aid)
            self.used_places.update(place_ids)
            self._touch(match.location_id, match.transfer)
            self._touch(place, _is_transfer(row.event_type, row.sub_type))
            if version.content_hash == match.version.content_hash:
                self.result.unchanged += 1  # the same content, seen by a newer export
            else:
                self.result.updated += 1
            if deleted_by(version, [match.deleted_stamp] if match.deleted_stamp is not None else []) is not None:
                deleted_now.append(match)
        w("event_revisions", revisions)
        w("events_update", updates)
        w("records_update", records)
        w("event_actors_clear", [(e,) for e in event_ids])
        w("event_actors", participants)
        w("event_sources_clear", [(e,) for e in event_ids])  # the other exports held the version superseded
        if deleted_now:
            # An older deletion that stands against this version (its export is older than the deletion).
            self.result.deleted += delete_events(self.conn, self.write, self.places, [
                (m.event_id, None, None) for m in deleted_now], self.now, self.result.touched_places)

    def _keep_history(self, history: list, resolved: dict[int, tuple]) -> None:
        """Versions older than what stands: kept in the event's history, changing nothing else."""
        rows = []
        recorded = self.write.moment(self.now)
        for p, key, release, version, event_id in history:
            people, place_ids = resolved[id(p)]
            row = p.row
            content = row_content(self.scheme, row, key, release, place_ids[-1] if place_ids else None, people,
                                  self.actors, self.places, version.stamp, p.digest)
            rows.append((event_id, self.scheme, row.external_id, release, key, self.source_id, "version",
                         version.stamp, p.digest, row.country,
                         self.write.day(row.recorded_date) if row.recorded_date else None, recorded,
                         JSON.encode(content), None, None))  # older than what stands: it never stood
        self.write("event_revisions", rows)

    def _rename(self, renames: list) -> None:
        """Key the stored events of an identity conflict by their country and date."""
        for stored, new_key in renames:
            old_key = identity_key(stored.external_id, stored.release)
            if isinstance(stored, _Live):
                self.write("events_rekey", [(new_key, new_key, stored.event_id)])
            self.write("revisions_rekey", [(new_key, self.scheme, old_key)])

    def _link_sources(self) -> None:
        """Link the actors and places this file's rows name to the file (once each)."""
        p = self.write.p
        for table, column, used in (("actor_sources", "actor_id", self.used_actors),
                                    ("location_sources", "location_id", self.used_places)):
            if not used:
                continue
            have: set[int] = set(self.conn.exec_driver_sql(
                f"SELECT {column} FROM {table} WHERE source_id = {p}", (self.source_id,)).scalars())
            self.write(table, [(i, self.source_id) for i in sorted(used - have)])

    # -- events of earlier imports this file does not hold --------------------------------------------
    def _not_in_file(self) -> None:
        """Report (or, with ``prune``, delete) the stored events within this file's coverage that it lacks.

        Coverage: the file's countries, its rows' recorded dates (not widened by
        their precision), the id scopes its rows are in. Only events older than
        the export are candidates: a newer event is no evidence against.
        """
        if self.first_day is None or self.last_day is None:  # (set together, by the first row)
            return
        clock = self.export_stamp if self.export_stamp is not None else self.max_stamp
        if clock is None:
            return
        w, p = self.write, self.write.p
        countries = {normalize_name(c) for c in self.countries}
        missing: list[tuple[int, str]] = []
        for release in sorted(self.releases, key=lambda r: r or ""):
            scope = "e.external_release IS NULL" if release is None else f"e.external_release = {p}"
            params = (self.scheme,) + (() if release is None else (release,)) + (w.day(self.first_day), w.day(self.last_day))
            # (event id, key, stamp, export stamp, content hash, country): imported events, each with its key
            rows: Iterable[tuple[int, str, int, int | None, str, str | None]] = self.conn.exec_driver_sql(
                "SELECT e.id, e.external_key, r.stamp, s.export_stamp, r.content_hash, r.country FROM events e "
                "JOIN dataset_records r ON r.event_id = e.id JOIN sources s ON s.id = e.source_id "
                f"WHERE e.external_scheme = {p} AND {scope} AND r.recorded_date >= {p} AND r.recorded_date <= {p} "
                "ORDER BY e.id", params)
            for eid, key, stamp, export, digest, country in rows:
                if eid in self.seen or normalize_name(country or "") not in countries:
                    continue
                if Version(stamp, export, digest).seen < clock:
                    missing.append((eid, key))
        if not self.options.prune:
            self.result.missing = [key for _, key in missing]
            return
        self.result.pruned = delete_events(self.conn, w, self.places, [(eid, clock, self.source_id) for eid, _ in missing],
                                           self.now, self.result.touched_places,
                                           reason="pruned: a newer full export that covers it does not hold it")
        self.result.deleted += self.result.pruned
        self._record_coverage(clock, countries)

    def _record_coverage(self, clock: int, countries: set[str]) -> None:
        """Keep what this pruning export covers, so that older exports imported later cannot bring back what it lacks."""
        c = DatasetCoverage.__table__
        have: set[str | None] = set(self.conn.execute(select(c.c.external_release).where(c.c.source_id == self.source_id)).scalars())
        rows = [{"source_id": self.source_id, "external_scheme": self.scheme, "external_release": release,
                 "first_date": self.first_day, "last_date": self.last_day,
                 "countries": json.dumps(sorted(countries), ensure_ascii=False), "stamp": clock}
                for release in self.releases if release not in have]
        if rows:
            self.conn.execute(insert(c), rows)


def _is_transfer(event_type: str | None, sub_type: str | None) -> bool:
    return transfer_kind(event_type, sub_type) is not None


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
                   complete: bool) -> tuple[str, str] | None:
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
