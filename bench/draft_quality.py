"""How well `tracker draft` drafts: precision and recall against hand-made reports of the same texts.

    python bench/draft_quality.py                      # the seed report and bench/drafting/*.txt
    python bench/draft_quality.py TEXT EXPECTED.yaml --published 2015-06-19

Each text is drafted (tracker.drafting, as `tracker draft` does, into an empty
store) and compared with its expected file (tracker.drafting.quality): actors,
places, events (type, overlapping dates, place), relations, control claims
(holder, place, status, period) and the certainty of the matched records.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from tracker.drafting import draft_file
from tracker.drafting.quality import compare

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# (text, expected, published)
CASES = [
    (ROOT.parent / "shared" / "seed-report" / "isil-loses-turf-war-in-libya.txt", ROOT / "seeds" / "derna-2015.yaml",
     "2015-06-19"),
    (HERE / "drafting" / "sirte-2016.txt", HERE / "drafting" / "sirte-2016.yaml", "2016-12-08"),
]


def measure(text: Path, expected: Path, published: str | None) -> tuple[list, dict]:
    drafted = draft_file(text, published=published).report()
    return compare(drafted, yaml.safe_load(expected.read_text("utf-8")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("text", nargs="?")
    parser.add_argument("expected", nargs="?")
    parser.add_argument("--published")
    args = parser.parse_args(argv)
    cases = [(Path(args.text), Path(args.expected), args.published)] if args.text else CASES
    for text, expected, published in cases:
        if not text.exists():
            print(f"{text}: not found, skipped", file=sys.stderr)
            continue
        scores, certainty = measure(text, expected, published)
        print(f"\n{text.name} against {expected.name}")
        print(f"  {'kind':<10} {'drafted':>7} {'expected':>8} {'matched':>7} {'precision':>9} {'recall':>6}")
        for s in scores:
            print(f"  {s.kind:<10} {s.drafted:>7} {s.expected:>8} {s.matched:>7} {s.precision:>9.2f} {s.recall:>6.2f}")
        drafted = sum(s.drafted for s in scores)
        exp = sum(s.expected for s in scores)
        matched = sum(s.matched for s in scores)
        print(f"  {'all':<10} {drafted:>7} {exp:>8} {matched:>7} {matched / drafted:>9.2f} {matched / exp:>6.2f}")
        print(f"  certainty of matched records: {certainty['same']}/{certainty['compared']} the same "
              f"({certainty['agreement']:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
