"""Control phrases: words of losing, taking, holding, entering and contesting ground.

Each phrase names what happened to the ground; the composer (tracker.drafting.compose)
ties it to the actor that is the clause's subject, the place it names and the
date of the clause, and turns phrases and territory events into control claims:

* ``lost``: "lost control of its eastern stronghold of Derna", "was expelled from",
  "withdrew from", "fell to" — the subject held the place until that day;
* ``none``: "now holds no territory inside the city", "no longer holds" — the subject's
  hold has ended; whoever last took ground there holds it;
* ``since``: "had controlled the city since 2015" — held from that date;
* ``entered``: "entered the city" — the place is contested from that day;
* ``held_out``: "held out in the district of Giza Bahriya" — the subject still held that part;
* ``full``: "announced that they had taken full control of Sirte" — held from that day.

Captures ("captured ISIS's headquarters", "cleared ISIS from central Derna") are events
(tracker.drafting.events) that begin the captor's claim and end the loser's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tracker.drafting.names import first_wins

PHRASES: tuple[tuple[str, str], ...] = (
    ("full", r"(?:announc|declar)(?:ed|es|ing)\s+(?:[\w,]+\s+){0,6}?(?:that\s+)?(?:they|it|he|she|its\s+forces|their\s+forces)\s+"
             r"(?:had|have|has)\s+(?:taken|seized|gained|secured|established)\s+(?:full|complete|total)\s+control\s+of|"
             r"(?:took|taken|seized|gained|secured)\s+(?:full|complete|total)\s+control\s+of"),
    ("none", r"(?:now\s+)?holds?\s+no\s+(?:territory|ground|positions?)\s+(?:inside|in|within)|no\s+longer\s+"
             r"(?:holds?|controls?)|(?:has|have)\s+no\s+(?:presence|territory)\s+(?:inside|in|within)"),
    ("lost", r"lost\s+(?:control\s+of|its\s+grip\s+on|hold\s+of)|(?:was|were)\s+(?:expelled|driven|pushed|ousted)\s+"
             r"(?:out\s+of|from)|withdr[eao]w\w*\s+from|retreated\s+from|fell\s+to"),
    ("since", r"(?:had|has|have)\s+(?:controlled|held|ruled|occupied)\s+(?=.{0,60}?\bsince\b)|"
              r"(?:controlled|held|ruled|occupied)\s+(?=.{0,60}?\bsince\b)"),
    ("entered", r"enter(?:ed|s|ing)\s+(?=the\s+(?:city|town)|[A-Z])|(?:pushed|broke|advanced)\s+into"),
    ("held_out", r"held\s+out\s+in|(?:were|was)\s+holding\s+out\s+in|remained\s+(?:holed\s+up|besieged)\s+in|"
                 r"(?:were|was)\s+(?:besieged|encircled|surrounded)\s+in"),
)


@dataclass(frozen=True)
class ControlPhrase:
    start: int
    end: int
    words: str
    kind: str


@cache
def _compiled() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((k, re.compile(rf"\b(?:{p})", re.IGNORECASE)) for k, p in PHRASES)


def find_control(text: str, offset: int) -> list[ControlPhrase]:
    return [ControlPhrase(offset + m.start(), offset + m.end(), m.group(0).strip(), kind)
            for kind, m in first_wins(text, _compiled())]
