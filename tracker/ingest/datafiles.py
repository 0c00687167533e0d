"""Reading dataset exports: gzip, encodings, CSV records with their line numbers.

Exports arrive as ``.csv`` or ``.csv.gz``, in UTF-8 (with or without a byte
order mark) or, for older ACLED files, in a single-byte encoding: Windows-1252
or Mac Roman, never declared. :func:`inspect_file` reads the file once to
fingerprint it and to settle the encoding; :func:`read_records` then streams
its records, each with the line it starts on, so that every problem can be
reported as ``file:line: column: reason``.

Mojibake never reaches the store unnoticed: :func:`repair_text` puts right
the two kinds that can be recognised for certain (Windows-1252 characters
stored as C1 control codes, UTF-8 read as a single-byte encoding) and the
importer counts and reports every repair; any other control character makes
the field bad.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import BadRecord
from tracker.model.limits import C1, control_problem

# Single-byte encodings a non-UTF-8 export may be in, most likely first.
SINGLE_BYTE = ("cp1252", "mac_roman", "latin-1")
_CHUNK = 1 << 20
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
# Typographic characters that real text holds next to letters and spaces.
_PLAUSIBLE_SYMBOLS = set("\u00a0’‘“”–—…«»°•·´")

# No real export holds a field near this (ACLED notes run to a few KB); a larger
# one is a broken or hostile file, refused rather than held in memory.
MAX_FIELD = 1024 * 1024
csv.field_size_limit(MAX_FIELD)


@dataclass(frozen=True)
class FileInfo:
    """What the first pass over a file found."""

    path: str
    sha256: str
    encoding: str  # a Python codec name
    detected: bool  # true when the encoding was guessed, not given


def _open_binary(path: str):
    if str(path).endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def inspect_file(path: str, encoding: str | None = None) -> FileInfo:
    """Fingerprint a file and settle its encoding, in one pass.

    With ``encoding`` given the whole file must decode in it (the error names
    the line); otherwise UTF-8 is taken when the file is valid UTF-8, else the
    single-byte encoding in which its non-ASCII bytes read most like text.
    """
    label = str(path)
    if not Path(path).is_file():
        raise BadRecord(label, None, "", "no such file")
    wanted = None
    if encoding:
        try:
            wanted = codecs.lookup(encoding).name
        except LookupError:
            raise BadRecord(label, None, "", f"unknown encoding {encoding!r} (try utf-8, cp1252, mac_roman, latin-1)") from None
    digest = hashlib.sha256()
    check = wanted or "utf-8"
    decoder = codecs.getincrementaldecoder(check)()
    utf8_ok, bad_line, bad_byte = True, None, None
    lines_before = 0
    samples: list[bytes] = []
    try:
        with _open_binary(path) as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
                if utf8_ok and not chunk.isascii():
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError as exc:
                        utf8_ok = False
                        bad_line = lines_before + chunk.count(b"\n", 0, max(exc.start, 0)) + 1
                        bad_byte = chunk[exc.start:exc.start + 1] if exc.start < len(chunk) else b""
                if not wanted and len(samples) < 5000 and not chunk.isascii():
                    for m in _HIGH_RUN.finditer(chunk):
                        samples.append(chunk[max(m.start() - 2, 0):m.end() + 2])
                        if len(samples) >= 5000:
                            break
                if utf8_ok:
                    lines_before += chunk.count(b"\n")
            if utf8_ok:
                try:
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    utf8_ok, bad_line, bad_byte = False, lines_before + 1, b""
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise BadRecord(label, None, "", f"cannot read: {exc}") from None
    if wanted:
        if not utf8_ok:
            hint = "" if wanted != "utf-8" else "; the file is not UTF-8 (leave out --encoding to detect it)"
            byte = f" (byte 0x{bad_byte.hex()})" if bad_byte else ""
            raise BadRecord(label, bad_line, "", f"not valid {wanted}{byte}{hint}")
        return FileInfo(label, digest.hexdigest(), wanted, detected=False)
    if utf8_ok:
        return FileInfo(label, digest.hexdigest(), "utf-8", detected=True)
    return FileInfo(label, digest.hexdigest(), guess_single_byte(samples), detected=True)


def guess_single_byte(samples: list[bytes]) -> str:
    """The single-byte encoding in which these snippets read most like text.

    Accented lower-case letters inside words, typographic quotes and dashes
    count for an encoding; capitals glued to lower-case letters ("LarbaŽ"),
    stray symbols and control characters count against it. A byte the
    encoding leaves undefined rules it out.
    """
    best, best_score = "latin-1", None
    for encoding in SINGLE_BYTE:
        score = 0
        for snippet in samples:
            try:
                text = snippet.decode(encoding)
            except UnicodeDecodeError:
                break  # ruled out
            score += _plausibility(text)
        else:
            if best_score is None or score > best_score:
                best, best_score = encoding, score
    return codecs.lookup(best).name


def _plausibility(text: str) -> int:
    score = 0
    for i, ch in enumerate(text):
        if ch.isascii():
            continue
        prev = text[i - 1] if i else " "
        cat = unicodedata.category(ch)
        if cat == "Ll" or ch in _PLAUSIBLE_SYMBOLS:
            score += 2
        elif cat == "Lu":
            score += -3 if prev.islower() else 1
        elif cat.startswith("C"):
            score -= 5
        else:
            score -= 2
    return score


# -- checking decoded text ----------------------------------------------------
# A character U+00C2..U+00F4 (a UTF-8 lead byte read as one character) followed
# by characters that UTF-8 continuation bytes become in Windows-1252/Latin-1.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}"
)
# Control characters no text holds (tab and line ends aside; U+001F separates
# fields in the importer's content key).
SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1e\x7f-\x9f]|[\u00c2-\u00f4]")
_C1 = C1  # (tracker.model.limits: the one rule for control characters)


def _c1_as_cp1252(m: re.Match) -> str:
    return bytes([ord(m.group())]).decode("cp1252")  # raises for the five bytes cp1252 leaves undefined


def _utf8_in_disguise(m: re.Match) -> str:
    chunk = m.group()
    for enc in ("cp1252", "latin-1"):
        try:
            return chunk.encode(enc).decode("utf-8")
        except UnicodeError:
            continue
    return chunk


def repair_text(value: str) -> tuple[str, str | None]:
    """Mis-encoded text put right, or why it cannot be stored: (text, problem or None).

    Two kinds of mojibake are certain enough to repair: Windows-1252
    characters stored as C1 control codes (U+0092 for ’, what a cp1252 file
    read as Latin-1 gives), and UTF-8 read as a single-byte encoding ("CafÃ©"
    for "Café"). Any other control character is a problem.

    >>> repair_text("Benghazi\x92s")
    ('Benghazi’s', None)
    >>> repair_text("CafÃ©")
    ('Café', None)
    """
    if (problem := control_problem(value, c1=False)) is not None:
        return value, f"{problem}: the file's encoding is probably not what it was read as (use --encoding)"
    fixed = value
    if (c1 := _C1.search(fixed)) is not None:
        try:
            fixed = _C1.sub(_c1_as_cp1252, fixed)
        except UnicodeDecodeError:
            bad = c1.group()
            return value, (f"control character U+{ord(bad):04X} in the text: the file's encoding is probably "
                           "not what it was read as (use --encoding)")
    fixed = _MOJIBAKE.sub(_utf8_in_disguise, fixed)
    return fixed, None


# -- records ------------------------------------------------------------------------
@dataclass
class RawRecord:
    """One CSV record: the line it starts on and its fields."""

    line: int
    fields: list[str]
    complete: bool = True  # false when the file ends inside this record without a line end
    problem: str | None = None  # why the record could not be read whole


class ReadPosition:
    """How far into its file (in bytes of the file as stored: compressed for .gz) a reader got."""

    def __init__(self) -> None:
        self.tell: Callable[[], int] = lambda: 0


def read_records(info: FileInfo, position: ReadPosition | None = None) -> Iterator[RawRecord]:
    """The file's CSV records in order, the header first, each with its first line.

    A record cut off inside a quoted field (an unfinished file) comes last,
    with its ``problem`` said and no fields. ``position`` learns how far into the file the reading is.
    """
    encoding = "utf-8-sig" if info.encoding == "utf-8" else info.encoding
    with _open_binary(info.path) as raw:
        if position is not None:
            # The bytes of the file as stored: for a .gz, how far into the compressed file the reading is.
            stored = getattr(raw, "fileobj", None) if isinstance(raw, gzip.GzipFile) else raw
            position.tell = getattr(stored, "tell", None) or (lambda: 0)
        # Lines end at "\n" only (a "\r\n" stays whole for the CSV reader): line
        # numbers then match what editors, sed and grep -n show, even in files
        # whose fields hold bare carriage returns.
        text = io.TextIOWrapper(raw, encoding=encoding, newline="\n")
        lines = _LastLine(text)
        reader = csv.reader(lines, strict=True)
        while True:
            start = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                reason = str(exc)
                if "unexpected end of data" in reason or "EOF" in reason:
                    reason = "the record is cut off inside a quoted field (the file ends there)"
                elif "field larger than field limit" in reason:
                    reason = f"a field is larger than {MAX_FIELD // 1024} KiB; the file is not read past it"
                yield RawRecord(start, [], False, f"cannot read the record: {reason}")
                return
            except (UnicodeDecodeError, OSError, EOFError) as exc:
                raise BadRecord(info.path, start, "", f"cannot read: {exc}") from None
            yield RawRecord(start, fields, lines.ended_cleanly)


class _LastLine:
    """A line iterator that notes whether the last line read ended with a newline."""

    __slots__ = ("_it", "ended_cleanly")

    def __init__(self, text):
        self._it = iter(text)
        self.ended_cleanly = True

    def __iter__(self):
        return self

    def __next__(self):
        line = next(self._it)
        self.ended_cleanly = line.endswith("\n") or line.endswith("\r")
        return line
