"""Beings and machines whose nouns WordNet lacks (folklore loanwords, newer vehicle names) still name characters."""

from __future__ import annotations

from plugins.agent.linker import link_story
from plugins.agent.nouns import noun_info


def test_loanword_beings_and_vehicles_are_classified() -> None:
    assert (info := noun_info("tengu")) is not None and info.type == "creature"
    assert (info := noun_info("bunyip")) is not None and info.type == "creature"
    assert (info := noun_info("snowcat")) is not None and info.type == "vehicle"
    assert (info := noun_info("tanuki")) is not None and info.type == "animal"


def test_a_loanword_being_is_tracked_across_prompts() -> None:
    prompts = ["A tengu perches on a cedar branch.",
               "A hiker looks up at the tengu and waves.",
               "The tengu flaps away over the ridge."]
    assert [r.entity_ids for r in link_story(prompts, ())] == [[1], [1, 2], [1]]


def test_a_vehicle_noun_wordnet_lacks_is_a_character() -> None:
    prompts = ["At dawn a battered snowcat crawls up the slope.",
               "A hare races ahead of the snowcat.",
               "The snowcat stops at the summit."]
    assert [r.entity_ids for r in link_story(prompts, ())] == [[1], [1, 2], [1]]


def test_a_title_of_another_language_used_as_a_noun_is_its_bearer() -> None:
    stories = [["Nonna Lucia, a stout woman in a black shawl, rolls pasta at the kitchen table.",
                "Her grandson Marco, a boy of ten, steals a piece of dough.",
                "His nonna swats his hand with a wooden spoon."],
               ["Babcia Wanda, a tiny woman in a floral apron, scatters grain for the hens by her cottage.",
                "A red fox slips under the fence.",
                "The babcia chases it off with a broom."]]
    assert noun_info("pan") is None or noun_info("pan").type != "person"  # an English word keeps its own sense
    for story in stories:
        assert [r.entity_ids for r in link_story(story, ())][2] == [1, 2]  # without the title as a noun: [2]


def test_a_kin_word_of_another_language_is_read_as_its_english_kin_noun(monkeypatch):
    from plugins.agent import mentions
    from plugins.agent.linker import link_story
    from plugins.agent.nouns import loan_noun
    assert loan_noun("jiddo") == "grandfather" and loan_noun("gardener") == "gardener"
    story = ["Two brothers knead dough with their grandmother in a warm kitchen.",
             "The boys giggle as their babcia sprinkles flour on them."]
    assert [r.entity_ids for r in link_story(story)] == [[1, 2, 3], [1, 2, 3]]
    monkeypatch.setattr(mentions, "loan_noun", lambda w: w)
    assert [r.entity_ids for r in link_story(story)] != [[1, 2, 3], [1, 2, 3]]
