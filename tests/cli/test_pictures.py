"""Pictures: the control timeline, the event chart and the control map, checked by what they show.

The images are read back and sampled where the core's own layout (the axes' transforms) says a
holder's bar or area lies: a test fails if the picture shows the wrong holder there, not only if no
file is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")  # the charts extra: ./scripts/test installs it

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data" / "realworld"
RAW = SHARED / "territorial_control" / "deepstatemap_raw_snapshots"
ACLED = SHARED / "acled"
KHARKIV = ROOT / "seeds" / "ukraine-kharkiv-2022.yaml"
MAPPING = ROOT / "seeds" / "control-maps" / "deepstatemap.yaml"
# DeepStateMap's first snapshot of 2022-09-01, of each day 2022-09-05..16, and of 2022-10-01 (MANIFEST.csv)
SEPTEMBER = ["1662064277", "1662411667", "1662501910", "1662543371", "1662647935", "1662717073", "1662802147",
             "1662901759", "1662982685", "1663054503", "1663166027", "1663271871", "1663356276", "1664627935"]


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _dominant(image, x: float, y: float, r: int = 3) -> tuple[int, int, int]:
    """The most common colour of the (2r+1)² pixels around display point (x, y) (origin bottom left)."""
    h = image.shape[0]
    row, col = int(round(h - y)), int(round(x))
    patch = image[row - r:row + r + 1, col - r:col + r + 1, :3].reshape(-1, 3)
    return Counter(tuple(int(round(v * 255)) for v in px) for px in patch).most_common(1)[0][0]


def _close(a, b, tolerance: int = 12) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def test_the_derna_timeline_shows_three_periods_in_order_with_the_capture_marked(seeded_run, tmp_path):
    import matplotlib.dates as mdates
    import matplotlib.image as mpimg

    from tracker import Store
    from tracker.charts.timeline import draw_timeline, timeline_data

    out = tmp_path / "derna.png"
    result = seeded_run("chart", "timeline", "Derna", "-o", str(out))
    assert result.exit_code == 0 and result.stderr.startswith(f"{out}: written (")
    image = mpimg.imread(out)
    assert image.shape[:2] == (343, 1100)  # 11 x (1.6 + 0.55 x 3 lanes + 0.18 x 1 source) inches at 100 dpi
    store = Store(seeded_run.url)
    with store.reading(control=True) as session:
        data = timeline_data(session, "Derna")
    fig, ax = draw_timeline(data, str(tmp_path / "layout.png"))
    isis, msc = data.colours["Islamic State (Libya)"], data.colours["Mujahedeen Shura Council of Derna"]
    assert isis != msc
    lane = len(data.lanes) - 1  # Derna, the top lane

    def at(day: str, dy: float = 0.0):
        x, y = ax.transData.transform((mdates.date2num(dt.date.fromisoformat(day)), lane + dy))
        return _dominant(image, x, y)

    assert _close(at("2015-06-08"), _rgb(isis))  # held by ISIS before the fighting
    assert _close(at("2015-06-11", -0.17), _rgb(isis))  # contested: ISIS's half of the bar ...
    assert _close(at("2015-06-11", +0.17), _rgb(msc))  # ... and MSC Derna's
    assert _close(at("2015-06-14"), _rgb(msc))  # held by MSC Derna after the capture
    x, y = ax.transData.transform((mdates.date2num(dt.date(2015, 6, 13)), lane + 0.42))
    assert _close(_dominant(image, x, y - 1, 1), (0, 0, 0), 40)  # the capture of 13 June, marked
    assert [b.holder for b in sorted((b for b in data.bars if b.lane == "Derna" and b.status == "held"),
                                     key=lambda b: b.start)] == ["Islamic State (Libya)",
                                                                 "Mujahedeen Shura Council of Derna"]
    store.close()


def test_an_actor_timeline_has_a_lane_per_place_it_held(seeded_run, tmp_path):
    out = tmp_path / "msc.svg"
    assert seeded_run("chart", "timeline", "MSC Derna", "-o", str(out)).exit_code == 0
    text = out.read_text("utf-8")
    assert "Places held by Mujahedeen Shura Council of Derna" in text or "Places" in text
    assert text.startswith("<?xml")


def test_bad_picture_arguments_are_one_line_errors(seeded_run, tmp_path):
    wrong = seeded_run("chart", "timeline", "Derna", "-o", str(tmp_path / "derna.gif"))
    assert wrong.exit_code == 2 and "the file's extension says the format, one of .png, .svg, .pdf" in wrong.stderr
    nowhere = seeded_run("chart", "timeline", "Atlantis", "-o", str(tmp_path / "a.png"))
    assert nowhere.exit_code == 1 and nowhere.stderr.startswith("Error: no ")
    frame = seeded_run("map", "--at", "2015-06-14", "-o", str(tmp_path / "m.png"))
    assert frame.exit_code == 2 and "frame the map with --bbox or with --place and --radius" in frame.stderr
    box = seeded_run("map", "--bbox", "1,2,3", "-o", str(tmp_path / "m.png"))
    assert box.exit_code == 2 and "give MIN_LON,MIN_LAT,MAX_LON,MAX_LAT (four numbers)" in box.stderr


def test_a_map_around_a_place_colours_it_by_its_holder(seeded_run, tmp_path):
    import matplotlib.image as mpimg

    from tracker import Store
    from tracker.charts.maps import draw_map, map_data

    out = tmp_path / "derna-map.png"
    result = seeded_run("map", "--at", "2015-06-14", "--place", "Derna", "--radius", "40", "--from", "2015-06-01",
                        "--to", "2015-06-30", "-o", str(out))
    assert result.exit_code == 0, result.output
    store = Store(seeded_run.url)
    data = map_data(store, dt.date(2015, 6, 14), place="Derna", radius_km=40, start="2015-06-01", end="2015-06-30")
    assert [(p.name, p.holders) for p in data.places if p.name == "Derna"] == [
        ("Derna", ["Mujahedeen Shura Council of Derna"])]
    assert len(data.events) == 11  # every event of the seed lies at Derna's point
    fig, ax = draw_map(data, str(tmp_path / "layout.png"))
    image = mpimg.imread(out)
    x, y = ax.transData.transform((22.63669 + 0.05, 32.76704 - 0.1))  # south of the markers: land, not the sea
    assert _close(_dominant(image, x, y, 1), _rgb("#f4f1ea"), 6)
    store.close()


@pytest.mark.skipif(not RAW.is_dir(), reason="the DeepStateMap snapshots of ../shared are not here")
def test_the_kharkiv_map_of_20_september_2022(sqlite_url, tmp_path):
    import matplotlib.image as mpimg
    from conftest import Run

    from tracker import Store
    from tracker.charts.maps import draw_map, map_data, parse_bbox

    run = Run(sqlite_url)
    assert run("load", str(KHARKIV)).exit_code == 0
    files = [str(RAW / f"{ts}.geojson") for ts in SEPTEMBER]
    assert run("import", "control", "--make-valid", "--mapping", str(MAPPING), *files).exit_code == 0
    out = tmp_path / "kharkiv.png"
    result = run("map", "--at", "2022-09-20", "--bbox", "35.5,48.8,38.5,50.2", "-o", str(out))
    assert result.exit_code == 0, result.output
    store = Store(sqlite_url)
    data = map_data(store, dt.date(2022, 9, 20), bbox=parse_bbox("35.5,48.8,38.5,50.2"))
    assert {a.taken_on for a in data.areas} == {dt.date(2022, 9, 16)}  # the last snapshot before the day
    held = {p.name: p.holders for p in data.places}
    ukraine, russia = "Armed Forces of Ukraine", "Russian forces"
    assert held["Izium"] == [ukraine] and held["Balakliia"] == [ukraine]
    fig, ax = draw_map(data, str(tmp_path / "layout.png"))
    image = mpimg.imread(out)

    def pixel(lon, lat, r=2):
        return _dominant(image, *ax.transData.transform((lon, lat)), r)

    for lon, lat in ((37.26, 49.21), (36.84, 49.46)):  # Izium, Balakliia: on the Ukrainian side
        assert _close(pixel(lon, lat), _rgb(data.colours[ukraine]))
    land = _rgb("#f4f1ea")
    occupied = tuple(round(0.45 * c + 0.55 * b) for c, b in zip(_rgb(data.colours[russia]), land, strict=True))
    assert _close(pixel(38.15, 49.41, 1), occupied)  # Svatove, east of the line: the occupied area, filled
    store.close()


def _browser() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(not RAW.is_dir(), reason="the DeepStateMap snapshots of ../shared are not here")
def test_the_html_map_opens_offline_with_no_errors_and_no_requests(sqlite_url, tmp_path):
    from conftest import Run

    if _browser() is None or not _has_playwright():
        if os.environ.get("TRACKER_TEST_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium and playwright are required here (TRACKER_TEST_REQUIRE_BROWSER=1)")
        pytest.skip("no Chromium or no playwright")
    from playwright.sync_api import sync_playwright

    run = Run(sqlite_url)
    assert run("load", str(KHARKIV)).exit_code == 0
    files = [str(RAW / f"{ts}.geojson") for ts in SEPTEMBER]
    assert run("import", "control", "--make-valid", "--mapping", str(MAPPING), *files).exit_code == 0
    out = tmp_path / "kharkiv.html"
    assert run("map", "--at", "2022-09-20", "--bbox", "35.5,48.8,38.5,50.2", "-o", str(out)).exit_code == 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_browser(), args=["--no-sandbox"])
        page = browser.new_page()
        errors: list[str] = []
        requests: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(out.as_uri())
        page.wait_for_timeout(300)
        assert page.inner_text("#day") == "2022-09-20"
        places = page.locator("path.leaflet-interactive").count()
        page.fill("#slider", "0")
        page.dispatch_event("#slider", "input")
        first_day = page.inner_text("#day")
        page.locator("path.leaflet-interactive").first.click(force=True)
        browser.close()
    assert errors == []
    assert requests == [out.as_uri()]  # the page itself, nothing else
    assert places > 0 and first_day < "2022-09-20"


def _has_playwright() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not (ACLED / "ACLED-All-Africa-File_20150701-to-20150731_csv.csv").exists(),
                    reason="the ACLED exports of ../shared are not here")
def test_the_libya_event_chart_counts_what_the_raw_files_hold(sqlite_url, tmp_path):
    from conftest import Run

    from tracker import Store
    from tracker.charts.bars import bars_data

    files = [ACLED / f"ACLED-All-Africa-File_2015{m}01-to-2015{m}{d}_csv.csv" for m, d in (("07", "31"), ("08", "31"))]
    run = Run(sqlite_url)
    for path in files:
        assert run("import", "acled", str(path)).exit_code == 0
    out = tmp_path / "libya.svg"
    result = run("chart", "events", "--country", "Libya", "--by", "month", "--stack", "type", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Events in Libya by month, by type" in out.read_text("utf-8")
    # beside the tool, a count of the raw rows: Libya's events by month and type
    months: dict[str, str] = {}  # event id -> month (an id in both files is one event)
    for path in files:
        with open(path, encoding="latin-1", newline="") as f:  # these 2015 files are Latin-1; ids and dates are ASCII
            for row in csv.DictReader(f):
                if row["COUNTRY"] == "Libya":
                    day = dt.datetime.strptime(row["EVENT_DATE"], "%d/%m/%Y").date()
                    months[row["EVENT_ID_CNTY"]] = day.strftime("%Y-%m")
    counted = Counter(months.values())
    store = Store(sqlite_url)
    data = bars_data(store, "month", "type", "events", country="Libya")
    drawn = {k: int(v) for k, v in data.values.items() if v}
    by_month: Counter = Counter()
    for (month, _), n in drawn.items():
        by_month[month] += n
    assert by_month == counted and sum(counted.values()) > 0
    store.close()


SEED_TEXT = ROOT.parent / "shared" / "seed-report" / "isil-loses-turf-war-in-libya.txt"


@pytest.mark.skipif(not SEED_TEXT.exists(), reason="the seed report is not in ../shared")
def test_two_sources_on_the_same_ground_are_parallel_bars(seeded_run, tmp_path):
    from tracker import Store
    from tracker.charts.timeline import timeline_data

    draft = tmp_path / "draft.yaml"
    assert seeded_run("draft", str(SEED_TEXT), "--published", "2015-06-19", "-o", str(draft)).exit_code == 0
    assert seeded_run("load", str(draft)).exit_code == 0
    assert seeded_run("chart", "timeline", "Derna", "-o", str(tmp_path / "two.png")).exit_code == 0
    store = Store(seeded_run.url)
    with store.reading(control=True) as session:
        data = timeline_data(session, "Derna")
    store.close()
    assert data.views["Derna"] == ["Business Insider: ISIL loses its turf war in Libya [C3]",
                                   "Business Insider: ISIL loses its turf war in Libya"]
    by_view = {v: sorted((b.holder, b.status) for b in data.bars if b.lane == "Derna" and b.view == v)
               for v in data.views["Derna"]}
    assert len(set(map(tuple, by_view.values()))) == 1  # the draft says what the seed says, on a bar of its own


def test_an_open_claim_is_solid_up_to_its_newest_evidence_and_faded_after(seeded):
    from tracker.charts.timeline import timeline_data

    with seeded.reading(control=True) as session:
        data = timeline_data(session, "Derna", None, dt.date(2016, 6, 1))
    held = next(b for b in data.bars if b.lane == "Derna" and b.holder.startswith("Mujahedeen") and b.status == "held")
    # the report (published "2015-06") is the newest evidence: to its last day; stale 90 days later
    assert held.end == dt.date(2016, 6, 1) and held.sure_end == dt.date(2015, 6, 30)


def test_pictures_are_not_overwritten_and_an_empty_chart_is_an_error(seeded_run, tmp_path):
    out = tmp_path / "d.png"
    assert seeded_run("chart", "timeline", "Derna", "-o", str(out)).exit_code == 0
    again = seeded_run("chart", "timeline", "Derna", "-o", str(out))
    assert again.exit_code == 1 and again.stderr == f"Error: {out}: exists; use --force to replace it\n"
    assert seeded_run("chart", "timeline", "Derna", "-o", str(out), "--force").exit_code == 0
    none = seeded_run("chart", "events", "--from", "2030-01", "-o", str(tmp_path / "e.png"))
    assert none.exit_code == 1 and none.stderr.startswith("Error: no events match: nothing to chart")
    unknown = seeded_run("chart", "timeline", "Atlantis", "-o", str(tmp_path / "a.png"))
    assert unknown.stderr.startswith("Error: no place or actor named 'Atlantis'")
