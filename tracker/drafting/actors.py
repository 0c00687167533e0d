"""Actors in prose: the store's names, names the text defines, affiliates and residents; and relations.

Found, in this order:

* **definitions**: a name with its acronym in brackets, "Abu Salim Martyrs Brigade (ASMB)",
  "Mujahedeen Shura Council of Derna (MSC Derna)": a new actor, the acronym its alias (a
  store actor of either name is used instead of a new one);
* **organisation names** without an acronym: a capitalised run ending in a word such as
  Brigade, Council, Front, Army, Forces, Group, Movement, Militia ("Libyan National Army");
* **affiliates**: "ISIS's affiliate in Libya" (also branch, wing, province) is an actor of its own,
  an ``affiliate_of`` the parent; in a report whose places lie in that country, the parent's
  bare name ("ISIS") is read as the affiliate (the report is about the local branch);
* **residents**: "Derna's residents", "residents of Derna" (civilians; protesters when they
  demonstrate);
* the **store's** actors, through every alias.

Relations come from the descriptions around the names (:func:`find_relations`):
"an umbrella group controlled by ASMB" (controlled_by, and ASMB member_of it), "the
al-Qaeda-associated LIFG" (associated_with), "X-backed" (supported_by), "X-aligned"
(allied_with), "ASMB leader Nasser al-Aker, who was a senior member of the LIFG"
(the group associated_with the other, through its leader), "declaring jihad on ISIS"
(hostile_to, from that day), "may have been armed by ASMB" (supported_by).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from tracker.drafting.names import POSSESSIVE, names_pattern, slug, unique_key
from tracker.names.normalize import normalize_name

CONNECTORS = {"of", "the", "and", "for", "in", "de", "du", "des", "el", "al", "wa", "&"}
HEADS = {"brigade", "brigades", "council", "front", "army", "forces", "force", "group", "movement", "party", "militia",
         "militias", "battalion", "battalions", "committee", "organization", "organisation", "units", "guard",
         "guards", "coalition", "alliance", "division", "regiment", "corps", "state", "government", "police",
         "ministry", "command", "operations room", "jabhat", "mobilization", "mobilisation", "network"}
STATE_WORDS = re.compile(r"\b(?:Army|Armed Forces|Military|Police|Government|Ministry|National Guard|Air Force|"
                         r"Navy|Gendarmerie)\b")
# Rebels call themselves armies too: "Free Syrian Army", "Kosovo Liberation Army".
NOT_STATE_WORDS = re.compile(r"\b(?:Free|Liberation|Revolutionary|Islamic|Resistance|Rebel|Mujah\w+|Front|Popular|"
                             r"People's|Salvation|Jihad\w*|Shura|Brigades?|Militias?|Movement)\b")


def is_state(name: str) -> bool:
    """Whether a name reads as a state's force (a government, its army or police), not a rebel 'army'."""
    return bool(STATE_WORDS.search(name)) and not NOT_STATE_WORDS.search(name)


_DESCRIPTOR = re.compile(r"^(?P<x>.+?)-(?P<how>associated|linked|affiliated|backed|aligned|allied|led|supported)$")
DESCRIPTOR_RELATION = {"associated": "associated_with", "linked": "associated_with", "affiliated": "affiliate_of",
                       "backed": "supported_by", "supported": "supported_by", "aligned": "allied_with",
                       "allied": "allied_with", "led": "controlled_by"}
_WORD = re.compile(r"[\w’'-]+|\S")


@dataclass
class ActorRecord:
    key: str
    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str | None = None
    country: str | None = None
    known: bool = False  # a store actor: referenced by its name, not written
    start: int = 0  # the sentence it was first found in
    end: int = 0
    decided: dict[str, str] = field(default_factory=dict)
    parent: str | None = None  # an affiliate: the parent's key
    theatre: str | None = None  # an affiliate: the country it is the parent's branch in (ISO alpha-2)

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass(frozen=True)
class ActorMention:
    start: int
    end: int
    key: str
    words: str
    possessive: bool = False
    anti: bool = False  # "anti-ISIS forces": the actors hostile to ``key``, not ``key``


