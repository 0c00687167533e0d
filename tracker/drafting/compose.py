"""From prose to a draft report: the stages run in order, their findings made records.

Every record written carries the sentence it came from (``quote``, and
``evidence.start``/``end`` in the text), the words that decided each field
(``evidence.decided``: ``date: "on June 13 → 2015-06-13"``), a confidence, and
``review: pending``. Fields the sentence does not give are taken from the
narrative and say so: a date "from the sentence before", actors "from the last
fighting", a place "the city in context" — and lower the confidence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from tracker.drafting.actors import ActorMention, Actors, RelationFound, clause_subject, find_relations
from tracker.drafting.control import ControlPhrase, find_control
from tracker.drafting.dates import DateContext, DateMention, find_dates, window
from tracker.drafting.events import BATTLES, Trigger, find_triggers
from tracker.drafting.hedges import Hedge, certainty_at, clause_ends, find_hedges
from tracker.drafting.names import could_name, slug, unique_key
from tracker.drafting.places import PlaceMention, Places, country_of_name
from tracker.drafting.sentences import Sentence, split_sentences
from tracker.drafting.text import read_text, report_text
from tracker.errors import TrackerError
from tracker.model.dates import parse_fuzzy_date

DRAFTED_BY = "tracker draft 1"
TERRITORY = ("capture", "clear")


@dataclass
class SentenceFinds:
    sentence: Sentence
    actors: list[ActorMention]
    places: list[PlaceMention]
    dates: list[DateMention]
    hedges: list[Hedge]
    triggers: list[Trigger]
    control: list[ControlPhrase]
    relations: list[RelationFound]
    narrative_date: DateMention | None  # the last date before this sentence
    context_city: str | None


@dataclass
class DraftEvent:
    key: str
    date: str
    type: str
    sub_type: str
    place: str | None
    actors: list[tuple[str, str]]
    certainty: str
    description: str
    sentence: Sentence
    decided: dict[str, str]
    trigger: Trigger
    kind: str
    confidence: float
    fatalities: int | dict | None = None
    loser: str | None = None  # a capture: whose ground it was
    place_explicit: bool = True  # the clause names the place (not the city in context)


@dataclass
class DraftClaim:
    place: str
    holder: str
    status: str
    start: str | None
    end: str | None
    sentence: Sentence
    decided: dict[str, str]
    certainty: str = "reported"
    begun_by: str | None = None
    ended_by: str | None = None
    confidence: float = 0.7


@dataclass
class Draft:
    """A drafted report: the report file's data (:meth:`report`) and what was found (:meth:`findings`)."""

    text: str
    source: dict
    actors: Actors
    places: Places
    events: list[DraftEvent] = field(default_factory=list)
    claims: list[DraftClaim] = field(default_factory=list)
    relations: list[tuple[RelationFound, Sentence, float]] = field(default_factory=list)
    assessments: list[tuple[str, Hedge, Sentence, str | None]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what the analyst should check first (a date after publication)

    # -- the report file ---------------------------------------------------------------
    def report(self) -> dict:
        out: dict = {"format": "tracker-report/1.1", "report": self.source}
        actors = [a for a in self.actors.records.values() if not a.known]
        if actors:
            out["actors"] = [_clean({
                "id": a.key, "name": a.name, "aliases": a.aliases or None, "kind": a.kind, "country": a.country,
                "review": "pending", **self._evidence(a.start, a.end, a.decided, 0.7)}) for a in actors]
        places = [p for p in self.places.records.values() if not p.known and not self._unused_country(p)]
        if places:
            out["places"] = [_clean({
                "id": p.key, "name": p.name, "kind": p.kind, "parent": self._place_ref(p.parent) if p.parent else None,
                "country": p.country, "aliases": p.aliases or None, "geonames_id": p.geonames_id,
                "coordinates": {"lat": p.lat, "lon": p.lon, "precision": p.precision or "near"}
                if p.lat is not None else None,
                "review": "pending", **self._evidence(p.start, p.end, p.decided, 0.7)}) for p in places]
        if self.relations:
            out["relations"] = [_clean({
                "id": f"{r.actor}-{r.kind.replace('_', '-')}-{r.other}", "actor": self._actor_ref(r.actor),
                "type": r.kind, "other": self._actor_ref(r.other), "from": r.date, "certainty": r.certainty,
                "quote": s.quote(), "review": "pending",
                **self._evidence(s.start, s.end, {"type": f"{r.words.strip()} → {r.kind}"}, conf)})
                for r, s, conf in self.relations]
        if self.events:
            out["events"] = [_clean({
                "id": e.key, "date": e.date, "type": e.type, "sub_type": e.sub_type,
                "place": self._place_ref(e.place) if e.place else None,
                "actors": [{"actor": self._actor_ref(a), "role": role} for a, role in e.actors] or None,
                "fatalities": e.fatalities, "certainty": e.certainty, "description": e.description,
                "quote": e.sentence.quote(), "review": "pending",
                **self._evidence(e.sentence.start, e.sentence.end, e.decided, e.confidence)}) for e in self.events]
        if self.claims:
            keys: set[str] = set()
            out["control"] = [_clean({
                "id": unique_key(f"{c.holder}-{c.status}-{c.place}", keys), "place": self._place_ref(c.place),
                "holder": self._actor_ref(c.holder), "status": c.status, "from": c.start, "until": c.end,
                "begun_by": c.begun_by, "ended_by": c.ended_by, "certainty": c.certainty,
                "quote": c.sentence.quote(), "review": "pending",
                **self._evidence(c.sentence.start, c.sentence.end, c.decided, c.confidence)}, keep=("from",))
                for c in self.claims]
        if self.assessments:
            keys = set()
            out["assessments"] = [_clean({
                "id": unique_key("assessment-" + slug(" ".join(statement.split()[:6])), keys),
                "statement": statement, "certainty": h.certainty, "actor": self._actor_ref(actor) if actor else None,
                "quote": s.quote(), "review": "pending",
                **self._evidence(s.start, s.end, {"certainty": f"{h.words} → {h.certainty}"}, 0.6)})
                for statement, h, s, actor in self.assessments]
        return out

    used_as_actor: set[str] = field(default_factory=set)  # countries named only as actors ("The United States began")
    main_country: str | None = None

    def _actor_ref(self, key: str) -> str:
        rec = self.actors.records[key]
        return rec.name if rec.known else key

    def _place_ref(self, key: str) -> str:
        rec = self.places.records[key]
        return rec.name if rec.known else key

    def _unused_country(self, p) -> bool:
        if p.key not in self.used_as_actor:
            return False
        refs = {e.place for e in self.events} | {c.place for c in self.claims}
        refs |= {q.parent for q in self.places.records.values()}
        return p.key not in refs

    @staticmethod
    def _evidence(start: int, end: int, decided: dict[str, str], confidence: float) -> dict:
        return {"evidence": {"start": start, "end": end, "decided": dict(decided) or None,
                             "confidence": round(confidence, 2)}}

    def findings(self) -> list[dict]:
        """What was found, one row a record: for ``tracker draft --check``."""
        rows = []
        for section, items in self.report().items():
            if not isinstance(items, list):
                continue
            for item in items:
                value = _summary(section, item)
                ev = item.get("evidence", {})
                quote = item.get("quote") or " ".join(self.text[ev.get("start", 0):ev.get("end", 0)].split())
                rows.append({"record": f"{section[:-1] if section.endswith('s') else section}:{item.get('id', '')}",
                             "value": value, "evidence": quote, "confidence": ev.get("confidence")})
        return rows


def _summary(section: str, item: dict) -> str:
    if section == "events":
        who = ", ".join(f"{a['actor']} ({a['role']})" for a in item.get("actors", []))
        return f"{item['date']} {item['type']} / {item.get('sub_type', '')} at {item.get('place', '?')}: {who}"
    if section == "control":
        return f"{item['holder']} {item['status']} {item['place']} [{item.get('from') or '…'}, {item.get('until') or '…'})"
    if section == "relations":
        return f"{item['actor']} {item['type']} {item['other']}"
    if section == "assessments":
        return f"{item['certainty']}: {item['statement'][:80]}"
    return f"{item['name']} ({item.get('kind') or '?'})"


def _clean(record: dict, keep: tuple[str, ...] = ()) -> dict:
    out = {}
    for k, v in record.items():
        if isinstance(v, dict):
            v = {a: b for a, b in v.items() if b is not None}
        if v is None and k not in keep:
            continue
        out[k] = v
    return out


# -- the pipeline ----------------------------------------------------------------------------------
def draft_file(path: str | Path, published: str | None = None, title: str | None = None,
               publisher: str | None = None, url: str | None = None, grading: str | None = None,
               known_actors=(), known_places=()) -> Draft:
    """Draft the report in a file (plain text or HTML)."""
    text = read_text(path)
    known_actors, known_places = could_name(text, known_actors, known_places)
    try:
        draft = draft_text(text, published=published, title=title, publisher=publisher, url=url, grading=grading,
                           known_actors=known_actors, known_places=known_places)
    except TrackerError as exc:
        raise TrackerError(f"{path}: {exc}") from None
    draft.source["drafted_from"] = {"file": Path(path).name, "sha256": hashlib.sha256(Path(path).read_bytes()).hexdigest(),
                                    "drafted_by": DRAFTED_BY}
    return draft


def draft_text(text: str, published: str | None = None, title: str | None = None, publisher: str | None = None,
               url: str | None = None, grading: str | None = None, known_actors=(), known_places=()) -> Draft:
    """Draft a report from its text. ``known_actors``/``known_places``: (name, aliases, kind, country) of the store's."""
    rt = report_text(text)
    title = title or rt.title or "Untitled report"
    publisher = publisher or rt.publisher
    pub = parse_fuzzy_date(published) if published else None
    source = _clean({"id": slug(f"{publisher or 'report'} {title}")[:120], "title": title, "publisher": publisher,
                     "url": url, "published": published, "language": "en", "grading": grading,
                     "notes": "Drafted by tracker draft from the text; each record's review field says whether "
                              "an analyst has reviewed it."})
    first = 0
    if rt.title:
        first = text.find(rt.title) + len(rt.title)
    if rt.publisher:  # drafting starts after the publisher's line ("Business Insider:", "Publisher: Al Jazeera")
        at = text.find(rt.publisher, first)
        if at >= 0:
            line_end = text.find("\n", at)
            first = line_end if line_end >= 0 else at + len(rt.publisher)
    sentences = split_sentences(text, first, rt.body_end)
    actors, places = Actors(list(known_actors)), Places(list(known_places))
    draft = Draft(text, source, actors, places)
    body = " ".join(s.text for s in sentences)

    # 1. names: definitions, then places (not inside actor names), then affiliates and residents
    actors.define(text, sentences)
    actors.define_groups(sentences)
    theatre = places.countries_named(body)

    def actor_spans() -> list[tuple[int, int]]:
        return [(m.start, m.end) for s in sentences for m in actors.mentions(s.text, s.start)]

    places.find(sentences, actor_spans(), theatre)

    def country_of(name: str) -> str | None:
        code = country_of_name(name)
        key = places.lookup(name)
        if code is None and key is not None:
            code = places.records[key].country
        return code

    actors.define_affiliates(sentences, country_of)
    cities = [p.name for p in places.records.values() if p.kind in ("city", "town", "village")]
    actors.define_residents(sentences, cities + [a for p in places.records.values() for a in p.aliases
                                                 if p.kind in ("city", "town", "village")])
    countries = [p.country for p in places.records.values() if p.kind in ("city", "town", "village") and p.country]
    main_country = max(set(countries), key=countries.count) if countries else None
    for a in actors.records.values():
        if a.country is None and not a.known and main_country and a.kind != "rebel group" and a.parent is None:
            pass

    draft.main_country = main_country

    # 2. sentence by sentence
    dates = DateContext(published=pub.latest if pub else None)
    narrative: DateMention | None = None
    context_city: str | None = None
    short_names = {n: _short(r) for r in actors.records.values() for n in r.names()}
    finds: list[SentenceFinds] = []
    for s in sentences:
        mentions = [ActorMention(m.start, m.end, actors.resolve(m.key, main_country), m.words, m.possessive, m.anti)
                    for m in actors.mentions(s.text, s.start)]
        blocked = [(m.start, m.end) for m in mentions if not _is_owner(m, s)]
        place_mentions = places.mentions(s.text, s.start, blocked, context_city, short_names)
        found_dates = find_dates(s.text, s.start, dates)
        f = SentenceFinds(s, mentions, place_mentions, found_dates, find_hedges(s.text, s.start),
                          find_triggers(s.text, s.start), find_control(s.text, s.start),
                          find_relations(s.text, s.start, mentions, actors), narrative, context_city)
        finds.append(f)
        for p in place_mentions:
            if places.records[p.key].kind in ("city", "town", "village"):
                context_city = p.key
        absolute = [d for d in found_dates if d.value]
        if absolute:
            narrative = absolute[-1]

    # 3. relations (affiliates first), events, control, assessments
    for a in actors.records.values():
        if a.parent:
            s = next(s for s in sentences if s.start == a.start)
            draft.relations.append((RelationFound(a.key, "affiliate_of", a.parent, s.start, s.end,
                                                  a.decided.get("name", ""), "reported"), s, 0.8))
    for f in finds:
        for r in f.relations:
            hedge = certainty_at(f.hedges, r.end)  # what the phrase ends on: "allegedly X, who was a member of Y"
            certainty = hedge.certainty if hedge else "reported"
            date = None
            if r.kind == "hostile_to":
                date = _date_of(f, r.start, draft)[0]
            draft.relations.append((RelationFound(r.actor, r.kind, r.other, r.start, r.end, r.words, certainty, date),
                                    f.sentence, 0.75 if hedge is None else 0.6))
        _events_of(f, draft)
    _control_of(finds, draft)
    draft.warnings = list(dict.fromkeys(dates.warnings))
    for f in finds:
        used = {e.trigger.start for e in draft.events if e.sentence is f.sentence}
        for h in f.hedges:
            if h.certainty != "likely":
                continue
            qualifies = any(h.end <= t.start <= h.scope_end and t.start in used for t in f.triggers)
            qualifies = qualifies or any(h.end <= r.start <= h.scope_end for r in f.relations)
            if qualifies:
                continue
            subject = clause_subject(f.sentence.text, f.sentence.start, h.start - f.sentence.start, f.actors)
            doers = [e.actors[0][0] for e in draft.events if e.sentence is f.sentence and e.actors]
            statement = " ".join(f.sentence.text.split())
            draft.assessments.append((statement, h, f.sentence, doers[0] if doers else subject.key if subject else None))
            break
    found = draft.events or draft.claims or draft.relations or draft.assessments or any(
        not a.known for a in actors.records.values()) or any(not p.known for p in places.records.values())
    if not found:
        raise TrackerError("nothing to draft: no actor, place, event or control claim found (tracker draft reads "
                           "English prose)")
    return draft


def _short(rec) -> str:
    return next((a for a in rec.aliases if a.isupper() and len(a) <= 8), rec.name)


def _is_owner(m: ActorMention, s: Sentence) -> bool:
    """An actor named as the owner of a facility ("ISIS's headquarters"): the place finder needs the words too."""
    after = s.text[m.end - s.start:m.end - s.start + 30]
    return m.possessive and bool(re.match(r"\s+(?:main\s+|former\s+|last\s+)?(?:headquarters|HQ|base|compound)", after))


def _clause(f: SentenceFinds, position: int) -> tuple[int, int]:
    text = f.sentence.text
    rel = position - f.sentence.start
    ends = [e for e in clause_ends(text)]
    ends += [m.start() for m in re.finditer(r",\s+(?:despite|although|though|while|after|before)\b", text)]
    opening = re.match(r"(?:After|Before|Following|Despite|Since|During|Amid|On|In|By|Once|When)\b[^,]{0,80},", text)
    if opening:  # "After ISIS's expulsion, MSC Derna ...": the opening phrase is a clause of its own
        ends.append(opening.end() - 1)
    ends = sorted(set(ends))
    end = next((e for e in ends if e >= rel), len(text))
    start = max([e for e in ends if e < rel] + [0])
    return f.sentence.start + start, f.sentence.start + end


def _date_of(f: SentenceFinds, position: int, draft: Draft) -> tuple[str | None, str, DateMention | None]:
    """The date of what is said at ``position``: its clause's date, the sentence's, a relative date resolved,
    or the narrative's (the last date before); with the words that decided it."""
    a, b = _clause(f, position)
    in_clause = [d for d in f.dates if a <= d.start < b]
    candidates = in_clause or f.dates
    if candidates:
        d = min(candidates, key=lambda d: abs(d.start - position))
        if d.value:
            return d.value, d.decided(), d
        anchor = _anchor(d, draft)
        if anchor is not None:
            first, last = window(anchor.date)
            published = draft.source.get("published")
            if d.relation in ("soon after", "shortly after", "immediately after"):
                value = f"{first.isoformat()}/{(first + dt.timedelta(days=1)).isoformat()}"
            elif d.relation in ("after", "following", "days after", "weeks after"):
                end = window(published)[1] if published else last + dt.timedelta(days=30)
                value = f"{last.isoformat()}/{max(end, last).isoformat()}"
            else:
                value = f"{(first - dt.timedelta(days=30)).isoformat()}/{first.isoformat()}"
            return value, f"{d.words} → after {anchor.key} ({anchor.date}) → {value}", d
    if f.narrative_date is not None and f.narrative_date.value:
        value = f.narrative_date.value
        if f.narrative_date.kind == "days":
            value = f.narrative_date.days[-1]
        return value, f"no date in the sentence: the last one before it, {f.narrative_date.words!r} → {value}", None
    published = draft.source.get("published")
    if published:
        return published, f"no date in the text before it: the publication, {published}", None
    return None, "no date", None


ANCHORS = {"assassination": ("attack",), "killing": ("attack",), "expulsion": TERRITORY, "capture": TERRITORY,
           "fall": TERRITORY, "liberation": TERRITORY, "takeover": TERRITORY, "defeat": TERRITORY,
           "withdrawal": TERRITORY, "retreat": TERRITORY, "fighting": ("battle",), "clashes": ("battle",),
           "attack": ("attack", "explosion", "battle"), "offensive": ("battle", "capture"),
           "declaration": ("declare",), "announcement": ("announce", "declare"), "bombing": ("explosion",),
           "strike": ("explosion",), "siege": ("battle",)}


def _anchor(d: DateMention, draft: Draft) -> DraftEvent | None:
    kinds = ANCHORS.get(d.anchor or "", ())
    before = [e for e in draft.events if e.kind in kinds and e.sentence.start <= d.start]
    return before[-1] if before else None


def _place_of(f: SentenceFinds, position: int) -> tuple[str | None, str]:
    a, b = _clause(f, position)
    after = [p for p in f.places if position <= p.start < b]
    before = [p for p in f.places if a <= p.start < position]
    anywhere = f.places
    for pool in (after, before, anywhere):
        if pool:
            p = pool[0] if pool is after else pool[-1]
            return p.key, f"{p.words} → {p.key}"
    if f.context_city:
        return f.context_city, f"no place in the sentence: the city in context, {f.context_city}"
    return None, "no place"


def _resolve_anti(m: ActorMention, draft: Draft) -> str | None:
    for r, _, _ in draft.relations:
        if r.kind == "hostile_to" and r.other == m.key:
            return r.actor
    return None


def _actor_of(m: ActorMention, draft: Draft) -> str | None:
    return _resolve_anti(m, draft) if m.anti else m.key


def _sides(f: SentenceFinds, t: Trigger, draft: Draft) -> tuple[str | None, str | None, list[str]]:
    """actor1 and actor2 of the event at a trigger, with the words that decided them."""
    a, b = _clause(f, t.start)
    why = []
    mentions = [m for m in f.actors]
    owner = [m for m in mentions if m.possessive and m.end <= t.start and "," not in draft.text[m.end:t.start]
             and len(draft.text[m.end:t.start].split()) <= 4]
    subject = owner[-1] if owner else None
    if subject is None:
        in_clause = [m for m in mentions if a <= m.start < t.start]
        subject = in_clause[0] if in_clause else clause_subject(f.sentence.text, f.sentence.start,
                                                          t.start - f.sentence.start, mentions)
    allies = {(r.actor, r.other) for r, _, _ in draft.relations if r.kind in ("allied_with", "member_of", "controlled_by")}
    subject_key = _actor_of(subject, draft) if subject else None
    obj = next((m for m in mentions if t.end <= m.start < b and m is not subject
                and (subject_key, m.key) not in allies and (m.key, subject_key) not in allies), None)
    if subject is None:  # "The United States began airstrikes": a country that acts is an actor
        country = next((p for p in f.places if a <= p.start < t.start
                        and draft.places.records[p.key].kind == "country"), None)
        if country is not None:
            rec = draft.places.records[country.key]
            home = rec.country == _main_country(draft)
            actor = draft.actors.add(rec.name, kind="state forces" if home else "external force",
                                      country=rec.country, start=f.sentence.start, end=f.sentence.end)
            actor.decided.setdefault("name", f"{country.words} → a country acting: an actor")
            draft.used_as_actor.add(country.key)
            subject = ActorMention(country.start, country.end, actor.key, country.words)
    one = _actor_of(subject, draft) if subject else None
    two = _actor_of(obj, draft) if obj else None
    if subject:
        why.append(f"actor1: {subject.words!r}")
    if obj:
        why.append(f"actor2: {obj.words!r}")
    if two is None and t.kind in ("explosion", "battle", "capture", "clear", "enter") and one is not None:
        other = next((_actor_of(m, draft) for m in mentions if _actor_of(m, draft) not in (one, None)), None)
        if other:
            two = other
            why.append(f"actor2: the other side named in the sentence, {other}")
    if one is None and t.kind == "battle":  # "Clashes erupted": the sides last in conflict (a bomb's maker is not)
        pair = _last_pair(draft)
        if pair:
            one, two = pair
            why.append(f"no actor in the sentence: the last sides in conflict, {one} and {two}")
    return one, two, why


def _main_country(draft: Draft) -> str | None:
    return draft.main_country


def _last_pair(draft: Draft) -> tuple[str, str] | None:
    """The sides of the latest fighting or declared hostility before now, whichever the text gave last."""
    found: list[tuple[int, tuple[str, str]]] = []
    for e in draft.events:
        if e.type == BATTLES and len(e.actors) >= 2:
            found.append((e.trigger.start, (e.actors[0][0], e.actors[1][0])))
    for r, _, _ in draft.relations:
        if r.kind == "hostile_to":
            found.append((r.start, (r.actor, r.other)))
    return max(found)[1] if found else None


def _events_of(f: SentenceFinds, draft: Draft) -> None:
    taken = {e.key for e in draft.events}
    spans = [(m.start, m.end) for m in f.actors] + [(p.start, p.end) for p in f.places if p.words[:1].isupper()]
    spans += [(d.start, d.end) for d in f.dates if d.kind == "relative"]
    spans += [(r.start, r.end) for r in f.relations if r.kind != "hostile_to"]
    spans += [(c.start, c.end) for c in f.control if c.kind == "full"]  # "announced ... that they had taken full control"
    for t in f.triggers:
        if any(t.start < b and a < t.end for a, b in spans):
            continue
        if re.search(r"\b(?:were|was|been|being)\s+$", draft.text[max(0, t.start - 12):t.start]):
            continue  # "were killed": a toll, not an event  # "Fighting" in "Libyan Islamic Fighting Group", "assassination" in "soon after the assassination"
        if t.kind == "enter" and any(c.kind == "entered" and c.start == t.start for c in f.control):
            pass
        one, two, why = _sides(f, t, draft)
        if t.kind == "announce" and one is None:
            continue
        date, date_words, mention = _date_of(f, t.start, draft)
        if date is None:
            continue
        place, place_words = _place_of(f, t.start)
        hedge = certainty_at(f.hedges, t.start)
        certainty = hedge.certainty if hedge else "reported"
        type_, sub_type = t.type, t.sub_type
        if t.kind in TERRITORY and one and draft.actors.records[one].kind == "state forces":
            sub_type = "Government regains territory"
        clause = _clause(f, t.start)
        if t.kind == "attack" and re.match(r"kill", t.words, re.IGNORECASE) and any(
                o is not t and o.kind in ("explosion", "battle") and clause[0] <= o.start < clause[1] for o in f.triggers):
            continue  # "a car bomb killed 7 soldiers": the toll of the bombing, not an event of its own
        fatalities: dict | int | None
        fatalities, toll_words = _toll(draft.text[clause[0]:clause[1]])
        if toll_words:
            why.append(f"fatalities: {toll_words!r} → {fatalities}")
        if t.kind == "attack":
            target = draft.actors.records[two] if two else None
            victims = draft.text[t.end:t.end + 40]
            armed = re.search(r"^\s*(?:\w+\s+){0,3}?(?:soldiers|troops|fighters|militants|members|policemen|officers|"
                              r"guards|gunmen)\b", victims)
            if (target is not None and target.kind not in ("civilians", "protesters")) or armed:
                type_, sub_type = BATTLES, "Armed clash"  # an armed group's member killed: a battle, as ACLED codes it
                why.append(f"{t.words!r} of armed men → {BATTLES}/Armed clash")
            if fatalities is None and re.match(r"assassinat|kill|execut", t.words, re.IGNORECASE):
                fatalities = 1 if re.search(r"\b(?:leader|commander|chief|head|official)\b",
                                            f.sentence.text[t.end - f.sentence.start:]) else None
        roles: list[tuple[str, str]] = []
        if one:
            roles.append((one, "actor1"))
        if two and two != one and type_ not in ("Protests",) and t.kind not in ("announce",):
            roles.append((two, "actor2"))
        if type_ == "Protests" and one and draft.actors.records[one].kind == "civilians":
            draft.actors.records[one].kind = "protesters"
        decided = {"type": f"{t.words} → {type_} / {sub_type}", "date": date_words,
                   "place": place_words}
        if why:
            decided["actors"] = "; ".join(why)
        if hedge:
            decided["certainty"] = f"{hedge.words} → {hedge.certainty}"
        confidence = 0.9 - 0.15 * (mention is None) - 0.1 * ("no place" in place_words) - 0.1 * (not f.actors)
        description = " ".join(draft.text[clause[0]:clause[1]].strip(" ,;").split())
        items = [description]
        if t.kind == "announce":
            items = _enumeration(draft.text[t.end:f.sentence.end])
        days = mention.days if mention is not None and mention.kind == "days" else (date,)
        for item in items:
            for day in days:
                base = f"{slug(t.words.split()[0])}-{slug(place or 'somewhere')}-{day.split('/')[0]}"
                if t.kind == "announce":
                    base = f"announcement-{slug(' '.join(item.split()[:4]))}"
                key = unique_key(base, taken)
                d = dict(decided)
                if len(days) > 1:
                    d["date"] = f"{date_words} → one event a day: {day}"
                desc = description if t.kind != "announce" else f"{_name(draft, one)} announces {item}"
                draft.events.append(DraftEvent(key, day, type_, sub_type, place, roles, certainty, desc,
                                               f.sentence, d, t, t.kind, max(0.3, confidence), fatalities,
                                               loser=two if t.kind in TERRITORY else None,
                                               place_explicit=not place_words.startswith("no place")))


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "a dozen": 12, "dozens of": 24, "hundreds of": 200}
_N = r"(?P<n>\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+dozen)"
_TOLL = (re.compile(rf"\b(?:kill(?:ed|ing)|leav(?:ing|es)|left)\s+(?P<least>at\s+least\s+|some\s+|about\s+|around\s+)?"
                    rf"{_N}\b(?!\s*(?:%|percent|km|kilomet))", re.IGNORECASE),
         re.compile(rf"\b(?P<least>at\s+least\s+)?{_N}\s+(?:\w+\s+){{0,2}}?(?:people|civilians|soldiers|fighters|"
                    r"militants|members|troops|policemen|children)\s+(?:were\s+|had\s+been\s+|have\s+been\s+)?"
                    r"(?:killed|dead|died)", re.IGNORECASE))


