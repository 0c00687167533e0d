"""How close a draft is to a hand-made report of the same text: precision and recall per kind of record.

* actors and places match when they share a name (name or alias, normalized);
* events match when their types are equal, their date windows overlap and their places
  are the same place (through the place matches);
* relations match on (actor, type, other); control claims on (holder, place, status) and
  the period's two ends (the first day of each, or both open);
* certainty: of the matched events, relations and claims, the share whose certainty is the same.

Each drafted record matches at most one expected record (first come, first matched).
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.model.dates import parse_fuzzy_date
from tracker.names.normalize import normalize_name

KINDS = ("actors", "places", "events", "relations", "control")


@dataclass
class Score:
    kind: str
    drafted: int
    expected: int
    matched: int

    @property
    def precision(self) -> float:
        return self.matched / self.drafted if self.drafted else (1.0 if not self.expected else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    def record(self) -> dict:
        return {"kind": self.kind, "drafted": self.drafted, "expected": self.expected, "matched": self.matched,
                "precision": round(self.precision, 3), "recall": round(self.recall, 3)}


def _names(item: dict) -> set[str]:
    return {normalize_name(n) for n in [item.get("name", ""), *item.get("aliases", [])] if n}


def _entities(drafted: list[dict], expected: list[dict]) -> dict[str, str]:
    """Drafted id -> expected id, by shared names."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for d in drafted:
        for e in expected:
            if e["id"] not in used and _names(d) & _names(e):
                out[d["id"]] = e["id"]
                used.add(e["id"])
                break
    return out


def _ref(value, mapping: dict[str, str], items: list[dict]) -> str | None:
    """A record's reference (an id of its file, or a name) as the expected file's id."""
    if value is None:
        return None
    if value in mapping:
        return mapping[value]
    for e in items:  # a name the store knew
        if normalize_name(value) in _names(e) or value == e["id"]:
            return e["id"]
    return value


def _window(value) -> tuple | None:
    if value is None:
        return None
    d = parse_fuzzy_date(str(value))
    return d.earliest, d.latest


def _first(value):
    w = _window(value)
    return w[0] if w else None


def compare(drafted: dict, expected: dict) -> tuple[list[Score], dict]:
    """Scores of each kind, and the certainty agreement of the matched records."""
    scores = []
    actors = _entities(drafted.get("actors", []), expected.get("actors", []))
    places = _entities(drafted.get("places", []), expected.get("places", []))
    ex_actors, ex_places = expected.get("actors", []), expected.get("places", [])
    for kind, mapping in (("actors", actors), ("places", places)):
        scores.append(Score(kind, len(drafted.get(kind, [])), len(expected.get(kind, [])), len(mapping)))
    same_certainty = compared = 0

    def match(kind: str, key_of) -> None:
        nonlocal same_certainty, compared
        used: set[int] = set()
        matched = 0
        for d in drafted.get(kind, []):
            for i, e in enumerate(expected.get(kind, [])):
                if i not in used and key_of(d, e):
                    used.add(i)
                    matched += 1
                    compared += 1
                    same_certainty += d.get("certainty", "reported") == e.get("certainty", "reported")
                    break
        scores.append(Score(kind, len(drafted.get(kind, [])), len(expected.get(kind, [])), matched))

    def event_match(d: dict, e: dict) -> bool:
        a, b = _window(d["date"]), _window(e["date"])
        return (d["type"] == e["type"] and a is not None and b is not None and a[0] <= b[1] and b[0] <= a[1]
                and _ref(d.get("place"), places, ex_places) == e.get("place"))

    def relation_match(d: dict, e: dict) -> bool:
        return (_ref(d["actor"], actors, ex_actors), d["type"], _ref(d["other"], actors, ex_actors)) == \
            (e["actor"], e["type"], e["other"])

    def control_match(d: dict, e: dict) -> bool:
        return ((_ref(d["holder"], actors, ex_actors), _ref(d["place"], places, ex_places),
                 d.get("status", "held")) == (e["holder"], e["place"], e.get("status", "held"))
                and _first(d.get("from")) == _first(e.get("from")) and _first(d.get("until")) == _first(e.get("until")))

    match("events", event_match)
    match("relations", relation_match)
    match("control", control_match)
    certainty = {"compared": compared, "same": same_certainty,
                 "agreement": round(same_certainty / compared, 3) if compared else 1.0}
    return scores, certainty
