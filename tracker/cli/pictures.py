"""Pictures: ``tracker chart timeline``, ``tracker chart events``, ``tracker map``.

They need the optional extra ``tracker[charts]`` (matplotlib); the core never imports it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from tracker.cli.options import FUZZY_DATE, event_filters, event_question_options
from tracker.cli.render import catch_errors
from tracker.cli.root import cli, pass_context
from tracker.errors import TrackerError

STATIC = (".png", ".svg", ".pdf")


def _output(path: str, allowed: tuple[str, ...], force: bool = False) -> str:
    if Path(path).exists() and not force:
        raise TrackerError(f"{path}: exists; use --force to replace it")
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        raise click.BadParameter(f"{path!r}: the file's extension says the format, one of {', '.join(allowed)}",
                                 param_hint="-o")
    if not Path(path).parent.is_dir():
        raise TrackerError(f"{path}: cannot write: no directory {str(Path(path).parent)!r}")
    return path


def _need_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise TrackerError("pictures need matplotlib: pip install 'tracker[charts]'") from None


def _written(path: str) -> None:
    click.echo(f"{path}: written ({Path(path).stat().st_size:,} bytes)", err=True)


@cli.group()
def chart():
    """Charts of control and of events, as PNG, SVG or PDF (needs tracker[charts]).

    Example: tracker chart timeline Derna -o derna.png
    """


@chart.command("timeline")
@click.argument("name")
@click.option("--from", "start", type=FUZZY_DATE, help="The axis starts here (default: the claims' first date).")
@click.option("--to", "end", type=FUZZY_DATE, help="The axis ends here (default: the claims' last date).")
@click.option("-o", "--output", required=True, metavar="FILE", help="FILE.png, .svg or .pdf.")
@click.option("--force", is_flag=True, help="Replace an existing FILE.")
@pass_context
@catch_errors
def chart_timeline(context, name, start, end, output, force):
    """A control timeline of a PLACE (one lane per place inside it) or an ACTOR (the places it held).

    Bars are coloured by holder, contested periods hatched, uncertain ends
    faded, derived claims dashed and map claims dotted; the events that began
    or ended a claim are marked; each source's word is a bar of its own.

    Example: tracker chart timeline Derna -o derna.png
    """
    from tracker.charts.timeline import draw_timeline, timeline_data

    _output(output, STATIC, force)
    _need_matplotlib()
    with context.store().reading(control=True) as session:
        data = timeline_data(session, name, start.earliest if start else None, end.latest if end else None)
    draw_timeline(data, output)
    _written(output)


@chart.command("events")
@click.option("--by", "by", type=click.Choice(["day", "week", "month", "year"]), default="month", show_default=True,
              help="One bar per period.")
@click.option("--stack", type=click.Choice(["type", "actor", "country"]), help="Split each bar by this.")
@click.option("--measure", type=click.Choice(["events", "fatalities"]), default="events", show_default=True,
              help="Count events or add up fatalities (best estimate).")
@event_question_options
@click.option("-o", "--output", required=True, metavar="FILE", help="FILE.png, .svg or .pdf.")
@click.option("--force", is_flag=True, help="Replace an existing FILE.")
@pass_context
@catch_errors
def chart_events(context, by, stack, measure, output, force, **params):
    """Bars of the summary figures over time (every filter of tracker events applies).

    The figures are those of `tracker summary --by PERIOD [--by STACK]`, so the
    chart and the table agree; the title and subtitle say what is counted.

    Example: tracker chart events --country Libya --by month --stack type -o libya.svg
    """
    from tracker.charts.bars import bars_data, draw_bars

    _output(output, STATIC, force)
    _need_matplotlib()
    data = bars_data(context.store(), by, stack, measure, **event_filters(params))
    draw_bars(data, output)
    _written(output)


def _bbox(ctx, param, value):
    if value is None:
        return None
    from tracker.charts.maps import parse_bbox

    try:
        return parse_bbox(value)
    except TrackerError as exc:
        raise click.BadParameter(str(exc).removeprefix(f"--bbox {value!r}: ")) from None


@cli.command("map")
@click.option("--at", "at", type=FUZZY_DATE, help="The day whose control is drawn (default: today).")
@click.option("--bbox", callback=_bbox, metavar="MIN_LON,MIN_LAT,MAX_LON,MAX_LAT", help="The frame.")
@click.option("--place", "centre", metavar="PLACE", help="Centre the frame on this place (with --radius).")
@click.option("--radius", type=click.FloatRange(min=0.1), metavar="KM", help="With --place: half the frame's width.")
@click.option("--from", "start", type=FUZZY_DATE, help="Draw the events from this date on.")
@click.option("--to", "end", type=FUZZY_DATE, help="Draw the events up to this date.")
@click.option("--country", metavar="COUNTRY", help="Only events in this country.")
@click.option("--type", "type_", metavar="TYPE", help="Only events of this type or sub-type.")
@click.option("--actor", help="Only events this actor took part in.")
@click.option("-o", "--output", required=True, metavar="FILE", help="FILE.png, .svg, .pdf or .html (offline).")
@click.option("--force", is_flag=True, help="Replace an existing FILE.")
@pass_context
@catch_errors
def map_(context, at, bbox, centre, radius, start, end, country, type_, actor, output, force):
    """A control map at a date: map areas filled by holder, places coloured by who held them, events as points.

    Over Natural Earth's country borders and coastlines, offline. .html is one
    self-contained file with a date slider over the control periods, pop-ups
    citing the sources and layers to toggle; it opens without a network.

    Example: tracker map --at 2022-09-20 --bbox 35.5,48.8,38.5,50.2 -o kharkiv.png
    """
    from tracker.charts.maps import draw_map, map_data

    _output(output, STATIC + (".html",), force)
    if (bbox is None) == (centre is None):
        raise click.UsageError("frame the map with --bbox or with --place and --radius (one of them)")
    if centre is not None and radius is None:
        raise click.UsageError("--place needs --radius KM")
    filters = {k: v for k, v in {"country": country, "type": type_, "actor": actor}.items() if v}
    day = at.latest if at is not None else dt.date.today()
    store = context.store()
    data = map_data(store, day, bbox=bbox, place=centre, radius_km=radius, start=start, end=end, **filters)
    if output.lower().endswith(".html"):
        from tracker.charts.html import write_html

        write_html(data, store, output)
    else:
        _need_matplotlib()
        draw_map(data, output)
    _written(output)
