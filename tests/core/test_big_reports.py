"""Big reports load in memory bounded by a record, not by the file (tracker.ingest.documents
stream_document, tracker.ingest.reports ReadReport), with the same checks, lines and hashes as before."""

import json
import tracemalloc

import pytest
from conftest import ROOT, SEED, snapshot

from bench.big_report import write_json, write_yaml
from tracker.ingest.documents import read_document
from tracker.ingest.reports import content_hash, read_report
from tracker.store import Store

CORPUS = ROOT / "tests" / "corpus" / "reports"


def _generated(tmp_path, events: int, suffix: str = ".yaml") -> str:
    path = tmp_path / f"big-{events}{suffix}"
    with open(path, "w", encoding="utf-8") as out:
        (write_json if suffix == ".json" else write_yaml)(out, events)
    return str(path)


@pytest.mark.parametrize("path", [SEED, CORPUS / "odd-names.yaml"], ids=lambda p: p.name)
def test_the_streamed_hash_is_the_hash_of_the_whole_document(path, tmp_path):
    # Stores hold the hash of reports loaded before streaming: an unchanged file must stay "unchanged".
    whole = read_document(str(path)).data
    with read_report(str(path)) as report:
        assert report.digest() == content_hash(whole)
    as_json = tmp_path / "report.json"
    as_json.write_text(json.dumps(whole, indent="\t"), encoding="utf-8")  # tab-indented, \u escapes
    with read_report(str(as_json)) as report:
        assert report.digest() == content_hash(whole)


def test_records_come_back_with_their_own_lines(tmp_path):
    path = _generated(tmp_path, 300)
    text = open(path, encoding="utf-8").read().splitlines()
    with read_report(path) as report:
        records = list(report.records("events"))
    assert len(records) == 300
    i, doc = records[250]
    assert doc.data["id"] == "e250"
    assert text[doc.line_of(("events", 250, "date")) - 1].strip().startswith('date: "')
    assert text[doc.line_of(("events", 250, "id")) - 1].strip() == '- id: "e250"'


def _peak(work) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_takes_the_same_memory_for_four_times_the_events(tmp_path):
    small, big = _generated(tmp_path, 2000), _generated(tmp_path, 8000)

    def read(path):
        def work():
            with read_report(path) as report:
                for section in list(report.spools):
                    for _ in report.records(section):
                        pass
        return work

    read(small)()  # caches (the compiled schema) filled outside the measure
    small_peak, big_peak = _peak(read(small)), _peak(read(big))
    # Built whole, 6,000 more events took 100 MB more (17 kB an event); streamed, the peak stays.
    assert big_peak < small_peak + 2_000_000, (small_peak, big_peak)


def test_loading_takes_the_same_memory_for_four_times_the_events(tmp_path, sqlite_url):
    small, big = _generated(tmp_path, 1000), _generated(tmp_path, 4000)
    store = Store(sqlite_url)
    store.load([small])  # the gazetteer of the report's country, caches: outside the measure
    small_peak = _peak(lambda: store.load([_renamed(small, tmp_path, "again")]))
    big_peak = _peak(lambda: store.load([big]))
    assert store.events().count() == 1000 + 1000 + 4000
    # Built whole, 3,000 more events took 50 MB more; here a few MB (the key -> id map of the events).
    assert big_peak < small_peak + 8_000_000, (small_peak, big_peak)


def _renamed(path: str, tmp_path, name: str) -> str:
    out = tmp_path / f"{name}.yaml"
    text = open(path, encoding="utf-8").read()
    out.write_text(text.replace('id: "big-report-', f'id: "{name}-big-report-', 1), encoding="utf-8")
    return str(out)


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_bad_record_deep_in_a_big_file_names_its_line_and_writes_nothing(tmp_path, run, suffix):
    assert run("load", str(SEED)).exit_code == 0
    before = snapshot(run.url)
    path = _generated(tmp_path, 3000, suffix)
    text = open(path, encoding="utf-8").read()
    bad = '"2015-02-30"'  # no such day
    target = '"date": "2018-02-09"' if suffix == ".json" else 'date: "2018-02-09"'
    assert text.count(target) >= 1
    text = text.replace(target, target.replace('"2018-02-09"', bad), 1)
    open(path, "w", encoding="utf-8").write(text)
    line = text[: text.index(bad)].count("\n") + 1
    index = next(i for i in range(3000) if f'"e{i}"' in text.splitlines()[line - 1 - (0 if suffix == ".json" else 1)])
    result = run("load", path)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {path}:{line}: events[{index}].date: day must be 1-28 for that month in '2015-02-30'"
    assert snapshot(run.url) == before


