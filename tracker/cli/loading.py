"""Reports in, archives out: ``tracker load``, ``tracker export``."""

from __future__ import annotations

import sys

import click

from tracker.cli.render import catch_errors, end_progress, progress_renderer, report
from tracker.cli.root import cli, pass_context


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@pass_context
@catch_errors
def load(context, files):
    """Load structured reports (YAML or JSON, format tracker-report/1 or /1.1, a reviewed draft).

    All files load in one transaction: one bad record and nothing is written.
    Loading the same report again changes nothing.

    Example: tracker load seeds/derna-2015.yaml
    """
    progress = progress_renderer()  # places without a point may load the gazetteer of their country
    try:
        results = context.store().load(list(files), progress=progress)
    finally:
        end_progress(progress)
    report(results)


@cli.command()
@click.option("--all", "everything", is_flag=True, help="The whole store: every source, record and its provenance.")
@click.option("-o", "--output", metavar="PATH", help="Write to this file (default: stdout); an existing file only "
                                                     "with --force. Written whole or not at all.")
@click.option("--force", is_flag=True, help="Replace an existing --output file.")
@pass_context
@catch_errors
def export(context, everything, output, force):
    """Export the store as a portable archive (gzip JSON Lines).

    `tracker load ARCHIVE` restores it into an empty database of either
    backend with the same ids and the same answers.

    Example: tracker export --all -o derna.tracker.jsonl.gz
    """
    if not everything:
        raise click.UsageError("say what to export: --all")
    progress = progress_renderer()
    try:
        if output:
            from tracker.output.files import replacing

            with replacing(output, "wb", force=force) as out:
                result = context.store().export_all(out, progress=progress)
        else:
            result = context.store().export_all(sys.stdout.buffer, progress=progress)
    finally:
        end_progress(progress)
    report(result)
