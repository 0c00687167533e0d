"""A draft as a report file (YAML, format tracker-report/1.1)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml

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
    fd, tmp = tempfile.mkstemp(dir=p.parent if str(p.parent) else ".", prefix=f".{p.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, p)
