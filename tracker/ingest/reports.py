"""Loading structured reports (format ``tracker-report/1``, YAML or JSON).

A report is what one source says: the source and its grading, actors, places,
relations, events, control claims and assessments. See docs/report-format.md.

Loading is idempotent (the same report twice changes nothing: its content hash
is kept on the source) and atomic (the caller's transaction is rolled back on
the first bad record, which is reported with file, line and field). A changed
report with the same id updates its records in place, keyed by their ids, and
removes the ones it no longer contains.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any, TypeVar

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, selectinload

from tracker.errors import AmbiguousName, BadRecord
from tracker.ingest.documents import Document, YAMLCannotReadJSON, stream_document
from tracker.model.dates import BadDate, FuzzyDate, implausible, parse_fuzzy_date
from tracker.model.entities import (
    Actor,
    ActorAlias,
    ActorRelation,
    Assessment,
    ControlSpan,
    Event,
    EventActor,
    Location,
    LocationAlias,
    Source,
    event_sources,
)
from tracker.model.vocabularies import AREA_KINDS
from tracker.names.normalize import normalize_name
from tracker.names.resolve import actor_candidates, actor_ids_named, ancestors, location_candidates, location_ids_named
from tracker.results import Result

FORMAT = "tracker-report/1"
# v1.1: drafts (tracker draft): review and evidence on records, drafted_from on the report.
FORMATS = (FORMAT, "tracker-report/1.1")
# The keyed records a report writes (each has its source and its key within it).
_Keyed = TypeVar("_Keyed", ActorRelation, Event, ControlSpan, Assessment)


@lru_cache(maxsize=1)
def report_schema() -> dict:
    """The JSON Schema every report is validated against."""
    text = (resources.files("tracker") / "schemas" / "report-v1.schema.json").read_text("utf-8")
    return json.loads(text)


@dataclass
class LoadResult(Result):
    """What loading one file did."""

    file: str
    report: str
    status: str  # inserted | updated | unchanged
    changed: dict[str, dict[str, int]] = field(default_factory=dict)  # kind of record -> state -> how many

    def counts(self) -> dict[str, int]:
        """Records by what happened to them (inserted, updated, unchanged, deleted), every kind together."""
        out: dict[str, int] = {}
        for by_state in self.changed.values():
            for state, n in by_state.items():
                out[state] = out.get(state, 0) + n
        return out

    def record(self) -> dict:
        return {"file": self.file, "report": self.report, "status": self.status, **self.counts(),
                "records": self.changed}

    def summary(self) -> str:
        parts = []
        for kind, c in self.changed.items():
            changed = {k: v for k, v in c.items() if v}
            if changed:
                parts.append(f"{kind} " + ", ".join(f"{v} {k}" for k, v in changed.items()))
        detail = "; ".join(parts) if parts else "no records changed"
        return f"{self.file}: report {self.report} {self.status} ({detail})"


def load_reports(session: Session, paths: Iterable[str]) -> list[LoadResult]:
    """Load several report files in the caller's transaction (all or nothing)."""
    return [load_report(session, path) for path in paths]


def load_report(session: Session, path: str) -> LoadResult:
    """Load one report file into the session; raises BadRecord on the first problem."""
    with read_report(path) as report:
        return _Loader(session, report).run()


SECTIONS = ("actors", "places", "relations", "events", "control", "assessments")
BATCH = 1000  # records looked up, written and let go together
SPOOL_IN_MEMORY = 1 << 20  # bytes of a section kept in memory before its spool goes to a temporary file


