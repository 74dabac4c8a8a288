"""ranked_kin: a newcomer's "older daughter" is the one of the story's sibling set the text ranked so."""

from __future__ import annotations

from .helpers import ids, with_and_without


def test_a_newcomers_older_daughter_is_the_elder_of_the_sisters():
    story = ["Two sisters build a snowman: the elder in a red hat, the younger in mittens.",
             "A man in a parka calls to his older daughter from the porch.",
             "The younger sister throws a snowball at her father."]
    on, off = with_and_without("ranked_kin", story)
    assert on == [[1, 2, 3], [1, 4], [2, 4]]
    assert on != off


def test_a_newcomers_eldest_grandson_is_the_older_brother():
    story = ["Two brothers in overalls paint a fence, the older one on a ladder, the younger kneeling on the grass.",
             "An old man with a cane brings lemonade to his eldest grandson.",
             "The younger brother drinks first."]
    on, off = with_and_without("ranked_kin", story)
    assert on == [[1, 2], [1, 3], [2]]
    assert on != off


def test_a_younger_son_is_the_one_not_called_older():
    story = ["Two brothers race bikes down a hill, the older one wearing a helmet.",
             "A woman in an apron steps out and waves her younger son home.",
             "The older boy keeps riding."]
    assert ids(story) == [[1, 2], [2, 3], [1]]


def test_a_set_of_the_other_sex_is_not_the_owners_sons():
    story = ["Two sisters build a snowman: the elder in a red hat, the younger in mittens.",
             "A farmer in a parka waves to his older son across the road."]
    assert ids(story)[1] == [4, 5]
