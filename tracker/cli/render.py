"""The edge where the core's answers and errors become words: tables and files on stdout, one line on stderr.

* :func:`emit` writes an :class:`~tracker.results.Answer` through the format
  registry: the headline above a table, the records streamed to stdout.
* :func:`report` writes a :class:`~tracker.results.Result`: its summary and
  warnings on stderr, its record as JSON on stdout with ``--format json``.
* :func:`catch_errors` turns the core's exceptions into one line and exit 1,
  phrased with the command line's own flags where the core's error carries the
  fields (:class:`~tracker.errors.BadWindow`, ...).
* :func:`progress_renderer` shows each :class:`~tracker.progress.Progress`
  stage as a tqdm bar on stderr, when stderr is a terminal.
"""

from __future__ import annotations

import functools
import json
import sys

import click

# The flag that gives each setting a core error can ask for.
FLAGS = {"geocoder key": "--geocoder-key", "release": "--release YEAR", "export date": "--as-of-export"}


def phrase(exc) -> str:
    """A core error in the command line's words."""
    from tracker.errors import BadWindow, ConflictingOption, MissingSetting

    if isinstance(exc, BadWindow):
        return f"--to ({exc.end}) is before --from ({exc.start})"
    if isinstance(exc, ConflictingOption):
        said = {"export date": f"as exported on {exc.recorded}", "release": f"as realtime release {exc.recorded}"}
        flag = FLAGS.get(exc.option, exc.option).split()[0]
        return f"{exc.file} was imported before {said.get(exc.option, exc.recorded)}; {flag} {exc.given} disagrees"
    if isinstance(exc, MissingSetting):
        where = f"{exc.file}:{exc.line}: {exc.field}: " if exc.file and exc.line else (f"{exc.file}: " if exc.file else "")
        flag = FLAGS.get(exc.setting, exc.setting)
        if exc.env_var:
            return f"{where}{exc.why}: give {flag} or set {exc.env_var}"
        return f"{where}{exc.why}: name it with {flag}"
    return str(exc)


def catch_errors(func):
    """Turn every error into one line on stderr and exit code 1: the core's in its own words, the
    libraries' (SQLAlchemy, psycopg, Alembic, geopy, the OS) named by what went wrong. ``--debug``
    (or ``TRACKER_DEBUG=1``) lets the traceback through instead."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            raise click.ClickException("interrupted: nothing was written") from None
        except BrokenPipeError:  # the reader stopped reading (| head): click exits 1 without a word
            raise
        except Exception as exc:
            if debugging():
                raise
            raise click.ClickException(one_line(exc)) from None

    return wrapper


def debugging() -> bool:
    import os

    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    if root is not None and isinstance(root.obj, object) and getattr(root.obj, "debug", False):
        return True
    return os.environ.get("TRACKER_DEBUG", "") not in ("", "0")


MAX_MESSAGE = 300  # a value quoted in a message is cut to this many characters


def one_line(exc: BaseException) -> str:
    """An exception as one line a user can act on (no traceback, no secrets, no 50 MB value)."""
    from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

    from tracker.errors import TrackerError

    if isinstance(exc, TrackerError):
        text = phrase(exc)
    elif isinstance(exc, DBAPIError):
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        text = f"database error: {detail[0] if detail else type(exc).__name__}"
    elif isinstance(exc, ArgumentError):
        text = f"bad database URL or argument: {str(exc).splitlines()[0]}"
    elif isinstance(exc, SQLAlchemyError):
        text = f"database error: {str(exc).splitlines()[0]}"
    elif type(exc).__module__.startswith("alembic"):
        text = f"migrations: {exc}"
    elif isinstance(exc, OverflowError):
        text = f"a number is too large to store ({exc})"
    elif isinstance(exc, RecursionError):
        text = "the input is nested too deeply to read"
    elif isinstance(exc, UnicodeError):
        text = f"cannot read or write the text in that encoding ({exc})"
    elif isinstance(exc, OSError):
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        text = f"{where}{exc.strerror or exc}"
    elif type(exc).__module__.startswith("geopy"):
        text = f"the online geocoder failed: {exc}"
    else:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    text = " ".join(text.split())
    if len(text) <= MAX_MESSAGE:
        return text
    # A long value inside a message is cut in the middle: the place and the reason stay.
    return text[: MAX_MESSAGE * 2 // 3] + " … " + text[-(MAX_MESSAGE // 3):]


def emit(answer, fmt: str, vertical: bool = False, columns: list[str] | None = None, headline: bool = True,
         wide: bool = False) -> None:
    """An answer to stdout in the chosen format; a table gets the headline above it and fits the terminal
    (unless ``wide``). When no record comes, a table or csv still gets its header, and stderr "0 events".
    Records written to a file or a pipe, while stderr is a terminal, show a progress bar there."""
    from tracker.output.formats import write

    progress = progress_renderer() if answer.count is not None and not sys.stdout.isatty() else None
    if progress is not None:
        answer.records = _shown(answer.records, answer.count(), answer.noun or "records", progress)

    for note in getattr(answer, "notes", ()):
        click.echo(f"note: {note}", err=True)
    if fmt == "table" and headline and answer.headline:
        click.echo(answer.headline)
    counted = _Counted(answer.records)
    width = None if wide or vertical else terminal_width()
    write(counted, sys.stdout, fmt, columns=columns or answer.columns or None, vertical=vertical,
          fields=answer.fields or None, width=width)
    if not counted.n and answer.noun:
        click.echo(f"0 {answer.noun}", err=True)


def terminal_width() -> int | None:
    """The width a table must fit: ``COLUMNS`` when set, else the terminal's; None when stdout is no terminal."""
    import os
    import shutil

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def _shown(records, total: int, noun: str, progress):
    """The records, telling ``progress`` how many of ``total`` have passed."""
    import time

    from tracker.progress import Progress

    started, n = time.monotonic(), 0
    try:
        for n, record in enumerate(records, 1):
            if n % 2000 == 0:
                progress(Progress(f"{noun} written", n, total, time.monotonic() - started, noun))
            yield record
        progress(Progress(f"{noun} written", n, total, time.monotonic() - started, noun))
    finally:
        end_progress(progress)


