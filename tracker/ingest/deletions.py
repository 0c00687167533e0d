"""ACLED's deleted-events lists: ``event_id_cnty`` and ``deleted_timestamp``, as CSV or JSON.

ACLED publishes the events it removes (its deleted-events endpoint, which
acledR's ``acled_deletions_api`` reads). Importing such a list deletes those
events from the store, keeping their history and the deletion itself
(``tracker event-history ID`` shows it), so that no export older than the
deletion brings them back; an export newer than the deletion that still
holds an event restores it (tracker.ingest.versions). An id the store does not
hold is recorded all the same: an older export imported later will not
bring it in.

Accepted: CSV with those two columns (others ignored), a JSON list of
objects, or ACLED's JSON answer (``{"data": [...]}``). ``deleted_timestamp``
is Unix seconds or a date (``2022-07-25``, the end of that day).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from tracker.errors import BadRecord, MissingSetting
from tracker.ingest.bulk import JSON, BulkWriter, delete_events
from tracker.ingest.datafiles import FileInfo, inspect_file, read_records
from tracker.ingest.datasets.base import RowError
from tracker.ingest.identity import day_stamp, identity_key, is_realtime, release_from_name, stamp_text
from tracker.ingest.versions import Version
from tracker.model.entities import Source
from tracker.results import Result

COLUMNS = ("event_id_cnty", "deleted_timestamp")


@dataclass
class DeletionResult(Result):
    """What one deletions list did."""

    file: str
    source_title: str
    rows: int = 0
    deleted: int = 0  # live events deleted
    kept: int = 0  # a newer export holds them: the deletion is history only
    not_stored: int = 0  # ids the store does not hold: recorded for later imports
    unchanged: int = 0  # deletions already recorded
    latest: int | None = None
    touched_places: set = field(default_factory=set, repr=False)

    def counts(self) -> dict[str, int]:
        return {"rows": self.rows, "deleted": self.deleted, "kept": self.kept, "not_stored": self.not_stored,
                "unchanged": self.unchanged}

    def record(self) -> dict:
        return {"file": self.file, "dataset": "ACLED deletions", "source": self.source_title, **self.counts(),
                "latest_deletion": stamp_text(self.latest)}

    def summary(self) -> str:
        return (f"{self.file}: {self.rows} deletions: {self.deleted} events deleted, {self.kept} kept "
                f"(a newer export holds them), {self.not_stored} not in the store (recorded), "
                f"{self.unchanged} already recorded")

    def warnings(self) -> list[str]:
        return []


def is_deletions_header(header: list[str]) -> bool:
    """A CSV header of a deletions list: the two columns and no event date."""
    names = {h.strip().lstrip("\ufeff").lower() for h in header}
    return set(COLUMNS) <= names and "event_date" not in names


def looks_like_deletions(path: str) -> bool:
    """Whether a file handed to ``import acled`` is a deletions list (by its header or JSON keys)."""
    try:
        with open(path, "rb") as fh:
            start = fh.read(4096)
    except OSError:
        return False
    text = start.decode("utf-8", "replace").lstrip("\ufeff").lstrip()
    if text.startswith(("[", "{")):
        return "deleted_timestamp" in text
    first = next(csv.reader([text.splitlines()[0] if text else ""]), [])
    return is_deletions_header(first)


def _clock(text: str, line: int, file: str) -> int:
    value = str(text).strip()
    if value.isdigit():
        return int(value)
    try:
        return day_stamp(dt.date.fromisoformat(value[:10]))
    except ValueError:
        raise BadRecord(file, line, "deleted_timestamp",
                        f"{text!r} is not a Unix timestamp or a date (YYYY-MM-DD)") from None


def _rows(info: FileInfo) -> Iterator[tuple[int, str, int]]:
    """(line, event id, deletion clock) of each entry."""
    path = info.path
    with open(path, "rb") as fh:
        head = fh.read(64).lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith((b"[", b"{")):
        try:
            with open(path, encoding="utf-8-sig") as fh:
                doc = json.load(fh)
        except (ValueError, RecursionError) as exc:
            raise BadRecord(path, None, "", f"not valid JSON ({exc})") from None
        items = doc.get("data") if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise BadRecord(path, None, "", 'expected a list of deletions (or {"data": [...]})')
        for n, item in enumerate(items, 1):
            if not isinstance(item, dict) or any(c not in item for c in COLUMNS):
                raise BadRecord(path, None, f"entry {n}", "needs event_id_cnty and deleted_timestamp")
            yield n, str(item["event_id_cnty"]).strip(), _clock(item["deleted_timestamp"], n, path)
        return
    records = read_records(info)
    header = next(records, None)
    if header is None or not is_deletions_header(header.fields):
        raise BadRecord(path, 1, "", "not a deletions list: the header needs event_id_cnty and deleted_timestamp")
    names = [h.strip().lstrip("\ufeff").lower() for h in header.fields]
    i_id, i_stamp = names.index("event_id_cnty"), names.index("deleted_timestamp")
    for rec in records:
        if rec.problem is not None:
            raise BadRecord(path, rec.line, "", rec.problem)
        if not rec.fields or not any(f.strip() for f in rec.fields):
            continue
        if len(rec.fields) <= max(i_id, i_stamp):
            raise BadRecord(path, rec.line, "deleted_timestamp", "missing")
        ext = rec.fields[i_id].strip()
        if not ext:
            raise BadRecord(path, rec.line, "event_id_cnty", "missing")
        yield rec.line, ext, _clock(rec.fields[i_stamp], rec.line, path)


def import_deletions(conn: Connection, path: str, release: str | None = None,
                     now: dt.datetime | None = None) -> DeletionResult:
    """Apply an ACLED deletions list in the caller's transaction (roll it back on an exception)."""
    info = inspect_file(path)
    now = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None)
    write = BulkWriter(conn)
    release = release or release_from_name(path)
    entries: dict[str, tuple[int, str, int]] = {}
    for line, ext, stamp in _rows(info):
        if is_realtime("acled", ext) and not release:
            raise MissingSetting("the release", "release", f"{ext} is a realtime id, unique only within a year's "
                                 "release", file=path, line=line, field="event_id_cnty")
        if len(ext) > 100:
            raise BadRecord(path, line, "event_id_cnty", "longer than 100 characters")
        key = identity_key(ext, release if is_realtime("acled", ext) else None)
        if key in entries and entries[key][2] >= stamp:
            continue  # listed twice: the later deletion counts
        entries[key] = (line, ext, stamp)
    source_id, title = _source(conn, info, now)
    result = DeletionResult(path, title)
    result.rows = len(entries)
    if not entries:
        return result
    result.latest = max(stamp for _, _, stamp in entries.values())
    p = write.p
    by_id: dict[str, list[str]] = {}
    for key, (_, ext, _) in entries.items():
        by_id.setdefault(ext, []).append(key)
    ids = list(by_id)
    # base key -> [(event id, its own key, version, deleted stamp)]
    live: dict[str, list[tuple[int, str | None, Version, int | None]]] = {}
    recorded: set[tuple[str | None, int]] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ", ".join([p] * len(chunk))
        # (external id, release, key, event id, stamp, export stamp, content hash, deleted stamp)
        stored: Iterable[tuple[str, str | None, str | None, int, int, int | None, str, int | None]] = \
            conn.exec_driver_sql(
                "SELECT e.external_id, e.external_release, e.external_key, e.id, r.stamp, s.export_stamp, "
                "r.content_hash, r.deleted_stamp FROM events e JOIN dataset_records r ON r.event_id = e.id "
                "JOIN sources s ON s.id = e.source_id "
                f"WHERE e.external_scheme = 'acled' AND e.external_id IN ({marks})", tuple(chunk))
        for ext, ns, own_key, eid, stamp, export, digest, deleted in stored:
            live.setdefault(identity_key(ext, ns), []).append((eid, own_key, Version(stamp, export, digest), deleted))
        revisions: Iterable[tuple[str | None, int]] = conn.exec_driver_sql(
            "SELECT external_key, stamp FROM event_revisions WHERE external_scheme = 'acled' AND change = 'deleted' "
            f"AND external_id IN ({marks})", tuple(chunk))
        for own_key, stamp in revisions:
            recorded.add((own_key, stamp))
    tombstones: list[tuple] = []
    doomed: list[tuple[int, int | None, int | None]] = []
    kept: list[tuple[int, int]] = []
    for base, (_, ext, stamp) in entries.items():
        ns = release if is_realtime("acled", ext) else None
        events = live.get(base, [])
        keys = [own for _, own, _, _ in events] or [base]  # every event under the id (identity conflicts too)
        if all((own, stamp) in recorded for own in keys):
            result.unchanged += 1
            continue
        for own in keys:
            tombstones.append((None, "acled", ext, ns, own, source_id, "deleted", stamp, None, None, None,
                               write.moment(now), JSON.encode({"reason": "deleted by ACLED"}), None, None))
        if not events:
            result.not_stored += 1
        for eid, _, version, deleted in events:
            if stamp >= version.seen:
                doomed.append((eid, None, None))
            else:
                kept.append((max(stamp, deleted or 0), eid))
    result.deleted = delete_events(conn, write, None, doomed, now, result.touched_places)
    write("event_revisions", tombstones)
    write("records_deleted", kept)
    result.kept = len(kept)
    return result


def _source(conn: Connection, info: FileInfo, now: dt.datetime) -> tuple[int, str]:
    key = f"acled-deletions:{info.sha256[:32]}"
    table = Source.__table__
    found = conn.execute(select(table.c.id, table.c.title).where(table.c.key == key)).first()
    if found is not None:
        return found.id, found.title
    name = Path(info.path).name
    title = f"ACLED deletions {name}"
    inserted = conn.execute(insert(table).values(
        key=key, kind="dataset", title=title[:500], publisher="ACLED (Armed Conflict Location & Event Data)",
        url="https://acleddata.com", file_name=str(info.path)[:500], content_hash=info.sha256,
        notes=f"ACLED deleted-events list {name} (SHA-256 {info.sha256}), imported on {now.date().isoformat()}.",
        loaded_at=now, first_loaded_at=now)).inserted_primary_key
    assert inserted is not None  # a single-row INSERT has its key
    return inserted[0], title


__all__ = ["DeletionResult", "import_deletions", "is_deletions_header", "looks_like_deletions", "RowError"]
