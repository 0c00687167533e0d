"""How much the store holds: overall, per dataset, per source.

One record per scope, all with the same keys so that every output format
works: ``scope`` is ``all``, ``dataset acled`` (every file imported from that
dataset together) or a source's key. For a scope narrower than ``all``,
``actors`` and ``places`` count those the scope's sources name (their source
links), ``events`` and ``control_spans`` those whose source it is.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.model.entities import Actor, ControlSpan, Event, Location, Source, actor_sources, location_sources

COLUMNS = ("scope", "kind", "title", "sources", "actors", "places", "events", "control_spans")


def _dataset_of(source: Source) -> str | None:
    """The dataset a dataset-kind source belongs to: the scheme its key begins with (``acled:...``)."""
    if source.kind != "dataset" or ":" not in source.key:
        return None
    return source.key.split(":", 1)[0]


def store_stats(session: Session) -> list[dict]:
    sources = session.scalars(select(Source).order_by(Source.kind, Source.loaded_at, Source.id)).all()

    def grouped(query) -> dict[int, int]:
        return dict(session.execute(query).all())

    events = grouped(select(Event.source_id, func.count()).group_by(Event.source_id))
    spans = grouped(select(ControlSpan.source_id, func.count()).group_by(ControlSpan.source_id))
    actors = grouped(select(actor_sources.c.source_id, func.count()).group_by(actor_sources.c.source_id))
    places = grouped(select(location_sources.c.source_id, func.count()).group_by(location_sources.c.source_id))

    def count(model) -> int:
        return session.execute(select(func.count()).select_from(model)).scalar_one()

    rows = [{
        "scope": "all", "kind": "", "title": "everything in the store", "sources": len(sources),
        "actors": count(Actor), "places": count(Location), "events": count(Event),
        "control_spans": count(ControlSpan),
    }]
    by_dataset: dict[str, list[Source]] = defaultdict(list)
    for s in sources:
        if (name := _dataset_of(s)) is not None:
            by_dataset[name].append(s)
    for name, members in sorted(by_dataset.items()):
        ids = [s.id for s in members]
        distinct_actors = session.scalar(select(func.count(func.distinct(actor_sources.c.actor_id)))
                                         .where(actor_sources.c.source_id.in_(ids)))
        distinct_places = session.scalar(select(func.count(func.distinct(location_sources.c.location_id)))
                                         .where(location_sources.c.source_id.in_(ids)))
        rows.append({
            "scope": f"dataset {name}", "kind": "dataset", "title": f"{len(members)} imported files",
            "sources": len(members), "actors": distinct_actors, "places": distinct_places,
            "events": sum(events.get(i, 0) for i in ids), "control_spans": sum(spans.get(i, 0) for i in ids),
        })
    for s in sources:
        rows.append({
            "scope": s.key, "kind": s.kind, "title": s.title, "sources": 1,
            "actors": actors.get(s.id, 0), "places": places.get(s.id, 0),
            "events": events.get(s.id, 0), "control_spans": spans.get(s.id, 0),
        })
    return rows
