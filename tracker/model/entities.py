"""The relational model: sources, actors, places, events and control spans.

Every fact links to the source(s) that assert it. Fuzzy dates are stored as
the window of days they may be (``*_min`` .. ``*_max``, inclusive) with the
precision they were given in, so point-in-time queries are plain range
predicates on indexed columns.

The schema is created and changed only through the Alembic revisions in
``migrations/``; a test checks that these models and the migrations agree.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.model.base import (
    Base,
    certainty,
    day,
    intpk,
    latitude,
    link_table,
    longitude,
    name_str,
    norm_str,
    one_of,
    precision,
)
from tracker.model.vocabularies import (
    ACTOR_KINDS,
    CERTAINTIES,
    CONTROL_ORIGINS,
    CONTROL_STATUSES,
    COORD_PRECISIONS,
    CREDIBILITY,
    DATE_PRECISIONS,
    LOCATION_KINDS,
    RELATION_KINDS,
    RELIABILITY,
    REVIEW_STATES,
    ROLES,
    SOURCE_KINDS,
)

actor_sources = link_table("actor_sources", "actor_id", "actors")
location_sources = link_table("location_sources", "location_id", "locations")
event_sources = link_table("event_sources", "event_id", "events")
control_sources = link_table("control_sources", "span_id", "control_spans")
relation_sources = link_table("relation_sources", "relation_id", "actor_relations")


class Source(Base):
    """A report, a dataset file or a map snapshot: what asserts the facts."""

    __tablename__ = "sources"
    __table_args__ = (
        CheckConstraint(one_of("kind", SOURCE_KINDS), name="kind"),
        CheckConstraint("reliability IS NULL OR " + one_of("reliability", RELIABILITY), name="reliability"),
        CheckConstraint("credibility IS NULL OR " + one_of("credibility", CREDIBILITY), name="credibility"),
    )

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="report")
    title: Mapped[str] = mapped_column(String(500))
    publisher: Mapped[str | None] = mapped_column(String(300))
    author: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(1000))
    published_min: Mapped[day]
    published_max: Mapped[day]
    published_precision: Mapped[precision]
    reliability: Mapped[str | None] = mapped_column(String(1))
    credibility: Mapped[str | None] = mapped_column(String(1))
    language: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(String(500))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # When the source first entered the store (a report reloaded keeps it; loaded_at moves):
    # the store "as it stood" at a moment holds only sources first loaded by then (tracker.query.asof).
    first_loaded_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # A dataset file's own clock (Unix seconds): the export's date, from its name,
    # --as-of-export or its latest event. NULL when each row carries its own
    # timestamp and the file names no date. Versions are ordered by it, never by
    # loaded_at (tracker.ingest.versions).
    export_stamp: Mapped[int | None] = mapped_column(BigInteger)
    release: Mapped[str | None] = mapped_column(String(20))  # an ACLED realtime release ("2015")

    @property
    def grading(self) -> str | None:
        if self.reliability or self.credibility:
            return f"{self.reliability or 'F'}{self.credibility or '6'}"
        return None


class Actor(Base):
    """A group, force or population that acts in events and holds places."""

    __tablename__ = "actors"
    __table_args__ = (CheckConstraint(one_of("kind", ACTOR_KINDS), name="kind"),)

    id: Mapped[intpk]
    name: Mapped[name_str]
    kind: Mapped[str] = mapped_column(String(20), default="other")
    country: Mapped[str | None] = mapped_column(String(2))
    description: Mapped[str | None] = mapped_column(Text)

    aliases: Mapped[list[ActorAlias]] = relationship(
        back_populates="actor", cascade="all, delete-orphan", order_by="ActorAlias.id"
    )
    sources: Mapped[list[Source]] = relationship(secondary=actor_sources)


class ActorAlias(Base):
    """Another name of an actor (ISIS, ISIL, Daesh, الدولة الإسلامية)."""

    __tablename__ = "actor_aliases"
    __table_args__ = (UniqueConstraint("actor_id", "normalized"),)

    id: Mapped[intpk]
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    name: Mapped[name_str]
    normalized: Mapped[norm_str] = mapped_column(index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))

    actor: Mapped[Actor] = relationship(back_populates="aliases")


class ActorRelation(Base):
    """``actor`` is ``kind`` of ``other`` over a period (ASMB member_of MSC Derna)."""

    __tablename__ = "actor_relations"
    __table_args__ = (
        UniqueConstraint("source_id", "key"),
        CheckConstraint(one_of("kind", RELATION_KINDS), name="kind"),
        CheckConstraint(one_of("certainty", CERTAINTIES), name="certainty"),
        Index("ix_actor_relations_other_id", "other_id"),
        CheckConstraint("review IS NULL OR " + one_of("review", REVIEW_STATES), name="review"),
    )

    id: Mapped[intpk]
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    other_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    start_min: Mapped[day]
    start_max: Mapped[day]
    start_precision: Mapped[precision]
    end_min: Mapped[day]
    end_max: Mapped[day]
    end_precision: Mapped[precision]
    certainty: Mapped[certainty]
    quote: Mapped[str | None] = mapped_column(Text)
    # "pending": drafted from prose (tracker draft) and not yet reviewed; "reviewed"; NULL: not a draft.
    review: Mapped[str | None] = mapped_column(String(10))

    actor: Mapped[Actor] = relationship(foreign_keys=[actor_id])
    other: Mapped[Actor] = relationship(foreign_keys=[other_id])
    source: Mapped[Source] = relationship()
    sources: Mapped[list[Source]] = relationship(secondary=relation_sources)


class Location(Base):
    """A place in a hierarchy: Libya > Derna > central Derna > ISIS headquarters."""

    __tablename__ = "locations"
    __table_args__ = (
        CheckConstraint(one_of("kind", LOCATION_KINDS), name="kind"),
        CheckConstraint("coord_precision IS NULL OR " + one_of("coord_precision", COORD_PRECISIONS), name="coord_precision"),
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude"),
        CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude"),
        Index("ix_locations_latitude_longitude", "latitude", "longitude"),
    )

    id: Mapped[intpk]
    name: Mapped[name_str]
    kind: Mapped[str] = mapped_column(String(20), default="other")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"), index=True)
    country_code: Mapped[str | None] = mapped_column(String(2))
    latitude: Mapped[latitude]
    longitude: Mapped[longitude]
    coord_precision: Mapped[str | None] = mapped_column(String(10))
    # Where the point came from when no source gave it: "gazetteer", "parent",
    # or the online geocoder's name ("nominatim"). NULL: the source's own.
    coord_source: Mapped[str | None] = mapped_column(String(30))
    geonames_id: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)

    parent: Mapped[Location | None] = relationship(remote_side="Location.id")
    aliases: Mapped[list[LocationAlias]] = relationship(
        back_populates="location", cascade="all, delete-orphan", order_by="LocationAlias.id"
    )
    sources: Mapped[list[Source]] = relationship(secondary=location_sources)


class LocationAlias(Base):
    """Another spelling of a place (Darnah, Darna, درنة)."""

    __tablename__ = "location_aliases"
    __table_args__ = (UniqueConstraint("location_id", "normalized"),)

    id: Mapped[intpk]
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"), index=True)
    name: Mapped[name_str]
    normalized: Mapped[norm_str] = mapped_column(index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))

    location: Mapped[Location] = relationship(back_populates="aliases")


class Event(Base):
    """Something that happened, somewhere, on a (fuzzy) date, by actors."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("source_id", "key"),
        UniqueConstraint("external_scheme", "external_key"),
        Index("ix_events_external_scheme_external_id", "external_scheme", "external_id"),
        CheckConstraint(one_of("certainty", CERTAINTIES), name="certainty"),
        CheckConstraint(one_of("date_precision", DATE_PRECISIONS), name="date_precision"),
        CheckConstraint("date_end >= date_start", name="date_order"),
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude"),
        CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude"),
        CheckConstraint(
            "(fatalities_low IS NULL OR fatalities_low >= 0) AND (fatalities_best IS NULL OR fatalities_best >= 0)"
            " AND (fatalities_high IS NULL OR fatalities_high >= 0)",
            name="fatalities_nonnegative",
        ),
        Index("ix_events_date_start_date_end", "date_start", "date_end"),
        Index("ix_events_location_id_date_start", "location_id", "date_start"),
        # Only drafted events are indexed: "is any answer an unreviewed draft" costs nothing on a big store.
        Index("ix_events_review", "review", sqlite_where=text("review IS NOT NULL"),
              postgresql_where=text("review IS NOT NULL")),
        CheckConstraint("review IS NULL OR " + one_of("review", REVIEW_STATES), name="review"),
    )

    id: Mapped[intpk]
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    external_scheme: Mapped[str | None] = mapped_column(String(20))
    # The dataset's id as written (2460RTA, LBY1234, 214797) ...
    external_id: Mapped[str | None] = mapped_column(String(100))
    # ... the release it is unique in (ACLED realtime ids: "2015"; NULL for global ids) ...
    external_release: Mapped[str | None] = mapped_column(String(20))
    # ... and the identity they make (tracker.ingest.identity): "2460RTA@2016", "LBY1234".
    external_key: Mapped[str | None] = mapped_column(String(200))
    date_start: Mapped[dt.date] = mapped_column(Date)
    date_end: Mapped[dt.date] = mapped_column(Date)
    date_precision: Mapped[str] = mapped_column(String(10), default="day")
    event_type: Mapped[str] = mapped_column(String(100), index=True)
    sub_type: Mapped[str | None] = mapped_column(String(100))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"))
    # The event's own point where its source gives one (a dataset row's coordinates);
    # NULL: the point of its place. The place's point is whichever a source gave first.
    latitude: Mapped[latitude]
    longitude: Mapped[longitude]
    coord_precision: Mapped[str | None] = mapped_column(String(10))
    fatalities_low: Mapped[int | None] = mapped_column(Integer)
    fatalities_best: Mapped[int | None] = mapped_column(Integer)
    fatalities_high: Mapped[int | None] = mapped_column(Integer)
    certainty: Mapped[certainty]
    description: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str | None] = mapped_column(Text)
    # "pending": drafted from prose (tracker draft) and not yet reviewed; "reviewed"; NULL: not a draft.
    review: Mapped[str | None] = mapped_column(String(10))

    source: Mapped[Source] = relationship()
    location: Mapped[Location | None] = relationship()
    participants: Mapped[list[EventActor]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventActor.position"
    )
    sources: Mapped[list[Source]] = relationship(secondary=event_sources)


