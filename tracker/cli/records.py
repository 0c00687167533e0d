"""The records themselves: actors, places, sources, an event's history, counts."""

from __future__ import annotations

import click

from tracker.cli.options import FUZZY_DATE, format_option
from tracker.cli.render import catch_errors, emit, report
from tracker.cli.root import cli, pass_context


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
    emit(context.store().actor(name), fmt, vertical=True, headline=False)


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
    report(context.store().merge_actors(keep, other))


@cli.group(cls=NameOrSubcommand)
def place():
    """Show a place (tracker place NAME), or merge two that are one.

    Example: tracker place Darnah; tracker place merge Derna "#42"
    """


@place.command("show")
@click.argument("name")
@format_option(coordinates=True)
@pass_context
@catch_errors
def place_show(context, name, fmt):
    """Show a place: where it lies, spellings, coordinates, what it contains.

    Example: tracker place Darnah
    """
    emit(context.store().place(name), fmt, vertical=True, headline=False)


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
    report(context.store().merge_places(keep, other))


def _finding_options(kinds: str):
    def decorate(func):
        func = click.option("--limit", type=click.IntRange(min=1), help="At most this many.")(func)
        func = click.option("--country", metavar="COUNTRY", help="Only in this country (name or ISO code).")(func)
        func = click.option("--kind", metavar="KIND", help=f"Only of this kind ({kinds}).")(func)
        func = click.option("--search", metavar="TEXT", help="A part of any of the names or aliases "
                                                             "(case, accents and punctuation ignored).")(func)
        return func
    return decorate


@cli.command()
@_finding_options("state forces, rebel group, political militia, ...")
@click.option("--wide", is_flag=True, help="Show every column of a table.")
@format_option()
@pass_context
@catch_errors
def actors(context, search, kind, country, limit, wide, fmt):
    """List actors, or find them by a part of a name: ids, kinds, aliases, counts of events and control claims.

    Example: tracker actors --search "abu salim"
    """
    emit(context.store().actors(search=search, kind=kind, country=country, limit=limit), fmt, wide=wide)


@cli.command()
@_finding_options("country, admin1, admin2, city, town, village, ...")
@click.option("--wide", is_flag=True, help="Show every column of a table.")
@format_option(coordinates=True)
@pass_context
@catch_errors
def places(context, search, kind, country, limit, wide, fmt):
    """List places, or find them by a part of a name: ids, where they lie, aliases, counts of events and claims.

    Example: tracker places --search dern --country Libya
    """
    emit(context.store().places(search=search, kind=kind, country=country, limit=limit), fmt, wide=wide)


@cli.command()
@format_option()
@pass_context
@catch_errors
def sources(context, fmt):
    """List the sources (reports, datasets) with their grading.

    Example: tracker sources --format csv
    """
    emit(context.store().sources(), fmt, headline=False)


@cli.command("event-history")
@click.argument("event")
@click.option("--as-of", "as_of", type=FUZZY_DATE, help="Only the version that stood at the end of this date.")
@format_option()
@pass_context
@catch_errors
def event_history(context, event, as_of, fmt):
    """The versions and deletions of an imported event, in the data's time, and what changed in each.

    EVENT is its dataset id (LBY1234, 2460RTA@2016, ucdp:214797) or #ID.

    Example: tracker event-history LBY1234 --as-of 2020-05-01
    """
    emit(context.store().event_history(event, as_of=as_of), fmt, vertical=fmt == "table", headline=False)


@cli.command()
@format_option()
@pass_context
@catch_errors
def stats(context, fmt):
    """Count sources, actors, places, events and control spans: overall, per dataset, per source.

    Example: tracker stats --format json
    """
    emit(context.store().stats(), fmt, headline=False)
