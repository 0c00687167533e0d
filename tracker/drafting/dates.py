"""Date expressions in prose, resolved to tracker's fuzzy dates with the right precision.

Absolute dates ("June 9, 2015", "9 June 2016") are parsed by ``dateparser``;
partial ones ("on June 13", "June 11 and 12") take their year from the last
full date before them in the text, or from the publication date, and never
fall after the publication. Vague ones become ranges: "in early June" (the
1st to the 10th), "mid-June" (11th–20th), "late June" (21st–end), "mid-2015"
(May–August), "through the autumn" (September–November), "in 2015" (the year).
"soon after the assassination" and "after ISIS's expulsion" are *relative*:
:mod:`tracker.drafting.compose` resolves them against the event they name.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_LINK = r"(?:\s*(?:,\s*)?(?:and|&)\s*|\s*(?:-|–|—|to|through|until)\s*)"
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
PARTS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31), "end of": (21, 31), "beginning of": (1, 10)}
YEAR_PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12), "end of": (10, 12), "beginning of": (1, 3)}

# Most specific first: the first pattern to match a stretch of text wins it.
_PATTERNS: list[tuple[str, str]] = [
    ("month_day_link_day", rf"\b(?P<m>{_MONTH})\s+(?P<d1>{_DAY}){_LINK}(?P<d2>{_DAY})\b(?:,?\s+(?P<y>{_YEAR}))?"),
    ("day_link_day_month", rf"\b(?P<d1>{_DAY}){_LINK}(?P<d2>{_DAY})\s+(?P<m>{_MONTH})(?:,?\s+(?P<y>{_YEAR}))?"),
    ("month_day_year", rf"\b(?P<m>{_MONTH})\s+(?P<d>{_DAY}),?\s+(?P<y>{_YEAR})\b"),
    ("day_month_year", rf"\b(?P<d>{_DAY})\s+(?:of\s+)?(?P<m>{_MONTH}),?\s+(?P<y>{_YEAR})\b"),
    ("part_month", rf"\b(?:in\s+)?(?P<p>early|mid|late|the\s+end\s+of|the\s+beginning\s+of)[\s-]+(?P<m>{_MONTH})"
                   rf"(?:,?\s+(?P<y>{_YEAR}))?\b"),
    ("part_year", rf"\b(?:in\s+)?(?P<p>early|mid|late|the\s+end\s+of|the\s+beginning\s+of)[\s-]+(?P<y>{_YEAR})\b"),
    ("month_day", rf"\b(?P<m>{_MONTH})\s+(?P<d>{_DAY})\b(?!\s*(?:,\s*)?{_YEAR})"),
    ("day_month", rf"\b(?P<d>{_DAY})\s+(?:of\s+)?(?P<m>{_MONTH})\b"),
    ("month_year", rf"\b(?P<m>{_MONTH})\s+(?:of\s+)?(?P<y>{_YEAR})\b"),
    ("month_only", rf"\b(?:in|during|since|by|until|through|throughout|early|late)\s+(?P<m>{_MONTH})\b(?!\s*\d)"),
    ("season", r"\b(?:through(?:out)?|during|in|over)?\s*the\s+(?P<s>spring|summer|autumn|fall|winter)"
               rf"(?:\s+of\s+(?P<y>{_YEAR}))?\b"),
    ("year", rf"\b(?:in|since|by|during|until|throughout)\s+(?P<y>{_YEAR})\b"),
    ("relative", r"\b(?P<r>soon\s+after|shortly\s+after|immediately\s+after|days\s+after|weeks\s+after|after|"
                 r"following|before)\s+(?P<a>(?:the|its|his|their|[A-Z][\w-]*(?:’s|'s))\s+(?:\w+\s+){0,2}?"
                 r"(?:assassination|killing|expulsion|withdrawal|capture|fall|fighting|clashes|attack|offensive|"
                 r"declaration|liberation|takeover|retreat|defeat|announcement|bombing|strike|siege))\b"),
]
_NUMBERS = re.compile(r"\d+")


@dataclass(frozen=True)
class DateMention:
    """A date expression: where it is, its words, and what it resolved to."""

    start: int
    end: int
    words: str
    kind: str  # day | days | range | month | year | vague | relative
    value: str | None  # a fuzzy date ("2015-06-13", "2015-06-01/2015-06-10"); None for a relative one
    days: tuple[str, ...] = ()  # the days a list names ("June 11 and 12": both)
    relation: str | None = None  # relative: "soon after", "after", "before"
    anchor: str | None = None  # relative: the noun it is relative to ("assassination")
    full: bool = False  # it gives its own year

    def decided(self) -> str:
        return f"{self.words} → {self.value}" if self.value else self.words


@dataclass
class DateContext:
    """What partial dates are resolved against: the last full date in the text, the publication."""

    published: dt.date | None = None
    last: dt.date | None = None
    mentions: list[DateMention] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def year_for(self, month: int, day: int = 1) -> int:
        """The year of a date the text gives without one: the last full date's, else the publication's (the
        year before when that would put it after the publication). A date after the publication is said."""
        if self.last is not None:
            year = self.last.year
            when = dt.date(year, month, min(day, 28))
            if self.published is not None and when > self.published:
                self.warnings.append(f"{when.isoformat()[:7]}-{day:02d} (year from the text's last full date, "
                                     f"{self.last}) falls after the publication date {self.published}")
            return year
        base = self.published or dt.date.today()
        year = base.year
        if dt.date(year, month, min(day, 28)) > base:
            year -= 1
        return year


@cache
def _compiled() -> list[tuple[str, re.Pattern]]:
    return [(kind, re.compile(p, re.IGNORECASE if kind in ("season", "year", "relative", "part_year") else 0))
            for kind, p in _PATTERNS]


def _parse_day(words: str, base: dt.date) -> dt.date | None:
    import dateparser  # type: ignore[import-untyped]

    settings = {"RELATIVE_BASE": dt.datetime(base.year, base.month, base.day), "REQUIRE_PARTS": ["day", "month"],
                "PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": False}
    found = dateparser.parse(words, languages=["en"], settings=settings)
    return found.date() if found else None


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _iso(d: dt.date) -> str:
    return d.isoformat()


def find_dates(text: str, offset: int, context: DateContext) -> list[DateMention]:
    """The date expressions of one sentence (``offset``: where it starts in the whole text), resolved in order;
    a full date found updates ``context.last`` for the sentences after it."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, int, str, re.Match]] = []
    for kind, pattern in _compiled():
        for m in pattern.finditer(text):
            a, b = m.span()
            if kind == "season" and not m.group(0).strip().lower().startswith(("through", "during", "in", "over")):
                a = m.start("s") - len("the ")
            if any(a < y and x < b for x, y in taken):
                continue
            taken.append((a, b))
            found.append((a, b, kind, m))
    out = []
    for a, b, kind, m in sorted(found, key=lambda f: f[0]):
        mention = _resolve(kind, m, text[a:b].strip(), offset + a, offset + b, context)
        if mention is not None:
            out.append(mention)
            if mention.full and mention.kind in ("day", "days", "range"):
                context.last = dt.date.fromisoformat((mention.value or "").split("/")[0])
    context.mentions.extend(out)
    return out