def _toll(text: str) -> tuple[dict | None, str]:
    """The fatalities a clause gives ("killing at least 12 fighters": low 12, best 12), with the words."""
    for pattern in _TOLL:
        m = pattern.search(text)
        if m:
            raw = " ".join(m.group("n").lower().split()).replace(",", "")
            n = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw)
            if n is None:
                continue
            return {"low": n, "best": n}, m.group(0)
    return None, ""


def _name(draft: Draft, key: str | None) -> str:
    return draft.actors.records[key].name if key else "someone"


def _enumeration(text: str) -> list[str]:
    """The things an announcement lists: "the reopening of a hospital, the creation of ..., and plans for ..."."""
    text = re.split(r",\s+(?:likely|probably|in\s+an\s+attempt|as\s+part|which|while)\b|[.;]", text)[0]
    parts = [p.strip(" ,") for p in re.split(r",\s+(?:and\s+)?|\s+and\s+(?=(?:the|a|an|plans|its)\b)", text)]
    return [p for p in parts if len(p.split()) >= 2] or [text.strip()]


# -- control ---------------------------------------------------------------------------------------
def _city_of(places: Places, key: str) -> str:
    rec = places.records[key]
    while rec.parent and rec.kind not in ("city", "town", "village"):
        key = rec.parent
        rec = places.records[key]
    return key


