"""The drafting stages, each on its own, and the drafts of two reports measured against hand-made files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from tracker.drafting import draft_file, draft_text
from tracker.drafting.dates import DateContext, find_dates
from tracker.drafting.hedges import certainty_at, find_hedges
from tracker.drafting.quality import compare
from tracker.drafting.review import mark_reviewed
from tracker.drafting.sentences import split_sentences
from tracker.drafting.text import report_text, strip_html
from tracker.errors import TrackerError

ROOT = Path(__file__).resolve().parents[2]
SEED_TEXT = ROOT.parent / "shared" / "seed-report" / "isil-loses-turf-war-in-libya.txt"
SIRTE = ROOT / "bench" / "drafting" / "sirte-2016.txt"


def test_sentences_keep_their_offsets_in_the_text():
    text = "Title line\n\nClashes erupted across the city. ISIS now holds no territory.\n\nA second paragraph."
    found = split_sentences(text)
    assert [s.text for s in found] == ["Title line", "Clashes erupted across the city.",
                                       "ISIS now holds no territory.", "A second paragraph."]
    assert all(text[s.start:s.end] == s.text for s in found)


def test_the_body_ends_at_an_elision_and_the_title_and_publisher_are_read():
    rt = report_text("ISIL loses its turf war\n\nBusiness Insider:\nIt happened.\n...\nThe blogger's own view.\n")
    assert (rt.title, rt.publisher) == ("ISIL loses its turf war", "Business Insider")
    assert rt.body.endswith("It happened.\n") and "blogger" not in rt.body


def test_html_is_read_as_its_text():
    assert strip_html("<html><head><title>x</title></head><body><p>Derna&#8217;s residents</p>"
                      "<script>var a;</script><p>marched.</p></body></html>") == "Derna’s residents\n\nmarched.\n"


@pytest.mark.parametrize("words, value", [
    ("on June 9, 2015", "2015-06-09"),
    ("on 13 June", "2015-06-13"),
    ("in early June", "2015-06-01/2015-06-10"),
    ("in late February", "2015-02-21/2015-02-28"),
    ("mid-2014", "2014-05/2014-08"),
    ("since May 2015", "2015-05"),
    ("between 9-13 June", "2015-06-09/2015-06-13"),
    ("through the winter", "2014-12/2015-02"),
])
def test_dates_resolve_against_the_text_and_the_publication(words, value):
    context = DateContext(published=dt.date(2015, 6, 19))
    (found,) = find_dates(words, 0, context)
    assert found.value == value


def test_a_partial_date_is_never_after_the_publication_and_a_list_names_each_day():
    context = DateContext(published=dt.date(2016, 2, 1))
    (later,) = find_dates("on 13 June", 0, context)
    assert later.value == "2015-06-13"  # June 2016 is after the publication: the June before it
    (days,) = find_dates("on June 11 and 12", 0, context)
    assert days.days == ("2015-06-11", "2015-06-12")


def test_a_relative_date_names_what_it_is_relative_to():
    (found,) = find_dates("soon after the assassination.", 0, DateContext())
    assert (found.kind, found.relation, found.anchor, found.value) == ("relative", "soon after", "assassination", None)


def test_a_hedge_qualifies_its_own_clause_only():
    text = ("Gunmen allegedly assassinated the leader, who was a member of LIFG, and according to unconfirmed "
            "rumors residents may have been armed.")
    hedges = find_hedges(text, 0)
    assert certainty_at(hedges, text.index("assassinated")).certainty == "alleged"
    assert certainty_at(hedges, text.index("member")) is None
    assert certainty_at(hedges, text.index("armed")).certainty == "rumoured"


def test_names_defined_with_acronyms_affiliates_and_sub_places():
    draft = draft_text("Rebels clash\n\nThe Islamic State of Iraq and al-Sham (ISIS)’s affiliate in Libya lost control "
                       "of Derna on June 9, 2015. Forces of the Abu Salim Martyrs Brigade (ASMB) captured "
                       "ISIS’s headquarters in central Derna on June 13.", published="2015-06-19")
    report = draft.report()
    actors = {a["name"]: a.get("aliases", []) for a in report["actors"]}
    assert actors["Abu Salim Martyrs Brigade"] == ["ASMB"]
    assert actors["ISIS (Libya)"] == ["ISIS’s affiliate in Libya"]
    places = {p["name"]: p.get("parent") for p in report["places"]}
    assert places["central Derna"] == "derna"
    capture = next(e for e in report["events"] if e["sub_type"] == "Non-state actor overtakes territory")
    assert capture["date"] == "2015-06-13"
    assert [a["actor"] for a in capture["actors"]] == ["abu-salim-martyrs-brigade", "isis-libya"]
    assert capture["evidence"]["decided"]["date"] == "June 13 → 2015-06-13"
    assert capture["review"] == "pending"


def test_every_drafted_record_quotes_its_sentence_verbatim():
    if not SEED_TEXT.exists():
        pytest.skip("the seed report is not in ../shared")
    text = SEED_TEXT.read_text("utf-8")
    report = draft_file(SEED_TEXT, published="2015-06-19").report()
    for section in ("relations", "events", "control", "assessments"):
        for record in report[section]:
            ev = record["evidence"]
            assert " ".join(text[ev["start"]:ev["end"]].split()) == record["quote"]
            assert record["review"] == "pending"


def _scores(text: Path, expected: Path, published: str) -> dict:
    scores, certainty = compare(draft_file(text, published=published).report(), yaml.safe_load(expected.read_text()))
    out = {s.kind: s for s in scores}
    out["certainty"] = certainty
    return out


@pytest.mark.parametrize("text, expected, published", [
    (SEED_TEXT, ROOT / "seeds" / "derna-2015.yaml", "2015-06-19"),
    (SIRTE, ROOT / "bench" / "drafting" / "sirte-2016.yaml", "2016-12-08"),
], ids=["derna", "sirte"])
def test_drafts_match_the_hand_made_reports(text, expected, published):
    if not text.exists():
        pytest.skip(f"{text} is not here")
    scores = _scores(text, expected, published)
    kinds = ("actors", "places", "events", "relations", "control")
    drafted = sum(scores[k].drafted for k in kinds)
    matched = sum(scores[k].matched for k in kinds)
    wanted = sum(scores[k].expected for k in kinds)
    assert matched / drafted >= 0.8 and matched / wanted >= 0.8
    assert scores["events"].recall >= 0.8 and scores["control"].recall >= 0.8
    assert scores["certainty"]["agreement"] >= 0.9


def test_review_marks_pending_records_and_refuses_an_unknown_id(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text("events:\n  - id: a\n    review: pending\n  - id: b\n    review: pending\n", "utf-8")
    assert mark_reviewed(path, ["b"]).summary() == f"{path}: 1 record(s) marked reviewed, 1 still pending"
    assert path.read_text() == "events:\n  - id: a\n    review: pending\n  - id: b\n    review: reviewed\n"
    with pytest.raises(TrackerError, match="no record with id 'c'"):
        mark_reviewed(path, ["c"])


RAQQA = """SDF closes in on Raqqa

