"""Who is who in an event's notes: the participants and the words that name them.

Event notes name the sides in many ways: by a participant's name or alias
("Shura Council of Darnah Mujahidin"), its acronym ("SPLA/M-IO"), a telling
word of its name ("Shabaab"), an umbrella or affiliate's name (the "Derna
Shura Council" for the Abu Salim Martyrs Brigade), or, for a state's forces
when only one side is one, "the military". :class:`Mentions` finds them in a
sentence; :func:`subject_of` and :func:`agent_after` tell who does what a verb
says. tracker.control.transfers (who gained) and tracker.control.ground
(whether the gain lasted) read the notes with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from tracker.names.normalize import normalize_name

STATE_KINDS = {"state forces", "external force"}


SIDE_OF_ROLE = {"actor1": 1, "assoc_actor1": 1, "perpetrator": 1, "actor2": 2, "assoc_actor2": 2, "target": 2}


# -- who is who in the notes ---------------------------------------------------------
@dataclass
class Participant:
    """An actor taking part in an event, with the names that count as mentions of it."""

    actor_id: int
    name: str
    role: str
    kind: str = "other"
    names: list[str] = field(default_factory=list)  # aliases
    relatives: list[str] = field(default_factory=list)  # names of related actors (umbrella, affiliates)

    @property
    def side(self) -> int | None:
        return SIDE_OF_ROLE.get(self.role)


_GENERIC_STATE = ("military", "army", "soldiers", "troops", "government forces", "security forces",
                  "government", "armed forces", "police")


_STOP_TOKENS = {
    "forces", "force", "military", "police", "army", "group", "groups", "brigade", "brigades", "battalion",
    "militia", "militias", "council", "front", "movement", "party", "people", "peoples", "liberation",
    "state", "states", "islamic", "national", "armed", "unidentified", "the", "and", "for", "of", "with",
    "republic", "democratic", "united", "union", "mission", "communal", "ethnic", "special", "security",
    "defense", "defence", "resistance", "popular", "government", "province", "rebels", "protesters",
    "rioters", "civilians", "unknown", "regional", "supreme", "political", "tribal", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}


_ANTI = re.compile(r"\banti[\s\-]?$", re.IGNORECASE)


_WORD = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)


@lru_cache(maxsize=1 << 14)
def _variants(name: str) -> frozenset[str]:
    """A name as notes may write it: without "(2012-)", either side of "A: B", ..."""
    out = set()
    name = " ".join(name.split())
    stack = [name]
    while stack:
        n = stack.pop().strip(" -:")
        if not n or n in out:
            continue
        out.add(n)
        stripped = re.sub(r"\s*\([^()]*\)\s*$", "", n)
        if stripped != n:
            stack.append(stripped)
        if ":" in n:
            head, _, tail = n.partition(":")
            stack.extend([head, tail])
    return frozenset(out)


@lru_cache(maxsize=1 << 14)
def _initials(name: str) -> str | None:
    words = [w for w in re.split(r"[\s\-]+", re.sub(r"\([^)]*\)", "", name)) if w]
    caps = [w for w in words if w[:1].isupper() and w.lower() not in ("of", "the", "and", "al", "el")]
    if 2 <= len(caps) <= 5 and len(caps) == len([w for w in words if w.lower() not in ("of", "the", "and")]):
        return "".join(w[0] for w in caps)
    return None


# Compiled once per name: the notes of every transfer event are read with the patterns of its
# actors, and re's own cache (512 patterns) is far smaller than a dataset's names.
@lru_cache(maxsize=1 << 15)
def _phrase_regex(text: str, case_sensitive: bool) -> re.Pattern:
    parts = [re.escape(p).replace("'", "['’]?").replace("’", "['’]?") for p in re.split(r"[\s\-]+", text) if p]
    body = r"[\s\-]+".join(parts)
    return re.compile(r"(?<![\w])" + body + r"(?![\w])", 0 if case_sensitive else re.IGNORECASE)


@lru_cache(maxsize=1 << 15)
def _token_regex(word: str) -> re.Pattern:
    """The first letter as written ("Shabaab", not "shabaab"), the rest in any case."""
    return re.compile(r"(?<![\w])" + re.escape(word[0]) + "(?i:" + re.escape(word[1:]) + ")" + r"(?![\w])")


@dataclass
class Mention:
    side: int
    start: int
    end: int
    specific: bool  # a name, alias or acronym; not "the military"


class Mentions:
    """Finds the sides' mentions in a text."""

    def __init__(self, participants: list[Participant], place_names: Iterable[str] = ()):
        self.patterns: list[tuple[int, re.Pattern, bool]] = []
        place_tokens = {normalize_name(w) for p in place_names for w in _WORD.findall(p)}
        tokens_by_side: dict[int, set[str]] = {}
        generic_by_side: dict[int, bool] = {}
        for p in participants:
            if p.side is None:
                continue
            names = {p.name, *p.names, *p.relatives}
            for n in names:
                for v in _variants(n):
                    short = len(v) <= 6 and v.replace(".", "").replace("/", "").isupper()
                    if len(v) < 2:
                        continue
                    self.patterns.append((p.side, _phrase_regex(v, case_sensitive=short), True))
                    ini = _initials(v)
                    if ini and len(ini) >= 2:
                        self.patterns.append((p.side, _phrase_regex(ini, case_sensitive=True), True))
                    for w in _WORD.findall(v):
                        key = normalize_name(w)
                        if len(w) >= 4 and key not in _STOP_TOKENS and key not in place_tokens and w[:1].isupper():
                            tokens_by_side.setdefault(p.side, set()).add(w)
            if p.kind in STATE_KINDS or re.match(r"(military|police) forces of", p.name, re.IGNORECASE):
                generic_by_side[p.side] = True
        # A token both sides share ("Yemen") names neither.
        shared = set.intersection(*tokens_by_side.values()) if len(tokens_by_side) > 1 else set()
        for side, tokens in tokens_by_side.items():
            for w in tokens - shared:
                self.patterns.append((side, _token_regex(w), True))
        generic_sides = [s for s, g in generic_by_side.items() if g]
        if len(generic_sides) == 1:  # "the military" says nothing when both sides are states
            for g in _GENERIC_STATE:
                self.patterns.append((generic_sides[0], _phrase_regex(g, case_sensitive=False), False))

    def find(self, text: str) -> list[Mention]:
        found = []
        for side, pattern, specific in self.patterns:
            for m in pattern.finditer(text):
                if _ANTI.search(text, 0, m.start()):
                    continue  # "anti-ISIS forces" are ISIS's enemies, not ISIS
                found.append(Mention(side, m.start(), m.end(), specific))
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        return found


