"""Mapping files: what a control map's layer labels mean (format ``tracker-control-map/1``).

Control maps label their layers in free text, in several languages, with
variants and typos (``Окуповано /// Occupied``, ``Звільнено 25.03 /// Taken back
25.03``, ``Під питанням /// Contensed``). A mapping file names the actors the
map speaks of (``occupier``, ``defender``) and lists rules, first match wins:
a rule matches when one of its texts occurs in the label (case, spacing and
non-breaking spaces ignored) and says which holder(s) and status the area
means, or that the feature is skipped. See docs/control.md for the format;
``seeds/control-maps/deepstatemap.yaml`` is the DeepStateMap mapping.
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, overload

from tracker.ingest.documents import Document, read_document
from tracker.model.vocabularies import ACTOR_KINDS, CERTAINTIES, CONTROL_STATUSES
from tracker.text.lexicon import compile_words

FORMAT = "tracker-control-map/1"
_GRADING = re.compile(r"^[A-F][1-6]$")


def label_key(text: str | None) -> str:
    """A label as rules match it: NFKC, case-folded, every run of spaces (and NBSP, newlines) one space."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split())


@dataclass
class HolderSpec:
    key: str
    name: str
    kind: str = "other"
    country: str | None = None
    aliases: list[str] = field(default_factory=list)
    description: str | None = None


@dataclass
class LabelRule:
    """What labels containing one of ``terms`` mean."""

    terms: list[str]
    holders: list[str] = field(default_factory=list)  # holder keys
    status: str = "held"
    skip: bool = False
    line: int | None = None

    def matches(self, key: str) -> bool:
        return any(t in key for t in self.terms)


@dataclass
class FileRule:
    """Files whose name matches ``pattern`` belong to ``series`` (and may read unlabelled features their way)."""

    pattern: str
    series: str | None = None
    title: str | None = None
    unlabelled: LabelRule | None = None


@dataclass
class Hedge:
    """Words (in any of the map's languages) that make a label's claim only as certain as ``certainty``."""

    certainty: str
    words: list[str]
    pattern: re.Pattern


@dataclass
class ControlMap:
    """A mapping file, read and checked."""

    file: str
    name: str
    series: str
    publisher: str | None = None
    url: str | None = None
    reliability: str | None = None
    credibility: str | None = None
    label_property: str = "name"
    points: str = "claims"  # claims | skip
    unmatched: str = "skip"  # skip | error
    holders: dict[str, HolderSpec] = field(default_factory=dict)
    rules: list[LabelRule] = field(default_factory=list)
    files: list[FileRule] = field(default_factory=list)
    unlabelled: LabelRule | None = None
    hedges: list[Hedge] = field(default_factory=list)
    text_hash: str = ""

    def hedge_of(self, label: str | None) -> tuple[str, str] | None:
        """(certainty, the hedging words as written) of a label that hedges, or None.

        The weakest certainty of the hedges it contains decides: "Начебто
        звільнено 26.03 … Треба уточнення" is *rumoured* (supposedly, and
        needs clarification)."""
        if not label:
            return None
        text = " ".join(label.split())
        found: list[tuple[str, str]] = []
        for hedge in self.hedges:
            for m in hedge.pattern.finditer(text):
                found.append((hedge.certainty, m.group(0)))
        if not found:
            return None
        weakest = max((c for c, _ in found), key=CERTAINTIES.index)
        return weakest, ", ".join(dict.fromkeys(w for _, w in found))

    def rule_for(self, label: str | None, file_rule: FileRule | None = None) -> LabelRule | None:
        key = label_key(label)
        if not key:
            if file_rule is not None and file_rule.unlabelled is not None:
                return file_rule.unlabelled
            return self.unlabelled
        for rule in self.rules:
            if rule.matches(key):
                return rule
        return None

    def file_rule(self, path: str) -> FileRule | None:
        name = Path(path).name
        for rule in self.files:
            if fnmatch.fnmatch(name, rule.pattern) or fnmatch.fnmatch(Path(path).stem, rule.pattern):
                return rule
        return None