class ReadReport:
    """A report read once and checked record by record, its records kept on disk (a spooled
    temporary file per section) until they are loaded: memory holds one record at a time."""

    def __init__(self, file: str):
        self.file = file
        self.head: dict[str, Document] = {}  # format, report
        self.spools: dict[str, Any] = {}  # section -> file of "canonical JSON<TAB>lines JSON" lines

    def __enter__(self) -> ReadReport:
        return self

    def __exit__(self, *exc) -> None:
        for spool in self.spools.values():
            spool.close()

    @property
    def report(self) -> dict:
        return self.head["report"].data

    def add(self, section: str, doc: Document) -> None:
        """Keep a checked record of a section, with its lines."""
        lines = json.dumps([[list(p), n] for p, n in doc.lines.items()], separators=(",", ":"))
        self.spools[section].write(f"{_canonical(doc.data)}\t{lines}\n".encode())

    def records(self, section: str) -> Iterator[tuple[int, Document]]:
        """The records of a section in file order, each as a Document with its own lines."""
        spool = self.spools.get(section)
        if spool is None:
            return
        spool.seek(0)
        for i, raw in enumerate(spool):
            data, lines = raw.decode("utf-8").split("\t")
            yield i, Document(self.file, json.loads(data), {tuple(p): n for p, n in json.loads(lines)})

    def digest(self) -> str:
        """The content hash of the whole document, the same as :func:`content_hash` of it built whole."""
        h = hashlib.sha256()
        h.update(b"{")
        for n, key in enumerate(sorted([*self.head, *self.spools])):
            h.update(("," if n else "") .encode() + _canonical(key).encode("utf-8") + b":")
            if key in self.head:
                h.update(_canonical(self.head[key].data).encode("utf-8"))
                continue
            h.update(b"[")
            spool = self.spools[key]
            spool.seek(0)
            for i, raw in enumerate(spool):
                h.update((b"," if i else b"") + raw[: raw.index(b"\t")])
            h.update(b"]")
        h.update(b"}")
        return h.hexdigest()


def read_report(path: str) -> ReadReport:
    """Read and check a report file (schema, ids), one record at a time; see :class:`ReadReport`."""
    try:
        return _read_report(path, whole_json=False)
    except YAMLCannotReadJSON:
        # Valid JSON (checked) that YAML cannot read: read whole, as JSON (lines unknown).
        return _read_report(path, whole_json=True)


def _read_report(path: str, whole_json: bool) -> ReadReport:
    schema = report_schema()
    allowed = schema["properties"]
    report = ReadReport(path)
    # An unknown top-level key is reported once the file has been read through (what YAML itself
    # refuses anywhere in the file, an alias bomb parked under such a key, comes first) or
    # before the next problem found further down.
    unknown: BadRecord | None = None

    def check(doc: Document, validator: _Validator, instance: Any, prefix: tuple) -> None:
        try:
            _check(doc, validator, instance, prefix)
        except BadRecord as exc:
            raise unknown or exc from None

    def take(key: str, line: int, value: Document | Iterator[Document]) -> None:
        nonlocal unknown
        if key not in allowed:
            unknown = unknown or BadRecord(path, line, key, f"unknown field (allowed: {', '.join(sorted(allowed))})")
            return
        if key not in SECTIONS or (isinstance(value, Document) and not isinstance(value.data, list)):
            assert isinstance(value, Document)
            check(value, _validator(key), value.data, (key,))
            report.head[key] = value
            return
        report.spools[key] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        items = value if not isinstance(value, Document) else (
            Document(path, item, _lines_under(value.lines, (key, i))) for i, item in enumerate(value.data))
        item_schema, ids = _validator(key + "[]"), dict[str, int]()
        for i, doc in enumerate(items):
            check(doc, item_schema, doc.data, (key, i))
            ident = doc.data.get("id")
            if ident is not None:
                if ident in ids:
                    raise unknown or doc.error((key, i, "id"), f"duplicate id {ident!r} (first at {key}[{ids[ident]}])")
                ids[ident] = i
            report.add(key, doc)

    try:
        for key, line, value in stream_document(path, frozenset(SECTIONS), whole_json=whole_json):
            if key is not None:
                take(key, line, value)
                continue
            # Not a plain mapping (a tagged one, or not a mapping at all): checked whole, then taken apart.
            assert isinstance(value, Document)
            check(value, _validator(None), value.data, ())
            for k, v in value.data.items():
                take(k, value.line_of((k,)) or 1, Document(path, v, _lines_under(value.lines, (k,))))
        if unknown is not None:
            raise unknown
        for key in schema["required"]:
            if key not in report.head:
                raise BadRecord(path, 1, "", f"{key!r} is a required property")
    except BaseException:
        report.__exit__()
        raise
    return report


