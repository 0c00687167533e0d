"""dataset identity, versions by the data's clock, deletions

Stored data is converted, not reset (docs/importing.md, "Upgrading a store"):

* Dataset sources get the export's clock and realtime release their file
  names say (``ACLED-All-Africa-File_20150101-to-20151024``: release 2015,
  exported 2015-10-24).
* Imported events get their identity: ACLED realtime ids (``2460RTA``) are
  keyed by the release of the file that gave them (``2460RTA@2016``), other
  ids by themselves; their dataset records get the version's clock (the
  stored ACLED ``timestamp``, else the export's date) and the recorded date
  (the event's date; the middle of a week-precision window).
* Revisions become versions with their own clocks; a pruned event's
  revision becomes its last version and a deletion as of when it was pruned.
* Imported events get a point of their own (the dataset row's; for events
  already stored, their place's, the best that was kept).
* Events that earlier versions of tracker merged because a later year's
  realtime release reused their id (the 2015 ``2460RTA`` overwritten by the
  2016 ``2460RTA``) are separated again: the overwritten event's newest
  version, kept as a revision, becomes an event of its own.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import PurePath
from typing import Optional, Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The rules of tracker.ingest.identity as they stood at this revision (a migration keeps its own copy).
REALTIME_ID = re.compile(r"^\d+RTA\b")
NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_]?(0[1-9]|1[0-2])[-_]?(0[1-9]|[12]\d|3[01])(?!\d)")
EPOCH = dt.datetime(1970, 1, 1)
CHUNK = 500


def _name_dates(path: Optional[str]) -> list[dt.date]:
    out = []
    for m in NAME_DATE.finditer(PurePath(path or "").name):
        try:
            out.append(dt.date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:
            pass
    return out


def _day_stamp(day: dt.date) -> int:
    return int((dt.datetime.combine(day, dt.time(23, 59, 59)) - EPOCH).total_seconds())


def _unix(value) -> int:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return int((value - EPOCH).total_seconds())


def _date(value) -> Optional[dt.date]:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _key(scheme: str, ext: str, release: Optional[str]) -> tuple[Optional[str], str]:
    if scheme == "acled" and REALTIME_ID.match(ext) and release:
        return release, f"{ext}@{release}"
    return None, ext


def _recorded(content_date: Optional[str]) -> Optional[dt.date]:
    """The recorded date of a stored version from its date text (a day, or the middle of a range)."""
    if not content_date:
        return None
    text = content_date.replace("by ", "").strip()
    parts = text.split("/")
    try:
        first = dt.date.fromisoformat(parts[0][:10])
        if len(parts) == 2:
            last = dt.date.fromisoformat(parts[1][:10])
            return first + (last - first) // 2
        return first
    except ValueError:
        m = re.match(r"^(\d{4})-(\d{2})$", text)
        return dt.date(int(m[1]), int(m[2]), 1) if m else None


def upgrade() -> None:
    op.create_table('dataset_coverages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('external_scheme', sa.String(length=20), nullable=False),
    sa.Column('external_release', sa.String(length=20), nullable=True),
    sa.Column('first_date', sa.Date(), nullable=False),
    sa.Column('last_date', sa.Date(), nullable=False),
    sa.Column('countries', sa.Text(), nullable=False),
    sa.Column('stamp', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_dataset_coverages_source_id_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dataset_coverages')),
    sa.UniqueConstraint('source_id', 'external_release', name=op.f('uq_dataset_coverages_source_id_external_release'))
    )
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('export_stamp', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('release', sa.String(length=20), nullable=True))
    with op.batch_alter_table('dataset_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('deleted_stamp', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_release', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('external_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('coord_precision', sa.String(length=10), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_events_external_scheme_external_id'), type_='unique')
    with op.batch_alter_table('event_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_release', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('external_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('stamp', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('content_hash', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('country', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('recorded_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('recorded_at', sa.DateTime(), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_event_revisions_change'), type_='check')
        batch_op.alter_column('content', existing_type=sa.TEXT(), nullable=True)

    _convert(op.get_bind())

    with op.batch_alter_table('dataset_records', schema=None) as batch_op:
        batch_op.alter_column('stamp', existing_type=sa.BIGINT(), nullable=False)
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_external_scheme_external_id', ['external_scheme', 'external_id'], unique=False)
        batch_op.create_check_constraint('latitude', "latitude IS NULL OR (latitude >= -90 AND latitude <= 90)")
        batch_op.create_check_constraint('longitude', "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)")
        batch_op.create_unique_constraint(batch_op.f('uq_events_external_scheme_external_key'), ['external_scheme', 'external_key'])
    with op.batch_alter_table('event_revisions', schema=None) as batch_op:
        batch_op.alter_column('external_key', existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column('stamp', existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column('recorded_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.create_check_constraint('change', "change IN ('version', 'deleted')")
        batch_op.create_index('ix_event_revisions_external_scheme_external_key', ['external_scheme', 'external_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_revisions_source_id'), ['source_id'], unique=False)
        batch_op.drop_column('recorded_until')
        batch_op.drop_column('recorded_from')


# -- the conversion of stored data -------------------------------------------------------------
sources = sa.table("sources", sa.column("id"), sa.column("kind"), sa.column("file_name"), sa.column("loaded_at"),
                   sa.column("export_stamp"), sa.column("release"))
events = sa.table("events", *(sa.column(c) for c in (
    "id", "source_id", "key", "external_scheme", "external_id", "external_release", "external_key", "date_start",
    "date_end", "date_precision", "event_type", "sub_type", "location_id", "fatalities_low", "fatalities_best",
    "fatalities_high", "certainty", "description", "latitude", "longitude", "coord_precision")))
locations = sa.table("locations", sa.column("id"), sa.column("latitude"), sa.column("longitude"),
                     sa.column("coord_precision"))
records = sa.table("dataset_records", *(sa.column(c) for c in (
    "event_id", "content_hash", "stamp", "recorded_date", "deleted_stamp", "country", "cited", "attributes",
    "recorded_at")))
revisions = sa.table("event_revisions", *(sa.column(c) for c in (
    "id", "event_id", "external_scheme", "external_id", "external_release", "external_key", "source_id",
    "recorded_from", "recorded_until", "change", "content", "stamp", "content_hash", "country", "recorded_date",
    "recorded_at")))
event_actors = sa.table("event_actors", sa.column("event_id"), sa.column("actor_id"), sa.column("role"),
                        sa.column("position"))
actors = sa.table("actors", sa.column("id"), sa.column("name"))


def _convert(bind) -> None:
    clock, release_of = _source_clocks(bind)

    # Events: identity from the release of the file that gave the standing version.
    live: dict[tuple[str, str], int] = {}
    for row in bind.execute(sa.select(events.c.id, events.c.source_id, events.c.external_scheme, events.c.external_id,
                                      events.c.date_start, events.c.date_end, events.c.date_precision,
                                      locations.c.latitude, locations.c.longitude, locations.c.coord_precision)
                            .outerjoin(locations, locations.c.id == events.c.location_id)
                            .where(events.c.external_scheme.is_not(None))).all():
        release, key = _key(row.external_scheme, row.external_id, release_of.get(row.source_id))
        live[(row.external_scheme, key)] = row.id
        bind.execute(events.update().where(events.c.id == row.id).values(
            external_release=release, external_key=key, key=key, latitude=row.latitude, longitude=row.longitude,
            coord_precision=row.coord_precision))
        recorded = row.date_start + (row.date_end - row.date_start) // 2 if row.date_precision == "range" else row.date_start
        bind.execute(records.update().where(records.c.event_id == row.id).values(recorded_date=recorded))
        bind.execute(records.update().where(records.c.event_id == row.id, records.c.stamp.is_(None))
                     .values(stamp=clock.get(row.source_id)))

    # Revisions: each a version with its own clock, under the identity of the file that gave it.
    orphans: dict[tuple[str, str], list] = {}
    deleted: set[tuple[str, str]] = set()
    for row in bind.execute(sa.select(revisions).order_by(revisions.c.id)).all():
        content = json.loads(row.content) if row.content else {}
        release, key = _key(row.external_scheme, row.external_id, release_of.get(row.source_id))
        stamp = content.get("stamp") or clock.get(row.source_id) or _unix(row.recorded_from)
        place = content.get("place") or ""
        country = place.split(" > ")[0] if place else None
        recorded = _recorded(content.get("date"))
        content.update(scheme=row.external_scheme, release=release, key=key,
                       recorded_date=recorded.isoformat() if recorded else None, country=country)
        event_id = live.get((row.external_scheme, key))  # None: another event under the id (or a deleted one)
        bind.execute(revisions.update().where(revisions.c.id == row.id).values(
            event_id=event_id, external_release=release, external_key=key, stamp=stamp, change="version",
            content_hash=content.get("content_hash"), country=country, recorded_date=recorded,
            recorded_at=row.recorded_until, content=json.dumps(content, ensure_ascii=False, default=str)))
        if row.change == "deleted":
            deleted.add((row.external_scheme, key))
            bind.execute(revisions.insert().values(
                event_id=None, external_scheme=row.external_scheme, external_id=row.external_id,
                external_release=release, external_key=key, source_id=row.source_id, change="deleted",
                stamp=_unix(row.recorded_until), recorded_from=row.recorded_until,
                recorded_until=row.recorded_until, recorded_at=row.recorded_until,
                content=json.dumps({"reason": "pruned: a newer full export did not hold it"})))
        elif event_id is None:
            orphans.setdefault((row.external_scheme, key), []).append((stamp, row.id, content, row.source_id))
    for (scheme, key), versions in orphans.items():
        if (scheme, key) in deleted:
            continue  # pruned: it stays deleted, with its history
        _separate(bind, scheme, key, max(versions, key=lambda v: (v[0], v[1])))


def _source_clocks(bind) -> tuple[dict[int, int], dict[int, Optional[str]]]:
    """The export clock and realtime release of every dataset source, from its file name (else its events)."""
    clock: dict[int, int] = {}
    release_of: dict[int, Optional[str]] = {}
    for row in bind.execute(sa.select(sources).where(sources.c.kind == "dataset")).all():
        dates = _name_dates(row.file_name)
        if dates:
            stamp, release = _day_stamp(dates[-1]), str(dates[0].year)
        else:
            latest = bind.execute(sa.select(sa.func.max(events.c.date_end)).where(events.c.source_id == row.id)).scalar()
            stamp = _day_stamp(_date(latest)) if latest else _unix(row.loaded_at)
            years = bind.execute(sa.select(events.c.date_start).where(events.c.source_id == row.id)).scalars().all()
            counts: dict[int, int] = {}
            for day in years:
                counts[_date(day).year] = counts.get(_date(day).year, 0) + 1
            release = str(max(counts.items(), key=lambda kv: (kv[1], -kv[0]))[0]) if counts else None
        clock[row.id] = stamp
        release_of[row.id] = release
        bind.execute(sources.update().where(sources.c.id == row.id).values(export_stamp=stamp, release=release))
    return clock, release_of


def _separate(bind, scheme: str, key: str, newest: tuple) -> None:
    """Make an event again of an identity an earlier tracker overwrote with another release's event."""
    stamp, revision_id, content, source_id = newest
    names = {}
    for role_name in content.get("actors") or []:
        role, _, name = role_name.partition(": ")
        found = bind.execute(sa.select(actors.c.id).where(actors.c.name == name).order_by(actors.c.id)).scalar()
        if found is not None:
            names.setdefault((found, role), len(names))
    start, end = _window(content.get("date"))
    if start is None:
        return  # nothing to rebuild the event from: it stays in the history
    new_id = bind.execute(sa.select(sa.func.coalesce(sa.func.max(events.c.id), 0))).scalar() + 1
    bind.execute(events.insert().values(
        id=new_id, source_id=source_id, key=key, external_scheme=scheme, external_id=content.get("external_id"),
        external_release=content.get("release"), external_key=key, date_start=start, date_end=end,
        date_precision=_precision(content.get("date")), event_type=content.get("event_type") or "",
        sub_type=content.get("sub_type"), location_id=content.get("location_id"),
        latitude=content.get("latitude"), longitude=content.get("longitude"),
        coord_precision=content.get("coord_precision"),
        fatalities_low=content.get("fatalities_low"), fatalities_best=content.get("fatalities_best"),
        fatalities_high=content.get("fatalities_high"), certainty="reported", description=content.get("description")))
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("SELECT setval(pg_get_serial_sequence('events', 'id'), (SELECT max(id) FROM events))")
    for (actor_id, role), position in names.items():
        bind.execute(event_actors.insert().values(event_id=new_id, actor_id=actor_id, role=role, position=position))
    attributes = content.get("attributes") or {}
    bind.execute(records.insert().values(
        event_id=new_id, content_hash=content.get("content_hash") or "", stamp=stamp,
        recorded_date=_date(content.get("recorded_date")), country=content.get("country"), cited=content.get("cited"),
        attributes=json.dumps(attributes, ensure_ascii=False) if attributes else None,
        recorded_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)))
    bind.execute(revisions.delete().where(revisions.c.id == revision_id))
    bind.execute(revisions.update().where(revisions.c.external_scheme == scheme, revisions.c.external_key == key)
                 .values(event_id=new_id))


