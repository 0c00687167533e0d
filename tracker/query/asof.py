"""The store as it stood at a moment: every question asked of an earlier state (``--as-of``).

An import changes what the store says: a revised export supersedes versions,
a deletion list removes events, a report adds claims. ``--as-of MOMENT`` on
``events``, ``summary``, ``who-held``, ``held-by``, ``timeline`` and
``changes`` answers from the store as it was at that moment of the wall
clock (UTC; a day means the end of that day), so an analyst can say what a
figure was when it was reported, and see what a later import changed::

    tracker summary --by month --country Libya --as-of 2026-11-30T12:00

How: within the question's transaction, temporary views named like the tables
(``events``, ``event_actors``, ``dataset_records``, ``event_sources``,
``sources``, ``actor_relations``) shadow them, on SQLite and on PostgreSQL
alike (both look in the session's temporary schema first). Each view is the
table without what came after the moment, plus what stood then and has
been replaced since: the versions kept in each event's history with the
period they stood (``event_revisions.stood_from``/``stood_until``, migration
0009). Control is taken as it stood too: claims and map spans of sources
that came later are left out, and spans derived from events are derived
again, from the events as they stood, at every place where those differ. So
every query function runs unchanged; the views and tables are dropped when
the question is answered, and nothing in the store is written.

What has no history is shown as it is now, and the answer says so in a note:
a report reloaded after the moment (reports keep no versions: its current
content is shown from the day it first came), and the map areas behind
``LAT,LON`` questions. An event deleted since has no id left: it is shown
with the negative id of the history row that keeps it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Column, MetaData, Table, func, insert, select
from sqlalchemy.orm import Session

from tracker.errors import TrackerError
from tracker.ingest.attributes import Facts, pack
from tracker.model.dates import BadDate, parse_fuzzy_date
from tracker.model.entities import (
    ActorRelation,
    ControlSpan,
    DatasetRecord,
    Event,
    EventActor,
    EventRevision,
    Source,
    control_sources,
    event_sources,
)


def parse_moment(value: object) -> dt.datetime:
    """A moment of the wall clock as a naive UTC datetime: ``2026-11-30`` (its end), ``2026-11-30T12:00``,
    ``2026-11-30 12:00:05+01:00``, ``...Z``.

    >>> parse_moment("2026-11-30")
    datetime.datetime(2026, 11, 30, 23, 59, 59, 999999)
    >>> parse_moment("2026-11-30T13:00+01:00")
    datetime.datetime(2026, 11, 30, 12, 0)
    """
    if isinstance(value, dt.datetime):
        moment = value
    else:
        raw = str(value).strip()
        try:
            moment = dt.datetime.fromisoformat(raw)
        except ValueError:
            try:
                day = parse_fuzzy_date(raw)
            except BadDate as exc:
                raise BadDate(f"not a moment: {raw!r} (a date, or a date and time such as 2026-11-30T12:00)") from exc
            return dt.datetime.combine(day.latest, dt.time.max)
        if len(raw) == 10:  # a bare day: its end
            return dt.datetime.combine(moment.date(), dt.time.max)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


@dataclass
class AsOf:
    """What an as-of view holds, for the notes of the answer."""

    moment: dt.datetime
    restored: int = 0  # versions that stood then and have been replaced or deleted since
    hidden: int = 0  # events that came (or changed) later
    rederived: int = 0  # places whose control was derived again
    notes: list[str] = field(default_factory=list)

    def label(self) -> str:
        return self.moment.isoformat(sep=" ", timespec="seconds") + " UTC"

    def describe(self) -> str:
        """What the view changed from now, for the answer's first note."""
        control = f"; control derived again at {self.rederived} places" if self.rederived else ""
        return (f"as the store stood at {self.label()} ({self.restored} earlier versions back, "
                f"{self.hidden} later events or versions left out{control})")