@dataclass(frozen=True)
class RelationFound:
    actor: str
    kind: str
    other: str
    start: int  # the phrase that says it, in the whole text
    end: int
    words: str
    certainty: str = "reported"
    date: str | None = None


def _tokens_before(text: str, end: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text, 0, end)]


def _capitalised(word: str) -> bool:
    w = word.removeprefix("al-").removeprefix("el-").removeprefix("Al-")
    return bool(w) and (w[0].isupper() or w[0].isdigit())


def name_before(text: str, end: int) -> tuple[int, str] | None:
    """The capitalised name that ends at ``end`` ("... assassinated Abu Salim Martyrs Brigade"), with its start."""
    tokens = _tokens_before(text, end)
    run: list[tuple[int, int, str]] = []
    for token in reversed(tokens):
        w = token[2]
        if _DESCRIPTOR.match(w) or not (_capitalised(w) or w.lower() in CONNECTORS):
            break
        run.insert(0, token)
    while run and run[0][2].lower() in CONNECTORS:  # "The Islamic State ..." -> "Islamic State ..."
        run.pop(0)
    while run and run[-1][2].lower() in CONNECTORS:
        run.pop()
    if not run:
        return None
    return run[0][0], text[run[0][0]:run[-1][1]]


def _acronym_fits(acronym: str, name: str) -> bool:
    letters = [c for c in acronym.split()[0] if c.isalpha()]
    if len(letters) < 2 or sum(c.isupper() for c in letters) < 2:
        return False
    significant = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in CONNECTORS]
    return bool(significant) and significant[0][0].upper() == letters[0].upper()


