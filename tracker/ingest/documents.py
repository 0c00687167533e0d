"""Reading YAML and JSON documents while remembering which line each value came from.

Errors in a report must name its file, line and field; PyYAML's composer knows
where every node starts, so the document is built from the node tree and a map
from each value's path (``("events", 2, "date")``) to its line is kept beside it.
Only plain YAML is accepted: tags such as ``!!python/object`` are refused, and
alias expansion is bounded so that a "billion laughs" file cannot exhaust memory
(the values aliases repeat are counted, not the file's own: a report of 150,000
events is not "too large"). A JSON file is read as strict JSON first (no trailing
commas, no ``NaN``), then composed for its lines. Every value is checked as it
is built: numbers finite, text without control characters (a tab, a newline and
a carriage return are text; ESC, NUL and the rest would be stored and printed).
"""

from __future__ import annotations

import codecs
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from tracker.errors import BadRecord
from tracker.model.limits import control_problem

Path = tuple

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
MAX_ALIASED = 100_000  # values that aliases may repeat, all told
MAX_DEPTH = 64  # a report nests six levels; a file nested deeper than this is not one
# JSON writes a character beyond the first plane as two escapes (json.dumps: "\ud83c\udfd9");
# YAML refuses such escapes, so they are written out as the character they stand for.
_SURROGATE_PAIR = re.compile(r"(?<!\\)((?:\\\\)*)\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", re.IGNORECASE)


def _pair(match: re.Match) -> str:
    high, low = int(match[2], 16), int(match[3], 16)
    return match[1] + chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))


@dataclass
class Document:
    """The data of one file and the line of every value in it."""

    file: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int | None:
        """The line of the value at ``path``, or of its nearest enclosing value."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    def error(self, path: Path, reason: str) -> BadRecord:
        return BadRecord(self.file, self.line_of(path), field_name(path), reason)


def field_name(path: Path) -> str:
    """``("events", 2, "date")`` -> ``events[2].date``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Builder:
    def __init__(self, file: str, anchored: set[int] | None = None):
        self.file = file
        self.lines: dict[Path, int] = {}
        self.constructor = SafeConstructor()
        # Only an anchored node can be built twice (through an alias); None: any node may be.
        self.anchored = anchored
        self.built: set[int] = set()  # the nodes built once: an alias builds one of them again
        self.repeating = 0  # how deep inside an alias the builder is
        self.aliased = 0

    def build(self, node, path: Path) -> Any:
        if self.anchored is not None and id(node) not in self.anchored:
            return self._build(node, path)
        again = id(node) in self.built
        self.built.add(id(node))
        if again:
            self.repeating += 1
        try:
            return self._build(node, path)
        finally:
            if again:
                self.repeating -= 1

    def _build(self, node, path: Path) -> Any:
        if self.repeating:
            self.aliased += 1
            if self.aliased > MAX_ALIASED:
                raise BadRecord(self.file, node.start_mark.line + 1, field_name(path),
                                f"aliases repeat more than {MAX_ALIASED:,} values (an alias bomb?)")
        line = node.start_mark.line + 1
        self.lines.setdefault(path, line)
        if len(path) > MAX_DEPTH:
            raise BadRecord(self.file, line, field_name(path), f"nested more than {MAX_DEPTH} levels deep")
        if node.tag not in _PLAIN_TAGS:
            raise BadRecord(self.file, line, field_name(path), f"unsupported YAML tag {node.tag!r}")
        if isinstance(node, ScalarNode):
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value  # dates stay text: tracker reads them itself
            if node.tag in ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                raise BadRecord(self.file, line, field_name(path), f"a plain value tagged {node.tag!r}")
            try:
                # The constructor's own function, not construct_object(), which keeps every node it saw.
                value = self.constructor.yaml_constructors[node.tag](self.constructor, node)
            except (ConstructorError, ValueError) as exc:
                raise BadRecord(self.file, line, field_name(path), f"bad value: {exc}") from None
            if isinstance(value, float) and not math.isfinite(value):
                raise BadRecord(self.file, line, field_name(path), f"{value} is not a number a record can hold")
            if isinstance(value, str) and (problem := control_problem(value)) is not None:
                raise BadRecord(self.file, line, field_name(path), problem)
            return value
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise BadRecord(self.file, key_node.start_mark.line + 1, field_name(path), "YAML merge keys (<<) are not supported")
                if not isinstance(key_node, ScalarNode):
                    raise BadRecord(self.file, key_node.start_mark.line + 1, field_name(path), "keys must be plain text")
                key = key_node.value
                if (problem := control_problem(key)) is not None:
                    raise BadRecord(self.file, key_node.start_mark.line + 1, field_name(path), f"a key: {problem}")
                if key in out:
                    raise BadRecord(self.file, key_node.start_mark.line + 1, field_name(path + (key,)), "duplicate key")
                self.lines[path + (key,)] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, path + (key,))
            return out
        raise BadRecord(self.file, line, field_name(path), "unsupported YAML node")


