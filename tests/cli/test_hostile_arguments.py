"""The hostile corpus of command lines: every command given what users mistype, on both backends.

Each case asserts what a user sees: the exit code (1 for a mistake in what
was asked, 2 for a usage error), one ``Error:`` line naming the problem, no
traceback, and a store exactly as it was (its dump compared before and after).
"""

from __future__ import annotations

import pytest
from conftest import ROOT, snapshot

SEED = str(ROOT / "seeds" / "derna-2015.yaml")
UCDP = str(ROOT / "tests" / "data" / "ucdp" / "ged191_syria_sample.csv")
ACLED = str(ROOT / "tests" / "data" / "acled_own" / "acled_own_2015.csv")

CASES = [
    # (command line, exit code, what the last line says)
    (["who-held", "Derna", "--at", "2015-13"], 2, "month must be 1-12 in '2015-13'"),
    (["who-held", "Derna", "--at", "0001"], 2, "is before 1800 (a typo?)"),
    (["who-held", "Derna"], 2, "Missing option '--at'"),
    (["who-held", "Atlantis", "--at", "2015"], 1, "no place named 'Atlantis'"),
    (["who-held", "--at", "2015"], 2, "give a PLACE or --near PLACE|LAT,LON --radius KM"),
    (["who-held", "Derna", "--at", "2015", "--prefer", "best"], 2, "'best': use graded, latest or source=NAME"),
    (["who-held", "Derna", "--at", "2015", "--horizon", "-3"], 2, "--horizon"),
    (["who-held", "Derna", "--at", "2015", "--as-of", "soon"], 2, "not a moment: 'soon'"),
    (["who-held", "Derna", "--at", "2015/2014"], 2, "range ends before it starts"),
    (["held-by", "Nobody At All", "--at", "2015"], 1, "no actor named 'Nobody At All'"),
    (["held-by", "MSC Derna"], 2, "Missing option '--at'"),
    (["timeline", "Nowhere Land"], 1, "no place or actor named 'Nowhere Land'"),
    (["events", "--from", "2015-07", "--to", "2015-06"], 2, "--to (2015-06) is before --from (2015-07)"),
    (["events", "--type", "Armd clash"], 1, "did you mean"),
    (["events", "--country", "Atlantis"], 1, "Atlantis"),
    (["events", "--admin1", "Nowhere"], 1, "Nowhere"),
    (["events", "--dataset", "acledd"], 1, "acledd"),
    (["events", "--source", "no-such-source"], 1, "no-such-source"),
    (["events", "--min-fatalities", "-1"], 2, "--min-fatalities"),
    (["events", "--certainty", "sure"], 1, "sure"),
    (["events", "--search", "!!!"], 1, "has no words to search for"),
    (["events", "--near", "Derna"], 2, "--radius"),
    (["events", "--near", "Derna", "--radius", "-5"], 2, "--radius"),
    (["events", "--limit", "0"], 2, "--limit"),
    (["events", "--offset", "-1"], 2, "--offset"),
    (["events", "--sort", "size"], 2, "'size' is not one of"),
    (["events", "--actor", "Abu Salm"], 1, "no actor named 'Abu Salm'"),
    (["events", "--place", "Dernaa"], 1, "no place named 'Dernaa'"),
    (["events", "--as-of", "2026-02-30"], 2, "not a moment: '2026-02-30'"),
    (["events", "--format", "xml"], 2, "'xml' is not one of"),
    (["summary", "--by", "decade"], 2, "'decade' is not one of"),
    (["summary", "--role", "king"], 2, "'king' is not one of"),
    (["summary", "--from", "2016", "--to", "2015"], 2, "is before --from"),
    (["changes", "--from", "2015"], 2, "Missing option '--to'"),
    (["changes", "--from", "2015-07", "--to", "2015-06"], 2, "is before --from"),
    (["changes", "--from", "2015", "--to", "2016", "--country", "Atlantis"], 1, "Atlantis"),
    (["event-history", "ZZZ999"], 1, "no imported event named 'ZZZ999'"),
    (["event-history", "#99999999999999999999"], 1, "no event named '#99999999999999999999'"),
    (["place", "#0"], 1, "no place named '#0'"),
    (["actor", "#-1"], 1, "#-1"),
    (["places", "--kind", "planet"], 1, "planet"),
    (["actors", "--kind", "wizard"], 1, "wizard"),
    (["load", "/nonexistent/report.yaml"], 1, "/nonexistent/report.yaml"),
    (["load", str(ROOT / "seeds")], 2, "is a directory"),
    (["load"], 2, "Missing argument 'FILES...'"),
    (["import", "acled", "/nonexistent.csv"], 1, "/nonexistent.csv: no such file"),
    (["import", "ucdp", ACLED], 1, ACLED),
    (["import", "acled", UCDP], 1, UCDP),
    (["import", "acled", "--batch-size", "0", ACLED], 2, "--batch-size"),
    (["import", "acled", "--encoding", "klingon", ACLED], 1, "klingon"),
    (["import", "control"], 2, "Missing argument 'FILES...'"),
    (["import", "control", "--date", "2022-01", SEED], 1, "a snapshot is of one day, not 2022-01"),
    (["import", "control", SEED], 1, "not a snapshot file (.csv, .geojson or .json)"),
    (["import", "control", "--mapping", SEED, SEED], 1, SEED),
    (["import", "acled-deletions", ACLED], 1, ACLED),
    (["export"], 2, "say what to export: --all"),
    (["export", "--all", "-o", "/nonexistent/dir/x.gz"], 1, "no such directory '/nonexistent/dir'"),
    (["actor", "merge", "MSC Derna", "MSC Derna"], 1, "are the same actor"),
    (["place", "merge", "Derna", "Derna"], 1, "Derna"),
    (["db", "upgrade", "zzzz"], 1, "Can't locate revision identified by 'zzzz'"),
    (["db", "downgrade"], 2, "Missing argument"),
    (["geocode", "Derna", "--country", "Atlantis"], 1, "Atlantis"),
    (["gazetteer", "load", "--file", "/nonexistent.json"], 2, "'/nonexistent.json' does not exist"),
    (["--wait", "-1", "stats"], 2, "--wait"),
    (["stats", "--format", "xml"], 2, "'xml' is not one of"),
    (["no-such-command"], 2, "No such command 'no-such-command'"),
]
# Every question, with a format it does not have, a moment that is none, and a date that is none.
QUESTIONS = {
    "who-held": ["who-held", "Derna", "--at", "2015-06"],
    "held-by": ["held-by", "MSC Derna", "--at", "2015-06"],
    "timeline": ["timeline", "Derna"],
    "changes": ["changes", "--from", "2015-06", "--to", "2015-07"],
    "events": ["events"],
    "summary": ["summary"],
}
for asked in QUESTIONS.values():
    CASES += [
        ([*asked, "--format", "xlsx"], 2, "'xlsx' is not one of"),
        ([*asked, "--as-of", "2026-11-31"], 2, "not a moment: '2026-11-31'"),
        ([*asked, "--as-of", "noon"], 2, "not a moment: 'noon'"),
    ]