class Actors:
    """The actors of one text, found and then looked up by name."""

    def __init__(self, known: Sequence[tuple[str, list[str], str | None, str | None]] = ()):
        self.records: dict[str, ActorRecord] = {}
        self.by_name: dict[str, str] = {}  # normalized name -> key
        self.taken: set[str] = set()
        self.affiliates: dict[str, str] = {}  # parent key -> affiliate key
        self.theatre_country: str | None = None
        for name, aliases, kind, country in known:
            rec = self.add(name, aliases, kind=kind, country=country, known=True)
            rec.decided["name"] = f"{name} → the store's actor"

    # -- building ------------------------------------------------------------------------
    def add(self, name: str, aliases=(), **values) -> ActorRecord:
        existing = self.lookup(name) or next((self.lookup(a) for a in aliases if self.lookup(a)), None)
        if existing is not None:
            rec = self.records[existing]
            for a in [name, *aliases]:
                if normalize_name(a) not in {normalize_name(n) for n in rec.names()}:
                    rec.aliases.append(a)
                self.by_name.setdefault(normalize_name(a), rec.key)
            return rec
        key = unique_key(slug(name), self.taken)
        rec = ActorRecord(key, name, list(aliases), **values)
        self.records[key] = rec
        for n in rec.names():
            self.by_name.setdefault(normalize_name(n), key)
        return rec

    def lookup(self, name: str) -> str | None:
        return self.by_name.get(normalize_name(name))

    def define(self, text: str, sentences) -> None:
        """Find the definitions, organisation names and affiliates of the whole text."""
        for s in sentences:
            for m in re.finditer(r"\(([^()\n]{2,24})\)", s.text):
                acronym = m.group(1).strip()
                found = name_before(s.text, m.start())
                if found is None:
                    continue
                _, name = found
                words = name.split()
                while len(words) > 2 and not _acronym_fits(acronym, " ".join(words)):
                    words.pop(0)  # "Forces of the Government of National Accord (GNA)": the name the acronym fits
                    while words and words[0].lower() in CONNECTORS:
                        words.pop(0)
                name = " ".join(words)
                if not _acronym_fits(acronym, name) or len(name.split()) < 2:
                    continue
                rec = self.add(name, [acronym], start=s.start, end=s.end)
                rec.decided.setdefault("name", f"{name} ({acronym}) → a name and its acronym")
                if is_state(name):
                    rec.kind = rec.kind or "state forces"
            for m in re.finditer(r"\b[A-Z][\w’'-]*(?:\s+(?:[A-Z][\w’'-]*|of|the|and|for|al-[A-Z][\w-]*))*", s.text):
                words = m.group(0).split()
                while words and _DESCRIPTOR.match(words[0]):  # "Qaeda-associated Libyan ...": a description
                    words.pop(0)
                while words and words[-1].lower() in CONNECTORS:
                    words.pop()
                while words and words[0].lower() in {"the", "a", "an"}:
                    words.pop(0)
                if len(words) < 2 or words[-1].lower() not in HEADS:
                    continue
                if any(self.lookup(" ".join(words[i:])) for i in range(len(words))):
                    continue  # "Forces of the Abu Salim Martyrs Brigade": a name already known, with a prefix
                if words[-1].lower() in {"state", "government"} and len(words) < 2:
                    continue
                name = " ".join(words)
                rec = self.add(name, start=s.start, end=s.end)
                rec.decided.setdefault("name", f"{name} → an organisation's name (ends in {words[-1]!r})")
                if is_state(name):
                    rec.kind = rec.kind or "state forces"

    def define_groups(self, sentences) -> None:
        """"Misratan brigades", "Kurdish fighters": a people's or a city's armed men, named by its adjective."""
        for s in sentences:
            for m in re.finditer(r"\b(?P<adj>[A-Z][a-z]+(?:an|ian|ish|ese|i))\s+(?:(?P<own>[A-Z][a-z]+)\s+)?"
                                 r"(?P<what>brigades|militias|forces|"
                                 r"fighters|tribesmen|militiamen|battalions|army|troops|police|soldiers)\b", s.text):
                if self.lookup(m.group("adj")) or s.text[:m.start()].rstrip().endswith(("of", "Hundreds", "hundreds")):
                    continue
                name = " ".join(w for w in (m.group("adj"), m.group("own"), m.group("what")) if w)
                state = m.group("what") in ("army", "troops", "police", "soldiers")  # "the Iraqi army": a state's
                rec = self.add(name, start=s.start, end=s.end, kind="state forces" if state else "political militia")
                rec.decided.setdefault("name", f"{name} → an armed group named by its origin")

    def define_affiliates(self, sentences, country_of) -> None:
        """"X's affiliate in Libya": an actor of its own (``country_of``: a place name -> ISO alpha-2 or None)."""
        pattern = self.pattern()
        if pattern is None:
            return
        for s in sentences:
            for m in re.finditer(rf"(?P<parent>\(?[^\s(]+(?:\s+[^\s(]+){{0,6}}?\)?){POSSESSIVE}\s+"
                                 r"(?P<what>affiliate|branch|wing|franchise|province|chapter)\s+in\s+"
                                 r"(?P<where>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)", s.text):
                parent_text = m.group("parent").strip("()")
                parent = self.lookup(parent_text)
                if parent is None:
                    inner = list(pattern.finditer(m.group("parent")))
                    parent = self.lookup(inner[-1].group("name")) if inner else None
                country = country_of(m.group("where"))
                if parent is None or country is None:
                    continue
                p = self.records[parent]
                short = next((a for a in p.aliases if a.isupper()), p.name)
                phrase = f"{short}’s {m.group('what')} in {m.group('where')}"
                rec = self.add(f"{short} ({m.group('where')})", [phrase], kind=p.kind, country=country,
                                start=s.start, end=s.end, parent=parent, theatre=country)
                rec.decided.setdefault("name", f"{m.group(0)} → the affiliate of {p.name} in {m.group('where')}")
                if rec.parent is None:  # a store actor found as the affiliate: this text says so too
                    rec.parent, rec.theatre, rec.start, rec.end = parent, country, s.start, s.end
                self.affiliates[parent] = rec.key

    def define_residents(self, sentences, place_names: list[str]) -> None:
        if not place_names:
            return
        places = "|".join(re.escape(n) for n in sorted(place_names, key=len, reverse=True))
        pattern = re.compile(rf"\b(?:(?P<a>{places}){POSSESSIVE}\s+(?:residents|inhabitants|population)|"
                             rf"(?:residents|inhabitants|people)\s+of\s+(?P<b>{places})|(?P<c>{places})\s+residents)\b")
        for s in sentences:
            for m in pattern.finditer(s.text):
                place = m.group("a") or m.group("b") or m.group("c")
                rec = self.add(f"{place} residents", [m.group(0)] if m.group(0) != f"{place} residents" else [],
                                kind="civilians", start=s.start, end=s.end)
                rec.decided.setdefault("name", f"{m.group(0)} → the residents of {place}")

    # -- finding ---------------------------------------------------------------------------
    def pattern(self) -> re.Pattern | None:
        return names_pattern(n for r in self.records.values() for n in r.names())

    def mentions(self, text: str, offset: int) -> list[ActorMention]:
        """The actors named in one sentence; "anti-X forces" is marked ``anti``."""
        pattern = self.pattern()
        out: list[ActorMention] = []
        if pattern is None:
            return out
        for m in pattern.finditer(text):
            key = self.lookup(m.group("name"))
            if key is None:
                continue
            out.append(ActorMention(offset + m.start(), offset + m.end(), key, m.group(0), bool(m.group("pos"))))
        names = "|".join(re.escape(n) for r in self.records.values() for n in r.names())
        if names:
            for m in re.finditer(rf"\b[Aa]nti-(?P<x>{names})\s+(?:forces|fighters|militias?|groups?|coalition)\b", text):
                key = self.lookup(m.group("x"))
                if key is not None:
                    out.append(ActorMention(offset + m.start(), offset + m.end(), key, m.group(0), anti=True))
        return sorted(out, key=lambda a: a.start)

    def resolve(self, key: str, theatre: str | None) -> str:
        """A mention's actor once the report's theatre is known: a parent's name is its affiliate there."""
        affiliate = self.affiliates.get(key)
        if affiliate is not None and theatre is not None and self.records[affiliate].theatre == theatre:
            return affiliate
        return key