_FINDERS: dict[tuple, Mentions] = {}


def mentions_of(participants: list[Participant], place_names: Iterable[str] = ()) -> Mentions:
    """The :class:`Mentions` of these participants and places, made once for each combination: an
    event's notes are read twice (who gained, whether it lasted), and the same sides meet in many
    events."""
    places = tuple(place_names)
    key = (tuple((p.side, p.name, p.kind, tuple(p.names), tuple(p.relatives)) for p in participants), places)
    finder = _FINDERS.get(key)
    if finder is None:
        if len(_FINDERS) >= 4096:
            _FINDERS.clear()
        finder = _FINDERS[key] = Mentions(participants, places)
    return finder


_OBJECT_MARK = re.compile(
    r"\b(?:against|from|with|on|of|at|between|to)\s+(?:the\s+|al\s+|an\s+|a\s+)?$", re.IGNORECASE
)


# "cleared ISIS from central Derna and captured its headquarters": the name right after a verb of
# fighting or taking is its object, not the subject of the next verb.
_AFTER_VERB = re.compile(
    r"\b(?:cleared|captured|recaptured|attacked|expelled|ousted|defeated|repelled|routed|ambushed|besieged|"
    r"surrounded|engaged|fought|drove|pushed|targeted|killed|overran|dislodged|evicted)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


_CLAUSE_START = re.compile(
    r"[;:]|,\s+(?:and|but|while|after|before|following|when|until|then)\b"
    r"|\b(?:after|following|while|before|but|when|until|which|who|whereas)\b",
    re.IGNORECASE,
)


_SUBJECT_REACH = 60  # characters between a subject and its verb, at most


SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


def clause_start(sentence: str, verb_start: int) -> int:
    start = 0
    for m in _CLAUSE_START.finditer(sentence, 0, verb_start):
        start = m.end()
    return start


def subject_of(mentions: list[Mention], sentence: str, verb_start: int, verb: str = "") -> Mention | None:
    """Who does the verb: the nearest mention before it in its clause that is not an object.

    A participle after a comma ("..., overtaking X") belongs to the sentence's
    subject, its first mention.
    """
    if verb.lower().endswith("ing") and sentence[:verb_start].rstrip().endswith(","):
        first = [m for m in mentions if m.end <= verb_start and not _OBJECT_MARK.search(sentence[:m.start])]
        specific = [m for m in first if m.specific]
        return (specific or first)[0] if first else None
    begin = clause_start(sentence, verb_start)
    before = [m for m in mentions if begin <= m.start and m.end <= verb_start
              and verb_start - m.end <= _SUBJECT_REACH
              and not _OBJECT_MARK.search(sentence[begin:m.start])
              and not _AFTER_VERB.search(sentence[begin:m.start])]
    if not before:
        return None
    nearest = before[-1]
    if not nearest.specific:
        # "SPLA/M-IO troops": a name right before a generic word is the subject.
        named = [m for m in before if m.specific and 0 <= nearest.start - m.end <= 15]
        if named:
            return named[-1]
    return nearest


def agent_after(mentions: list[Mention], end: int, limit: int = 80) -> Mention | None:
    after = [m for m in mentions if end <= m.start <= end + limit]
    specific = [m for m in after if m.specific]
    return (specific or after)[0] if after else None


def lead(participants: list[Participant], side: int) -> Participant | None:
    main = [p for p in participants if p.side == side and p.role in ("actor1", "actor2", "perpetrator", "target")]
    rest = [p for p in participants if p.side == side]
    return (main or rest)[0] if rest else None
