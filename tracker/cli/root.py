"""The ``tracker`` command group, the context every command shares, and the entry point.

The command line only parses arguments, calls one :class:`tracker.Store`
method and renders its answer (tracker.cli.render). Its commands live in one
module per group: database, loading, questions, records, imports, geography.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from tracker.store import Store


class Context:
    """What every command shares: the database URL, on first use the store, and the online
    geocoder, made only when a command is given --online (tests hand in a stand-in)."""

    def __init__(self, url, online_geocoder=None, online_min_delay: float = 1.0, debug: bool = False,
                 wait: float = 120.0):
        self.url = url
        self.debug = debug
        self.wait = wait
        self._store: Store | None = None
        self.online_geocoder = online_geocoder
        self.online_min_delay = online_min_delay

    def store(self, migrate: bool = True) -> Store:
        from tracker.store import Store

        if self._store is None:
            self._store = Store(self.url, migrate=migrate, wait=self.wait, on_wait=_say_waiting)
            click.get_current_context().call_on_close(self.close)
        return self._store

    def close(self) -> None:
        """Close the store's connections (when the command's context closes)."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def geocoder(self, online: bool, user_agent=None, service=None, domain=None, key=None):
        """The online geopy geocoder for --online, else None: nothing leaves the machine unless asked."""
        if not online:
            return None
        if self.online_geocoder is not None:
            return self.online_geocoder
        from tracker.geo.geocoding import online_geocoder

        return online_geocoder(service, user_agent, domain, key)


def _say_waiting(message: str) -> None:
    import sys

    if sys.stderr.isatty():  # a pipe or a log gets the outcome only
        click.echo(f"{message}…", err=True)


pass_context = click.make_pass_decorator(Context)


class TrackerGroup(click.Group):
    """The top group: reads ``-0.0128,42.4032`` as a point, not as an option (no ``--`` needed)."""

    def parse_args(self, ctx, args):
        return super().parse_args(ctx, [_point_argument(a) for a in args])


_NEGATIVE_POINT = re.compile(r"^-\d+(\.\d*)?\s*,\s*[-+]?\d+(\.\d*)?$")


def _point_argument(arg: str) -> str:
    # U+2212 MINUS SIGN, which no option starts with; tracker.geo.points reads it as "-".
    return "\u2212" + arg[1:] if _NEGATIVE_POINT.match(arg) else arg


def _url(ctx, param, value):
    if value is not None and not value.strip():
        raise click.BadParameter("is empty: give a database URL (e.g. sqlite:///tracker.db)", ctx, param)
    return value


@click.group(cls=TrackerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db", "url", envvar="TRACKER_DATABASE_URL", metavar="URL", callback=_url,
    help="Database URL (default: TRACKER_DATABASE_URL, else sqlite:///tracker.db here).",
)
@click.option("--debug", is_flag=True, envvar="TRACKER_DEBUG",
              help="Show the traceback of an error instead of its one line (env TRACKER_DEBUG=1).")
@click.option("--wait", "wait", type=click.FloatRange(min=0), default=120.0, show_default=True, envvar="TRACKER_WAIT",
              metavar="SECONDS", help="How long a load or import waits for another tracker process writing to the "
                                      "same database before it gives up (env TRACKER_WAIT).")
@click.version_option(package_name="tracker", message="tracker %(version)s")
@click.pass_context
def cli(ctx, url, debug, wait):
    """tracker: who held what, when, and on whose word.

    Load reports, then ask: tracker who-held Derna --at 2015-06-14
    """
    if isinstance(ctx.obj, Context):  # handed in by a caller (tests inject the online geocoder)
        ctx.obj.url = url or ctx.obj.url
        ctx.obj.debug = debug or ctx.obj.debug
        ctx.obj.wait = wait
    else:
        ctx.obj = Context(url, debug=debug, wait=wait)


def main() -> None:
    """The ``tracker`` command. It exits without Python's teardown of its modules, which frees
    SQLAlchemy's objects one by one (a fifth of a query command's time, bench/startup.py): the
    command has closed its store and finished its output, and the streams are flushed first."""
    code: int | str | None = 0
    try:
        cli(prog_name="tracker")
    except SystemExit as done:
        code = done.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # a closed pipe (| head): the output is all the reader wanted
            pass
    os._exit(code)
