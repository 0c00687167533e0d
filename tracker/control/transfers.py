"""Which events transfer territory, and which of their actors gains it.

An event transfers territory when its type or sub-type is one of ACLED's
territory codes (``Non-state actor overtakes territory``, ``Government regains
territory``, ``Non-violent transfer of territory``, in the current taxonomy or
the pre-2019 ``Battle-...`` spelling) or one of the report vocabulary's
capture, expulsion and withdrawal kinds (see :data:`REPORT_KINDS`).

The gainer is decided in three steps (docs/control.md, "Who gains"):

1. **The codebook.** "Government regains territory" is a gain by the side with
   state (or external state) forces; "Non-state actor overtakes territory" a
   gain by the side with a non-state armed group; a non-violent transfer, a
   capture or an expulsion a gain by actor 1; a withdrawal a loss by actor 1.
   When the actor kinds do not single out one side, the codebook falls back to
   the actor order (actor 1 gains) and the span is only ``likely``.
2. **The notes.** The event's notes (its description) are read for who took,
   seized, captured, regained... the place and who withdrew or was driven out.
   A side the notes name as taking the ground wins over the actor order.
3. **The certainty** is the event's own, lowered to ``likely`` when only the
   actor order or only the notes decide, and to ``alleged`` when the notes
   contradict the sub-type or name a group that is not a participant.

Every decision carries a one-line ``basis`` saying which of these decided it,
and whether the actor order and the notes disagree (``tracker check`` lists
those rows).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from tracker.control.mentions import (
    SENTENCE_BREAK,
    STATE_KINDS,
    Participant,
    agent_after,
    clause_start,
    lead,
    mentions_of,
    subject_of,
)
from tracker.names.normalize import normalize_name

# ACLED's territory-change codes, matched inside the normalized type or sub-type.
ACLED_KINDS = {
    "non state actor overtakes territory": "nonstate",
    "government regains territory": "government",
    "non violent transfer of territory": "nonviolent",
}
# The report vocabulary (a normalized type or sub-type equal to one of these).
REPORT_KINDS = {
    **{k: "capture" for k in (
        "capture", "captured", "capture of territory", "seizure", "takeover", "take over", "territory captured",
        "recapture", "recaptured", "liberation", "occupation", "expulsion", "expelled", "territory taken",
    )},
    **{k: "withdrawal" for k in (
        "withdrawal", "withdrew", "retreat", "evacuation", "pull out", "pullout", "abandonment",
    )},
}

CERTAINTY_ORDER = ("confirmed", "reported", "likely", "alleged", "rumoured")
NONSTATE_KINDS = {"rebel group", "political militia", "identity militia"}


def weaker(a: str, b: str) -> str:
    """The less certain of two certainties."""
    order = {c: i for i, c in enumerate(CERTAINTY_ORDER)}
    return a if order.get(a, 1) >= order.get(b, 1) else b


@lru_cache(maxsize=4096)  # a dataset has a few dozen (type, sub-type) pairs; every row asks
def transfer_kind(event_type: str | None, sub_type: str | None) -> str | None:
    """``nonstate`` / ``government`` / ``nonviolent`` / ``capture`` / ``withdrawal``, or None."""
    for text in (sub_type, event_type):
        if not text:
            continue
        key = normalize_name(text)
        if "no change of territory" in key:
            return None
        for phrase, kind in ACLED_KINDS.items():
            if phrase in key:
                return kind
        if key in REPORT_KINDS:
            return REPORT_KINDS[key]
    return None


_GAIN = re.compile(
    r"\b(?:(?:took|takes?|taking|taken)\s+(?:back\s+)?(?:over\s+)?(?:the\s+)?(?:full\s+|complete\s+|total\s+)?cont(?:r)?ol"
    r"|(?:took|takes?|taking|taken)\s+over|take-?over|overt(?:ook|akes?|aking|aken)|(?:re-?)?captur(?:ed|es|e|ing)"
    r"|seiz(?:ed|es|e|ing)|re-?t(?:ook|akes?|aking|aken)|regain(?:ed|s|ing)?|reclaim(?:ed|s|ing)?|recover(?:ed|s)?\s+territory"
    r"|gain(?:ed|s|ing)?\s+control|established\s+control|occup(?:ied|y|ies|ying)|entered|advanced\s+into"
    r"|liberat(?:ed|es|e|ing)|cleared)\b",
    re.IGNORECASE,
)
_EXPEL = re.compile(
    r"\b(?:drove|drive|drives|driving|driven|forced|pushed)\s+out\b|\bexpel(?:led|s)?\b|\boust(?:ed|s)?\b"
    r"|\bforced\b(?P<obj>.{1,80}?)\bto\s+(?:pull\s+back|withdraw|retreat|leave|flee|abandon)",
    re.IGNORECASE,
)
_LOSS = re.compile(
    r"\b(?:withdr(?:ew|aw|awn|aws|awing)|retreat(?:ed|s|ing)?|pulled\s+back|vacat(?:ed|es|e|ing)"
    r"|abandon(?:ed|s)?|exit(?:s|ed)?|fled|left\s+the\s+areas?|lost\s+control|evacuated)\b",
    re.IGNORECASE,
)
_LOSS_NOUN = re.compile(r"\b(?:retreat|withdrawal|departure|exit|evacuation)\s+of\b", re.IGNORECASE)
_BY = re.compile(r"^\s*(?:\w+\s+){0,2}?by\b", re.IGNORECASE)
# "was captured", "were overtaken": the subject is what was taken, not who took it.
_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are|be)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
# "denies claims of capture", "attempted to take control": no transfer happened.
_NOT_DONE = re.compile(
    r"\b(?:den(?:y|ies|ied)|not|no|never|failed|unable|fail(?:s|ing)?)\b[^.;]{0,40}$"
    r"|\b(?:attempt\w*|tr(?:y|ied|ying|ies)|seek\w*|sought|aim\w*|plan\w*|bid|efforts?|order|campaign|intend\w*)"
    r"\b[^.;]{0,50}\bto\s+$",
    re.IGNORECASE,
)
# Taking people or things, not ground: "captured two others", "seized several armored vehicles".
_NOT_GROUND_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,2}?(?:alive|prisoners?|hostages?|members?|fighters|soldiers|militants|others|civilians|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|\d+|vehicles?|weapons?|arms|ammunition|equipment|cars?|"
    r"trucks?|tanks?|goods|cattle|livestock|money|rifles?|wagons?|boats?)\b",
    re.IGNORECASE,
)
_STATE_WORDS = {"forces", "army", "military", "troops", "soldiers", "police", "loyalist", "loyalists", "government",
                "pro government", "amisom", "un", "peacekeepers", "coalition"}
_GENERIC_CAPITALS = {"the", "a", "an", "on", "in", "around", "reports", "report", "sources", "local", "it", "they",
                     "some", "several", "after", "following", "during", "as", "according", "media", "unclear",
                     "fighters", "militants", "forces", "rebels", "gunmen", "residents", "clashes", "heavy",
                     "well", "more", "at", "there", "this", "these", "both"}


@dataclass
class NotesReading:
    """What the notes say about who gained and who lost the ground."""

    gain_sides: list[tuple[int, str]] = field(default_factory=list)  # (side, the words that say so)
    loss_sides: list[tuple[int, str]] = field(default_factory=list)
    unnamed_gainers: list[str] = field(default_factory=list)  # "Shura fighters": a subject that is no participant

    def verdict(self) -> tuple[int, str, bool] | None:
        """(winning side, quote, specific?) or None when the notes do not tell."""
        gains = {s for s, _ in self.gain_sides}
        losses = {s for s, _ in self.loss_sides}
        if len(gains) == 1:
            side = gains.pop()
            if side not in losses:
                return side, next(q for s, q in self.gain_sides if s == side), True
        if not gains and len(losses) == 1:
            lost = losses.pop()
            return 3 - lost, next(q for s, q in self.loss_sides if s == lost), True
        return None


def _snippet(sentence: str, start: int, end: int) -> str:
    a = max(0, sentence.rfind(" ", 0, max(0, start - 40)) + 1)
    b = sentence.find(" ", min(len(sentence), end + 30))
    text = sentence[a: b if b != -1 else len(sentence)].strip()
    return " ".join(text.split())


def _unnamed_subject(sentence: str, verb_start: int, exclude: Iterable[str]) -> str | None:
    """A capitalised group name right before the verb that is none of the participants."""
    words = sentence[clause_start(sentence, verb_start):verb_start].split()
    if not words or len(words) > 8:
        return None
    excluded = {normalize_name(e) for e in exclude}
    if {normalize_name(w.strip(",.'\"()")) for w in words} & _STATE_WORDS:
        return None  # "Loyalist forces", "the army": a state side, not an unnamed group
    for i, w in enumerate(words):
        bare = w.strip(",.'\"()")
        if bare[:1].isupper() and normalize_name(bare) not in _GENERIC_CAPITALS and normalize_name(bare) not in excluded:
            if any(word.lower() in ("against", "from", "on", "with") for word in words[:i]):
                return None
            return " ".join(words[i:i + 3]).strip(",.")
    return None


def read_notes(text: str | None, participants: list[Participant], place_names: Iterable[str] = ()) -> NotesReading:
    """Read who took or lost the ground from an event's notes."""
    reading = NotesReading()
    if not text:
        return reading
    finder = mentions_of(participants, place_names)
    place_names = list(place_names)
    for sentence in SENTENCE_BREAK.split(" ".join(text.split())):
        mentions = finder.find(sentence)
        for m in _GAIN.finditer(sentence):
            after, before_verb = sentence[m.end():], sentence[clause_start(sentence, m.start()):m.start()]
            quote = _snippet(sentence, m.start(), m.end())
            if _NOT_DONE.search(before_verb) or _NOT_GROUND_AFTER.match(after):
                continue
            if _PASSIVE.search(before_verb) and not _BY.match(after):
                continue
            if _BY.match(after):
                agent = agent_after(mentions, m.end())
                if agent is not None:
                    reading.gain_sides.append((agent.side, quote))
                continue
            subject = subject_of(mentions, sentence, m.start(), m.group(0))
            if subject is not None:
                reading.gain_sides.append((subject.side, quote))
            else:
                unnamed = _unnamed_subject(sentence, m.start(), place_names)
                if unnamed:
                    reading.unnamed_gainers.append(quote)
        expelled_spans = []
        for m in _EXPEL.finditer(sentence):
            expelled_spans.append((m.start(), m.end()))
            quote = _snippet(sentence, m.start(), m.end())
            if m.group("obj"):
                objects = [x for x in mentions if m.start("obj") <= x.start < m.end("obj")]
                if objects:
                    reading.loss_sides.append((objects[0].side, quote))
            subject = subject_of(mentions, sentence, m.start())
            if subject is not None:
                reading.gain_sides.append((subject.side, quote))
            elif not m.group("obj"):
                obj = agent_after(mentions, m.end(), 40)
                if obj is not None:
                    reading.loss_sides.append((obj.side, quote))
        for m in _LOSS.finditer(sentence):
            if any(a <= m.start() < b for a, b in expelled_spans):
                continue  # "forced X to retreat" is read above
            if _NOT_DONE.search(sentence[clause_start(sentence, m.start()):m.start()]):
                continue
            if _BY.match(sentence[m.end():]):  # "abandoned by the ADF"
                agent = agent_after(mentions, m.end())
                if agent is not None:
                    reading.loss_sides.append((agent.side, _snippet(sentence, m.start(), m.end())))
                continue
            subject = subject_of(mentions, sentence, m.start())
            if subject is not None:
                reading.loss_sides.append((subject.side, _snippet(sentence, m.start(), m.end())))
        for m in _LOSS_NOUN.finditer(sentence):
            obj = agent_after(mentions, m.end(), 30)
            if obj is not None:
                reading.loss_sides.append((obj.side, _snippet(sentence, m.start(), m.end())))
    return reading


