"""Every command has help text with an example or a clear purpose, and usage errors exit 2."""

import click
import pytest
from click.testing import CliRunner

from tracker.cli import cli


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + (name,))


COMMANDS = sorted(_commands(cli), key=lambda item: item[0])


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_the_command_has_help_with_an_example(path, command):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert command.help and len(command.help.strip()) > 20, f"{' '.join(path)} lacks help text"
    assert "Example: tracker " in result.stdout, f"{' '.join(path)} shows no example"


def test_every_command_is_in_the_list():
    assert len(COMMANDS) == 45 and ("import", "acled-deletions") in [p for p, _ in COMMANDS]
    assert {("draft",), ("review",), ("chart", "timeline"), ("chart", "events"), ("map",)} <= {p for p, _ in COMMANDS}


def test_unknown_command_and_missing_argument_are_usage_errors(tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["no-such-command"]).exit_code == 2
    result = runner.invoke(cli, ["--db", f"sqlite:///{tmp_path}/x.db", "who-held", "Derna"])
    assert result.exit_code == 2 and "--at" in result.stderr


def test_unreachable_server_is_one_line_without_password(tmp_path):
    runner = CliRunner()
    url = "postgresql://analyst:s3cret@127.0.0.1:1/teamdb"
    result = runner.invoke(cli, ["--db", url, "sources"])
    assert result.exit_code == 1
    assert "s3cret" not in result.output
    assert "teamdb" in result.stderr and "127.0.0.1" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_database_and_unsupported_backend_are_one_line(pg_server):
    from sqlalchemy.engine import make_url

    runner = CliRunner()
    url = make_url(pg_server).set(database="tracker_no_such_db").render_as_string(hide_password=False)
    result = runner.invoke(cli, ["--db", url, "sources"])
    assert result.exit_code == 1
    assert "tracker_no_such_db" in result.stderr and "does not exist" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    result = runner.invoke(cli, ["--db", "mysql://x@y/z", "sources"])
    assert result.exit_code == 1
    assert result.stderr == "Error: unsupported database 'mysql': tracker runs on SQLite and PostgreSQL\n"
