"""Files tracker writes: never over an existing file unless asked, never half a file.

:func:`replacing` opens a temporary file beside the target and renames it
into place only when the writing ends without error (``os.replace``: atomic
on one filesystem), so an interrupted export leaves no partial file, and the
target is refused if it exists unless ``force``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from tracker.errors import TrackerError


class OutputExists(TrackerError):
    """The file an output option names exists already."""

    def __init__(self, path: str, option: str):
        self.path, self.option = path, option
        super().__init__(f"{path} exists: give --force to replace it, or another {option}")


class CannotWrite(TrackerError):
    def __init__(self, path: str, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"cannot write {path}: {reason}")


def check_writable(path: str, force: bool = False, option: str = "-o/--output") -> None:
    """Refuse before any work: an existing file (unless ``force``), a missing folder, a folder as the file."""
    target = Path(path)
    if target.is_dir():
        raise CannotWrite(path, "it is a directory")
    if target.exists() and not force:
        raise OutputExists(path, option)
    if not target.parent.is_dir():
        raise CannotWrite(path, f"no such directory {str(target.parent)!r}")


@contextlib.contextmanager
def replacing(path: str, mode: str = "wb", force: bool = False, option: str = "-o/--output",
              **open_args) -> Iterator[IO]:
    """A file to write ``path`` through: a temporary file beside it, renamed into place at the end."""
    check_writable(path, force, option)
    target = Path(path)
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise CannotWrite(path, exc.strerror or str(exc)) from None
    try:
        with os.fdopen(fd, mode, **open_args) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        if not force and target.exists():
            raise OutputExists(path, option)  # made by someone else meanwhile
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
