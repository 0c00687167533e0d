"""Hedges: the words that make a statement less than certain, and the certainty they give.

A hedge qualifies what follows it in its clause ("Gunmen from ISIS *allegedly*
assassinated ..."), and a clause ends at ", and", ";", ", but" or a dash. The
certainty vocabulary is the report format's: confirmed, reported, likely,
alleged, rumoured (docs/report-format.md). A record no hedge qualifies is
"reported": the source says it happened, nothing more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tracker.drafting.names import first_wins

# (certainty, pattern), strongest doubt first: the first that matches a stretch of text wins it.
HEDGES: tuple[tuple[str, str], ...] = (
    ("rumoured", r"according\s+to\s+unconfirmed\s+(?:rumou?rs|reports)"),
    ("rumoured", r"unconfirmed\s+(?:rumou?rs|reports)\s+(?:say|said|suggest(?:ed)?|claim(?:ed)?)(?:\s+that)?"),
    ("rumoured", r"(?:according\s+to\s+)?rumou?rs?(?:\s+(?:say|said|suggest(?:ed)?|have\s+it))?(?:\s+that)?"),
    ("rumoured", r"may\s+have|might\s+have|could\s+have|possibly"),
    ("alleged", r"allegedly|alleged(?:ly)?|(?:is|are|was|were)\s+accused\s+of|claimed\s+responsibility"),
    ("alleged", r"according\s+to\s+(?:its|their)\s+own\s+(?:claims?|statements?)"),
    ("likely", r"(?:most\s+)?likely|probably|(?:is|are|was|were)\s+believed\s+to|apparently|appears?\s+to"),
    ("reported", r"reportedly|according\s+to\s+(?:reports|local\s+sources|activists|witnesses|residents)"),
    ("confirmed", r"(?:has|have|was|were)\s+confirmed|officially\s+confirmed|independently\s+verified"),
)
_CLAUSE_END = re.compile(r",\s+(?:and|but|while|whereas|who|which|where)\s+|;\s*|\s+[–—]\s+|\s+but\s+")


@dataclass(frozen=True)
class Hedge:
    start: int  # offsets in the whole text
    end: int
    words: str
    certainty: str
    scope_end: int  # where its clause ends
    scope_start: int = 0  # where its clause starts: it qualifies what its clause says, before or after it


@cache
def _compiled() -> list[tuple[str, re.Pattern]]:
    return [(c, re.compile(rf"\b(?:{p})\b", re.IGNORECASE)) for c, p in HEDGES]


def clause_ends(text: str) -> list[int]:
    """Where the clauses of a sentence end (offsets in the sentence), the sentence's end last."""
    return [m.start() for m in _CLAUSE_END.finditer(text)] + [len(text)]


def find_hedges(text: str, offset: int) -> list[Hedge]:
    """The hedges of one sentence (``offset``: where it starts in the whole text)."""
    ends = clause_ends(text)
    starts = [0] + [m.end() for m in _CLAUSE_END.finditer(text)]
    out = []
    for certainty, m in first_wins(text, _compiled()):
        a, b = m.span()
        scope = next(e for e in ends if e >= b)
        begin = max(x for x in starts if x <= a)
        out.append(Hedge(offset + a, offset + b, m.group(0), certainty, offset + scope, offset + begin))
    return out


def certainty_at(hedges: list[Hedge], position: int) -> Hedge | None:
    """The hedge that qualifies the word at ``position``: one in its clause ("A suicide car bomb allegedly
    killed ..." hedges the bomb too), the nearest before it first."""
    before = [h for h in hedges if h.end <= position <= h.scope_end]
    if before:
        return before[-1]
    after = [h for h in hedges if h.scope_start <= position < h.start]
    return after[0] if after else None