The Syrian Democratic Forces (SDF) entered the city of Raqqa on June 6, 2017. On June 10, the SDF captured the
western district of al-Sabahiya. In mid-July, IS reportedly shelled SDF positions near the Old City, killing at least
12 fighters. A suicide car bomb allegedly killed 7 soldiers on July 20. The Free Syrian Army (FSA) captured Jarabulus
on August 2. The Iraqi army had captured Mosul from the Islamic State (IS) in July."""


def test_a_second_text_places_ground_where_the_text_says_and_reads_tolls_and_hedges():
    report = draft_text(RAQQA, published="2017-10-20").report()
    claims = {(c["holder"], c["place"], c["status"]) for c in report["control"]}
    assert ("syrian-democratic-forces", "al-sabahiya", "held") in claims  # the district, not the city
    assert ("syrian-democratic-forces", "raqqa", "held") not in claims
    assert ("iraqi-army", "mosul", "held") in claims  # Mosul, named after "captured", though in another country
    events = {e["id"]: e for e in report["events"]}
    shelling = next(e for e in events.values() if e["sub_type"] == "Shelling/artillery/missile attack")
    assert shelling["fatalities"] == {"low": 12, "best": 12} and shelling["certainty"] == "reported"
    bomb = next(e for e in events.values() if e["sub_type"] == "Suicide bomb")
    assert bomb["certainty"] == "alleged" and bomb["fatalities"] == {"low": 7, "best": 7}
    assert not any(e["type"] == "Violence against civilians" for e in events.values())  # soldiers are armed men
    fsa = next(a for a in report["actors"] if a["name"] == "Free Syrian Army")
    assert fsa.get("kind") != "state forces"
    mosul = next(e for e in events.values() if e.get("place") == "mosul")
    assert mosul["sub_type"] == "Government regains territory" and mosul["date"] == "2017-07"


def test_a_date_after_the_publication_is_said_and_an_empty_text_is_an_error():
    draft = draft_text("Clashes\n\nClashes erupted in Derna on June 9, 2015. The Abu Salim Martyrs Brigade (ASMB) "
                       "captured the port of Derna on June 13.", published="2015-06-10")
    assert draft.warnings == ["2015-06-13 (year from the text's last full date, 2015-06-09) falls after the "
                              "publication date 2015-06-10"]
    with pytest.raises(TrackerError, match="nothing to draft"):
        draft_text("\n\n")


ACLED_REAL = ROOT.parent / "shared" / "data" / "realworld" / "acled"


@pytest.mark.skipif(not ACLED_REAL.is_dir(), reason="../shared/data/realworld/acled is absent")
def test_a_store_of_whole_exports_drafts_with_only_the_names_the_text_could_hold(sqlite_url):
    """Against a store of real ACLED exports (1,434 actors, 5,968 places of Libya and its
    neighbours), the draft made with the names the text could hold is the draft made with
    every name of the store."""
    from tracker import Store
    from tracker.drafting.names import could_name

    store = Store(sqlite_url)
    for name in ("ACLED-All-Africa-File_20150701-to-20150731_csv.csv",
                 "ACLED-All-Africa-File_20160101-to-20160528_csv.csv"):
        store.import_dataset("acled", str(ACLED_REAL / name))
    actors, places = store.known_names()
    store.close()
    text = SEED_TEXT.read_text(encoding="utf-8")
    few_actors, few_places = could_name(text, actors, places)
    assert len(actors) > 1000 and len(places) > 3000
    assert len(few_actors) < len(actors) / 20 and len(few_places) < len(places) / 10
    assert "Abu Salim Martyr's Brigade" in [a[0] for a in few_actors]  # the report's "Abu Salim Martyrs Brigade"
    every = draft_text(text, published="2015-06-19", known_actors=actors, known_places=places).report()
    few = draft_text(text, published="2015-06-19", known_actors=few_actors, known_places=few_places).report()
    assert few == every
