"""Write a large, valid report (format tracker-report/1) for the bounded-memory load benchmark.

    python bench/big_report.py --events 150000 -o /tmp/big.yaml
    python bench/big_report.py --events 150000 -o /tmp/big.json

The report has 200 actors, 2,000 places in 20 regions, one event per row with two
actors, fatalities, a description and a quote of some length (about 320 bytes of YAML
per event: 150,000 events make a file of about 50 MB), a control claim for every
tenth event and an assessment for every hundredth. Deterministic for a given size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random

TYPES = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
         ("Protests", "Peaceful protest"), ("Strategic developments", "Other")]


def report(events: int, seed: int = 7):
    """Yield the report's sections as (name, value) in file order; lists are generators."""
    rnd = random.Random(seed)
    yield "format", "tracker-report/1"
    yield "report", {"id": f"big-report-{events}", "title": f"A generated report of {events:,} events",
                     "publisher": "bench", "published": "2020-01-01", "grading": "B2"}
    yield "actors", ({"id": f"a{i}", "name": f"Armed Group Number {i}", "kind": "rebel group",
                      "aliases": [f"AG{i}"]} for i in range(200))
    regions = [{"id": f"r{i}", "name": f"Region {i}", "kind": "admin1", "country": "LY"} for i in range(20)]
    towns = [{"id": f"p{i}", "name": f"Town {i}", "kind": "town", "parent": f"r{i % 20}",
              "coordinates": {"lat": round(20 + (i % 97) * 0.1, 4), "lon": round(10 + (i // 97) * 0.1, 4)}}
             for i in range(2000)]
    yield "places", iter(regions + towns)
    start = dt.date(2015, 1, 1)

    def event(i: int) -> dict:
        kind, sub = TYPES[i % len(TYPES)]
        a, b = rnd.randrange(200), rnd.randrange(200)
        if a == b:
            b = (a + 1) % 200
        best = rnd.randrange(0, 20)
        return {"id": f"e{i}", "date": (start + dt.timedelta(days=i % 3000)).isoformat(), "type": kind,
                "sub_type": sub, "place": f"p{rnd.randrange(2000)}",
                "actors": [{"actor": f"a{a}", "role": "actor1"}, {"actor": f"a{b}", "role": "actor2"}],
                "fatalities": {"low": best, "best": best, "high": best + rnd.randrange(3)},
                "certainty": "reported",
                "description": f"Event {i}: armed group {a} and armed group {b} met near town number {i % 2000}.",
                "quote": "Fighting was reported between the two groups on the outskirts; residents said "
                         f"that the clashes lasted several hours (report {i})."}

    yield "events", (event(i) for i in range(events))
    yield "control", ({"id": f"c{i}", "place": f"p{i % 2000}", "holder": f"a{i % 200}", "status": "held",
                       "from": (start + dt.timedelta(days=i % 3000)).isoformat(), "begun_by": f"e{i}"}
                      for i in range(0, events, 10))
    yield "assessments", ({"id": f"s{i}", "statement": f"Group {i % 200} likely holds town {i % 2000}.",
                           "certainty": "likely", "event": f"e{i}"} for i in range(0, events, 100))


def write_yaml(out, events: int) -> None:
    for name, value in report(events):
        if isinstance(value, str):
            out.write(f"{name}: {value}\n")
        elif isinstance(value, dict):
            out.write(f"{name}:\n" + "".join(f"  {k}: {json.dumps(v)}\n" for k, v in value.items()))
        else:
            out.write(f"{name}:\n")
            for item in value:
                lines = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in item.items()]
                out.write("  - " + "\n    ".join(lines) + "\n")


def write_json(out, events: int) -> None:
    out.write("{\n")
    first = True
    for name, value in report(events):
        out.write(("" if first else ",\n") + f"  {json.dumps(name)}: ")
        first = False
        if isinstance(value, (str, dict)):
            out.write(json.dumps(value))
        else:
            out.write("[\n" + ",\n".join(f"    {json.dumps(item, ensure_ascii=False)}" for item in value) + "\n  ]")
    out.write("\n}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=150_000)
    parser.add_argument("-o", "--output", required=True, help="a .yaml or .json file")
    args = parser.parse_args()
    with open(args.output, "w", encoding="utf-8") as out:
        (write_json if args.output.endswith(".json") else write_yaml)(out, args.events)


if __name__ == "__main__":
    main()