def _stood_versions(session: Session, moment: dt.datetime) -> list:
    r = EventRevision.__table__
    rows = session.execute(
        select(r.c.id, r.c.event_id, r.c.source_id, r.c.external_scheme, r.c.external_id, r.c.external_release,
               r.c.external_key, r.c.stamp, r.c.content_hash, r.c.country, r.c.recorded_date, r.c.stood_from,
               r.c.content)
        .where(r.c.change == "version", r.c.stood_until > moment,
               (r.c.stood_from.is_(None)) | (r.c.stood_from <= moment))
        .order_by(r.c.external_scheme, r.c.external_key,  # (NULL, "from the start", first on both backends)
                  r.c.stood_from.is_not(None), r.c.stood_from, r.c.id)).all()
    latest: dict[tuple[str, str], object] = {}
    for row in rows:  # one per identity: the one that began last (overlaps only in damaged histories)
        latest[(row.external_scheme, row.external_key)] = row
    return list(latest.values())


def _dates(content: dict) -> tuple[dt.date, dt.date, str]:
    if content.get("date_start"):
        return (dt.date.fromisoformat(content["date_start"]), dt.date.fromisoformat(content["date_end"]),
                content["date_precision"])
    when = parse_fuzzy_date(content["date"])
    return when.earliest, when.latest, when.precision


def _temp_table(table: Table, name: str, metadata: MetaData) -> Table:
    """A temporary table with ``table``'s columns and primary key (no foreign keys or checks)."""
    columns = [Column(c.name, c.type, primary_key=c.primary_key, autoincrement=c.autoincrement) for c in table.columns]
    return Table(name, metadata, *columns, prefixes=["TEMPORARY"])


