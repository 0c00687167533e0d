"""Marking a draft's records reviewed: ``review: pending`` becomes ``review: reviewed`` in the file.

The file is edited line by line, so that an analyst's own edits and comments
stay as they are; loading it again updates the stored records (the review
state is part of each record), and answers stop saying "unreviewed draft".
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import TrackerError

_ID = re.compile(r"^\s*-\s+id:\s*['\"]?([^'\"\s#]+)")
_PENDING = re.compile(r"^(\s*)review:\s*pending\s*$")


@dataclass
class Reviewed:
    file: str
    marked: int
    pending: int

    def summary(self) -> str:
        return f"{self.file}: {self.marked} record(s) marked reviewed, {self.pending} still pending"


def mark_reviewed(path: str | Path, ids: list[str] | None = None) -> Reviewed:
    """Mark the pending records of a draft file reviewed (``ids``: only these records); the file is replaced whole."""
    p = Path(path)
    try:
        lines = p.read_text("utf-8").splitlines(keepends=True)
    except OSError as exc:
        raise TrackerError(f"{path}: cannot read: {exc.strerror or exc}") from None
    wanted = set(ids or [])
    seen: set[str] = set()
    current = None
    marked = pending = 0
    out = []
    for line in lines:
        m = _ID.match(line)
        if m:
            current = m.group(1)
            seen.add(current)
        hit = _PENDING.match(line)
        if hit and (not wanted or current in wanted):
            line = f"{hit.group(1)}review: reviewed\n"
            marked += 1
        elif hit:
            pending += 1
        out.append(line)
    unknown = sorted(wanted - seen)
    if unknown:
        raise TrackerError(f"{path}: no record with id {unknown[0]!r}")
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.writelines(out)
    os.replace(tmp, p)
    return Reviewed(str(path), marked, pending)
