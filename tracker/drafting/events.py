"""The event lexicon: verbs and nouns of prose mapped to ACLED's event types and sub-types.

Each entry is a pattern, the type and sub-type it codes, and a *kind* that says
how the composer reads the sentence around it (who acts on whom, whether
ground changes hands). The first entry to match a stretch of text wins it;
the most specific words come first ("suicide car bomb" before "bomb").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tracker.drafting.names import first_wins

BATTLES, EXPLOSIONS, VAC, PROTESTS, RIOTS, STRATEGIC = (
    "Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
    "Strategic developments")

# (kind, pattern, type, sub_type)
LEXICON: tuple[tuple[str, str, str, str], ...] = (
    ("explosion", r"suicide\s+(?:car|truck|vehicle)[\s-]+bomb(?:s|ings?)?|S?VBIEDs?|suicide\s+bomb(?:s|ings?|ers?)?|"
                  r"suicide\s+attacks?", EXPLOSIONS, "Suicide bomb"),
    ("explosion", r"air[\s-]?strikes?|air\s+raids?|drone\s+strikes?|bombed\s+from\s+the\s+air|warplanes?\s+struck",
     EXPLOSIONS, "Air/drone strike"),
    ("explosion", r"shell(?:ed|ing)|artillery\s+(?:fire|strikes?)|rockets?\s+(?:fire|attacks?)|mortar\s+(?:fire|rounds?)",
     EXPLOSIONS, "Shelling/artillery/missile attack"),
    ("explosion", r"IEDs?|roadside\s+bombs?|car\s+bombs?|landmines?|(?:bomb|explosive)s?\s+(?:exploded|went\s+off)",
     EXPLOSIONS, "Remote explosive/landmine/IED"),
    ("capture", r"captur(?:ed|es|ing|e)|seiz(?:ed|es|ing|e)|overr(?:an|un|uns|unning)|t(?:ook|aken|aking)\s+(?:full\s+|complete\s+)?control\s+of|"
                r"t(?:ook|ake|aken|aking)\s+over|recaptur(?:ed|es|ing|e)|retook|retak(?:en|es|ing|e)|liberat(?:ed|es|ing|e)",
     BATTLES, "Non-state actor overtakes territory"),
    ("clear", r"clear(?:ed|s|ing)\s+(?=\S+(?:\s+\S+){0,3}\s+(?:from|out\s+of)\b)|drove\s+(?=\S+(?:\s+\S+){0,3}\s+out\b)|"
              r"expell(?:ed|ing)\s+(?=\S+(?:\s+\S+){0,3}\s+from\b)|push(?:ed|ing)\s+(?=\S+(?:\s+\S+){0,3}\s+out\b)",
     BATTLES, "Non-state actor overtakes territory"),
    ("attack", r"assassinat(?:ed|es|ing|e|ion)|kill(?:ed|s|ing)\s+(?=[A-Z\w])|execut(?:ed|es|ing)|abduct(?:ed|s|ing)|"
               r"kidnapp?(?:ed|s|ing)", VAC, "Attack"),
    ("battle", r"clash(?:es|ed)?|fighting|fought|battles?\b(?!\s+for\s+the\s+narrative)|gun\s*battles?|firefights?|"
               r"ambush(?:ed|es)?|offensive\s+(?:on|against)|assault(?:ed)?\s+on|stormed|advanc(?:ed|ing)\s+on",
     BATTLES, "Armed clash"),
    ("protest", r"demonstrat(?:ions?|ed|ing)|protest(?:s|ed|ing|ers)?|rall(?:y|ies|ied)|march(?:ed)?\s+against|"
                r"sit-ins?", PROTESTS, "Peaceful protest"),
    ("riot", r"riot(?:s|ed|ing)?|mob\s+violence", RIOTS, "Violent demonstration"),
    ("declare", r"declar(?:ing|ed|es)\s+(?:a\s+)?(?:jihad|war)|declar(?:ing|ed|es)\s+(?:a\s+)?ceasefire|"
                r"pledg(?:ed|ing)\s+allegiance", STRATEGIC, "Other"),
    ("announce", r"announc(?:ing|ed|es)\s+(?!that\b)", STRATEGIC, "Other"),
    ("enter", r"enter(?:ed|s|ing)\s+(?=the\s+(?:city|town)|[A-Z])", BATTLES, "Armed clash"),
)


@dataclass(frozen=True)
class Trigger:
    start: int  # in the whole text
    end: int
    words: str
    kind: str
    type: str
    sub_type: str


@cache
def _compiled() -> tuple[tuple[str, re.Pattern, str, str], ...]:
    return tuple((k, re.compile(rf"\b(?:{p})", re.IGNORECASE if k not in ("explosion",) else 0), t, st)
                 for k, p, t, st in LEXICON)


def find_triggers(text: str, offset: int) -> list[Trigger]:
    """The event words of one sentence, in order."""
    entries = (((kind, type_, sub_type), pattern) for kind, pattern, type_, sub_type in _compiled())
    return [Trigger(offset + m.start(), offset + m.end(), m.group(0).strip(), kind, type_, sub_type)
            for (kind, type_, sub_type), m in first_wins(text, entries)]
