"""How long a query command takes end to end: process start to exit, the real ``tracker`` command.

    python bench/startup.py --db sqlite:////tmp/store.db [--runs 15]

Runs each command ``--runs`` times (after one warm-up run, so that the files are in the
page cache) and prints the median and the spread, beside two floors measured in the same
run: Python starting and exiting (``python -c pass``), and Python importing SQLAlchemy's
ORM (what any query through the models needs). The target (issue 14): a query command at
most 300 ms on a 1,000,000-event store.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

COMMANDS = [
    ("--version", ["--version"]),
    ("who-held (a place, a day)", ["who-held", "{place}", "--at", "2020-06-01"]),
    ("events (a place, a window)", ["events", "--place", "{place}", "--from", "2020-01-01", "--to", "2020-12-31",
                                    "--format", "csv"]),
    ("summary by month (a country)", ["summary", "--by", "month", "--country", "{country}"]),
]


def timed(argv: list[str], runs: int) -> list[float]:
    warm = subprocess.run(argv, capture_output=True, check=False)  # warm-up
    if warm.returncode:
        print(f"note: {' '.join(argv[-6:])} exits {warm.returncode}: {warm.stderr.decode().strip()[:200]}")
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, check=False)
        out.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            sys.exit(f"{' '.join(argv)} failed: {done.stderr.decode()[:300]}")
    return out


def busiest(tracker: list[str], db: str) -> tuple[str, str]:
    """The place and country with the most events in the store (the questions the benchmark asks)."""
    done = subprocess.run([*tracker, "--db", db, "summary", "--by", "place", "--format", "json"],
                          capture_output=True, text=True, check=True)
    import json

    rows = json.loads(done.stdout)
    top = max(rows, key=lambda r: r.get("events", 0))
    done = subprocess.run([*tracker, "--db", db, "summary", "--by", "country", "--format", "json"],
                          capture_output=True, text=True, check=True)
    country = max(json.loads(done.stdout), key=lambda r: r.get("events", 0))
    return str(top.get("place") or top.get("group")), str(country.get("country") or country.get("group"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--place", help="default: the place with the most events")
    parser.add_argument("--country", help="default: the country with the most events")
    args = parser.parse_args()
    exe = shutil.which("tracker")
    tracker = [exe] if exe else [sys.executable, "-c", "from tracker.cli import main; main()"]
    place, country = args.place, args.country
    if place is None or country is None:
        found = busiest(tracker, args.db)
        place, country = place or found[0], country or found[1]
    print(f"store {args.db}; place {place!r}, country {country!r}; {args.runs} runs each, median (min-max)")
    rows = [("python -c pass (floor)", timed([sys.executable, "-c", "pass"], args.runs)),
            ("python -c 'import sqlalchemy.orm' (floor)", timed([sys.executable, "-c", "import sqlalchemy.orm"], args.runs))]
    for label, argv in COMMANDS:
        filled = [a.format(place=place, country=country) for a in argv]
        rows.append((f"tracker {label}", timed([*tracker, "--db", args.db, *filled], args.runs)))
    for label, times in rows:
        ms = [t * 1000 for t in times]
        print(f"{label:<45}{statistics.median(ms):>8.0f} ms  ({min(ms):.0f}-{max(ms):.0f})")


if __name__ == "__main__":
    main()
