"""The questions: who held what, what changed, what happened, and is it consistent."""

from __future__ import annotations

import click

from tracker.cli.options import (
    FUZZY_DATE,
    PREFERENCE,
    as_of_option,
    check_near,
    check_window,
    event_filters,
    event_question_options,
    format_option,
    horizon_option,
    near_options,
)
from tracker.cli.render import catch_errors, emit, end_progress, progress_renderer, report
from tracker.cli.root import cli, pass_context
from tracker.query.groupings import GROUPS


@cli.command("who-held")
@click.argument("place", required=False)
@click.option("--at", "at", type=FUZZY_DATE, required=True, help="The date (2015, 2015-06, 2015-06-09...).")
@near_options
@click.option("--prefer", type=PREFERENCE,
              help="When sources disagree, answer from the best-graded, the latest, or the named source "
                   "(every claim is still listed).")
@horizon_option
@as_of_option
@format_option(coordinates=True)
@pass_context
@catch_errors
def who_held(context, place, at, near, radius, prefer, horizon, as_of, fmt):
    """Who held PLACE (a name or LAT,LON) at a date, with status, period and sources.

    With --near PLACE|LAT,LON --radius KM instead of PLACE: who held each place
    within that distance that has control claims of its own at the date.
    Claims that disagree are all shown, each with its sources and grading.

    Example: tracker who-held Derna --at 2015-06-12 --prefer graded
    """
    check_near(near, radius)
    if (place is None) == (near is None):
        raise click.UsageError("give a PLACE or --near PLACE|LAT,LON --radius KM (only one of them)")
    if prefer and near is not None:
        raise click.UsageError("use only one of --prefer or --near")
    if near is not None:
        if as_of is not None:
            raise click.UsageError("use only one of --as-of or --near")
        emit(context.store().who_held_near(near, radius, at, horizon=horizon), fmt)
        return
    emit(context.store().who_held(place, at, prefer=prefer, horizon=horizon, as_of=as_of), fmt)


@cli.command("held-by")
@click.argument("actor")
@click.option("--at", "at", type=FUZZY_DATE, required=True, help="The date.")
@click.option("--include-affiliates", is_flag=True, help="Also what its affiliates and members held.")
@horizon_option
@as_of_option
@format_option(coordinates=True)
@pass_context
@catch_errors
def held_by(context, actor, at, include_affiliates, horizon, as_of, fmt):
    """What ACTOR held (or contested) at a date; claims without fresh evidence are stale.

    Example: tracker held-by "MSC Derna" --at 2015-06-20
    """
    emit(context.store().held_by(actor, at, include_affiliates, horizon=horizon, as_of=as_of), fmt)


@cli.command()
@click.argument("name")
@as_of_option
@format_option()
@pass_context
@catch_errors
def timeline(context, name, as_of, fmt):
    """Control periods and events of a place (or an actor), in date order.

    Example: tracker timeline Derna
    """
    emit(context.store().timeline(name, as_of=as_of), fmt)


@cli.command()
@click.option("--from", "start", type=FUZZY_DATE, required=True, help="The window's first date.")
@click.option("--to", "end", type=FUZZY_DATE, required=True, help="The window's last date (inclusive).")
@click.option("--country", metavar="COUNTRY", help="Only places in this country (name or ISO code: Libya, LY).")
@click.option("--admin1", metavar="AREA", help="Only places in this first-level area.")
@click.option("--admin2", metavar="AREA", help="Only places in this second-level area.")
@click.option("--place", help="Only this place and the places inside it.")
@click.option("--actor", help="Only changes in which this actor gained or lost a place.")
@as_of_option
@format_option(coordinates=True)
@pass_context
@catch_errors
def changes(context, start, end, country, admin1, admin2, place, actor, as_of, fmt):
    """Every place whose holder changed in a window: from whom, to whom, when, and the evidence.

    Example: tracker changes --from 2015-06-01 --to 2015-06-30 --country Libya
    """
    check_window(start, end)
    within = {k: v for k, v in (("admin1", admin1), ("admin2", admin2), ("place", place)) if v}
    emit(context.store().changes(start, end, country=country, actor=actor, as_of=as_of, **within), fmt)


