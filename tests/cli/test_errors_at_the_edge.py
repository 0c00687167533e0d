"""Every error reaches the user as one line with exit 1 (usage errors exit 2), never a traceback;
--debug shows the traceback; output files are never clobbered nor left half written."""

from __future__ import annotations

import gzip

import pytest
from click.testing import CliRunner
from conftest import ROOT

from tracker.cli import cli

ACLED_OWN = ROOT / "tests" / "data" / "acled_own" / "acled_own_2015.csv"


def _one_line(result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    return lines[-1]


@pytest.mark.parametrize(("args", "message"), [
    (("db", "upgrade", "zzzz"), "Error: migrations: Can't locate revision identified by 'zzzz'"),
    (("export", "--all", "-o", "/nonexistent/dir/x.gz"),
     "Error: cannot write /nonexistent/dir/x.gz: no such directory '/nonexistent/dir'"),
    (("import", "acled", "--encoding", "utf-16", str(ACLED_OWN)),
     "Error: cannot read or write the text in that encoding (UTF-16 stream does not start with BOM)"),
])
def test_library_errors_are_one_line(run, args, message):
    assert _one_line(run(*args)) == message


def test_a_bad_database_url_names_no_password():
    result = CliRunner().invoke(cli, ["--db", "postgresql://u:secret@host:notaport/x", "stats"])
    line = _one_line(result)
    assert line == ("Error: not a database URL: 'postgresql://u:***@host:notaport/x' (the port is not a number) "
                    "(try sqlite:///file.db or postgresql://user@host/db)")
    assert "secret" not in result.output


def test_an_empty_db_is_a_usage_error():
    result = CliRunner().invoke(cli, ["--db", "", "stats"])
    assert _one_line(result, 2) == "Error: Invalid value for '--db': is empty: give a database URL (e.g. sqlite:///tracker.db)"


def test_debug_shows_the_traceback(run):
    result = run.runner.invoke(cli, ["--db", run.url, "--debug", "db", "upgrade", "zzzz"])
    assert result.exit_code == 1 and result.exception is not None and not isinstance(result.exception, SystemExit)
    assert type(result.exception).__module__.startswith("alembic")


def test_a_negative_latitude_needs_no_double_dash(seeded_run):
    result = seeded_run("who-held", "-0.0128,42.4032", "--at", "2015-06-01")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "-0.0128,42.4032 at 2015-06-01: no control recorded"
    near = seeded_run("events", "--near", "-0.0128,42.4032", "--radius", "5", "--format", "json")
    assert near.exit_code == 0 and near.stdout == "[]\n"


def test_dates_before_1800_are_refused(seeded_run):
    result = seeded_run("who-held", "Derna", "--at", "0001")
    assert _one_line(result, 2) == "Error: Invalid value for '--at': '0001' is before 1800 (a typo?)"


def test_export_refuses_an_existing_file_and_writes_whole_files(seeded_run, tmp_path):
    target = tmp_path / "store.jsonl.gz"
    target.write_bytes(b"keep me")
    line = _one_line(seeded_run("export", "--all", "-o", str(target)))
    assert line == f"Error: {target} exists: give --force to replace it, or another -o/--output"
    assert target.read_bytes() == b"keep me"
    assert seeded_run("export", "--all", "-o", str(target), "--force").exit_code == 0
    assert gzip.decompress(target.read_bytes()).count(b"\n") > 11
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".store")] == []  # no temporary file left


def test_rejects_refuse_an_existing_file_and_nothing_is_imported(run, tmp_path):
    rejects = tmp_path / "bad.csv"
    rejects.write_text("mine\n")
    header, *rows = ACLED_OWN.read_text(encoding="utf-8").splitlines()
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join([header, *rows, rows[0].replace("2015", "20x5", 1)]) + "\n", encoding="utf-8")
    line = _one_line(run("import", "acled", str(broken), "--keep-going", "--rejects", str(rejects)))
    assert line == f"Error: {rejects} exists: give --force to replace it, or another --rejects"
    assert rejects.read_text() == "mine\n"
    assert run("stats", "--format", "json").stdout.count('"events": 0') >= 1  # nothing imported
    done = run("import", "acled", str(broken), "--keep-going", "--rejects", str(rejects), "--force")
    assert done.exit_code == 0, done.output
    assert rejects.read_text().startswith("line,column,reason,")


# -- numbers too large for either backend are refused, naming file, line and field -----------------------
def _acled_with_fatalities(tmp_path, value: str):
    header, *rows = ACLED_OWN.read_text(encoding="utf-8").splitlines()
    names = header.split(",")
    import csv
    import io

    parsed = list(csv.reader(io.StringIO("\n".join(rows))))
    parsed[0][names.index("fatalities")] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([names, *parsed])
    path = tmp_path / f"fatalities-{len(value)}.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize(("value", "reason"), [
    ("1e30", "1000000000000000019884624838656 is larger than 2,147,483,647, the largest count tracker stores"),
    ("2147483648", "2147483648 is larger than 2,147,483,647, the largest count tracker stores"),
    ("99999999999999999999", "99999999999999999999 is larger than 2,147,483,647, the largest count tracker stores"),
])
def test_acled_counts_beyond_the_column_are_refused_on_both_backends(run, tmp_path, value, reason):
    path = _acled_with_fatalities(tmp_path, value)
    line = _one_line(run("import", "acled", str(path)))
    assert line == f"Error: {path}:2: fatalities: {reason}"
    assert '"events": 0' in run("stats", "--format", "json").stdout


def test_report_counts_and_ids_beyond_the_columns_are_refused(run, tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(
        "format: tracker-report/1\nreport: {id: big, title: Big}\n"
        "places:\n  - {id: x, name: Xtown, country: LY, coordinates: {lat: 30, lon: 20}}\n"
        "events:\n  - {id: e, date: '2015-06-01', type: Battles, place: x, fatalities: 99999999999999999999}\n",
        encoding="utf-8")
    line = _one_line(run("load", str(path)))
    assert line == f"Error: {path}:6: events[0].fatalities: 99999999999999999999 is greater than the maximum of 2147483647"
    far = run("place", "#99999999999999999999999")
    assert _one_line(far) == "Error: no place named '#99999999999999999999999'"