for bad, said in (("2015-00", "month must be 1-12"), ("2015-02-30", "day must be 1-28 for that month"),
                  ("15-06-2015", "15-06-2015"), ("2015-W60", "2015-W60"), ("June 2015", "June 2015"),
                  ("2015-06-09/2015-06-01", "range ends before it starts")):
    CASES.append((["who-held", "Derna", "--at", bad], 2, said))
    CASES.append((["events", "--from", bad], 2, said))
for command in ("places", "actors", "sources", "stats"):
    CASES.append(([command, "--format", "xlsx"], 2, "'xlsx' is not one of"))
CASES += [
    (["events", "--near", "91,20", "--radius", "5"], 2, "91"),
    (["events", "--near", "32,200", "--radius", "5"], 2, "200"),
    (["events", "--radius", "5"], 2, "--near"),
    (["who-held", "Derna", "--near", "Derna", "--radius", "5", "--at", "2015"], 2, "only one of them"),
    (["event-history", "acled:"], 1, "acled:"),
    (["place", "#99999999999999999999999"], 1, "no place named '#99999999999999999999999'"),
    (["actor", "#99999999999999999999999"], 1, "no actor named '#99999999999999999999999'"),
]


@pytest.fixture
def seeded_once(seeded_run):
    return seeded_run, snapshot(seeded_run.url)


def _case_id(case) -> str:
    return " ".join(a if len(a) < 30 else "…" + a[-20:] for a in case[0])


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_a_mistyped_command_is_one_line_and_changes_nothing(seeded_once, case):
    run, before = seeded_once
    args, code, said = case
    result = run(*args)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("Error: "), result.stderr
    if code == 1:
        assert len(lines) == 1, result.stderr
    assert said in lines[-1], lines[-1]
    assert snapshot(run.url) == before


def test_the_corpus_is_large_enough():
    """With the report, CSV and map corpora: at least 150 hostile inputs in all."""
    from test_hostile_reports import REFUSED
    from test_import_robustness import HOSTILE

    assert len(CASES) + len(REFUSED) + len(HOSTILE) >= 150
