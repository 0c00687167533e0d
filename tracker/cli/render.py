"""The edge where the core's answers and errors become words: tables and files on stdout, one line on stderr.

* :func:`emit` writes an :class:`~tracker.results.Answer` through the format
  registry: the headline above a table, the records streamed to stdout.
* :func:`report` writes a :class:`~tracker.results.Result`: its summary and
  warnings on stderr, its record as JSON on stdout with ``--format json``.
* :func:`catch_errors` turns the core's exceptions into one line and exit 1,
  phrased with the command line's own flags where the core's error carries the
  fields (:class:`~tracker.errors.BadWindow`, ...).
* :func:`progress_renderer` shows a :class:`~tracker.progress.Progress` on
  one rewritten line of stderr, when stderr is a terminal.
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
    """Turn the core's errors into one line on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from sqlalchemy.exc import DBAPIError

        from tracker.errors import TrackerError

        try:
            return func(*args, **kwargs)
        except TrackerError as exc:
            raise click.ClickException(phrase(exc)) from None
        except DBAPIError as exc:
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            raise click.ClickException(f"database error: {detail[0] if detail else type(exc).__name__}") from None

    return wrapper


def emit(answer, fmt: str, vertical: bool = False, columns: list[str] | None = None, headline: bool = True,
         wide: bool = False) -> None:
    """An answer to stdout in the chosen format; a table gets the headline above it and fits the terminal
    (unless ``wide``). When no record comes, a table or csv still gets its header, and stderr "0 events"."""
    from tracker.output.formats import write

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
    """A progress callback drawing one rewritten line on stderr, or None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(p) -> None:
        counted = f"{p.done:,}/{p.total:,}" if p.total else f"{p.done:,}"
        if p.stage == "rows":
            rate = f", {p.rate:,.0f} rows/s" if p.rate else ""
            text = f"{counted} rows{rate}"
        else:
            text = f"{counted} {p.stage}" if p.done or p.total else p.stage
        click.echo(f"\r  {text}\x1b[K", nl=False, err=True)

    return show


def end_progress(show) -> None:
    if show is not None:
        click.echo("", err=True)
