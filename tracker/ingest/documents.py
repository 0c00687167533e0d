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

import json
import math
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
    def __init__(self, file: str):
        self.file = file
        self.lines: dict[Path, int] = {}
        self.constructor = SafeConstructor()
        self.built: set[int] = set()  # the nodes built once: an alias builds one of them again
        self.repeating = 0  # how deep inside an alias the builder is
        self.aliased = 0

    def build(self, node, path: Path) -> Any:
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
        if node.tag not in _PLAIN_TAGS:
            raise BadRecord(self.file, line, field_name(path), f"unsupported YAML tag {node.tag!r}")
        if isinstance(node, ScalarNode):
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value  # dates stay text: tracker reads them itself
            try:
                value = self.constructor.construct_object(node)
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
