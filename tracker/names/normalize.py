"""Name normalization: the key under which actor and place names are matched.

"MSC-Derna", "msc derna" and "M.S.C. Derna" are one name; so are "Darnah"
and "DARNAH", "Tripoli" and "Trípoli", "الدولة الإسلامية" with or without its
vowel marks. Matching ignores case, accents, punctuation and Arabic diacritics.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Word-joining punctuation becomes a space; the rest (apostrophes, dots,
# parentheses...) simply goes, so that "Qa'ida" and "Qaida" meet.
_SPACE_LIKE = re.compile(r"[\s\-\u2010-\u2015_/\\|,;:+&]+")
_ARABIC_FOLD = str.maketrans(
    {
        "\u0623": "\u0627",  # alef with hamza above -> alef
        "\u0625": "\u0627",  # alef with hamza below -> alef
        "\u0622": "\u0627",  # alef with madda -> alef
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0649": "\u064a",  # alef maksura -> ya
        "\u0640": None,  # tatweel
    }
)


@lru_cache(maxsize=1 << 16)  # an import meets the same few thousand names again and again
def normalize_name(name: str) -> str:
    """The matching key of a name.

    >>> normalize_name("  M.S.C.-Derna ")
    'msc derna'
    >>> normalize_name("Trípoli") == normalize_name("TRIPOLI")
    True
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate(_ARABIC_FOLD).casefold()
    text = _SPACE_LIKE.sub(" ", text)
    text = "".join(ch for ch in text if ch == " " or unicodedata.category(ch)[0] in "LN")
    return " ".join(text.split())


def clean_display(text: str) -> str:
    """A name made safe to print: control characters (terminal escapes) shown, not run."""
    return "".join(
        ch if unicodedata.category(ch) != "Cc" or ch in "\t" else f"\\x{ord(ch):02x}" for ch in text
    )