@overload
def _text(doc: Document, path: tuple, value: Any, required: Literal[True], limit: int = 300) -> str: ...
@overload
def _text(doc: Document, path: tuple, value: Any, required: bool = False, limit: int = 300) -> str | None: ...
def _text(doc: Document, path: tuple, value: Any, required: bool = False, limit: int = 300) -> str | None:
    if value is None:
        if required:
            raise doc.error(path, "required")
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
        raise doc.error(path, "must be a non-empty text")
    text = str(value).strip()
    if len(text) > limit:
        raise doc.error(path, f"longer than {limit} characters")
    return text


def _rule(doc: Document, path: tuple, item: Any, holders: dict[str, HolderSpec], needs_match: bool = True) -> LabelRule:
    if not isinstance(item, dict):
        raise doc.error(path, "a rule is a mapping with match and holder(s) and status, or skip: true")
    allowed = {"match", "holder", "holders", "status", "skip"}
    extra = sorted(set(item) - allowed)
    if extra:
        raise doc.error(path + (extra[0],), f"unknown field (allowed: {', '.join(sorted(allowed))})")
    terms: list[str] = []
    if needs_match:
        match = item.get("match")
        if isinstance(match, str):
            match = [match]
        if not isinstance(match, list) or not match:
            raise doc.error(path + ("match",), "give the texts (one or a list) that labels of this kind contain")
        for i, t in enumerate(match):
            key = label_key(_text(doc, path + ("match", i), t, required=True))
            terms.append(key)
    if item.get("skip") is True:
        return LabelRule(terms, skip=True, line=doc.line_of(path))
    if "skip" in item and item["skip"] is not False:
        raise doc.error(path + ("skip",), "must be true or false")
    keys = item.get("holders", item.get("holder"))
    if isinstance(keys, str):
        keys = [keys]
    if not isinstance(keys, list) or not keys:
        raise doc.error(path, "a rule names its holder (or holders), or says skip: true")
    field_name = "holders" if "holders" in item else "holder"
    for i, k in enumerate(keys):
        if k not in holders:
            raise doc.error(path + (field_name,) + ((i,) if field_name == "holders" else ()),
                            f"unknown holder {k!r} (holders: {', '.join(holders)})")
    status = item.get("status", "held")
    if status not in CONTROL_STATUSES:
        raise doc.error(path + ("status",), f"unknown status {status!r} (use {', '.join(CONTROL_STATUSES)})")
    return LabelRule(terms, list(keys), status, line=doc.line_of(path))