def _lines_under(lines: dict, prefix: tuple) -> dict:
    """The lines of the values at ``prefix`` and inside it (at least the nearest enclosing one)."""
    out = {p: n for p, n in lines.items() if p[:len(prefix)] == prefix}
    if prefix not in out:
        for cut in range(len(prefix) - 1, -1, -1):
            if prefix[:cut] in lines:
                out[prefix] = lines[prefix[:cut]]
                break
    return out


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class _Validator:
    """A part of the report schema, checked fast (fastjsonschema compiles it to Python: 10 us an
    event, against 170-400 us for jsonschema) and, when that fails, explained by jsonschema,
    whose errors carry the paths that lines are found by."""

    fast: Callable[[Any], Any]
    full: Draft202012Validator


@cache
def _validator(part: str | None) -> _Validator:
    """The validator of the whole report (None), of one top-level value, or of one item of a section ("events[]")."""
    schema = report_schema()
    if part is None:
        sub = schema
    else:
        sub = schema["properties"][part.removesuffix("[]")]
        if part.endswith("[]"):
            sub = sub["items"]
    whole = _inline(sub, schema["$defs"])
    # The schema uses only keywords whose meaning draft 7 and draft 2020-12 share once $refs are inlined.
    fast = fastjsonschema.compile({**whole, "$schema": "http://json-schema.org/draft-07/schema#"})
    return _Validator(fast, Draft202012Validator(whole))


