"""Prose in, reviewable report files out: ``tracker draft``, ``tracker review``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from tracker.cli.render import catch_errors
from tracker.cli.root import cli, pass_context
from tracker.errors import TrackerError


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--published", metavar="DATE", help="When the report was published (partial dates resolve against "
                                                   "it; nothing is dated after it).")
@click.option("--source-title", "title", metavar="T", help="The report's title (default: its first line).")
@click.option("--publisher", metavar="P", help="Who published it (default: a 'Name:' line under the title).")
@click.option("--url", metavar="U", help="Where it was published.")
@click.option("--grading", metavar="B2", help="The source's grading: reliability A-F, credibility 1-6.")
@click.option("-o", "--output", metavar="DRAFT.yaml", help="Write the draft here (default: stdout); .json writes "
                                                          "JSON. An existing file only with --force.")
@click.option("--force", is_flag=True, help="Replace an existing --output file (an analyst's edits to it are lost).")
@click.option("--check", is_flag=True, help="Print what was found (record, value, evidence, confidence); write nothing.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]),
              help="With --check: the format of the table (default: table).")
@pass_context
@catch_errors
def draft(context, file, published, title, publisher, url, grading, output, force, check, fmt):
    """Draft a report file (format tracker-report/1.1) from a prose report (text or HTML).

    Every drafted record quotes the sentence it came from, names the words
    that decided its fields and is marked review: pending; answers built on it
    say "unreviewed draft" until it is reviewed (tracker review). Deterministic
    and offline. The store's actors and places are used by their names.

    Example: tracker draft report.txt --published 2015-06-19 -o draft.yaml
    """
    from tracker.drafting.writer import draft_yaml, write_draft
    from tracker.model.dates import parse_fuzzy_date
    from tracker.output.formats import write

    if fmt is not None and not check:
        raise click.UsageError("--format is for --check's table; the draft itself is YAML (or JSON with -o FILE.json)")
    if output and Path(output).exists() and not force:
        raise TrackerError(f"{output}: exists (it may hold your edits); use --force to replace it")
    if published is not None:
        parse_fuzzy_date(published)  # a bad date: one line, exit 1
    if grading is not None and not (len(grading) == 2 and grading[0] in "ABCDEF" and grading[1] in "123456"):
        raise click.BadParameter(f"{grading!r}: reliability A-F then credibility 1-6 (B2)", param_hint="--grading")
    found = context.store().draft(file, published=published, title=title, publisher=publisher, url=url,
                                  grading=grading)
    for warning in found.warnings:
        click.echo(f"warning: {warning}", err=True)
    if check:
        write(iter(found.findings()), sys.stdout, fmt or "table", columns=["record", "value", "evidence", "confidence"])
        return
    if output and output.lower().endswith(".json"):
        text = json.dumps(found.report(), ensure_ascii=False, indent=2) + "\n"
    else:
        text = draft_yaml(found.report(), click.format_filename(file))
    if output:
        write_draft(text, output)
        counts = {k: len(v) for k, v in found.report().items() if isinstance(v, list)}
        said = "; ".join(f"{k} {n}" for k, n in counts.items())
        click.echo(f"{output}: drafted from {file} ({said}); every record pending review", err=True)
    else:
        sys.stdout.write(text)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--id", "ids", multiple=True, metavar="ID", help="Only this record (repeat for more); default: all.")
@catch_errors
def review(file, ids):
    """Mark a draft's pending records reviewed (review: pending -> reviewed), then load it again.

    Example: tracker review derna-draft.yaml && tracker load derna-draft.yaml
    """
    from tracker.drafting.review import mark_reviewed

    click.echo(mark_reviewed(file, list(ids) or None).summary())