def read_map(path: str) -> ControlMap:
    """Read and check a mapping file; a mistake is a BadRecord naming its line."""
    import hashlib

    doc = read_document(path)
    data = doc.data
    if not isinstance(data, dict):
        raise doc.error((), "a mapping file is a YAML mapping (format, map, holders, labels...)")
    allowed = {"format", "map", "publisher", "url", "grading", "series", "label_property", "points", "unmatched",
               "holders", "labels", "files", "unlabelled", "notes", "hedges"}
    extra = sorted(set(data) - allowed)
    if extra:
        raise doc.error((extra[0],), f"unknown field (allowed: {', '.join(sorted(allowed))})")
    if data.get("format") != FORMAT:
        raise doc.error(("format",), f"must be {FORMAT}")
    name = _text(doc, ("map",), data.get("map"), required=True)
    grading = data.get("grading")
    reliability = credibility = None
    if grading is not None:
        grading = str(grading).strip().upper()
        if not _GRADING.match(grading):
            raise doc.error(("grading",), f"{grading!r} is not an Admiralty grading like B2")
        reliability, credibility = grading[0], grading[1]
    holders: dict[str, HolderSpec] = {}
    raw_holders = data.get("holders")
    if not isinstance(raw_holders, dict) or not raw_holders:
        raise doc.error(("holders",), "name the actors the map speaks of: holders: {key: {name: ...}}")
    for key, item in raw_holders.items():
        p = ("holders", key)
        if not isinstance(item, dict):
            raise doc.error(p, "a holder is a mapping with name, kind, country, aliases")
        extra = sorted(set(item) - {"name", "kind", "country", "aliases", "description"})
        if extra:
            raise doc.error(p + (extra[0],), "unknown field (allowed: aliases, country, description, kind, name)")
        kind = item.get("kind", "other")
        if kind not in ACTOR_KINDS:
            raise doc.error(p + ("kind",), f"unknown actor kind {kind!r} (use {', '.join(ACTOR_KINDS)})")
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list):
            raise doc.error(p + ("aliases",), "a list of names")
        country = _text(doc, p + ("country",), item.get("country"))
        if country is not None and not re.match(r"^[A-Z]{2}$", country):
            raise doc.error(p + ("country",), "an ISO 3166-1 alpha-2 code like UA")
        holders[str(key)] = HolderSpec(
            str(key), _text(doc, p + ("name",), item.get("name"), required=True), kind, country,
            [_text(doc, p + ("aliases", i), a, required=True) for i, a in enumerate(aliases)],
            _text(doc, p + ("description",), item.get("description"), limit=5000),
        )
    raw_rules = data.get("labels")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise doc.error(("labels",), "list the label rules: labels: [{match: [...], holder: KEY, status: held}]")
    rules = [_rule(doc, ("labels", i), item, holders) for i, item in enumerate(raw_rules)]
    unlabelled = _rule(doc, ("unlabelled",), data["unlabelled"], holders, needs_match=False) \
        if data.get("unlabelled") is not None else None
    files = []
    for i, item in enumerate(data.get("files") or []):
        p = ("files", i)
        if not isinstance(item, dict) or "match" not in item:
            raise doc.error(p, "a file rule has match (a file-name pattern) and series or unlabelled")
        extra = sorted(set(item) - {"match", "series", "title", "unlabelled"})
        if extra:
            raise doc.error(p + (extra[0],), "unknown field (allowed: match, series, title, unlabelled)")
        files.append(FileRule(
            _text(doc, p + ("match",), item["match"], required=True),
            _text(doc, p + ("series",), item.get("series"), limit=100),
            _text(doc, p + ("title",), item.get("title")),
            _rule(doc, p + ("unlabelled",), item["unlabelled"], holders, needs_match=False)
            if item.get("unlabelled") is not None else None,
        ))
    points = data.get("points", "claims")
    if points not in ("claims", "skip"):
        raise doc.error(("points",), "claims (point features are places held) or skip")
    unmatched = data.get("unmatched", "skip")
    if unmatched not in ("skip", "error"):
        raise doc.error(("unmatched",), "skip (count and report unknown labels) or error")
    hedges = _hedges(doc, data.get("hedges"))
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
    return ControlMap(
        file=path, name=name, series=_text(doc, ("series",), data.get("series"), limit=100) or label_key(name),
        publisher=_text(doc, ("publisher",), data.get("publisher")), url=_text(doc, ("url",), data.get("url"), limit=1000),
        reliability=reliability, credibility=credibility,
        label_property=_text(doc, ("label_property",), data.get("label_property")) or "name",
        points=points, unmatched=unmatched, holders=holders, rules=rules, files=files, unlabelled=unlabelled,
        hedges=hedges, text_hash=digest,
    )


def _hedges(doc: Document, raw: Any) -> list[Hedge]:
    """``hedges: [{certainty: alleged, words: {uk: [начебто], en: [supposedly]}}, ...]`` (words: a list or per language)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise doc.error(("hedges",), "a list of {certainty, words}")
    out = []
    for i, item in enumerate(raw):
        p = ("hedges", i)
        if not isinstance(item, dict) or set(item) - {"certainty", "words"}:
            raise doc.error(p, "a hedge is {certainty: alleged, words: [...] or {language: [...]}}")
        certainty = item.get("certainty")
        if certainty not in CERTAINTIES or certainty in ("confirmed", "reported"):
            raise doc.error(p + ("certainty",), "the certainty a hedged label gives: likely, alleged or rumoured")
        words = item.get("words")
        groups = words.values() if isinstance(words, dict) else [words]
        flat: list[str] = []
        for group in groups:
            if not isinstance(group, list) or not group:
                raise doc.error(p + ("words",), "a list of words or phrases (or one list per language)")
            flat.extend(_text(doc, p + ("words",), w, required=True, limit=100) for w in group)
        pattern = compile_words(flat)
        assert pattern is not None  # every word is a non-empty text
        out.append(Hedge(certainty, flat, pattern))
    return out


__all__ = ["read_map", "ControlMap", "LabelRule", "HolderSpec", "FileRule", "Hedge", "label_key", "FORMAT"]
