"""What a transfer event's notes say happened to the ground after it changed hands.

tracker.control.transfers decides who gained a place; this module reads whether the
gain lasted. ACLED codes a raid that took a village for two hours the same
way as a capture that held for years; its notes tell them apart:

* "Al Shabaab forces briefly take over Basuba … before retreating" (10871RTA):
  the gain was **temporary**;
* "the joint forces withdrew again and returned to their base … Al Shabaab
  fighters immediately returned to the town" (5530RTA): temporary, and the
  other side **returned**;
* "Al Shabaab regains control of Janaale following the retreat of AMISOM
  forces who had earlier in the day themselves gained control" (4522RTA): a
  **retake** of a gain made earlier the same day, so it comes after it;
* "Police forces drove RENAMO gunmen out in an operation launched the
  following day" (5451RTA): the holding ended the **next day**.

The phrase families are tracker.text.lexicon's; who does what is found with the
participants' names (tracker.control.transfers' mentions), so that the loser
retreating ("al Shabaab retreated from the village beforehand") is not read as
the gainer leaving. Every reading keeps the phrases that decided it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tracker.control.mentions import SENTENCE_BREAK, Participant, agent_after, mentions_of, subject_of
from tracker.text import lexicon

# Phrases whose participant inside is acted on, not acting: "drove RENAMO gunmen out".
_ACTS_ON = re.compile(r"(?:drove|pushed|forced|expelled)\b", re.IGNORECASE)
# "were ousted by ...": whoever it names, the other side put the gainer out.
_BY_AGENT = re.compile(r"\bby$|\bin an operation$", re.IGNORECASE)
_DEPARTURE_VERB = re.compile(r"withdr|retreat|left|pull|return|went|leav|mov|vacat", re.IGNORECASE)


@dataclass
class GroundReading:
    """Whether a transfer's gain lasted, by its notes."""

    temporary: bool = False  # the gainer held the ground only for a while
    ends: str | None = None  # "same day" or "next day": when the temporary holding ended
    returned_side: int | None = None  # the side the notes say holds the ground afterwards
    retake: bool = False  # this event undoes a gain made earlier the same day
    phrases: list[str] = field(default_factory=list)  # the words that decided, as written

    def as_data(self) -> dict:
        """What the span records of the reading (JSON)."""
        out: dict = {"phrases": self.phrases}
        if self.temporary:
            out["temporary"] = True
            out["ends"] = self.ends
        if self.retake:
            out["retake"] = True
        return out

    @property
    def says_anything(self) -> bool:
        return self.temporary or self.retake


def _sentences(text: str) -> Iterable[tuple[int, str]]:
    text = " ".join(text.split())
    pos = 0
    for sentence in SENTENCE_BREAK.split(text):
        start = text.find(sentence, pos)
        pos = start + len(sentence)
        yield start, sentence


def _side_of(hit: lexicon.Hit, mentions, sentence: str, offset: int) -> int | None:
    """The side that does what a hit says: a participant named inside it, else the subject before its verb."""
    lo, hi = hit.start - offset, hit.end - offset
    inside = [m for m in mentions if lo <= m.start and m.end <= hi]
    if inside and not _ACTS_ON.match(hit.phrase):
        specific = [m for m in inside if m.specific]
        return (specific or inside)[-1].side
    verb = _DEPARTURE_VERB.search(sentence, lo, hi)
    at = verb.start() if verb else lo
    subject = subject_of(mentions, sentence, at)
    if subject is not None:
        return subject.side
    if sentence[hi:hi + 4].strip().lower().startswith("by") or sentence[lo:hi].rstrip().lower().endswith("by"):
        agent = agent_after(mentions, hi)
        return agent.side if agent is not None else None
    return None


def read_ground(text: str | None, participants: list[Participant], gainer_side: int | None,
                place_names: Iterable[str] = ()) -> GroundReading:
    """Read whether the gain of ``gainer_side`` (1 or 2) lasted, and who held the ground after."""
    reading = GroundReading()
    if not text or gainer_side is None:
        return reading
    loser_side = 3 - gainer_side
    finder = mentions_of(participants, place_names)
    flat = " ".join(text.split())
    deciding_sentences: set[int] = set()
    for offset, sentence in _sentences(flat):
        mentions = finder.find(sentence)
        for hit in lexicon.find(sentence, "temporary"):
            if _side_of(hit, mentions, sentence, 0) == loser_side:
                continue  # the other side's brief hold ("which al Shabaab had briefly occupied")
            reading.temporary = True
            reading.phrases.append(hit.phrase)
            deciding_sentences.add(offset)
        for hit in lexicon.find(sentence, "left_again"):
            if _side_of(hit, mentions, sentence, 0) == loser_side:
                continue  # the loser leaving: the ordinary way a place changes hands
            reading.temporary = True
            reading.phrases.append(hit.phrase)
            deciding_sentences.add(offset)
        departures = [(h.start, h.end) for h in lexicon.find(sentence, "left_again")]
        for hit in lexicon.find(sentence, "others_returned"):
            if any(a < hit.end and hit.start < b for a, b in departures):
                continue  # "later returned to their base": the gainer leaving, read above
            side = _side_of(hit, mentions, sentence, 0)
            if side == gainer_side or (side is None and not _BY_AGENT.search(hit.phrase)):
                continue  # the gainer, or nobody named: no one is said to come back
            reading.returned_side = loser_side if side is None or side == loser_side else side
            reading.phrases.append(hit.phrase)
        for hit in lexicon.find(sentence, "retake"):
            reading.retake = True
            reading.phrases.append(hit.phrase)
    if reading.returned_side is not None and not reading.temporary:
        # The other side back without the gainer said to leave: read as a raid only with both.
        reading.returned_side = None
        reading.phrases = [p for p in reading.phrases if not lexicon.find(p, "others_returned")]
    if reading.temporary:
        next_day = lexicon.find(flat, "next_day")
        same_day = lexicon.find(flat, "same_day")
        if next_day:
            reading.ends = "next day"
            reading.phrases.append(next_day[0].phrase)
        else:
            reading.ends = "same day"
            if same_day and same_day[0].phrase not in reading.phrases:
                reading.phrases.append(same_day[0].phrase)
    reading.phrases = list(dict.fromkeys(reading.phrases))
    return reading


__all__ = ["GroundReading", "read_ground"]
