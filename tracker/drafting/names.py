"""What the stages share: record keys, possessives, and finding many names in a text at once."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")

POSSESSIVE = r"(?:’s|'s|’|')"


def slug(name: str) -> str:
    """A record key from a name: "MSC Derna" -> "msc-derna"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[’']s\b", "", text)
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:80] or "record"


def unique_key(base: str, taken: set[str]) -> str:
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def names_pattern(names: Iterable[str], ignore_case: bool = False) -> re.Pattern | None:
    """One pattern finding any of ``names`` as whole words (not inside "Anti-ISIS"), with a possessive after it."""
    unique = sorted({n for n in names if n.strip()}, key=len, reverse=True)
    if not unique:
        return None
    body = "|".join(re.escape(n).replace(r"\ ", r"\s+").replace("'", "['’]").replace("’", "['’]") for n in unique)
    return re.compile(rf"(?<![\w-])(?P<name>{body})(?P<pos>{POSSESSIVE})?(?![\w-])", re.IGNORECASE if ignore_case else 0)


def could_name(text: str, known_actors: Iterable[tuple], known_places: Iterable[tuple]) -> tuple[list, list]:
    """The store's actors and places the text could name: those one of whose names has every word
    (as :func:`normalize_name` reads it) somewhere in the text, and every country.

    A store of whole exports knows tens of thousands of names; a report names a few dozen.
    Drafting with only these gives the same draft (a name that matches anywhere has all its
    words in the text) and does not build its patterns from every name of the store.
    """
    from tracker.names.normalize import normalize_name

    folded = normalize_name(text)

    def named(names) -> bool:
        for name in names:
            words = normalize_name(name).split()
            if words and all(w in folded for w in words):
                return True
        return False

    actors = [a for a in known_actors if named([a[0], *a[1]])]
    places = [p for p in known_places if p[2] == "country" or named([p[0], *p[1]])]
    return actors, places


def first_wins(text: str, patterns: Iterable[tuple[T, re.Pattern]]) -> list[tuple[T, re.Match]]:
    """Every match of the patterns in ``text``, in the patterns' order of preference: a stretch of text
    goes to the first pattern that matches it (the most specific words are listed first); in text order."""
    taken: list[tuple[int, int]] = []
    out: list[tuple[T, re.Match]] = []
    for tag, pattern in patterns:
        for m in pattern.finditer(text):
            a, b = m.span()
            if b == a or any(a < y and x < b for x, y in taken):
                continue
            taken.append((a, b))
            out.append((tag, m))
    return sorted(out, key=lambda found: found[1].start())
