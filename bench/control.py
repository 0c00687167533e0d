"""Benchmark: point-in-time control answers at scale (issue 4).

Builds (once, deterministically) a SQLite store with 1,000,000 control spans
over 40,000 places held by 1,000 actors between 2000 and 2024, each span
citing a source, then measures:

* ``who_held(place, date)``, the core call, by place id and by name: median and p95;
* ``changes`` over a one-month window;
* the same point-in-time and window queries forced to a full scan
  (``NOT INDEXED``), next to the indexed ones, with SQLite's query plans, to
  show the indexes are what makes them fast.

    python bench/control.py                  # full size (about 3 minutes to build on 2 cores)
    python bench/control.py --places 4000 --spans 100000 --db /tmp/small.db
    python bench/control.py --db postgresql://postgres@127.0.0.1/bench   # an EMPTY database (or one it built)

On PostgreSQL the full scans are forced by turning the planner's index scans off.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from tracker import Store  # noqa: E402
from tracker.control.claims import who_held  # noqa: E402
from tracker.model.entities import (  # noqa: E402
    Actor,
    ActorAlias,
    ControlSpan,
    Location,
    LocationAlias,
    Source,
    control_sources,
)
from tracker.names.normalize import normalize_name  # noqa: E402
from tracker.query.changes import changes  # noqa: E402

START, END = dt.date(2000, 1, 1), dt.date(2024, 12, 31)
BATCH = 20_000


def build(store: Store, places: int, spans: int, actors: int, seed: int) -> None:
    rng = random.Random(seed)
    per_place = spans // places
    t0 = time.perf_counter()
    with store.engine.begin() as conn:
        now = dt.datetime(2025, 1, 1)
        conn.execute(insert(Source), [{"id": i + 1, "key": f"bench-{i + 1}", "kind": "report", "title": f"Bench report {i + 1}",
                                       "reliability": "ABCDEF"[i % 6], "credibility": str(1 + i % 6), "loaded_at": now}
                                      for i in range(100)])
        conn.execute(insert(Actor), [{"id": i + 1, "name": f"Actor {i + 1:04d}", "kind": "rebel group"}
                                     for i in range(actors)])
        conn.execute(insert(ActorAlias), [{"actor_id": i + 1, "name": f"Actor {i + 1:04d}",
                                           "normalized": normalize_name(f"Actor {i + 1:04d}")} for i in range(actors)])
        conn.execute(insert(Location), [{"id": i + 1, "name": f"Place {i + 1:05d}", "kind": "town", "country_code": "LY",
                                         "latitude": 20 + rng.random() * 10, "longitude": 10 + rng.random() * 15}
                                        for i in range(places)])
        conn.execute(insert(LocationAlias), [{"location_id": i + 1, "name": f"Place {i + 1:05d}",
                                              "normalized": normalize_name(f"Place {i + 1:05d}")} for i in range(places)])
        span_rows, links, span_id = [], [], 0
        total_days = (END - START).days
        for place in range(1, places + 1):
            # A chain of consecutive spans: each ends where the next begins.
            cuts = sorted(rng.sample(range(1, total_days), per_place - 1))
            bounds = [0] + cuts + [None]
            holder = rng.randrange(1, actors + 1)
            for i in range(per_place):
                span_id += 1
                lo = START + dt.timedelta(days=bounds[i])
                hi = START + dt.timedelta(days=bounds[i + 1]) if bounds[i + 1] is not None else None
                fuzzy = rng.random() < 0.1  # some boundaries known to the month only
                holder = rng.randrange(1, actors + 1) if rng.random() < 0.9 else holder
                source = rng.randrange(1, 101)
                span_rows.append({
                    "id": span_id, "source_id": source, "key": f"s{span_id}", "location_id": place, "actor_id": holder,
                    "status": "held" if rng.random() < 0.9 else "contested",
                    "start_min": None if i == 0 else lo, "start_max": None if i == 0 else lo + dt.timedelta(days=14 if fuzzy else 0),
                    "start_precision": None if i == 0 else ("range" if fuzzy else "day"),
                    "end_min": hi, "end_max": hi + dt.timedelta(days=14 if fuzzy else 0) if hi else None,
                    "end_precision": ("range" if fuzzy else "day") if hi else None,
                    "certainty": "reported", "origin": "reported",
                })
                links.append({"span_id": span_id, "source_id": source})
            if len(span_rows) >= BATCH:
                conn.execute(insert(ControlSpan.__table__), span_rows)
                conn.execute(insert(control_sources), links)
                span_rows, links = [], []
                print(f"\r  {span_id:,} spans", end="", file=sys.stderr, flush=True)
        if span_rows:
            conn.execute(insert(ControlSpan.__table__), span_rows)
            conn.execute(insert(control_sources), links)
        conn.exec_driver_sql("ANALYZE")
    print(f"\r  built {span_id:,} spans over {places:,} places in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[max(0, int(len(values) * 0.95) - 1)]
    return f"median {statistics.median(values) * 1000:8.3f} ms   p95 {p95 * 1000:8.3f} ms   (n={len(values)})"


POINT_SQL = ("SELECT id, actor_id, status FROM control_spans {hint} WHERE location_id = :loc "
             "AND (start_min IS NULL OR start_min <= :day) AND (end_max IS NULL OR end_max > :day)")
WINDOW_SQL = ("SELECT count(*) FROM control_spans {hint} WHERE start_min IS NOT NULL AND start_min >= :lo "
              "AND start_min <= :hi AND start_max >= :first")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/tracker-bench-control.db", help="a SQLite file, or a database URL")
    parser.add_argument("--places", type=int, default=40_000)
    parser.add_argument("--spans", type=int, default=1_000_000)
    parser.add_argument("--actors", type=int, default=1_000)
    parser.add_argument("--calls", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()

    url = args.db if "://" in args.db else f"sqlite:///{Path(args.db)}"
    store = Store(url)
    sqlite = store.engine.dialect.name == "sqlite"
    with store.session() as session:
        have = session.scalar(select(func.count()).select_from(ControlSpan))
    if have != (args.spans // args.places) * args.places:
        store.close()
        if not sqlite:
            if have:
                sys.exit("the benchmark needs an empty database (or one it built with the same sizes)")
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(str(Path(args.db)) + suffix).unlink(missing_ok=True)
        store = Store(url)
        build(store, args.places, args.spans, args.actors, args.seed)
    with store.session() as session:
        n_spans = session.scalar(select(func.count()).select_from(ControlSpan))
        n_places = session.scalar(select(func.count()).select_from(Location))
    print(f"{store.describe()}: {n_spans:,} control spans over {n_places:,} places")
    # PostgreSQL: a text of its own, or psycopg's prepared statement (planned with the indexes) would serve it.
    hint = "NOT INDEXED" if sqlite else "/* forced full scan */"
    explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "

    rng = random.Random(args.seed + 1)
    total = (END - START).days
    asks = [(rng.randrange(1, n_places + 1), START + dt.timedelta(days=rng.randrange(total)))
            for _ in range(args.calls)]
    answers: dict[str, int] = {}
    with store.session() as session:
        for place, day in asks[:50]:  # warm the caches
            who_held(session, place, day)
        it = iter(asks)

        def by_id():
            place, day = next(it)
            h = who_held(session, place, day)
            answers[h.answer] = answers.get(h.answer, 0) + 1

        print(f"who_held(place id, day)        {ms(timed(by_id, args.calls))}")
        it2 = iter(asks)

        def by_name():
            place, day = next(it2)
            who_held(session, f"Place {place:05d}", day)

        print(f"who_held(place name, day)      {ms(timed(by_name, args.calls))}")
        print(f"  answers: {answers}")

        conn = session.connection()

        def scanning(on: bool) -> None:  # PostgreSQL: no index may serve (SQLite says NOT INDEXED)
            if not sqlite:
                for setting in ("enable_indexscan", "enable_bitmapscan", "enable_indexonlyscan"):
                    conn.exec_driver_sql(f"SET {setting} = {'off' if on else 'on'}")

        def plan_of(sql: str, params: dict) -> str:
            rows = conn.execute(text(explain + sql), params).all()
            return " | ".join(str(r[-1]).strip() for r in rows)

        it3 = iter(asks)
        indexed = timed(lambda: conn.execute(text(POINT_SQL.format(hint="")),
                                             dict(zip(("loc", "day"), next(it3), strict=True))).all(), args.calls)
        it4 = iter(asks[:20])
        scanning(True)
        scan = timed(lambda: conn.execute(text(POINT_SQL.format(hint=hint)),
                                          dict(zip(("loc", "day"), next(it4), strict=True))).all(), 20)
        scan_plan = plan_of(POINT_SQL.format(hint=hint), {"loc": 1, "day": START})
        scanning(False)
        print(f"point query, indexed           {ms(indexed)}")
        print(f"point query, full scan         {ms(scan)}")
        print("  plan: " + plan_of(POINT_SQL.format(hint=""), {"loc": 1, "day": START}))
        print("  full-scan plan: " + scan_plan)

        month = (dt.date(2012, 5, 1), dt.date(2012, 5, 31))
        runs = timed(lambda: changes(session, month[0], month[1]), 5)
        found = len(changes(session, month[0], month[1]))
        print(f"changes 2012-05 (one month)    {ms(runs)}   -> {found:,} changes")
        window = {"lo": month[0] - dt.timedelta(days=400), "hi": month[1], "first": month[0]}
        w_index = timed(lambda: conn.execute(text(WINDOW_SQL.format(hint="")), window).all(), 5)
        scanning(True)
        w_scan = timed(lambda: conn.execute(text(WINDOW_SQL.format(hint=hint)), window).all(), 5)
        scanning(False)
        print(f"window query, indexed          {ms(w_index)}")
        print(f"window query, full scan        {ms(w_scan)}")
        print("  plan: " + plan_of(WINDOW_SQL.format(hint=""), window))
    store.close()


if __name__ == "__main__":
    main()
