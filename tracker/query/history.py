"""What an imported event said over time: its versions, its deletions, the one standing at a date.

The version that stands is the event itself (with its dataset record); every
other version an export gave, and every deletion, is an
:class:`~tracker.model.entities.EventRevision` (tracker.ingest.versions says which stands).
A history lists them in the data's own time: each version from its clock
(ACLED's ``timestamp``, else its export's date) until the next entry's, with
consecutive versions of the same content shown once.

>>> store.event_history("LBY1234")                 # doctest: +SKIP
>>> store.event_history("2460RTA@2016", as_of="2016-03-01")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import AmbiguousName, Candidate, TrackerError, UnknownName
from tracker.ingest.identity import day_stamp, parse_ident, stamp_text
from tracker.ingest.versions import as_date, snapshot_versions
from tracker.model.dates import parse_fuzzy_date
from tracker.model.entities import DatasetRecord, Event, EventRevision, Source
from tracker.model.limits import ID_MAX

# Fields compared between versions, in the order a reader expects them.
VERSION_FIELDS = ("date", "event_type", "sub_type", "place", "latitude", "longitude", "actors", "fatalities_low", "fatalities_best",
                  "fatalities_high", "description", "cited", "attributes")
SCHEMES = ("acled", "ucdp")


# -- finding an imported event ------------------------------------------------------------------
def _split_scheme(ident: str) -> tuple[str | None, str]:
    text = ident.strip()
    if ":" in text:
        scheme, _, rest = text.partition(":")
        if scheme.lower() in SCHEMES:
            return scheme.lower(), rest.strip()
    return None, text


def find_history_subject(session: Session, ident: str) -> tuple[int | None, str, str]:
    """(live event id or None, scheme, key) of ``#ID``, ``LBY1234``, ``acled:LBY1234`` or ``2460RTA@2016``."""
    text = ident.strip()
    if text.startswith("#") and text[1:].isdigit():
        event = session.get(Event, int(text[1:])) if int(text[1:]) <= ID_MAX else None  # (no record has more)
        if event is None:
            raise UnknownName("event", ident)
        own_key = event.external_key or event.external_id
        if event.external_scheme is None or own_key is None:
            raise TrackerError(f"event {ident} was not imported from a dataset: it has no versions to show")
        return event.id, event.external_scheme, own_key
    scheme, rest = _split_scheme(text)
    ext, release = parse_ident(rest.split("~", 1)[0])
    exact_key = rest if "~" in rest else None
    found: dict[tuple[str, str], tuple[int | None, str | None, dt.date | None]] = {}

    def where(model):
        conds = [model.external_id == ext]
        if scheme:
            conds.append(model.external_scheme == scheme)
        if release:
            conds.append(model.external_release == release)
        if exact_key:
            conds.append(model.external_key == exact_key)
        return conds

    live = session.execute(
        select(Event.id, Event.external_scheme, Event.external_key, DatasetRecord.country, DatasetRecord.recorded_date)
        .outerjoin(DatasetRecord, DatasetRecord.event_id == Event.id).where(*where(Event))).all()
    for live_id, live_scheme, live_key, country, recorded in live:
        if live_scheme is not None:  # (an event with an external id was imported: it has its scheme)
            found[(live_scheme, live_key or ext)] = (live_id, country, as_date(recorded))
    gone = session.execute(
        select(EventRevision.external_scheme, EventRevision.external_key, EventRevision.country,
               EventRevision.recorded_date).where(*where(EventRevision))).all()
    for gone_scheme, gone_key, country, recorded in gone:
        found.setdefault((gone_scheme, gone_key), (None, country, as_date(recorded)))
    if not found:
        raise UnknownName("imported event", ident)
    if len(found) > 1:
        listed = []
        for (s, key), (eid, country, recorded) in sorted(found.items()):
            label = f"{s}:{key}"
            listed.append(Candidate(eid or 0, label, "deleted" if eid is None else "event",
                                    ", ".join(x for x in (country, recorded.isoformat() if recorded else None) if x)))
        raise AmbiguousName("event id", ident, listed)
    (s, key), (eid, _, _) = next(iter(found.items()))
    return eid, s, key


