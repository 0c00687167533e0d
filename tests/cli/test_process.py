"""The ``tracker`` process itself (not CliRunner): its exit code, its streams, its store closed.

``tracker.cli.main`` ends the process without Python's module teardown (bench/startup.py), so
these run the real entry point and check what a shell sees.
"""

import sqlite3
import subprocess
import sys

from conftest import SEED

TRACKER = [sys.executable, "-c", "from tracker.cli import main; main()"]


def run(*args, cwd):
    return subprocess.run([*TRACKER, *args], cwd=cwd, capture_output=True, text=True)


def test_a_load_exits_0_with_its_store_closed_and_its_output_whole(tmp_path):
    loaded = run("load", str(SEED), cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stderr.rstrip().endswith("assessments 2 inserted)")  # what was done: on stderr
    # The last connection closed: SQLite folded its WAL back into the file and removed it.
    assert not (tmp_path / "tracker.db-wal").exists()
    with sqlite3.connect(tmp_path / "tracker.db") as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (11,)


def test_an_answer_reaches_stdout_and_a_mistake_exits_1_with_its_line(tmp_path):
    assert run("load", str(SEED), cwd=tmp_path).returncode == 0
    answer = run("who-held", "Derna", "--at", "2015-06-14", cwd=tmp_path)
    assert answer.returncode == 0 and answer.stderr == ""
    assert answer.stdout.splitlines()[0] == "Derna at 2015-06-14: held: Mujahedeen Shura Council of Derna"
    wrong = run("who-held", "Nowhere", "--at", "2015-06-14", cwd=tmp_path)
    assert wrong.returncode == 1 and wrong.stdout == ""
    assert wrong.stderr.startswith("Error: no place named 'Nowhere'")
    usage = run("who-held", "Derna", cwd=tmp_path)
    assert usage.returncode == 2 and usage.stderr.splitlines()[-1] == "Error: Missing option '--at'."


def test_a_reader_that_stops_reading_ends_the_command_without_a_word(tmp_path):
    assert run("load", str(SEED), cwd=tmp_path).returncode == 0
    for args in (["who-held", "Derna", "--at", "2015-06-14"], ["events", "--format", "json"]):
        proc = subprocess.Popen([*TRACKER, *args], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdout.close()  # before the command writes anything: its first write finds no reader
        err = proc.stderr.read()
        proc.wait(timeout=60)
        assert err == b"", err  # no "Broken pipe" error, no traceback
        assert proc.returncode in (0, 1)  # 0 when the output was still buffered, 1 (click) when a write failed
