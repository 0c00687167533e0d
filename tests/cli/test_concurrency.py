"""Two loads at once give the same store as one after the other: no duplicates from a race."""

import subprocess
import sys

import pytest
from conftest import ROOT
from sqlalchemy import func, select

from tracker import Store
from tracker.model.entities import Actor, ActorAlias, Event, Location

pytestmark = pytest.mark.slow


def _report(report_id: str, n: int) -> str:
    actors = "\n".join(f"  - {{id: a{i}, name: Shared Brigade {i}, aliases: [SB{i}], kind: political militia}}" for i in range(n))
    places = "\n".join(f"  - {{id: p{i}, name: Sharedtown {i}, kind: town, country: LY}}" for i in range(n))
    events = "\n".join(
        f"  - {{id: e{i}, date: '2015-06-{1 + i % 28:02d}', type: Battles, place: p{i}, actors: [{{actor: a{i}, role: actor1}}]}}"
        for i in range(n)
    )
    return f"format: tracker-report/1\nreport: {{id: {report_id}, title: Report {report_id}}}\nactors:\n{actors}\nplaces:\n{places}\nevents:\n{events}\n"


def test_two_loads_at_once_create_each_actor_and_place_once(tmp_path, db_url):
    n = 150
    files = []
    for name in ("one", "two"):
        path = tmp_path / f"{name}.yaml"
        path.write_text(_report(name, n), encoding="utf-8")
        files.append(path)
    Store(db_url).close()  # migrate first, so both processes race on data, not on the schema
    procs = [
        subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "--db", db_url, "load", str(f)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for f in files
    ]
    outcomes = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    for _out, err, code in outcomes:
        assert code == 0, err
    store = Store(db_url)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Actor)) == n
        assert s.scalar(select(func.count()).select_from(Location)) == n
        assert s.scalar(select(func.count(func.distinct(ActorAlias.normalized)))) == 2 * n
        events = s.scalar(select(func.count()).select_from(Event))
        assert events == 2 * n
    assert len(store.sources().all()) == 2
    store.close()


def writer_lock_held(url: str) -> bool:
    """Whether some process holds tracker's writer lock on this database right now."""
    from sqlalchemy.engine import make_url

    from tracker.db.engine import WRITER_LOCK_KEY

    if url.startswith("sqlite"):
        import sqlite3

        probe = sqlite3.connect(make_url(url).database, timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")  # what a writer takes first
            probe.rollback()
            return False
        except sqlite3.OperationalError:  # "database is locked"
            return True
        finally:
            probe.close()
    from conftest import _pg_engine

    engine = _pg_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.exec_driver_sql(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                f"AND classid = 0 AND objid = {WRITER_LOCK_KEY} AND database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())").scalar())
    finally:
        engine.dispose()


def test_readers_are_not_blocked_by_a_long_load(tmp_path, db_url):
    """A query answers while a load holds the writer lock, with what was committed before it."""
    import time

    from conftest import SEED

    cli = [sys.executable, str(ROOT / "cli.py"), "--db", db_url]
    assert subprocess.run(cli + ["load", str(SEED)], capture_output=True).returncode == 0
    assert not writer_lock_held(db_url)
    # A load long enough for a reader to start and finish inside it; should the machine be so
    # fast (or the reader so slow) that the load ends first, the next try loads four times more.
    for n, size in enumerate((8000, 32000)):
        big = tmp_path / f"big{n}.yaml"
        big.write_text(_report(f"big{n}", size), encoding="utf-8")
        writer = subprocess.Popen(cli + ["load", str(big)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while not writer_lock_held(db_url) and writer.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert writer_lock_held(db_url), "the load never held the writer lock"
            reader = subprocess.run(cli + ["who-held", "Derna", "--at", "2015-06-14"], capture_output=True, text=True)
            during = writer_lock_held(db_url)
        finally:
            out, err = writer.communicate(timeout=600)
        assert writer.returncode == 0, err
        assert reader.returncode == 0, reader.stderr
        assert "held: Mujahedeen Shura Council of Derna" in reader.stdout
        if during:
            break
    assert during, "the reader only got through after the writer had finished"


def test_a_writer_blocked_by_another_waits_then_says_who_holds_the_store(db_url, run):
    """Another tracker writer holds the store (here: this process, in a load's transaction): a load with
    --wait 1 waits a second and fails in one line naming the holder (pid, since when); the store is as
    it was, and the same load succeeds once the other writer is done."""
    import os
    import re
    import time

    holder = Store(db_url)
    with holder.session(writer=True):
        started = time.monotonic()
        result = run("--wait", "1", "load", str(ROOT / "seeds" / "derna-2015.yaml"))
        waited = time.monotonic() - started
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert re.fullmatch(
        rf"Error: .+ is busy: another tracker process \(pid {os.getpid()} since \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d "
        r"UTC\) was still writing after 1 s; try again when it is done, or wait longer with --wait SECONDS", line), line
    assert waited >= 1
    assert run("sources", "--format", "json").stdout.strip() == "[]"
    assert run("load", str(ROOT / "seeds" / "derna-2015.yaml")).exit_code == 0
    holder.close()


def test_the_waiting_is_said_on_a_terminal(db_url):
    """What the waiting writer tells a terminal, through the Store's on_wait."""
    import os

    heard: list[str] = []
    holder, waiter = Store(db_url), Store(db_url, wait=0.3, on_wait=heard.append)
    with holder.session(writer=True):
        with pytest.raises(Exception, match="is busy"):
            waiter.load([str(ROOT / "seeds" / "derna-2015.yaml")])
    assert len(heard) == 1 and heard[0].startswith(
        f"waiting for another tracker process to finish writing (pid {os.getpid()} since ")
    holder.close()
    waiter.close()
