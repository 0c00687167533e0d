"""Phrase families: how event notes and map labels say what happened to the ground, and how sure they are.

Each family is a named list of patterns, per language, compiled once. The
readers (tracker.control.ground for transfer notes, tracker.ingest.control_maps for map
labels) ask a family for its hits and keep the phrases that decided, so that
every reading can be shown as evidence ("briefly take over", "the force
retreated later the same evening").

Families (docs/control.md, "Reading the notes", has a real example of each):

``temporary``
    The ground was taken only for a while: *briefly took over*, *temporarily
    occupied*, *short lived*, *for two hours*, *in and out operation*.
``left_again``
    The side that took it left again: *before retreating*, *later returned to
    their base*, *withdrew voluntarily … and went back*, *left the area again*,
    *unable to hold the area*.
``others_returned``
    The other side came back: *prompting al Shabaab to retake*, *allowing al
    Shabaab to reoccupy*, *immediately returned to the town*, *were ousted by*.
``retake``
    This event undoes an earlier gain of the same day: *earlier in the day*,
    *earlier in the morning*, *following the retreat of*, *later the same
    afternoon*.
``same_day`` / ``next_day``
    When the holding ended, where the note says: *the same evening*, *about
    mid-night*, *hours later* / *the following morning*, *the next day*.
``hedge``
    Words that make a statement less than certain (map labels and notes):
    *supposedly*, *needs clarification*, Ukrainian *начебто*, *треба
    уточнення*, Russian *якобы*, *требует уточнения*. Mapping files declare
    their own per language (seeds/control-maps/deepstatemap.yaml).

English is what ACLED's notes are written in (its coders translate; no
French, Portuguese or Arabic control phrase occurs in the real notes under
../shared). The French and Portuguese entries serve reports and prose in those
languages, and mark where a new language goes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

# A control verb, as the temporary family needs it next to its adverb.
_TAKE = (r"(?:t(?:ook|ake|akes|aking|aken)(?:\s+(?:over|control))?|overt(?:ook|ake|akes|aking|aken)|"
         r"occup(?:ied|y|ies|ying)|captur(?:ed|e|es|ing)|seiz(?:ed|e|es|ing)|h(?:eld|old|olds|olding)|"
         r"controll?(?:ed|s|ing)?|enter(?:ed|s|ing)?|overr(?:an|un|uns))")
_PLACE_WORD = r"(?:village|town|city|area|base|locality|position|positions|camp|district|post|port|site)s?"
_NUMBER = r"(?:a\s+few|several|one|two|three|four|five|six|\d+|an|a)"

FAMILIES: dict[str, dict[str, tuple[str, ...]]] = {
    "temporary": {
        "en": (
            rf"\b(?:briefly|temporarily|momentarily)\s+(?:\w+\s+){{0,1}}{_TAKE}\b",
            rf"\b{_TAKE}\s+(?:\w+\s+){{0,4}}?(?:briefly|temporarily|momentarily)\b",
            rf"\b{_TAKE}\s+(?:(?:the|a|an|over|control\s+of)\s+)?(?:\w+\s+){{0,2}}?for\s+{_NUMBER}\s+hours?\b",
            r"\b(?:presence|control|occupation|hold)\s+(?:of\s+\w+\s+)?was\s+short[\s-]lived\b",
            r"\bshort[\s-]lived\s+(?:control|occupation|takeover|capture)\b",
            rf"\b{_TAKE}\s+shortly\b(?!\s+(?:after|before|afterwards|thereafter|later))",
            r"\bin[\s-]and[\s-]out\s+operation\b",
            r"\bhit[\s-]and[\s-]run\b",
        ),
        "fr": (r"\b(?:bri[èe]vement|temporairement|momentan[ée]ment)\s+(?:\w+\s+){0,2}(?:occup|pris|contr[ôo]l)\w*",
               r"\b(?:occup|pris|contr[ôo]l)\w*\s+(?:\w+\s+){0,3}?(?:bri[èe]vement|temporairement|momentan[ée]ment)\b",
               r"\bpendant\s+quelques\s+heures\b"),
        "pt": (r"\b(?:temporariamente|brevemente|momentaneamente)\s+(?:\w+\s+){0,2}(?:ocup|tom|control)\w*",
               r"\b(?:ocup|tom|control)\w*\s+(?:\w+\s+){0,3}?(?:temporariamente|brevemente|momentaneamente)\b",
               r"\bdurante\s+algumas\s+horas\b"),
    },
    "left_again": {
        "en": (
            r"\bbefore\s+(?:\w+\s+){0,2}?(?:retreating|withdrawing|pulling\s+(?:out|back)|leaving|moving\s+out)\b",
            r"\b(?:later|again|then|subsequently|afterwards|eventually|soon\s+after(?:wards)?)\s+(?:\w+\s+){0,2}?"
            r"(?:withdr[eao]w\w*|retreat\w*|left|pulled\s+(?:out|back)|returned\s+to\s+(?:their|its|the)\b)",
            r"\b(?:withdr[eao]w\w*|retreat\w*|left(?:\s+the\s+" + _PLACE_WORD + r")?|pulled\s+(?:out|back))\s+"
            r"(?:\w+\s+){0,3}?(?:again|later\s+(?:the\s+same|that)\s+\w+|the\s+same\s+(?:day|evening|night|afternoon))\b",
            r"\bbefore\s+(?:\w+\s+){1,4}?(?:withdrew|retreated|left|pulled\s+(?:out|back))\b",
            rf"\b(?:withdr[eao]w\w*|retreat\w*|left|pulled\s+(?:out|back))\s+(?:\w+\s+){{0,3}}?{_NUMBER}\s+"
            r"(?:hours?|minutes)\s+later\b",
            r"\bwithdrew\s+voluntarily\b",
            r"\bwent\s+back\s+to\s+(?:their|its)\s+(?:locations?|bases?|positions?|camps?)\b",
            r"\breturned\s+to\s+(?:their|its)\s+(?:main\s+)?(?:bases?|positions?|camps?|barracks)\b",
            r"\bunable\s+to\s+hold\b",
            r"\bleft\s+the\s+" + _PLACE_WORD + r"\s+(?:again|later|the\s+(?:following|next)\s+(?:morning|day))\b",
        ),
        "fr": (r"\bavant\s+de\s+se\s+retirer\b", r"\bse\s+sont\s+(?:ensuite\s+)?retir[ée]s\b",
               r"\bont\s+quitt[ée]\s+(?:\w+\s+){0,3}(?:le\s+lendemain|le\s+m[êe]me\s+jour)\b"),
        "pt": (r"\bantes\s+de\s+se\s+retirar(?:em)?\b", r"\bretiraram-se\b",
               r"\babandonaram\s+(?:\w+\s+){0,3}(?:no\s+dia\s+seguinte|no\s+mesmo\s+dia)\b"),
    },
    "others_returned": {
        "en": (
            r"\b(?:prompting|allowing|enabling|leading)\s+(?:\w+\s+){1,6}?to\s+(?:retake|reoccupy|re-occupy|return|"
            r"regain|take\s+back|move\s+back)\b",
            r"\b(?:immediately|later|then|soon|quickly)\s+(?:\w+\s+){0,1}?(?:returned|moved\s+(?:back\s+)?in(?:to)?|"
            r"retook|reoccupied|re-occupied|regained|took\s+(?:it\s+)?back)\b",
            r"\b(?:were|was)\s+(?:later\s+)?(?:ousted|driven\s+out|pushed\s+out|expelled|repelled)\s+by\b",
            r"\bdrove\s+(?:\w+\s+){1,4}?out\s+in\s+an\s+operation\b",
        ),
        "fr": (r"\bpermettant\s+(?:\w+\s+){1,6}?de\s+(?:reprendre|r[ée]occuper|revenir)\b",),
        "pt": (r"\bpermitindo\s+(?:\w+\s+){1,6}?(?:retomar|reocupar|regressar)\b",),
    },
    "retake": {
        "en": (
            r"\bearlier\s+(?:in\s+the|that)\s+(?:day|morning|afternoon|evening|night)\b",
            r"\bhad\s+earlier\s+(?:in\s+the\s+day\s+)?(?:\w+\s+){0,2}(?:gained|taken|seized|captured|entered)\b",
            r"\bfollowing\s+the\s+(?:retreat|withdrawal|departure)\s+of\b",
            r"\b(?:recaptur\w*|retak\w*|retook|regain\w*)\s+(?:\w+\s+){0,4}?later\s+the\s+same\s+\w+\b",
            r"\bwhich\s+was\s+taken\s+(?:\w+\s+){0,4}?(?:earlier|the\s+previous\s+day|the\s+day\s+before)\b",
        ),
        "fr": (r"\bplus\s+t[ôo]t\s+dans\s+la\s+(?:journ[ée]e|matin[ée]e)\b",),
        "pt": (r"\bmais\s+cedo\s+(?:no\s+mesmo\s+dia|naquele\s+dia)\b",),
    },
    "same_day": {
        "en": (
            r"\b(?:later\s+)?the\s+same\s+(?:day|evening|night|afternoon|morning)\b",
            r"\blater\s+(?:that|in\s+the)\s+(?:day|evening|night|afternoon)\b",
            rf"\b(?:{_NUMBER}\s+)?(?:hours?|minutes)\s+later\b",
            r"\b(?:about|around|at|by|after)\s+mid-?\s?night\b",
            rf"\bfor\s+{_NUMBER}\s+hours?\b",
            r"\bshort[\s-]lived\b",
            r"\bless\s+than\s+24\s+hours\b",
        ),
        "fr": (r"\ble\s+m[êe]me\s+jour\b", r"\bquelques\s+heures\s+plus\s+tard\b"),
        "pt": (r"\bno\s+mesmo\s+dia\b", r"\bhoras\s+depois\b"),
    },
    "next_day": {
        "en": (r"\bthe\s+(?:following|next)\s+(?:day|morning)\b", r"\bthe\s+day\s+after\b"),
        "fr": (r"\ble\s+lendemain\b",),
        "pt": (r"\bno\s+dia\s+seguinte\b",),
    },
    "hedge": {
        "en": (r"\bsupposedly\b", r"\breportedly\b", r"\ballegedly\b", r"\bunconfirmed\b",
               r"\bneeds?\s+clarification\b", r"\bto\s+be\s+clarified\b", r"\bprobably\b"),
        "uk": (r"\bначебто\b", r"\bнібито\b", r"\bймовірно\b", r"\bімовірно\b", r"\bтреба\s+уточнення\b",
               r"\bпотребує\s+уточнення\b", r"\bне\s+підтверджено\b"),
        "ru": (r"\bякобы\b", r"\bпредположительно\b", r"\bвероятно\b", r"\bтребует\s+уточнения\b",
               r"\bне\s+подтвержден\w*\b"),
    },
}


@dataclass(frozen=True)
class Hit:
    family: str
    language: str
    phrase: str  # the words as written
    start: int
    end: int


@cache
def _compiled(family: str) -> tuple[tuple[str, re.Pattern], ...]:
    if family not in FAMILIES:
        raise KeyError(f"no phrase family {family!r} (known: {', '.join(FAMILIES)})")
    return tuple((lang, re.compile(p, re.IGNORECASE | re.UNICODE))
                 for lang, patterns in FAMILIES[family].items() for p in patterns)


@cache
def _any(family: str) -> re.Pattern:
    """One pattern matching where any of the family's does: most texts hold none, and one search
    of the alternation tells so in a pass instead of one pass per pattern."""
    return re.compile("|".join(f"(?:{p})" for patterns in FAMILIES[family].values() for p in patterns),
                      re.IGNORECASE | re.UNICODE)


def find(text: str | None, family: str) -> list[Hit]:
    """Every hit of a family in a text, in order (overlapping hits of several patterns kept once)."""
    if not text:
        return []
    if family in FAMILIES and _any(family).search(text) is None:
        return []
    found: dict[tuple[int, int], Hit] = {}
    for lang, pattern in _compiled(family):
        for m in pattern.finditer(text):
            found.setdefault((m.start(), m.end()), Hit(family, lang, " ".join(m.group(0).split()), m.start(), m.end()))
    hits = sorted(found.values(), key=lambda h: (h.start, -(h.end - h.start)))
    out: list[Hit] = []
    for h in hits:
        if out and h.start < out[-1].end:
            continue  # inside a longer hit already kept
        out.append(h)
    return out


def first(text: str | None, family: str) -> Hit | None:
    hits = find(text, family)
    return hits[0] if hits else None


def compile_words(words: Iterable[str]) -> re.Pattern | None:
    """One pattern for a list of words or phrases (a mapping file's hedges): whole words, any case, any spacing."""
    parts = [r"\s+".join(re.escape(w) for w in word.split()) for word in words if word.strip()]
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(parts, key=len, reverse=True)) + r")(?!\w)",
                      re.IGNORECASE | re.UNICODE)


__all__ = ["FAMILIES", "Hit", "find", "first", "compile_words"]
