"""Property-based tests: coordinates parsing, and load -> export -> load round trips."""

import datetime as dt
import gzip
import json
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import Store
from tracker.geo.points import BadPoint, parse_point

latitudes = st.floats(-90, 90, allow_nan=False)
longitudes = st.floats(-180, 180, allow_nan=False)


@given(latitudes, longitudes)
def test_points_round_trip(lat, lon):
    text = f"{lat:.6f},{lon:.6f}"
    parsed = parse_point(text)
    assert parsed == (float(f"{lat:.6f}"), float(f"{lon:.6f}"))


@given(st.floats(90.000001, 1e6, allow_nan=False), longitudes)
def test_latitudes_off_the_globe_are_refused(lat, lon):
    try:
        parse_point(f"{lat:.6f},{lon:.6f}")
    except BadPoint as exc:
        assert "latitude" in str(exc)
    else:
        raise AssertionError("accepted a latitude beyond 90")


@given(st.text(max_size=20).filter(lambda t: "," not in t))
def test_text_without_comma_is_not_a_point(text):
    assert parse_point(text) is None


names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=25
).filter(lambda s: s.strip() and any(c.isalnum() for c in s))
days = st.dates(dt.date(1990, 1, 1), dt.date(2024, 12, 31))


@st.composite
def reports(draw):
    actor_names = draw(st.lists(names, min_size=1, max_size=4, unique_by=lambda s: __import__("tracker").normalize_name(s)))
    place_names = draw(st.lists(names, min_size=1, max_size=3, unique_by=lambda s: __import__("tracker").normalize_name(s)))
    events = []
    for i in range(draw(st.integers(0, 5))):
        start = draw(days)
        length = draw(st.integers(0, 10))
        date = start.isoformat() if not length else f"{start.isoformat()}/{(start + dt.timedelta(days=length)).isoformat()}"
        events.append({
            "id": f"e{i}", "date": date, "type": draw(st.sampled_from(["Battles", "Riots", "Protests"])),
            "place": f"p{draw(st.integers(0, len(place_names) - 1))}",
            "actors": [{"actor": f"a{draw(st.integers(0, len(actor_names) - 1))}", "role": "actor1"}],
            "fatalities": draw(st.integers(0, 1000)),
            "description": draw(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(
                "\n\t"), max_size=40)),  # text, with its line breaks and tabs; never other control characters
        })
    return {
        "format": "tracker-report/1",
        "report": {"id": f"r{uuid.uuid4().hex[:8]}", "title": draw(names)},
        "actors": [{"id": f"a{i}", "name": n} for i, n in enumerate(actor_names)],
        "places": [{"id": f"p{i}", "name": n, "country": "LY"} for i, n in enumerate(place_names)],
        "events": events,
    }


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(report=reports())
def test_load_export_load_round_trips(tmp_path, report):
    work = tmp_path / uuid.uuid4().hex
    work.mkdir()
    path = work / "report.json"
    path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    first = Store(f"sqlite:///{work / 'a.db'}")
    first.load([str(path)])
    with open(work / "a.tracker.jsonl.gz", "wb") as out:
        first.export_all(out)
    second = Store(f"sqlite:///{work / 'b.db'}")
    second.load([str(work / "a.tracker.jsonl.gz")])
    with open(work / "b.tracker.jsonl.gz", "wb") as out:
        second.export_all(out)
    read = lambda p: gzip.open(p, "rt", encoding="utf-8").read()  # noqa: E731
    assert read(work / "a.tracker.jsonl.gz") == read(work / "b.tracker.jsonl.gz")
    for place in report["places"]:
        assert first.events(place=place["name"]).all() == second.events(place=place["name"]).all()
    first.close()
    second.close()
