"""Benchmark: radius queries over 1,000,000 events, gazetteer loading, place-name matching.

    python bench/radius.py                      # a fresh SQLite file in a temporary directory
    python bench/radius.py --db postgresql://postgres@127.0.0.1/bench   # an EMPTY database
    python bench/radius.py --events 200000 --queries 100                # smaller, quicker

1. A deterministic generator writes 60 "countries" of places (with coordinates)
   and N events (default 1,000,000, dates 2010-2019) straight into a new
   database created through the Alembic schema.
2. The radius query (50 km, one calendar year) around random places, through
   tracker.radius (bounding box on the locations index, exact geodesic
   distance, events by location_id + date on their index): median and 90th
   percentile; then the same query done as a full scan of the events table in
   the same run; then the whole `tracker events --near` path (ORM records).
3. Gazetteer: loading whole countries from the installed GeoNames file, and
   name matching throughput (names/s), in memory and through the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text  # noqa: E402

from tracker import radius  # noqa: E402
from tracker.model.entities import Event, Location, Source
from tracker.store import Store  # noqa: E402

COUNTRIES = 60
PLACES_PER_COUNTRY = 500
FIRST_DAY = dt.date(2010, 1, 1)
DAYS = (dt.date(2019, 12, 31) - FIRST_DAY).days + 1
EVENT_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
               "Strategic developments")


def generate(store: Store, events: int, seed: int = 2015) -> tuple[list[tuple[float, float]], float]:
    """Places and events, written with bulk inserts; returns the places' points and the seconds taken."""
    rng = random.Random(seed)
    started = time.perf_counter()
    points: list[tuple[float, float]] = []
    with store.session() as session:
        source_id = session.execute(insert(Source).values(
            key="bench", kind="dataset", title="Benchmark events", loaded_at=dt.datetime(2020, 1, 1))
            .returning(Source.id)).scalar_one()
        rows = []
        for c in range(COUNTRIES):
            # Country centres spread over the inhabited latitudes, a few degrees wide each.
            clat, clon = rng.uniform(-35, 60), rng.uniform(-180, 180)
            for p in range(PLACES_PER_COUNTRY):
                lat = max(-89.0, min(89.0, rng.gauss(clat, 2.0)))
                lon = (rng.gauss(clon, 2.5) + 180) % 360 - 180
                points.append((lat, lon))
                rows.append({"name": f"place {c}-{p}", "kind": "village", "country_code": None,
                             "latitude": lat, "longitude": lon, "coord_precision": "exact"})
        session.execute(insert(Location), rows)
        ids = list(session.scalars(select(Location.id).order_by(Location.id)))
        batch = []
        for i in range(events):
            day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
            if rng.random() < 0.1:  # a tenth known to the month only
                start = day.replace(day=1)
                end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
                precision = "month"
            else:
                start = end = day
                precision = "day"
            batch.append({"source_id": source_id, "key": f"e{i}", "date_start": start, "date_end": end,
                          "date_precision": precision, "event_type": rng.choice(EVENT_TYPES),
                          "location_id": ids[rng.randrange(len(ids))], "certainty": "reported"})
            if len(batch) == 50_000:
                session.execute(insert(Event), batch)
                batch.clear()
                print(f"\r  {i + 1:,} events", end="", file=sys.stderr, flush=True)
        if batch:
            session.execute(insert(Event), batch)
        print(file=sys.stderr)
    return points, time.perf_counter() - started


def full_scan(session, center: radius.Center, km: float, year: int) -> list[int]:
    """The same question answered by reading every event of the table (no index on events)."""
    boxes = radius.bounding_boxes(center.latitude, center.longitude, km)
    dialect = session.bind.dialect.name
    not_indexed = " NOT INDEXED" if dialect == "sqlite" else ""
    box_sql = " OR ".join(f"(l.latitude BETWEEN {a} AND {b} AND l.longitude BETWEEN {c} AND {d})" for a, b, c, d in boxes)
    # "+e.location_id": no index lookup from places to events; the events table is read whole.
    rows = session.execute(text(
        f"SELECT e.id, l.latitude, l.longitude FROM events AS e{not_indexed} JOIN locations AS l "
        f"ON l.id = +e.location_id WHERE e.date_end >= :first AND e.date_start <= :last AND ({box_sql})"),
        {"first": dt.date(year, 1, 1), "last": dt.date(year, 12, 31)}).all()
    return [i for i, lat, lon in rows if radius.within(center.point, (lat, lon), km)]