def _window(text: Optional[str]) -> tuple[Optional[dt.date], Optional[dt.date]]:
    if not text:
        return None, None
    text = text.replace("by ", "").strip()
    parts = text.split("/")
    try:
        if len(parts) == 2:
            return dt.date.fromisoformat(parts[0][:10]), dt.date.fromisoformat(parts[1][:10])
        if re.match(r"^\d{4}-\d{2}$", text):
            first = dt.date.fromisoformat(text + "-01")
            last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            return first, last
        day = dt.date.fromisoformat(parts[0][:10])
        return day, day
    except ValueError:
        return None, None


def _precision(text: Optional[str]) -> str:
    if text and "/" in text:
        return "range"
    if text and re.match(r"^\d{4}-\d{2}$", text.strip()):
        return "month"
    return "day"


def downgrade() -> None:
    bind = op.get_bind()
    shared = bind.exec_driver_sql(
        "SELECT count(*) FROM (SELECT external_scheme, external_id FROM events WHERE external_scheme IS NOT NULL "
        "GROUP BY external_scheme, external_id HAVING count(*) > 1) AS t").scalar()
    if shared:
        raise RuntimeError(f"cannot downgrade below 0006: {shared} dataset ids are held by several events "
                           "(realtime releases or identity conflicts), which the older schema cannot hold")
    with op.batch_alter_table('event_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_revisions_source_id'))
        batch_op.drop_index('ix_event_revisions_external_scheme_external_key')
        batch_op.drop_constraint(batch_op.f('ck_event_revisions_change'), type_='check')
        batch_op.add_column(sa.Column('recorded_from', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('recorded_until', sa.DateTime(), nullable=True))
    bind.execute(revisions.update().values(recorded_from=revisions.c.recorded_at, recorded_until=revisions.c.recorded_at))
    bind.execute(revisions.update().where(revisions.c.change == "version").values(change="updated"))
    bind.execute(revisions.update().where(revisions.c.content.is_(None)).values(content="{}"))
    with op.batch_alter_table('event_revisions', schema=None) as batch_op:
        batch_op.alter_column('recorded_from', existing_type=sa.DateTime(), nullable=False)
        batch_op.alter_column('recorded_until', existing_type=sa.DateTime(), nullable=False)
        batch_op.alter_column('content', existing_type=sa.TEXT(), nullable=False)
        batch_op.create_check_constraint('change', "change IN ('updated', 'deleted')")
        batch_op.drop_column('recorded_at')
        batch_op.drop_column('recorded_date')
        batch_op.drop_column('country')
        batch_op.drop_column('content_hash')
        batch_op.drop_column('stamp')
        batch_op.drop_column('external_key')
        batch_op.drop_column('external_release')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_events_external_scheme_external_key'), type_='unique')
        batch_op.drop_constraint(batch_op.f('ck_events_latitude'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_events_longitude'), type_='check')
        batch_op.drop_index('ix_events_external_scheme_external_id')
        batch_op.create_unique_constraint(batch_op.f('uq_events_external_scheme_external_id'), ['external_scheme', 'external_id'])
        batch_op.drop_column('coord_precision')
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
        batch_op.drop_column('external_key')
        batch_op.drop_column('external_release')
    with op.batch_alter_table('dataset_records', schema=None) as batch_op:
        batch_op.alter_column('stamp', existing_type=sa.BIGINT(), nullable=True)
        batch_op.drop_column('deleted_stamp')
        batch_op.drop_column('recorded_date')
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_column('release')
        batch_op.drop_column('export_stamp')
    op.drop_table('dataset_coverages')