# -- the history ------------------------------------------------------------------------------------
def _entries(session: Session, event_id: int | None, scheme: str, key: str) -> list[dict]:
    sources = {s.id: (s.title, s.export_stamp) for s in session.scalars(select(Source).where(Source.kind == "dataset"))}
    entries = []
    for rev in session.scalars(select(EventRevision).where(EventRevision.external_scheme == scheme,
                                                           EventRevision.external_key == key)):
        title, export = sources.get(rev.source_id, ("", None)) if rev.source_id is not None else ("", None)
        entries.append({"stamp": rev.stamp, "export": export, "hash": rev.content_hash or "", "status": rev.change,
                        "source": title, "content": json.loads(rev.content) if rev.content else {}})
    if event_id is not None:
        current = snapshot_versions(session.connection(), [event_id]).get(event_id)
        if current is not None:
            title, export = sources.get(current["source_id"], ("", None))
            entries.append({"stamp": current["stamp"], "export": export, "hash": current["content"]["content_hash"],
                            "status": "current", "source": title, "content": current["content"]})
    # The data's time: versions by (clock, export, hash); a deletion at its clock, after a version of the same second.
    entries.sort(key=lambda x: (x["stamp"], x["status"] == "deleted",
                                x["export"] if x["export"] is not None else x["stamp"], x["hash"]))
    if event_id is not None:  # the standing version last among versions, whatever the clocks
        standing = [x for x in entries if x["status"] == "current"]
        entries = [x for x in entries if x["status"] != "current" and
                   not (x["status"] == "deleted" and standing and x["stamp"] >= standing[0]["stamp"])] + standing + [
            x for x in entries if x["status"] == "deleted" and standing and x["stamp"] >= standing[0]["stamp"]]
    collapsed: list[dict] = []
    for x in entries:
        last = collapsed[-1] if collapsed else None
        if (last is not None and x["status"] != "deleted" and last["status"] != "deleted"
                and last["hash"] == x["hash"]):
            if x["status"] == "current":
                last["status"] = "current"
            last.setdefault("also", []).append(x["source"])
            continue
        collapsed.append(dict(x))
    return collapsed


def event_history(session: Session, ident: str) -> list[dict]:
    """Every version and deletion of an imported event in the data's time, each saying what changed."""
    return _history(session, ident)[1]


def _history(session: Session, ident: str) -> tuple[list[dict], list[dict]]:
    event_id, scheme, key = find_history_subject(session, ident)
    entries = _entries(session, event_id, scheme, key)
    records: list[dict] = []
    previous: dict[str, Any] | None = None
    for n, x in enumerate(entries, 1):
        following = entries[n] if n < len(entries) else None
        c = x["content"]
        status = x["status"]
        if status == "version":
            status = "superseded"
        if status == "deleted":
            changed = "(deleted)"
            reason = c.get("reason", "")
        else:
            changed = ("(first version)" if previous is None else
                       "(restored)" if previous.get("deleted") else
                       ", ".join(f for f in VERSION_FIELDS if previous.get(f) != c.get(f)) or "(no change)")
            reason = ""
        shown = c if status != "deleted" else (previous or {})
        records.append({
            "version": n,
            "id": f"{scheme}:{key}",
            "valid_from": stamp_text(x["stamp"]),
            "valid_until": stamp_text(following["stamp"]) if following else "",
            "status": status,
            "changed": changed,
            "date": shown.get("date") if status != "deleted" else "",
            "type": shown.get("event_type") if status != "deleted" else "",
            "sub_type": (shown.get("sub_type") or "") if status != "deleted" else "",
            "place": (shown.get("place") or "") if status != "deleted" else "",
            "actors": "; ".join(shown.get("actors") or []) if status != "deleted" else "",
            "fatalities_best": shown.get("fatalities_best") if status != "deleted" else None,
            "description": (shown.get("description") or "") if status != "deleted" else reason,
            "cited": (shown.get("cited") or "") if status != "deleted" else "",
            "export": stamp_text(x["export"]),
            "source": x["source"] + (f" (also {'; '.join(x['also'])})" if x.get("also") else ""),
        })
        previous = {"deleted": True} if status == "deleted" else c
    return entries, records


def version_as_of(session: Session, ident: str, at) -> dict:
    """The entry of an imported event's history that stood at the end of ``at`` (in the data's time)."""
    end = day_stamp(parse_fuzzy_date(at).latest)
    entries, history = _history(session, ident)
    standing = None
    for version, entry in zip(history, entries, strict=True):
        if entry["stamp"] <= end:
            standing = version
    if standing is None:
        first = history[0]["valid_from"] if history else "never"
        raise TrackerError(f"{ident} was not yet in the data at the end of {at} (first version {first})")
    if standing["status"] == "deleted":
        raise TrackerError(f"{standing['id']} was deleted on {standing['valid_from']}, before the end of {at}")
    return standing
