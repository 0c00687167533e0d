"""Two loads at once give the same store as one after the other: no duplicates from a race."""

import subprocess
import sys
import textwrap

from sqlalchemy import func, select

from conftest import ROOT
from tracker import Store
from tracker.models import Actor, ActorAlias, Event, Location


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
    for out, err, code in outcomes:
        assert code == 0, err
    store = Store(db_url)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Actor)) == n
        assert s.scalar(select(func.count()).select_from(Location)) == n
        assert s.scalar(select(func.count(func.distinct(ActorAlias.normalized)))) == 2 * n
        events = s.scalar(select(func.count()).select_from(Event))
        assert events == 2 * n
    assert len(store.sources()) == 2
    store.close()


def test_readers_are_not_blocked_by_a_long_load(tmp_path, db_url):
    from conftest import SEED

    cli = [sys.executable, str(ROOT / "cli.py"), "--db", db_url]
    assert subprocess.run(cli + ["load", str(SEED)], capture_output=True).returncode == 0
    big = tmp_path / "big.yaml"
    big.write_text(_report("big", 8000), encoding="utf-8")  # several seconds of load, whatever the machine
    writer = subprocess.Popen(cli + ["load", str(big)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Wait until the writer holds its transaction open (its lock is taken first thing).
        import time

        time.sleep(1.5)
        assert writer.poll() is None, "the load finished too early to test anything"
        reader = subprocess.run(cli + ["who-held", "Derna", "--at", "2015-06-14"], capture_output=True, text=True)
        still_writing = writer.poll() is None
    finally:
        out, err = writer.communicate(timeout=300)
    assert reader.returncode == 0, reader.stderr
    assert "held: Mujahedeen Shura Council of Derna" in reader.stdout
    assert still_writing, "the reader only got through after the writer had finished"
    assert writer.returncode == 0, err
