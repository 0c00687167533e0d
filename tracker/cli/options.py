"""What the commands share: parameter types that validate one value, and named option decorators.

Single values are checked by their type (a fuzzy date, ``LAT,LON``, a
preference); combinations by the command ("use --near and --radius
together"). The ``--format`` choices come from the format registry
(tracker.output.formats): a command whose records carry points offers geojson.
"""

from __future__ import annotations

import click


# -- parameter types -----------------------------------------------------------
class FuzzyDateType(click.ParamType):
    """A date as analysts write it: 2015, 2015-06, 2015-W24, 2015-06-09, or A/B."""

    name = "DATE"

    def convert(self, value, param, ctx):
        from tracker.model.dates import EARLIEST_YEAR, BadDate, parse_fuzzy_date

        try:
            found = parse_fuzzy_date(value)
        except BadDate as exc:
            self.fail(str(exc), param, ctx)
        if found.earliest.year < EARLIEST_YEAR:  # the era reports are held to: 0001 is a typo, not history
            self.fail(f"{value!r} is before {EARLIEST_YEAR} (a typo?)", param, ctx)
        return found


FUZZY_DATE = FuzzyDateType()


class MomentType(click.ParamType):
    """A moment of the wall clock (UTC unless it says otherwise): 2026-11-30 (its end), 2026-11-30T12:00."""

    name = "MOMENT"

    def convert(self, value, param, ctx):
        from tracker.model.dates import BadDate
        from tracker.query.asof import parse_moment

        try:
            return parse_moment(value)
        except BadDate as exc:
            self.fail(str(exc), param, ctx)


MOMENT = MomentType()


def as_of_option(func):
    """``--as-of MOMENT``: the store as it stood then (tracker.query.asof)."""
    return click.option(
        "--as-of", "as_of", type=MOMENT, metavar="MOMENT",
        help="Answer from the store as it stood at this moment (UTC; a date means its end): before a later "
             "import revised, deleted or added what it did.")(func)


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
def format_option(coordinates: bool = False, default: str = "table"):
    """``--format``, with the registry's formats this command can render (geojson when its records have points)."""
    from tracker.output.formats import names

    choices = names(coordinates=coordinates)
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
        help="Output format: a table for reading, " + ", ".join(c for c in choices if c != "table")
             + " for pipelines.",
    )


def event_question_options(func):
    """What events and summary are narrowed by: place, actor, dates, type, area, dataset, source,
    fatalities, certainty, text and distance (tracker.query.filters.EventFilter)."""
    options = [
        click.option("--place", help="Events at this place or inside it."),
        click.option("--actor", help="Events this actor took part in (any role)."),
        click.option("--from", "start", type=FUZZY_DATE, help="Only from this date on."),
        click.option("--to", "end", type=FUZZY_DATE, help="Only up to this date (inclusive)."),
        click.option("--type", "type_", metavar="TYPE", help="Event type or sub-type (e.g. Battles, 'Peaceful protest')."),
        click.option("--country", metavar="COUNTRY", help="Only events in this country (name or ISO code: Libya, LY, LBY)."),
        click.option("--admin1", metavar="AREA", help="Only events in this first-level area (ACLED admin1, UCDP adm_1)."),
        click.option("--admin2", metavar="AREA", help="Only events in this second-level area."),
        click.option("--dataset", metavar="NAME", help="Only events from this dataset: acled, ucdp or report."),
        click.option("--source", metavar="KEY", help="Only events from this source (its key, title or #id)."),
        click.option("--min-fatalities", "min_fatalities", type=click.IntRange(min=0), metavar="N",
                     help="Only events with at least N fatalities (best estimate)."),
        click.option("--certainty", metavar="LEVEL", help="Only events of this certainty (confirmed, reported, "
                                                          "likely, alleged, rumoured)."),
        click.option("--search", metavar="TEXT", help="Only events whose text holds these words in this order, any "
                                                      "inflection ('car bomb' finds 'car bombings')."),
        click.option("--overlap", is_flag=True, help="Match dates by the event's whole date window (default: by the "
                                                     "date the dataset records)."),
    ]
    for option in reversed(options):
        func = option(func)
    return as_of_option(near_options(func))


FILTERS = ("place", "actor", "start", "end", "country", "admin1", "admin2", "dataset", "source", "min_fatalities",
           "certainty", "search", "overlap", "as_of")


def event_filters(params: dict) -> dict:
    """The filters a command was given, by the core's names (tracker.query.filters.EventFilter),
    with the combinations checked: a window that ends before it starts, --near without --radius."""
    check_near(params.get("near"), params.get("radius"))
    check_window(params.get("start"), params.get("end"))
    filters = {k: params[k] for k in FILTERS if params.get(k) not in (None, False)}
    if params.get("type_"):
        filters["type"] = params["type_"]
    if params.get("near") is not None:
        filters.update(near=params["near"], radius_km=params["radius"])
    return filters


def check_window(start, end) -> None:
    if start is not None and end is not None and end.latest < start.earliest:
        raise click.UsageError(f"--to ({end}) is before --from ({start})")


class PlaceOrPointType(click.ParamType):
    """A place name, or a point as LAT,LON (32.767,22.637)."""

    name = "PLACE|LAT,LON"

    def convert(self, value, param, ctx):
        from tracker.geo.points import BadPoint, parse_point

        try:
            point = parse_point(value)
        except BadPoint as exc:
            self.fail(str(exc), param, ctx)
        return value.replace("\u2212", "-") if point is not None else value


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
    # The environment variables named in the help are read by tracker.geo.geocoding itself.
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


def import_options(func):
    func = click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
                        help="json: the import's counts as one JSON object on stdout, for scripts "
                             "(the summary line goes to stderr either way).")(func)
    func = click.option("--as-of-export", "as_of_export", type=FUZZY_DATE, metavar="DATE",
                        help="The export's own date, for a file whose name does not say it "
                             "(default: its latest event). Orders its rows against other exports.")(func)
    func = click.option("--release", metavar="YEAR", callback=year,
                        help="The ACLED realtime release (year) of the file's NNNNRTA ids, for a file whose "
                             "name does not say it (default: the year most of its rows are dated).")(func)
    func = click.option("--batch-size", type=click.IntRange(min=1), default=2000, show_default=True,
                        help="Rows written per batch.")(func)
    func = click.option("--prune", is_flag=True,
                        help="The file is a full export: delete the stored events within its countries and "
                             "recorded dates that it no longer holds (and that are older than it).")(func)
    func = click.option("--encoding", metavar="NAME",
                        help="The file's encoding (default: detected; UTF-8 with or without BOM, cp1252, mac_roman).")(func)
    func = click.option("--rejects", type=click.Path(dir_okay=False, writable=True), metavar="PATH",
                        help="Where --keep-going writes the bad rows with their reasons "
                             "(default: FILE.rejects.csv in the working directory).")(func)
    func = click.option("--force", is_flag=True, help="Replace an existing --rejects file.")(func)
    func = click.option("--keep-going", is_flag=True,
                        help="Import the good rows and write the bad ones to the rejects file "
                             "(default: one bad row and nothing is written).")(func)
    return func


def year(ctx, param, value):
    if value is not None and not (value.isdigit() and len(value) == 4):
        raise click.BadParameter(f"{value!r} is not a year (e.g. 2015)", ctx, param)
    return value