class _Counted:
    """An iterator that counts what passes through it."""

    def __init__(self, records):
        self.records, self.n = iter(records), 0

    def __iter__(self):
        return self

    def __next__(self):
        record = next(self.records)
        self.n += 1
        return record


def report(result, fmt: str = "table") -> None:
    """What a write did: its summary and warnings on stderr; with json, its record on stdout."""
    click.echo(result.summary(), err=True)
    for line in result.warnings():
        click.echo(line, err=True)
    if fmt == "json":
        click.echo(json.dumps(result.record(), ensure_ascii=False, default=str))


def progress_renderer():
    """A progress callback drawing tqdm bars on stderr, one per stage, or None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None
    return _Bars()


class _Bars:
    """One tqdm bar per stage the core names: counted (done of total, rate, time left) or just named."""

    def __init__(self) -> None:
        from tqdm import tqdm

        self.stage: str | None = None
        self.bar: tqdm | None = None

    def __call__(self, p) -> None:
        import os
        import shutil

        from tqdm import tqdm

        if p.stage != self.stage or self.bar is None:
            try:
                width, height = os.get_terminal_size(sys.stderr.fileno())
            except OSError:
                width = height = 0
            # A terminal that reports no size (0x0, as a bare pty does) gets a default: tqdm hides a bar
            # outside the screen's height.
            width = width or shutil.get_terminal_size((100, 24)).columns
            height = height or 24
            self.close()
            self.stage = p.stage
            if p.total is None and not p.done:  # a stage that is only named: "re-deriving control..."
                self.bar = tqdm(desc=p.stage, file=sys.stderr, bar_format="{desc}… {elapsed}", leave=True,
                                ncols=width, nrows=height)
            else:
                in_bytes = p.unit == "bytes"
                self.bar = tqdm(desc=p.stage, total=p.total, file=sys.stderr, unit="B" if in_bytes else f" {p.unit or p.stage}",
                                unit_scale=in_bytes, unit_divisor=1024 if in_bytes else 1000, ncols=width,
                                nrows=height, leave=True, mininterval=0.2)
        bar = self.bar
        assert bar is not None
        if p.total is not None and bar.total != p.total:
            bar.total = p.total
        bar.n = p.done
        if p.detail:
            bar.set_postfix_str(p.detail, refresh=False)
        bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def end_progress(show) -> None:
    if show is not None:
        show.close()
