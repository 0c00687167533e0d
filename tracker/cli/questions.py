"""The questions: who held what, what changed, what happened, and is it consistent."""

from __future__ import annotations

import click

from tracker.cli.options import (
    FUZZY_DATE,
    PREFERENCE,
    check_near,
    date_window_options,
    format_option,
    horizon_option,
    near_options,
)
from tracker.cli.render import catch_errors, emit, report
from tracker.cli.root import cli, pass_context


@cli.command("who-held")
@click.argument("place", required=False)
@click.option("--at", "at", type=FUZZY_DATE, required=True, help="The date (2015, 2015-06, 2015-06-09...).")
@near_options
@click.option("--prefer", type=PREFERENCE,
              help="When sources disagree, answer from the best-graded, the latest, or the named source "
                   "(every claim is still listed).")
@horizon_option
@format_option(coordinates=True)
@pass_context
@catch_errors
def who_held(context, place, at, near, radius, prefer, horizon, fmt):
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
        emit(context.store().who_held_near(near, radius, at, horizon=horizon), fmt)
        return
    emit(context.store().who_held(place, at, prefer=prefer, horizon=horizon), fmt)


@cli.command("held-by")
@click.argument("actor")
@click.option("--at", "at", type=FUZZY_DATE, required=True, help="The date.")
@click.option("--include-affiliates", is_flag=True, help="Also what its affiliates and members held.")
@horizon_option
@format_option(coordinates=True)
@pass_context
@catch_errors
def held_by(context, actor, at, include_affiliates, horizon, fmt):
    """What ACTOR held (or contested) at a date; claims without fresh evidence are stale.

    Example: tracker held-by "MSC Derna" --at 2015-06-20
    """
    emit(context.store().held_by(actor, at, include_affiliates, horizon=horizon), fmt)


@cli.command()
@click.argument("name")
@format_option()
@pass_context
@catch_errors
def timeline(context, name, fmt):
    """Control periods and events of a place (or an actor), in date order.

    Example: tracker timeline Derna
    """
    emit(context.store().timeline(name), fmt)


@cli.command()
@click.option("--from", "start", type=FUZZY_DATE, required=True, help="The window's first date.")
@click.option("--to", "end", type=FUZZY_DATE, required=True, help="The window's last date (inclusive).")
@click.option("--country", metavar="COUNTRY", help="Only places in this country (ISO code or name: LY, Libya).")
@click.option("--actor", help="Only changes in which this actor gained or lost a place.")
@format_option(coordinates=True)
@pass_context
@catch_errors
def changes(context, start, end, country, actor, fmt):
    """Every place whose holder changed in a window: from whom, to whom, when, and the evidence.

    Example: tracker changes --from 2015-06-01 --to 2015-06-30 --country Libya
    """
    emit(context.store().changes(start, end, country=country, actor=actor), fmt)


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
    report(context.store().derive_control())


@cli.command()
@click.option("--place", help="Events at this place or inside it.")
@click.option("--actor", help="Events this actor took part in (any role).")
@date_window_options
@click.option("--type", "type_", metavar="TYPE", help="Event type or sub-type (e.g. Battles, 'Peaceful protest').")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many events.")
@near_options
@format_option(coordinates=True)
@pass_context
@catch_errors
def events(context, place, actor, start, end, type_, limit, near, radius, fmt):
    """List events, filtered by place, actor, date window, type and distance.

    --near PLACE|LAT,LON --radius KM keeps the events within that geodesic
    distance and adds each one's distance_km.

    Example: tracker events --place Derna --from 2015-06 --format json
    """
    check_near(near, radius)
    filters = dict(place=place, actor=actor, start=start, end=end, type=type_, limit=limit)
    if near is not None:
        filters.update(near=near, radius_km=radius)
    emit(context.store().events(**filters), fmt)
