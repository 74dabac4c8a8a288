"""seniority: a bare "the elder" / "the youngest" that singled a member out is kept for later comparisons."""

from __future__ import annotations

from .helpers import ids, with_and_without


def test_a_superlative_of_three_finds_the_member_first_called_so():
    story = ["A farmer leads his three sons into the barn: the eldest carries a lantern, the middle one a pail, "
             "and the youngest drags a sack.",
             "The youngest son falls asleep in the hay.",
             "His father covers him with a blanket while the eldest milks the cow."]
    on, off = with_and_without("seniority", story)
    assert on == [[1, 2, 3, 4], [4], [1, 2, 4, 5]]
    assert on != off


def test_the_little_one_of_two_siblings_nobody_sized_is_the_younger():
    story = ["A mother walks her two sons to school, the younger holding her hand.",
             "At the gate the older boy runs ahead.",
             "The little one cries."]
    on, off = with_and_without("seniority", story)
    assert on == [[1, 2, 3], [3], [2]]
    assert on != off


def test_a_comparative_with_a_noun_finds_the_member_of_a_pair_first_called_so():
    # only "the younger" of the pair was read; the mother beside them does not stop "the younger girl" choosing
    story = ["Under a bridge a violinist tunes up while two daughters wait beside her: the older with a drum, "
             "the younger with a tambourine.",
             "A busker asks the younger girl to dance.",
             "The older sister keeps the beat."]
    on, off = with_and_without("seniority", story)
    assert on == [[1, 2, 3], [2, 4], [3]]
    assert on != off


def test_a_size_word_is_not_read_as_age_when_the_text_gave_sizes():
    # the elder was called tiny: "the little one" is she, not the one called younger
    story = ["Two sisters wait at a bus stop: the elder, a tiny woman in a beret, and the younger, a tall woman "
             "with a guitar.",
             "The little one checks the timetable."]
    assert ids(story) == [[1, 2], [1]]