def _inline(schema: Any, defs: dict) -> Any:
    """The schema with each ``$ref`` to ``#/$defs/...`` replaced by what it names (the defs do not recurse)."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            return {**_inline(defs[schema["$ref"].removeprefix("#/$defs/")], defs), **rest}
        return {k: _inline(v, defs) for k, v in schema.items() if k not in ("$defs", "$id", "$schema")}
    if isinstance(schema, list):
        return [_inline(v, defs) for v in schema]
    return schema


def _check(doc: Document, validator: _Validator, instance: Any, prefix: tuple) -> None:
    """Raise the first problem the validator finds in ``instance`` (at ``prefix``), by line."""
    try:
        validator.fast(instance)
        return
    except fastjsonschema.JsonSchemaException as exc:
        errors = list(validator.full.iter_errors(instance))
        if not errors:  # the two disagree (a "$" before a final newline): refuse, in the fast one's words
            where = tuple(getattr(exc, "path", ["data"])[1:])
            reason = str(exc).removeprefix(getattr(exc, "name", "") + " ")
            raise doc.error(prefix + where, reason) from None

    def path_of(e) -> tuple:
        return prefix + tuple(e.absolute_path)

    errors.sort(key=lambda e: (doc.line_of(path_of(e)) or 0, len(e.absolute_path)))
    first_line = doc.line_of(path_of(errors[0]))
    same_line = [e for e in errors if doc.line_of(path_of(e)) == first_line]
    error = best_match(same_line)
    path = path_of(error)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        raise doc.error(path + (extra[0],), f"unknown field (allowed: {', '.join(sorted(allowed))})")
    if error.validator == "required":
        raise doc.error(path, error.message)
    if error.validator == "pattern":
        what = error.schema.get("description") or "value"
        raise doc.error(path, f"{error.instance!r} is not a valid value: {what}")
    if error.validator in ("const", "enum") and path == ("format",):
        raise doc.error(path, f"unsupported format {error.instance!r}; this tracker reads {' and '.join(FORMATS)}")
    raise doc.error(path, error.message)


def content_hash(data: Any) -> str:
    return hashlib.sha256(_canonical(data).encode("utf-8")).hexdigest()


def _batches(items: Iterable, size: int = BATCH) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _date(doc: Document, path: tuple, value: Any) -> FuzzyDate | None:
    if value is None:
        return None
    try:
        date = parse_fuzzy_date(value)
    except BadDate as exc:
        raise doc.error(path, str(exc)) from None
    if reason := implausible(date.earliest) or implausible(date.latest):
        raise doc.error(path, reason)
    return date


def _grading(value: Any) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if isinstance(value, str):
        return value[0], value[1]
    return value["reliability"], str(value["credibility"])


class _Counter(dict):
    def bump(self, kind: str, what: str) -> None:
        self.setdefault(kind, {"inserted": 0, "updated": 0, "deleted": 0})[what] += 1


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set attributes that differ; true when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


class _Loader:
    """Writes a read report. ``self.doc`` is the record at hand: errors name its lines."""

    def __init__(self, session: Session, report: ReadReport):
        self.session, self.read = session, report
        self.doc = report.head["report"]
        self.counts = _Counter()
        self.actors: dict[str, Actor] = {}  # local id -> actor
        self.places: dict[str, Location] = {}
        self.actor_names: dict[str, set[str]] = {}  # normalized name -> local ids
        self.place_names: dict[str, set[str]] = {}
        self.events: dict[str, int] = {}  # local id -> event id (the events themselves are let go)

    # -- the run ---------------------------------------------------------
    def run(self) -> LoadResult:
        report = self.read.report
        digest = self.read.digest()
        source = self.session.scalar(select(Source).where(Source.key == report["id"]))
        if source is not None and source.content_hash == digest:
            return LoadResult(self.read.file, report["id"], "unchanged")
        status = "inserted" if source is None else "updated"
        self.source = self._source(source, report, digest)
        # Lookups must not flush half-built records one by one (that is most of
        # the cost of a large report): flushes happen where ids are needed.
        with self.session.no_autoflush:
            self._actors()
            self.session.flush()
            self._places()
            self.session.flush()
        self._relations()
        self._events()
        self._control()
        self._assessments()
        self.session.flush()
        return LoadResult(self.read.file, report["id"], status, dict(self.counts))

    # -- source ------------------------------------------------------------
    def _source(self, source: Source | None, report: dict, digest: str) -> Source:
        published = _date(self.doc, ("report", "published"), report.get("published"))
        reliability, credibility = _grading(report.get("grading"))
        values = dict(
            kind="report",
            title=report["title"],
            publisher=report.get("publisher"),
            author=report.get("author"),
            url=report.get("url"),
            published_min=published.earliest if published else None,
            published_max=published.latest if published else None,
            published_precision=published.precision if published else None,
            reliability=reliability,
            credibility=credibility,
            language=report.get("language"),
            notes=report.get("notes"),
            file_name=self.read.file,
            content_hash=digest,
            loaded_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        )
        if source is None:
            source = Source(key=report["id"], first_loaded_at=values["loaded_at"], **values)
            self.session.add(source)
        else:
            _assign(source, values)
        self.session.flush()
        return source

    # -- references ----------------------------------------------------------
    def _ref(self, path: tuple, ref: str, local: dict, local_names: dict, what: str):
        """Resolve a reference: a local id, a name in this report, or a name in the database."""
        if ref in local:
            return local[ref]
        key = normalize_name(ref)
        mine = local_names.get(key, set())
        if len(mine) == 1:
            return local[next(iter(mine))]
        if len(mine) > 1:
            raise self.doc.error(path, f"{what} name {ref!r} is ambiguous in this report: ids {', '.join(sorted(mine))}")
        model: type[Actor] | type[Location]
        if what == "actor":
            ids = actor_ids_named(self.session, [ref])
            model, candidates = Actor, actor_candidates
        else:
            ids = location_ids_named(self.session, [ref])
            model, candidates = Location, location_candidates
        if not ids:
            raise self.doc.error(path, f"unknown {what} {ref!r} (not an id in this report nor a known name)")
        if len(ids) > 1:
            listed = "; ".join(str(c) for c in candidates(self.session, ids))
            raise self.doc.error(path, f"{what} name {ref!r} is ambiguous: {listed}")
        return self.session.get(model, ids.pop())

    def actor_ref(self, path: tuple, ref: str) -> Actor:
        return self._ref(path, ref, self.actors, self.actor_names, "actor")

    def place_ref(self, path: tuple, ref: str) -> Location:
        return self._ref(path, ref, self.places, self.place_names, "place")

    # -- actors ----------------------------------------------------------------
    def _actors(self) -> None:
        for i, doc in self.read.records("actors"):
            self.doc, item = doc, doc.data
            path = ("actors", i)
            names = [item["name"], *item.get("aliases", [])]
            earlier = self.actor_names.get(normalize_name(item["name"]), set())
            if earlier:
                raise self.doc.error(path + ("name",), f"{item['name']!r} is already a name of actor {sorted(earlier)[0]!r} in this report")
            ids = actor_ids_named(self.session, [item["name"]]) or actor_ids_named(self.session, names)
            if len(ids) > 1:
                listed = "; ".join(str(c) for c in actor_candidates(self.session, ids))
                raise self.doc.error(path + ("name",), f"names match several known actors: {listed}")
            # A known actor keeps its canonical name (this report's name becomes an
            # alias); the attributes the report states are taken as the latest word.
            values = {k: item[k] for k in ("kind", "country", "description") if k in item}
            if ids:
                actor = self.session.get_one(Actor, ids.pop())
                if _assign(actor, values):
                    self.counts.bump("actors", "updated")
            else:
                actor = Actor(name=item["name"], sources=[self.source], **{"kind": "other", **values})
                self.session.add(actor)
                self.counts.bump("actors", "inserted")
            self._aliases(actor, names, ActorAlias, "actor_id")
            if actor.id is not None and self.source not in actor.sources:
                actor.sources.append(self.source)
            self.actors[item["id"]] = actor
            for n in names:
                self.actor_names.setdefault(normalize_name(n), set()).add(item["id"])

    def _aliases(self, record, names: list[str], alias_model, fk: str) -> None:
        have = {a.normalized: a for a in record.aliases} if record.id is not None else {}
        wanted: dict[str, str] = {}
        for n in names:
            wanted.setdefault(normalize_name(n), n)
        for key, name in wanted.items():
            if key and key not in have:
                record.aliases.append(alias_model(name=name, normalized=key, source_id=self.source.id))
        for key, alias in have.items():
            if alias.source_id == self.source.id and key not in wanted:
                record.aliases.remove(alias)

    # -- places ------------------------------------------------------------------
    def _places(self) -> None:
        items = list(self.read.records("places"))  # places are few beside events: all at once
        local = {doc.data["id"] for _, doc in items}
        # Parents first: a place may name a parent defined further down the file.
        pending, done = items, set()
        while pending:
            progressed, later = False, []
            for i, doc in pending:
                parent = doc.data.get("parent")
                if parent and parent in local and parent not in done:
                    later.append((i, doc))
                    continue
                self.doc = doc
                self._place(i, doc.data)
                done.add(doc.data["id"])
                progressed = True
            if not progressed:
                i, self.doc = later[0]
                raise self.doc.error(("places", i, "parent"), f"places form a cycle through {self.doc.data['parent']!r}")
            pending = later

    def _place(self, i: int, item: dict) -> None:
        path = ("places", i)
        names = [item["name"], *item.get("aliases", [])]
        parent = self.place_ref(path + ("parent",), item["parent"]) if item.get("parent") else None
        earlier = self.place_names.get(normalize_name(item["name"]), set())
        if earlier and parent is None:
            raise self.doc.error(path + ("name",), f"{item['name']!r} is already a name of place {sorted(earlier)[0]!r} in this report (give a parent to tell them apart)")
        country = item.get("country") or (parent.country_code if parent is not None else None)
        ids = self._same_place(item, names, parent, country)
        if len(ids) > 1:
            listed = "; ".join(str(c) for c in location_candidates(self.session, ids))
            raise self.doc.error(path + ("name",), f"names match several known places: {listed}")
        coords = item.get("coordinates") or {}
        values = {k: item[k] for k in ("kind", "description", "geonames_id") if k in item}
        if parent is not None:
            values["parent"] = parent
        if country:
            values["country_code"] = country
        if coords:
            values.update(latitude=float(coords["lat"]), longitude=float(coords["lon"]),
                          coord_precision=coords.get("precision", "exact"),
                          coord_source=None)  # the report's own point (none from the gazetteer)
        if ids:
            place = self.session.get_one(Location, ids.pop())
            if parent is not None and (parent.id == place.id or place in ancestors(parent)):
                raise self.doc.error(path + ("parent",), f"{item['parent']!r} lies inside {item['name']!r}: a cycle")
            if parent is not None and place.parent_id != parent.id and parent in ancestors(place):
                del values["parent"]  # already filed deeper inside it (a dataset's admin areas): kept there
            if _assign(place, values):
                self.counts.bump("places", "updated")
            if self.source not in place.sources:
                place.sources.append(self.source)
        else:
            place = Location(name=item["name"], sources=[self.source], **{"kind": "other", **values})
            self.session.add(place)
            self.counts.bump("places", "inserted")
        self._aliases(place, names, LocationAlias, "location_id")
        self.places[item["id"]] = place
        for n in names:
            self.place_names.setdefault(normalize_name(n), set()).add(item["id"])

    def _same_place(self, item: dict, names: list[str], parent: Location | None, country: str | None) -> set[int]:
        """The known places this report place is: one of its names, the same kind of place (an area is
        never a town of the same name), inside its parent (at any depth) and in its country."""
        area = item.get("kind", "other") in AREA_KINDS
        found = set()
        for ids in (location_ids_named(self.session, [item["name"]]), location_ids_named(self.session, names)):
            for pid in ids:
                p = self.session.get_one(Location, pid)
                if (p.kind in AREA_KINDS) != area or (area and p.kind != item["kind"]):
                    continue
                if parent is not None and p.parent_id is not None and parent not in ancestors(p):
                    continue
                if country and p.country_code not in (None, country):
                    continue
                found.add(pid)
            if found:
                return found
        return found

    # -- keyed records -------------------------------------------------------------
    def _keyed(self, section: str, model: type[_Keyed], key_of: Callable[[dict], str],
               write: Callable[[int, dict, dict, str], Any], remember: dict[str, int] | None = None,
               insert_new: Callable[[], dict[str, int]] | None = None) -> None:
        """Write a section's records a batch at a time: the batch's stored records are looked up by key,
        written, flushed and let go; the stored records of this source the report no longer holds are deleted."""
        seen: set[str] = set()
        loads: list = [selectinload(model.sources)] if hasattr(model, "sources") else []
        if model is Event:
            loads.append(selectinload(Event.participants))
        for batch in _batches(self.read.records(section)):
            keys = [key_of(doc.data) for _, doc in batch]
            query = select(model).where(model.source_id == self.source.id, model.key.in_(keys)).options(*loads)
            existing = {r.key: r for r in self.session.scalars(query)}
            written = []
            for (i, doc), key in zip(batch, keys, strict=True):
                self.doc = doc
                if key in seen:  # two records without ids that say the same (ids are unique by now)
                    raise doc.error((section, i), f"the same record as an earlier one in {section} ({key}); "
                                                  "give each its own id")
                seen.add(key)
                written.append((key, write(i, doc.data, existing, key)))
            self.session.flush()
            if remember is not None:
                remember.update((key, record.id) for key, record in written if record is not None)
            if insert_new is not None:  # the records write() left to be inserted together (None above)
                ids = insert_new()
                if remember is not None:
                    remember.update(ids)
        self._delete_rest(section, model, seen)

    def _upsert(self, kind: str, model, existing: dict, key: str, values: dict):
        """Insert or update one keyed record; returns it and "inserted", "updated" or "unchanged"."""
        record, state = existing.pop(key, None), "unchanged"
        if record is None:
            extra = {"sources": [self.source]} if hasattr(model, "sources") else {}
            record, state = model(source_id=self.source.id, key=key, **values, **extra), "inserted"
            self.session.add(record)
        else:
            if _assign(record, values):
                state = "updated"
            if hasattr(record, "sources") and self.source not in record.sources:
                record.sources.append(self.source)
        if state != "unchanged":
            self.counts.bump(kind, state)
        return record, state

    def _delete_rest(self, kind: str, model: type[_Keyed], seen: set[str]) -> None:
        rows = self.session.execute(select(model.id, model.key).where(model.source_id == self.source.id))
        stale = [rid for rid, key in rows if key not in seen]
        for batch in _batches(stale):
            for record in self.session.scalars(select(model).where(model.id.in_(batch))):
                self.session.delete(record)
                self.counts.bump(kind, "deleted")
            self.session.flush()

    @staticmethod
    def _window(prefix: str, date: FuzzyDate | None) -> dict:
        return {
            f"{prefix}_min": date.earliest if date else None,
            f"{prefix}_max": date.latest if date else None,
            f"{prefix}_precision": date.precision if date else None,
        }

    def _period(self, path: tuple, item: dict) -> dict:
        start = _date(self.doc, path + ("from",), item.get("from"))
        end = _date(self.doc, path + ("until",), item.get("until"))
        if start is not None and end is not None and end.latest <= start.earliest:
            raise self.doc.error(path + ("until",), f"period ends ({end}) before it starts ({start})")
        return {**self._window("start", start), **self._window("end", end)}

    def _relations(self) -> None:
        def key_of(item: dict) -> str:
            return item.get("id") or f"{item['actor']}|{item['type']}|{item['other']}|{item.get('from')}|{item.get('until')}"

        def write(i: int, item: dict, existing: dict, key: str):
            path = ("relations", i)
            actor = self.actor_ref(path + ("actor",), item["actor"])
            other = self.actor_ref(path + ("other",), item["other"])
            if actor.id == other.id:
                raise self.doc.error(path + ("other",), "an actor cannot be related to itself")
            values = {"actor_id": actor.id, "kind": item["type"], "other_id": other.id,
                      "certainty": item.get("certainty", "reported"), "quote": item.get("quote"),
                      "review": item.get("review"), **self._period(path, item)}
            return self._upsert("relations", ActorRelation, existing, key, values)[0]

        self._keyed("relations", ActorRelation, key_of, write)

    def _events(self) -> None:
        def write(i: int, item: dict, existing: dict, key: str):
            path = ("events", i)
            date = _date(self.doc, path + ("date",), item["date"])
            assert date is not None  # the schema requires an event's date
            place = self.place_ref(path + ("place",), item["place"]) if item.get("place") else None
            fat = item.get("fatalities")
            if isinstance(fat, int):
                fat = {"low": fat, "best": fat, "high": fat}
            fat = fat or {}
            low, best, high = fat.get("low"), fat.get("best"), fat.get("high")
            present = [v for v in (low, best, high) if v is not None]
            if present != sorted(present):
                raise self.doc.error(path + ("fatalities",), "fatalities must satisfy low <= best <= high")
            values = {
                "date_start": date.earliest, "date_end": date.latest, "date_precision": date.precision,
                "event_type": item["type"], "sub_type": item.get("sub_type"),
                "location_id": place.id if place is not None else None,
                "fatalities_low": low, "fatalities_best": best, "fatalities_high": high,
                "certainty": item.get("certainty", "reported"),
                "description": item.get("description"), "quote": item.get("quote"),
                "review": item.get("review"),
            }
            wanted: list[tuple[int, str, int]] = []
            for j, p in enumerate(item.get("actors", [])):
                actor = self.actor_ref(path + ("actors", j, "actor"), p["actor"])
                if (actor.id, p["role"]) in {(a, r) for a, r, _ in wanted}:
                    raise self.doc.error(path + ("actors", j), "the same actor is listed twice in one role")
                wanted.append((actor.id, p["role"], j))
            if key not in existing:  # a new event: inserted with the batch's others, in a few statements
                new.append((key, values, wanted))
                self.counts.bump("events", "inserted")
                return None
            event, state = self._upsert("events", Event, existing, key, values)
            current = [] if state == "inserted" else sorted((ea.actor_id, ea.role, ea.position) for ea in event.participants)
            if current != sorted(wanted):
                if current:
                    event.participants.clear()
                    self.session.flush()
                for actor_id, role, position in wanted:
                    event.participants.append(EventActor(actor_id=actor_id, role=role, position=position))
                if state == "unchanged":
                    self.counts.bump("events", "updated")
            return event

        new: list[tuple[str, dict, list[tuple[int, str, int]]]] = []

        def insert_new() -> dict[str, int]:
            if not new:
                return {}
            rows = [{"source_id": self.source.id, "key": key, **values} for key, values, _ in new]
            # The ORM inserts one row per statement on SQLite (it has no sentinel to match RETURNING
            # rows to objects by); here the key returned with each id matches them.
            ids = dict(self.session.execute(insert(Event).returning(Event.key, Event.id), rows).all())
            self.session.execute(insert(event_sources), [{"event_id": ids[key], "source_id": self.source.id}
                                                         for key, _, _ in new])
            participants = [{"event_id": ids[key], "actor_id": a, "role": r, "position": n}
                            for key, _, wanted in new for a, r, n in wanted]
            if participants:
                self.session.execute(insert(EventActor), participants)
            new.clear()
            return ids

        self._keyed("events", Event, lambda item: item["id"], write, remember=self.events, insert_new=insert_new)

    def _event_ref(self, path: tuple, key: str | None) -> int | None:
        if key is None:
            return None
        if key not in self.events:
            raise self.doc.error(path, f"no event with id {key!r} in this report")
        return self.events[key]

    def _control(self) -> None:
        def key_of(item: dict) -> str:
            status = item.get("status", "held")
            return item.get("id") or f"{item['place']}|{item['holder']}|{status}|{item.get('from')}|{item.get('until')}"

        def write(i: int, item: dict, existing: dict, key: str):
            path = ("control", i)
            place = self.place_ref(path + ("place",), item["place"])
            holder = self.actor_ref(path + ("holder",), item["holder"])
            values = {
                "location_id": place.id, "actor_id": holder.id, "status": item.get("status", "held"),
                "begun_by_id": self._event_ref(path + ("begun_by",), item.get("begun_by")),
                "ended_by_id": self._event_ref(path + ("ended_by",), item.get("ended_by")),
                "certainty": item.get("certainty", "reported"), "quote": item.get("quote"),
                "review": item.get("review"), **self._period(path, item),
            }
            return self._upsert("control", ControlSpan, existing, key, values)[0]

        self._keyed("control", ControlSpan, key_of, write)

    def _assessments(self) -> None:
        def write(i: int, item: dict, existing: dict, key: str):
            path = ("assessments", i)
            actor = self.actor_ref(path + ("actor",), item["actor"]) if item.get("actor") else None
            place = self.place_ref(path + ("place",), item["place"]) if item.get("place") else None
            values = {
                "statement": item["statement"], "certainty": item["certainty"], "quote": item.get("quote"),
                "review": item.get("review"),
                "event_id": self._event_ref(path + ("event",), item.get("event")),
                "actor_id": actor.id if actor else None,
                "location_id": place.id if place else None,
            }
            return self._upsert("assessments", Assessment, existing, key, values)[0]

        self._keyed("assessments", Assessment, lambda item: item["id"], write)


__all__ = ["load_report", "load_reports", "read_report", "report_schema", "content_hash", "LoadResult", "AmbiguousName"]
