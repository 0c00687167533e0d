"""Sentences with their character offsets (pysbd, a rule-based splitter: no model to download)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Sentence:
    start: int  # offset of the first character in the text
    end: int  # offset after the last (trailing whitespace left out)
    text: str

    def quote(self) -> str:
        """The sentence as a record quotes it: verbatim, its line breaks as spaces."""
        return " ".join(self.text.split())


@cache
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """The sentences of ``text[start:end]``, each with offsets into ``text``; a paragraph break always ends one."""
    end = len(text) if end is None else end
    out: list[Sentence] = []
    offset = start
    for block in text[start:end].split("\n\n"):
        if block.strip():
            # a hard-wrapped line is not a sentence's end: one newline reads as a space (offsets unchanged)
            flat = block.replace("\n", " ")
            for span in _segmenter().segment(flat):
                s = flat[span.start:span.end]
                stripped = s.rstrip()
                lead = len(s) - len(s.lstrip())
                if stripped.strip():
                    a = offset + span.start + lead
                    out.append(Sentence(a, offset + span.start + len(stripped), stripped.strip()))
        offset += len(block) + 2
    return out