def _month(m: re.Match) -> int:
    return MONTHS[m.group("m").lower().rstrip(".")]


def _resolve(kind: str, m: re.Match, words: str, start: int, end: int, context: DateContext) -> DateMention | None:
    g = m.groupdict()
    year = int(g["y"]) if g.get("y") else None
    if kind in ("month_day_year", "day_month_year"):
        assert year is not None
        day = _parse_day(words, dt.date(year, 1, 1))
        if day is None:
            return None
        return DateMention(start, end, words, "day", _iso(day), full=True)
    if kind in ("month_day", "day_month"):
        month, d = _month(m), int(_NUMBERS.findall(g["d"])[0])
        y = context.year_for(month, d)
        try:
            day = dt.date(y, month, d)
        except ValueError:
            return None
        return DateMention(start, end, words, "day", _iso(day))
    if kind in ("month_day_link_day", "day_link_day_month"):
        month = _month(m)
        d1, d2 = int(_NUMBERS.findall(g["d1"])[0]), int(_NUMBERS.findall(g["d2"])[0])
        if d2 <= d1:
            return None
        y = year or context.year_for(month, d1)
        try:
            first, last = dt.date(y, month, d1), dt.date(y, month, d2)
        except ValueError:
            return None
        is_list = bool(re.search(r"\b(?:and|&)\b|,", words))
        if is_list:
            days = tuple(_iso(dt.date(y, month, n)) for n in (d1, d2))
            return DateMention(start, end, words, "days", f"{days[0]}/{days[-1]}", days=days, full=year is not None)
        return DateMention(start, end, words, "range", f"{_iso(first)}/{_iso(last)}", full=year is not None)
    if kind == "part_month":
        month = _month(m)
        part = " ".join(g["p"].lower().split()).removeprefix("the ")
        lo, hi = PARTS[part]
        y = year or context.year_for(month, lo)
        hi = min(hi, _last_day(y, month))
        return DateMention(start, end, words, "vague", f"{_iso(dt.date(y, month, lo))}/{_iso(dt.date(y, month, hi))}")
    if kind == "part_year":
        assert year is not None
        part = " ".join(g["p"].lower().split()).removeprefix("the ")
        lo, hi = YEAR_PARTS[part]
        return DateMention(start, end, words, "vague", f"{year}-{lo:02d}/{year}-{hi:02d}")
    if kind == "month_year":
        assert year is not None
        return DateMention(start, end, words, "month", f"{year}-{_month(m):02d}", full=True)
    if kind == "month_only":
        month = _month(m)
        y = context.year_for(month, 1)
        return DateMention(start, end, words, "month", f"{y}-{month:02d}")
    if kind == "season":
        first_month, last_month = SEASONS[g["s"].lower()]
        y = year or context.year_for(first_month)
        end_year = y + 1 if last_month < first_month else y
        return DateMention(start, end, words, "vague", f"{y}-{first_month:02d}/{end_year}-{last_month:02d}")
    if kind == "year":
        assert year is not None
        return DateMention(start, end, words, "year", str(year), full=True)
    if kind == "relative":
        relation = " ".join(g["r"].lower().split())
        anchor = g["a"].split()[-1].lower()
        return DateMention(start, end, words, "relative", None, relation=relation, anchor=anchor)
    return None


def window(value: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a fuzzy date."""
    from tracker.model.dates import parse_fuzzy_date

    d = parse_fuzzy_date(value)
    return d.earliest, d.latest