def bench_radius(store: Store, points, queries: int, scans: int, km: float = 50.0, seed: int = 7) -> None:
    rng = random.Random(seed)
    centres = []
    for _ in range(queries):
        lat, lon = points[rng.randrange(len(points))]
        centres.append((radius.Center(lat + rng.uniform(-0.2, 0.2), lon + rng.uniform(-0.2, 0.2), "c"),
                        rng.randrange(2010, 2020)))
    timings, found = [], []
    with store.session() as session:
        for center, year in centres:
            t = time.perf_counter()
            ids = radius.event_ids_near(session, center, km, start=str(year), end=str(year))
            timings.append((time.perf_counter() - t) * 1000)
            found.append(len(ids))
        scan_times = []
        for center, year in centres[:scans]:
            t = time.perf_counter()
            scanned = full_scan(session, center, km, year)
            scan_times.append((time.perf_counter() - t) * 1000)
            indexed = radius.event_ids_near(session, center, km, start=str(year), end=str(year))
            assert sorted(scanned) == sorted(indexed), "the indexed query and the full scan disagree"
        from tracker import postgis

        portable_times = []
        if postgis.geography_schema(session, "locations"):  # PostgreSQL with PostGIS: compare the two prefilters
            for center, year in centres:
                t = time.perf_counter()
                radius.event_ids_near(session, center, km, start=str(year), end=str(year), postgis=False)
                portable_times.append((time.perf_counter() - t) * 1000)
    record_times = []
    for center, year in centres[: min(50, queries)]:
        t = time.perf_counter()
        store.events(near=center, radius_km=km, start=str(year), end=str(year))
        record_times.append((time.perf_counter() - t) * 1000)

    def q(values, p):
        return sorted(values)[min(len(values) - 1, int(p * len(values)))]

    print(f"radius query, {km:g} km, one year, {queries} random centres:")
    print(f"  indexed (tracker.radius.event_ids_near): median {statistics.median(timings):.2f} ms, "
          f"p90 {q(timings, 0.9):.2f} ms, max {max(timings):.2f} ms; events found: median "
          f"{statistics.median(found):.0f}, max {max(found)}")
    if portable_times:
        print(f"  (prefilter above: PostGIS ST_DWithin on the GiST index) the portable bounding-box prefilter "
              f"instead: median {statistics.median(portable_times):.2f} ms, p90 {q(portable_times, 0.9):.2f} ms")
    print(f"  full scan of events, same query ({scans} runs, same answers): median "
          f"{statistics.median(scan_times):.1f} ms  -> {statistics.median(scan_times) / statistics.median(timings):,.0f}x slower")
    print(f"  whole `tracker events --near` path (ORM records, {len(record_times)} runs): median "
          f"{statistics.median(record_times):.1f} ms")


def bench_gazetteer(url: str, countries: list[str]) -> None:
    from tracker import gazetteer

    store = Store(url)
    for code in countries:
        result = store.load_gazetteer(countries=[code])
        print(f"gazetteer load {code}: {result.places:,} places, {result.names:,} spellings in {result.seconds:.1f} s "
              f"({result.places / result.seconds:,.0f} places/s, reading the whole 60 MB cities1000.json)")
    rng = random.Random(11)
    with store.session() as session:
        t = time.perf_counter()
        index = gazetteer.GazetteerIndex(session, countries)
        print(f"in-memory index of {len(index):,} places built in {time.perf_counter() - t:.1f} s")
        spellings = [(p[1], p[2]) for p in index.places.values()]
        queries = []
        for name, cc in rng.sample(spellings, min(5000, len(spellings))):
            variant = rng.choice([name, name.upper(), name.replace("e", "a"), name + "h", "al-" + name,
                                  name.replace("ou", "u"), name.replace("k", "q")])
            queries.append((variant, cc))
        t = time.perf_counter()
        decided = sum(1 for n, cc in queries if index.match(n, cc).best is not None)
        in_memory = len(queries) / (time.perf_counter() - t)
        sample = queries[:1000]
        t = time.perf_counter()
        for n, cc in sample:
            gazetteer.match_place(session, n, cc)
        in_db = len(sample) / (time.perf_counter() - t)
    print(f"name matching ({len(queries):,} names and transliteration variants, by country): "
          f"{in_memory:,.0f} names/s in memory (GazetteerIndex), {in_db:,.0f} names/s through the database "
          f"(match_place); {decided / len(queries):.0%} decided without ambiguity")
    bench_gazetteer_radius(store, [(p.latitude, p.longitude) for p in index.places.values()])
    store.close()


def bench_gazetteer_radius(store: Store, points: list, queries: int = 200, km: float = 50.0) -> None:
    """Gazetteer places within 50 km of random gazetteer places (dense, unlike the generated places above);
    on PostgreSQL with PostGIS, the GiST prefilter beside the portable box."""
    from tracker import postgis

    rng = random.Random(13)
    centres = [points[rng.randrange(len(points))] for _ in range(queries)]
    with store.session() as session:
        ways = [True, False] if postgis.geography_schema(session, "gazetteer_places") else [False]
        for way in ways:
            times, found = [], []
            for point in centres:
                t = time.perf_counter()
                found.append(len(radius.gazetteer_places_within(session, point, km, postgis=way)))
                times.append((time.perf_counter() - t) * 1000)
            label = "PostGIS ST_DWithin (GiST)" if way else "bounding box (B-tree)"
            print(f"gazetteer places within {km:g} km of {queries} gazetteer places, prefilter {label}: "
                  f"median {statistics.median(times):.2f} ms; places found: median {statistics.median(found):.0f}, "
                  f"max {max(found)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="an empty database URL (default: a new SQLite file)")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--scans", type=int, default=10)
    parser.add_argument("--countries", default="LY,US", help="gazetteer countries to load (default LY,US)")
    parser.add_argument("--skip-gazetteer", action="store_true")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{tmp.name}/bench.db"
    store = Store(url)
    with store.session() as session:
        if session.scalar(select(Event.id).limit(1)) is not None:
            sys.exit("the benchmark needs an empty database")
    print(f"{store.describe()}: generating {COUNTRIES} countries x {PLACES_PER_COUNTRY} places, {args.events:,} events")
    points, seconds = generate(store, args.events)
    print(f"  written in {seconds:.1f} s ({args.events / seconds:,.0f} events/s)")
    bench_radius(store, points, args.queries, args.scans)
    store.close()
    if not args.skip_gazetteer:
        bench_gazetteer(url, [c.strip() for c in args.countries.split(",") if c.strip()])
    tmp.cleanup()


if __name__ == "__main__":
    main()