def test_a_reference_deep_in_a_big_file_to_an_unknown_event_is_refused_by_line(tmp_path, run):
    path = _generated(tmp_path, 2500)
    text = open(path, encoding="utf-8").read()
    text = text.replace('"begun_by": "e2400"', '"begun_by": "e99999"').replace('begun_by: "e2400"', 'begun_by: "e99999"')
    open(path, "w", encoding="utf-8").write(text)
    line = text[: text.index('"e99999"')].count("\n") + 1
    result = run("load", path)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {path}:{line}: control[240].begun_by: no event with id 'e99999' in this report"
    assert snapshot(run.url)["events"] == []


def test_a_big_report_reloaded_with_fewer_events_updates_and_deletes(tmp_path, run):
    first = _generated(tmp_path, 2500)
    assert run("load", first).exit_code == 0
    fewer = tmp_path / "fewer.yaml"
    with open(fewer, "w", encoding="utf-8") as out:
        write_yaml(out, 2300)
    text = fewer.read_text(encoding="utf-8").replace('id: "big-report-2300"', 'id: "big-report-2500"', 1)
    fewer.write_text(text.replace("event 5: ", "event five: "), encoding="utf-8")
    result = run("load", str(fewer))
    assert result.exit_code == 0, result.output
    # 200 events gone (e2300-e2499), with the 20 control claims begun by them; the assessments
    # of the deleted events (e2300, e2400) go with their events.
    assert "events 200 deleted" in result.stderr and "control 20 deleted" in result.stderr
    events = json.loads(run("events", "--format", "json").stdout)
    assert len(events) == 2300
    assert {e["key"] for e in events} == {f"e{i}" for i in range(2300)}
    again = run("load", str(fewer))
    assert "unchanged" in again.stderr


def test_anchors_reach_across_the_streamed_records(tmp_path, run):
    path = tmp_path / "anchors.yaml"
    path.write_text(
        "format: tracker-report/1\n"
        "report: {id: anchors, title: Anchors}\n"
        "actors:\n  - {id: a, name: &group Alpha Brigade}\n"
        "places:\n  - {id: t, name: Testville, country: LY}\n"
        "events:\n"
        "  - {id: e1, date: '2015-06-09', type: Battles, place: t, actors: [{actor: *group, role: actor1}], quote: &q Shots were fired.}\n"
        "  - {id: e2, date: '2015-06-10', type: Battles, place: t, quote: *q}\n",
        encoding="utf-8")
    result = run("load", str(path))
    assert result.exit_code == 0, result.output
    events = json.loads(run("events", "--format", "json").stdout)
    assert [e["actor1"] for e in events] == [["Alpha Brigade"], []]


def test_json_escapes_of_characters_beyond_the_first_plane_are_one_character(tmp_path, run):
    path = tmp_path / "emoji.json"
    report = {"format": "tracker-report/1", "report": {"id": "emoji", "title": "Flags \U0001F1F1\U0001F1FE"},
              "places": [{"id": "t", "name": "Testville \U0001F3D9", "country": "LY"}]}
    path.write_text(json.dumps(report), encoding="utf-8")  # ensure_ascii: "\ud83c\udfd9"
    result = run("load", str(path))
    assert result.exit_code == 0, result.output
    assert json.loads(run("place", "Testville \U0001F3D9", "--format", "json").stdout)[0]["name"] == "Testville \U0001F3D9"


