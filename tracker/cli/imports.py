"""``tracker import``: dataset exports (ACLED, UCDP GED), ACLED's deletions, control maps."""

from __future__ import annotations

import click

from tracker.cli.options import FUZZY_DATE, import_options, year
from tracker.cli.render import catch_errors, end_progress, progress_renderer, report
from tracker.cli.root import cli, pass_context


def _run_import(context, dataset, file, keep_going, force, rejects, encoding, prune, batch_size, release, as_of_export,
                fmt):
    from tracker.ingest.importer import ImportOptions

    progress = progress_renderer()
    options = ImportOptions(keep_going=keep_going, rejects=rejects, force=force, encoding=encoding, prune=prune,
                            batch_size=batch_size, progress=progress, release=release,
                            as_of_export=as_of_export.latest if as_of_export else None)
    try:
        result = context.store().import_dataset(dataset, file, options)
    finally:
        end_progress(progress)
    report(result, fmt)


@cli.group("import")
def import_group():
    """Import ACLED and UCDP GED exports (CSV or .csv.gz) and control snapshots.

    Idempotent (the same file again changes nothing) and atomic (one bad row and
    nothing is written, unless --keep-going). The newest version of each event
    stands, by the data's own clock, whatever order files come in; earlier
    versions stay in its history (tracker event-history). Control snapshots
    (CSV or GeoJSON maps) become control spans and areas.

    Example: tracker import acled acled-2015.csv
    """


@import_group.command("acled")
@click.argument("file", type=click.Path(dir_okay=False))
@import_options
@pass_context
@catch_errors
def import_acled(context, file, **options):
    """Import an ACLED export: any generation (2015 realtime files, API pulls, current exports).

    The newest version of each event stands, by ACLED's timestamp or the
    export's date, whatever order files are imported in. A deletions list
    (event_id_cnty, deleted_timestamp) is applied as with acled-deletions.

    Example: tracker import acled ACLED-Libya-2015.csv --keep-going
    """
    _run_import(context, "acled", file, **options)


@import_group.command("acled-deletions")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--release", metavar="YEAR", callback=year,
              help="The realtime release of NNNNRTA ids in the list (default: the year in the file's name).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="json: the counts as one JSON object on stdout.")
@pass_context
@catch_errors
def import_acled_deletions(context, file, release, fmt):
    """Apply ACLED's deleted-events list (CSV or JSON: event_id_cnty, deleted_timestamp).

    The events are deleted with their history kept; an export older than a
    deletion never brings the event back, a newer one that holds it does.

    Example: tracker import acled-deletions acled-deleted-2024-06.csv
    """
    report(context.store().import_deletions(file, release=release), fmt)


@import_group.command("ucdp")
@click.argument("file", type=click.Path(dir_okay=False))
@import_options
@pass_context
@catch_errors
def import_ucdp(context, file, **options):
    """Import a UCDP GED export (the UCDP CSV or the HDX republication with its HXL row).

    Example: tracker import ucdp GEDEvent_v25_1.csv.gz
    """
    _run_import(context, "ucdp", file, **options)


@import_group.command("control")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--mapping", type=click.Path(dir_okay=False, exists=True),
              help="A mapping file saying which map label means which holder and status "
                   "(seeds/control-maps/deepstatemap.yaml for DeepStateMap).")
@click.option("--date", type=FUZZY_DATE, help="The snapshot's day, for files whose name, manifest or content has none.")
@click.option("--series", help="The map series the snapshots belong to (default: the mapping's, else 'snapshots').")
@click.option("--make-valid", "make_valid", is_flag=True,
              help="Repair areas that are not valid polygons (shapely's make_valid) instead of refusing the file.")
@pass_context
@catch_errors
def import_control(context, files, mapping, date, series, make_valid):
    """Import control snapshots: CSV (date, place or lat/lon, holder, status) or GeoJSON areas and points.

    Consecutive snapshots that agree make one span; a change closes it. Every
    place with a point gets the spans of the areas containing it. Importing the
    same snapshots again changes nothing.

    Example: tracker import control --mapping seeds/control-maps/deepstatemap.yaml snapshots/*.geojson
    """
    progress = progress_renderer()
    try:
        result = context.store().import_control(list(files), mapping=mapping, date=date, series=series,
                                                progress=progress, make_valid=make_valid)
    finally:
        end_progress(progress)
    report(result)
