"""Benchmark: 10,000,000 ACLED-like events on one machine (issue 14, item 4). Not run in CI.

    python bench/ten_million.py --workdir /tmp/bw [--rows 10000000] [--queries 20]

1. ``../shared/bench/gen_acled.py`` writes N ACLED-format rows (kept in --workdir and
   reused when it is there: 10 M rows are 4.8 GB of CSV).
2. ``tracker import acled`` loads them into a new SQLite store, as a user runs it: the
   wall time, the child's peak memory, the store's size and the largest WAL seen.
3. At that size, through the core (``tracker.Store``), median and 90th percentile over
   --queries questions each: ``who_held`` of a busy place on a day; ``events`` of a place
   in a one-year window (records read to the end); ``events`` within 50 km of a place in a
   one-year window; ``summary --by month`` of one country.
4. The end-to-end time of query commands (process start to exit), with bench/startup.py's
   commands, beside ``python -c pass`` and ``python -c 'import sqlalchemy.orm'``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

SHARED_BENCH = HERE.parent.parent / "shared" / "bench"


def generate(rows: int, workdir: Path) -> Path:
    csv = workdir / f"acled_{rows}.csv"
    if csv.exists() and csv.stat().st_size > 0:
        print(f"rows: {csv} (already there, {csv.stat().st_size / 1e9:.2f} GB)")
        return csv
    started = time.perf_counter()
    subprocess.run([sys.executable, str(SHARED_BENCH / "gen_acled.py"), "-n", str(rows), "-o", str(csv)],
                   check=True, stdout=subprocess.DEVNULL)
    print(f"generated {rows:,} rows in {time.perf_counter() - started:.0f} s ({csv.stat().st_size / 1e9:.2f} GB)")
    return csv


def watch_wal(path: Path, stop: threading.Event, seen: list[int]) -> None:
    wal = Path(str(path) + "-wal")
    while not stop.wait(2.0):
        try:
            seen[0] = max(seen[0], wal.stat().st_size)
        except FileNotFoundError:
            pass


def tracker_command() -> list[str]:
    exe = Path(sys.executable).with_name("tracker")
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from tracker.cli import main; main()"]


def import_rows(csv: Path, db: Path) -> dict:
    for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        leftover.unlink(missing_ok=True)
    stop, wal = threading.Event(), [0]
    watcher = threading.Thread(target=watch_wal, args=(db, stop, wal), daemon=True)
    watcher.start()
    started = time.perf_counter()
    done = subprocess.run([*tracker_command(), "--db", f"sqlite:///{db}", "import", "acled", str(csv)],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    stop.set()
    watcher.join()
    if done.returncode:
        sys.exit(f"import failed ({done.returncode}): {done.stderr[-2000:]}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak_mb, "store_mb": db.stat().st_size / 1e6, "wal_mb": wal[0] / 1e6,
            "output": done.stdout.strip().splitlines()[-1:] if done.stdout.strip() else []}


def timed(call, times: int) -> tuple[float, float]:
    out = []
    for i in range(times):
        started = time.perf_counter()
        call(i)
        out.append((time.perf_counter() - started) * 1000)
    out.sort()
    return statistics.median(out), out[min(len(out) - 1, int(len(out) * 0.9))]


def busiest(db: Path, how_many: int) -> tuple[list[str], str]:
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    # By id (``#123``): generated place names repeat across countries, and a bare name can be ambiguous.
    places = [f"#{r[0]}" for r in conn.execute(
        "SELECT l.id FROM events e JOIN locations l ON l.id = e.location_id "
        "WHERE e.location_id IN (SELECT id FROM locations WHERE kind IS NOT 'country' ORDER BY random() LIMIT 2000) "
        "GROUP BY l.id ORDER BY count(*) DESC LIMIT ?", (how_many,))]
    country = conn.execute(
        "SELECT l.country_code FROM events e JOIN locations l ON l.id = e.location_id "
        "WHERE e.id % 97 = 0 GROUP BY l.country_code ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    conn.close()
    return places, country


def queries(db: Path, times: int) -> list[tuple[str, tuple[float, float]]]:
    from tracker.store import Store

    places, country = busiest(db, times)
    rng = random.Random(10)
    store = Store(f"sqlite:///{db}")
    rows = []

    def who_held(i: int) -> None:
        store.who_held(places[i % len(places)], f"20{rng.randint(10, 23)}-06-01").all()

    def events_window(i: int) -> None:
        year = rng.randint(2010, 2023)
        store.events(place=places[i % len(places)], start=f"{year}-01-01", end=f"{year}-12-31").all()

    def near(i: int) -> None:
        year = rng.randint(2010, 2023)
        store.events(near=places[i % len(places)], radius_km=50, start=f"{year}-01-01", end=f"{year}-12-31").all()

    def summary(_i: int) -> None:
        store.summary(by=["month"], country=country).all()

    for label, call, n in (("who_held(place, day)", who_held, times),
                           ("events(place, one year)", events_window, times),
                           ("events(near place, 50 km, one year)", near, times),
                           (f"summary(by month, country {country})", summary, max(3, times // 4))):
        call(0)  # warm: the page cache and the store's first session
        rows.append((label, timed(call, n)))
    store.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--skip-import", action="store_true", help="measure the queries of the store already there")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    db = args.workdir / f"store_{args.rows}.db"
    print(f"machine: {os.cpu_count()} CPUs, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB, "
          f"Python {sys.version.split()[0]}")
    if not args.skip_import:
        csv = generate(args.rows, args.workdir)
        got = import_rows(csv, db)
        print(f"import: {got['seconds']:.0f} s ({args.rows / got['seconds']:,.0f} rows/s), peak {got['peak_mb']:.0f} MB, "
              f"store {got['store_mb']:,.0f} MB ({got['store_mb'] * 1e6 / args.rows:,.0f} bytes an event), "
              f"largest WAL seen {got['wal_mb']:,.0f} MB; {' '.join(got['output'])}")
    for label, (median, p90) in queries(db, args.queries):
        print(f"{label:<45}median {median:>9.1f} ms   p90 {p90:>9.1f} ms")
    sys.stdout.flush()
    top, _ = busiest(db, 1)
    startup = subprocess.run([sys.executable, str(HERE / "startup.py"), "--db", f"sqlite:///{db}", "--runs", "7",
                              "--place", top[0]], capture_output=True, text=True)
    print(startup.stdout.strip() or startup.stderr.strip()[-1000:])
    print(json.dumps({"rows": args.rows, "db": str(db)}))


if __name__ == "__main__":
    main()
