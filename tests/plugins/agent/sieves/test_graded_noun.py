"""graded_noun: "the elder" read as a noun compares the story's ranked set like "the older one"."""

from __future__ import annotations

from .helpers import ids, with_and_without


def test_the_elder_is_the_older_brother_not_the_woman_who_came_in():
    story = ["Two brothers haul nets onto a trawler, the older one with a grey beard.",
             "A woman in a yellow slicker brings them coffee.",
             "The elder drinks his at once."]
    on, off = with_and_without("graded_noun", story)
    assert on == [[1, 2], [1, 2, 3], [1]]
    assert on != off


def test_the_elder_is_the_older_sister_not_the_customer():
    story = ["Two sisters sell lemonade at a stall, the older one in a red cap.",
             "A postman in a grey coat buys a cup.",
             "The elder counts the coins."]
    on, off = with_and_without("graded_noun", story)
    assert on == [[1, 2], [3], [1]]
    assert on != off


def test_an_unranked_pair_leaves_the_elder_to_the_general_rules():
    story = ["Two monks sweep the temple steps.",
             "A girl with a kite runs past.",
             "The elder scolds her gently."]
    assert ids(story) == ids(story, ("graded_noun",))