class EventActor(Base):
    """An actor's part in an event: actor1/actor2 and associates, or perpetrator/target."""

    __tablename__ = "event_actors"
    # SQLite: the primary key is the table (migration 0012), the rows are not stored twice.
    __table_args__ = (CheckConstraint(one_of("role", ROLES), name="role"), {"sqlite_with_rowid": False})

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="participants")
    actor: Mapped[Actor] = relationship()


REVISION_CHANGES = ("version", "deleted")


class DatasetRecord(Base):
    """What an imported dataset row says beyond the event itself, and its fingerprint.

    One per event imported from ACLED or UCDP, for the version that stands:
    the per-event source text (ACLED ``source``, UCDP ``source_article``), the
    dataset's other columns as JSON, the content hash that lets a re-import
    skip unchanged rows, the version's clock (``stamp``: ACLED's ``timestamp``,
    else the export's date; the export's own is its source's), the date the
    dataset records (``recorded_date``: ACLED ``event_date`` before its
    precision widens it; UCDP ``date_start``), and the newest deletion of the
    event that did not stand (``deleted_stamp``). Every other version, and
    every deletion, is an :class:`EventRevision` row.
    """

    __tablename__ = "dataset_records"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    content_hash: Mapped[str] = mapped_column(String(32))
    stamp: Mapped[int] = mapped_column(BigInteger)
    recorded_date: Mapped[dt.date | None] = mapped_column(Date)
    deleted_stamp: Mapped[int | None] = mapped_column(BigInteger)
    country: Mapped[str | None] = mapped_column(String(100))
    cited: Mapped[str | None] = mapped_column(Text)
    attributes: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)


