"""Benchmark: importing generated ACLED rows into a fresh SQLite file, beside the floor.

    python bench/import_acled.py --rows 1000000

Three runs, each in its own process (so that each peak memory is its own):

1. **floor** — plain ``csv`` + ``sqlite3.executemany`` writing the same
   normalized rows into the same tables (actors, aliases, places, events,
   participants, dataset records, source links) of a fresh database, with no
   validation, matching rules or change detection: the speed of Python
   reading a CSV and SQLite taking rows.
2. **import** — ``tracker import acled`` of the same file into another fresh
   database (the real command, through the Store).
3. **re-import** — the same file again into the database of run 2: every row
   unchanged, nothing written.

Each prints rows/s and peak memory (RSS, from ``resource.getrusage``). The
targets: the import at least half the floor's rows/s, its peak memory under
300 MB, the re-import at least as fast as the import.

The data is made by ``bench/acled_data.py`` (deterministic; kept in
``--workdir`` between runs).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import hashlib
import json
import os
import resource
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

KINDS = {"1": "state forces", "2": "rebel group", "3": "political militia", "4": "identity militia",
         "5": "rioters", "6": "protesters", "7": "civilians", "8": "external force"}
CORE = {"event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2",
        "assoc_actor_2", "country", "admin1", "admin2", "admin3", "location", "fatalities", "source", "notes"}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kilobytes on Linux


def fresh_database(path: Path) -> str:
    from tracker import db

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    return url


# -- the floor ---------------------------------------------------------------------------
def floor(csv_path: Path, db_path: Path) -> dict:
    """The same rows as the importer writes, by the shortest road."""
    from tracker.names.normalize import normalize_name

    fresh_database(db_path)
    started = time.perf_counter()
    con = sqlite3.connect(db_path)
    from tracker.ingest.importer import SQLITE_CACHE_KB

    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL", f"cache_size=-{SQLITE_CACHE_KB}"):
        con.execute(f"PRAGMA {pragma}")
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")
    con.execute("INSERT INTO sources (id, key, kind, title, loaded_at) VALUES (1, 'floor', 'dataset', 'floor', ?)",
                (now,))
    actors: dict[str, int] = {}
    places: dict[tuple, int] = {}
    new_actors, new_actor_aliases, new_places, new_place_aliases = [], [], [], []
    events, participants, records = [], [], []
    rows = 0

    def actor(name: str, kind: str | None) -> int:
        found = actors.get(name)
        if found is None:
            found = actors[name] = len(actors) + 1
            new_actors.append((found, name, kind or "other"))
            new_actor_aliases.append((found, name, normalize_name(name), 1))
        return found

    def place(key: tuple, name: str, kind: str, parent, lat=None, lon=None, prec=None) -> int:
        found = places.get(key)
        if found is None:
            found = places[key] = len(places) + 1
            new_places.append((found, name, kind, parent, lat, lon, prec))
            new_place_aliases.append((found, name, normalize_name(name), 1))
        return found

    def flush():
        con.executemany("INSERT INTO actors (id, name, kind) VALUES (?, ?, ?)", new_actors)
        con.executemany("INSERT INTO actor_aliases (actor_id, name, normalized, source_id) VALUES (?, ?, ?, ?)",
                        new_actor_aliases)
        con.executemany("INSERT INTO locations (id, name, kind, parent_id, latitude, longitude, coord_precision) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)", new_places)
        con.executemany("INSERT INTO location_aliases (location_id, name, normalized, source_id) VALUES (?, ?, ?, ?)",
                        new_place_aliases)
        con.executemany("INSERT INTO events (id, source_id, key, external_scheme, external_id, date_start, date_end, "
                        "date_precision, event_type, sub_type, location_id, fatalities_best, certainty, description) "
                        "VALUES (?, 1, ?, 'acled', ?, ?, ?, ?, ?, ?, ?, ?, 'reported', ?)", events)
        con.executemany("INSERT INTO event_actors (event_id, actor_id, role, position) VALUES (?, ?, ?, ?)",
                        participants)
        con.executemany("INSERT INTO dataset_records (event_id, content_hash, stamp, country, cited, attributes, "
                        "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)", records)
        for batch in (new_actors, new_actor_aliases, new_places, new_place_aliases, events, participants, records):
            batch.clear()

    with open(csv_path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        col = {name: i for i, name in enumerate(header)}
        extras = [(n, i) for n, i in col.items() if n not in CORE]
        g = [col[n] for n in ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type",
                              "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "country",
                              "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
                              "source", "notes", "fatalities", "timestamp")]
        for f in reader:
            rows += 1
            (ext, date, tp, etype, sub, a1, aa1, in1, a2, aa2, in2, country, ad1, ad2, ad3, loc, lat, lon, geo,
             source, notes, fat, stamp) = (f[i] for i in g)
            day = dt.date.fromisoformat(date)
            if tp == "2":
                start, end, prec = (day - dt.timedelta(days=3)).isoformat(), (day + dt.timedelta(days=3)).isoformat(), "range"
            elif tp == "3":
                start, end, prec = day.replace(day=1).isoformat(), (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1).isoformat(), "month"
            else:
                start = end = date
                prec = "day"
            c = place((country,), country, "country", None)
            parent = place((country, ad1), ad1, "admin1", c)
            parent = place((country, ad1, ad2), ad2, "admin2", parent)
            if ad3:
                parent = place((country, ad1, ad2, ad3), ad3, "admin3", parent)
            at = place((country, ad1, ad2, ad3, loc), loc, "other", parent, float(lat), float(lon),
                       {"1": "exact", "2": "near", "3": "region"}[geo])
            event_id = rows
            events.append((event_id, ext, ext, start, end, prec, etype, sub or None, at, int(fat), notes))
            people = [(actor(a1, KINDS.get(in1)), "actor1")]
            people += [(actor(n.strip(), None), "assoc_actor1") for n in aa1.split(";") if n.strip()]
            if a2:
                people.append((actor(a2, KINDS.get(in2)), "actor2"))
            people += [(actor(n.strip(), None), "assoc_actor2") for n in aa2.split(";") if n.strip()]
            done = set()
            for position, (aid, role) in enumerate(people):
                if (aid, role) not in done:
                    done.add((aid, role))
                    participants.append((event_id, aid, role, position))
            digest = hashlib.blake2b("\x1f".join(f).encode(), digest_size=16).hexdigest()
            attributes = json.dumps({n: f[i] for n, i in extras if f[i]}, ensure_ascii=False, separators=(",", ":"))
            records.append((event_id, digest, int(stamp), country, source, attributes, now))
            if len(events) >= 5000:
                flush()
    flush()
    con.executemany("INSERT INTO actor_sources (actor_id, source_id) VALUES (?, 1)", [(i,) for i in actors.values()])
    con.executemany("INSERT INTO location_sources (location_id, source_id) VALUES (?, 1)",
                    [(i,) for i in places.values()])
    con.commit()
    con.close()
    seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": seconds, "peak_mb": peak_mb()}


# -- tracker's importer ----------------------------------------------------------------------
def tracker_import(csv_path: Path, db_path: Path, fresh: bool) -> dict:
    from tracker import Store
    from tracker.ingest.importer import ImportOptions

    url = fresh_database(db_path) if fresh else f"sqlite:///{db_path}"
    store = Store(url)
    wal = Path(f"{db_path}-wal")
    largest = [0]
    done = threading.Event()

    def watch() -> None:  # the WAL is folded back into the store when the import closes it: watch it grow
        while not done.wait(0.1):
            with contextlib.suppress(OSError):
                largest[0] = max(largest[0], wal.stat().st_size)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.perf_counter()
    result = store.import_dataset("acled", str(csv_path), ImportOptions())
    seconds = time.perf_counter() - started
    done.set()
    watcher.join()
    store.close()
    return {"rows": result.rows, "seconds": seconds, "peak_mb": peak_mb(), "summary": result.summary(),
            "importer_seconds": result.seconds, "inserted": result.inserted, "unchanged": result.unchanged,
            "wal_peak_bytes": largest[0]}


# -- the ceiling: this schema's SQL alone ----------------------------------------------------
def replay_order(metadata) -> list[str]:
    """The tables an import fills, parents first (the full-text index is filled beside events)."""
    return [t.name for t in metadata.sorted_tables if t.name != "alembic_version"]


def sqlite_ceiling(import_db: Path, db_path: Path) -> dict:
    """The SQL of this schema alone: the rows of a finished import written again into a new store
    by ``INSERT … SELECT`` from it, in the import's own way (batches of events with their
    participants and records, the full-text entries a few batches at a time, the secondary indexes
    it builds after the rows dropped and built again, foreign keys on, one transaction), with no
    Python per row. No importer of this schema can take less time than this: the floor's time
    over it is the best ratio any import could reach."""
    from tracker.ingest.bulk import AFTER_THE_ROWS, SEARCH_BATCH, SEARCH_TRIGGER
    from tracker.ingest.importer import BATCH_SIZE, SQLITE_CACHE_KB
    from tracker.model.base import Base

    fresh_database(db_path)
    started = time.perf_counter()
    con = sqlite3.connect(db_path, isolation_level=None)
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL", f"cache_size=-{SQLITE_CACHE_KB}"):
        con.execute(f"PRAGMA {pragma}")
    con.execute("ATTACH DATABASE ? AS done", (str(import_db),))
    seconds: dict[str, float] = {}

    def timed(name: str, sql: str, params: tuple = ()) -> None:
        t = time.perf_counter()
        con.execute(sql, params)
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - t

    con.execute("BEGIN")
    marks = ",".join("?" * len(AFTER_THE_ROWS))
    after = con.execute(f"SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND name IN ({marks})",
                        AFTER_THE_ROWS).fetchall()
    for name, _ in after:
        con.execute(f"DROP INDEX main.{name}")
    trigger = con.execute("SELECT sql FROM main.sqlite_master WHERE name = ?", (SEARCH_TRIGGER,)).fetchone()[0]
    con.execute(f"DROP TRIGGER main.{SEARCH_TRIGGER}")
    per_event = ("event_actors", "dataset_records")
    last = con.execute("SELECT coalesce(max(id), 0) FROM done.events").fetchone()[0]
    for table in replay_order(Base.metadata):
        if table in per_event:
            continue
        if table != "events":
            timed(table, f"INSERT INTO main.{table} SELECT * FROM done.{table}")
            continue
        for low in range(1, last + 1, BATCH_SIZE):  # the importer's batches
            high = low + BATCH_SIZE - 1
            timed("events", "INSERT INTO main.events SELECT * FROM done.events WHERE id BETWEEN ? AND ?", (low, high))
            if high % SEARCH_BATCH == 0 or high >= last:  # the full-text index a few batches at a time
                first = (high - 1) // SEARCH_BATCH * SEARCH_BATCH + 1
                timed("full-text index", "INSERT INTO main.event_search (rowid, description, quote) "
                      "SELECT id, description, quote FROM main.events WHERE id BETWEEN ? AND ?", (first, high))
            for other in per_event:
                timed(other, f"INSERT INTO main.{other} SELECT * FROM done.{other} WHERE event_id BETWEEN ? AND ?",
                      (low, high))
    for _, sql in after:
        timed("indexes after the rows", sql)
    con.execute(trigger)
    t = time.perf_counter()
    con.execute("COMMIT")
    seconds["commit"] = time.perf_counter() - t
    total = time.perf_counter() - started
    rows = con.execute("SELECT count(*) FROM main.events").fetchone()[0]
    con.close()
    return {"rows": rows, "seconds": total, "peak_mb": peak_mb(),
            "by_table": dict(sorted(seconds.items(), key=lambda kv: -kv[1]))}


def pg_ceiling(import_url: str, url: str) -> dict:
    """:func:`sqlite_ceiling` on PostgreSQL: the rows of a finished import copied (``COPY … TO`` the
    one database, ``COPY … FROM`` into the other, binary, nothing parsed in Python) into a new
    migrated database, the non-unique indexes and the foreign keys of the event tables dropped and
    made again after the rows (each key checked by one join), one transaction."""
    import psycopg

    from tracker import db
    from tracker.model.base import Base

    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    plain = {u: u.replace("postgresql+psycopg://", "postgresql://") for u in (import_url, url)}
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    with psycopg.connect(plain[import_url]) as source, psycopg.connect(plain[url]) as target, \
            source.cursor() as read, target.cursor() as write:
        write.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                      "AND tablename IN ('events', 'event_actors', 'dataset_records') AND indexdef NOT LIKE '%UNIQUE%'")
        after = write.fetchall()
        for name, _ in after:
            write.execute(f'DROP INDEX "{name}"')
        # Foreign keys checked once, by one join each, when they are added again (not a trigger a row).
        write.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                      "WHERE contype = 'f' AND conrelid::regclass::text IN ('events', 'event_actors', 'dataset_records')")
        keys = write.fetchall()
        for table, name, _ in keys:
            write.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for table in replay_order(Base.metadata):
            t = time.perf_counter()
            with read.copy(f"COPY {table} TO STDOUT (FORMAT BINARY)") as out, \
                    write.copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as into:
                for chunk in out:
                    into.write(chunk)
            seconds[table] = time.perf_counter() - t
        t = time.perf_counter()
        for _, sql in after:
            write.execute(sql)
        seconds["indexes after the rows"] = time.perf_counter() - t
        t = time.perf_counter()
        for table, name, definition in keys:
            write.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        seconds["foreign keys after the rows"] = time.perf_counter() - t
        for table in replay_order(Base.metadata):  # the id sequences where the import left them
            if "id" in Base.metadata.tables[table].columns:
                write.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table} "
                              f"WHERE pg_get_serial_sequence('{table}', 'id') IS NOT NULL HAVING max(id) IS NOT NULL")
        target.commit()
        total = time.perf_counter() - started
        write.execute("SELECT count(*) FROM events")
        rows = write.fetchone()[0]
    return {"rows": rows, "seconds": total, "peak_mb": peak_mb(),
            "by_table": dict(sorted(seconds.items(), key=lambda kv: -kv[1])[:6])}


def child(phase: str, csv_path: Path, db_path: Path | str, from_db: Path | str | None = None) -> dict:
    """Run one phase in a fresh Python process and read its JSON answer."""
    extra = ["--from-db", str(from_db)] if from_db is not None else []
    out = subprocess.run([sys.executable, __file__, "--phase", phase, "--csv", str(csv_path), "--db", str(db_path),
                          *extra], capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"{phase} failed: {out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


SHARED = HERE.parent.parent / "shared" / "bench"  # the floors the issues hold the importer to


# -- PostgreSQL ------------------------------------------------------------------------------
def pg_database(admin_url: str, name: str) -> str:
    """A new, empty database ``name`` on the server of ``admin_url`` (dropped first if there): its URL."""
    from sqlalchemy import create_engine, make_url, text

    engine = create_engine(make_url(admin_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def pg_copy_floor(csv_path: Path, url: str) -> dict:
    """The floor on PostgreSQL: ../shared/bench's validated rows (the same parse, validation and
    in-memory actors and places as ``raw_full_postindex``) sent with psycopg ``COPY`` into a staging
    table, then one set-based ``INSERT … SELECT … ON CONFLICT DO NOTHING`` into the same tables
    (foreign keys on, the unique index live), the secondary indexes built after, one transaction."""
    import psycopg

    sys.path.insert(0, str(SHARED))
    import baseline

    secondary = [x.strip() for x in baseline.FULL_IDX.split(";")
                 if x.strip() and "ux_events_eid" not in x]
    started = time.perf_counter()
    d = baseline.Dedup()
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn, conn.cursor() as cur:
        cur.execute(baseline.NORM_DDL.format(uniq=""))
        cur.execute("CREATE UNIQUE INDEX ux_events_eid ON events (event_id_cnty)")
        cur.execute("CREATE TEMP TABLE stage (LIKE events) ON COMMIT DROP")
        with open(csv_path, newline="", encoding="utf-8") as f:
            with cur.copy("COPY stage FROM STDIN") as stage:
                for row in baseline.norm_tuples_validated(baseline.reader(f), d):
                    stage.write_row(row)
        with cur.copy("COPY actors FROM STDIN") as copy:
            for row in d.new_actors:
                copy.write_row(row)
        with cur.copy("COPY locations FROM STDIN") as copy:
            for row in d.new_locs:
                copy.write_row(row)
        cur.execute("INSERT INTO events SELECT * FROM stage ON CONFLICT (event_id_cnty) DO NOTHING")
        rows = cur.rowcount
        for sql in secondary:
            cur.execute(sql)
        conn.commit()
        seconds = time.perf_counter() - started
        cur.execute("SELECT pg_database_size(current_database())")
        size = cur.fetchone()[0]
    return {"rows": rows, "seconds": seconds, "peak_mb": peak_mb(), "bytes": size}


def pg_import(csv_path: Path, url: str) -> dict:
    from sqlalchemy import text

    from tracker import Store
    from tracker.ingest.importer import ImportOptions

    store = Store(url)
    started = time.perf_counter()
    result = store.import_dataset("acled", str(csv_path), ImportOptions())
    seconds = time.perf_counter() - started
    with store.session() as session:
        size = session.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    store.close()
    return {"rows": result.rows, "seconds": seconds, "peak_mb": peak_mb(), "bytes": size, "summary": result.summary(),
            "inserted": result.inserted, "unchanged": result.unchanged}


def postgres_runs(admin_url: str, csv_path: Path, runs: int) -> None:
    """tracker's import on PostgreSQL beside the COPY floor, each in a new database and its own process."""
    results = []
    for n in range(runs):
        print(f"PostgreSQL run {n + 1}: COPY floor ...", file=sys.stderr)
        f = child("pg_floor", csv_path, pg_database(admin_url, "tracker_bench_floor"))
        print(f"PostgreSQL run {n + 1}: import ...", file=sys.stderr)
        url = pg_database(admin_url, "tracker_bench_import")
        i = child("pg_import", csv_path, url)
        print(f"PostgreSQL run {n + 1}: ceiling (this schema's SQL alone) ...", file=sys.stderr)
        i["ceiling"] = child("pg_ceiling", csv_path, pg_database(admin_url, "tracker_bench_ceiling"), url)
        results.append((f, i))
    print("PostgreSQL re-import ...", file=sys.stderr)
    r = child("pg_import", csv_path, url)
    print(f"{'PostgreSQL':<40}{'seconds':>10}{'rows/s':>12}{'peak MB':>10}{'ratio':>8}")
    ratios, ceilings = [], []
    for n, (f, i) in enumerate(results, 1):
        ratios.append(f["seconds"] / i["seconds"])
        c = i["ceiling"]
        ceilings.append(f["seconds"] / c["seconds"])
        print(f"{f'COPY floor #{n}':<40}{f['seconds']:>10.1f}{f['rows'] / f['seconds']:>12,.0f}{f['peak_mb']:>10.0f}")
        print(f"{f'tracker import #{n}':<40}{i['seconds']:>10.1f}{i['rows'] / i['seconds']:>12,.0f}"
              f"{i['peak_mb']:>10.0f}{ratios[-1]:>8.2f}")
        print(f"{f'ceiling: the SQL alone #{n}':<40}{c['seconds']:>10.1f}{c['rows'] / c['seconds']:>12,.0f}"
              f"{c['peak_mb']:>10.0f}{ceilings[-1]:>8.2f}")
    f, i = results[-1]
    print(f"{'tracker re-import (same file)':<40}{r['seconds']:>10.1f}{r['rows'] / r['seconds']:>12,.0f}{r['peak_mb']:>10.0f}")
    print(f"PostgreSQL import / COPY floor: {min(ratios):.2f}-{max(ratios):.2f} over {len(ratios)} run(s) (target >= 0.6); "
          f"re-import speed / import speed: {i['seconds'] / r['seconds']:.2f}; database {i['bytes'] / 1e6:,.0f} MB "
          f"({i['bytes'] / i['rows']:,.0f} bytes an event) against the floor's {f['bytes'] / 1e6:,.0f} MB "
          f"({f['bytes'] / f['rows']:,.0f})")
    print(f"ceiling on PostgreSQL: this schema's rows copied with no Python per row take the COPY floor's time over "
          f"{min(ceilings):.2f}-{max(ceilings):.2f}; by table: "
          + ", ".join(f"{t} {s:.1f} s" for t, s in i["ceiling"]["by_table"].items()))
    print(i["summary"])
    print(r["summary"])


