"""listed_members: rank words after a colon that follows a counted plural are its members, in order."""

from __future__ import annotations

from .helpers import ids, with_and_without


def test_rank_words_after_a_colon_are_the_plurals_members_not_the_first_character():
    story = ["A potter throws a bowl while two nephews look on: the elder in a striped shirt, the younger holding "
             "a kite.",
             "The little one lets the kite go."]
    on, off = with_and_without("listed_members", story)
    assert on == [[1, 2, 3], [3]]
    assert on != off


def test_a_bare_elder_after_a_colon_is_the_first_member():
    story = ["A baker kneads dough as two apprentices watch: the elder about twenty with a beard, the younger "
             "barely fifteen.",
             "The younger apprentice drops a tray."]
    on, off = with_and_without("listed_members", story)
    assert on == [[1, 2, 3], [3]]
    assert on != off


def test_three_rank_words_listed_after_a_colon_are_three_members():
    story = ["On the porch an old man whittles while three grandsons wait: the eldest with a pocketknife, the "
             "middle one with a book, the youngest asleep.",
             "The eldest carves a whistle."]
    on, off = with_and_without("listed_members", story)
    assert on == [[1, 2, 3, 4], [2]]
    assert on != off


def test_a_rank_word_with_no_colon_after_a_plural_is_left_to_the_other_sieves():
    story = ["Two grooms wait at the stable gate.",
             "In the square a shepherd greets the elder of the village."]
    assert ids(story) == ids(story, ("listed_members",))