# -- the decision ------------------------------------------------------------------------
@dataclass
class Transfer:
    """Who gained and who lost a place in one event, and why we think so."""

    kind: str
    gainer: Participant | None
    loser: Participant | None
    basis: str
    certainty: str
    order_gainer: Participant | None  # actor 1, the reading by actor order alone
    notes_disagree: bool = False  # the notes name another side than actor 1 as taking the ground
    notes_quote: str = ""


def _sides_with(participants: list[Participant], kinds: set[str]) -> set[int]:
    return {p.side for p in participants if p.side is not None and p.kind in kinds}


def decide(kind: str, participants: list[Participant], notes: str | None, event_certainty: str = "reported",
           place_names: Iterable[str] = ()) -> Transfer:
    """Decide who gained the place in a transfer event of ``kind`` (see the module's rule)."""
    first = lead(participants, 1)
    sides = {p.side for p in participants if p.side is not None}

    # 1. the codebook
    codebook_side: int | None = None
    by_kinds = False
    if kind == "government":
        states = _sides_with(participants, STATE_KINDS)
        if len(states) == 1:
            codebook_side, by_kinds = states.pop(), True
        why = "codebook: a government regains territory, so the side with state forces gains"
    elif kind == "nonstate":
        armed = _sides_with(participants, NONSTATE_KINDS)
        if len(armed) == 1:
            codebook_side, by_kinds = armed.pop(), True
        why = "codebook: a non-state actor overtakes territory, so the side with a non-state armed group gains"
    elif kind == "withdrawal":
        why = "report: actor 1 withdrew"
    else:
        why = "codebook: actor 1 acquires the territory"
    loses_first = kind == "withdrawal"
    if codebook_side is None:
        codebook_side = 2 if loses_first else 1
        if kind in ("government", "nonstate"):
            why += "; the actor kinds do not single out a side, so the actor order decides (actor 1)"

    # 2. the notes
    reading = read_notes(notes, participants, place_names)
    verdict = reading.verdict()
    order_side = 2 if loses_first else 1
    notes_side, quote, rule_certainty = None, "", "reported"
    if verdict is not None and verdict[0] in sides:
        notes_side, quote, _ = verdict
    elif (reading.unnamed_gainers and not reading.gain_sides and 2 in sides and not by_kinds
          and kind in ("government", "nonstate")):
        # "Shura fighters ... took control": a group that is not actor 1 took the ground.
        notes_side, quote = 2, reading.unnamed_gainers[0]

    if notes_side is None:
        side = codebook_side
        basis = why + "; the notes do not say who took the ground"
        if not by_kinds and kind in ("government", "nonstate"):
            rule_certainty = "likely"
    elif notes_side == codebook_side:
        side = codebook_side
        basis = why + f"; the notes agree: \u201c{quote}\u201d"
    elif by_kinds:
        # The actor kinds settle it under the codebook; notes that say otherwise
        # (often describing an earlier or later move) only lower the certainty.
        side = codebook_side
        basis = why + f"; the notes seem to say otherwise: \u201c{quote}\u201d"
        rule_certainty = "alleged"
    else:
        side = notes_side
        named = verdict is not None
        basis = (f"{why}; the notes name the other side as taking the ground: \u201c{quote}\u201d"
                 if named else f"{why}; the notes credit a group that is not actor 1: \u201c{quote}\u201d")
        rule_certainty = "likely" if named else "alleged"

    gainer = lead(participants, side) if side in sides else None
    loser = lead(participants, 3 - side) if (3 - side) in sides else None
    if loses_first and side not in sides:
        loser = first
    disagree = notes_side is not None and notes_side != order_side
    return Transfer(
        kind=kind,
        gainer=gainer,
        loser=loser,
        basis=basis,
        certainty=weaker(event_certainty or "reported", rule_certainty),
        order_gainer=None if loses_first else first,
        notes_disagree=disagree,
        notes_quote=quote,
    )