@cli.command()
@format_option(default="lines")
@pass_context
@catch_errors
def check(context, fmt):
    """Check control for consistency: overlapping holders, spans ending before they start,
    holders that did not exist yet, events that contradict a span, claims without a source.

    One finding per line (LEVEL: CODE: PLACE: message), or per row of a table,
    csv or json; exits 1 when it finds errors (warnings alone exit 0).

    Example: tracker check --format json
    """
    answer = context.store().check()
    emit(answer, fmt, headline=False, columns=None)
    click.echo(answer.headline, err=True)
    if answer.answer == "errors":
        click.get_current_context().exit(1)


@cli.command("derive-control")
@pass_context
@catch_errors
def derive_control(context):
    """Re-derive control spans from every territory-transfer event and every map series.

    Load and import do this for what they change; run it after adding places
    (they get their map spans) or relations. Running it twice changes nothing.

    Example: tracker derive-control
    """
    progress = progress_renderer()
    try:
        results = context.store().derive_control(progress=progress)
    finally:
        end_progress(progress)
    report(results)


@cli.command()
@event_question_options
@click.option("--sort", type=click.Choice(["date", "fatalities", "place"]), default="date", show_default=True,
              help="Order of the events (then by id).")
@click.option("--desc", is_flag=True, help="Reverse the order.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many events.")
@click.option("--offset", type=click.IntRange(min=0), help="Skip this many events first.")
@click.option("--wide", is_flag=True, help="Show every column of a table, nothing cut to the terminal's width.")
@format_option(coordinates=True)
@pass_context
@catch_errors
def events(context, sort, desc, limit, offset, wide, fmt, **params):
    """List events, filtered by place, actor, dates, type, area, dataset, source, fatalities, text and distance.

    Dates match the date the dataset records (ACLED event_date, UCDP
    date_start; --overlap: the event's whole window). --near PLACE|LAT,LON
    --radius KM keeps the events within that geodesic distance and adds each
    one's distance_km. csv, json and geojson carry every column (docs/columns.md).

    Example: tracker events --admin1 Darnah --from 2015-07-01 --to 2015-07-31 --format csv
    """
    filters = event_filters(params)
    emit(context.store().events(sort=sort, desc=desc, limit=limit, offset=offset, **filters), fmt, wide=wide)


@cli.command()
@click.option("--by", "by", multiple=True, type=click.Choice(GROUPS), default=("year",), show_default=True,
              help="Group by this (repeat to combine: --by year --by country).")
@click.option("--role", type=click.Choice(["any", "actor1", "actor2"]), default="any", show_default=True,
              help="With --by actor: the role an actor must take in an event to be counted.")
@event_question_options
@click.option("--sort", type=click.Choice(["group", "events", "fatalities"]),
              help="Order of the groups (default: by group when grouping by time, else most fatalities first).")
@click.option("--desc/--asc", "desc", default=None, help="Descending or ascending (default: descending for "
                                                         "events and fatalities, ascending for groups).")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many groups.")
@format_option()
@pass_context
@catch_errors
def summary(context, by, role, sort, desc, limit, fmt, **params):
    """Count events and add up fatalities (best, low, high), grouped by time, place, actor, type, source or dataset.

    Every filter of `tracker events` applies. Weeks are ISO weeks (2015-W24),
    months YYYY-MM, by the date the dataset records. Grouping by actor counts
    an event once for each actor taking part (in --role).

    Example: tracker summary --by month --country Libya --format json
    """
    filters = event_filters(params)
    emit(context.store().summary(by=by, role=role, sort=sort, desc=desc, limit=limit, **filters), fmt)