def _control_of(finds: list[SentenceFinds], draft: Draft) -> None:
    claims = draft.claims
    places = draft.places
    # captures: the captor holds from the day; the loser held until it
    for e in draft.events:
        if e.kind not in TERRITORY or not e.place or not e.actors or not e.place_explicit:
            continue  # ground changes hands only where the text says where
        captor = e.actors[0][0]
        start = window(e.date)[1].isoformat() if "/" in e.date else e.date
        decided = {"holder": f"{e.trigger.words!r} by {captor}", "from": f"{e.decided.get('date')}"}
        claims.append(DraftClaim(e.place, captor, "held", start, None, e.sentence, decided, e.certainty,
                                 begun_by=e.key, confidence=e.confidence - 0.1))
        if e.loser:
            claims.append(DraftClaim(e.place, e.loser, "held", None, start, e.sentence,
                                     {"holder": f"{e.trigger.words!r}: the ground was {e.loser}'s",
                                      "until": e.decided.get("date", "")}, e.certainty, ended_by=e.key,
                                     confidence=e.confidence - 0.15))
    for f in finds:
        for c in f.control:
            near = [m for m in f.actors if m.end <= c.start and not m.anti]  # "that the IS had controlled"
            subject = near[-1] if near else clause_subject(f.sentence.text, f.sentence.start, c.start - f.sentence.start,
                                                     f.actors)
            holder = _actor_of(subject, draft) if subject else None
            a, b = _clause(f, c.start)
            where = [p for p in f.places if c.end <= p.start] or [p for p in f.places if p.start < c.start]
            place = where[0].key if where else f.context_city
            if holder is None or place is None:
                continue
            date, date_words, _ = _date_of(f, c.start, draft)
            decided = {"holder": f"{subject.words!r} ({c.words!r})" if subject else c.words,
                       "place": where[0].words if where else "the city in context"}
            hedge = certainty_at(f.hedges, c.start)
            certainty = hedge.certainty if hedge else "reported"
            day = window(date)[0].isoformat() if date else None
            if c.kind == "lost":
                decided["until"] = date_words
                claims.append(DraftClaim(place, holder, "held", None, day, f.sentence, decided, certainty, confidence=0.75))
            elif c.kind in ("full", "since"):
                decided["from"] = date_words
                claims.append(DraftClaim(place, holder, "held", day, None, f.sentence, decided, certainty, confidence=0.75))
            elif c.kind == "entered":
                decided["from"] = date_words
                claims.append(DraftClaim(place, holder, "contested", day, None, f.sentence, decided, certainty,
                                         confidence=0.65))
            elif c.kind == "held_out":  # still held then, since before: until the city's next holder takes it
                decided["as of"] = date_words
                claims.append(DraftClaim(place, holder, "held", None, None, f.sentence, decided, certainty,
                                         confidence=0.6))
            elif c.kind == "none":
                city = _city_of(places, place)
                takes = [e for e in draft.events if e.kind in TERRITORY and e.place and e.actors
                         and _city_of(places, e.place) == city and e.actors[0][0] != holder]
                if takes:
                    last = takes[-1]
                    captor = last.actors[0][0]
                    start = window(last.date)[1].isoformat()
                    if not any(x.place == city and x.holder == captor and x.status == "held" for x in claims):
                        decided = {"holder": f"{c.words!r}: {holder} holds nothing in {places.records[city].name}; "
                                             f"the last to take ground there was {captor}",
                                   "from": f"{last.key} ({last.date})"}
                        claims.append(DraftClaim(city, captor, "held", start, None, f.sentence, decided, certainty,
                                                 begun_by=last.key, confidence=0.65))
    _entries(draft)
    _contests(draft)
    _close(draft)
    _link(draft)