class EventRevision(Base):
    """A version of an imported event other than the one that stands, or a deletion of it.

    ``change`` is ``version`` (what an export said, with the version's clocks
    and content) or ``deleted`` (an ACLED deletion, or a pruning export that no
    longer held it; ``stamp`` is when). Rows are kept by identity
    (``external_scheme``, ``external_key``) so that the history of a deleted
    event survives it. ``recorded_at`` is when tracker wrote the row (the
    wall clock; it orders nothing). A version that once stood in the store
    (superseded by a newer one, or deleted) keeps when: ``stood_from`` to
    ``stood_until`` on the wall clock (tracker.query.asof reads the store as
    it stood at a moment from them); a version that never stood (older than
    what stood when it came) has neither.
    """

    __tablename__ = "event_revisions"
    __table_args__ = (
        CheckConstraint(one_of("change", REVISION_CHANGES), name="change"),
        Index("ix_event_revisions_external_scheme_external_id", "external_scheme", "external_id"),
        Index("ix_event_revisions_external_scheme_external_key", "external_scheme", "external_key"),
    )

    id: Mapped[intpk]
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    external_scheme: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(100))
    external_release: Mapped[str | None] = mapped_column(String(20))
    external_key: Mapped[str] = mapped_column(String(200))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    change: Mapped[str] = mapped_column(String(10))
    stamp: Mapped[int] = mapped_column(BigInteger)
    content_hash: Mapped[str | None] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(100))
    recorded_date: Mapped[dt.date | None] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    content: Mapped[str | None] = mapped_column(Text)  # JSON: the version as tracker.query.history writes it
    stood_from: Mapped[dt.datetime | None] = mapped_column(DateTime)
    stood_until: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)