class _Builder:
    def __init__(self, session: Session, view: AsOf):
        self.session, self.view = session, view
        self.conn = session.connection()
        self.postgres = self.conn.dialect.name == "postgresql"
        self.main = self.conn.exec_driver_sql("SELECT current_schema()").scalar() if self.postgres else "main"
        self.temp = "pg_temp" if self.postgres else "temp"
        self.metadata = MetaData()
        self.created: list[tuple[str, str]] = []  # (kind, name), in creation order

    def q(self, name: str) -> str:
        return f'{self.main}."{name}"'

    def table(self, like: Table, name: str) -> Table:
        temp = _temp_table(like, name, self.metadata)
        temp.create(self.conn)
        self.created.append(("TABLE", name))
        return temp

    def view_of(self, table: Table, where: str, extra: str | None = None) -> None:
        cols = ", ".join(f'"{c.name}"' for c in table.columns)
        sql = f'CREATE TEMPORARY VIEW "{table.name}" AS SELECT {cols} FROM {self.q(table.name)} WHERE {where}'
        if extra is not None:
            sql += f" UNION ALL SELECT {cols} FROM {self.temp}.{extra}"
        self.conn.exec_driver_sql(sql)
        self.created.append(("VIEW", table.name))

    def drop(self) -> None:
        for kind, name in reversed(self.created):
            self.conn.exec_driver_sql(f'DROP {kind} IF EXISTS {self.temp}."{name}"')
        self.created.clear()

    # -- the events as they stood -------------------------------------------------------------------
    def build(self, control: bool) -> None:
        moment, conn = self.view.moment, self.conn
        e, r = Event.__table__, DatasetRecord.__table__
        hidden = self.table(Table("asof_hidden_like", MetaData(), Column("id", e.c.id.type, primary_key=True)),
                            "asof_hidden")
        sources = Source.__table__
        came = func.coalesce(sources.c.first_loaded_at, sources.c.loaded_at)
        # Live events not standing then: a dataset event whose version stands since later; any other
        # event whose source came later.
        later = (select(e.c.id).select_from(e.outerjoin(r, r.c.event_id == e.c.id).join(sources, sources.c.id == e.c.source_id))
                 .where(((r.c.event_id.is_not(None)) & (r.c.recorded_at > moment))
                        | ((r.c.event_id.is_(None)) & (came > moment))))
        conn.execute(insert(hidden).from_select(["id"], later))
        stood = _stood_versions(self.session, moment)
        live_hidden: set[int] = set(conn.execute(select(hidden.c.id)).scalars())
        events, people, records, links, touched = [], [], [], [], set()
        for row in stood:
            if row.source_id is None:
                self.view.notes.append(f"a version of {row.external_scheme}:{row.external_key} that stood then is "
                                       "not shown: the export that gave it has been removed")
                continue
            if row.event_id is not None and row.event_id not in live_hidden:
                continue  # (the live version stood then already: a damaged history)
            c = json.loads(row.content)
            start, end, precision = _dates(c)
            eid = row.event_id if row.event_id is not None else -row.id
            events.append({
                "id": eid, "source_id": row.source_id, "key": c.get("key") or row.external_key,
                "external_scheme": row.external_scheme, "external_id": row.external_id,
                "external_release": row.external_release, "external_key": row.external_key,
                "date_start": start, "date_end": end, "date_precision": precision,
                "event_type": c.get("event_type"), "sub_type": c.get("sub_type"), "location_id": c.get("location_id"),
                "latitude": c.get("latitude"), "longitude": c.get("longitude"),
                "coord_precision": c.get("coord_precision"), "fatalities_low": c.get("fatalities_low"),
                "fatalities_best": c.get("fatalities_best"), "fatalities_high": c.get("fatalities_high"),
                "certainty": c.get("certainty") or "reported", "description": c.get("description"), "quote": None})
            for position, (role, actor_id) in enumerate(c.get("actor_ids") or []):
                people.append({"event_id": eid, "actor_id": actor_id, "role": role, "position": position})
            recorded = dt.date.fromisoformat(str(row.recorded_date)[:10]) if row.recorded_date else None
            records.append({"event_id": eid, "content_hash": row.content_hash or "", "stamp": row.stamp,
                            "recorded_date": recorded, "deleted_stamp": None, "country": row.country,
                            "cited": c.get("cited"),
                            "attributes": pack(row.external_scheme, c.get("attributes"),
                                               Facts(row.stamp, recorded, c.get("latitude"), c.get("longitude"))),
                            "recorded_at": row.stood_from or moment})
            links.append({"event_id": eid, "source_id": row.source_id})
            if c.get("location_id") is not None:
                touched.add(c["location_id"])
        people = list({(p["event_id"], p["actor_id"], p["role"]): p for p in people}.values())
        restored = self.table(e, "asof_events")
        restored_people = self.table(EventActor.__table__, "asof_event_actors")
        restored_records = self.table(r, "asof_records")
        restored_links = self.table(event_sources, "asof_event_sources")
        for temp, rows in ((restored, events), (restored_people, people), (restored_records, records),
                           (restored_links, links)):
            for i in range(0, len(rows), 1000):
                conn.execute(insert(temp), rows[i:i + 1000])
        more_hidden = [{"id": x["id"]} for x in events if x["id"] > 0 and x["id"] not in live_hidden]
        if more_hidden:
            conn.execute(insert(hidden), more_hidden)
        self.view.restored = len(events)
        self.view.hidden = len(live_hidden)
        # Places whose events differ from now: where a hidden or restored event was.
        touched |= set(conn.execute(select(e.c.location_id).where(
            e.c.id.in_(select(hidden.c.id)), e.c.location_id.is_not(None))).scalars())
        not_hidden = f"{{id}} NOT IN (SELECT id FROM {self.temp}.asof_hidden)"
        visible_source = (f"source_id IN (SELECT id FROM {self.q('sources')} "
                          f"WHERE COALESCE(first_loaded_at, loaded_at) <= {self._moment()})")
        self.view_of(e, not_hidden.format(id="id"), "asof_events")
        self.view_of(EventActor.__table__, not_hidden.format(id="event_id"), "asof_event_actors")
        self.view_of(r, not_hidden.format(id="event_id"), "asof_records")
        self.view_of(event_sources, not_hidden.format(id="event_id") + " AND " + visible_source, "asof_event_sources")
        self.view_of(sources, f"COALESCE(first_loaded_at, loaded_at) <= {self._moment()}")
        self.view_of(ActorRelation.__table__, visible_source)
        if control:
            self._control(touched)
        self._notes()

    def _moment(self) -> str:
        stamp = self.view.moment.strftime("%Y-%m-%d %H:%M:%S.%f")
        return f"TIMESTAMP '{stamp}'" if self.postgres else f"'{stamp}'"

    # -- control as it stood --------------------------------------------------------------------------
    def _control(self, touched: set[int]) -> None:
        from tracker.control.derivation import derive_control

        conn, spans = self.conn, ControlSpan.__table__
        main_spans = Table(spans.name, MetaData(), *[Column(c.name, c.type) for c in spans.columns], schema=self.main)
        main_links = Table(control_sources.name, MetaData(), *[Column(c.name, c.type) for c in control_sources.columns],
                           schema=self.main)
        sources = Table("sources", MetaData(), Column("id"), Column("loaded_at"), Column("first_loaded_at"),
                        schema=self.main)
        came = func.coalesce(sources.c.first_loaded_at, sources.c.loaded_at)
        later = select(sources.c.id).where(came > self.view.moment)
        # Claims and map spans of later sources are not there; their places are derived again (a later
        # claim anchored to an event stops derivation making its own copy).
        touched |= set(conn.execute(select(main_spans.c.location_id).where(main_spans.c.source_id.in_(later))).scalars())
        temp_spans = self.table(spans, spans.name)
        temp_links = self.table(control_sources, control_sources.name)
        keep = main_spans.c.source_id.not_in(later)
        conn.execute(insert(temp_spans).from_select([c.name for c in spans.columns],
                                                    select(*main_spans.c).where(keep)))
        conn.execute(insert(temp_links).from_select(
            [c.name for c in control_sources.columns],
            select(*main_links.c).where(main_links.c.span_id.in_(select(main_spans.c.id).where(keep)),
                                        main_links.c.source_id.not_in(later))))
        if self.postgres:
            conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{self.temp}.{spans.name}', 'id'), "
                                 f"GREATEST((SELECT max(id) FROM {self.temp}.{spans.name}), 1))")
        if touched:
            derive_control(self.session, touched)
        self.view.rederived = len(touched)

    def _notes(self) -> None:
        s = Source.__table__
        rows = self.conn.execute(select(s.c.title).where(
            s.c.kind == "report", func.coalesce(s.c.first_loaded_at, s.c.loaded_at) <= self.view.moment,
            s.c.loaded_at > self.view.moment).order_by(s.c.title)).all()
        reloaded = [str(row[0]) for row in rows]
        for title in reloaded:
            self.view.notes.append(f"report {title!r} was reloaded after {self.view.label()}: "
                                   "reports keep no versions, so it is shown as it is now")

    # -- search over the versions restored ----------------------------------------------------------------
    def search_index(self) -> None:
        """SQLite: an FTS5 index of the restored versions' text (the store's own indexes what stands now)."""
        if self.postgres:
            return
        self.conn.exec_driver_sql("CREATE VIRTUAL TABLE temp.asof_search USING fts5(description, quote, "
                                  "tokenize='porter unicode61 remove_diacritics 2')")  # as migration 0008's
        self.created.append(("TABLE", "asof_search"))
        self.conn.exec_driver_sql("INSERT INTO temp.asof_search(rowid, description, quote) "
                                  "SELECT id, description, quote FROM temp.asof_events")


@contextmanager
def store_as_of(session: Session, moment: dt.datetime | str, control: bool = True) -> Iterator[AsOf]:
    """Within this block, every query in ``session`` reads the store as it stood at ``moment``
    (``control=False``: its events only; control spans are read as they are now)."""
    view = AsOf(parse_moment(moment))
    if session.info.get("as_of") is not None:
        raise TrackerError("an as-of view is already open in this session")
    builder = _Builder(session, view)
    try:
        builder.build(control)
        builder.search_index()
        session.info["as_of"] = view
        yield view
    finally:
        session.info.pop("as_of", None)
        try:
            builder.drop()
        except Exception:
            session.connection().invalidate()  # a connection whose temporary views could not go is not reused
            raise


__all__ = ["AsOf", "parse_moment", "store_as_of"]
