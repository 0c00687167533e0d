"""Loading reports: idempotent, atomic, errors that name file, line and field."""

import json
import textwrap

import pytest
from conftest import SEED, snapshot

MINIMAL = """\
format: tracker-report/1
report:
  id: test-report
  title: A test report
  grading: B2
actors:
  - id: a
    name: Alpha Brigade
    aliases: [AB]
    kind: political militia
places:
  - id: town
    name: Testville
    kind: town
    country: LY
events:
  - id: e1
    date: "2015-06-09"
    type: Battles
    place: town
    actors: [{actor: a, role: actor1}]
control:
  - id: c1
    place: town
    holder: a
    from: "2015-06-09"
"""


def write(tmp_path, text, name="report.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def test_seed_loads_and_reloading_changes_nothing(run):
    first = run("load", str(SEED))
    assert first.exit_code == 0, first.output
    assert "inserted" in first.stderr and first.stdout == ""
    before = snapshot(run.url)
    second = run("load", str(SEED))
    assert second.exit_code == 0
    assert "unchanged" in second.stderr
    assert snapshot(run.url) == before


def test_seed_holds_the_report_faithfully(seeded):
    events = seeded.events(place="Derna").all()
    assert len(events) == 11  # the report's eleven, all at Derna or inside it
    certainty = {e["key"]: e["certainty"] for e in events}
    assert certainty["assassination-al-aker"] == "alleged"
    assert {str(e["date"]) for e in events} >= {"2015-06-09", "2015-06-11", "2015-06-12", "2015-06-13"}
    assert all(e["sources"] for e in events)
    residents = seeded.actor("Derna residents").one()
    assert any("supported_by" in r and "rumoured" in r for r in residents["relations"])
    msc = seeded.actor("MSC Derna").one()
    assert any("(likely)" in a for a in msc["assessments"])
    derna = seeded.place("Darna").one()
    assert derna["name"] == "Derna" and derna["within"] == "Libya"
    assert {"Darnah", "درنة"} <= set(derna["aliases"])


def test_changed_report_updates_its_records_in_place(tmp_path, run):
    path = write(tmp_path, MINIMAL)
    assert run("load", path).exit_code == 0
    first = json.loads(run("events", "--place", "Testville", "--format", "json").stdout)
    changed = MINIMAL.replace('type: Battles', 'type: Riots').replace("- id: c1", "- id: c1\n    status: contested")
    write(tmp_path, changed)
    result = run("load", path)
    assert result.exit_code == 0, result.output
    assert "updated" in result.stderr
    second = json.loads(run("events", "--place", "Testville", "--format", "json").stdout)
    assert [e["id"] for e in second] == [e["id"] for e in first]  # same record, updated in place
    assert second[0]["type"] == "Riots"
    held = json.loads(run("who-held", "Testville", "--at", "2015-06-10", "--format", "json").stdout)
    assert [h["status"] for h in held] == ["contested"]


def test_record_removed_from_report_is_removed(tmp_path, run):
    path = write(tmp_path, MINIMAL)
    run("load", path)
    write(tmp_path, MINIMAL.split("control:")[0])
    assert run("load", path).exit_code == 0
    result = run("who-held", "Testville", "--at", "2015-06-10")
    assert "no control recorded" in result.stdout


@pytest.mark.parametrize(
    "change, line, field, reason",
    [
        (('date: "2015-06-09"', 'date: "2015-13-45"'), 18, "events[0].date", "month must be 1-12"),
        (("    kind: town\n", "    kind: town\n    colour: red\n"), 15, "places[0].colour", "unknown field"),
        (("holder: a", "holder: Nobody Brigade"), 25, "control[0].holder", "unknown actor 'Nobody Brigade'"),
        (("grading: B2", "grading: Z9"), 5, "report.grading", "Z9"),
        (("kind: political militia", "kind: pirates"), 10, "actors[0].kind", "'pirates' is not one of"),
        (('from: "2015-06-09"', 'from: "2015-06-09"\n    until: "2015-06-01"'), 27, "control[0].until", "before it starts"),
        (("    place: town\n    actors", "    place: town\n    fatalities: {low: 5, best: 2}\n    actors"), 21,
         "events[0].fatalities", "low <= best <= high"),
    ],
)
def test_bad_record_is_refused_with_file_line_field_and_nothing_written(tmp_path, run, change, line, field, reason):
    assert run("load", str(SEED)).exit_code == 0
    before = snapshot(run.url)
    path = write(tmp_path, MINIMAL.replace(*change))
    result = run("load", path)
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in result.output
    assert message.startswith(f"Error: {path}:{line}: {field}: "), message
    assert reason in message
    assert snapshot(run.url) == before


def test_one_bad_file_among_several_writes_nothing(tmp_path, run):
    good = write(tmp_path, MINIMAL, "good.yaml")
    bad = write(tmp_path, MINIMAL.replace("test-report", "other").replace('"2015-06-09"', '"2015-02-30"'), "bad.yaml")
    result = run("load", good, bad)
    assert result.exit_code == 1
    assert f"{bad}:" in result.stderr
    assert run("sources", "--format", "json").stdout.strip() == "[]"


def test_yaml_tags_are_refused(tmp_path, run):
    path = write(tmp_path, MINIMAL.replace("title: A test report", "title: !!python/object:os.system ls"))
    result = run("load", path)
    assert result.exit_code == 1
    assert "unsupported YAML tag" in result.stderr and ":4: report.title" in result.stderr


def test_json_reports_load_too(tmp_path, run):
    import yaml

    data = yaml.safe_load(MINIMAL)
    path = tmp_path / "report.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = run("load", str(path))
    assert result.exit_code == 0, result.output
    assert "Alpha Brigade" in run("who-held", "Testville", "--at", "2015-07").stdout


def test_later_report_refers_to_earlier_reports_names(tmp_path, run):
    assert run("load", str(SEED)).exit_code == 0
    follow_up = """\
    format: tracker-report/1
    report: {id: follow-up, title: Follow-up}
    events:
      - id: e
        date: "2015-07-01"
        type: Battles
        place: DARNAH
        actors: [{actor: "msc derna", role: actor1}, {actor: Daesh, role: actor2}]
    """
    result = run("load", write(tmp_path, follow_up))
    assert result.exit_code == 0, result.output
    events = json.loads(run("events", "--actor", "Islamic State", "--format", "json").stdout)
    assert [e["key"] for e in events] == ["e"]
    assert events[0]["place"] == "Derna"


def test_ambiguous_reference_lists_candidates(tmp_path, run):
    two = """\
    format: tracker-report/1
    report: {id: two, title: Two Alphas}
    actors:
      - {id: a1, name: Alpha Brigade, country: LY}
      - {id: a2, name: Alpha Battalion, country: SY}
    """
    assert run("load", write(tmp_path, two, "two.yaml")).exit_code == 0
    also = """\
    format: tracker-report/1
    report: {id: three, title: Aliases}
    actors:
      - {id: x, name: Alpha Brigade, aliases: [Alpha]}
      - {id: y, name: Alpha Battalion, aliases: [Alpha]}
    """
    # Two actors claiming one alias is allowed; using that alias later is ambiguous.
    assert run("load", write(tmp_path, also, "also.yaml")).exit_code == 0
    result = run("held-by", "Alpha", "--at", "2015")
    assert result.exit_code == 1
    assert "ambiguous" in result.stderr
    assert "Alpha Brigade (other, LY)" in result.stderr and "Alpha Battalion (other, SY)" in result.stderr


def _darnah_tree(store) -> tuple:
    """What a user sees of Darnah: the events filed in the district, and the areas that hold the city."""
    events = sorted((e["dataset"], e["date"], e["description"]) for e in store.events(admin1="Darnah"))
    areas = sorted((p["kind"], p["name"]) for p in store.places(country="Libya") if p["kind"] in ("admin1", "admin2"))
    city = [(p["admin1"], p["admin2"], p["events"]) for p in store.places(search="Derna") if p["kind"] == "city"]
    return events, areas, city


def test_a_report_and_an_acled_file_meet_in_one_tree_in_either_order(new_db):
    """The seed's city Derna (alias Darnah) is ACLED's town Darnah, never ACLED's district Darnah:
    whichever comes first, the district holds the report's events and ACLED's."""
    from test_import_acled import OWN

    from tracker import Store

    trees = []
    for order in (("seed", "acled"), ("acled", "seed")):
        store = Store(new_db())
        for step in order:
            if step == "seed":
                store.load([str(SEED)])
            else:
                store.import_dataset("acled", str(OWN))
        trees.append(_darnah_tree(store))
        store.close()
    assert trees[0] == trees[1]
    events, areas, city = trees[0]
    import csv

    import yaml

    with open(OWN, encoding="utf-8", newline="") as fh:
        acled = sum(1 for row in csv.DictReader(fh) if row["admin1"] == "Darnah")
    report = len(yaml.safe_load(SEED.read_text(encoding="utf-8"))["events"])  # every one of them is in Derna
    assert sorted(d for d, _, _ in events) == ["acled"] * acled + ["report"] * report
    assert areas == [("admin1", "Benghazi"), ("admin1", "Darnah"), ("admin1", "Tripoli"),
                     ("admin2", "Benghazi"), ("admin2", "Darnah"), ("admin2", "Tripoli")]
    assert city == [("Darnah", "Darnah", 14)]


CITY_ONLY = """\
format: tracker-report/1
report: {id: own-derna-city, title: A city the dataset does not name, published: "2015-06"}
places:
  - {id: libya, name: Libya, kind: country, country: LY}
  - {id: city, name: Derna city, kind: city, parent: libya, geonames_id: 87205,
     coordinates: {lat: 32.76704, lon: 22.63669}}
events:
  - {id: e1, date: "2015-06-12", type: Battles, place: city, description: Fighting in the city.}
"""


@pytest.mark.parametrize("report_first", [True, False])
def test_the_gazetteers_admin_code_files_a_city_in_the_datasets_area(new_db, tmp_path, report_first):
    """A report's city the ACLED rows never name (no name in common) still meets them in one tree:
    the gazetteer puts GeoNames 87205 in admin1 70, Darnah, the area ACLED's rows are filed in."""
    from test_geocode import SAMPLE
    from test_import_acled import OWN

    from tracker import Store

    report = tmp_path / "city.yaml"
    report.write_text(CITY_ONLY, encoding="utf-8")
    store = Store(new_db())
    store.load_gazetteer(str(SAMPLE))
    steps = [lambda: store.load([str(report)]), lambda: store.import_dataset("acled", str(OWN))]
    for step in steps if report_first else reversed(steps):
        step()
    [city] = [p for p in store.places(search="Derna city")]
    assert (city["admin1"], city["parent"]) == ("Darnah", "Darnah")
    assert [e["description"] for e in store.events(admin1="Darnah", dataset="report")] == ["Fighting in the city."]
    store.close()


def test_a_report_alone_keeps_its_own_tree(new_db, tmp_path):
    """No area is made up from the gazetteer: with no dataset, the city stays in its country."""
    from test_geocode import SAMPLE

    from tracker import Store

    report = tmp_path / "city.yaml"
    report.write_text(CITY_ONLY, encoding="utf-8")
    store = Store(new_db())
    store.load_gazetteer(str(SAMPLE))
    store.load([str(report)])
    [city] = [p for p in store.places(search="Derna city")]
    assert (city["admin1"], city["parent"]) == ("", "Libya")
    store.close()
