"""A draft as a report file (YAML, format tracker-report/1.1)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml

from tracker.errors import TrackerError

HEADER = """\
# Drafted by `tracker draft` from {file}: every record is pending review.
# Check each record against its quote (evidence.start/end are offsets in the text),
# correct what is wrong, then `tracker review THIS_FILE` (or set review: reviewed) and load it.
"""


def draft_yaml(report: dict, source_file: str) -> str:
    body = yaml.safe_dump(report, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
    return HEADER.format(file=source_file) + body


def write_draft(text: str, path: str | Path) -> None:
    """Write the draft whole or not at all."""
    p = Path(path)
    if not p.parent.is_dir():
        raise TrackerError(f"{path}: cannot write: no directory {str(p.parent)!r}")
    try:
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.")
    except OSError as exc:
        raise TrackerError(f"{path}: cannot write: {exc.strerror or exc}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, p)
