"""A dataset row's other columns, packed (tracker.ingest.attributes, migration 0011): what is stored
reads back as the row wrote it, on every real export, and stores from before 0011 are converted."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from conftest import ROOT

from tracker import Store, db
from tracker.ingest.attributes import Facts, pack, unpack
from tracker.ingest.versions import snapshot_versions

REAL = ROOT.parent / "shared" / "data" / "realworld" / "acled"
UCDP = ROOT / "tests" / "data" / "ucdp"
OWN = ROOT / "tests" / "data" / "acled_own" / "acled_own_2015.csv"
TRUNCATED = "ACLED-All-Africa-File_20150101-to-20151024_csv.TRUNCATED_UPSTREAM.csv"
SYNONYMS = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}
ROW = {"year": "2019", "time_precision": "1", "disorder_type": "Political violence", "inter1": "3", "inter2": "7",
       "interaction": "37", "civilian_targeting": "Civilian targeting", "iso": "887", "region": "Middle East",
       "latitude": "18.9227", "longitude": "52.6808", "geo_precision": "1", "source_scale": "Regional",
       "timestamp": "1552210809"}
FACTS = Facts(1552210809, dt.date(2019, 1, 27), 18.9227, 52.6808)


def test_a_row_packs_to_a_fifth_and_reads_back():
    packed = pack("acled", ROW, FACTS)
    assert packed == '["acled1",0,2,1,4,8,38,1,888,10,0,0,2,2,null,0]'
    assert len(packed) * 5 < len(json.dumps(ROW, separators=(",", ":")))
    assert unpack(packed, FACTS) == ROW


def test_only_what_reads_back_exactly_is_left_to_the_record():
    row = dict(ROW, latitude="18.92270", year="2018", region="Atlantis", extra="x")
    packed = pack("acled", row, FACTS)
    assert packed == '["acled1","2018",2,1,4,8,38,1,888,"Atlantis","18.92270",0,2,2,null,0,{"extra":"x"}]'
    assert unpack(packed, FACTS) == row
    assert unpack(pack("acled", ROW, FACTS._replace(stamp=1)), FACTS._replace(stamp=1)) == ROW
    assert pack("other", {"a": "1"}, FACTS) == '{"a":"1"}' and unpack('{"a":"1"}', FACTS) == {"a": "1"}
    assert pack("acled", {}, FACTS) is None and unpack(None, FACTS) == {}


def _files():
    names = sorted(p.name for p in REAL.glob("*.csv") if p.name != TRUNCATED) if REAL.is_dir() else []
    return ([("acled", REAL / n) for n in names] + [("acled", OWN)]
            + [("ucdp", UCDP / n) for n in ("ged191_syria_sample.csv", "ged191_myanmar_bangladesh_sample.csv")])


@pytest.mark.parametrize("scheme,path", _files(), ids=lambda v: getattr(v, "name", v))
def test_every_stored_row_reads_back_as_the_file_wrote_it(sqlite_url, scheme, path):
    """Beside the tool, the raw file read with csv: each stored event's attributes hold the row's own cells."""
    store = Store(sqlite_url)
    result = store.import_dataset(scheme, str(path))
    with store.engine.connect() as conn:
        ids = dict(conn.exec_driver_sql("SELECT external_id, id FROM events").all())
        stored = snapshot_versions(conn, list(ids.values()))
        texts, facts = {}, {}
        for eid, text, stamp, recorded, lat, lon in conn.exec_driver_sql(
                "SELECT r.event_id, r.attributes, r.stamp, r.recorded_date, e.latitude, e.longitude "
                "FROM dataset_records r JOIN events e ON e.id = r.event_id"):
            texts[eid], facts[eid] = text, Facts(stamp, recorded, lat, lon)
    store.close()
    assert len(ids) == result.inserted > 0
    assert all(t.startswith(f'["{scheme}1"') for t in texts.values())
    id_column = "event_id_cnty" if scheme == "acled" else "id"
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        rows = list(csv.DictReader(fh))
    checked = unnamed = 0
    for raw in rows:
        cells = {SYNONYMS.get(k.strip().lower(), k.strip().lower()): v for k, v in raw.items() if k}
        ext = cells[id_column].strip()
        if not ext:
            unnamed += 1  # the import names such a row by its content
            continue
        attributes = stored[ids[ext]]["content"]["attributes"]
        assert texts[ids[ext]] == pack(scheme, attributes, facts[ids[ext]])  # what the migration would write
        for key in ("year", "region", "source_scale", "inter1", "interaction", "timestamp", "conflict_name",
                    "where_prec", "active_year"):
            if key in attributes or cells.get(key):
                assert attributes.get(key) == cells.get(key), (ext, key)
        checked += 1
    assert checked + unnamed == len(ids)


def test_0011_packs_what_0010_stored_and_the_downgrade_restores_it(empty_db_url):
    engine = db.make_engine(empty_db_url)
    db.upgrade(engine, "0010")
    row = dict(ROW, extra="x")
    with engine.begin() as conn:
        sql = conn.exec_driver_sql
        sql("INSERT INTO sources (id, key, kind, title, loaded_at) VALUES "
            "(1, 'acled:1', 'dataset', 'ACLED export', '2026-11-30 10:00:00')")
        for eid, scheme, attributes in ((1, "acled", row), (2, "acled", None), (3, "other", {"a": "1"})):
            sql("INSERT INTO events (id, source_id, key, external_scheme, external_id, external_key, date_start, "
                "date_end, date_precision, event_type, latitude, longitude, certainty) VALUES "
                f"({eid}, 1, 'YEM{eid}', '{scheme}', 'YEM{eid}', 'YEM{eid}', '2019-01-27', '2019-01-27', 'day', "
                "'Battles', 18.9227, 52.6808, 'reported')")
            text = "NULL" if attributes is None else f"'{json.dumps(attributes)}'"
            sql("INSERT INTO dataset_records (event_id, content_hash, stamp, recorded_date, attributes, recorded_at) "
                f"VALUES ({eid}, 'h', 1552210809, '2019-01-27', {text}, '2026-11-30 10:00:00')")
    db.upgrade(engine)

    def stored():
        with engine.connect() as conn:
            return [t for (t,) in conn.exec_driver_sql("SELECT attributes FROM dataset_records ORDER BY event_id")]

    assert stored() == ['["acled1",0,2,1,4,8,38,1,888,10,0,0,2,2,null,0,{"extra":"x"}]', None, '{"a": "1"}']
    with engine.connect() as conn:
        assert snapshot_versions(conn, [1])[1]["content"]["attributes"] == row
    db.downgrade(engine, "0010")
    back = stored()
    assert json.loads(back[0]) == row and back[1:] == [None, '{"a": "1"}']
    db.upgrade(engine)
    assert stored()[0] == '["acled1",0,2,1,4,8,38,1,888,10,0,0,2,2,null,0,{"extra":"x"}]'
    engine.dispose()


def test_values_that_are_not_text_are_kept_as_they_are():
    for row in ({"region": 5}, {"region": 5, "iso": "887"}, {"region": ["x"]}, {"year": 2019, "iso": "1"}):
        assert unpack(pack("acled", row, FACTS), FACTS) == row