def find_relations(text: str, offset: int, mentions: list[ActorMention], actors: Actors) -> list[RelationFound]:
    """The relations one sentence describes between the actors it names."""
    out: list[RelationFound] = []
    plain = [m for m in mentions if not m.anti]

    def at(position: int, after: bool = True) -> ActorMention | None:
        pool = [m for m in plain if (m.start >= position if after else m.end <= position)]
        if not pool:
            return None
        return pool[0] if after else pool[-1]

    def add(actor: str, kind: str, other: str, m: re.Match, certainty: str = "reported") -> None:
        if actor != other and not any((r.actor, r.kind, r.other) == (actor, kind, other) for r in out):
            out.append(RelationFound(actor, kind, other, offset + m.start(), offset + m.end(), m.group(0), certainty))

    # "X, an umbrella group controlled by Y": X controlled_by Y, and Y a member of the umbrella.
    for m in re.finditer(r",\s+an?\s+(?P<what>umbrella\s+group|coalition|alliance|group|militia|faction)\s+"
                         r"(?P<how>controlled|led|dominated|backed|supported)\s+by\s+", text):
        x, y = at(offset + m.start(), after=False), at(offset + m.end())
        if x and y:
            kind = "supported_by" if m.group("how") in ("backed", "supported") else "controlled_by"
            add(x.key, kind, y.key, m)
            if "umbrella" in m.group("what") or m.group("what") in ("coalition", "alliance"):
                add(y.key, "member_of", x.key, m)
    # "the al-Qaeda-associated Libyan Islamic Fighting Group": a descriptor before a name.
    for m in re.finditer(r"(?P<x>[\w’'-]+)-(?P<how>associated|linked|affiliated|backed|aligned|allied|led|supported)\s+",
                         text):
        described = at(offset + m.end())
        other = actors.lookup(m.group("x").removesuffix("’s")) or _loose(actors, m.group("x"))
        if other is None and described and _capitalised(m.group("x")) and described.start - (offset + m.end()) < 40:
            rec = actors.add(m.group("x"), start=offset, end=offset + len(text))  # "al-Qaeda-associated": al-Qaeda
            rec.decided.setdefault("name", f"{m.group(0).strip()} → an actor named in a description")
            other = rec.key
        if described and other and described.start - (offset + m.end()) < 40:
            add(described.key, DESCRIPTOR_RELATION[m.group("how")], other, m)
    # "ASMB leader Nasser al-Aker, who was a senior member of the LIFG": the group, through its leader.
    for m in re.finditer(r"\b(?:leader|commander|head|chief|founder|spokesman)\s+[A-Z][\w’'-]*(?:\s+[\w’'-]+){0,3}?,\s+"
                         r"who\s+(?:was|is)\s+(?:a|an|the)\s+(?:\w+\s+)?(?:member|leader|commander|founder)\s+of\s+",
                         text):
        group, member_of = at(offset + m.start(), after=False), at(offset + m.end())
        if group and member_of:
            add(group.key, "associated_with", member_of.key, m)
    # "X ... declaring jihad on Y", "declared war on Y": hostile from that day.
    for m in re.finditer(r"\b(?:declar(?:ing|ed|es)|announc(?:ing|ed))\s+(?:a\s+)?(?:jihad|war)\s+(?:on|against)\s+",
                         text):
        x, y = at(offset + m.start(), after=False), at(offset + m.end())
        subject = clause_subject(text, offset, m.start(), plain)
        if subject is not None:
            x = subject
        if x and y:
            add(x.key, "hostile_to", y.key, m)
    # "Misratan brigades loyal to the GNA": allied.
    for m in re.finditer(r"\s+(?:loyal|allied)\s+to\s+(?:the\s+)?", text):
        x, y = at(offset + m.start(), after=False), at(offset + m.end())
        if x and y and offset + m.start() - x.end < 3:
            add(x.key, "allied_with", y.key, m)
    # "... may have been armed by ASMB", "backed by", "supported by".
    for m in re.finditer(r"\b(?:armed|backed|supported|funded|financed|trained|equipped)\s+by\s+", text):
        y = at(offset + m.end())
        x = clause_subject(text, offset, m.start(), plain)
        if x and y:
            add(x.key, "supported_by", y.key, m)
    return out


def _loose(actors: Actors, word: str) -> str | None:
    word = word.replace("-", " ")
    return actors.lookup(word)


def clause_subject(text: str, offset: int, position: int, mentions: list[ActorMention]) -> ActorMention | None:
    """The actor a clause is about: the first named before ``position``, outside appositives (", an umbrella ... ,")."""
    head = text[:position]
    # blank out appositives and relation phrases so that their names are not taken for the subject
    masked = re.sub(r",\s+(?:an?|the|who|which)\b[^,]*,", lambda m: " " * len(m.group(0)), head)
    masked = re.sub(r"\b(?:controlled|led|backed|armed|supported)\s+by\s+\S+", lambda m: " " * len(m.group(0)), masked)
    clause_start = max(masked.rfind(";"), masked.rfind(", and "), -1) + 1
    for m in mentions:
        if offset + clause_start <= m.start < offset + position and masked[m.start - offset] != " ":
            return m
    for m in mentions:  # none in its clause: the sentence's subject
        if m.start < offset + position and masked[m.start - offset] != " ":
            return m
    return None
