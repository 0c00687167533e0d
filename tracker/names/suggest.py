"""Did you mean...? The names in the store (and the gazetteer) nearest to one that matched nothing.

Fuzzy matching is rapidfuzz's (``WRatio`` over the normalized names, which
weighs partial and reordered matches; plain ``ratio`` for short names): up to five candidates scoring 75 or
more (60 for names of six letters or fewer), best first, each once under its display name.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.model.entities import Actor, ActorAlias, GazetteerPlace, Location, LocationAlias
from tracker.names.normalize import normalize_name

LIMIT = 5
CUTOFF = 75
SHORT, SHORT_CUTOFF = 6, 60


def closest(name: str, choices: Iterable[tuple[str, str]], limit: int = LIMIT) -> list[str]:
    """The display names of up to ``limit`` choices (``(display, text)`` pairs) nearest to ``name``."""
    key = normalize_name(name)
    if not key:
        return []
    by_text: dict[str, set[str]] = {}
    for display, text in choices:
        norm = normalize_name(text)
        if norm:
            by_text.setdefault(norm, set()).add(display)
    # A short name is compared whole (WRatio's partial matching finds it inside any longer name), and
    # one swapped pair of letters costs it much.
    short = len(key) <= SHORT
    from rapidfuzz import fuzz, process  # only when a name is not found: a query command starts without it

    found = process.extract(key, list(by_text), scorer=fuzz.ratio if short else fuzz.WRatio,
                            score_cutoff=SHORT_CUTOFF if short else CUTOFF, limit=limit * 3)
    out: list[str] = []
    for text, _score, _ in found:
        for display in sorted(by_text[text]):
            if display not in out:
                out.append(display)
    return out[:limit]


def similar_actors(session: Session, name: str) -> list[str]:
    rows = session.execute(select(Actor.name, ActorAlias.name).join(ActorAlias, ActorAlias.actor_id == Actor.id))
    return closest(name, rows)


def similar_places(session: Session, name: str, gazetteer: bool = True) -> list[str]:
    rows = list(session.execute(
        select(Location.name, LocationAlias.name).join(LocationAlias, LocationAlias.location_id == Location.id)
    ))
    found = closest(name, rows)
    if gazetteer and len(found) < LIMIT:
        places = session.execute(select(GazetteerPlace.name, GazetteerPlace.country_code))
        more = closest(name, ((f"{n} ({c}, gazetteer)", n) for n, c in places), LIMIT - len(found))
        found += [m for m in more if m not in found]
    return found[:LIMIT]
