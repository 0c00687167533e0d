"""A deterministic generator of realistic ACLED-format CSV, for benchmarks.

The rows look like a current ACLED export (31 columns, the 2023 column set):
thousands of actors used with a Zipf-like spread (a few very common, a long
tail), tens of thousands of locations under countries > admin1 > admin2 >
admin3, long notes with quotes and commas, associated actors as
semicolon-separated lists. Nothing here comes from ACLED: names are made of
syllables, so the files can be shared freely.

    python bench/acled_data.py --rows 1000000 --out /tmp/acled-1m.csv
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import itertools
import random
import sys

HEADER = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
          "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
          "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
          "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp"]

# (disorder type, event type, sub-event type, weight): territory changes are under 1% of
# events, as in ACLED's own data.
TYPES = [
    ("Demonstrations", "Protests", "Peaceful protest", 40),
    ("Demonstrations", "Protests", "Protest with intervention", 4),
    ("Demonstrations", "Riots", "Violent demonstration", 4),
    ("Political violence", "Riots", "Mob violence", 4),
    ("Political violence", "Battles", "Armed clash", 14),
    ("Political violence", "Battles", "Government regains territory", 0.3),
    ("Political violence", "Battles", "Non-state actor overtakes territory", 0.3),
    ("Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack", 8),
    ("Political violence", "Explosions/Remote violence", "Air/drone strike", 3),
    ("Political violence", "Explosions/Remote violence", "Remote explosive/landmine/IED", 2),
    ("Political violence", "Violence against civilians", "Attack", 10),
    ("Political violence", "Violence against civilians", "Abduction/forced disappearance", 2),
    ("Strategic developments", "Strategic developments", "Arrests", 2),
    ("Strategic developments", "Strategic developments", "Change to group/activity", 2),
    ("Strategic developments", "Strategic developments", "Non-violent transfer of territory", 0.2),
    ("Strategic developments", "Strategic developments", "Headquarters or base established", 0.1),
]
SYLLABLES = ["al", "ba", "da", "ra", "ka", "ma", "na", "sa", "ta", "za", "qa", "ha", "ya", "wa", "bu", "du", "ru",
             "ku", "mu", "nu", "su", "tu", "zi", "ri", "li", "mi", "ni", "si", "ti", "shi", "kha", "gha", "dar",
             "bal", "kar", "mar", "nar", "sar", "tar", "zan", "han", "jab", "qal", "rab"]
KINDS = ["Military Forces of", "Police Forces of", "Militia", "Rebel Front of", "Liberation Army of", "Brigade",
         "Communal Militia", "Unidentified Armed Group", "Islamic State", "Rioters", "Protesters", "Civilians"]
INTER = {"Military Forces of": 1, "Police Forces of": 1, "Rebel Front of": 2, "Liberation Army of": 2,
         "Militia": 3, "Brigade": 3, "Unidentified Armed Group": 3, "Islamic State": 2, "Communal Militia": 4,
         "Rioters": 5, "Protesters": 6, "Civilians": 7}
SOURCES = ["Reuters", "AFP", "Associated Press", "BBC Monitoring", "Al Jazeera", "Local partner", "Twitter",
           "Radio Dabanga", "Xinhua", "Anadolu Agency", "Sahara Reporters", "Libya Observer"]
SCALES = ["National", "Subnational", "International", "Local partner-National", "New media", "Other"]
WORDS = ("forces attacked positions near village town district residents reported clashes killed injured "
         "police arrested demonstrators gathered demanding release of detained activists while security "
         "officials said the group had withdrawn after heavy fighting shelling targeted neighbourhood houses "
         "market checkpoint road convoy according to local sources several others wounded").split()


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


class World:
    """Countries, places and actors, drawn once from the seed."""

    def __init__(self, seed: int, countries: int = 50, places: int = 40000, actors: int = 6000):
        rng = random.Random(seed)
        self.countries = []
        for i in range(countries):
            name = _word(rng, 3) + ("ia" if i % 3 == 0 else "")
            self.countries.append((name, chr(65 + i // 26) + chr(65 + i % 26) + "X", 100 + i, rng.uniform(-30, 45),
                                   rng.uniform(-15, 60)))
        # places: country > admin1 > admin2 > admin3 > location, with fixed points
        self.places = []
        admin1 = {c: [_word(rng, 2) for _ in range(12)] for c in range(countries)}
        admin2 = {}
        for p in range(places):
            c = p % countries
            a1 = rng.randrange(12)
            key = (c, a1)
            if key not in admin2:
                admin2[key] = [_word(rng, 2) + " " + _word(rng, 1) for _ in range(6)]
            a2 = rng.choice(admin2[key])
            a3 = _word(rng, 2) if rng.random() < 0.6 else ""
            loc = _word(rng, rng.choice((2, 3))) + (f" {_word(rng, 2)}" if rng.random() < 0.2 else "")
            _, _, _, lat0, lon0 = self.countries[c]
            self.places.append((c, admin1[c][a1], a2, a3, loc, round(lat0 + rng.uniform(-4, 4), 4),
                                round(lon0 + rng.uniform(-4, 4), 4), rng.choice((1, 1, 1, 2, 3))))
        self.actors = []
        for a in range(actors):
            kind = KINDS[a % len(KINDS)]
            country = self.countries[rng.randrange(countries)][0]
            if kind in ("Rioters", "Protesters", "Civilians"):
                name = f"{kind} ({country})"
            elif kind.endswith("of"):
                name = f"{kind} {country} ({rng.randrange(1960, 2023)}-)"
            else:
                name = f"{_word(rng, 3)} {kind}"
            self.actors.append((name, INTER[kind]))
        self.actors = list(dict.fromkeys(self.actors))
        self.actor_weights = _zipf(len(self.actors))
        self.place_weights = _zipf(len(self.places), 0.9)
        self.type_weights = list(itertools.accumulate(t[3] for t in TYPES))


def _zipf(n: int, s: float = 1.1) -> list[float]:
    return list(itertools.accumulate(1.0 / (k ** s) for k in range(1, n + 1)))


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    return bisect.bisect_left(cumulative, rng.random() * cumulative[-1])


def rows(n: int, seed: int = 2015, world: World | None = None, start: dt.date = dt.date(2015, 1, 1)):
    """``n`` rows (lists of strings) in the order of HEADER."""
    world = world or World(seed)
    rng = random.Random(seed * 7919 + 1)
    counters: dict[int, int] = {}
    days = 3650
    for i in range(n):
        disorder, etype, sub, _ = TYPES[bisect.bisect_left(world.type_weights, rng.random() * world.type_weights[-1])]
        place = world.places[_pick(rng, world.place_weights)]
        c, a1, a2, a3, loc, lat, lon, geo = place
        cname, code, iso, _, _ = world.countries[c]
        counters[c] = counters.get(c, 0) + 1
        day = start + dt.timedelta(days=(i * days) // n)
        actor1, inter1 = world.actors[_pick(rng, world.actor_weights)]
        if etype == "Protests":
            actor1, inter1 = f"Protesters ({cname})", 6
        actor2, inter2 = ("", 0)
        if etype in ("Battles", "Violence against civilians", "Explosions/Remote violence", "Riots") or rng.random() < 0.2:
            actor2, inter2 = world.actors[_pick(rng, world.actor_weights)]
            if actor2 == actor1:
                actor2, inter2 = "", 0
        assoc1 = "; ".join(world.actors[_pick(rng, world.actor_weights)][0] for _ in range(rng.choice((0, 0, 0, 1, 2))))
        assoc2 = "; ".join(world.actors[_pick(rng, world.actor_weights)][0] for _ in range(rng.choice((0, 0, 0, 0, 1))))
        fatalities = 0 if etype in ("Protests", "Strategic developments") else int(rng.expovariate(0.3))
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(15, 60)))
        notes = (f'On {day.day} {day.strftime("%B %Y")}, {actor1} {words}, in {loc} ({a2}, {a1}). '
                 f'A spokesman said "the situation, in {loc}, remains tense", adding: "we will respond". '
                 f"[size={rng.choice(('no report', 'dozens', 'around 200', 'several hundred'))}]")
        yield [
            f"{code}{counters[c]}", day.isoformat(), str(day.year), rng.choice("1111111123"), disorder, etype, sub,
            actor1, assoc1, str(inter1), actor2, assoc2, str(inter2), str(min(inter1, inter2 or inter1) * 10 + inter2),
            "Civilian targeting" if etype == "Violence against civilians" else "", str(iso), "Region", cname, a1, a2,
            a3, loc, f"{lat:.4f}", f"{lon:.4f}", str(geo), "; ".join(rng.sample(SOURCES, rng.choice((1, 1, 2, 3)))),
            rng.choice(SCALES), notes, str(fatalities), "crowd size=no report" if etype == "Protests" else "",
            str(1600000000 + i),
        ]


def write(path: str, n: int, seed: int = 2015) -> None:
    with (open(path, "w", encoding="utf-8", newline="") if path != "-" else sys.stdout) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows(n, seed))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--out", default="-")
    args = parser.parse_args()
    write(args.out, args.rows, args.seed)