def test_nesting_beyond_any_report_is_refused_in_one_line(tmp_path, run):
    path = tmp_path / "deep.yaml"
    path.write_text("format: tracker-report/1\nreport: {id: d, title: D}\nevents:\n  - " + "[" * 200 + "]" * 200 + "\n",
                    encoding="utf-8")
    result = run("load", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {path}:4: nested more than 64 levels deep"


def test_json_text_is_the_same_whatever_the_size_of_the_reads():
    import io

    from tracker.ingest.documents import _JSONText

    text = '{"a":\t"x\\ud83c\\udfd9y", "b": "\\\\ud83c\\\\udfd9", "c": "\\\\\\ud83c\\udfd9", "d": "\\u0041\\n"}'
    whole = _JSONText(io.StringIO(text)).read()
    assert json.loads(whole) == {"a": "x\U0001F3D9y", "b": "\\ud83c\\udfd9",
                                                        "c": "\\\U0001F3D9", "d": "A\n"}
    for size in range(1, 40):
        reader, parts = _JSONText(io.StringIO(text)), []
        while part := reader.read(size):
            parts.append(part)
        assert "".join(parts) == whole, size


# -- what the whole-document reader accepted, the streaming reader accepts (or refuses better) -----
MINIMAL = {"format": "tracker-report/1", "report": {"id": "m", "title": "M"},
           "places": [{"id": "t", "name": "Testville", "country": "LY"}],
           "events": [{"id": "e1", "date": "2015-06-09", "type": "Battles", "place": "t"}]}


def _load(run, path):
    result = run("load", str(path))
    return result.exit_code, result.stderr.strip()


def test_a_json_report_with_a_byte_order_mark_loads(tmp_path, run):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(MINIMAL).encode())
    assert _load(run, path)[0] == 0
    assert len(json.loads(run("events", "--format", "json").stdout)) == 1


def test_json_the_yaml_parser_cannot_read_loads_whole(tmp_path, run):
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(MINIMAL).replace('"format"', '"format"\n'), encoding="utf-8")  # a key, a line break, ':'
    assert _load(run, path)[0] == 0
    assert len(json.loads(run("events", "--format", "json").stdout)) == 1


def test_an_anchored_top_level_mapping_loads(tmp_path, run):
    path = tmp_path / "anchored.yaml"
    path.write_text("&top\n" + json.dumps(MINIMAL), encoding="utf-8")
    assert _load(run, path)[0] == 0


def test_a_problem_in_a_top_level_value_names_the_line_of_its_key(tmp_path, run):
    path = tmp_path / "no-title.yaml"
    path.write_text("format: tracker-report/1\nreport:\n  id: r1\n", encoding="utf-8")
    assert _load(run, path) == (1, f"Error: {path}:2: report: 'title' is a required property")


def test_the_same_claim_twice_without_ids_is_refused_even_far_apart(tmp_path, run):
    claim = "  - {place: t, holder: a, status: held, from: '2015-06-13'}\n"
    events = "".join(f"  - {{id: e{i}, date: '2015-06-09', type: Battles, place: t}}\n" for i in range(3))
    fillers = "".join(f"  - {{place: t, holder: a, status: held, from: '{2010 + i // 336}-{1 + i % 336 // 28:02d}-{1 + i % 28:02d}'}}\n"
                      for i in range(1200))
    path = tmp_path / "twice.yaml"
    text = ("format: tracker-report/1\nreport: {id: twice, title: Twice}\nactors:\n  - {id: a, name: Alpha Brigade}\n"
            "places:\n  - {id: t, name: Testville, country: LY}\nevents:\n" + events + "control:\n" + claim + fillers + claim)
    path.write_text(text, encoding="utf-8")
    line = len(text.splitlines())
    assert _load(run, path) == (1, f"Error: {path}:{line}: control[1201]: the same record as an earlier one in control "
                                   "(t|a|held|2015-06-13|None); give each its own id")
    assert snapshot(run.url)["control_spans"] == []


def test_a_plain_value_with_a_mapping_tag_is_refused(tmp_path, run):
    path = tmp_path / "tagged.yaml"
    path.write_text("format: tracker-report/1\nreport: {id: g, title: G}\nevents:\n"
                    "  - {id: e1, date: '2015-06-09', type: Battles, fatalities: !!map ''}\n", encoding="utf-8")
    assert _load(run, path) == (1, f"Error: {path}:4: events[0].fatalities: a plain value tagged 'tag:yaml.org,2002:map'")


def test_a_code_with_a_trailing_line_break_is_refused_naming_the_field(tmp_path, run):
    path = tmp_path / "newline.yaml"
    path.write_text("format: tracker-report/1\nreport: {id: n, title: N}\nplaces:\n"
                    "  - id: t\n    name: Testville\n    country: \"LY\\n\"\n", encoding="utf-8")
    code, message = _load(run, path)
    assert code == 1 and message.startswith(f"Error: {path}:6: places[0].country: must match pattern"), message