def _contests(draft: Draft) -> None:
    """Fighting in a place between its holder's end and the next holder's start: both sides contest it."""
    claims = draft.claims
    fights = [e for e in draft.events if e.type == BATTLES and e.kind not in TERRITORY and e.place and len(e.actors) >= 2]
    for e in sorted(fights, key=lambda e: e.kind != "battle"):  # clashes before a killing coded as a battle
        if e.place is None:
            continue
        place = _city_of(draft.places, e.place)
        first = window(e.date)[0]
        ended = [c for c in claims if c.place == place and c.status == "held" and c.end and
                 abs((window(c.end)[0] - first).days) <= 1]
        begun = sorted((c for c in claims if c.place == place and c.status == "held" and c.start and
                        window(c.start)[0] > first), key=lambda c: c.start or "")
        if not ended and not begun:
            continue
        if any(c.place == place and c.status == "contested" for c in claims):
            continue
        start = min([window(c.end)[0] for c in ended if c.end] + [first]).isoformat()
        until = begun[0].start if begun else None
        for actor, _ in e.actors[:2]:
            decided = {"status": f"{e.trigger.words!r} between the sides in {draft.places.records[place].name} → contested",
                       "from": e.decided.get("date", ""),
                       "until": f"{begun[0].begun_by or 'the next holder'} ({until})" if begun else "open"}
            claims.append(DraftClaim(place, actor, "contested", start, until, e.sentence, decided, e.certainty,
                                     begun_by=e.key, ended_by=begun[0].begun_by if begun else None, confidence=0.6))
        for c in ended:
            c.ended_by = c.ended_by or e.key


