"""Imports under the things that really happen: two at once, a killed process, hostile files."""

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, snapshot
from sqlalchemy import select

from tracker import Store
from tracker.model.entities import Actor, Event, Location

sys.path.insert(0, str(ROOT / "bench"))
import acled_data  # noqa: E402  (our own generator: synthetic rows, no ACLED data)

CLI = [sys.executable, str(ROOT / "cli.py")]


def _generated(path: Path, n: int, seed: int, prefix: str) -> Path:
    """An ACLED-format file of ``n`` synthetic rows; files share one world of actors and places."""
    world = acled_data.World(7, places=300, actors=200)
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(acled_data.HEADER)
        for row in acled_data.rows(n, seed=seed, world=world):
            row[0] = prefix + row[0]
            writer.writerow(row)
    return path


def _state(url: str) -> dict:
    """What a user would compare: the actors, the places (with their parents), the events."""
    store = Store(url)
    with store.session() as s:
        places = {loc.id: loc for loc in s.scalars(select(Location))}
        state = {
            "actors": sorted(s.scalars(select(Actor.name))),
            "places": sorted((loc.name, places[loc.parent_id].name if loc.parent_id else "") for loc in places.values()),
            "events": sorted(
                (e.external_id, e.date_start.isoformat(), e.event_type, places[e.location_id].name)
                for e in s.scalars(select(Event))
            ),
        }
    store.close()
    return state


def _import(url: str, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + ["--db", url, "import", "acled", str(path)], capture_output=True, text=True)


