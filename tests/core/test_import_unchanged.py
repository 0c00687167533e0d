"""A re-import does not parse the rows the store holds unchanged (tracker.ingest.importer): it compares
each row's id, clock and content hash with the stored version first. The store, the counts, the
duplicates and the errors (their order included) are those of parsing every row as it is read."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import ROOT, Run, snapshot

from tracker.errors import BadRecord
from tracker.ingest.datasets.acled import AcledDataset
from tracker.ingest.importer import ImportOptions

OWN = ROOT / "tests" / "data" / "acled_own" / "acled_own_2015.csv"


def own_rows() -> tuple[list[str], list[list[str]]]:
    with open(OWN, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def write_csv(path: Path, header, rows) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The ids of the rows the ACLED reader parses (a spy on the real parser)."""
    ids: list[str] = []
    bind = AcledDataset.bind

    def counting_bind(self, header, file):
        binding = bind(self, header, file)
        parse = binding.parse

        def parse_and_count(fields):
            ids.append(fields[header.index("event_id_cnty")])
            return parse(fields)

        binding.parse = parse_and_count
        return binding

    monkeypatch.setattr(AcledDataset, "bind", counting_bind)
    return ids


def test_a_reimport_parses_no_unchanged_row_and_writes_nothing(db_url, parsed):
    run = Run(db_url)
    first = run("import", "acled", str(OWN))
    assert first.exit_code == 0, first.stderr
    rows = len(own_rows()[1])
    assert len(parsed) == rows  # a first import parses every row
    before = snapshot(db_url)
    parsed.clear()
    again = run("import", "acled", str(OWN))
    assert again.exit_code == 0, again.stderr
    assert f"{rows} rows: 0 inserted, 0 updated, {rows} unchanged" in again.stderr
    assert parsed == []
    assert snapshot(db_url) == before


def test_a_changed_row_among_unchanged_ones_is_parsed_and_updated(store, tmp_path, parsed):
    header, rows = own_rows()
    store.import_dataset("acled", str(OWN))
    parsed.clear()
    changed = [list(r) for r in rows]
    at = header.index
    changed[2][at("fatalities")] = "9"
    changed[2][at("timestamp")] = str(int(changed[2][at("timestamp")]) + 86400)  # a newer version
    path = write_csv(tmp_path / "newer.csv", header, changed)
    result = store.import_dataset("acled", str(path))
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, len(rows) - 1)
    assert parsed == [rows[2][at("event_id_cnty")]]
    found = [e for e in store.events() if e["external_id"] == rows[2][at("event_id_cnty")]]
    assert [e["fatalities_best"] for e in found] == [9]


def test_an_unchanged_row_repeated_in_the_file_is_still_a_duplicate(store, tmp_path):
    header, rows = own_rows()
    store.import_dataset("acled", str(OWN))
    path = write_csv(tmp_path / "dup.csv", header, rows + [rows[2]])
    with pytest.raises(BadRecord) as caught:
        store.import_dataset("acled", str(path))
    assert str(caught.value) == f"{path}:14: event_id_cnty: duplicate event_id_cnty 'TST3' (also at line 4)"


def test_errors_come_in_the_order_of_the_file_when_rows_wait_to_be_parsed(store, tmp_path):
    header, rows = own_rows()
    store.import_dataset("acled", str(OWN))
    bad = [list(r) for r in rows]
    bad[1][header.index("event_date")] = "2015-13-45"  # line 3: found when its batch is parsed
    bad[4] = bad[4][:10]  # line 6: too few fields, found as the row is read
    path = write_csv(tmp_path / "bad.csv", header, bad)
    before = snapshot(store.url)
    with pytest.raises(BadRecord) as caught:
        store.import_dataset("acled", str(path))
    assert str(caught.value).startswith(f"{path}:3: event_date: ")
    assert snapshot(store.url) == before
    rejects = tmp_path / "rejects.csv"
    result = store.import_dataset("acled", str(path), ImportOptions(keep_going=True, rejects=str(rejects)))
    assert result.rejected == 2 and result.unchanged == len(rows) - 2
    with open(rejects, encoding="utf-8", newline="") as fh:
        lines = [r[0] for r in list(csv.reader(fh))[1:]]
    assert lines == ["3", "6"]


def test_a_bad_row_between_two_rows_of_one_id_leaves_the_batch_whole(store, tmp_path):
    header, rows = own_rows()
    at = header.index
    store.import_dataset("acled", str(OWN))
    first = list(rows[0])
    first[at("event_id_cnty")] = "NEW1"
    second = list(first)
    for column, value in (("country", "Egypt"), ("iso", "818"), ("admin1", "Cairo"), ("admin2", "Cairo"),
                          ("location", "Cairo")):
        second[at(column)] = value
    path = write_csv(tmp_path / "split.csv", header, [first, rows[3][:10], second, *rows])
    rejects = tmp_path / "rejects.csv"
    result = store.import_dataset("acled", str(path), ImportOptions(keep_going=True, rejects=str(rejects)))
    # The second NEW1 is the same file's id again (a bad row between them changes nothing), not an
    # identity conflict with a row already written.
    assert (result.inserted, result.conflicts, result.rejected, result.unchanged) == (1, 0, 2, len(rows))
    with open(rejects, encoding="utf-8", newline="") as fh:
        got = [(r[0], r[1], r[2]) for r in list(csv.reader(fh))[1:]]
    assert got[0][:2] == ("3", "actor2") and got[0][2].startswith("missing: the record has 10 fields")
    assert got[1] == ("4", "event_id_cnty", "duplicate event_id_cnty 'NEW1' (also at line 2)")


def test_a_rejected_repeat_does_not_move_the_files_clock(store, tmp_path):
    """A file without an export date keeps time by its rows' latest clock; a row rejected as a
    repeat does not count (or the newer export would miss, and prune, a row it does not hold)."""
    header, rows = own_rows()
    at = header.index
    x, y = list(rows[0]), list(rows[1])
    stamp = int(x[at("timestamp")])
    y[at("event_date")], y[at("timestamp")] = x[at("event_date")], str(stamp - 100)
    store.import_dataset("acled", str(write_csv(tmp_path / "first.csv", header, [x, y])))
    older = list(x)
    older[at("timestamp")], older[at("notes")] = str(stamp - 200), older[at("notes")] + " (older)"
    result = store.import_dataset("acled", str(write_csv(tmp_path / "second.csv", header, [older, x])),
                                  ImportOptions(keep_going=True, prune=True, rejects=str(tmp_path / "r.csv")))
    assert (result.older, result.rejected, result.pruned, result.missing) == (1, 1, 0, [])
    assert sorted(e["external_id"] for e in store.events()) == ["TST1", "TST2"]
