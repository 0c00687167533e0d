"""Eight processes using a new store at once: one creates and migrates it, the others wait; all succeed."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

from tracker import db

pytestmark = pytest.mark.slow
PROCESSES = 8


def test_eight_processes_on_a_new_store_all_succeed(empty_db_url):
    # A first use that writes (a load) and one that only reads (stats) both migrate a new store.
    commands = [[sys.executable, str(ROOT / "cli.py"), "--db", empty_db_url,
                 *(("load", str(ROOT / "seeds" / "derna-2015.yaml")) if i % 2 == 0 else ("sources",))]
                for i in range(PROCESSES)]
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
    outcomes = [(p.wait(timeout=180), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert [code for code, _ in outcomes] == [0] * PROCESSES, outcomes
    assert not any("locked" in err or "Traceback" in err for _, err in outcomes), outcomes
    engine = db.make_engine(empty_db_url)
    try:
        assert db.current_revision(engine) == db.SCHEMA_HEAD
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar() == 11  # the seed, once
    finally:
        engine.dispose()
    loads = [err for i, (_, err) in enumerate(outcomes) if i % 2 == 0]
    assert sum("inserted" in err for err in loads) == 1 and sum("unchanged" in err for err in loads) == 3
