"""Spelling-proof keys for place names: Derna, Darnah, Darna, Derne and درنة meet.

Place names reach tracker through many romanizations of Arabic (and of
Cyrillic), so exact matching after :func:`tracker.names.normalize_name` is not
enough. Two keys are built from a name, in three steps:

1. **Latin letters.** Arabic and Cyrillic script is transliterated letter by
   letter (ع and the hamza vanish, ة is a final vowel); ``al-``/``el-``/``ash-``
   and the other forms of the Arabic article are dropped, whether written as
   a word of their own (``Az Zawiyah``, ``Deir ez-Zor``) or as the Arabic
   prefix ``ال``.
2. **The fine form** (:func:`fine_form`): the letters folded into classes that
   transliterations confuse — ``kh``/``q``/``k``/hard ``g``/``gh`` are one
   sound, ``sh``/``ch``, ``dh``/``d``, ``th``/``t``, ``s``/``z``, ``j``/soft ``g``,
   ``v``/``f``; the vowels reduced to ``a``/``i``/``u`` (``e`` is ``a``, ``o`` and
   ``ou`` are ``u``, ``y`` is ``i``, ``w`` is ``u``); a final ``h`` after a vowel
   dropped (Darnah); doubled letters written once. ``Derna``, ``Darnah`` and
   ``Darna`` are all ``darna``; ``درنة`` is ``drna``.
3. **The skeleton** (:func:`place_key`): the fine form without its vowels
   (``drn``), the words run together. It is the indexed blocking key: every
   spelling of a name shares it, and candidates that share it are then scored
   by how alike their fine forms are (:func:`similarity`).

The keys are lossy on purpose; scores and the narrowing by country, admin area
and population (in :mod:`tracker.geo.gazetteer`) decide between the candidates.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from tracker.names.normalize import normalize_name

# Arabic (with the Persian and Urdu letters GeoNames uses) to a plain
# romanization; normalize_name has already folded the alef forms and removed
# the vowel marks.
_ARABIC = {
    "\u0627": "a", "\u0628": "b", "\u062a": "t", "\u062b": "th", "\u062c": "j", "\u062d": "h",
    "\u062e": "kh", "\u062f": "d", "\u0630": "dh", "\u0631": "r", "\u0632": "z", "\u0633": "s",
    "\u0634": "sh", "\u0635": "s", "\u0636": "d", "\u0637": "t", "\u0638": "z", "\u0639": "",
    "\u063a": "gh", "\u0641": "f", "\u0642": "q", "\u0643": "k", "\u0644": "l", "\u0645": "m",
    "\u0646": "n", "\u0647": "h", "\u0648": "w", "\u064a": "y", "\u0629": "a", "\u0621": "",
    "\u0626": "y", "\u0624": "w", "\u0649": "a",
    "\u067e": "p", "\u0686": "ch", "\u0698": "zh", "\u06a9": "k", "\u06af": "g", "\u06cc": "y",
    "\u06c1": "h", "\u06c3": "a", "\u06be": "h", "\u06d2": "y", "\u0679": "t", "\u0688": "d",
    "\u0691": "r", "\u06ba": "n", "\u06d5": "a",
}
# Arabic-Indic and Persian digits.
_ARABIC.update({chr(0x0660 + i): str(i) for i in range(10)})
_ARABIC.update({chr(0x06F0 + i): str(i) for i in range(10)})

# Russian and Ukrainian Cyrillic (lower case; names are case-folded first).
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "ye", "ё": "yo",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
}

# Latin letters that Unicode does not decompose into a base letter and a mark.
_LATIN_EXTRA = {"ı": "i", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ħ": "h", "ŧ": "t", "þ": "th", "ð": "d"}

_TO_LATIN = str.maketrans({**_ARABIC, **_CYRILLIC, **_LATIN_EXTRA})
_ARABIC_LETTERS = re.compile(r"[\u0600-\u06ff]")

# The Arabic article as romanized, alone before the next word (assimilated
# forms included: ash-Shihr, az-Zawiyah, ad-Dawr).
ARTICLES = frozenset(
    "al el il ul l ad ag ar as ash at ath az adh an ed er es esh et ez en dh".split()
)

# Letter classes. Order matters: longer spellings first.
_DIGRAPHS = [
    ("shch", "S"), ("tch", "S"), ("sch", "S"), ("dzh", "J"), ("sh", "S"), ("ch", "S"), ("zh", "J"),
    ("kh", "K"), ("gh", "K"), ("dh", "d"), ("th", "t"), ("ph", "f"), ("dj", "J"), ("ck", "K"),
    ("ts", "s"), ("ou", "u"), ("oo", "u"), ("ee", "i"),
]
_DIGRAPH_RE = re.compile("|".join(d for d, _ in _DIGRAPHS))
_DIGRAPH_MAP = dict(_DIGRAPHS)
_SOFT = re.compile(r"([gc])(?=[eiy])")
_CLASSES = str.maketrans({
    "q": "K", "k": "K", "g": "K", "c": "K", "x": "Ks", "j": "J", "z": "s", "v": "f", "p": "b",
    "e": "a", "o": "u", "y": "i", "w": "u",
})
_FINAL_H = re.compile(r"(?<=[aiu])h$")
_DOUBLES = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aiu]")


def latin_words(name: str, normalized: bool = False) -> list[str]:
    """The name's words in Latin letters, without the Arabic article.

    >>> latin_words("Deir ez-Zor")
    ['deir', 'zor']
    >>> latin_words("دير الزور")
    ['dyr', 'zwr']
    """
    words = []
    for word in (name if normalized else normalize_name(name)).split():
        arabic = bool(_ARABIC_LETTERS.search(word))
        word = word.translate(_TO_LATIN)
        if arabic and word.startswith("al") and len(word) > 3:
            word = word[2:]
        if word:
            words.append(word)
    while len(words) > 1 and words[0] in ARTICLES:
        words.pop(0)
    # An article inside the name (Ayn al Arab, Dayr az Zawr) goes too.
    return [w for i, w in enumerate(words) if not (w in ARTICLES and i + 1 < len(words))]


def _fine_word(word: str) -> str:
    word = _DIGRAPH_RE.sub(lambda m: _DIGRAPH_MAP[m.group(0)], word)
    word = _SOFT.sub(lambda m: "J" if m.group(1) == "g" else "s", word)
    word = word.translate(_CLASSES)
    word = _FINAL_H.sub("", word)
    return _DOUBLES.sub(r"\1", word)


@lru_cache(maxsize=65536)
def fine_form(name: str) -> str:
    """The name folded into the letter classes transliterations confuse.

    >>> fine_form("Derna"), fine_form("Darnah"), fine_form("Darna")
    ('darna', 'darna', 'darna')
    >>> fine_form("Qaddafi") == fine_form("Gaddafi") == fine_form("Kadhafi")
    True
    """
    return "".join(_fine_word(w) for w in latin_words(name))


def skeleton(fine: str) -> str:
    """The consonants of a fine form (the vowels dropped, doubles once)."""
    return _DOUBLES.sub(r"\1", _VOWELS.sub("", fine))


def place_key(name: str) -> str:
    """The matching key of a place name: its consonant skeleton.

    >>> {place_key(n) for n in ["Derna", "Darnah", "Darna", "Derne", "درنة"]}
    {'drn'}
    >>> place_key("Benghazi") == place_key("Bengasi") == place_key("بنغازي")
    True
    """
    fine = fine_form(name)
    return skeleton(fine) or fine


def fine_of_normalized(normalized: str) -> str:
    """:func:`fine_form` of a name already passed through ``normalize_name`` (bulk work, uncached)."""
    return "".join(_fine_word(w) for w in latin_words(normalized, normalized=True))


def key_of_normalized(normalized: str) -> str:
    """:func:`place_key` of a name already passed through ``normalize_name`` (bulk loads)."""
    fine = fine_of_normalized(normalized)
    return skeleton(fine) or fine


def has_arabic(text: str) -> bool:
    return _ARABIC_LETTERS.search(text) is not None


def similarity(a: str, b: str) -> float:
    """How alike two names are (0..1) in their fine forms; 1.0 only when those are equal.

    Arabic script leaves short vowels unwritten, so a pair involving it that
    shares the consonant skeleton counts halfway to equal (درنة and Darnah).
    """
    fa, fb = fine_form(a), fine_form(b)
    if not fa or not fb:
        return 0.0
    if fa == fb:
        return 1.0
    ratio = SequenceMatcher(None, fa, fb, autojunk=False).ratio()
    if (_ARABIC_LETTERS.search(a) or _ARABIC_LETTERS.search(b)) and skeleton(fa) == skeleton(fb):
        return (1.0 + ratio) / 2
    return ratio


__all__ = ["latin_words", "fine_form", "fine_of_normalized", "has_arabic", "skeleton", "place_key", "key_of_normalized",
           "similarity", "ARTICLES"]
