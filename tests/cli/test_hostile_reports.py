"""The bad-input corpus for reports: each file is refused with one clear line and
the database is left exactly as it was; legitimate odd names are stored and printed safely."""

import json

import pytest
from conftest import ROOT, SEED, snapshot

CORPUS = ROOT / "tests" / "corpus" / "reports"
REFUSED = {
    "truncated.yaml": "events[0].type: None is not of type 'string'",
    "truncated-flow.yaml": "not valid YAML",
    "impossible-date.yaml": "events[0].date: day must be 1-28",
    "ancient-date.yaml": "events[0].date: implausible date",
    "future-date.yaml": "events[0].date: implausible date",
    "latitude-out-of-range.yaml": "places[0].coordinates.lat",
    "negative-fatalities.yaml": "events[0].fatalities",
    "python-tag.yaml": "unsupported YAML tag",
    "custom-tag.yaml": "unsupported YAML tag '!secret'",
    "billion-laughs.yaml": "aliases repeat more than 100,000 values (an alias bomb?)",
    "self-parent.yaml": "places[0].parent",
    "parent-cycle.yaml": "cycle",
    "self-relation.yaml": "relations[0].other: an actor cannot be related to itself",
    "unknown-event-ref.yaml": "control[0].begun_by: no event with id 'nonexistent'",
    "duplicate-key.yaml": "events[0].type: duplicate key",
    "duplicate-id.yaml": "events[1].id: duplicate id 'e1'",
    "not-a-mapping.yaml": "is not of type 'object'",
    "empty.yaml": "the file is empty",
    "wrong-format.yaml": "unsupported format 'tracker-report/9'",
    "csv-instead.yaml": "is not of type 'object'",
    "merge-key.yaml": "merge keys",
    "utf16.yaml": "not UTF-8 text",
    "nul-byte.yaml": "NUL byte",
    "latin1.yaml": "not UTF-8 text",
    "escape-in-name.yaml": "places[0].name: control character U+001B in the text",
    "nul-escape-in-name.yaml": "actors[0].name: control character U+0000 in the text",
    "c1-control-in-notes.yaml": "events[0].description: control character U+0085 in the text",
    "nan-latitude.yaml": "places[0].coordinates.lat: nan is not a number a record can hold",
    "infinite-longitude.yaml": "places[0].coordinates.lon: -inf is not a number a record can hold",
    "geonames-id-too-big.yaml": "places[0].geonames_id: 1099511627776 is greater than the maximum of 2147483647",
    "fatalities-too-big.yaml": "events[0].fatalities",
    "low-over-best.yaml": "events[0].fatalities",
    "trailing-comma.json": "not valid JSON: Expecting property name enclosed in double quotes",
    "nan.json": "not valid JSON: NaN is not JSON",
}


def test_the_corpus_is_complete():
    on_disk = {p.name for p in CORPUS.iterdir()} - {"odd-names.yaml"}
    assert on_disk == set(REFUSED)


@pytest.fixture
def with_seed(run):
    assert run("load", str(SEED)).exit_code == 0
    return run, snapshot(run.url)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_bad_file_is_refused_and_changes_nothing(with_seed, name):
    run, before = with_seed
    path = CORPUS / name
    result = run("load", str(path))
    assert result.exit_code == 1, result.output
    message = result.stderr
    assert message.startswith(f"Error: {path}"), message
    assert len(message.strip().splitlines()) == 1, message
    assert REFUSED[name] in message
    assert "Traceback" not in result.output
    assert snapshot(run.url) == before


def test_a_ten_megabyte_field_is_refused(tmp_path, with_seed):
    run, before = with_seed
    path = tmp_path / "huge.yaml"
    text = (CORPUS.parent.parent / "corpus" / "reports" / "impossible-date.yaml").read_text().replace("2015-02-30", "2015-06-09")
    path.write_text(text.replace("    type: Battles\n", f"    type: Battles\n    description: \"{'x' * 10_000_000}\"\n"))
    result = run("load", str(path))
    assert result.exit_code == 1
    assert "events[0].description" in result.stderr and "too long" in result.stderr
    assert snapshot(run.url) == before


def test_odd_names_are_stored_exactly(run):
    result = run("load", str(CORPUS / "odd-names.yaml"))
    assert result.exit_code == 0, result.output
    actor = json.loads(run("actor", "Robert'); DROP TABLE actors;--", "--format", "json").stdout)[0]
    assert actor["name"] == "Robert'); DROP TABLE actors;--"
    name = "Evil <b>Town</b> \u202eknwoT"  # markup and a right-to-left override are text, not control characters
    place = json.loads(run("place", name, "--format", "json").stdout)[0]
    assert place["name"] == name
    assert json.loads(run("events", "--place", f"#{place['id']}", "--format", "json").stdout)[0]["place"] == name