class DatasetCoverage(Base):
    """What a pruning import said is the whole of a dataset: its countries and recorded dates.

    An event of those countries and dates that the export does not hold is
    deleted as of the export's clock, also when the event arrives later from
    an older export (so the order of imports does not matter).
    """

    __tablename__ = "dataset_coverages"
    __table_args__ = (UniqueConstraint("source_id", "external_release"),)

    id: Mapped[intpk]
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    external_scheme: Mapped[str] = mapped_column(String(20))
    external_release: Mapped[str | None] = mapped_column(String(20))
    first_date: Mapped[dt.date] = mapped_column(Date)
    last_date: Mapped[dt.date] = mapped_column(Date)
    countries: Mapped[str] = mapped_column(Text)  # JSON list of the dataset's country names
    stamp: Mapped[int] = mapped_column(BigInteger)


class ControlSpan(Base):
    """An actor holds (or contests) a place over a half-open period [start, end).

    A missing start means "since before the source's knowledge"; a missing end
    means "still held as of the latest report".
    """

    __tablename__ = "control_spans"
    __table_args__ = (
        UniqueConstraint("source_id", "key"),
        CheckConstraint(one_of("status", CONTROL_STATUSES), name="status"),
        CheckConstraint(one_of("certainty", CERTAINTIES), name="certainty"),
        Index("ix_control_spans_location_id_start_min", "location_id", "start_min"),
        Index("ix_control_spans_actor_id_start_min", "actor_id", "start_min"),
        CheckConstraint(one_of("origin", CONTROL_ORIGINS), name="origin"),
        Index("ix_control_spans_start_window", "start_min", "start_max"),
        Index("ix_control_spans_end_window", "end_min", "end_max"),
        CheckConstraint("review IS NULL OR " + one_of("review", REVIEW_STATES), name="review"),
    )

    id: Mapped[intpk]
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default="held")
    start_min: Mapped[day]
    start_max: Mapped[day]
    start_precision: Mapped[precision]
    end_min: Mapped[day]
    end_max: Mapped[day]
    end_precision: Mapped[precision]
    begun_by_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    certainty: Mapped[certainty]
    quote: Mapped[str | None] = mapped_column(Text)
    # "pending": drafted from prose (tracker draft) and not yet reviewed; "reviewed"; NULL: not a draft.
    review: Mapped[str | None] = mapped_column(String(10))
    # reported (an analyst's claim), derived (from a territory-transfer event)
    # or snapshot (from dated control maps); derivation only rewrites its own.
    origin: Mapped[str] = mapped_column(String(10), default="reported", server_default="reported")
    basis: Mapped[str | None] = mapped_column(Text)  # why a derived span names its holder
    # What the notes said happened to the ground (tracker.control.ground), as JSON: the
    # phrases that decided, whether the gain was temporary and when it ended.
    reading: Mapped[str | None] = mapped_column(Text)

    source: Mapped[Source] = relationship()
    location: Mapped[Location] = relationship()
    actor: Mapped[Actor] = relationship()
    begun_by: Mapped[Event | None] = relationship(foreign_keys=[begun_by_id])
    ended_by: Mapped[Event | None] = relationship(foreign_keys=[ended_by_id])
    sources: Mapped[list[Source]] = relationship(secondary=control_sources)