def _entries(draft: Draft) -> None:
    """Forces entering a place contest it: its holder's hold ends that day and it contests it too,
    both until the next holder's claim begins."""
    claims = draft.claims
    for c in [c for c in claims if c.status == "contested" and c.begun_by is None and c.start]:
        day: str = c.start or ""
        entry = next((e for e in draft.events if e.kind == "enter" and e.sentence is c.sentence), None)
        c.begun_by = entry.key if entry else None
        later = sorted((o for o in claims if o.place == c.place and o.status == "held" and o.start and o.start > day),
                       key=lambda o: o.start or "")
        if later and c.end is None:
            c.end, c.ended_by = later[0].start, later[0].begun_by
        for held in [o for o in claims if o.place == c.place and o.status == "held" and o.holder != c.holder
                     and (o.start is None or o.start <= day) and (o.end is None or o.end > day)]:
            held.end, held.ended_by = day, c.begun_by
            claims.append(DraftClaim(c.place, held.holder, "contested", day, c.end, c.sentence,
                                     {"status": f"{c.decided.get('holder', '')}: the place was {held.holder}'s, now "
                                                f"contested", "from": c.decided.get("from", "")},
                                     held.certainty, begun_by=c.begun_by, ended_by=c.ended_by, confidence=0.55))
    # a capture's loser already known to hold the place (since, lost): no second claim for it
    for c in list(claims):
        if c.start is None and c.ended_by and any(o is not c and o.place == c.place and o.holder == c.holder and
                                                   o.status == "held" and o.start for o in claims):
            claims.remove(c)


