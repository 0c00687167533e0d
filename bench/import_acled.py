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
import csv
import datetime as dt
import hashlib
import json
import os
import resource
import sqlite3
import subprocess
import sys
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
    started = time.perf_counter()
    result = store.import_dataset("acled", str(csv_path), ImportOptions())
    seconds = time.perf_counter() - started
    store.close()
    return {"rows": result.rows, "seconds": seconds, "peak_mb": peak_mb(), "summary": result.summary(),
            "importer_seconds": result.seconds, "inserted": result.inserted, "unchanged": result.unchanged}


def child(phase: str, csv_path: Path, db_path: Path) -> dict:
    """Run one phase in a fresh Python process and read its JSON answer."""
    out = subprocess.run([sys.executable, __file__, "--phase", phase, "--csv", str(csv_path), "--db", str(db_path)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description="Import generated ACLED rows: tracker vs the plain sqlite3 floor.")
    parser.add_argument("--rows", type=int, default=1000000)
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--workdir", default=os.environ.get("TMPDIR", "/tmp"))
    parser.add_argument("--phase", choices=("floor", "import", "reimport"), help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        csv_path, db_path = Path(args.csv), Path(args.db)
        if args.phase == "floor":
            answer = floor(csv_path, db_path)
        else:
            answer = tracker_import(csv_path, db_path, fresh=args.phase == "import")
        print(json.dumps(answer))
        return

    import acled_data

    work = Path(args.workdir)
    csv_path = work / f"tracker-bench-acled-{args.rows}-{args.seed}.csv"
    if not csv_path.exists():
        print(f"generating {args.rows:,} rows into {csv_path} ...", file=sys.stderr)
        t = time.perf_counter()
        acled_data.write(str(csv_path), args.rows, args.seed)
        print(f"  {time.perf_counter() - t:.0f} s, {csv_path.stat().st_size / 1e6:,.0f} MB", file=sys.stderr)
    floor_db, tracker_db = work / "tracker-bench-floor.db", work / "tracker-bench-import.db"

    results = {}
    for phase, db_path in (("floor", floor_db), ("import", tracker_db), ("reimport", tracker_db)):
        print(f"running {phase} ...", file=sys.stderr)
        results[phase] = child(phase, csv_path, db_path)
    f, i, r = results["floor"], results["import"], results["reimport"]
    rate = {k: v["rows"] / v["seconds"] for k, v in results.items()}
    print(f"rows: {f['rows']:,}  (file {csv_path.stat().st_size / 1e6:,.0f} MB)")
    print(f"{'run':<28}{'seconds':>10}{'rows/s':>12}{'peak MB':>10}")
    for label, key in (("floor (csv + executemany)", "floor"), ("tracker import", "import"),
                       ("tracker re-import (same)", "reimport")):
        v = results[key]
        print(f"{label:<28}{v['seconds']:>10.1f}{rate[key]:>12,.0f}{v['peak_mb']:>10.0f}")
    ratio = rate["import"] / rate["floor"]
    print(f"import / floor: {ratio:.2f} (target >= 0.50)  "
          f"peak {i['peak_mb']:.0f} MB (target < 300)  "
          f"re-import / import: {rate['reimport'] / rate['import']:.2f} (target >= 1.00)")
    print(f"of the import's {i['seconds']:.1f} s, the row import itself took {i['importer_seconds']:.1f} s; the rest is "
          "the first pass over the file (fingerprint, encoding), control derivation from the new territory "
          "events, and the commit")
    print(i["summary"])
    print(r["summary"])


if __name__ == "__main__":
    main()
