import pytest

from plugins.agent.linker import link_story
from plugins.agent.sieves import head_match
from tests.plugins.agent.sieves.helpers import with_and_without


def test_the_same_head_noun_is_the_same_entity():
    story = ["A chef in a tall hat tastes a sauce.", "The chef shouts at the stove."]
    on, off = with_and_without("head_match", story)
    assert on == [[1], [1]]
    assert on != off


def test_a_contradicting_attribute_blocks_the_match():
    on, _ = with_and_without("head_match", ["A man in a red coat waits.", "The man in a blue coat sits."])
    assert on[1] != on[0]


def test_a_possessive_noun_is_never_its_own_owner():
    # both children are cousins; "his cousin" repeats the noun of both, but he is the boy, so it is the girl
    story = ["Two cousins race along a beach: a girl in a green coat and a boy in a red cap.",
             "The boy trips, and his cousin helps him up."]
    on, off = with_and_without("head_match", story)
    assert on == [[1, 2], [1, 2]]
    assert on != off


@pytest.mark.parametrize("story, old", [
    (["An old potter shapes a bowl while his son, a tall man, sweeps the floor.",
      "The younger man carries the clay outside.",
      "The old man wipes his hands on a rag."], True),
    (["An elderly tailor pins a hem while his nephew, a lanky man, irons shirts.",
      "The younger man folds the shirts into a box.",
      "The old man threads a needle."], True),
    (["A young nurse checks a chart while her aunt, a tall woman, waits by the bed.",
      "The older woman sits down with a sigh.",
      "The young woman hands her a glass of water."], False),
])
def test_an_age_word_is_not_the_other_side_of_a_comparison(story, old, monkeypatch):
    # the one called "the younger man" was put below the old one: "the old man" is the old one, not the last man
    on = [r.entity_ids for r in link_story(story)]
    assert 1 in on[2]
    monkeypatch.setattr(head_match, "not_the_compared_other", lambda m, cands, story: cands)
    assert [r.entity_ids for r in link_story(story, ("stated_age",))] != on  # that sieve finds the old one too
