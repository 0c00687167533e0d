"""Phrase families (tracker.lexicon) and the reading of what happened to the ground (tracker.ground).

Each family is tried on the phrases of real ACLED notes (quoted from the
2015-2016 realtime files' notes, a few words each) and on the languages it
carries, and against the look-alikes it must not take.
"""

from __future__ import annotations

import pytest

from tracker.control.ground import read_ground
from tracker.control.mentions import Participant
from tracker.text import lexicon


def phrases(text: str, family: str) -> list[str]:
    return [h.phrase for h in lexicon.find(text, family)]


@pytest.mark.parametrize("family,text,found", [
    # temporary: the ground held only for a while
    ("temporary", "Al Shabaab forces briefly take over Basuba in Lamu Country.", "briefly take over"),
    ("temporary", "RENAMO gunmen attacked and temporarily occupied a police post", "temporarily occupied"),
    ("temporary", "The joint forces took over the village for two hours before they retreated",
     "took over the village for two hours"),
    ("temporary", "AMISOM's presence was short lived: the force retreated", "presence was short lived"),
    ("temporary", "The motive of this in and out operation into Janaale is unknown.", "in and out operation"),
    ("temporary", "Al Shabaab took over shortly the village, killing the SNGF commander", "took over shortly"),
    ("temporary", "Rebels claim to have captured Lainya town briefly before withdrawing.",
     "captured Lainya town briefly"),
    ("temporary", "Les rebelles ont brièvement occupé la ville.", "brièvement occupé"),
    ("temporary", "Os insurgentes ocuparam temporariamente a vila.", "ocuparam temporariamente"),
    # left_again: the side that took it left again
    ("left_again", "al Shabaab leaders addressed the town and met with elders before retreating.", "before retreating"),
    ("left_again", "The SNG forces later returned to their base in Qansax Dheere.", "later returned to their"),
    ("left_again", "The al Shabaab militants withdrew voluntarily from the town about mid-night",
     "withdrew voluntarily"),
    ("left_again", "After two hours the Jubaland forces left the area again, allowing", "left the area again"),
    ("left_again", "the army withdrew from the area after being unable to hold the area.", "unable to hold"),
    ("left_again", "al Shabaab gained control of the village, but withdrew an hour later.", "withdrew an hour later"),
    ("left_again", "Between 200-400 al Shabaab left the village the following morning",
     "left the village the following morning"),
    ("left_again", "Les militaires ont pris la ville avant de se retirer.", "avant de se retirer"),
    ("left_again", "Os rebeldes tomaram a vila antes de se retirar.", "antes de se retirar"),
    # others_returned: the other side came back
    ("others_returned", "the force retreated later the same evening prompting al Shabaab to retake control",
     "prompting al Shabaab to retake"),
    ("others_returned", "the Jubaland forces left the area again, allowing al Shabaab to reoccupy the village.",
     "allowing al Shabaab to reoccupy"),
    ("others_returned", "Al Shabaab fighters immediately returned to the town.", "immediately returned"),
    ("others_returned", "but were ousted by fighters loyal to the government", "were ousted by"),
    ("others_returned", "les forces sont parties, permettant aux rebelles de reprendre la ville",
     "permettant aux rebelles de reprendre"),
    # retake: this event undoes a gain of the same day
    ("retake", "following the retreat of AMISOM forces who had earlier in the day themselves gained control",
     "following the retreat of"),
    ("retake", "The military retook control of Keraoua after Boko Haram took control earlier in the morning.",
     "earlier in the morning"),
    ("retake", "government forces were able to recapture the village later the same afternoon.",
     "recapture the village later the same afternoon"),
    # when the holding ended
    ("same_day", "the force retreated later the same evening", "later the same evening"),
    ("same_day", "withdrew voluntarily from the town about mid-night", "about mid-night"),
    ("next_day", "Police forces drove RENAMO gunmen out in an operation launched the following day.",
     "the following day"),
    ("next_day", "Les militaires sont revenus le lendemain.", "le lendemain"),
    ("next_day", "Os militares voltaram no dia seguinte.", "no dia seguinte"),
    # hedges, as DeepStateMap's labels and reports write them
    ("hedge", "Начебто звільнено 26.03. Читайте опис. Треба уточнення", "Начебто"),
    ("hedge", "Начебто звільнено 26.03. Читайте опис. Треба уточнення", "Треба уточнення"),
    ("hedge", "Якобы освобождено, требует уточнения", "Якобы"),
    ("hedge", "Supposedly liberated; needs clarification", "needs clarification"),
])
def test_a_family_finds_its_phrase(family, text, found):
    assert found in phrases(text, family)