def shared_floor(data_dir: Path) -> dict:
    """../shared/bench's import floor (``raw_full_postindex``: validation, FK on, upsert, secondary
    indexes built after the rows, one transaction) on ``data_dir/acled_1m.csv``, in its own process."""
    env = {**os.environ, "BENCH_DATA": str(data_dir)}
    out = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(data_dir / ".rss"), sys.executable,
                          str(SHARED / "baseline.py"), "child", "raw_full_postindex"],
                         check=True, capture_output=True, text=True, env=env)
    result = next(json.loads(line[7:]) for line in out.stdout.splitlines() if line.startswith("RESULT "))
    result["peak_mb"] = int((data_dir / ".rss").read_text().split()[-1]) / 1024
    return result


def store_bytes(db_path: Path) -> tuple[int, int]:
    """(the store's bytes with its WAL folded back, the WAL's bytes before: how far it grew)."""
    wal = Path(f"{db_path}-wal")
    wal_bytes = wal.stat().st_size if wal.exists() else 0
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return db_path.stat().st_size, wal_bytes


def table_bytes(db_path: Path) -> dict[str, int]:
    """Bytes of each table with its indexes (SQLite's dbstat), largest first."""
    con = sqlite3.connect(db_path)
    try:
        rows = con.execute("SELECT coalesce(m.tbl_name, d.name), sum(d.pgsize) FROM dbstat d "
                           "LEFT JOIN sqlite_master m ON m.name = d.name GROUP BY 1 ORDER BY 2 DESC").fetchall()
    except sqlite3.OperationalError:  # no dbstat in this build of SQLite
        rows = []
    finally:
        con.close()
    return dict(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description="Import generated ACLED rows: tracker vs the import floor, same run.")
    parser.add_argument("--rows", type=int, default=1000000)
    parser.add_argument("--runs", type=int, default=1, help="floor and import this many times each (the spread)")
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--workdir", default=os.environ.get("TMPDIR", "/tmp"))
    parser.add_argument("--own-floor", action="store_true",
                        help="the older floor of this script (csv + executemany, indexes live, own data)")
    parser.add_argument("--postgres", metavar="ADMIN_URL",
                        help="also on PostgreSQL (new databases tracker_bench_* on this server), against a COPY floor")
    parser.add_argument("--postgres-only", action="store_true", help="only the PostgreSQL runs")
    parser.add_argument("--phase", choices=("floor", "import", "reimport", "ceiling", "pg_floor", "pg_import",
                                            "pg_ceiling"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--from-db", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        csv_path, db_path = Path(args.csv), Path(args.db)
        if args.phase == "pg_floor":
            answer = pg_copy_floor(csv_path, args.db)
        elif args.phase == "pg_import":
            answer = pg_import(csv_path, args.db)
        elif args.phase == "pg_ceiling":
            answer = pg_ceiling(args.from_db, args.db)
        elif args.phase == "ceiling":
            answer = sqlite_ceiling(Path(args.from_db), db_path)
        elif args.phase == "floor":
            answer = floor(csv_path, db_path)
        else:
            answer = tracker_import(csv_path, db_path, fresh=args.phase == "import")
        print(json.dumps(answer))
        return

    work = Path(args.workdir)
    shared = (SHARED / "baseline.py").exists() and not args.own_floor
    if shared:
        # The floor reads data/acled_1m.csv whatever its size: one directory per size.
        data_dir = work / f"tracker-bench-shared-{args.rows}"
        data_dir.mkdir(parents=True, exist_ok=True)
        csv_path = data_dir / "acled_1m.csv"
        if not csv_path.exists():
            print(f"generating {args.rows:,} rows into {csv_path} (../shared/bench/gen_acled.py) ...", file=sys.stderr)
            subprocess.run([sys.executable, str(SHARED / "gen_acled.py"), "-n", str(args.rows), "-o", str(csv_path)],
                           check=True, capture_output=True)
    else:
        import acled_data

        csv_path = work / f"tracker-bench-acled-{args.rows}-{args.seed}.csv"
        if not csv_path.exists():
            print(f"generating {args.rows:,} rows into {csv_path} ...", file=sys.stderr)
            acled_data.write(str(csv_path), args.rows, args.seed)
    floor_db, tracker_db = work / "tracker-bench-floor.db", work / "tracker-bench-import.db"
    ceiling_db = work / "tracker-bench-ceiling.db"
    if args.postgres_only:
        if not args.postgres:
            parser.error("--postgres-only needs --postgres ADMIN_URL")
        postgres_runs(args.postgres, csv_path, args.runs)
        return

    runs: list[tuple[dict, dict]] = []
    for n in range(args.runs):
        print(f"run {n + 1}: floor ...", file=sys.stderr)
        f = shared_floor(data_dir) if shared else child("floor", csv_path, floor_db)
        print(f"run {n + 1}: import ...", file=sys.stderr)
        i = child("import", csv_path, tracker_db)
        i["bytes"], i["wal_bytes"] = store_bytes(tracker_db)
        print(f"run {n + 1}: ceiling (this schema's SQL alone) ...", file=sys.stderr)
        i["ceiling"] = child("ceiling", csv_path, ceiling_db, tracker_db)
        runs.append((f, i))
    print("re-import ...", file=sys.stderr)
    r = child("reimport", csv_path, tracker_db)
    label = "floor (../shared raw_full_postindex)" if shared else "floor (csv + executemany)"
    print(f"rows: {args.rows:,}  (file {csv_path.stat().st_size / 1e6:,.0f} MB)")
    print(f"{'run':<40}{'seconds':>10}{'rows/s':>12}{'peak MB':>10}{'ratio':>8}")
    ratios, ceilings = [], []
    for n, (f, i) in enumerate(runs, 1):
        ratio = f["seconds"] / i["seconds"]
        ratios.append(ratio)
        c = i["ceiling"]
        ceilings.append(f["seconds"] / c["seconds"])
        print(f"{label + f' #{n}':<40}{f['seconds']:>10.1f}{f['rows'] / f['seconds']:>12,.0f}{f['peak_mb']:>10.0f}")
        print(f"{f'tracker import #{n}':<40}{i['seconds']:>10.1f}{i['rows'] / i['seconds']:>12,.0f}"
              f"{i['peak_mb']:>10.0f}{ratio:>8.2f}")
        print(f"{f'ceiling: the SQL alone #{n}':<40}{c['seconds']:>10.1f}{c['rows'] / c['seconds']:>12,.0f}"
              f"{c['peak_mb']:>10.0f}{ceilings[-1]:>8.2f}")
    i = runs[-1][1]
    print(f"{'tracker re-import (same file)':<40}{r['seconds']:>10.1f}{r['rows'] / r['seconds']:>12,.0f}{r['peak_mb']:>10.0f}")
    print(f"import / floor: {min(ratios):.2f}-{max(ratios):.2f} over {len(ratios)} run(s) (target >= 0.70, never < 0.50); "
          f"re-import speed / import speed: {i['seconds'] / r['seconds']:.2f} (target >= 3)")
    print(f"ceiling: this schema's SQL alone, no Python per row, takes the floor's time over "
          f"{min(ceilings):.2f}-{max(ceilings):.2f}: no importer of this schema can beat that ratio; "
          "its SQL by table: " + ", ".join(f"{t} {s:.1f} s" for t, s in list(i["ceiling"]["by_table"].items())[:7]))
    per_event = i["bytes"] / i["rows"]
    floor_per_event = runs[-1][0].get("db_mb", 0) * 2**20 / max(runs[-1][0]["rows"], 1) if shared else None
    print(f"store: {i['bytes'] / 1e6:,.0f} MB, {per_event:,.0f} bytes an event"
          + (f" (floor {floor_per_event:,.0f}: {per_event / floor_per_event:.2f}x, target <= 1.3x)" if floor_per_event else "")
          + f"; the WAL grew to {i['wal_peak_bytes'] / 1e6:,.0f} MB during the import (target: under the store's size)")
    sizes = table_bytes(tracker_db)
    if sizes:
        print("by table (with its indexes): " + ", ".join(f"{t} {b / 1e6:,.0f} MB" for t, b in list(sizes.items())[:8]))
    print(f"of the import's {i['seconds']:.1f} s, the row import itself took {i['importer_seconds']:.1f} s; the rest is "
          "the first pass over the file (fingerprint, encoding), control derivation from the new territory "
          "events, and the commit")
    print(i["summary"])
    print(r["summary"])
    if args.postgres:
        postgres_runs(args.postgres, csv_path, args.runs)


if __name__ == "__main__":
    main()