def parse_document(text: str, file: str) -> Document:
    """Parse YAML (or JSON, which YAML reads too) into a :class:`Document`."""
    if "\x00" in text:
        raise BadRecord(file, text[: text.index("\x00")].count("\n") + 1, "", "NUL byte in a text file")
    if file.lower().endswith(".json"):
        _strict_json(text, file)
    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        if file.lower().endswith(".json"):
            return _parse_json(text, file)
        raise BadRecord(file, line, "", f"not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        if file.lower().endswith(".json"):
            return _parse_json(text, file)
        raise BadRecord(file, None, "", f"not valid YAML: {exc}") from None
    if node is None:
        raise BadRecord(file, 1, "", "the file is empty")
    builder = _Builder(file)
    data = builder.build(node, ())
    return Document(file, data, builder.lines)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _strict_json(text: str, file: str) -> None:
    """Refuse what JSON does not allow and YAML would read (trailing commas, NaN, Infinity)."""
    try:
        json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise BadRecord(file, exc.lineno, "", f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    except ValueError as exc:
        raise BadRecord(file, None, "", f"not valid JSON: {exc}") from None
    except RecursionError:
        raise BadRecord(file, None, "", "not valid JSON: nested too deeply") from None


def _parse_json(text: str, file: str) -> Document:
    """JSON that YAML cannot read (tabs): parse it plainly; lines of records are then unknown."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadRecord(file, exc.lineno, "", f"not valid JSON: {exc.msg}") from None
    return Document(file, data, {(): 1})


def read_document(path: str) -> Document:
    """Read a YAML or JSON file as UTF-8 (a byte-order mark is allowed)."""
    try:
        raw = open(path, "rb").read()
    except OSError as exc:
        raise BadRecord(path, None, "", exc.strerror or str(exc)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BadRecord(path, line, "", "not UTF-8 text (save the file as UTF-8)") from None
    return parse_document(text, path)


# -- reading one record at a time ------------------------------------------------
#
# A report of 150,000 events is a 50 MB file; built whole, with a line for every
# value, it takes gigabytes. stream_document() reads the top-level mapping one
# value at a time and the long lists in it one item at a time, each item built
# with its own lines and then let go. Anchors stay known to the end (an alias may
# name any anchor above it), and the alias budget counts over the whole file.

CHUNK = 1 << 20


def check_text(path: str) -> None:
    """Refuse a file that is not UTF-8 text, or that holds a NUL byte, naming the line; reads in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    line = 1
    try:
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    line += chunk[: exc.start].count(b"\n")
                    raise BadRecord(path, line, "", "not UTF-8 text (save the file as UTF-8)") from None
                if "\x00" in text:
                    raise BadRecord(path, line + text[: text.index("\x00")].count("\n"), "", "NUL byte in a text file")
                line += text.count("\n")
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                raise BadRecord(path, line, "", "not UTF-8 text (save the file as UTF-8)") from None
    except OSError as exc:
        raise BadRecord(path, None, "", exc.strerror or str(exc)) from None


def check_json(path: str) -> None:
    """Refuse what strict JSON does not allow (trailing commas, NaN), reading the file as a stream."""
    import ijson  # the C parser of yajl, a stream of tokens in constant memory

    try:
        with open(path, "rb") as f:
            if f.read(3) != codecs.BOM_UTF8:  # a byte-order mark is allowed (as in YAML files)
                f.seek(0)
            for _ in ijson.basic_parse(f):
                pass
    except ijson.JSONError:
        # The stream parser names no line: read the file up to the fault for the standard message.
        with open(path, encoding="utf-8-sig") as f:
            _strict_json(f.read(), path)
        raise BadRecord(path, None, "", "not valid JSON") from None


class _JSONText:
    """A JSON file as text for the YAML parser: in valid JSON a tab can only be white space
    (tabs in strings are escaped), and YAML refuses tabs where JSON allows them; escaped
    surrogate pairs become their character. Line breaks are kept: lines stay the file's."""

    def __init__(self, f):
        self.f, self.held = f, ""

    def read(self, size: int = -1) -> str:
        while True:
            chunk = self.f.read(size)
            text = _SURROGATE_PAIR.sub(_pair, (self.held + chunk).replace("\t", " "))
            self.held = ""
            if chunk and size > 0:
                # An escape pair that the next read completes starts in the last 11 characters:
                # hold it back (with the run of backslashes before it, which decides what it is).
                cut = text.find("\\", max(0, len(text) - 11))
                if cut >= 0:
                    while cut > 0 and text[cut - 1] == "\\":
                        cut -= 1
                    text, self.held = text[:cut], text[cut:]
                    if not text:
                        continue  # an empty read would end the file
            return text


class _Composer:
    """YAML nodes from the parser's events, one value at a time (PyYAML's composer builds the whole tree)."""

    def __init__(self, file: str, loader):
        self.file, self.loader = file, loader
        self.anchors: dict[str, Any] = {}
        self.anchored: set[int] = set()
        self.resolver = yaml.resolver.Resolver()

    def _fail(self, exc: yaml.YAMLError) -> BadRecord:
        kind = YAMLCannotReadJSON if self.file.lower().endswith(".json") else BadRecord
        if isinstance(exc, yaml.MarkedYAMLError):
            mark = exc.problem_mark or exc.context_mark
            return kind(self.file, mark.line + 1 if mark else None, "", f"not valid YAML: {exc.problem or exc.context}")
        return kind(self.file, None, "", f"not valid YAML: {exc}")

    def peek(self) -> Any:
        try:
            return self.loader.peek_event()
        except yaml.YAMLError as exc:
            raise self._fail(exc) from None

    def get(self) -> Any:
        try:
            return self.loader.get_event()
        except yaml.YAMLError as exc:
            raise self._fail(exc) from None

    def _tag(self, event, kind, value=None) -> str:
        if event.tag is None or event.tag == "!":
            return self.resolver.resolve(kind, value, event.implicit)
        return event.tag

    def node(self, depth: int = 0) -> Any:
        event = self.get()
        start: Any = event.start_mark
        line = start.line + 1
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                raise BadRecord(self.file, line, "", f"found undefined alias {event.anchor!r}")
            return self.anchors[event.anchor]
        if depth > MAX_DEPTH:
            raise BadRecord(self.file, line, "", f"nested more than {MAX_DEPTH} levels deep")
        anchor = event.anchor
        if anchor is not None and anchor in self.anchors:
            raise BadRecord(self.file, line, "", f"found duplicate anchor {anchor!r}")
        node: Any
        if isinstance(event, yaml.ScalarEvent):
            end: Any = event.end_mark
            node = ScalarNode(self._tag(event, ScalarNode, event.value), event.value, start, end, style=event.style)
            self._anchor(anchor, node)
        elif isinstance(event, yaml.SequenceStartEvent):
            node = SequenceNode(self._tag(event, SequenceNode), [], start, None, flow_style=event.flow_style)
            self._anchor(anchor, node)
            while not isinstance(self.peek(), yaml.SequenceEndEvent):
                node.value.append(self.node(depth + 1))
            node.end_mark = self.get().end_mark
        elif isinstance(event, yaml.MappingStartEvent):
            node = MappingNode(self._tag(event, MappingNode), [], start, None, flow_style=event.flow_style)
            self._anchor(anchor, node)
            while not isinstance(self.peek(), yaml.MappingEndEvent):
                key = self.node(depth + 1)
                node.value.append((key, self.node(depth + 1)))
            node.end_mark = self.get().end_mark
        else:
            raise BadRecord(self.file, line, "", f"not valid YAML: unexpected {type(event).__name__}")
        return node

    def _anchor(self, anchor: str | None, node) -> None:
        if anchor is not None:
            self.anchors[anchor] = node
            self.anchored.add(id(node))


Streamed = Iterator[Document]


class YAMLCannotReadJSON(BadRecord):
    """A file checked as strict JSON that the YAML parser refuses (it reads almost all JSON, not all)."""


def stream_document(path: str, streamed: frozenset[str],
                    whole_json: bool = False) -> Iterator[tuple[str | None, int, Document | Streamed]]:
    """Read a YAML or JSON file value by value: yields ``(key, line, value)`` for each key of its top-level
    mapping, where value is a :class:`Document` of that value, or, for a list under a key in ``streamed``,
    an iterator of one Document per item (paths ``(key, i, ...)``). A file that is not a mapping is
    yielded whole with the key None. Every check of :func:`parse_document` applies. A JSON file
    the YAML parser cannot read raises :class:`YAMLCannotReadJSON`; ``whole_json`` then reads it
    whole with the JSON parser (its lines unknown), yielded as one value."""
    check_text(path)
    is_json = path.lower().endswith(".json")
    if is_json:
        check_json(path)
    if is_json and not whole_json:
        # YAML reads almost all JSON, but may meet what it cannot read after it has yielded values
        # it read otherwise than JSON does: the parser's events (C, no values built) run through first.
        with open(path, encoding="utf-8-sig", newline="") as f:
            try:
                for _ in yaml.parse(_JSONText(f), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
                    pass
            except yaml.YAMLError:
                raise YAMLCannotReadJSON(path, None, "", "YAML cannot read this JSON") from None
    if whole_json:
        with open(path, encoding="utf-8-sig") as f:
            yield None, 1, _parse_json(f.read(), path)
        return
    with open(path, encoding="utf-8-sig", newline="") as f:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(_JSONText(f) if is_json else f)
        try:
            yield from _stream(path, _Composer(path, loader), streamed)
        finally:
            loader.dispose()


def _stream(file: str, composer: _Composer, streamed: frozenset[str]) -> Iterator[tuple[str | None, int, Document | Streamed]]:
    builder = _Builder(file, composer.anchored)

    def built(node, path: Path, key_line: int | None = None) -> Document:
        builder.lines = {path: key_line} if key_line is not None else {}
        data = builder.build(node, path)
        return Document(file, data, builder.lines)

    composer.get()  # the start of the stream
    if isinstance(composer.peek(), yaml.StreamEndEvent):
        raise BadRecord(file, 1, "", "the file is empty")
    composer.get()  # the start of the document
    top = composer.peek()
    if not isinstance(top, yaml.MappingStartEvent) or top.tag not in (None, "!", "tag:yaml.org,2002:map"):
        yield None, top.start_mark.line + 1, built(composer.node(), ())
    else:
        composer.get()
        seen: set[str] = set()
        while not isinstance(composer.peek(), yaml.MappingEndEvent):
            key_node = composer.node(1)
            line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise BadRecord(file, line, "", "YAML merge keys (<<) are not supported")
            if not isinstance(key_node, ScalarNode):
                raise BadRecord(file, line, "", "keys must be plain text")
            key = key_node.value
            if (problem := control_problem(key)) is not None:
                raise BadRecord(file, line, "", f"a key: {problem}")
            if key in seen:
                raise BadRecord(file, line, key, "duplicate key")
            seen.add(key)
            start = composer.peek()
            if key in streamed and isinstance(start, yaml.SequenceStartEvent) and start.anchor is None \
                    and start.tag in (None, "!", "tag:yaml.org,2002:seq"):
                composer.get()

                def items(key: str = key) -> Streamed:
                    i = 0
                    while not isinstance(composer.peek(), yaml.SequenceEndEvent):
                        yield built(composer.node(2), (key, i))
                        i += 1
                    composer.get()

                values = items()
                yield key, line, values
                for _ in values:  # what the reader left unread
                    pass
            else:
                yield key, line, built(composer.node(1), (key,), line)
        composer.get()
    composer.get()  # the end of the document
    if not isinstance(composer.peek(), yaml.StreamEndEvent):
        raise BadRecord(file, composer.peek().start_mark.line + 1, "", "not valid YAML: expected a single document in the file")
