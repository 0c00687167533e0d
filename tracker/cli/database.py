"""``tracker db``: the schema's Alembic revisions, each command one ``alembic.command`` call."""

from __future__ import annotations

import click

from tracker.cli.render import catch_errors
from tracker.cli.root import cli, pass_context


@cli.group()
def db():
    """Create and migrate the database schema (Alembic underneath).

    Example: tracker db upgrade
    """


@db.command("upgrade")
@click.argument("revision", default="head")
@pass_context
@catch_errors
def db_upgrade(context, revision):
    """Migrate the database up to REVISION (default: head).

    Example: tracker db upgrade
    """
    from tracker import db as schema

    store = context.store(migrate=False)
    schema.upgrade(store.engine, revision)
    click.echo(f"{store.describe()}: at revision {schema.current_revision(store.engine)}", err=True)


@db.command("downgrade")
@click.argument("revision")
@pass_context
@catch_errors
def db_downgrade(context, revision):
    """Migrate the database down to REVISION ("base" removes every table).

    Example: tracker db downgrade 0005
    """
    from tracker import db as schema

    store = context.store(migrate=False)
    schema.downgrade(store.engine, revision)
    click.echo(f"{store.describe()}: at revision {schema.current_revision(store.engine) or 'base'}", err=True)


@db.command("vacuum")
@pass_context
@catch_errors
def db_vacuum(context):
    """Give the space the store no longer uses back to the disk (after an upgrade that rewrote tables).

    Example: tracker db vacuum
    """
    from tracker.db.maintenance import vacuum

    store = context.store()
    before, after = vacuum(store.engine)
    click.echo(f"{store.describe()}: {before / 1e6:,.1f} MB -> {after / 1e6:,.1f} MB", err=True)


@db.command("current")
@pass_context
@catch_errors
def db_current(context):
    """Print the revision the database is at.

    Example: tracker db current
    """
    from tracker import db as schema

    store = context.store(migrate=False)
    current, head = schema.current_revision(store.engine), schema.head_revision(store.engine)
    click.echo(f"{current or 'base'}{' (head)' if current == head else f' (head is {head})'}")


@db.command("history")
@catch_errors
def db_history():
    """List the schema revisions, newest first.

    Example: tracker db history
    """
    from tracker import db as schema

    for rev in schema.history():
        click.echo(f"{rev['revision']}  {rev['message']}")


@db.command("check")
@pass_context
@catch_errors
def db_check(context):
    """Check that the database's schema is exactly tracker's model (no drift); exit 1 when it is not.

    Example: tracker db check
    """
    from tracker import db as schema

    store = context.store(migrate=False)
    schema.check(store.engine)
    click.echo(f"{store.describe()}: the schema matches tracker's model", err=True)


@db.command("stamp")
@click.argument("revision", default="head")
@pass_context
@catch_errors
def db_stamp(context, revision):
    """Record REVISION as the database's revision without migrating (a schema made by other means).

    Example: tracker db stamp head
    """
    from tracker import db as schema

    store = context.store(migrate=False)
    schema.stamp(store.engine, revision)
    click.echo(f"{store.describe()}: stamped at revision {schema.current_revision(store.engine) or 'base'}", err=True)
