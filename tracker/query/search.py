"""Full-text search over event descriptions (ACLED notes, UCDP headlines, report text) and quotes.

``--search "car bomb"`` finds the events whose text holds the words in that
order, any inflection of each ("car bombs", "car bombing"), case and the
whitespace between them ignored. SQLite answers from an FTS5 index with the
Porter stemmer (``event_search``, kept in step with ``events`` by triggers);
PostgreSQL from a GIN index over ``to_tsvector('english', ...)``, whose
Snowball stemmer reduces English words the same way. Both are made by
migration 0008. The text is matched as one phrase: no operators are read
from it, so quotes, hyphens and ``AND`` are words like any other.
"""

from __future__ import annotations

import re

from sqlalchemy import and_, or_, select, text
from sqlalchemy.orm import Session

from tracker.errors import TrackerError
from tracker.model.entities import Event

# The expression the PostgreSQL index is built on (migration 0008); a query must repeat it exactly.
PG_DOCUMENT = "to_tsvector('english', coalesce(events.description, '') || ' ' || coalesce(events.quote, ''))"
_WORD = re.compile(r"\w+", re.UNICODE)


def words(query: str) -> list[str]:
    """The words of a search, as both backends' tokenizers split it."""
    return _WORD.findall(query)


def search_condition(session: Session, query: str):
    """The SQL condition "the event's text holds this phrase"."""
    found = words(query)
    if not found:
        raise TrackerError(f"--search {query!r} has no words to search for")
    if session.get_bind().dialect.name == "postgresql":
        return text(f"{PG_DOCUMENT} @@ phraseto_tsquery('english', :search_phrase)").bindparams(
            search_phrase=" ".join(found))
    phrase = '"' + " ".join(found) + '"'  # an FTS5 phrase: the words in order, each stemmed
    now = Event.id.in_(select(text("rowid")).select_from(text("main.event_search"))
                       .where(text("event_search MATCH :search_phrase").bindparams(search_phrase=phrase)))
    if session.info.get("as_of") is None:
        return now
    # The store as it stood (tracker.query.asof): what stands now where it stood then, and the versions
    # restored by their own index.
    restored = select(text("id")).select_from(text("temp.asof_events"))
    then = Event.id.in_(select(text("rowid")).select_from(text("temp.asof_search"))
                        .where(text("asof_search MATCH :search_phrase_then").bindparams(search_phrase_then=phrase)))
    return or_(and_(now, Event.id.not_in(restored)), then)


__all__ = ["search_condition", "words"]
