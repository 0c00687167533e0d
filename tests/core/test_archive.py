"""Backups and portability: export --all, then load into an empty store of either backend."""

import gzip
import json

import pytest
from conftest import SEED, Run


@pytest.fixture
def sqlite_store_with_data(sqlite_url, tmp_path):
    run = Run(sqlite_url)
    assert run("load", str(SEED)).exit_code == 0
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "format: tracker-report/1\n"
        "report: {id: extra, title: Extra, grading: B2}\n"
        "places: [{id: c, name: Central Derna Market, kind: facility, parent: central Derna}]\n"
        "events: [{id: e, date: '2015-06-20', type: Riots, place: c, actors: [{actor: Derna residents, role: actor1}]}]\n",
        encoding="utf-8",
    )
    assert run("load", str(extra)).exit_code == 0
    return run


def _content(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return f.read()


QUERIES = [
    ("who-held", "Derna", "--at", "2015-06-11"),
    ("who-held", "Central Derna Market", "--at", "2015-06-20"),
    ("held-by", "MSC Derna", "--at", "2015-06-20", "--include-affiliates"),
    ("timeline", "Derna"),
    ("events", "--place", "Libya"),
    ("actor", "ISIS"),
    ("place", "Darnah"),
    ("sources",),
]


def test_sqlite_to_postgresql_and_back_gives_the_same_archive(sqlite_store_with_data, pg_url, tmp_path):
    src = sqlite_store_with_data
    first = tmp_path / "first.tracker.jsonl.gz"
    result = src("export", "--all", "-o", str(first))
    assert result.exit_code == 0, result.output
    assert "exported" in result.stderr

    dst = Run(pg_url)
    result = dst("load", str(first))
    assert result.exit_code == 0, result.output
    assert "archive restored" in result.stderr

    second = tmp_path / "second.tracker.jsonl.gz"
    assert dst("export", "--all", "-o", str(second)).exit_code == 0
    assert _content(first) == _content(second)

    for query in QUERIES:
        a, b = src(*query, "--format", "json"), dst(*query, "--format", "json")
        assert a.exit_code == b.exit_code == 0, query
        assert json.loads(a.stdout) == json.loads(b.stdout), query

    # ids continue after the restored ones: new records load normally
    assert dst("load", str(SEED)).stderr.strip().endswith("unchanged (no records changed)")


def test_archive_goes_to_stdout_and_restores_into_sqlite(sqlite_store_with_data, tmp_path):
    result = sqlite_store_with_data("export", "--all")
    assert result.exit_code == 0
    path = tmp_path / "piped.tracker.jsonl.gz"
    path.write_bytes(result.stdout_bytes)
    target = Run(f"sqlite:///{tmp_path / 'copy.db'}")
    assert target("load", str(path)).exit_code == 0
    assert json.loads(target("sources", "--format", "json").stdout) == json.loads(
        sqlite_store_with_data("sources", "--format", "json").stdout
    )


def test_archive_refuses_a_non_empty_store(sqlite_store_with_data, tmp_path):
    path = tmp_path / "a.tracker.jsonl.gz"
    sqlite_store_with_data("export", "--all", "-o", str(path))
    result = sqlite_store_with_data("load", str(path))
    assert result.exit_code == 1
    assert "only into an empty database" in result.stderr


def test_export_needs_to_be_told_what(sqlite_store_with_data):
    result = sqlite_store_with_data("export")
    assert result.exit_code == 2 and "--all" in result.stderr