@pytest.mark.parametrize("family,text", [
    ("temporary", "The allied forces overran & destroyed it and took control of the village after a brief armed clash."),
    ("temporary", "The rebels claimed they have captured the town shortly after."),
    ("temporary", "The fighting continued for several hours before al Shabaab retreated."),
    ("left_again", "ENDF took over the control Goof Gaduud. Al Shabaab retreated from the village beforehand."),
    ("others_returned", "Military forces report killing 300 members of Boko Haram over two days of fighting."),
    ("retake", "Islamic State militants seized control of the Al-Mabrouk oil field in central Libya."),
    ("hedge", "Звільнено 25.03 /// Taken back 25.03"),
])
def test_a_family_does_not_take_its_look_alikes(family, text):
    assert phrases(text, family) == []


def test_an_unknown_family_is_named():
    with pytest.raises(KeyError, match="no phrase family 'raids'"):
        lexicon.find("text", "raids")


# -- reading the ground, with the participants' names --------------------------------------------
def sides(one: str, two: str, kind_one: str = "state forces", kind_two: str = "rebel group") -> list[Participant]:
    return [Participant(1, one, "actor1", kind_one), Participant(2, two, "actor2", kind_two)]


def test_the_gainer_leaving_again_is_a_raid_the_loser_leaving_is_not():
    who = sides("Military Forces of Somalia (2012-)", "Al Shabaab")
    raid = read_ground("SNG forces attacked al Shabaab fighters in Buulo Gumur village in the morning. "
                       "The al Shabaab fighters were overpowered and pulled out from the village. "
                       "The SNG forces later returned to their base in Qansax Dheere.", who, gainer_side=1)
    assert raid.temporary and raid.ends == "same day" and raid.phrases == ["later returned to their"]
    held = read_ground("ENDF took over the control of Goof Gaduud in the morning. Al Shabaab retreated from the "
                       "village beforehand and no causalities were reported.", who, gainer_side=1)
    assert not held.temporary and held.phrases == []


def test_the_other_side_coming_back_and_the_next_day():
    who = sides("Jubaland forces", "Al Shabaab", "state forces", "rebel group")
    canjeel = read_ground("Jubaland forces occupied Canjeel Village, in al Shabaab territory on 10/04. After two hours "
                          "the Jubaland forces left the area again, allowing al Shabaab to reoccupy the village.",
                          who, gainer_side=1)
    assert (canjeel.temporary, canjeel.returned_side, canjeel.ends) == (True, 2, "same day")
    renamo = read_ground("RENAMO gunmen attacked and temporarily occupied a police post in Chiramba region. Police "
                         "forces drove RENAMO gunmen out in an operation launched the following day.",
                         [Participant(1, "RENAMO: Mozambican National Resistance", "actor1", "rebel group"),
                          Participant(2, "Police Forces of Mozambique (2005-)", "actor2", "state forces")],
                         gainer_side=1)
    assert (renamo.temporary, renamo.returned_side, renamo.ends) == (True, 2, "next day")
    assert "the following day" in renamo.phrases


def test_the_other_sides_brief_hold_is_not_this_gain_cut_short():
    who = sides("Military Forces of Somalia (2012-)", "Al Shabaab")
    reading = read_ground("Government forces retook the village, which al Shabaab had briefly occupied.", who,
                          gainer_side=1)
    assert not reading.temporary


def test_a_retake_of_the_same_day():
    who = sides("AMISOM: African Union Mission in Somalia (2007-)", "Al Shabaab", "external force", "rebel group")
    reading = read_ground("Al Shabaab regains control of Janaale following the retreat of AMISOM forces who had "
                          "earlier in the day themselves gained control of the town.", who, gainer_side=2)
    assert reading.retake and not reading.temporary
    assert reading.as_data() == {"phrases": ["following the retreat of", "had earlier in the day themselves gained"],
                                 "retake": True}
