"""A noun no table knows is a character when it does what only characters do (acting_nouns.py)."""

from __future__ import annotations

import pytest

from plugins.agent.linker import link_story


@pytest.mark.parametrize("story, ids", [
    # a loanword trade, present tense, the verb right after the noun (read as a compound of it)
    (["At the night market a chaiwala grins at a commuter.", "The commuter pays, and the chaiwala laughs."],
     [[1, 2], [1, 2]]),
    # past tense, the phrase carries its own clothing
    (["A pelotari in a red sash nodded at the referee.", "The referee blew the whistle."], [[1, 2], [2]]),
    # the listed verb is the second of two joined verbs
    (["Under the bridge a roadie looks up and smiles.", "A drummer tosses him a cable."], [[1], [1, 2]]),
    # a bow to others
    (["An itamae in a white jacket bows to the guests.", "A woman thanks him."], [[1], [1, 2]]),
])
def test_an_unknown_noun_that_acts_like_a_character_is_one(story: list[str], ids: list[list[int]]) -> None:
    assert [r.entity_ids for r in link_story(story, ())] == ids


@pytest.mark.parametrize("story", [
    ["The kettle whistles on the stove.", "A man pours the water."],  # things whistle: not a listed verb
    ["The letter says the ferry is late.", "A sailor folds it away."],  # an ordinary word with no person sense
])
def test_an_ordinary_thing_noun_never_acts(story: list[str]) -> None:
    assert [r.entity_ids for r in link_story(story, ())] == [[], [1]]


@pytest.mark.parametrize("story, ids", [
    # a phrase of its own with "his", the noun before a verb that is not on the list
    (["In the workshop a shokunin in his sixties planes a cedar board.", "A clerk takes a shaving from him."],
     [[1], [1, 2]]),
    # a "who" clause, the noun an object
    (["The tourists photograph a pelotari who trains at dawn.", "Later she drinks water."], [[1], [1]]),
])
def test_an_unknown_noun_described_as_someone_is_a_character(story: list[str], ids: list[list[int]]) -> None:
    assert [r.entity_ids for r in link_story(story, ())] == ids


def test_a_which_clause_or_another_ones_possessive_makes_no_character() -> None:
    story = ["A girl repairs a hexacopter which hovers over her desk.", "The girl laughs."]
    assert [r.entity_ids for r in link_story(story, ())] == [[1], [1]]


@pytest.mark.parametrize("story, ids", [
    # met as a subject that grins, later an indirect object
    (["At the night market a chaiwala grins at a commuter.", "The commuter hands the chaiwala a coin."],
     [[1, 2], [1, 2]]),
    # met as a subject that nods, later after a preposition with an adjective of its own
    (["A pelotari in a red sash nodded at the referee.", "The referee stands between the tall pelotari and a coach."],
     [[1, 2], [1, 2, 3]]),
])
def test_an_unknown_noun_made_a_character_earlier_is_one_again(story: list[str], ids: list[list[int]]) -> None:
    assert [r.entity_ids for r in link_story(story, ())] == ids


def test_an_unknown_noun_never_made_a_character_stays_a_thing() -> None:
    story = ["A girl repairs a hexacopter on the desk.", "The girl lifts the hexacopter."]
    assert [r.entity_ids for r in link_story(story, ())] == [[1], [1]]
