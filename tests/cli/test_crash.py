"""A load killed with SIGKILL at any point leaves the database exactly as before it.

Loads run in one transaction, so there is no partial state to recover: the
next run simply loads the file again, without duplicates. The kills are spread
over the whole length of a load, measured first on a scratch database.
"""

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT, SEED, snapshot
from test_concurrency import _report

pytestmark = pytest.mark.slow

FRACTIONS = (0.1, 0.25, 0.4, 0.55, 0.7, 0.85)


def _timed(cmd) -> float:
    start = time.monotonic()
    assert subprocess.run(cmd, capture_output=True).returncode == 0
    return time.monotonic() - start


def kill_at_fractions(cmd, url, before, duration, complete):
    """Run ``cmd`` and SIGKILL it at points spread over ``duration``.

    After each kill the store must be exactly as ``before`` or, when the kill
    came after the commit, completely loaded (``complete(snapshot)``); never
    anything in between. Returns how many kills hit a running load.
    """
    killed = 0
    for fraction in FRACTIONS:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(duration * fraction)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait()
        state = snapshot(url)
        if state != before:
            assert complete(state), f"a kill at {fraction:.0%} of the load left a partial store"
            break  # committed just before the kill: later runs would change nothing
    return killed


def test_kill_9_anywhere_in_a_load_leaves_the_store_as_before(tmp_path, db_url):
    cli = [sys.executable, str(ROOT / "cli.py")]
    big = tmp_path / "big.yaml"
    big.write_text(_report("big", 1500), encoding="utf-8")
    duration = _timed(cli + ["--db", f"sqlite:///{tmp_path / 'scratch.db'}", "load", str(big)])

    assert subprocess.run(cli + ["--db", db_url, "load", str(SEED)], capture_output=True).returncode == 0
    before = snapshot(db_url)
    def complete(state):
        return (len(state["events"]) == len(before["events"]) + 1500
                and len(state["actors"]) == len(before["actors"]) + 1500)

    assert kill_at_fractions(cli + ["--db", db_url, "load", str(big)], db_url, before, duration, complete) >= 3

    committed = complete(snapshot(db_url))  # a kill can land just after the commit on a fast machine
    rerun = subprocess.run(cli + ["--db", db_url, "load", str(big)], capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert ("unchanged" if committed else "inserted") in rerun.stderr
    again = subprocess.run(cli + ["--db", db_url, "load", str(big)], capture_output=True, text=True)
    assert "unchanged" in again.stderr
    after = snapshot(db_url)
    assert len(after["events"]) == len(before["events"]) + 1500
    assert len(after["actors"]) == len(before["actors"]) + 1500