control_area_snapshots = Table(
    "control_area_snapshots",
    Base.metadata,
    Column("area_id", ForeignKey("control_areas.id", ondelete="CASCADE"), primary_key=True),
    Column("snapshot_id", ForeignKey("control_snapshots.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_control_area_snapshots_snapshot_id", "snapshot_id"),
)


class ControlSnapshot(Base):
    """One dated control map (a DeepStateMap export, a CSV of who holds what) of a series."""

    __tablename__ = "control_snapshots"
    __table_args__ = (UniqueConstraint("series", "taken_on"),)

    id: Mapped[intpk]
    series: Mapped[str] = mapped_column(String(100))
    taken_on: Mapped[dt.date] = mapped_column(Date)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), unique=True)
    feature_count: Mapped[int] = mapped_column(Integer, default=0)
    skipped_count: Mapped[int] = mapped_column(Integer, default=0)

    source: Mapped[Source] = relationship()


class ControlArea(Base):
    """An area (or one place) a map series shows an actor holding; the snapshots that show it.

    The geometry is GeoJSON text; the bounding box columns are the indexed
    prefilter before the exact point-in-polygon test. The same shape, holder
    and status in several snapshots is one area linked to each of them.
    """

    __tablename__ = "control_areas"
    __table_args__ = (
        UniqueConstraint("series", "shape_hash", "actor_id", "status"),
        CheckConstraint(one_of("status", CONTROL_STATUSES), name="status"),
        CheckConstraint(one_of("certainty", CERTAINTIES), name="certainty"),
        Index("ix_control_areas_bbox", "min_lon", "max_lon", "min_lat", "max_lat"),
    )

    id: Mapped[intpk]
    series: Mapped[str] = mapped_column(String(100))
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="held")
    label: Mapped[str | None] = mapped_column(String(300))
    # A label that hedges ("Начебто звільнено …", "needs clarification") makes a less certain claim.
    certainty: Mapped[str] = mapped_column(String(12), default="reported", server_default="reported")
    hedge: Mapped[str | None] = mapped_column(String(200))  # the hedging words, as written
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"), index=True)
    geometry: Mapped[str | None] = mapped_column(Text)
    shape_hash: Mapped[str] = mapped_column(String(64))
    min_lat: Mapped[latitude]
    min_lon: Mapped[longitude]
    max_lat: Mapped[latitude]
    max_lon: Mapped[longitude]

    actor: Mapped[Actor] = relationship()
    location: Mapped[Location | None] = relationship()
    snapshots: Mapped[list[ControlSnapshot]] = relationship(secondary=control_area_snapshots)