def _close(draft: Draft) -> None:
    """An open claim ends where another holder's claim at the same place (or, for a part held out in,
    at its city) begins; duplicates merge."""
    seen: dict[tuple, DraftClaim] = {}
    kept = []
    for c in draft.claims:
        key = (c.place, c.holder, c.status, c.start, c.end)
        if key in seen:
            continue
        seen[key] = c
        kept.append(c)
    for c in kept:
        if c.start is None and c.end is None and c.status == "held":  # held out in a part of a city
            city = _city_of(draft.places, c.place)
            later = sorted((o for o in kept if o.place in (c.place, city) and o.holder != c.holder
                            and o.status == "held" and o.start), key=lambda o: o.start or "")
            if later:
                c.end, c.ended_by = later[0].start, later[0].begun_by
                c.decided["until"] = f"{later[0].holder} holds {draft.places.records[later[0].place].name} " \
                                     f"from {later[0].start}"
            continue
        if c.end is None and c.start:
            later = sorted((o for o in kept if o.place == c.place and o.holder != c.holder and o.status == "held"
                            and o.start and o.start > c.start), key=lambda o: o.start or "")
            if later and c.status == "held":
                c.end, c.ended_by = later[0].start, c.ended_by or later[0].begun_by
    draft.claims[:] = kept


def _link(draft: Draft) -> None:
    keys = {e.key for e in draft.events}
    for c in draft.claims:
        if c.begun_by not in keys:
            c.begun_by = None
        if c.ended_by not in keys:
            c.ended_by = None