@pytest.mark.slow
def test_two_imports_at_once_equal_one_after_the_other(tmp_path, db_url, sqlite_url):
    a = _generated(tmp_path / "a.csv", 3000, seed=1, prefix="A")
    b = _generated(tmp_path / "b.csv", 3000, seed=2, prefix="B")
    Store(db_url).close()
    procs = [subprocess.Popen(CLI + ["--db", db_url, "import", "acled", str(f)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for f in (a, b)]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    together = _state(db_url)

    sequential = sqlite_url.replace("tracker.db", "sequential.db")
    assert _import(sequential, a).returncode == 0
    assert _import(sequential, b).returncode == 0
    assert together == _state(sequential)
    assert len(together["events"]) == 6000
    assert len(set(together["actors"])) == len(together["actors"])  # no duplicate actor from a race


@pytest.mark.slow
def test_kill_9_anywhere_in_an_import_leaves_the_store_as_before(tmp_path, db_url):
    from test_crash import kill_at_fractions

    first = _generated(tmp_path / "first.csv", 500, seed=3, prefix="F")
    assert _import(db_url, first).returncode == 0
    before = snapshot(db_url)
    big = _generated(tmp_path / "big.csv", 20000, seed=4, prefix="G")
    start = time.monotonic()
    assert _import(sqlite_scratch := f"sqlite:///{tmp_path / 'scratch.db'}", big).returncode == 0
    duration = time.monotonic() - start
    def complete(state):
        return len(state["events"]) == len(before["events"]) + 20000

    killed = kill_at_fractions(CLI + ["--db", db_url, "import", "acled", str(big)], db_url, before, duration, complete)
    assert killed >= 3, sqlite_scratch
    rerun = _import(db_url, big)
    assert rerun.returncode == 0, rerun.stderr
    again = _import(db_url, big)
    assert again.returncode == 0 and "20000 unchanged" in again.stderr.replace(",", "")
    assert len(snapshot(db_url)["events"]) == 20500


GOOD = acled_data.HEADER
ROW = ["TST1", "2015-06-09", "2015", "1", "Political violence", "Battles", "Armed clash", "Alpha Brigade", "", "3",
       "Beta Brigade", "", "3", "33", "", "434", "Northern Africa", "Libya", "Darnah", "Darnah", "", "Darnah",
       "32.7648", "22.6391", "1", "Test Wire", "National", "An invented row.", "2", "", "1600000000"]


def _csv(rows, header=GOOD, delimiter=","):
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _with(**changes):
    row = list(ROW)
    for column, value in changes.items():
        row[GOOD.index(column)] = value
    return row


HOSTILE = {
    "truncated.csv": (lambda: _csv([ROW, _with(event_id_cnty="TST2")])[:-40], "truncated.csv:3: "),
    "semicolons.csv": (lambda: _csv([ROW], delimiter=";"), "event_id_cnty"),
    "utf16.csv": (lambda: _csv([ROW]).encode("utf-16"), ""),
    "nul.csv": (lambda: _csv([_with(notes="bad\x00note")]), "notes"),
    "feb30.csv": (lambda: _csv([_with(event_date="2015-02-30")]), "event_date"),
    "year25.csv": (lambda: _csv([_with(event_date="0025-06-01", year="25")]), "event_date"),
    "lat.csv": (lambda: _csv([_with(latitude="132.5")]), "latitude"),
    "fatalities.csv": (lambda: _csv([_with(fatalities="-3")]), "fatalities"),
    "huge-field.csv": (lambda: _csv([_with(notes="x" * 10_000_000)]), ""),
    "empty.csv": (lambda: "", ""),
    "header-only-garbage.csv": (lambda: "\x1b[31m,,,\n", ""),
    "header-only.csv": (lambda: _csv([]), "header-only.csv:1: no rows after the header: nothing to import"),
    "fatalities-1e30.csv": (lambda: _csv([_with(fatalities="1e30")]), "fatalities"),
    "fatalities-2-63.csv": (lambda: _csv([_with(fatalities=str(2 ** 63))]), "fatalities"),
    "latitude-nan.csv": (lambda: _csv([_with(latitude="nan")]), "latitude"),
    "longitude-inf.csv": (lambda: _csv([_with(longitude="inf")]), "longitude"),
    "escape-in-actor.csv": (lambda: _csv([_with(actor1="Evil \x1b[31mRed")]), "actor1: control character U+001B"),
    "date-garbage.csv": (lambda: _csv([_with(event_date="yesterday")]), "event_date"),
    "timestamp-garbage.csv": (lambda: _csv([_with(timestamp="soon")]), "timestamp"),
}


@pytest.fixture
def populated(db_url, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(_csv([_with(event_id_cnty="GOOD1")]), encoding="utf-8")
    assert _import(db_url, good).returncode == 0
    return db_url, snapshot(db_url)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_csv_is_refused_in_one_line_and_changes_nothing(populated, tmp_path, name):
    url, before = populated
    make, expected = HOSTILE[name]
    content = make()
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = _import(url, path)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert str(path) in lines[0] and expected in lines[0]
    assert "Traceback" not in result.stderr
    assert snapshot(url) == before


def test_sql_metacharacters_in_a_csv_are_stored_exactly(db_url, tmp_path):
    odd = "Robert'); DROP TABLE actors;-- \"quoted\" 100% _x_"
    path = tmp_path / "odd.csv"
    path.write_text(_csv([_with(actor1=odd)]), encoding="utf-8")
    result = _import(db_url, path)
    assert result.returncode == 0, result.stderr
    assert odd in _state(db_url)["actors"]
    shown = subprocess.run(CLI + ["--db", db_url, "actor", odd, "--format", "json"], capture_output=True, text=True)
    assert shown.returncode == 0 and json.loads(shown.stdout)[0]["name"] == odd


def test_terminal_escapes_in_a_csv_are_refused(populated, tmp_path):
    url, before = populated
    path = tmp_path / "escape.csv"
    path.write_text(_csv([_with(actor1="Evil \x1b[31mRed\x1b[0m")]), encoding="utf-8")
    result = _import(url, path)
    assert result.returncode == 1
    assert f"{path}:2: actor1: control character U+001B" in result.stderr
    assert snapshot(url) == before


# -- progress, on a terminal only ----------------------------------------------------------------------
def _on_a_terminal(cmd, stdout=None) -> tuple[int, str]:
    """Run ``cmd`` with its stderr on a pseudo-terminal (stdout piped, or to the file ``stdout``); returns
    (exit code, what the terminal showed)."""
    import pty

    primary, secondary = pty.openpty()
    proc = subprocess.Popen(cmd, stdout=stdout or subprocess.PIPE, stderr=secondary, stdin=subprocess.DEVNULL)
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed: the process is done with it
            break
        if not chunk:
            break
        shown += chunk
    if proc.stdout is not None:
        proc.stdout.read()
    os.close(primary)
    return proc.wait(), shown.decode("utf-8", "replace")


def test_a_long_import_shows_its_progress_on_a_terminal_and_only_there(tmp_path, sqlite_url):
    big = _generated(tmp_path / "big.csv", 20000, seed=5, prefix="P")
    code, shown = _on_a_terminal(CLI + ["--db", sqlite_url, "import", "acled", str(big)])
    assert code == 0, shown
    # "reading:  60%|██████    | 1.2M/2.0M [00:01<00:00, 1.1MB/s, 12,000 rows]", rewritten in place
    updates = [line for line in shown.split("\r") if line.startswith("reading:") and "%|" in line and " rows]" in line]
    assert updates, shown
    assert "reading: 100%|" in shown and "re-deriving control at" in shown and "committing" in shown
    assert "20000 inserted" in shown.replace(",", "")
    piped = _import(f"sqlite:///{tmp_path / 'other.db'}", big)
    # Piped, only the summary line: no progress lines, no carriage returns.
    assert piped.returncode == 0 and "\r" not in piped.stderr and piped.stderr.count("rows/s") == 1


def test_control_import_progress_on_a_terminal(tmp_path, sqlite_url):
    shared = ROOT.parent / "shared" / "data" / "realworld" / "territorial_control" / "deepstatemap_raw_snapshots"
    files = sorted(shared.glob("*.geojson"))[:5]
    if not files:
        pytest.skip("the DeepStateMap snapshots of ../shared are not here")
    mapping = ROOT / "seeds" / "control-maps" / "deepstatemap.yaml"
    code, shown = _on_a_terminal(CLI + ["--db", sqlite_url, "import", "control", "--make-valid", "--mapping", str(mapping),
                                        *map(str, files)])
    assert code == 0, shown
    assert "files read: 100%|" in shown and "snapshots written: 100%|" in shown and "rebuilding control spans" in shown
    assert "5/5 [" in shown


def test_derivation_exports_and_events_to_a_file_show_progress_on_a_terminal(tmp_path, sqlite_url):
    big = _generated(tmp_path / "big.csv", 5000, seed=7, prefix="Q")
    assert _import(sqlite_url, big).returncode == 0
    with open(big, encoding="utf-8", newline="") as fh:
        rows = sum(1 for _ in csv.DictReader(fh))
    code, shown = _on_a_terminal(CLI + ["--db", sqlite_url, "derive-control"])
    assert code == 0, shown
    assert "reading transfer events" in shown and "places derived: 100%|" in shown and "map spans" in shown
    with open(tmp_path / "events.csv", "wb") as out:
        code, shown = _on_a_terminal(CLI + ["--db", sqlite_url, "events", "--format", "csv"], stdout=out)
    assert code == 0, shown
    # stdout is a file and stderr a terminal: "events written: 100%|██████████| 5000/5000 [...]"
    assert "events written: 100%|" in shown and f"{rows}/{rows} [" in shown
    with open(tmp_path / "events.csv", encoding="utf-8", newline="") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == rows
    code, shown = _on_a_terminal(CLI + ["--db", sqlite_url, "export", "--all", "-o", str(tmp_path / "all.gz")])
    assert code == 0, shown
    assert "rows exported: 100%|" in shown