class Assessment(Base):
    """An analytic judgement a source makes, with its hedge ("likely an attempt to...")."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("source_id", "key"),
        CheckConstraint(one_of("certainty", CERTAINTIES), name="certainty"),
        CheckConstraint("review IS NULL OR " + one_of("review", REVIEW_STATES), name="review"),
    )

    id: Mapped[intpk]
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text)
    certainty: Mapped[certainty]
    quote: Mapped[str | None] = mapped_column(Text)
    # "pending": drafted from prose (tracker draft) and not yet reviewed; "reviewed"; NULL: not a draft.
    review: Mapped[str | None] = mapped_column(String(10))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"), index=True)

    source: Mapped[Source] = relationship()
    event: Mapped[Event | None] = relationship()
    actor: Mapped[Actor | None] = relationship()
    location: Mapped[Location | None] = relationship()


# -- geography: the offline gazetteer and the online geocoder's cache ------------------
class GazetteerPlace(Base):
    """A populated place of the GeoNames gazetteer, loaded on demand (``tracker gazetteer load``).

    Kept apart from ``locations``: the gazetteer is reference data that place
    names are matched against, not something a source asserts.
    """

    __tablename__ = "gazetteer_places"
    __table_args__ = (
        Index("ix_gazetteer_places_country_code", "country_code"),
        Index("ix_gazetteer_places_latitude_longitude", "latitude", "longitude"),
    )

    geonames_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[name_str]
    country_code: Mapped[str] = mapped_column(String(2))
    admin1_code: Mapped[str | None] = mapped_column(String(20))
    admin1_name: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    population: Mapped[int] = mapped_column(Integer, default=0)

    names: Mapped[list[GazetteerName]] = relationship(back_populates="place", cascade="all, delete-orphan")


class GazetteerName(Base):
    """One spelling of a gazetteer place (its name and every alternate name, in any script).

    ``normalized`` is :func:`tracker.names.normalize_name` of the spelling (exact
    matches); ``key`` is its transliteration skeleton
    (:func:`tracker.transliteration.place_key`), under which Derna, Darnah and
    درنة meet.
    """

    __tablename__ = "gazetteer_names"
    __table_args__ = (
        Index("ix_gazetteer_names_normalized", "normalized"),
        Index("ix_gazetteer_names_key", "key"),
    )

    geonames_id: Mapped[int] = mapped_column(
        ForeignKey("gazetteer_places.geonames_id", ondelete="CASCADE"), primary_key=True
    )
    normalized: Mapped[str] = mapped_column(String(400), primary_key=True)
    name: Mapped[str] = mapped_column(String(400))
    key: Mapped[str] = mapped_column(String(400))

    place: Mapped[GazetteerPlace] = relationship(back_populates="names")


class GeocoderAnswer(Base):
    """What an online geocoder answered to a query, kept so that no query is sent twice."""

    __tablename__ = "geocoder_answers"
    __table_args__ = (UniqueConstraint("provider", "query"),)

    id: Mapped[intpk]
    provider: Mapped[str] = mapped_column(String(50))
    query: Mapped[str] = mapped_column(String(600))
    answer: Mapped[str] = mapped_column(Text)  # JSON: a list of {address, latitude, longitude, raw}
    asked_at: Mapped[dt.datetime] = mapped_column(DateTime)


__all__ = [
    "Base",
    "Source",
    "Actor",
    "ActorAlias",
    "ActorRelation",
    "Location",
    "LocationAlias",
    "Event",
    "EventActor",
    "DatasetRecord",
    "EventRevision",
    "DatasetCoverage",
    "ControlSpan",
    "ControlSnapshot",
    "ControlArea",
    "Assessment",
    "GazetteerPlace",
    "GazetteerName",
    "GeocoderAnswer",
    "actor_sources",
    "location_sources",
    "event_sources",
    "control_sources",
    "relation_sources",
    "control_area_snapshots",
    "REVISION_CHANGES",
]
